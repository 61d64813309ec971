// Homeostatic synaptic scaling (Turrigiano 1998; van Rossum, Bi & Turrigiano 2000): every
// interval all weights onto a post neuron are multiplied by 1 + rate * (target - r) / target * interval.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>

namespace spikeforge::plasticity {

/// The post rate r (Hz) is estimated by a per-neuron trace y with time constant tau: y jumps by 1 per
/// spike and decays, so r = 1000 y / tau. The trace starts at the target, so scaling starts from rest.
struct SynapticScaling {
  double target_hz = 0.0, rate_per_s = 0.0, tau_ms = 1000.0;
  std::uint64_t interval_steps = 1;
  double interval_ms = 0.0;

  SynapticScaling(const std::map<std::string, double>& p, double dt_ms)
      : target_hz(p.at("scaling_target_rate")), rate_per_s(p.at("scaling_rate")), tau_ms(p.at("scaling_tau")) {
    interval_steps = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(p.at("scaling_interval") / dt_ms)));
    interval_ms = static_cast<double>(interval_steps) * dt_ms;
  }
  bool enabled() const noexcept { return target_hz > 0.0 && rate_per_s > 0.0; }
  double initial_trace() const noexcept { return target_hz * tau_ms * 1e-3; }
  double rate_hz(double trace) const noexcept { return 1000.0 * trace / tau_ms; }
  /// Factor applied to every weight onto a neuron with estimated rate r; never negative.
  double factor(double trace) const noexcept {
    return std::max(0.0, 1.0 + rate_per_s * (target_hz - rate_hz(trace)) / target_hz * interval_ms * 1e-3);
  }
};

}  // namespace spikeforge::plasticity
