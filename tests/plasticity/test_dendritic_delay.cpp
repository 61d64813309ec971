#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <spikeforge/engine/input_ring.hpp>
#include <spikeforge/engine/plastic_store.hpp>

#include "plastic_fixtures.hpp"

namespace spikeforge {
namespace {

// dendritic_delay = 1 pairs a pre spike at t_pre with a post spike at t_post + D (D the projection's
// delay), as NEST's stdp_synapse with the whole delay dendritic; checked against the pair window and
// against a direct sum over all spike pairs with the shifted post times.

constexpr double kDt = 0.1;
constexpr double kDelay = 1.5;  // ms, 15 steps: the Brunel benchmark's delay
constexpr double kAPlus = 0.01, kAMinus = 0.012, kTauPlus = 16.8, kTauMinus = 33.7;

model::Plasticity rule(double dendritic, double w_min = 0.0, double w_max = 1.0) {
  return {"stdp_pair",
          {{"a_plus", kAPlus}, {"a_minus", kAMinus}, {"tau_plus", kTauPlus}, {"tau_minus", kTauMinus},
           {"w_min", w_min}, {"w_max", w_max}, {"dendritic_delay", dendritic}}};
}

double window(double d) { return d > 0 ? kAPlus * std::exp(-d / kTauPlus) : d < 0 ? -kAMinus * std::exp(d / kTauMinus) : 0.0; }

TEST(DendriticDelay, WindowIsShiftedByTheDelay) {
  constexpr double t0 = 150.0, w0 = 0.5;
  std::vector<std::vector<double>> pre, post;
  std::vector<double> lag;
  for (int d = -100; d <= 100; ++d) {
    pre.push_back({t0});
    post.push_back({t0 + d});
    lag.push_back(d);
  }
  // Two extra trials straddle the shifted zero: post D before pre (dt' = 0, no change) and one step later.
  for (double d : {-kDelay, -kDelay + kDt}) {
    pre.push_back({t0});
    post.push_back({t0 + d});
    lag.push_back(d);
  }
  for (double dendritic : {0.0, 1.0}) {
    Simulator sim(test::forced_pairs(pre, post, w0, rule(dendritic), kDt, kDelay), test::double_precision());
    sim.run(t0 + 120.0);
    const auto counts = sim.spike_counts("post");
    for (std::size_t k = 0; k < counts.size(); ++k) ASSERT_EQ(counts[k], 1u) << "post spikes of trial " << k;
    const auto w = sim.synapses("syn").weight;
    double worst = 0.0;
    for (std::size_t k = 0; k < w.size(); ++k) {
      const double want = window(lag[k] + dendritic * kDelay);
      worst = std::max(worst, std::abs(w[k] - w0 - want));
      EXPECT_NEAR(w[k] - w0, want, 1e-6 * kAMinus)
          << "dendritic_delay = " << dendritic << ": dw at t_post - t_pre = " << lag[k] << " ms (expected window("
          << lag[k] + dendritic * kDelay << " ms)), tolerance 1e-6 x a_minus";
    }
    std::printf("dendritic_delay = %.0f: max |dw - window(t_post + %.1f - t_pre)| = %.3g\n", dendritic,
                dendritic * kDelay, worst);
  }
}

// Poisson-like trains on the step grid (post spikes end 4 ms before the run, so every shifted one is
// learned); all-to-all additive STDP without reachable bounds is the sum of the window over every
// (pre, post + D) pair.
TEST(DendriticDelay, AllToAllMatchesDirectPairSumOverShiftedPostTimes) {
  constexpr int kTrials = 20;
  constexpr double kRun = 1000.0, w0 = 0.0;
  std::mt19937_64 rng(3);
  std::bernoulli_distribution pre_spike(0.003), post_spike(0.002);
  std::vector<std::vector<double>> pre(kTrials), post(kTrials);
  for (int k = 0; k < kTrials; ++k) {
    // Post spikes at least 3 steps apart (refractory one step) and after the drive's first step.
    for (int s = 20; s < static_cast<int>(kRun / kDt) - 40; ++s) {
      if (pre_spike(rng)) pre[k].push_back(s * kDt);
      if (post_spike(rng) && (post[k].empty() || s * kDt - post[k].back() > 2.5 * kDt)) post[k].push_back(s * kDt);
    }
  }
  Simulator sim(test::forced_pairs(pre, post, w0, rule(1.0, -100.0, 100.0), kDt, kDelay), test::double_precision());
  sim.run(kRun);
  const auto counts = sim.spike_counts("post");
  const auto w = sim.synapses("syn").weight;
  double worst = 0.0, total = 0.0;
  for (int k = 0; k < kTrials; ++k) {
    ASSERT_EQ(counts[k], post[k].size()) << "post spikes of trial " << k << " (forced)";
    double want = 0.0;
    for (double tp : pre[k]) {
      for (double tq : post[k]) {
        want += window(tq + kDelay - tp);
      }
    }
    total += std::abs(want);
    worst = std::max(worst, std::abs(w[k] - w0 - want));
    EXPECT_NEAR(w[k] - w0, want, 1e-9) << "trial " << k << " (" << pre[k].size() << " pre, " << post[k].size()
                                        << " post spikes): total dw vs pair sum, tolerance 1e-9";
  }
  EXPECT_GT(total, 10 * kAPlus) << "sum of |expected dw| over trials: the trains must pair for the test to mean anything";
  std::printf("dendritic pair sum: %d trials, max |dw - pair sum| = %.3g (sum |dw| = %.3g)\n", kTrials, worst, total);
}

// As NEST's stdp_synapse, a pre spike under the dendritic convention carries the weight after its own
// depression; with emission-time pairing it carries the weight before (as the core does).
TEST(DendriticDelay, PreSpikeTransmitsItsUpdatedWeight) {
  constexpr std::uint32_t kD = 3;  // delay in steps
  constexpr double w0 = 0.5;
  const std::vector<std::uint32_t> pre{0}, post{0}, delay{kD};
  const std::vector<double> weight{w0};
  for (double dendritic : {0.0, 1.0}) {
    auto proj = engine::make_plastic_projection(rule(dendritic), kDt, 1, 1, pre, post, weight, delay, true);
    engine::InputRing ring(1, kD + 1);
    const std::uint32_t id = 0;
    engine::StepSpikes none, one;
    one.ids = &id;
    one.n = 1;
    // Post spike stamped 1, pre spike stamped 10: under the dendritic convention the post spike
    // enters learning at stamp 1 + D, so the pre spike reads a post trace decayed over 10 - 4 steps.
    double transmitted = 0.0;
    for (std::uint64_t stamp = 1; stamp <= 10; ++stamp) {
      if (stamp == 10) proj->deliver(0, 1.0, ring, 0, stamp);
      proj->learn(stamp, stamp == 10 ? one : none, stamp == 1 ? one : none, 0.0);
    }
    transmitted = ring.slot(10 + kD - 1, 0)[0];
    const double lag_steps = dendritic != 0.0 ? 10.0 - (1.0 + kD) : 9.0;
    const double depressed = w0 - kAMinus * std::exp(-lag_steps * kDt / kTauMinus);
    EXPECT_NEAR(proj->weights()[0], depressed, 1e-12)
        << "dendritic_delay = " << dendritic << ": weight after the pre spike, tolerance 1e-12";
    EXPECT_NEAR(transmitted, dendritic != 0.0 ? depressed : w0, 1e-12)
        << "dendritic_delay = " << dendritic << ": weight the pre spike transmits, tolerance 1e-12";
  }
}

}  // namespace
}  // namespace spikeforge
