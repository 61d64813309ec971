// Step rate of the full-size core (N = NA = 256) in Verilator cycles, with exactly 10 % of the
// neurons spiking per step, with and without STDP; the figures go into docs/hardware.md.
#include <gtest/gtest.h>

#include <cstdio>

#include "Vsf_core_n256.h"
#include "cosim.hpp"

namespace {

using namespace spikeforge::hw;
using namespace spikeforge::hw::test;

struct Rate {
  double cycles_per_step = 0;
  double spikes_per_step = 0;
};

/// LIF neurons with threshold 0 and a 9-step refractory period fire every 10th step; staggered
/// initial refractory counters make exactly 25 or 26 of the 256 fire in every step.
Rate measure(bool stdp, double axon_fraction) {
  const CoreGeometry geo{256, 256, 8};
  NetworkOptions opt;
  opt.izh_fraction = 0.0;
  opt.learning = stdp;
  auto net = random_network(geo, opt, 21);
  for (auto& p : net.params) {
    p = {};
    p[param::flags] = 9 << 8;
  }
  if (stdp) {
    std::fill(net.pre_en.begin(), net.pre_en.end(), 1);
    std::fill(net.post_en.begin(), net.post_en.end(), 1);
  }
  Cosim<Vsf_core_n256> c(geo);
  for (const auto& req : load_requests(net)) EXPECT_EQ(c.both(req), "") << "loading";
  std::vector<std::uint16_t> refr(256);
  for (int k = 0; k < 256; ++k) refr[static_cast<std::size_t>(k)] = static_cast<std::uint16_t>(k % 10);
  EXPECT_EQ(c.both(req_write_state(StateKind::nst, 0, std::span(refr).first(128))), "") << "refractory";
  EXPECT_EQ(c.both(req_write_state(StateKind::nst, 128, std::span(refr).subspan(128))), "") << "refractory";
  const int steps = 40;
  // Axon events for every step, queued ahead in chunks of NSLOT steps.
  std::uint64_t step_cycles = 0;
  long spikes = 0;
  const int axons_per_step = static_cast<int>(axon_fraction * 256 + 0.5);
  for (int t0 = 0; t0 < steps; t0 += 8) {
    for (unsigned off = 0; off < 8 && axons_per_step > 0; ++off) {
      std::vector<std::uint8_t> axons;
      for (int a = 0; a < axons_per_step; ++a) axons.push_back(static_cast<std::uint8_t>((a * 10 + off) % 256));
      EXPECT_EQ(c.both(req_input(off, axons)), "") << "INPUT";
    }
    const std::uint64_t before = c.sim().cycles();
    EXPECT_EQ(c.both(req_step(8)), "") << "STEP 8 equal to the golden model";
    step_cycles += c.sim().cycles() - before;
    for (const auto& f : c.last()) spikes += static_cast<long>(parse_spikes(f).ids.size());
  }
  return {static_cast<double>(step_cycles) / steps, static_cast<double>(spikes) / steps};
}

TEST(CoreStepRate, TenPercentSpikingAt24MHz) {
  const Rate plain = measure(false, 0.0);
  const Rate stdp = measure(true, 0.0);
  const Rate stdp_axons = measure(true, 0.1);
  const auto report = [](const char* what, const Rate& r) {
    std::printf("    %-34s %5.1f spikes/step  %7.0f cycles/step  %6.0f steps/s at 24 MHz\n", what,
                r.spikes_per_step, r.cycles_per_step, 24e6 / r.cycles_per_step);
  };
  report("no STDP, no axon input", plain);
  report("STDP on all synapses", stdp);
  report("STDP, 10 % of axons active", stdp_axons);
  EXPECT_NEAR(stdp.spikes_per_step, 25.6, 0.5) << "spiking neurons per step (10 % of 256)";
  EXPECT_LE(stdp.cycles_per_step, 24000.0) << "cycles per step with STDP at 10 % spiking "
                                              "(1000 steps/s at 24 MHz)";
  EXPECT_LE(stdp_axons.cycles_per_step, 24000.0) << "cycles per step with STDP, 10 % neurons and axons";
}

}  // namespace
