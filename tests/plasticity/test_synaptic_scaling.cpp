#include <gtest/gtest.h>

#include <cstdio>
#include <numeric>

#include "plastic_fixtures.hpp"

namespace spikeforge {
namespace {

std::uint64_t total(const std::vector<std::uint64_t>& c) { return std::accumulate(c.begin(), c.end(), std::uint64_t{0}); }

// Poisson drive through a projection whose only plasticity is synaptic scaling (pair amplitudes 0):
// from a start far below (weights 0.02 nA) or above (0.3 nA) the target, the mean rate of the
// population must settle within 10 % of the 10 Hz target.
double settled_rate(double w0, double* start_rate) {
  model::Network net;
  net.seed = 3;
  net.add_poisson_source("in", 200, model::Distribution::constant(10.0));
  net.add_population("E", 100, "lif_curr_exp");
  net.connect("in_E", "in", "E", model::Connector::fixed_probability(0.3), model::Distribution::uniform(0.5 * w0, 1.5 * w0),
              model::Distribution::constant(1.0))
      .plasticity = model::Plasticity{"stdp_pair",
                                      {{"a_plus", 0.0}, {"a_minus", 0.0}, {"w_min", 0.0}, {"w_max", 10.0},
                                       {"scaling_target_rate", 10.0}, {"scaling_rate", 0.5}, {"scaling_tau", 500.0},
                                       {"scaling_interval", 10.0}}};
  Simulator sim(net);
  sim.set_learning("in_E", false);
  sim.run(2000.0);
  *start_rate = sim.mean_rate("E");
  sim.reset();
  sim.set_learning("in_E", true);
  sim.run(25000.0);
  const std::uint64_t before = total(sim.spike_counts("E"));
  sim.run(5000.0);
  const std::uint64_t after = total(sim.spike_counts("E"));
  return static_cast<double>(after - before) / (100.0 * 5.0);
}

TEST(SynapticScaling, MeanRateReachesTarget) {
  for (double w0 : {0.02, 0.3}) {
    double start = 0.0;
    const double rate = settled_rate(w0, &start);
    std::printf("synaptic scaling from w0 = %.2f nA: %.2f Hz without scaling, %.2f Hz after 25 s (target 10 Hz)\n", w0,
                start, rate);
    EXPECT_GT(std::abs(start - 10.0), 3.0) << "rate without scaling (Hz) must start far from the target";
    EXPECT_NEAR(rate, 10.0, 1.0) << "mean rate of E (Hz) over 25-30 s, target 10 Hz, tolerance 10 %";
  }
}

}  // namespace
}  // namespace spikeforge
