// What spikeforge_netbench and spikeforge_gbench measure, in one place: construction time, wall
// and CPU time of Simulator::run, mean rate, recurrent synaptic events and bytes per synapse.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/synapses.hpp>

#include <spikeforge/model/reference_networks.hpp>

namespace spikeforge::bench {

/// One benchmark network built on a Simulator, with what is needed to count its synaptic events.
struct BuiltNetwork {
  std::string name;
  model::Network network;
  std::unique_ptr<Simulator> sim;
  /// Wall time of building the description and constructing the Simulator (validation, synapses).
  double build_s = 0.0;
  /// Recurrent synapses (between populations; external Poisson input excluded).
  std::uint64_t synapses = 0;
  std::uint64_t neurons = 0;
  /// Per population: out-degree of each neuron summed over its recurrent projections, so that
  /// spikes times out-degree gives the synaptic events they caused.
  std::map<std::string, std::vector<std::uint32_t>> out_degree;
};

/// Builds network `name` (model::reference::benchmark) with `options`; only the description and
/// the Simulator are timed, the out-degree count afterwards is not.
inline BuiltNetwork build_network(const std::string& name, const SimulatorOptions& options) {
  BuiltNetwork b;
  b.name = name;
  const auto t0 = std::chrono::steady_clock::now();
  b.network = model::reference::benchmark(name, options.seed);
  b.sim = std::make_unique<Simulator>(b.network, options);
  b.build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto& pop : b.network.populations) {
    b.out_degree[pop.name].assign(pop.size, 0);
    b.neurons += pop.size;
  }
  for (std::size_t k = 0; k < b.network.projections.size(); ++k) {
    const auto it = b.out_degree.find(b.network.projections[k].pre);
    if (it == b.out_degree.end()) continue;  // external Poisson input
    const auto conn = model::build_connectivity(b.network, k);
    b.synapses += conn.size();
    for (const std::uint32_t pre : conn.pre) ++it->second[pre];
  }
  return b;
}

/// One timed Simulator::run and what happened in it.
struct RunMeasurement {
  double sim_s = 0.0;   ///< simulated seconds
  double run_s = 0.0;   ///< wall seconds of Simulator::run
  double cpu_s = 0.0;   ///< process CPU seconds of Simulator::run (summed over threads)
  std::uint64_t spikes = 0;
  double events = 0.0;  ///< recurrent synaptic events (spikes times out-degree)

  RunMeasurement& operator+=(const RunMeasurement& o) {
    sim_s += o.sim_s;
    run_s += o.run_s;
    cpu_s += o.cpu_s;
    spikes += o.spikes;
    events += o.events;
    return *this;
  }
  double s_per_s() const { return sim_s > 0.0 ? run_s / sim_s : 0.0; }
  double events_per_s() const { return run_s > 0.0 ? events / run_s : 0.0; }
  double rate_hz(std::uint64_t neurons) const {
    return sim_s > 0.0 && neurons > 0 ? static_cast<double>(spikes) / (static_cast<double>(neurons) * sim_s) : 0.0;
  }
};

/// Runs `duration_ms` more of `b` (continuing where the last run stopped) and measures it; the
/// spike counts are read before and after, outside the timed region.
inline RunMeasurement timed_run(BuiltNetwork& b, double duration_ms) {
  std::map<std::string, std::vector<std::uint64_t>> before;
  for (const auto& [pop, deg] : b.out_degree) before[pop] = b.sim->spike_counts(pop);
  const double t_start = b.sim->time();
  const auto t0 = std::chrono::steady_clock::now();
  // Process CPU time beside wall time: on a loaded machine it is the fairer single-thread figure
  // (Brian2's own run time is std::clock() too).
  const std::clock_t c0 = std::clock();
  b.sim->run(duration_ms);
  const std::clock_t c1 = std::clock();
  const auto t1 = std::chrono::steady_clock::now();
  RunMeasurement m;
  m.run_s = std::chrono::duration<double>(t1 - t0).count();
  m.cpu_s = static_cast<double>(c1 - c0) / CLOCKS_PER_SEC;
  m.sim_s = (b.sim->time() - t_start) * 1e-3;
  for (const auto& [pop, deg] : b.out_degree) {
    const auto after = b.sim->spike_counts(pop);
    const auto& prev = before[pop];
    for (std::size_t i = 0; i < after.size(); ++i) {
      const std::uint64_t n = after[i] - prev[i];
      m.spikes += n;
      m.events += static_cast<double>(n) * deg[i];
    }
  }
  return m;
}

}  // namespace spikeforge::bench
