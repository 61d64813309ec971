#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/error.hpp>

namespace spikeforge {
namespace {

using model::Distribution;

model::Network small_network() {
  model::Network net;
  net.add_population("n", 2, "lif_curr_exp");
  net.add_spike_times("src", {{1.0, 2.0}});
  net.connect("src_n", "src", "n", model::Connector::all_to_all(), Distribution::array({0.1, 0.2}), Distribution::constant(1.0));
  return net;
}

TEST(Simulator, UnknownBackendListsAllowedOnes) {
  try {
    SimulatorOptions gpu;
    gpu.backend = "gpu";
    Simulator sim(small_network(), gpu);
    FAIL() << "backend 'gpu' must be refused";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.field(), "backend");
    EXPECT_NE(std::string(e.what()).find("'gpu' is not one of: cpu"), std::string::npos) << e.what();
  }
  for (int threads : {-1, SimulatorOptions::kMaxThreads + 1}) {
    SimulatorOptions bad_threads;
    bad_threads.threads = threads;
    try {
      Simulator sim(small_network(), bad_threads);
      FAIL() << "threads = " << threads << " must be refused (allowed 0 to " << SimulatorOptions::kMaxThreads << ")";
    } catch (const ValidationError& e) {
      EXPECT_EQ(e.field(), "threads");
    }
  }
  SimulatorOptions every_core;
  every_core.threads = 0;
  EXPECT_NO_THROW(Simulator(small_network(), every_core));
}

TEST(Simulator, InvalidNetworkIsRefusedBeforeBuilding) {
  auto net = small_network();
  net.populations[0].params["tau_m"] = Distribution::constant(-5.0);
  try {
    Simulator sim(net);
    FAIL() << "negative tau_m must be refused";
  } catch (const ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("tau_m"), std::string::npos) << e.what();
  }
}

TEST(Simulator, ProgressCallbackSeesTimeAndCanStop) {
  Simulator sim(small_network());
  int calls = 0;
  double last = -1.0, end = 0.0;
  sim.run(100.0, [&](double t, double t_end) {
    ++calls;
    EXPECT_GT(t, last) << "progress time must increase";
    last = t;
    end = t_end;
    return true;
  });
  EXPECT_GE(calls, 10);
  EXPECT_DOUBLE_EQ(last, 100.0);
  EXPECT_DOUBLE_EQ(end, 100.0);
  sim.run(100.0, [](double t, double) { return t < 150.0; });
  EXPECT_GE(sim.time(), 150.0) << "stopped at the first report at or after 150 ms";
  EXPECT_LT(sim.time(), 200.0) << "the run must stop early when progress returns false";
  const double stopped = sim.time();
  EXPECT_NEAR(std::fmod(stopped, sim.dt()) < 1e-9 ? 0.0 : sim.dt() - std::fmod(stopped, sim.dt()), 0.0, 1e-9)
      << "stops at a step boundary";
}

TEST(Simulator, WeightsGetAndSetBetweenRuns) {
  auto net = small_network();
  net.record_state("n", {"i_syn_exc"}, {}, 0.0);
  net.record_weights("src_n", 1.0);
  Simulator sim(net);
  auto syn = sim.synapses("src_n");
  ASSERT_EQ(syn.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(syn.pre[k], 0u);
    EXPECT_DOUBLE_EQ(syn.delay[k], 1.0);
  }
  sim.run(1.5);
  std::vector<double> doubled{syn.weight[0] * 2, syn.weight[1] * 2};
  sim.set_weights("src_n", doubled);
  EXPECT_EQ(sim.synapses("src_n").weight, (std::vector<double>{static_cast<float>(doubled[0]), static_cast<float>(doubled[1])}));
  sim.run(3.0);
  // The spike at 1 ms arrives at 2 ms with the old weights, the one at 2 ms (sent after the
  // change) at 3 ms with the new ones: the jump of i_syn_exc at 3 ms is twice the weight.
  const auto& rec = sim.state("n");
  std::size_t at3 = 0, before3 = 0;
  for (std::size_t r = 0; r < rec.times.size(); ++r) {
    if (std::abs(rec.times[r] - 3.0) < 1e-9) at3 = r;
  }
  before3 = at3 - 1;
  const double decay = std::exp(-0.1 / 5.0);
  for (std::size_t c = 0; c < 2; ++c) {
    const std::uint32_t post = syn.post[c];
    EXPECT_NEAR(rec.at(0, at3, post) - rec.at(0, before3, post) * decay, static_cast<float>(doubled[c]), 1e-7)
        << "jump of i_syn_exc (nA) of neuron " << post << " at 3 ms with the new weight";
  }
  const auto& snaps = sim.weight_snapshots("src_n");
  ASSERT_GE(snaps.times.size(), 4u);
  EXPECT_EQ(snaps.weights.front()[0], static_cast<float>(syn.weight[0]));
  EXPECT_EQ(snaps.weights.back()[0], static_cast<float>(doubled[0]));
  EXPECT_THROW(sim.set_weights("src_n", {1.0}), Error) << "wrong number of weights";
  EXPECT_THROW(sim.set_weights("src_n", {NAN, 1.0}), ValidationError) << "NaN weight";
}

TEST(Simulator, DcAndStepCurrentsDriveTheMembrane) {
  model::Network net;
  net.add_population("n", 3, "lif_curr_exp", {{"v_thresh", Distribution::constant(100.0)}});
  net.add_dc_current("dc", "n", 0.1, 10.0, 20.0, {0});
  net.add_step_current("steps", "n", {5.0, 15.0}, {0.2, -0.1}, {1, 2});
  net.record_state("n", {"v"}, {}, 0.0);
  Simulator sim(net);
  sim.run(40.0);
  const auto& rec = sim.state("n");
  const double tau = 20.0, r = 1000.0 * 20.0 / 250.0;  // mV per nA
  auto v_at = [&](double t, std::size_t c) -> double {
    for (std::size_t i = 0; i < rec.times.size(); ++i) if (std::abs(rec.times[i] - t) < 1e-9) return rec.at(0, i, c);
    return NAN;
  };
  // DC 0.1 nA on neuron 0 from 10 to 20 ms: exact exponential charging, then discharging.
  const double v20 = -65.0 + r * 0.1 * (1 - std::exp(-10.0 / tau));
  EXPECT_NEAR(v_at(10.0, 0), -65.0, 1e-9) << "v of neuron 0 before the DC (mV)";
  EXPECT_NEAR(v_at(20.0, 0), v20, 1e-9) << "v of neuron 0 after 10 ms of 0.1 nA (mV)";
  EXPECT_NEAR(v_at(30.0, 0), -65.0 + (v20 + 65.0) * std::exp(-10.0 / tau), 1e-9) << "v of neuron 0 10 ms after the DC";
  // Step current 0.2 nA from 5 ms, -0.1 nA from 15 ms on neurons 1 and 2.
  const double v15 = -65.0 + r * 0.2 * (1 - std::exp(-10.0 / tau));
  const double v_inf = -65.0 - r * 0.1;
  EXPECT_NEAR(v_at(15.0, 1), v15, 1e-9) << "v of neuron 1 at 15 ms (mV)";
  EXPECT_NEAR(v_at(35.0, 2), v_inf + (v15 - v_inf) * std::exp(-20.0 / tau), 1e-9) << "v of neuron 2 at 35 ms (mV)";
}

TEST(Simulator, SpikeCountsAndRecordersAgree) {
  model::Network net;
  net.add_population("n", 5, "lif_curr_exp", {{"i_offset", Distribution::constant(1.0)}});
  net.record_spikes("n", {1, 3});
  Simulator sim(net);
  sim.run(100.0);
  const auto counts = sim.spike_counts("n");
  std::uint64_t recorded = 0;
  for (auto id : sim.spikes("n").ids) {
    EXPECT_TRUE(id == 1 || id == 3) << "only the selected neurons are recorded";
    ++recorded;
  }
  EXPECT_EQ(recorded, counts[1] + counts[3]);
  EXPECT_NEAR(sim.mean_rate("n"), static_cast<double>(sim.spike_count("n")) / 5.0 / 0.1, 1e-9);
  EXPECT_THROW(sim.spikes("nothing"), Error);
}

TEST(Simulator, SetWeightsKeepsTheSignOfTheReceptor) {
  // Conductance-based post (nS >= 0 on both receptors) and current-based inhibitory (nA <= 0).
  model::Network net;
  net.add_population("c", 2, "lif_cond_exp");
  net.add_population("i", 2, "lif_curr_exp");
  net.add_spike_times("src", {{1.0}});
  net.connect("to_c", "src", "c", model::Connector::all_to_all(), Distribution::constant(1.0), Distribution::constant(1.0));
  net.connect("to_i", "src", "i", model::Connector::all_to_all(), Distribution::constant(-0.1),
              Distribution::constant(1.0), "inhibitory");
  Simulator sim(net);
  auto refused = [&](const std::string& projection, std::vector<double> w, const std::string& expected) {
    try {
      sim.set_weights(projection, w);
      ADD_FAILURE() << projection << ": weights must be refused";
    } catch (const ValidationError& e) {
      EXPECT_EQ(e.object(), "projection '" + projection + "'");
      EXPECT_EQ(e.field(), "weight[1]");
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  };
  refused("to_c", {1.0, -0.5}, "must be >= 0 nS for the excitatory receptor of model lif_cond_exp");
  refused("to_i", {-0.2, 0.3}, "must be <= 0 nA for the inhibitory receptor of model lif_curr_exp");
  EXPECT_EQ(sim.synapses("to_c").weight, (std::vector<double>{1.0, 1.0})) << "a refused call changes nothing";
  sim.set_weights("to_c", {0.0, 2.5});
  sim.set_weights("to_i", {-0.2, 0.0});
  EXPECT_EQ(sim.synapses("to_c").weight, (std::vector<double>{0.0, 2.5}));
  EXPECT_EQ(sim.synapses("to_i").weight, (std::vector<double>{static_cast<float>(-0.2), 0.0}));
}

TEST(Simulator, UnknownNamesNameTheKindAndTheName) {
  auto net = small_network();
  net.record_spikes("n");
  Simulator sim(net);
  EXPECT_EQ(sim.resolved().projection("src_n"), 0u);
  auto message = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const ValidationError& e) {
      return e.what();
    }
    return "no ValidationError";
  };
  EXPECT_NE(message([&] { sim.synapses("nope"); }).find("projection: 'nope': no projection of that name (projections: src_n)"),
            std::string::npos);
  EXPECT_NE(message([&] { sim.spike_counts("src"); }).find("'src': no population of that name (populations: n)"),
            std::string::npos)
      << "a spike source has no spike counts";
  EXPECT_NE(message([&] { sim.state("n"); }).find("'n': no state probe of that name or recording 'n' (state probes: none; probes belong to the network description: record before building the simulator)"),
            std::string::npos);
  EXPECT_NE(message([&] { sim.set_learning("src_n", true); }).find("the projection is static"), std::string::npos);
}

}  // namespace
}  // namespace spikeforge
