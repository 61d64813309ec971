// Co-simulation of the Verilated sf_core against the golden model on randomised networks,
// the broken-RTL detection check, and the step-rate measurement.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "Vsf_core_n256.h"
#include "Vsf_core_n32.h"
#include "Vsf_core_n32_broken.h"
#include "Vsf_core_n64.h"
#include "cosim.hpp"

namespace {

using namespace spikeforge::hw;
using namespace spikeforge::hw::test;

void expect_lively_and_equal(const CosimResult& r, int steps, bool learning) {
  EXPECT_EQ(r.mismatch, "") << "RTL differs from the golden model";
  EXPECT_EQ(r.steps, steps) << "steps run";
  EXPECT_GE(r.min_window_rate, 0.02) << "spike rate (spikes per neuron per step) of the quietest "
                                        "100-step window, lower bound 2 %";
  EXPECT_LE(r.max_window_rate, 0.30) << "spike rate of the busiest 100-step window, upper bound 30 %";
  if (learning) {
    EXPECT_GE(r.weights_changed, 0.01) << "fraction of weights changed by learning, lower bound 1 %";
  } else {
    EXPECT_EQ(r.weights_changed, 0.0) << "fraction of weights changed with learning off";
  }
  std::printf("    %d steps, %.1f M cycles, window spike rate %.3f..%.3f, weights changed %.3f\n",
              r.steps, static_cast<double>(r.cycles) * 1e-6, r.min_window_rate, r.max_window_rate,
              r.weights_changed);
}

struct Case {
  const char* name;
  double izh;
  bool learning;
  std::uint32_t seed;
};

class Cosim32 : public ::testing::TestWithParam<Case> {};

TEST_P(Cosim32, MatchesGoldenModel) {
  const Case c = GetParam();
  NetworkOptions opt;
  opt.izh_fraction = c.izh;
  opt.learning = c.learning;
  const auto net = random_network(CoreGeometry{32, 32, 8}, opt, c.seed);
  const auto r = run_cosim<Vsf_core_n32>(net, 1000, c.seed);
  expect_lively_and_equal(r, 1000, c.learning);
}

INSTANTIATE_TEST_SUITE_P(
    Networks, Cosim32,
    ::testing::Values(Case{"lif_learning", 0.0, true, 2}, Case{"mixed_learning", 0.3, true, 3},
                      Case{"izhikevich_static", 1.0, false, 5}, Case{"mixed_static", 0.5, false, 7}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(Cosim64, MixedLearningWithUnevenAxonCount) {
  NetworkOptions opt;
  opt.izh_fraction = 0.4;
  opt.learning = true;
  const auto net = random_network(CoreGeometry{64, 48, 8}, opt, 6);
  const auto r = run_cosim<Vsf_core_n64>(net, 1000, 6);
  expect_lively_and_equal(r, 1000, true);
}

TEST(Cosim256, FullSizeMixedLearning) {
  NetworkOptions opt;
  opt.izh_fraction = 0.3;
  opt.learning = true;
  const auto net = random_network(CoreGeometry{256, 256, 8}, opt, 2);
  const auto r = run_cosim<Vsf_core_n256>(net, 1000, 2);
  expect_lively_and_equal(r, 1000, true);
}

TEST(CosimBroken, OneLsbTraceRoundingIsDetected) {
  NetworkOptions opt;
  opt.izh_fraction = 0.3;
  opt.learning = true;
  const auto net = random_network(CoreGeometry{32, 32, 8}, opt, 3);
  // The same network passes on the correct RTL (Cosim32.MatchesGoldenModel/mixed_learning).
  const auto r = run_cosim<Vsf_core_n32_broken>(net, 1000, 3);
  EXPECT_NE(r.mismatch, "") << "co-simulation of the SF_BREAK_TRACE build must report a difference";
  std::printf("    detected: %s\n", r.mismatch.c_str());
}

}  // namespace
