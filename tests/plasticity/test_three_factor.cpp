#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "plastic_fixtures.hpp"

namespace spikeforge {
namespace {

constexpr double kTauE = 200.0, kRate = 1e-3, kAPlus = 0.01, kAMinus = 0.012, kTau = 20.0;

model::Plasticity three_factor() {
  return {"stdp_three_factor",
          {{"a_plus", kAPlus}, {"a_minus", kAMinus}, {"tau_plus", kTau}, {"tau_minus", kTau}, {"tau_e", kTauE},
           {"learning_rate", kRate}, {"w_min", -10.0}, {"w_max", 10.0}}};
}

// Synapse 0: causal pair (pre 20 ms, post 30 ms); synapse 1: acausal pair (post 20 ms, pre 30 ms).
Simulator make_sim() {
  return Simulator(test::forced_pairs({{20.0}, {30.0}}, {{30.0}, {20.0}}, 0.5, three_factor()),
                   test::double_precision());
}

TEST(ThreeFactor, ZeroModulatorGivesZeroChange) {
  Simulator sim = make_sim();
  sim.set_modulator(0.0);
  sim.run(500.0);
  const auto w = sim.synapses("syn").weight;
  EXPECT_EQ(w[0], 0.5) << "weight 0 with modulator 0: expected exactly 0.5";
  EXPECT_EQ(w[1], 0.5) << "weight 1 with modulator 0: expected exactly 0.5";
  // The pairs did leave eligibility behind: only the modulator is missing.
  const auto e = test::engine_of(sim).plastic(1)->eligibility();
  const double e0 = kAPlus * std::exp(-10.0 / kTau) * std::exp(-(500.0 - 30.0) / kTauE);
  EXPECT_NEAR(e[0], e0, 1e-9 * kAPlus) << "eligibility of the causal synapse at 500 ms";
  EXPECT_NEAR(e[1], -kAMinus * std::exp(-10.0 / kTau) * std::exp(-(500.0 - 30.0) / kTauE), 1e-9 * kAMinus)
      << "eligibility of the acausal synapse at 500 ms";
}

TEST(ThreeFactor, SignOfChangeFollowsModulator) {
  for (double m : {1.0, -1.0, 3.0}) {
    Simulator sim = make_sim();
    sim.run(50.0);
    sim.set_modulator(m);
    sim.run(100.0);
    const auto w = sim.synapses("syn").weight;
    const double d_causal = w[0] - 0.5, d_acausal = w[1] - 0.5;
    EXPECT_GT(d_causal * m, 0.0) << "causal pair, modulator " << m << ": dw " << d_causal << " must have the modulator's sign";
    EXPECT_LT(d_acausal * m, 0.0) << "acausal pair, modulator " << m << ": dw " << d_acausal << " must have the opposite sign";
    // dw = rate * M * dt * sum of e over the 1000 steps after 50 ms: a geometric series.
    const double dt = 0.1, f = std::exp(-dt / kTauE);
    const double e_at_50 = kAPlus * std::exp(-10.0 / kTau) * std::pow(f, (50.0 - 30.0) / dt);
    const double sum = e_at_50 * f * (1.0 - std::pow(f, 1000.0)) / (1.0 - f);
    EXPECT_NEAR(d_causal, kRate * m * dt * sum, 1e-9 * std::abs(d_causal))
        << "causal dw with modulator " << m << " against the geometric sum, relative tolerance 1e-9";
  }
}

TEST(ThreeFactor, EligibilityDecaysWithTauE) {
  Simulator sim = make_sim();
  sim.run(100.0);
  const double e1 = test::engine_of(sim).plastic(1)->eligibility()[0];
  sim.run(150.0);
  const double e2 = test::engine_of(sim).plastic(1)->eligibility()[0];
  EXPECT_NEAR(e2 / e1, std::exp(-150.0 / kTauE), 1e-9) << "eligibility ratio over 150 ms: exp(-150/tau_e), tolerance 1e-9";

  // The same decay seen through the weights: a 1 ms reward burst at 60 ms vs at 260 ms after the pair.
  std::vector<double> dw;
  for (double onset : {90.0, 290.0}) {
    Simulator s = make_sim();
    s.set_modulator_callback([onset](double t) { return t > onset && t <= onset + 1.0 ? 1.0 : 0.0; });
    s.run(400.0);
    dw.push_back(s.synapses("syn").weight[0] - 0.5);
  }
  EXPECT_NEAR(dw[1] / dw[0], std::exp(-200.0 / kTauE), 1e-9)
      << "ratio of weight changes for rewards 200 ms apart: exp(-200/tau_e), tolerance 1e-9";
}

TEST(ThreeFactor, LearningOffFreezesWeights) {
  Simulator sim = make_sim();
  sim.set_learning("syn", false);
  sim.set_modulator(1.0);
  sim.run(200.0);
  EXPECT_EQ(sim.synapses("syn").weight[0], 0.5) << "weight with learning off: expected exactly 0.5";
  sim.set_learning("syn", true);
  sim.run(10.0);
  EXPECT_EQ(sim.synapses("syn").weight[0], 0.5) << "no eligibility was built while learning was off";
  EXPECT_THROW(sim.set_learning("drive_post", true), ValidationError) << "static projection";
}

}  // namespace
}  // namespace spikeforge
