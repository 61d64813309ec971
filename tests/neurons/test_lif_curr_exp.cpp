#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <spikeforge/neurons/lif_adaptive_threshold.hpp>
#include <spikeforge/neurons/lif_curr_exp.hpp>

#include "kernel_test_util.hpp"

namespace spikeforge {
namespace {

using test::uniform_parameters;

std::map<std::string, double> lif_values() {
  return {{"cm", 250.0},       {"tau_m", 20.0},    {"tau_refrac", 2.0},
          {"v_rest", -65.0},   {"v_reset", -70.0}, {"v_thresh", -50.0},
          {"tau_syn_e", 5.0},  {"tau_syn_i", 10.0}, {"i_offset", 0.0}};
}

TEST(LifCurrExp, MembraneUnderConstantCurrentMatchesClosedForm) {
  // Sub-threshold: R I = 80 MOhm * 0.15 nA = 12 mV < 15 mV to threshold, so v never resets.
  auto values = lif_values();
  values["i_offset"] = 0.15;
  const double dt = 0.1, tau = 20.0, r_i = 1000.0 * 20.0 / 250.0 * 0.15;
  neurons::LifCurrExp k(uniform_parameters(values), dt);
  const double v0 = -60.0;
  k.state("v")[0] = v0;
  std::vector<double> zero{0.0};
  std::uint32_t spiked[1];
  double worst = 0.0;
  for (int m = 1; m <= 2000; ++m) {
    ASSERT_EQ(k.step(zero.data(), zero.data(), nullptr, spiked), 0u) << "no spike expected below threshold";
    const double t = m * dt;
    const double v_inf = -65.0 + r_i;
    const double expected = v_inf + (v0 - v_inf) * std::exp(-t / tau);
    // Relative to the distance from rest, the strictest measure of the membrane's own dynamics.
    worst = std::max(worst, std::abs(k.state("v")[0] - expected) / std::abs(expected + 65.0));
  }
  EXPECT_LE(worst, 1e-6) << "max relative error of v - v_rest vs closed form over 200 ms (tolerance 1e-6)";
}

TEST(LifCurrExp, InjectedCurrentAddsToOffset) {
  auto values = lif_values();
  values["i_offset"] = 0.05;
  neurons::LifCurrExp a(uniform_parameters(values), 0.1);
  values["i_offset"] = 0.15;
  neurons::LifCurrExp b(uniform_parameters(values), 0.1);
  std::vector<double> zero{0.0}, ext{0.1};
  std::uint32_t spiked[1];
  for (int m = 0; m < 500; ++m) {
    a.step(zero.data(), zero.data(), ext.data(), spiked);
    b.step(zero.data(), zero.data(), nullptr, spiked);
  }
  EXPECT_NEAR(a.state("v")[0], b.state("v")[0], 1e-12) << "i_offset 0.05 + i_ext 0.1 vs i_offset 0.15 (mV)";
}

// v response to a synaptic current i0 starting at rest: difference of exponentials, or t e^{-t/tau}
// in the singular case tau_syn == tau_m (the propagator must stay exact there too).
void check_psp(double tau_syn) {
  auto values = lif_values();
  values["tau_syn_e"] = tau_syn;
  const double dt = 0.1, cm = 250.0, tau_m = 20.0, i0 = 0.5;
  neurons::LifCurrExp k(uniform_parameters(values), dt);
  std::vector<double> zero{0.0}, kick{i0};
  std::uint32_t spiked[1];
  // The input arrives at the end of the first step, so v starts to move at t0 = dt.
  k.step(kick.data(), zero.data(), nullptr, spiked);
  EXPECT_DOUBLE_EQ(k.state("i_syn_exc")[0], i0) << "i_syn_exc right after the input (nA)";
  double worst = 0.0, peak = 0.0;
  for (int m = 1; m <= 1000; ++m) {
    k.step(zero.data(), zero.data(), nullptr, spiked);
    const double t = m * dt;
    const double expected = std::abs(tau_syn - tau_m) < 1e-12
                                ? 1000.0 / cm * i0 * t * std::exp(-t / tau_m)
                                : 1000.0 / cm * i0 * tau_syn * tau_m / (tau_m - tau_syn) *
                                      (std::exp(-t / tau_m) - std::exp(-t / tau_syn));
    peak = std::max(peak, expected);
    worst = std::max(worst, std::abs((k.state("v")[0] + 65.0) - expected));
    EXPECT_NEAR(k.state("i_syn_exc")[0], i0 * std::exp(-t / tau_syn), 1e-12 * i0) << "i_syn_exc at t = " << t;
  }
  EXPECT_LE(worst / peak, 1e-9) << "max PSP error relative to its peak, tau_syn = " << tau_syn << " (tolerance 1e-9)";
}

TEST(LifCurrExp, PostsynapticPotentialMatchesClosedForm) { check_psp(5.0); }
TEST(LifCurrExp, PostsynapticPotentialSingularCaseTauSynEqualsTauM) { check_psp(20.0); }

// f-I curve: after a reset to v_reset the neuron needs T = tau ln((V_inf - v_reset)/(V_inf - v_th))
// to reach threshold (V_inf = v_rest + R I), plus the refractory period. On a grid of dt the
// crossing is detected at the first step boundary at or after it, so ISI in [t_ref + T, t_ref + T + dt].
TEST(LifCurrExp, FiringRateMatchesAnalyticFICurve) {
  for (double dt : {0.1, 0.01}) {
    for (double current : {0.2, 0.25, 0.3, 0.5, 1.0, 2.0}) {
      auto values = lif_values();  // v_rest -65 != v_reset -70: the offset enters the formula
      values["i_offset"] = current;
      neurons::LifCurrExp k(uniform_parameters(values), dt);
      const auto spikes = test::spike_steps(k, static_cast<std::int64_t>(std::llround(1000.0 / dt)));
      ASSERT_GE(spikes.size(), 3u) << "I = " << current << " nA must fire repeatedly";
      const double r_i = 1000.0 * 20.0 / 250.0 * current, v_inf = -65.0 + r_i;
      const double isi_analytic = 2.0 + 20.0 * std::log((v_inf - (-70.0)) / (v_inf - (-50.0)));
      for (std::size_t s = 2; s < spikes.size(); ++s) {
        const double isi = static_cast<double>(spikes[s] - spikes[s - 1]) * dt;
        ASSERT_GE(isi, isi_analytic - 1e-9) << "ISI at I = " << current << " nA, dt = " << dt;
        ASSERT_LE(isi, isi_analytic + dt + 1e-9)
            << "ISI at I = " << current << " nA, dt = " << dt << ": analytic " << isi_analytic << " ms + one step";
      }
      const double rate = 1000.0 * static_cast<double>(spikes.size() - 2) /
                          (static_cast<double>(spikes.back() - spikes[1]) * dt);
      EXPECT_NEAR(rate, 1000.0 / isi_analytic, 1000.0 / isi_analytic * dt / isi_analytic * 1.01)
          << "rate (Hz) at I = " << current << " nA, dt = " << dt << ", tolerance one step per ISI";
    }
  }
}

TEST(LifCurrExp, RefractoryPeriodHoldsVAtReset) {
  auto values = lif_values();
  values["i_offset"] = 2.0;
  values["tau_refrac"] = 3.0;
  neurons::LifCurrExp k(uniform_parameters(values), 0.1);
  std::vector<double> zero{0.0};
  std::uint32_t spiked[1];
  int m = 0;
  while (k.step(zero.data(), zero.data(), nullptr, spiked) == 0) ++m;
  for (int r = 0; r < 30; ++r) {
    k.step(zero.data(), zero.data(), nullptr, spiked);
    ASSERT_EQ(k.state("v")[0], -70.0) << "v during refractory step " << r << " of 30";
  }
  k.step(zero.data(), zero.data(), nullptr, spiked);
  EXPECT_GT(k.state("v")[0], -70.0) << "v must rise again after 3 ms";
}

TEST(LifCurrExp, HeterogeneousParametersPerNeuron) {
  auto p = uniform_parameters(lif_values(), 3);
  p["i_offset"] = {0.1, 0.2, 0.3};
  p["tau_m"] = {10.0, 20.0, 30.0};
  neurons::LifCurrExp k(p, 0.1);
  std::vector<double> zero(3, 0.0);
  std::uint32_t spiked[3];
  for (int m = 0; m < 50; ++m) k.step(zero.data(), zero.data(), nullptr, spiked);
  for (int n = 0; n < 3; ++n) {
    const double tau = p["tau_m"][n], r_i = 1000.0 * tau / 250.0 * p["i_offset"][n];
    const double expected = -65.0 + r_i * (1.0 - std::exp(-5.0 / tau));
    EXPECT_NEAR(k.state("v")[n], expected, 1e-9) << "v of neuron " << n << " at 5 ms (mV)";
  }
}

TEST(LifAdaptiveThreshold, ThetaJumpsAtSpikesAndDecaysExactly) {
  auto values = lif_values();
  values["i_offset"] = 1.0;
  values["tau_theta"] = 100.0;
  values["theta_plus"] = 2.0;
  const double dt = 0.1;
  neurons::LifAdaptiveThreshold k(uniform_parameters(values), dt);
  const auto spikes = test::spike_steps(k, 5000);
  ASSERT_GE(spikes.size(), 5u);
  // theta(t) = sum over spikes of theta_plus exp(-(t - t_s)/tau_theta), spike at the end of step m.
  double expected = 0.0;
  const double t_end = 5000 * dt;
  for (auto m : spikes) expected += 2.0 * std::exp(-(t_end - static_cast<double>(m + 1) * dt) / 100.0);
  EXPECT_NEAR(k.state("theta")[0], expected, 1e-9 * expected) << "theta (mV) after 500 ms";
  // Adaptation: ISIs grow as theta builds up.
  EXPECT_GT(spikes[spikes.size() - 1] - spikes[spikes.size() - 2], spikes[1] - spikes[0]) << "last ISI vs first ISI (steps)";
}

}  // namespace
}  // namespace spikeforge
