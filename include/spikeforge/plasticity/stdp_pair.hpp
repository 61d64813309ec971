// Pair STDP (additive or multiplicative soft-bound, all-to-all or nearest-neighbour pairing) and
// symmetric STDP, as weight-update functors on per-neuron traces (Morrison, Diesmann & Gerstner 2008).
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>

namespace spikeforge::plasticity {

/// A pair event reads the traces *before* the increments of the current step, so a pre and a post
/// spike in the same step do not pair (dt = 0 gives no change). x: the pre neuron's traces,
/// y: the post neuron's traces. Returns the new weight before bounds.
struct StdpPair {
  static constexpr std::size_t pre_traces = 1, post_traces = 1;
  double a_plus, a_minus, w_min, w_max;
  bool multiplicative, nearest;
  std::array<double, 1> pre_tau, post_tau;

  explicit StdpPair(const std::map<std::string, double>& p)
      : a_plus(p.at("a_plus")), a_minus(p.at("a_minus")), w_min(p.at("w_min")), w_max(p.at("w_max")),
        multiplicative(p.at("multiplicative") != 0.0), nearest(p.at("nearest") != 0.0),
        pre_tau{p.at("tau_plus")}, post_tau{p.at("tau_minus")} {}

  /// Post-before-pre: depression by the post trace.
  template <class T>
  double on_pre(double w, const T*, const T* y) const noexcept {
    const double dep = a_minus * static_cast<double>(y[0]);
    return multiplicative ? w - dep * (w - w_min) : w - dep;
  }
  /// Pre-before-post: potentiation by the pre trace.
  template <class T>
  double on_post(double w, const T* x, const T*) const noexcept {
    const double pot = a_plus * static_cast<double>(x[0]);
    return multiplicative ? w + pot * (w_max - w) : w + pot;
  }
};

/// Both spike orders give a_plus exp(-|dt|/tau_plus) - a_minus exp(-|dt|/tau_minus): each neuron
/// keeps one trace per time constant and the same functor runs for pre and post spikes.
struct StdpSymmetric {
  static constexpr std::size_t pre_traces = 2, post_traces = 2;
  double a_plus, a_minus;
  bool nearest;
  std::array<double, 2> pre_tau, post_tau;

  explicit StdpSymmetric(const std::map<std::string, double>& p)
      : a_plus(p.at("a_plus")), a_minus(p.at("a_minus")), nearest(p.at("nearest") != 0.0),
        pre_tau{p.at("tau_plus"), p.at("tau_minus")}, post_tau{p.at("tau_plus"), p.at("tau_minus")} {}

  template <class T>
  double on_pre(double w, const T*, const T* y) const noexcept {
    return w + a_plus * static_cast<double>(y[0]) - a_minus * static_cast<double>(y[1]);
  }
  template <class T>
  double on_post(double w, const T* x, const T*) const noexcept {
    return w + a_plus * static_cast<double>(x[0]) - a_minus * static_cast<double>(x[1]);
  }
};

}  // namespace spikeforge::plasticity
