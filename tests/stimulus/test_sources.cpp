#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <spikeforge/stimulus/current_injection.hpp>
#include <spikeforge/stimulus/poisson_group.hpp>
#include <spikeforge/stimulus/spike_time_group.hpp>

namespace spikeforge {
namespace {

// Counts over many generators and steps are Poisson with mean rate * T; check within 5 sigma.
TEST(PoissonGroup, ConstantRateWithinStatisticalBounds) {
  for (double rate : {5.0, 40.0, 20000.0}) {
    const std::size_t n = 200;
    const double dt = 0.1;
    const std::uint64_t steps = rate > 1000.0 ? 500 : 20000;
    stimulus::PoissonGroup g(std::vector<double>(n, rate), {}, {}, dt, 42, 0);
    stimulus::SourceSpikes out;
    double total = 0.0;
    for (std::uint64_t s = 1; s <= steps; ++s) {
      out.clear();
      g.emit(s, out);
      for (auto c : out.counts) total += c;
    }
    const double expected = rate * 1e-3 * dt * static_cast<double>(steps * n);
    EXPECT_NEAR(total, expected, 5.0 * std::sqrt(expected))
        << "spike count at " << rate << " Hz: expected " << expected << " +- 5 sigma";
  }
}

TEST(PoissonGroup, CountsPerStepHavePoissonVariance) {
  // At 20 kHz and dt = 0.1 ms a generator sends k ~ Poisson(2) spikes per step: mean = variance = 2.
  stimulus::PoissonGroup g(std::vector<double>(100, 20000.0), {}, {}, 0.1, 9, 0);
  stimulus::SourceSpikes out;
  std::vector<double> per_step;
  for (std::uint64_t s = 1; s <= 1000; ++s) {
    out.clear();
    g.emit(s, out);
    std::vector<double> counts(100, 0.0);
    for (std::size_t k = 0; k < out.ids.size(); ++k) counts[out.ids[k]] = out.counts[k];
    per_step.insert(per_step.end(), counts.begin(), counts.end());
  }
  double mean = 0.0, var = 0.0;
  for (double c : per_step) mean += c;
  mean /= static_cast<double>(per_step.size());
  for (double c : per_step) var += (c - mean) * (c - mean);
  var /= static_cast<double>(per_step.size() - 1);
  EXPECT_NEAR(mean, 2.0, 0.05) << "mean spikes per step (Poisson(2)), tolerance 0.05 (~5 sigma)";
  EXPECT_NEAR(var, 2.0, 0.12) << "variance of spikes per step (Poisson(2)), tolerance 0.12 (~4 sigma)";
}

TEST(PoissonGroup, TimeVaryingRateFollowsSchedule) {
  // 10 Hz, then 100 Hz from 500 ms, then 0 Hz from 1000 ms.
  const double dt = 0.1;
  stimulus::PoissonGroup g(std::vector<double>(500, 10.0), {500.0, 1000.0}, {100.0, 0.0}, dt, 3, 0);
  stimulus::SourceSpikes out;
  double counts[3] = {0, 0, 0};
  for (std::uint64_t s = 1; s <= 15000; ++s) {
    out.clear();
    g.emit(s, out);
    const std::size_t phase = s <= 5000 ? 0 : s <= 10000 ? 1 : 2;
    for (auto c : out.counts) counts[phase] += c;
  }
  const double e0 = 10.0 * 0.5 * 500, e1 = 100.0 * 0.5 * 500;
  EXPECT_NEAR(counts[0], e0, 5.0 * std::sqrt(e0)) << "spikes in [0, 500) ms at 10 Hz";
  EXPECT_NEAR(counts[1], e1, 5.0 * std::sqrt(e1)) << "spikes in [500, 1000) ms at 100 Hz";
  EXPECT_EQ(counts[2], 0.0) << "spikes after the rate drops to 0 Hz";
}

TEST(PoissonGroup, SameSeedSameSpikesDifferentSeedDifferent) {
  auto run = [](std::uint64_t seed) {
    stimulus::PoissonGroup g(std::vector<double>(50, 50.0), {}, {}, 0.1, seed, 100);
    stimulus::SourceSpikes out;
    std::vector<std::uint64_t> events;
    for (std::uint64_t s = 1; s <= 2000; ++s) {
      out.clear();
      g.emit(s, out);
      for (auto id : out.ids) events.push_back(s * 1000 + id);
    }
    return events;
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

TEST(SpikeTimeGroup, TimesRoundToStepsAndRepeatsAddUp) {
  stimulus::SpikeTimeGroup g({{0.0, 1.04, 1.06}, {2.5, 2.5}}, 0.1);
  stimulus::SourceSpikes out;
  std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> got;
  for (std::uint64_t s = 0; s <= 30; ++s) {
    out.clear();
    g.emit(s, out);
    for (std::size_t k = 0; k < out.ids.size(); ++k) got.emplace_back(s, out.ids[k], out.counts[k]);
  }
  const std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> want{
      {0, 0, 1}, {10, 0, 1}, {11, 0, 1}, {25, 1, 2}};
  EXPECT_EQ(got, want) << "(stamp, id, count) of spikes at 0, 1.04, 1.06 ms and twice 2.5 ms, dt = 0.1 ms";
}

TEST(CurrentInjection, DcAndStepAmplitudes) {
  const auto dc = stimulus::CurrentInjection::dc({}, 0.5, 10.0, 20.0, 0.1);
  EXPECT_EQ(dc.amplitude(99), 0.0);
  EXPECT_EQ(dc.amplitude(100), 0.5);
  EXPECT_EQ(dc.amplitude(199), 0.5);
  EXPECT_EQ(dc.amplitude(200), 0.0);
  const auto st = stimulus::CurrentInjection::steps({1, 2}, {5.0, 7.5}, {0.1, -0.2}, 0.1);
  EXPECT_EQ(st.amplitude(49), 0.0);
  EXPECT_EQ(st.amplitude(50), 0.1);
  EXPECT_EQ(st.amplitude(75), -0.2);
  EXPECT_EQ(st.amplitude(100000), -0.2);
}

}  // namespace
}  // namespace spikeforge
