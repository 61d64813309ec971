#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "plastic_fixtures.hpp"

namespace spikeforge {
namespace {

constexpr double kDt = 0.1;
constexpr double kT0 = 150.0;  // pre spike time of every trial, ms

struct Window {
  std::vector<double> delta_t, dw;
};

// One pair per synapse: pre at kT0, post at kT0 + dt, dt from -100 to +100 ms in 1 ms steps.
// Weights and traces in double precision, so the only error is rounding.
Window measure(const model::Plasticity& rule, double w0) {
  std::vector<std::vector<double>> pre, post;
  Window win;
  for (int d = -100; d <= 100; ++d) {
    win.delta_t.push_back(d);
    pre.push_back({kT0});
    post.push_back({kT0 + d});
  }
  Simulator sim(test::forced_pairs(pre, post, w0, rule), test::double_precision());
  sim.run(kT0 + 120.0);
  // Every post neuron spiked exactly once, at its forced time: the pairs are what the test claims.
  const auto counts = sim.spike_counts("post");
  for (std::size_t k = 0; k < counts.size(); ++k) EXPECT_EQ(counts[k], 1u) << "post spikes of trial " << k;
  const auto& rec = sim.spikes("post");
  for (std::size_t s = 0; s < rec.ids.size(); ++s) {
    EXPECT_NEAR(rec.times[s], kT0 + win.delta_t[rec.ids[s]], 1e-9) << "post spike time of trial " << rec.ids[s];
  }
  for (double w : sim.synapses("syn").weight) win.dw.push_back(w - w0);
  return win;
}

void expect_window(const Window& win, const std::function<double(double)>& analytic, double amplitude,
                   const std::string& what) {
  const double tol = 1e-6 * amplitude;
  double worst = 0.0;
  for (std::size_t k = 0; k < win.dw.size(); ++k) {
    const double want = analytic(win.delta_t[k]);
    worst = std::max(worst, std::abs(win.dw[k] - want));
    EXPECT_NEAR(win.dw[k], want, tol) << what << ": dw at dt = " << win.delta_t[k] << " ms, tolerance 1e-6 x amplitude";
  }
  std::printf("%s: max |dw - analytic| = %.3g (tolerance %.3g)\n", what.c_str(), worst, tol);
}

model::Plasticity pair_rule(bool multiplicative, bool nearest) {
  return {"stdp_pair",
          {{"a_plus", 0.01}, {"a_minus", 0.012}, {"tau_plus", 16.8}, {"tau_minus", 33.7},
           {"w_min", 0.0}, {"w_max", 1.0}, {"multiplicative", multiplicative ? 1.0 : 0.0},
           {"nearest", nearest ? 1.0 : 0.0}}};
}

TEST(StdpWindow, AdditivePairMatchesAnalyticCurve) {
  for (bool nearest : {false, true}) {
    const Window win = measure(pair_rule(false, nearest), 0.5);
    expect_window(
        win,
        [](double d) { return d > 0 ? 0.01 * std::exp(-d / 16.8) : d < 0 ? -0.012 * std::exp(d / 33.7) : 0.0; },
        0.012, nearest ? "additive nearest" : "additive all-to-all");
  }
}

TEST(StdpWindow, MultiplicativePairMatchesAnalyticCurve) {
  const double w0 = 0.3;
  for (bool nearest : {false, true}) {
    const Window win = measure(pair_rule(true, nearest), w0);
    expect_window(
        win,
        [&](double d) {
          return d > 0 ? 0.01 * (1.0 - w0) * std::exp(-d / 16.8) : d < 0 ? -0.012 * (w0 - 0.0) * std::exp(d / 33.7) : 0.0;
        },
        0.012, nearest ? "multiplicative nearest" : "multiplicative all-to-all");
  }
}

TEST(StdpWindow, SymmetricWindowMatchesAndIsSymmetric) {
  const model::Plasticity rule{"stdp_symmetric",
                               {{"a_plus", 0.01}, {"a_minus", 0.004}, {"tau_plus", 10.0}, {"tau_minus", 40.0},
                                {"w_min", 0.0}, {"w_max", 1.0}}};
  const Window win = measure(rule, 0.5);
  expect_window(
      win,
      [](double d) { return d == 0 ? 0.0 : 0.01 * std::exp(-std::abs(d) / 10.0) - 0.004 * std::exp(-std::abs(d) / 40.0); },
      0.01, "symmetric");
  const std::size_t mid = win.dw.size() / 2;
  for (std::size_t k = 1; k <= mid; ++k) {
    EXPECT_NEAR(win.dw[mid + k], win.dw[mid - k], 1e-6 * 0.01)
        << "symmetric window: dw(+" << k << " ms) vs dw(-" << k << " ms), tolerance 1e-6 x a_plus";
  }
}

TEST(StdpWindow, HardBoundsClipAdditiveSteps) {
  // A large amplitude drives the weight past w_max on a causal pair and below w_min on an acausal one.
  const model::Plasticity rule{"stdp_pair", {{"a_plus", 0.8}, {"a_minus", 0.8}, {"w_min", 0.2}, {"w_max", 0.7}}};
  const Window win = measure(rule, 0.5);
  EXPECT_DOUBLE_EQ(win.dw[100], 0.0) << "dw at dt = 0";
  EXPECT_DOUBLE_EQ(0.5 + win.dw[101], 0.7) << "weight after a +1 ms pair: clipped to w_max 0.7";
  EXPECT_DOUBLE_EQ(0.5 + win.dw[99], 0.2) << "weight after a -1 ms pair: clipped to w_min 0.2";
}

}  // namespace
}  // namespace spikeforge
