// Checkpoints: run(T) gives bit for bit what run(t) + save_state + load_state into a new simulator
// (any thread count) + run(T - t) gives, for every spike, spike count, weight and sampled state;
// a checkpoint that does not belong to the simulator is refused naming what differs, and refusing
// changes nothing.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

#include <spikeforge/backend/checkpoint.hpp>
#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/error.hpp>
#include <spikeforge/model/reference_networks.hpp>

namespace spikeforge {
namespace {

namespace fs = std::filesystem;
using model::Connector;
using model::Distribution;

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("spikeforge_checkpoint_" + std::to_string(::getpid()) + "_" + name);
}

SimulatorOptions options(int threads, bool double_weights = false) {
  SimulatorOptions o;
  o.threads = threads;
  o.seed = 7;
  o.double_weights = double_weights;
  return o;
}

model::Network with_spike_probes(model::Network net) {
  net.probes.clear();
  for (const auto& p : net.populations) net.record_spikes(p.name);
  for (const auto& s : net.spike_sources) net.record_spikes(s.name);
  return net;
}

/// Spikes of `whole` after `from_ms` must be those of `tail`, in order, with the same times.
void expect_same_tail(const Simulator& whole, const Simulator& tail, double from_ms, const std::string& label) {
  const auto& net = whole.network();
  std::size_t compared = 0;
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    if (net.probes[q].kind == model::Probe::Kind::Spikes) {
      const auto& a = whole.spikes(q);
      const auto& b = tail.spikes(q);
      model::SpikeRecord expected;
      for (std::size_t k = 0; k < a.size(); ++k) {
        if (a.times[k] > from_ms + 1e-9) {
          expected.times.push_back(a.times[k]);
          expected.ids.push_back(a.ids[k]);
        }
      }
      ASSERT_EQ(expected.size(), b.size()) << label << ": probe " << net.probes[q].name;
      EXPECT_TRUE(expected == b) << label << ": probe " << net.probes[q].name << " spikes differ";
      compared += b.size();
    } else if (net.probes[q].kind == model::Probe::Kind::State) {
      const auto& a = whole.backend().state_record(q);
      const auto& b = tail.backend().state_record(q);
      ASSERT_GT(b.times.size(), 0U) << label;
      const std::size_t skip = a.times.size() - b.times.size();
      ASSERT_EQ(a.times[skip], b.times[0]) << label << ": state samples after the checkpoint start elsewhere";
      for (std::size_t v = 0; v < a.values.size(); ++v) {
        const std::vector<double> rest(a.values[v].begin() + static_cast<std::ptrdiff_t>(skip * a.neurons.size()),
                                       a.values[v].end());
        EXPECT_TRUE(rest == b.values[v]) << label << ": state " << a.variables[v] << " differs after the checkpoint";
      }
    }
  }
  EXPECT_GT(compared, 50U) << label << ": too few spikes after the checkpoint to prove anything";
  for (const auto& p : net.populations) {
    EXPECT_EQ(whole.spike_counts(p.name), tail.spike_counts(p.name)) << label << ": spike counts of " << p.name;
  }
  for (const auto& proj : net.projections) {
    const auto a = whole.synapses(proj.name), b = tail.synapses(proj.name);
    ASSERT_EQ(a.size(), b.size());
    std::size_t differ = 0;
    for (std::size_t k = 0; k < a.size(); ++k) differ += std::bit_cast<std::uint64_t>(a.weight[k]) != std::bit_cast<std::uint64_t>(b.weight[k]);
    EXPECT_EQ(differ, 0U) << label << ": weights of " << proj.name;
  }
  EXPECT_EQ(whole.time(), tail.time()) << label;
}

/// run(total) against run(split) + save + load into a new simulator with `threads_after` + run(rest).
void expect_continuation(const model::Network& net, double split_ms, double total_ms, int threads_before,
                         int threads_after, const std::string& label, bool double_weights = false) {
  const fs::path file = temp_file(label);
  Simulator whole(net, options(threads_before, double_weights));
  whole.run(total_ms);
  {
    Simulator first(net, options(threads_before, double_weights));
    first.run(split_ms);
    first.save_state(file.string());
  }
  Simulator tail(net, options(threads_after, double_weights));
  tail.load_state(file.string());
  EXPECT_NEAR(tail.time(), split_ms, tail.dt() / 2) << label;
  tail.run(total_ms - split_ms);
  expect_same_tail(whole, tail, tail.dt() * std::round(split_ms / tail.dt()), label);
  fs::remove(file);
}

/// Per-synapse delays from 0.1 to 6 ms into current-based neurons (direct input) and delta neurons
/// (delay ring), a spike-time source and a step current that change across the checkpoint, and a
/// state probe.
model::Network delays_network() {
  model::Network net;
  net.dt = 0.1;
  net.seed = 3;
  net.add_population("E", 400, "lif_curr_exp", {{"tau_refrac", Distribution::constant(2.0)}},
                     {{"v", Distribution::uniform(-70.0, -50.0)}});
  net.add_population("D", 100, "lif_delta", {}, {{"v", Distribution::uniform(-70.0, -50.0)}});
  net.add_poisson_source("noise", 200, Distribution::constant(20.0));
  std::vector<std::vector<double>> times(50);
  for (std::size_t k = 0; k < times.size(); ++k) times[k] = {5.0 + k, 60.0 + k, 120.0 + 0.5 * k};
  net.add_spike_times("pattern", times);
  net.connect("noise_E", "noise", "E", Connector::fixed_probability(0.1), Distribution::constant(0.4),
              Distribution::uniform(0.1, 6.0));
  net.connect("pattern_E", "pattern", "E", Connector::fixed_probability(0.2), Distribution::constant(0.5),
              Distribution::uniform(0.5, 3.0));
  net.connect("E_E", "E", "E", Connector::fixed_probability(0.05), Distribution::uniform(0.0, 0.3),
              Distribution::uniform(0.1, 6.0));
  net.connect("E_D", "E", "D", Connector::fixed_probability(0.1), Distribution::constant(1.0),
              Distribution::uniform(0.1, 6.0));
  net.connect("D_E", "D", "E", Connector::fixed_probability(0.1), Distribution::constant(-0.5),
              Distribution::uniform(1.0, 4.0), "inhibitory");
  net.add_step_current("steps", "E", {0.0, 70.0, 101.0}, {0.1, 0.35, 0.2});
  net.record_spikes("E");
  net.record_spikes("D");
  net.record_state("E", {"v", "i_syn_exc"}, {0, 1, 2, 3, 399}, 0.5);
  return net;
}

TEST(Checkpoint, CobaContinuesOnTwoThreads) {
  expect_continuation(with_spike_probes(model::reference::coba()), 100.0, 200.0, 1, 2, "coba");
}

TEST(Checkpoint, CubaContinuesFromTwoThreadsOnOne) {
  expect_continuation(with_spike_probes(model::reference::cuba()), 100.0, 200.0, 2, 1, "cuba");
}

TEST(Checkpoint, BrunelWithStdpContinuesWithWeightsAndTraces) {
  const auto net = with_spike_probes(model::reference::brunel_sized(2000, 500, 200, 50, 1, true));
  expect_continuation(net, 60.0, 120.0, 1, 2, "brunel_stdp");
  expect_continuation(net, 60.0, 120.0, 2, 1, "brunel_stdp_double", true);
}

TEST(Checkpoint, PerSynapseDelaysSourcesCurrentsAndStateProbes) {
  const auto net = delays_network();
  // 100.05 ms: not a multiple of the minimum delay, input of every delay in flight.
  expect_continuation(net, 100.05, 200.0, 1, 2, "delays");
  expect_continuation(net, 3.3, 150.0, 2, 1, "delays_early");
}

TEST(Checkpoint, ChangedStaticWeightsAndLearningSwitchAreSaved) {
  auto net = with_spike_probes(model::reference::brunel_sized(2000, 500, 200, 50, 1, true));
  const fs::path file = temp_file("changed");
  Simulator whole(net, options(1));
  Simulator first(net, options(1));
  for (Simulator* sim : {&whole, &first}) {
    sim->run(50.0);
    auto syn = sim->synapses(net.projections[1].name);  // a static projection
    for (double& w : syn.weight) w *= 1.25;
    sim->set_weights(net.projections[1].name, syn.weight);
    for (const auto& proj : net.projections) {
      if (proj.plasticity) sim->set_learning(proj.name, false);
    }
  }
  ASSERT_FALSE(net.projections[1].plasticity.has_value());
  first.save_state(file.string());
  whole.run(100.0);
  Simulator tail(net, options(2));
  tail.load_state(file.string());
  tail.run(100.0);
  expect_same_tail(whole, tail, 50.0, "changed weights");
  fs::remove(file);
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// `sim` refuses `file` with a ValidationError containing every part of `expected`, and stays at
/// time 0 with its spike counts zero.
void expect_refused(Simulator& sim, const fs::path& file, const std::vector<std::string>& expected) {
  try {
    sim.load_state(file.string());
    ADD_FAILURE() << "accepted " << file;
  } catch (const ValidationError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file.string()), std::string::npos) << what;
    for (const auto& part : expected) EXPECT_NE(what.find(part), std::string::npos) << "'" << part << "' not in: " << what;
  }
  EXPECT_EQ(sim.time(), 0.0);
}

TEST(Checkpoint, BadCheckpointsAreRefusedAndChangeNothing) {
  const auto net = delays_network();
  const fs::path file = temp_file("good"), bad = temp_file("bad");
  {
    Simulator sim(net, options(1));
    sim.run(50.0);
    sim.save_state(file.string());
  }
  const std::string good = read_bytes(file);
  ASSERT_GT(good.size(), 1000U);
  Simulator sim(net, options(1));

  expect_refused(sim, temp_file("missing"), {"cannot open"});
  write_bytes(bad, "{\"dt\": 0.1}");
  expect_refused(sim, bad, {"not a spikeforge checkpoint"});
  for (std::size_t cut : {std::size_t{25}, std::size_t{40}, good.size() / 2, good.size() - 1}) {
    write_bytes(bad, good.substr(0, cut));
    expect_refused(sim, bad, {"truncated"});
  }
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x10);
  write_bytes(bad, flipped);
  expect_refused(sim, bad, {"damaged", "checksum"});
  std::string version = good;
  version[22] = 9;  // the version follows the 22-byte magic line
  write_bytes(bad, version);
  expect_refused(sim, bad, {"version", "9"});

  auto other = net;
  other.seed = 4;
  Simulator another(other, options(1));
  expect_refused(another, file, {"another network description"});
  Simulator reseeded(net, [] { auto o = options(1); o.seed = 8; return o; }());
  expect_refused(reseeded, file, {"seed 7", "seed 8"});
  Simulator precise(net, options(1, true));
  expect_refused(precise, file, {"double_weights"});

  // After every refusal the simulator still runs exactly as a fresh one.
  Simulator fresh(net, options(1));
  fresh.run(60.0);
  sim.run(60.0);
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    if (net.probes[q].kind == model::Probe::Kind::Spikes) {
      EXPECT_TRUE(fresh.spikes(q) == sim.spikes(q));
    }
  }
  fs::remove(file);
  fs::remove(bad);
}

TEST(Checkpoint, BackendsWithoutCheckpointsSaySo) {
  const auto net = model::reference::chip();
  SimulatorOptions o;
  o.backend = "cpu-fixed";
  Simulator sim(net, o);
  try {
    sim.save_state(temp_file("fixed").string());
    FAIL() << "cpu-fixed saved a checkpoint";
  } catch (const UnsupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("cpu-fixed"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(temp_file("fixed")));
}

TEST(Checkpoint, NetworkHashFollowsTheDescription) {
  const auto a = model::reference::cuba();
  auto b = a;
  EXPECT_EQ(network_hash(a), network_hash(b));
  b.populations[0].size += 1;
  EXPECT_NE(network_hash(a), network_hash(b));
}

}  // namespace
}  // namespace spikeforge

namespace spikeforge {
namespace {

// reset() keeps the weights a run learned; reset(true) returns to the description's, so the first
// run repeats spike for spike.
TEST(Reset, KeepsOrRestoresTheWeights) {
  const auto net = with_spike_probes(model::reference::brunel_sized(2000, 500, 200, 50, 1, true));
  std::string plastic;
  for (const auto& proj : net.projections) {
    if (proj.plasticity) plastic = proj.name;
  }
  ASSERT_FALSE(plastic.empty());
  Simulator sim(net, options(1));
  sim.run(50.0);
  const model::SpikeRecord first = sim.spikes(std::size_t{0});
  const auto initial = Simulator(net, options(1)).synapses(plastic).weight;
  const auto learned = sim.synapses(plastic).weight;
  ASSERT_NE(initial, learned) << "nothing learned: the test proves nothing";
  sim.reset();
  EXPECT_EQ(sim.synapses(plastic).weight, learned);
  sim.reset(true);
  EXPECT_EQ(sim.synapses(plastic).weight, initial);
  sim.run(50.0);
  EXPECT_TRUE(sim.spikes(std::size_t{0}) == first);
}

}  // namespace
}  // namespace spikeforge
