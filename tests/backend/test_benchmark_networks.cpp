#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include <spikeforge/backend/simulator.hpp>

#include <spikeforge/model/reference_networks.hpp>

namespace spikeforge {
namespace {

// Options with the given run seed (fields set by name, so options added later keep defaults).
inline SimulatorOptions with_seed(std::uint64_t seed) {
  SimulatorOptions o;
  o.seed = seed;
  return o;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double total_rate(const Simulator& sim) {
  return static_cast<double>(sim.spike_count("E") + sim.spike_count("I")) / (4000.0 * sim.time() * 1e-3);
}

TEST(BenchmarkNetworks, CobaFiresAtExpectedRate) {
  const auto t0 = std::chrono::steady_clock::now();
  Simulator sim(model::reference::coba(1));
  const double build = seconds_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  sim.run(1000.0);
  const double run = seconds_since(t1);
  const double rate = total_rate(sim);
  std::printf("COBA: %.2f Hz, build %.3f s, run %.3f s per simulated second\n", rate, build, run);
  EXPECT_GE(rate, 15.0) << "COBA mean rate (Hz), expected 15-25 Hz";
  EXPECT_LE(rate, 25.0) << "COBA mean rate (Hz), expected 15-25 Hz";
  // Self-sustained: still firing in the last 100 ms.
  EXPECT_GT(sim.mean_rate("E"), 5.0) << "E rate (Hz)";
  EXPECT_GT(sim.mean_rate("I"), 5.0) << "I rate (Hz)";
  EXPECT_LE(sim.bytes_per_synapse(), 8.0) << "bytes per static synapse (all synapse storage)";
}

TEST(BenchmarkNetworks, CubaFiresAtExpectedRate) {
  Simulator sim(model::reference::cuba(1));
  const auto t1 = std::chrono::steady_clock::now();
  sim.run(1000.0);
  const double run = seconds_since(t1);
  const double rate = total_rate(sim);
  std::printf("CUBA: %.2f Hz, run %.3f s per simulated second\n", rate, run);
  EXPECT_GE(rate, 5.0) << "CUBA mean rate (Hz), expected 5-6 Hz";
  EXPECT_LE(rate, 6.0) << "CUBA mean rate (Hz), expected 5-6 Hz";
  EXPECT_LE(sim.bytes_per_synapse(), 8.0) << "bytes per static synapse (all synapse storage)";
}

std::pair<std::vector<double>, std::vector<std::uint32_t>> coba_spikes(std::uint64_t network_seed, std::uint64_t run_seed,
                                                                      double duration) {
  auto net = model::reference::coba(network_seed);
  net.record_spikes("E");
  Simulator sim(net, with_seed(run_seed));
  sim.run(duration);
  return {sim.spikes("E").times, sim.spikes("E").ids};
}

TEST(BenchmarkNetworks, SameSeedSameSpikesDifferentSeedDifferentSpikes) {
  const auto a = coba_spikes(1, 1, 200.0);
  const auto b = coba_spikes(1, 1, 200.0);
  const auto c = coba_spikes(2, 1, 200.0);
  ASSERT_GT(a.first.size(), 1000u) << "COBA E spikes in 200 ms";
  EXPECT_TRUE(a == b) << "two runs with network seed 1 must give identical spikes";
  EXPECT_FALSE(a == c) << "network seeds 1 and 2 must give different spikes";
}

TEST(BenchmarkNetworks, RunContinuationIsBitExact) {
  // Poisson input as well, so the run seed's counter-based draws are covered too.
  auto net = model::reference::cuba(3);
  net.add_poisson_source("ext", 4000, model::Distribution::constant(5.0));
  net.connect("ext_E", "ext", "E", model::Connector::fixed_probability(0.002), model::Distribution::constant(0.05),
              model::Distribution::constant(0.5));
  net.record_spikes("E");
  net.record_state("I", {"v", "i_syn_exc"}, {0, 1, 2}, 0.5);
  Simulator once(net, with_seed(9));
  once.run(300.0);
  Simulator split(net, with_seed(9));
  split.run(100.0);
  split.run(50.0);
  split.run(150.0);
  EXPECT_DOUBLE_EQ(split.time(), 300.0);
  EXPECT_TRUE(once.spikes("E") == split.spikes("E")) << "spikes of run(300) vs run(100)+run(50)+run(150)";
  EXPECT_TRUE(once.state("I") == split.state("I")) << "state trace of run(300) vs split runs, bit for bit";
  ASSERT_GT(once.spikes("E").size(), 100u);
}

TEST(BenchmarkNetworks, ResetReproducesTheFirstRun) {
  auto net = model::reference::coba(4);
  net.record_spikes("I");
  Simulator sim(net, with_seed(2));
  sim.run(150.0);
  const SpikeRecord first = sim.spikes("I");
  const auto counts = sim.spike_counts("I");
  sim.reset();
  EXPECT_EQ(sim.time(), 0.0);
  EXPECT_EQ(sim.spikes("I").size(), 0u) << "recordings are cleared by reset";
  sim.run(150.0);
  EXPECT_TRUE(first == sim.spikes("I")) << "spikes after reset vs the first run";
  EXPECT_EQ(counts, sim.spike_counts("I"));
}

}  // namespace
}  // namespace spikeforge
