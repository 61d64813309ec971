// Triplet STDP (Pfister & Gerstner 2006, all-to-all interaction): two traces per pre neuron
// (r1, r2) and two per post neuron (o1, o2); the minimal model has a3_minus = 0.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>

namespace spikeforge::plasticity {

/// Pre spike: w -= o1 (a2_minus + a3_minus r2); post spike: w += r1 (a2_plus + a3_plus o2).
/// Every trace is read before its own neuron's increment of this step (the "epsilon" of the paper).
struct StdpTriplet {
  static constexpr std::size_t pre_traces = 2, post_traces = 2;
  double a2_plus, a3_plus, a2_minus, a3_minus;
  bool nearest = false;
  std::array<double, 2> pre_tau, post_tau;

  explicit StdpTriplet(const std::map<std::string, double>& p)
      : a2_plus(p.at("a2_plus")), a3_plus(p.at("a3_plus")), a2_minus(p.at("a2_minus")), a3_minus(p.at("a3_minus")),
        pre_tau{p.at("tau_plus"), p.at("tau_x")}, post_tau{p.at("tau_minus"), p.at("tau_y")} {}

  template <class T>
  double on_pre(double w, const T* x, const T* y) const noexcept {
    return w - static_cast<double>(y[0]) * (a2_minus + a3_minus * static_cast<double>(x[1]));
  }
  template <class T>
  double on_post(double w, const T* x, const T* y) const noexcept {
    return w + static_cast<double>(x[0]) * (a2_plus + a3_plus * static_cast<double>(y[1]));
  }
};

}  // namespace spikeforge::plasticity
