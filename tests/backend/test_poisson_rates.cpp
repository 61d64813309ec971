#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <spikeforge/backend/simulator.hpp>

namespace spikeforge {
namespace {

// Options with the given run seed (fields set by name, so options added later keep defaults).
inline SimulatorOptions with_seed(std::uint64_t seed) {
  SimulatorOptions o;
  o.seed = seed;
  return o;
}

using model::Distribution;

TEST(PoissonSource, RecordedRateWithinStatisticalBounds) {
  model::Network net;
  net.add_poisson_source("noise", 1000, Distribution::constant(20.0));
  net.record_spikes("noise");
  Simulator sim(net, with_seed(17));
  sim.run(2000.0);
  const double n = static_cast<double>(sim.spikes("noise").size());
  const double expected = 20.0 * 1000 * 2.0;
  EXPECT_NEAR(n, expected, 5.0 * std::sqrt(expected)) << "spikes of 1000 sources at 20 Hz over 2 s, +- 5 sigma";
  // Per-source counts are Poisson: their variance equals their mean (Fano factor 1).
  std::vector<double> per(1000, 0.0);
  for (auto id : sim.spikes("noise").ids) per[id] += 1.0;
  double mean = 0.0, var = 0.0;
  for (double c : per) mean += c / 1000.0;
  for (double c : per) var += (c - mean) * (c - mean) / 999.0;
  EXPECT_NEAR(var / mean, 1.0, 0.15) << "Fano factor of per-source counts (1 for Poisson), tolerance 0.15 (~3.3 sigma)";
}

TEST(PoissonSource, TimeVaryingRateAndPerSourceRates) {
  model::Network net;
  auto& src = net.add_poisson_source("noise", 400, Distribution::constant(5.0));
  src.rate_times = {1000.0};
  src.rate_values = {50.0};
  std::vector<double> rates(200);
  for (std::size_t k = 0; k < rates.size(); ++k) rates[k] = k < 100 ? 10.0 : 40.0;
  net.add_poisson_source("mixed", 200, Distribution::array(rates));
  net.record_spikes("noise");
  net.record_spikes("mixed");
  Simulator sim(net, with_seed(3));
  sim.run(2000.0);
  double before = 0, after = 0;
  for (double t : sim.spikes("noise").times) (t <= 1000.0 ? before : after) += 1;
  const double e_before = 5.0 * 400, e_after = 50.0 * 400;
  EXPECT_NEAR(before, e_before, 5.0 * std::sqrt(e_before)) << "spikes in the first second at 5 Hz";
  EXPECT_NEAR(after, e_after, 5.0 * std::sqrt(e_after)) << "spikes in the second second at 50 Hz";
  double low = 0, high = 0;
  for (auto id : sim.spikes("mixed").ids) (id < 100 ? low : high) += 1;
  EXPECT_NEAR(low, 2000.0, 5.0 * std::sqrt(2000.0)) << "spikes of 100 sources at 10 Hz over 2 s";
  EXPECT_NEAR(high, 8000.0, 5.0 * std::sqrt(8000.0)) << "spikes of 100 sources at 40 Hz over 2 s";
}

TEST(PoissonSource, DrivesTargetsWithMultiplicity) {
  // One source at 20 kHz onto a delta neuron with a high threshold: v integrates weight * count.
  // In continuous time the shot-noise mean is J rate tau_m = 0.1 mV * 20 kHz * 20 ms = 40 mV; on
  // the grid (decay exp(-dt/tau_m) then k ~ Poisson(2) jumps per step) it is J * 2 / (1 - exp(-dt/tau_m)).
  model::Network net;
  net.add_poisson_source("ext", 1, Distribution::constant(20000.0));
  net.add_population("n", 1, "lif_delta",
                     {{"v_rest", Distribution::constant(0.0)}, {"v_reset", Distribution::constant(0.0)},
                      {"v_thresh", Distribution::constant(1000.0)}});
  net.connect("ext_n", "ext", "n", model::Connector::one_to_one(), Distribution::constant(0.1), Distribution::constant(0.1));
  net.record_state("n", {"v"}, {}, 1.0);
  Simulator sim(net, with_seed(5));
  sim.run(3000.0);
  const auto& rec = sim.state("n");
  double mean = 0.0;
  std::size_t count = 0;
  for (std::size_t r = 0; r < rec.times.size(); ++r) {
    if (rec.times[r] < 200.0) continue;  // let it settle (5 tau_m)
    mean += rec.at(0, r, 0);
    ++count;
  }
  mean /= static_cast<double>(count);
  const double expected = 0.1 * 2.0 / -std::expm1(-0.1 / 20.0);
  // sd of v is sqrt(J^2 rate tau_m / 2) = 1.4 mV with correlation time 20 ms: ~70 independent
  // samples in 2.8 s give a standard error of 0.17 mV; tolerance 0.6 mV (3.5 sigma).
  EXPECT_NEAR(mean, expected, 0.6) << "mean v (mV) of a delta neuron under 20 kHz x 0.1 mV drive";
}

}  // namespace
}  // namespace spikeforge
