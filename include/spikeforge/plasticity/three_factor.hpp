// Reward-modulated (three-factor) STDP: pair events change a per-synapse eligibility e instead of
// the weight; e decays with tau_e and the weight follows dw/dt = learning_rate * M(t) * e.
#pragma once

#include <cmath>
#include <map>
#include <string>

#include <spikeforge/plasticity/stdp_pair.hpp>

namespace spikeforge::plasticity {

struct StdpThreeFactor {
  static constexpr std::size_t pre_traces = 1, post_traces = 1;
  static constexpr bool eligibility = true;
  StdpPair pair;  ///< additive pair STDP acting on e
  double tau_e, learning_rate;
  bool nearest = false;
  std::array<double, 1> pre_tau, post_tau;

  explicit StdpThreeFactor(const std::map<std::string, double>& p)
      : pair(with_additive(p)), tau_e(p.at("tau_e")), learning_rate(p.at("learning_rate")),
        pre_tau{p.at("tau_plus")}, post_tau{p.at("tau_minus")} {}

  template <class T>
  double on_pre(double e, const T* x, const T* y) const noexcept { return pair.on_pre(e, x, y); }
  template <class T>
  double on_post(double e, const T* x, const T* y) const noexcept { return pair.on_post(e, x, y); }
  /// Per-step decay factor of e.
  double eligibility_decay(double dt_ms) const noexcept { return std::exp(-dt_ms / tau_e); }

private:
  static std::map<std::string, double> with_additive(std::map<std::string, double> p) {
    p["multiplicative"] = 0.0;
    p["nearest"] = 0.0;
    return p;
  }
};

}  // namespace spikeforge::plasticity
