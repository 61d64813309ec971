#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include <spikeforge/neurons/lif_cond_exp.hpp>

#include "kernel_test_util.hpp"

namespace spikeforge {
namespace {

using test::uniform_parameters;

// phi(x) = (1 - exp(-x)) / x against the long-double expm1 (64-bit mantissa, an independent
// implementation), on the scalar path and on SIMD packs, inside the short series' range and beyond.
TEST(LifCondExp, RelaxationFactorMatchesLongDoubleReference) {
  using neurons::simd::Pack;
  double worst_series = 0.0, worst_exp = 0.0;
  for (int i = -6000; i <= 6000; ++i) {
    const double x = i * 1e-4 + (i % 7) * 1.3e-6;  // [-0.6, 0.6], not only round numbers
    const long double exact = x == 0.0 ? 1.0L : -std::expm1l(-static_cast<long double>(x)) / x;
    const double scalar = neurons::relaxation_factor(x);
    Pack px = neurons::simd::splat<Pack>(x);
    px[0] = 0.01;  // a lane of another range must not change this lane's value
    const double packed = neurons::relaxation_factor(px)[neurons::simd::kLanes - 1];
    ASSERT_EQ(packed, scalar) << "relaxation_factor(" << x << ") on a pack lane must equal the scalar path";
    const double rel = static_cast<double>(std::fabs((scalar - exact) / exact));
    (std::fabs(x) < 0.5 ? worst_series : worst_exp) = std::max(std::fabs(x) < 0.5 ? worst_series : worst_exp, rel);
  }
  // Series: truncation < 1e-17 plus the roundings of the series and of the halving step (a few
  // ulp); exp branch: 2 ulp of exp amplified < 1.6 times by the cancellation in 1 - exp(-x), plus
  // the subtraction and the division.
  EXPECT_LT(worst_series, 1e-15) << "relative error of phi for |x| < 0.5 (halved series), tolerance 1e-15";
  EXPECT_LT(worst_exp, 1e-15) << "relative error of phi for 0.5 <= |x| <= 0.6 (exp), tolerance 1e-15";
  std::printf("relaxation_factor: worst relative error %.3g (series), %.3g (exp)\n", worst_series, worst_exp);
}

// COBA benchmark neuron (Vogels & Abbott 2005).
std::map<std::string, double> coba_values() {
  return {{"cm", 200.0},      {"tau_m", 20.0},     {"tau_refrac", 5.0},  {"v_rest", -60.0},
          {"v_reset", -60.0}, {"v_thresh", -50.0}, {"tau_syn_e", 5.0},   {"tau_syn_i", 10.0},
          {"e_rev_e", 0.0},   {"e_rev_i", -80.0},  {"i_offset", 0.0}};
}

// Independent reference: classic RK4 on (v, g_e, g_i) with a step 1000x finer than the kernel's.
struct Reference {
  double v, ge, gi;
  void advance(double h, double ext) {
    auto f = [&](double vv, double e, double i, double& dv, double& de, double& di) {
      dv = (10.0 * (-60.0 - vv) + e * (0.0 - vv) + i * (-80.0 - vv) + 1000.0 * ext) / 200.0;
      de = -e / 5.0;
      di = -i / 10.0;
    };
    double k1v, k1e, k1i, k2v, k2e, k2i, k3v, k3e, k3i, k4v, k4e, k4i;
    f(v, ge, gi, k1v, k1e, k1i);
    f(v + 0.5 * h * k1v, ge + 0.5 * h * k1e, gi + 0.5 * h * k1i, k2v, k2e, k2i);
    f(v + 0.5 * h * k2v, ge + 0.5 * h * k2e, gi + 0.5 * h * k2i, k3v, k3e, k3i);
    f(v + h * k3v, ge + h * k3e, gi + h * k3i, k4v, k4e, k4i);
    v += h / 6.0 * (k1v + 2 * k2v + 2 * k3v + k4v);
    ge += h / 6.0 * (k1e + 2 * k2e + 2 * k3e + k4e);
    gi += h / 6.0 * (k1i + 2 * k2i + 2 * k3i + k4i);
  }
};

TEST(LifCondExp, ConductancesDecayExactly) {
  neurons::LifCondExp k(uniform_parameters(coba_values()), 0.1);
  k.state("g_exc")[0] = 40.0;
  k.state("g_inh")[0] = 200.0;
  std::vector<double> zero{0.0};
  std::uint32_t spiked[1];
  for (int m = 0; m < 300; ++m) k.step(zero.data(), zero.data(), nullptr, spiked);
  EXPECT_NEAR(k.state("g_exc")[0], 40.0 * std::exp(-30.0 / 5.0), 1e-12) << "g_exc (nS) after 30 ms";
  EXPECT_NEAR(k.state("g_inh")[0], 200.0 * std::exp(-30.0 / 10.0), 1e-12) << "g_inh (nS) after 30 ms";
}

TEST(LifCondExp, SubthresholdTrajectoryConvergesToReference) {
  // Conductance kicks of both kinds plus a current; the scheme is first order in dt, so the error
  // must shrink about tenfold from dt = 0.1 to 0.01 ms and be small at the benchmark's 0.1 ms.
  std::vector<double> max_err;
  for (double dt : {0.1, 0.01}) {
    neurons::LifCondExp k(uniform_parameters(coba_values()), dt);
    Reference ref{-60.0, 0.0, 0.0};
    std::vector<double> zero{0.0}, ext{0.02};
    std::uint32_t spiked[1];
    double err = 0.0;
    const int steps = static_cast<int>(std::llround(100.0 / dt));
    for (int m = 0; m < steps; ++m) {
      const double t = m * dt;
      const bool kick_e = std::abs(t - 10.0) < dt / 2 || std::abs(t - 40.0) < dt / 2;
      const bool kick_i = std::abs(t - 25.0) < dt / 2;
      const double kick_ge = kick_e ? 4.0 : 0.0, kick_gi = kick_i ? 60.0 : 0.0;
      std::vector<double> in_e{kick_ge}, in_i{kick_gi};  // consumed by the step
      ASSERT_EQ(k.step(in_e.data(), in_i.data(), ext.data(), spiked), 0u) << "must stay below threshold";
      for (int s = 0; s < 1000; ++s) ref.advance(dt / 1000.0, 0.02);
      ref.ge += kick_ge;
      ref.gi += kick_gi;
      err = std::max(err, std::abs(k.state("v")[0] - ref.v));
      ASSERT_NEAR(k.state("g_exc")[0], ref.ge, 1e-9) << "g_exc (nS) at t = " << t + dt;
    }
    max_err.push_back(err);
  }
  std::printf("lif_cond_exp max |v - v_ref|: %.2e mV at dt = 0.1 ms, %.2e mV at dt = 0.01 ms\n", max_err[0], max_err[1]);
  EXPECT_LE(max_err[0], 0.05) << "max |v - v_ref| (mV) at dt = 0.1 ms, tolerance 0.05 mV";
  EXPECT_LE(max_err[1], 0.2 * max_err[0]) << "error at dt = 0.01 vs 0.1 ms (first order: about 1/10)";
}

TEST(LifCondExp, RestingStateWithCurrentMatchesSteadyState) {
  // Without synaptic input the scheme is exact: v(t) = v_inf + (v0 - v_inf) exp(-t g_L / cm).
  auto values = coba_values();
  values["i_offset"] = 0.08;  // v_inf = -60 + 0.08 nA / 10 nS = -52 mV
  neurons::LifCondExp k(uniform_parameters(values), 0.1);
  std::vector<double> zero{0.0};
  std::uint32_t spiked[1];
  double worst = 0.0;
  for (int m = 1; m <= 1000; ++m) {
    k.step(zero.data(), zero.data(), nullptr, spiked);
    const double expected = -52.0 + (-60.0 + 52.0) * std::exp(-m * 0.1 / 20.0);
    worst = std::max(worst, std::abs(k.state("v")[0] - expected) / std::abs(expected + 60.0));
  }
  EXPECT_LE(worst, 1e-6) << "relative error of v - v_rest vs closed form (tolerance 1e-6)";
}

TEST(LifCondExp, NegativeTotalConductanceStaysFinite) {
  // Random initial conductances (COBA draws g_inh ~ N(200, 120) nS) can make g_L + g_e + g_i < 0.
  neurons::LifCondExp k(uniform_parameters(coba_values()), 0.1);
  k.state("g_inh")[0] = -15.0;
  k.state("v")[0] = -60.0;
  std::vector<double> zero{0.0};
  std::uint32_t spiked[1];
  for (int m = 0; m < 100; ++m) k.step(zero.data(), zero.data(), nullptr, spiked);
  EXPECT_TRUE(std::isfinite(k.state("v")[0])) << "v with a negative total conductance";
}

}  // namespace
}  // namespace spikeforge
