// The threaded engine gives bitwise the one-thread result for any thread count: spike trains,
// final membrane potentials and learned weights of COBA, a Brunel network with delays, fused and
// delivered Poisson drives, and a plastic network; and several threads really did the work.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <spikeforge/engine/engine.hpp>
#include <spikeforge/engine/synapse_store.hpp>
#include <spikeforge/model/validate.hpp>

#include <spikeforge/model/reference_networks.hpp>

namespace {

using spikeforge::engine::Engine;
using spikeforge::engine::InputRing;
using spikeforge::model::SpikeRecord;
using spikeforge::engine::SynapseStore;
using spikeforge::model::Connector;
using spikeforge::model::Distribution;
using spikeforge::model::Network;

/// Everything a run leaves that must not depend on the thread count.
struct Outcome {
  std::vector<SpikeRecord> spikes;                        // every probe's record
  std::vector<std::vector<double>> v;                     // final v per population
  std::vector<std::vector<std::uint64_t>> counts;         // spike counts per population
  std::vector<std::vector<double>> weights;               // every projection's weights
  std::vector<spikeforge::model::StateRecord> states;    // state probes
  std::vector<spikeforge::model::WeightRecord> snapshots;  // weight probes
  std::size_t workers = 0;
  std::uint64_t window = 0;
  Engine::ThreadStats stats;
};

/// Runs `net` with `threads` partitions for `chunks` (in steps, one run() call each).
Outcome run(const Network& net, std::size_t threads, const std::vector<std::uint64_t>& chunks) {
  spikeforge::model::validate(net);
  Engine engine(net, 7, false, threads);
  engine.collect_thread_stats(true);
  for (std::uint64_t n : chunks) engine.run(n);
  Outcome out;
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    switch (net.probes[q].kind) {
      case spikeforge::model::Probe::Kind::Spikes: out.spikes.push_back(engine.spike_record(q)); break;
      case spikeforge::model::Probe::Kind::State: out.states.push_back(engine.state_record(q)); break;
      case spikeforge::model::Probe::Kind::Weights: out.snapshots.push_back(engine.weight_record(q)); break;
    }
  }
  for (std::size_t p = 0; p < net.populations.size(); ++p) {
    const auto v = engine.group(p).state("v");
    out.v.emplace_back(v.begin(), v.end());
    out.counts.push_back(engine.spike_counts(p));
  }
  for (std::size_t j = 0; j < net.projections.size(); ++j) out.weights.push_back(engine.synapses(j).weight);
  out.workers = engine.worker_threads_seen();
  out.window = engine.window_steps();
  out.stats = engine.thread_stats();
  return out;
}

std::uint64_t total_spikes(const Outcome& o) {
  std::uint64_t n = 0;
  for (const auto& c : o.counts) for (std::uint64_t k : c) n += k;
  return n;
}

/// Bitwise comparison with a message naming the quantity, population/probe and first difference.
void expect_identical(const Outcome& ref, const Outcome& got, const std::string& what) {
  ASSERT_EQ(ref.spikes.size(), got.spikes.size());
  for (std::size_t q = 0; q < ref.spikes.size(); ++q) {
    ASSERT_EQ(ref.spikes[q].size(), got.spikes[q].size())
        << what << ": spike count of probe " << q << ", expected " << ref.spikes[q].size() << " exactly";
    for (std::size_t k = 0; k < ref.spikes[q].size(); ++k) {
      ASSERT_TRUE(ref.spikes[q].times[k] == got.spikes[q].times[k] && ref.spikes[q].ids[k] == got.spikes[q].ids[k])
          << what << ": spike " << k << " of probe " << q << " is (" << got.spikes[q].times[k] << " ms, "
          << got.spikes[q].ids[k] << "), expected (" << ref.spikes[q].times[k] << " ms, " << ref.spikes[q].ids[k]
          << ") bitwise";
    }
  }
  for (std::size_t p = 0; p < ref.v.size(); ++p) {
    EXPECT_EQ(ref.counts[p], got.counts[p]) << what << ": spike counts of population " << p << " differ";
    for (std::size_t i = 0; i < ref.v[p].size(); ++i) {
      ASSERT_EQ(ref.v[p][i], got.v[p][i]) << what << ": final v of neuron " << i << " of population " << p
                                          << ", expected " << ref.v[p][i] << " mV with tolerance 0 (bitwise)";
    }
  }
  for (std::size_t j = 0; j < ref.weights.size(); ++j) {
    ASSERT_EQ(ref.weights[j].size(), got.weights[j].size());
    for (std::size_t k = 0; k < ref.weights[j].size(); ++k) {
      ASSERT_EQ(ref.weights[j][k], got.weights[j][k]) << what << ": weight " << k << " of projection " << j
                                                      << ", expected " << ref.weights[j][k] << " bitwise";
    }
  }
  EXPECT_TRUE(ref.states == got.states) << what << ": state probe records differ";
  EXPECT_TRUE(ref.snapshots == got.snapshots) << what << ": weight probe snapshots differ";
}

/// A small Brunel network (delays 1.5 ms, fused one-to-one Poisson drives) plus the inputs that
/// take the other paths: a Poisson source with a rate schedule through a random projection
/// (delay 2 ms, emitted over generator ranges), spike times (delay 3 ms, including t = 0) and a
/// step current that changes twice; the E drive changes its rate during the run.
Network brunel_with_inputs() {
  Network net = spikeforge::model::reference::brunel_sized(800, 200, 80, 20, 3);
  for (auto& src : net.spike_sources) {
    if (src.name == "extE") {
      src.rate_times = {40.0, 90.3};
      src.rate_values = {14000.0, 21000.0};
    }
  }
  auto& kick = net.add_poisson_source("kick", 50, Distribution::constant(40.0));
  kick.rate_times = {25.05, 60.0};
  kick.rate_values = {300.0, 20.0};
  net.connect("kickE", "kick", "E", Connector::fixed_probability(0.2), Distribution::uniform(0.05, 0.4),
              Distribution::constant(2.0), "excitatory");
  std::vector<std::vector<double>> times(30);
  for (std::size_t i = 0; i < times.size(); ++i) times[i] = {0.0, 10.0 + static_cast<double>(i), 55.5, 55.5};
  net.add_spike_times("times", times);
  net.connect("timesI", "times", "I", Connector::fixed_probability(0.3), Distribution::constant(1.5),
              Distribution::uniform(3.0, 4.0), "excitatory");
  net.add_step_current("steps", "E", {20.0, 47.3}, {0.02, -0.01}, {1, 2, 3, 500, 799});
  net.record_spikes("E");
  net.record_spikes("I");
  net.record_spikes("kick");
  return net;
}

TEST(ThreadedEngine, CobaIsBitwiseIdenticalFor1To4Threads) {
  Network net = spikeforge::model::reference::coba(11);
  net.record_spikes("E");
  net.record_spikes("I");
  const std::vector<std::uint64_t> steps{1000};  // 100 ms
  const Outcome one = run(net, 1, steps);
  EXPECT_EQ(one.window, 1u) << "COBA's delay is one step: window expected 1 step";
  EXPECT_GT(total_spikes(one), 1000u) << "COBA must be active (spikes in 100 ms)";
  for (std::size_t threads : {2u, 4u}) {
    expect_identical(one, run(net, threads, steps), "COBA, " + std::to_string(threads) + " threads");
  }
}

TEST(ThreadedEngine, BrunelWithDelaysAndPoissonDriveIsBitwiseIdentical) {
  const Network net = brunel_with_inputs();
  const std::vector<std::uint64_t> steps{1200};  // 120 ms
  const Outcome one = run(net, 1, steps);
  EXPECT_EQ(one.window, 15u) << "minimum delay 1.5 ms = 15 steps expected as the window";
  EXPECT_GT(total_spikes(one), 2000u) << "the Brunel network must be active";
  EXPECT_GT(one.spikes[2].size(), 100u) << "the scheduled Poisson source must fire";
  for (std::size_t threads : {2u, 4u}) {
    const Outcome many = run(net, threads, steps);
    expect_identical(one, many, "Brunel, " + std::to_string(threads) + " threads");
    if (threads == 2) {
      EXPECT_GE(many.workers, 2u) << "distinct OS threads that ran partitions with threads = 2: expected >= 2";
      // 1200 steps in windows of at most 15 steps that end at every cut: current steps 200 and
      // 473, kick rate changes 251 and 600, fused E drive changes 401 and 904 (change step + its
      // delay of 1): 83 windows (counted by hand from these cuts).
      EXPECT_EQ(many.stats.windows, 83u) << "windows: at most 15 steps, ending at each cut; tolerance 0";
      EXPECT_GT(many.stats.busy_s, 0.0) << "CPU time inside partition tasks";
      EXPECT_LE(many.stats.critical_s, many.stats.busy_s) << "critical path (max per phase) exceeds the sum";
    }
  }
}

// threads = 0 lets the engine choose: one partition where the threads' two meetings per window
// would cost more than they save (COBA 4k, one-step windows), every core where a window holds
// enough neuron steps (Brunel: 10^4 neurons x 15 steps).
TEST(ThreadedEngine, AutomaticThreadCountFollowsTheWorkPerWindow) {
  EXPECT_EQ(spikeforge::engine::Engine::auto_partitions(4000, 1, 2), 1u) << "COBA 4k, 1-step window, 2 cores";
  EXPECT_EQ(spikeforge::engine::Engine::auto_partitions(64000, 1, 2), 2u) << "COBA 64k, 1-step window, 2 cores";
  EXPECT_EQ(spikeforge::engine::Engine::auto_partitions(10000, 15, 2), 2u) << "Brunel, 15-step window, 2 cores";
  EXPECT_EQ(spikeforge::engine::Engine::auto_partitions(10000, 15, 1), 1u) << "one core";
  EXPECT_EQ(spikeforge::engine::Engine::auto_partitions(2000, 16, 8), 1u) << "32000 neuron steps: below 32768";
  Network coba = spikeforge::model::reference::coba(11);
  spikeforge::model::validate(coba);
  const spikeforge::engine::Engine engine(coba, 1, false, 0);
  EXPECT_EQ(engine.threads(), 1u) << "COBA 4k with threads = 0: one partition expected";
}

TEST(ThreadedEngine, RunSplitIntoCallsEqualsOneRun) {
  const Network net = brunel_with_inputs();
  for (std::size_t threads : {1u, 2u}) {
    const Outcome whole = run(net, threads, {1000});
    // Window boundaries fall elsewhere: calls of 1, 7, 15, 16 and 400 steps, and the rest.
    const Outcome split = run(net, threads, {1, 7, 15, 16, 400, 561});
    expect_identical(whole, split, "split run, " + std::to_string(threads) + " threads");
  }
}

TEST(ThreadedEngine, FusedPoissonDriveEqualsDeliveredDrive) {
  // Without recurrent input a slot holds only the drive, so the fused path (the partition draws
  // its own generators) and the delivered path (a spike probe on the source keeps it a spike
  // list) add exactly the same numbers: the runs must agree bitwise.
  Network fused = spikeforge::model::reference::brunel_sized(300, 100, 30, 10, 5);
  std::erase_if(fused.projections, [](const auto& p) { return p.pre == "E" || p.pre == "I"; });
  fused.record_spikes("E");
  Network delivered = fused;
  delivered.record_spikes("extE");
  delivered.record_spikes("extI");
  spikeforge::model::validate(fused);
  Engine a(fused, 3, false, 2), b(delivered, 3, false, 2);
  EXPECT_EQ(a.fused_drives(), 2u) << "extE and extI feed one-to-one: 2 fused drives expected";
  EXPECT_EQ(b.fused_drives(), 0u) << "recorded sources are not fused";
  a.run(400);
  b.run(400);
  // New, distinct weights mid-run reach the fused drive as they reach the delivered one.
  std::size_t ext_e = 0;
  while (fused.projections[ext_e].name != "extE") ++ext_e;
  std::vector<double> w(300);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.05 + 0.001 * static_cast<double>(i % 97);
  a.set_weights(ext_e, w);
  b.set_weights(ext_e, w);
  a.run(400);
  b.run(400);
  EXPECT_GT(a.spike_record(0).size(), 100u) << "the driven E population must fire";
  EXPECT_TRUE(a.spike_record(0) == b.spike_record(0)) << "E spikes with a fused and a delivered drive differ";
  for (std::size_t p = 0; p < 2; ++p) {
    const auto va = a.group(p).state("v"), vb = b.group(p).state("v");
    for (std::size_t i = 0; i < va.size(); ++i) {
      ASSERT_EQ(va[i], vb[i]) << "final v of neuron " << i << " of population " << p << ": fused " << va[i]
                              << " mV, delivered " << vb[i] << " mV, tolerance 0";
    }
  }
}

TEST(ThreadedEngine, StateAndWeightProbesAreIdenticalAndSampledEveryInterval) {
  Network net = brunel_with_inputs();
  net.record_state("E", {"v"}, {0, 17, 400, 799}, 0.5);
  net.record_weights("kickE", 5.0);
  const Outcome one = run(net, 1, {300});
  EXPECT_EQ(one.window, 1u) << "state and weight probes sample between steps: window expected 1";
  ASSERT_EQ(one.states.size(), 1u);
  EXPECT_EQ(one.states[0].times.size(), 60u) << "samples of v every 0.5 ms over 30 ms";
  EXPECT_EQ(one.snapshots[0].times.size(), 6u) << "weight snapshots every 5 ms over 30 ms";
  expect_identical(one, run(net, 2, {300}), "probed Brunel, 2 threads");
}

TEST(ThreadedEngine, PlasticBrunelIsBitwiseIdenticalFor1To4Threads) {
  Network net = spikeforge::model::reference::brunel_sized(800, 200, 80, 20, 9, true);
  net.record_spikes("E");
  const Outcome one = run(net, 1, {600});
  EXPECT_GT(total_spikes(one), 1000u) << "the plastic Brunel network must be active";
  const Outcome fresh = run(net, 1, {0});
  EXPECT_NE(one.weights[0], fresh.weights[0]) << "E->E weights must have learned";
  for (std::size_t threads : {2u, 4u}) {
    expect_identical(one, run(net, threads, {600}), "plastic Brunel, " + std::to_string(threads) + " threads");
  }
}

TEST(ThreadedEngine, AnExceptionInTheSerialPartEndsTheRunAndTheEngineRunsOn) {
  // A modulator callback (called between the phases on the calling thread) that throws must
  // end run() with its exception, with the other threads released, and a later run() must work.
  Network net = spikeforge::model::reference::brunel_sized(800, 200, 80, 20, 9, true);
  net.record_spikes("E");
  spikeforge::model::validate(net);
  Engine engine(net, 7, false, 2);
  engine.set_modulator_callback([](double t) -> double {
    if (t > 5.0 && t < 5.15) throw std::runtime_error("callback failed at " + std::to_string(t) + " ms");
    return 0.0;
  });
  EXPECT_THROW(engine.run(100), std::runtime_error);
  const std::uint64_t before = engine.steps();
  EXPECT_LT(before, 100u) << "the run must stop at the failing window";
  engine.set_modulator_callback([](double) { return 0.0; });
  engine.run(100);
  EXPECT_EQ(engine.steps(), before + 100);
  EXPECT_GE(engine.worker_threads_seen(), 2u);
}

TEST(ThreadedEngine, SmallPopulationsWithEmptyPartitionsAreIdentical) {
  // 20 and 5 neurons split 4 ways in multiples of 16: partitions 2 and 3 (and 1 of "B") own
  // nothing; plastic all-to-all input from a Poisson source, a one-to-one drive and a recurrent
  // projection with a 2-step delay.
  Network net;
  net.dt = 0.1;
  net.seed = 4;
  const std::map<std::string, Distribution> params{{"tau_m", Distribution::constant(10.0)},
                                                   {"v_rest", Distribution::constant(0.0)},
                                                   {"v_reset", Distribution::constant(0.0)},
                                                   {"v_thresh", Distribution::constant(1.0)}};
  net.add_population("A", 20, "lif_delta", params, {{"v", Distribution::uniform(0.0, 1.0)}});
  net.add_population("B", 5, "lif_delta", params);
  net.add_poisson_source("in", 30, Distribution::constant(200.0));
  net.add_poisson_source("drive", 5, Distribution::constant(3000.0));
  auto& learn = net.connect("inA", "in", "A", Connector::all_to_all(), Distribution::uniform(0.05, 0.15),
                            Distribution::constant(0.3), "excitatory");
  learn.plasticity = spikeforge::model::Plasticity{
      "stdp_pair",
      {{"a_plus", 0.01}, {"a_minus", 0.012}, {"tau_plus", 20.0}, {"tau_minus", 20.0}, {"w_min", 0.0},
       {"w_max", 0.3}, {"multiplicative", 0.0}, {"nearest", 0.0}}};
  net.connect("driveB", "drive", "B", Connector::one_to_one(), Distribution::constant(0.3), Distribution::constant(0.1),
              "excitatory");
  net.connect("AB", "A", "B", Connector::fixed_probability(0.5), Distribution::constant(0.2),
              Distribution::constant(0.2), "excitatory");
  net.connect("BA", "B", "A", Connector::all_to_all(), Distribution::constant(-0.1), Distribution::constant(0.2),
              "inhibitory");
  net.record_spikes("A");
  net.record_spikes("B");
  const Outcome one = run(net, 1, {2000});
  EXPECT_GT(one.spikes[0].size(), 50u) << "population A must fire";
  EXPECT_GT(one.spikes[1].size(), 50u) << "population B must fire";
  EXPECT_EQ(one.window, 2u) << "the 0.2 ms recurrent delay sets the window (the one-to-one drive is fused), "
                               "expected 2 steps";
  for (std::size_t threads : {2u, 3u, 4u}) {
    expect_identical(one, run(net, threads, {2000}), "small populations, " + std::to_string(threads) + " threads");
  }
}

TEST(ThreadedEngine, EveryNeuronModelIsIdenticalFor1And3Threads) {
  // Each kernel's step_range runs on partitions of different threads; default parameters,
  // Poisson input with 2- and 3-step delays, a DC current and a recurrent inhibitory loop.
  Network net;
  net.dt = 0.1;
  net.seed = 8;
  const std::vector<std::string> models{"lif_curr_exp", "lif_cond_exp", "lif_delta", "lif_adaptive_threshold",
                                        "izhikevich"};
  net.add_poisson_source("in", 200, Distribution::constant(50.0));
  for (const auto& model : models) {
    net.add_population(model, 70, model);
    const double w = model == "lif_cond_exp" ? 20.0 : model == "lif_delta" ? 4.0 : model == "izhikevich" ? 8.0 : 1.0;
    net.connect("in_" + model, "in", model, Connector::fixed_probability(0.1), Distribution::uniform(0.5 * w, w),
                Distribution::uniform(0.2, 0.3), "excitatory");
    // Conductances are positive; current and voltage jumps of the inhibitory receptor negative.
    const double w_inh = model == "lif_cond_exp" ? 5.0 : model == "lif_delta" || model == "izhikevich" ? -1.0 : -0.5;
    net.connect("self_" + model, model, model, Connector::fixed_probability(0.2), Distribution::constant(w_inh),
                Distribution::constant(0.2), "inhibitory");
    net.add_dc_current("dc_" + model, model, 0.1, 10.0, 60.0);
    net.record_spikes(model);
  }
  const Outcome one = run(net, 1, {1000});
  for (std::size_t p = 0; p < models.size(); ++p) {
    EXPECT_GT(one.spikes[p].size(), 10u) << models[p] << " must fire (spikes in 100 ms)";
  }
  expect_identical(one, run(net, 3, {1000}), "every model, 3 threads");
}

TEST(SynapseStore, DeliveryRestrictedToTargetRangesAddsWhatFullDeliveryAdds) {
  // 40 pre x 100 post, random targets, three delays, distinct weights; partitions of 16s.
  std::vector<std::uint32_t> pre, post, delay;
  std::vector<double> weight;
  std::uint64_t x = 12345;
  for (std::uint32_t i = 0; i < 40; ++i) {
    for (int k = 0; k < 30; ++k) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      pre.push_back(i);
      post.push_back(static_cast<std::uint32_t>((x >> 33) % 100));
      delay.push_back(1 + static_cast<std::uint32_t>((x >> 20) % 3));
      weight.push_back(static_cast<double>((x >> 40) % 1000) * 1e-3 - 0.3);
    }
  }
  for (bool one_delay : {false, true}) {
    if (one_delay) std::fill(delay.begin(), delay.end(), 2u);
    SynapseStore store(40, 100, pre, post, weight, delay);
    const std::size_t bytes_before = store.bytes();
    const std::vector<std::uint32_t> bounds{0, 16, 48, 96, 100};
    store.set_partitions(bounds);
    const std::size_t units = one_delay ? 40 : store.size();  // at most one segment per synapse
    EXPECT_GT(store.bytes(), bytes_before) << "partition splits must be counted in bytes()";
    EXPECT_LE(store.bytes() - bytes_before, units * 3 * sizeof(std::uint32_t))
        << "partition splits: at most 3 interior bounds x 4 bytes per row or segment";
    InputRing full(100, 4), ranges(100, 4), parts(100, 4);
    for (std::uint32_t i = 0; i < 40; ++i) {
      store.deliver(i, 1.5, [&](std::uint32_t d) { return full.slot(d, 0); });
      for (std::size_t p = 0; p + 1 < bounds.size(); ++p) {
        store.deliver(i, 1.5, bounds[p], bounds[p + 1], [&](std::uint32_t d) { return ranges.slot(d, 0); });
        store.deliver_part(i, 1.5, p, [&](std::uint32_t d) { return parts.slot(d, 0); });
      }
    }
    for (std::uint32_t d = 1; d <= 3; ++d) {
      for (std::size_t n = 0; n < 100; ++n) {
        ASSERT_EQ(full.slot(d, 0)[n], ranges.slot(d, 0)[n])
            << "input of neuron " << n << " at delay " << d << " delivered by target ranges, expected "
            << full.slot(d, 0)[n] << " bitwise";
        ASSERT_EQ(full.slot(d, 0)[n], parts.slot(d, 0)[n])
            << "input of neuron " << n << " at delay " << d << " delivered by partitions, expected "
            << full.slot(d, 0)[n] << " bitwise";
      }
    }
  }
}

}  // namespace
