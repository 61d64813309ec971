// Direct input (docs/engine.md "Input"): populations whose model adds input into its synaptic state
// (lif_curr_exp, lif_adaptive_threshold, lif_cond_exp) receive delayed input as queued synapse
// ranges added right after the arrival step, instead of through slot arrays. The tests check where
// it is used, the arrival times and sizes of the jumps against the closed form, that input in flight
// keeps the weight it was sent with when set_weights() changes it, for 1 and 2 threads, and that a
// fused Poisson drive and a delivered one still agree bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <spikeforge/engine/engine.hpp>
#include <spikeforge/model/validate.hpp>

#include <spikeforge/model/reference_networks.hpp>

namespace {

using spikeforge::engine::Engine;
using spikeforge::model::Connector;
using spikeforge::model::Distribution;
using spikeforge::model::Network;

std::map<std::string, Distribution> curr_exp_params() {
  const auto c = [](double v) { return Distribution::constant(v); };
  // v_thresh far above anything the input reaches: the currents are observed, nothing spikes.
  return {{"cm", c(250.0)},        {"tau_m", c(10.0)},   {"tau_refrac", c(2.0)}, {"v_rest", c(-65.0)},
          {"v_reset", c(-65.0)},   {"v_thresh", c(1e3)}, {"tau_syn_e", c(2.0)},  {"tau_syn_i", c(5.0)},
          {"i_offset", c(0.0)}};
}

TEST(DirectInput, UsedWhereTheModelAddsIntoItsState) {
  Engine cuba(spikeforge::model::reference::cuba(1), 1, false, 1);
  Engine coba(spikeforge::model::reference::coba(1), 1, false, 1);
  Engine brunel(spikeforge::model::reference::brunel_sized(400, 100, 40, 10, 1), 1, false, 1);
  for (std::size_t p = 0; p < 2; ++p) {
    EXPECT_TRUE(cuba.direct_input(p)) << "lif_curr_exp population " << p << " of CUBA";
    EXPECT_TRUE(coba.direct_input(p)) << "lif_cond_exp population " << p << " of COBA";
    EXPECT_FALSE(brunel.direct_input(p)) << "lif_delta jumps v before the threshold check: slots";
  }
  // A plastic projection into a population keeps the slots (its store delivers into the ring).
  Network net;
  net.add_population("P", 20, "lif_curr_exp", curr_exp_params());
  net.add_spike_times("S", std::vector<std::vector<double>>(20, {1.0}));
  auto& proj = net.connect("SP", "S", "P", Connector::one_to_one(), Distribution::constant(0.1),
                           Distribution::constant(1.0));
  proj.plasticity = spikeforge::model::Plasticity{"stdp_pair",
                                                  {{"a_plus", 0.01}, {"a_minus", 0.01}, {"tau_plus", 20.0},
                                                   {"tau_minus", 20.0}, {"w_min", 0.0}, {"w_max", 1.0}}};
  spikeforge::model::validate(net);
  EXPECT_FALSE(Engine(net, 1, false, 1).direct_input(0));
}

// 40 lif_curr_exp neurons, one source spiking at 1.0 ms and 6.0 ms, all-to-all, delay 3.0 ms,
// weight 0.5 nA; after 20 steps (first spike in flight) the weights become 0.25 nA.
void check_in_flight_weights(std::size_t threads) {
  constexpr double dt = 0.1, w1 = 0.5, w2 = 0.25, tau_syn = 2.0;
  Network net;
  net.dt = dt;
  net.add_population("P", 40, "lif_curr_exp", curr_exp_params());
  net.add_spike_times("S", {{1.0, 6.0}});
  net.connect("SP", "S", "P", Connector::all_to_all(), Distribution::constant(w1), Distribution::constant(3.0));
  net.record_state("P", {"i_syn_exc"}, {0, 39});
  spikeforge::model::validate(net);
  Engine engine(net, 1, false, threads);
  ASSERT_TRUE(engine.direct_input(0));
  engine.run(20);
  engine.set_weights(0, std::vector<double>(40, w2));
  engine.run(180);
  const auto& rec = engine.state_record(0);
  ASSERT_EQ(rec.times.size(), 200u);
  const double p11 = std::exp(-dt / tau_syn);
  // Jumps: the sample at step r minus the decayed sample before it.
  for (std::size_t c = 0; c < 2; ++c) {
    std::vector<std::pair<std::size_t, double>> jumps;
    for (std::size_t r = 1; r < rec.times.size(); ++r) {
      const double jump = rec.at(0, r, c) - rec.at(0, r - 1, c) * p11;
      if (std::abs(jump) > 1e-9) jumps.emplace_back(r, jump);
    }
    ASSERT_EQ(jumps.size(), 2u) << "two arrivals expected at neuron column " << c << ", threads " << threads;
    // Spikes at 1.0 and 6.0 ms with a 3.0 ms delay are visible from t = 4.0 and 9.0 ms.
    EXPECT_DOUBLE_EQ(rec.times[jumps[0].first], 4.0);
    EXPECT_DOUBLE_EQ(rec.times[jumps[1].first], 9.0);
    // The first was sent with w1 (before set_weights at 2.0 ms), the second with w2.
    EXPECT_NEAR(jumps[0].second, w1, 1e-12) << "in-flight input must keep the weight it was sent with";
    EXPECT_NEAR(jumps[1].second, w2, 1e-12);
    // Between arrivals the current decays exactly: i(9.0 ms) = w1 P11^50 + w2.
    EXPECT_NEAR(rec.at(0, jumps[1].first, c), w1 * std::pow(p11, 50) + w2, 1e-12);
  }
}

TEST(DirectInput, ArrivalTimesAndInFlightWeightsOneThread) { check_in_flight_weights(1); }
TEST(DirectInput, ArrivalTimesAndInFlightWeightsTwoThreads) { check_in_flight_weights(2); }

TEST(DirectInput, FusedPoissonDriveEqualsDeliveredDrive) {
  // As ThreadedEngine.FusedPoissonDriveEqualsDeliveredDrive, for lif_curr_exp: each neuron gets one
  // addition per step from its generator on either path, also across a weight change mid-run.
  const auto make = [](bool record_source) {
    Network net;
    auto params = curr_exp_params();
    params["v_thresh"] = Distribution::constant(-55.0);
    net.add_population("P", 300, "lif_curr_exp", params, {{"v", Distribution::uniform(-65.0, -55.0)}});
    net.add_poisson_source("ext", 300, Distribution::constant(800.0));
    net.connect("ext", "ext", "P", Connector::one_to_one(), Distribution::constant(0.6), Distribution::constant(0.1));
    net.record_spikes("P");
    if (record_source) net.record_spikes("ext");
    spikeforge::model::validate(net);
    return net;
  };
  Engine a(make(false), 3, false, 2), b(make(true), 3, false, 2);
  ASSERT_EQ(a.fused_drives(), 1u);
  ASSERT_EQ(b.fused_drives(), 0u);
  ASSERT_TRUE(a.direct_input(0) && b.direct_input(0));
  a.run(400);
  b.run(400);
  std::vector<double> w(300);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.4 + 0.003 * static_cast<double>(i % 89);
  a.set_weights(0, w);
  b.set_weights(0, w);
  a.run(400);
  b.run(400);
  EXPECT_GT(a.spike_record(0).size(), 100u) << "the driven population must fire";
  EXPECT_TRUE(a.spike_record(0) == b.spike_record(0)) << "spikes with a fused and a delivered drive differ";
  for (const char* var : {"v", "i_syn_exc"}) {
    const auto va = a.group(0).state(var), vb = b.group(0).state(var);
    for (std::size_t i = 0; i < va.size(); ++i) ASSERT_EQ(va[i], vb[i]) << var << " of neuron " << i;
  }
}

}  // namespace
