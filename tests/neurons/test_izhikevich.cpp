#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <spikeforge/neurons/izhikevich.hpp>

#include "kernel_test_util.hpp"

namespace spikeforge {
namespace {

// Inter-spike intervals (ms) of one Izhikevich (2003) neuron driven by I = 10 for 1 s from
// v = -65, u = b v.
std::vector<double> isis(double a, double b, double c, double d, double dt) {
  neurons::Izhikevich k(test::uniform_parameters({{"a", a}, {"b", b}, {"c", c}, {"d", d}, {"v_peak", 30.0}, {"i_offset", 10.0}}), dt);
  EXPECT_DOUBLE_EQ(k.state("u")[0], b * -65.0) << "initial u = b v";
  const auto steps = test::spike_steps(k, static_cast<std::int64_t>(std::llround(1000.0 / dt)));
  std::vector<double> out;
  for (std::size_t s = 1; s < steps.size(); ++s) out.push_back(static_cast<double>(steps[s] - steps[s - 1]) * dt);
  return out;
}

double max_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return *std::max_element(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to));
}
double min_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to));
}
double rate_late(const std::vector<double>& isi) {  // Hz over the last half of the intervals
  double sum = 0.0;
  for (std::size_t k = isi.size() / 2; k < isi.size(); ++k) sum += isi[k];
  return 1000.0 * static_cast<double>(isi.size() - isi.size() / 2) / sum;
}

class IzhikevichPatterns : public ::testing::TestWithParam<double> {};

// RS: tonic spiking whose first ISI is clearly shorter than the settled ISI (spike-frequency
// adaptation), the settled ISIs regular, and never a burst.
TEST_P(IzhikevichPatterns, RegularSpiking) {
  const double dt = GetParam();
  const auto isi = isis(0.02, 0.2, -65.0, 8.0, dt);
  ASSERT_GE(isi.size(), 10u) << "RS spike count at dt = " << dt;
  const std::size_t n = isi.size();
  EXPECT_LT(isi[0], 0.75 * isi[n - 1]) << "RS first ISI vs settled ISI: adaptation expected, dt = " << dt;
  EXPECT_LE(max_of(isi, n - 8, n) - min_of(isi, n - 8, n), 0.02 * isi[n - 1] + dt)
      << "RS settled ISIs spread (ms), tolerance 2 % + one step, dt = " << dt;
  EXPECT_GT(min_of(isi, 0, n), 15.0) << "RS shortest ISI (ms): no bursts, dt = " << dt;
}

// IB: an initial burst (>= 2 ISIs under 10 ms) then tonic single spikes (all later ISIs > 25 ms).
TEST_P(IzhikevichPatterns, IntrinsicallyBursting) {
  const double dt = GetParam();
  const auto isi = isis(0.02, 0.2, -55.0, 4.0, dt);
  ASSERT_GE(isi.size(), 10u) << "IB spike count at dt = " << dt;
  std::size_t burst = 0;
  while (burst < isi.size() && isi[burst] < 10.0) ++burst;
  EXPECT_GE(burst, 1u) << "IB: ISIs < 10 ms at the start (burst of >= 2 spikes), dt = " << dt;
  EXPECT_GT(min_of(isi, burst, isi.size()), 25.0) << "IB ISIs after the initial burst (ms) must be long, dt = " << dt;
}

// CH: repeated bursts. ISIs are bimodal (intra-burst < 10 ms, inter-burst > 30 ms, none between),
// at least five inter-burst gaps in 1 s, and every gap followed by a burst of >= 3 spikes.
TEST_P(IzhikevichPatterns, Chattering) {
  const double dt = GetParam();
  const auto isi = isis(0.02, 0.2, -50.0, 2.0, dt);
  std::size_t short_isi = 0, long_isi = 0, middle = 0;
  for (double x : isi) (x < 10.0 ? short_isi : x > 30.0 ? long_isi : middle) += 1;
  EXPECT_EQ(middle, 0u) << "CH ISIs between 10 and 30 ms (bimodality), dt = " << dt;
  EXPECT_GE(long_isi, 5u) << "CH inter-burst intervals in 1 s, dt = " << dt;
  EXPECT_GE(short_isi, 2 * long_isi) << "CH intra-burst intervals: >= 2 per burst, dt = " << dt;
  for (std::size_t k = 0; k + 2 < isi.size(); ++k) {
    if (isi[k] > 30.0) {
      EXPECT_LT(isi[k + 1], 10.0) << "CH burst after gap " << k << ", dt = " << dt;
      EXPECT_LT(isi[k + 2], 10.0) << "CH burst after gap " << k << ", dt = " << dt;
    }
  }
}

// FS: high sustained rate (> 80 Hz) with little adaptation (settled ISI < 2x the first).
TEST_P(IzhikevichPatterns, FastSpiking) {
  const double dt = GetParam();
  const auto isi = isis(0.1, 0.2, -65.0, 2.0, dt);
  ASSERT_GE(isi.size(), 20u) << "FS spike count at dt = " << dt;
  EXPECT_GT(rate_late(isi), 80.0) << "FS sustained rate (Hz), dt = " << dt;
  EXPECT_LT(isi.back(), 2.0 * isi[0]) << "FS settled vs first ISI (little adaptation), dt = " << dt;
  EXPECT_GT(min_of(isi, 0, isi.size()), 0.5 * isi.back()) << "FS: no bursts, dt = " << dt;
}

// LTS: high initial rate (first ISI < 6 ms) with strong adaptation (settled ISI > 3x the first),
// and still a sustained rate > 40 Hz.
TEST_P(IzhikevichPatterns, LowThresholdSpiking) {
  const double dt = GetParam();
  const auto isi = isis(0.02, 0.25, -65.0, 2.0, dt);
  ASSERT_GE(isi.size(), 20u) << "LTS spike count at dt = " << dt;
  EXPECT_LT(isi[0], 6.0) << "LTS first ISI (ms), dt = " << dt;
  EXPECT_GT(isi.back(), 3.0 * isi[0]) << "LTS settled vs first ISI (adaptation), dt = " << dt;
  EXPECT_GT(rate_late(isi), 40.0) << "LTS sustained rate (Hz), dt = " << dt;
  // Distinguishes LTS from FS: FS adapts far less.
  const auto fs = isis(0.1, 0.2, -65.0, 2.0, dt);
  EXPECT_GT(isi.back() / isi[0], 1.5 * fs.back() / fs[0]) << "LTS adaptation ratio vs FS, dt = " << dt;
}

INSTANTIATE_TEST_SUITE_P(TimeSteps, IzhikevichPatterns, ::testing::Values(0.1, 1.0),
                         [](const auto& info) { return info.param == 1.0 ? std::string("dt_1ms") : std::string("dt_0_1ms"); });

TEST(Izhikevich, InputJumpsVAndSpikeResets) {
  neurons::Izhikevich k(test::uniform_parameters({{"a", 0.02}, {"b", 0.2}, {"c", -65.0}, {"d", 8.0}, {"v_peak", 30.0}, {"i_offset", 0.0}}), 0.1);
  std::vector<double> big{200.0}, zero{0.0};
  std::uint32_t spiked[1];
  const double u0 = k.state("u")[0];
  ASSERT_EQ(k.step(big.data(), zero.data(), nullptr, spiked), 1u) << "a 200 mV jump must cross v_peak";
  EXPECT_EQ(k.state("v")[0], -65.0) << "v after a spike equals c";
  EXPECT_GT(k.state("u")[0], u0 + 7.9) << "u after a spike grows by d = 8";
}

}  // namespace
}  // namespace spikeforge
