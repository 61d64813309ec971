// Spike-based Hebbian rate rules: plain Hebbian, Oja and anti-Hebbian. Each post spike samples the
// postsynaptic rate and the presynaptic trace x_pre (~ rate_pre * tau_pre) estimates the other factor.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>

namespace spikeforge::plasticity {

/// Hebbian (sign = +1) or anti-Hebbian (sign = -1): each post spike adds sign * eta * x_pre, so the
/// mean drift is sign * eta * tau_pre * rate_pre * rate_post for uncorrelated trains.
struct Hebbian {
  static constexpr std::size_t pre_traces = 1, post_traces = 1;
  double eta, sign;
  bool nearest = false;
  std::array<double, 1> pre_tau, post_tau;

  Hebbian(const std::map<std::string, double>& p, double sign_)
      : eta(p.at("eta")), sign(sign_), pre_tau{p.at("tau_pre")}, post_tau{p.at("tau_pre")} {}

  template <class T>
  double on_pre(double w, const T*, const T*) const noexcept { return w; }
  template <class T>
  double on_post(double w, const T* x, const T*) const noexcept { return w + sign * eta * static_cast<double>(x[0]); }
};

/// Oja's rule, dw = eta (x_pre - alpha y_post w) per post spike: the Hebbian term plus a decay that
/// grows with the post rate and keeps the weight vector bounded.
struct Oja {
  static constexpr std::size_t pre_traces = 1, post_traces = 1;
  double eta, alpha;
  bool nearest = false;
  std::array<double, 1> pre_tau, post_tau;

  explicit Oja(const std::map<std::string, double>& p)
      : eta(p.at("eta")), alpha(p.at("alpha")), pre_tau{p.at("tau_pre")}, post_tau{p.at("tau_post")} {}

  template <class T>
  double on_pre(double w, const T*, const T*) const noexcept { return w; }
  template <class T>
  double on_post(double w, const T* x, const T* y) const noexcept {
    return w + eta * (static_cast<double>(x[0]) - alpha * static_cast<double>(y[0]) * w);
  }
};

}  // namespace spikeforge::plasticity
