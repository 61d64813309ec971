#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "plastic_fixtures.hpp"

namespace spikeforge {
namespace {

// Pfister & Gerstner (2006), Table 4: visual cortex, all-to-all, minimal model (a3_minus = 0).
constexpr double kTauPlus = 16.8, kTauMinus = 33.7, kTauX = 101.0, kTauY = 125.0;
constexpr double kA2Plus = 5e-10, kA3Plus = 6.2e-3, kA2Minus = 7e-3, kA3Minus = 0.0;
constexpr double kLag = 10.0;   // post-pre pairing: pre 10 ms after post (Sjostrom et al. 2001)
constexpr int kPairs = 60;
constexpr double kDt = 0.1, kStart = 100.0;

// Steady-state weight change per pairing at frequency rho (Hz) for post at nT, pre at nT + lag.
// All-to-all traces just before each spike are geometric sums over the earlier spikes:
//   pre spike:  o1 = e^{-lag/tau-} / (1 - e^{-T/tau-})              -> dw = -a2- o1
//   post spike: r1 = e^{-(T-lag)/tau+} / (1 - e^{-T/tau+}),
//               o2 = e^{-T/tau_y} / (1 - e^{-T/tau_y})               -> dw = r1 (a2+ + a3+ o2)
double analytic_dw(double rho) {
  const double T = 1000.0 / rho;
  const double o1 = std::exp(-kLag / kTauMinus) / (1.0 - std::exp(-T / kTauMinus));
  const double r1 = std::exp(-(T - kLag) / kTauPlus) / (1.0 - std::exp(-T / kTauPlus));
  const double o2 = std::exp(-T / kTauY) / (1.0 - std::exp(-T / kTauY));
  return r1 * (kA2Plus + kA3Plus * o2) - kA2Minus * o1;
}

double analytic_crossover() {
  double lo = 1.0, hi = 50.0;  // dw(1 Hz) < 0 < dw(50 Hz), checked by the test
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (analytic_dw(mid) < 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// The minimal triplet model evaluated straight from its definition over the given spike trains
// (every earlier spike contributes; a spike does not see spikes of its own step).
double direct_sum(const std::vector<double>& pre, const std::vector<double>& post) {
  double dw = 0.0;
  for (double tp : post) {
    double r1 = 0.0, o2 = 0.0;
    for (double t : pre) if (t < tp - 1e-9) r1 += std::exp(-(tp - t) / kTauPlus);
    for (double t : post) if (t < tp - 1e-9) o2 += std::exp(-(tp - t) / kTauY);
    dw += r1 * (kA2Plus + kA3Plus * o2);
  }
  for (double tq : pre) {
    double o1 = 0.0, r2 = 0.0;
    for (double t : post) if (t < tq - 1e-9) o1 += std::exp(-(tq - t) / kTauMinus);
    for (double t : pre) if (t < tq - 1e-9) r2 += std::exp(-(tq - t) / kTauX);
    dw -= o1 * (kA2Minus + kA3Minus * r2);
  }
  return dw;
}

TEST(TripletStdp, FrequencyDependenceAndCrossover) {
  std::vector<double> rhos;
  for (int r = 1; r <= 50; ++r) rhos.push_back(r);
  std::vector<std::vector<double>> pre(rhos.size()), post(rhos.size());
  double end = 0.0;
  for (std::size_t k = 0; k < rhos.size(); ++k) {
    for (int n = 0; n < kPairs; ++n) {
      // On the step grid, so that the engine and the direct sum see the same times.
      const double tp = std::round((kStart + n * 1000.0 / rhos[k]) / kDt) * kDt;
      post[k].push_back(tp);
      pre[k].push_back(tp + kLag);
      end = std::max(end, tp + kLag);
    }
  }
  const model::Plasticity rule{"stdp_triplet",
                               {{"tau_plus", kTauPlus}, {"tau_minus", kTauMinus}, {"tau_x", kTauX}, {"tau_y", kTauY},
                                {"a2_plus", kA2Plus}, {"a3_plus", kA3Plus}, {"a2_minus", kA2Minus},
                                {"a3_minus", kA3Minus}, {"w_min", -100.0}, {"w_max", 100.0}}};
  Simulator sim(test::forced_pairs(pre, post, 0.0, rule, kDt), test::double_precision());
  sim.run(end + 20.0);
  const auto counts = sim.spike_counts("post");
  const auto w = sim.synapses("syn").weight;

  std::vector<double> per_pair(rhos.size());
  for (std::size_t k = 0; k < rhos.size(); ++k) {
    ASSERT_EQ(counts[k], static_cast<std::uint64_t>(kPairs)) << "post spikes at " << rhos[k] << " Hz";
    const double want = direct_sum(pre[k], post[k]);
    EXPECT_NEAR(w[k], want, 1e-6 * kA2Minus) << "total dw after " << kPairs << " pairings at " << rhos[k]
                                             << " Hz vs the direct triplet sum, tolerance 1e-6 x a2_minus";
    per_pair[k] = w[k] / kPairs;
  }
  EXPECT_LT(per_pair.front(), 0.0) << "dw per pairing at 1 Hz must be depression";
  EXPECT_GT(per_pair.back(), 0.0) << "dw per pairing at 50 Hz must be potentiation";
  ASSERT_LT(analytic_dw(1.0), 0.0);
  ASSERT_GT(analytic_dw(50.0), 0.0);

  double measured = -1.0;
  for (std::size_t k = 1; k < rhos.size(); ++k) {
    if (per_pair[k - 1] < 0.0 && per_pair[k] >= 0.0) {
      measured = rhos[k - 1] + (rhos[k] - rhos[k - 1]) * (-per_pair[k - 1]) / (per_pair[k] - per_pair[k - 1]);
      break;
    }
  }
  const double analytic = analytic_crossover();
  std::printf("triplet (visual cortex, minimal): crossover measured %.3f Hz, analytic steady state %.3f Hz\n",
              measured, analytic);
  for (double r : {1.0, 10.0, 20.0, 40.0, 50.0}) {
    std::printf("  %4.0f Hz: dw per pairing %+.3e (measured over %d pairings), steady-state analytic %+.3e\n", r,
                per_pair[static_cast<std::size_t>(r) - 1], kPairs, analytic_dw(r));
  }
  EXPECT_NEAR(measured, analytic, 0.1 * analytic) << "crossover frequency (Hz), tolerance 10 % of the analytic value";
}

}  // namespace
}  // namespace spikeforge
