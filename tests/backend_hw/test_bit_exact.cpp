// cpu-fixed (golden model) and fpga-sim (Verilated RTL) must agree bit for bit on random networks:
// every spike at the same step, every sampled membrane value, every weight at the end.
#include <gtest/gtest.h>

#include <spikeforge/backend/fpga_sim_backend.hpp>
#include <spikeforge/backend/hardware_backend.hpp>
#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/error.hpp>

#include "random_networks.hpp"

namespace spikeforge {
namespace {

std::uint64_t total_spikes(const Simulator& sim) {
  std::uint64_t n = 0;
  for (const auto& p : sim.network().populations) n += sim.spike_count(p.name);
  return n;
}

void expect_same_run(const model::Network& net, std::uint64_t steps, const std::string& label) {
  SimulatorOptions fixed_opt;
  fixed_opt.backend = "cpu-fixed";
  fixed_opt.seed = 7;
  SimulatorOptions sim_opt = fixed_opt;
  sim_opt.backend = "fpga-sim";
  Simulator fixed(net, fixed_opt);
  Simulator rtl(net, sim_opt);
  const double duration = static_cast<double>(steps) * net.dt;
  // Two pieces: continuing a run must not change anything either.
  fixed.run(duration / 2);
  fixed.run(duration / 2);
  rtl.run(duration);
  ASSERT_EQ(fixed.time(), rtl.time()) << label;
  const std::uint64_t spikes = total_spikes(fixed);
  EXPECT_GT(spikes, steps / 10) << label << ": total spikes " << spikes << ", expected > " << steps / 10
                                << " (a silent network proves nothing)";
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    const auto& probe = net.probes[q];
    if (probe.kind == model::Probe::Kind::Spikes) {
      const auto& a = fixed.spikes(q);
      const auto& b = rtl.spikes(q);
      ASSERT_EQ(a.size(), b.size()) << label << ": spike count of probe " << probe.name << ", tolerance 0";
      for (std::size_t k = 0; k < a.size(); ++k) {
        ASSERT_EQ(a.times[k], b.times[k]) << label << ": probe " << probe.name << " spike " << k << " time";
        ASSERT_EQ(a.ids[k], b.ids[k]) << label << ": probe " << probe.name << " spike " << k << " at t = " << a.times[k];
      }
    } else if (probe.kind == model::Probe::Kind::State) {
      const auto& a = fixed.state(probe.name);
      const auto& b = rtl.state(probe.name);
      ASSERT_EQ(a.times, b.times) << label << ": sample times of " << probe.name;
      ASSERT_EQ(a.values, b.values) << label << ": sampled " << probe.variables[0] << " of " << probe.name
                                    << " (tolerance 0)";
    }
  }
  const auto& hf = dynamic_cast<const HardwareBackend&>(fixed.backend());
  const auto& hr = dynamic_cast<const HardwareBackend&>(rtl.backend());
  const auto wf = hf.read_core_weights();
  const auto wr = hr.read_core_weights();
  ASSERT_EQ(wf.size(), wr.size());
  for (std::size_t k = 0; k < wf.size(); ++k) {
    ASSERT_EQ(wf[k], wr[k]) << label << ": weight of source " << k / static_cast<std::size_t>(hf.image().geometry.n)
                            << " onto neuron " << k % static_cast<std::size_t>(hf.image().geometry.n);
  }
  for (const auto& proj : net.projections) {
    EXPECT_EQ(fixed.synapses(proj.name), rtl.synapses(proj.name)) << label << ": weights() of " << proj.name;
  }
  bool plastic = false;
  for (const auto& proj : net.projections) plastic = plastic || proj.plasticity.has_value();
  if (plastic) {
    std::size_t changed = 0;
    for (std::size_t k = 0; k < wf.size(); ++k) changed += wf[k] != hf.image().weights[k];
    EXPECT_GT(changed, 20u) << label << ": weights changed by learning (a network that does not learn proves nothing)";
  }
}

TEST(BitExact, RandomLifNetworksOnTheSmallCore) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const auto net = test::random_network(seed, 32, 32, false);
    expect_same_run(net, 400, "LIF network seed " + std::to_string(seed));
  }
}

TEST(BitExact, RandomIzhikevichNetworks) {
  for (std::uint64_t seed = 11; seed <= 12; ++seed) {
    const auto net = test::random_network(seed, 32, 32, true);
    expect_same_run(net, 400, "Izhikevich network seed " + std::to_string(seed));
  }
}

TEST(BitExact, RandomLifNetworkOnTheMiddleCore) {
  const auto net = test::random_network(21, 64, 48, false);
  expect_same_run(net, 300, "LIF network N = 64");
}

TEST(BitExact, RandomNetworksWithLearning) {
  for (std::uint64_t seed = 31; seed <= 33; ++seed) {
    const auto net = test::random_network(seed, 32, 32, false, true);
    expect_same_run(net, 500, "learning network seed " + std::to_string(seed));
  }
}

TEST(BitExact, SetWeightsQuantisesAndReachesTheCore) {
  const auto net = test::random_network(4, 32, 32, false);
  for (const char* backend : {"cpu-fixed", "fpga-sim"}) {
    SimulatorOptions opt;
    opt.backend = backend;
    Simulator sim(net, opt);
    const auto& hb = dynamic_cast<const HardwareBackend&>(sim.backend());
    const std::string proj = net.projections[0].name;
    const double lsb = hb.image().populations[hb.image().projections[0].post_index].i_lsb;
    auto w = sim.synapses(proj).weight;
    for (double& x : w) x *= 0.5;
    sim.set_weights(proj, w);
    const auto back = sim.synapses(proj).weight;
    ASSERT_EQ(back.size(), w.size());
    for (std::size_t k = 0; k < w.size(); ++k) {
      EXPECT_NEAR(back[k], w[k], lsb / 2 + 1e-12) << backend << ": weight " << k << " read back, tolerance lsb/2";
    }
    w[0] = 1000.0 * lsb;
    EXPECT_THROW(sim.set_weights(proj, w), ValidationError) << backend << ": weight beyond the 8-bit range";
  }
}

TEST(BitExact, ResetRepeatsTheRun) {
  const auto net = test::random_network(3, 32, 32, false);
  SimulatorOptions opt;
  opt.backend = "fpga-sim";
  Simulator sim(net, opt);
  sim.run(100 * net.dt);
  const auto first = sim.spikes(0);
  sim.reset();
  sim.run(100 * net.dt);
  EXPECT_EQ(sim.spikes(0), first) << "spikes of " << net.probes[0].name << " after reset";
}

}  // namespace
}  // namespace spikeforge
