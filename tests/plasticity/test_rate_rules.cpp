#include <gtest/gtest.h>

#include <cmath>

#include "plastic_fixtures.hpp"

namespace spikeforge {
namespace {

double run_pairs(const std::vector<std::vector<double>>& pre, const std::vector<std::vector<double>>& post, double w0,
                 const model::Plasticity& rule, std::size_t k) {
  Simulator sim(test::forced_pairs(pre, post, w0, rule), test::double_precision());
  sim.run(200.0);
  return sim.synapses("syn").weight[k];
}

TEST(RateRules, HebbianAndAntiHebbianFollowThePresynapticTrace) {
  const double eta = 0.02, tau = 15.0;
  // Trial 0: pre 50, post 58 (causal); trial 1: post 50, pre 58 (only the post spike's own sample counts).
  const std::vector<std::vector<double>> pre{{50.0}, {58.0}}, post{{58.0}, {50.0}};
  const model::Plasticity hebb{"hebbian", {{"eta", eta}, {"tau_pre", tau}}};
  EXPECT_NEAR(run_pairs(pre, post, 0.5, hebb, 0), 0.5 + eta * std::exp(-8.0 / tau), 1e-12)
      << "hebbian: w after one post spike 8 ms after a pre spike, tolerance 1e-12";
  EXPECT_NEAR(run_pairs(pre, post, 0.5, hebb, 1), 0.5, 1e-15) << "hebbian: a pre spike after the post spike changes nothing";
  const model::Plasticity anti{"anti_hebbian", {{"eta", eta}, {"tau_pre", tau}}};
  EXPECT_NEAR(run_pairs(pre, post, 0.0, anti, 0), -eta * std::exp(-8.0 / tau), 1e-12)
      << "anti_hebbian: w after one post spike 8 ms after a pre spike, tolerance 1e-12";
}

TEST(RateRules, OjaDecayGrowsWithThePostTrace) {
  const double eta = 0.05, alpha = 2.0, tau_pre = 20.0, tau_post = 10.0, w0 = 0.4;
  const model::Plasticity oja{"oja", {{"eta", eta}, {"alpha", alpha}, {"tau_pre", tau_pre}, {"tau_post", tau_post}}};
  const double w = run_pairs({{50.0}}, {{55.0, 60.0}}, w0, oja, 0);
  // First post spike: no earlier post spike, pure Hebbian term; second: decay by the post trace.
  const double w1 = w0 + eta * std::exp(-5.0 / tau_pre);
  const double w2 = w1 + eta * (std::exp(-10.0 / tau_pre) - alpha * std::exp(-5.0 / tau_post) * w1);
  EXPECT_NEAR(w, w2, 1e-12) << "oja: w after two post spikes, tolerance 1e-12";
}

}  // namespace
}  // namespace spikeforge
