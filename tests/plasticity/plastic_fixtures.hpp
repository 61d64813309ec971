// Shared helpers of the plasticity tests: networks with forced pre/post spike pairs and access to
// the cpu engine behind a Simulator.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <spikeforge/backend/cpu_backend.hpp>
#include <spikeforge/backend/simulator.hpp>

namespace spikeforge::test {

inline SimulatorOptions double_precision() {
  SimulatorOptions o;
  o.double_weights = true;
  return o;
}

inline engine::Engine& engine_of(Simulator& sim) { return dynamic_cast<CpuBackend&>(sim.backend()).engine(); }

/// Trial k: source "pre" neuron k spikes at pre_times[k]; post neuron k is forced to spike at
/// post_times[k] by a 100 mV jump from source "drive" one step earlier. The plastic projection
/// "syn" pairs pre k with post k only (one_to_one), so every synapse sees exactly one pair.
/// post_times[k] < 0: that post neuron never spikes. `delay` (ms) of "syn": one step when negative.
inline model::Network forced_pairs(const std::vector<std::vector<double>>& pre_times,
                                   const std::vector<std::vector<double>>& post_times, double w0,
                                   model::Plasticity rule, double dt = 0.1, double delay = -1.0) {
  model::Network net;
  net.dt = dt;
  const auto n = static_cast<std::uint32_t>(pre_times.size());
  net.add_spike_times("pre", pre_times);
  std::vector<std::vector<double>> drive(post_times.size());
  for (std::size_t k = 0; k < post_times.size(); ++k) {
    for (double t : post_times[k]) drive[k].push_back(t - dt);
  }
  net.add_spike_times("drive", drive);
  // Refractory shorter than any pairing interval used, threshold 15 mV above rest: a plastic
  // weight (<= 1 mV) never fires the neuron, the 100 mV drive always does, in the step it arrives.
  net.add_population("post", n, "lif_delta",
                     {{"tau_refrac", model::Distribution::constant(dt)},
                      {"v_thresh", model::Distribution::constant(-50.0)},
                      {"v_rest", model::Distribution::constant(-65.0)},
                      {"v_reset", model::Distribution::constant(-65.0)}});
  net.connect("drive_post", "drive", "post", model::Connector::one_to_one(), model::Distribution::constant(100.0),
              model::Distribution::constant(dt));
  auto& syn = net.connect("syn", "pre", "post", model::Connector::one_to_one(), model::Distribution::constant(w0),
                          model::Distribution::constant(delay < 0.0 ? dt : delay));
  syn.plasticity = std::move(rule);
  net.record_spikes("post");
  return net;
}

}  // namespace spikeforge::test
