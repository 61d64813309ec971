// Injected DC and step currents: the amplitude each one adds into a population's external current
// during a step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <spikeforge/stimulus/source_spikes.hpp>

namespace spikeforge::stimulus {

/// A DC or step current into some neurons of one population; amplitude(step) gives the current
/// (nA) during [t_step, t_step+1).
class CurrentInjection {
public:
  /// DC: `amplitude` from start to stop (stop < 0: never stops).
  static CurrentInjection dc(std::vector<std::uint32_t> neurons, double amplitude, double start_ms, double stop_ms, double dt) {
    CurrentInjection c;
    c.neurons_ = std::move(neurons);
    c.times_ = {to_step(start_ms, dt)};
    c.amplitudes_ = {amplitude};
    if (stop_ms >= 0.0) { c.times_.push_back(to_step(stop_ms, dt)); c.amplitudes_.push_back(0.0); }
    return c;
  }
  /// Step current: amplitudes[k] from times[k] on, 0 before times[0].
  static CurrentInjection steps(std::vector<std::uint32_t> neurons, const std::vector<double>& times_ms,
                                std::vector<double> amplitudes, double dt) {
    CurrentInjection c;
    c.neurons_ = std::move(neurons);
    for (double t : times_ms) c.times_.push_back(to_step(t, dt));
    c.amplitudes_ = std::move(amplitudes);
    return c;
  }
  double amplitude(std::int64_t step) const noexcept {
    double a = 0.0;
    for (std::size_t j = 0; j < times_.size() && times_[j] <= step; ++j) a = amplitudes_[j];
    return a;
  }
  /// Neurons receiving the current; empty = all of the population.
  const std::vector<std::uint32_t>& neurons() const noexcept { return neurons_; }

private:
  std::vector<std::uint32_t> neurons_;
  std::vector<std::int64_t> times_;
  std::vector<double> amplitudes_;
};

}  // namespace spikeforge::stimulus
