#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <spikeforge/neurons/lif_delta.hpp>

#include "kernel_test_util.hpp"

namespace spikeforge {
namespace {

using test::uniform_parameters;

// Brunel (2000) neuron in absolute units: rest 0 mV, threshold 20 mV, reset 10 mV.
std::map<std::string, double> brunel_values() {
  return {{"cm", 250.0},   {"tau_m", 20.0},    {"tau_refrac", 2.0}, {"v_rest", 0.0},
          {"v_reset", 10.0}, {"v_thresh", 20.0}, {"i_offset", 0.0}};
}

TEST(LifDelta, JumpDecaysExponentially) {
  neurons::LifDelta k(uniform_parameters(brunel_values()), 0.1);
  std::vector<double> jump{5.0}, zero{0.0};
  std::uint32_t spiked[1];
  k.step(jump.data(), zero.data(), nullptr, spiked);
  EXPECT_DOUBLE_EQ(k.state("v")[0], 5.0) << "v (mV) right after a 5 mV jump";
  for (int m = 1; m <= 200; ++m) {
    k.step(zero.data(), zero.data(), nullptr, spiked);
    ASSERT_NEAR(k.state("v")[0], 5.0 * std::exp(-m * 0.1 / 20.0), 1e-12) << "v (mV) " << m << " steps after the jump";
  }
}

TEST(LifDelta, JumpAcrossThresholdSpikesInItsStep) {
  neurons::LifDelta k(uniform_parameters(brunel_values()), 0.1);
  k.state("v")[0] = 19.95;
  std::vector<double> jump{0.1}, inh{-0.0}, zero{0.0};
  std::uint32_t spiked[1];
  // 19.95 decays to 19.85 in a step; the 0.1 mV jump lifts it to 19.95 + ... below 20: no spike.
  EXPECT_EQ(k.step(jump.data(), inh.data(), nullptr, spiked), 0u) << "jump ending below threshold";
  std::vector<double> big{0.5};
  EXPECT_EQ(k.step(big.data(), zero.data(), nullptr, spiked), 1u) << "jump crossing threshold spikes in the same step";
  EXPECT_EQ(k.state("v")[0], 10.0) << "v after the spike equals v_reset";
}

TEST(LifDelta, JumpsDuringRefractoryPeriodAreDiscarded) {
  neurons::LifDelta k(uniform_parameters(brunel_values()), 0.1);
  std::vector<double> big{25.0}, small{3.0}, zero{0.0};
  std::uint32_t spiked[1];
  ASSERT_EQ(k.step(big.data(), zero.data(), nullptr, spiked), 1u);
  for (int m = 0; m < 20; ++m) {
    small[0] = 3.0;  // the step consumed the previous jump
    k.step(small.data(), zero.data(), nullptr, spiked);
    ASSERT_EQ(k.state("v")[0], 10.0) << "v during refractory step " << m;
  }
  small[0] = 3.0;
  k.step(small.data(), zero.data(), nullptr, spiked);
  EXPECT_NEAR(k.state("v")[0], 10.0 * std::exp(-0.1 / 20.0) + 3.0, 1e-12) << "first jump after 2 ms is taken";
}

TEST(LifDelta, ConstantCurrentMatchesClosedForm) {
  auto values = brunel_values();
  values["i_offset"] = 0.2;  // R I = 80 MOhm * 0.2 nA = 16 mV
  neurons::LifDelta k(uniform_parameters(values), 0.1);
  std::vector<double> zero{0.0};
  std::uint32_t spiked[1];
  double worst = 0.0;
  for (int m = 1; m <= 1000; ++m) {
    ASSERT_EQ(k.step(zero.data(), zero.data(), nullptr, spiked), 0u);
    const double expected = 16.0 * (1.0 - std::exp(-m * 0.1 / 20.0));
    worst = std::max(worst, std::abs(k.state("v")[0] - expected) / expected);
  }
  EXPECT_LE(worst, 1e-6) << "relative error of v vs closed form (tolerance 1e-6)";
}

}  // namespace
}  // namespace spikeforge
