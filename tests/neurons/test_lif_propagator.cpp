// The exact LIF propagator (neurons/lif_propagator.hpp) against its closed form in long double,
// including the edge case tau_syn -> tau_m where the textbook form cancels.
#include <gtest/gtest.h>

#include <cmath>

#include <spikeforge/neurons/lif_propagator.hpp>

namespace spikeforge {
namespace {

// (1000/cm) tau_s tau_m / (tau_m - tau_s) (exp(-h/tau_m) - exp(-h/tau_s)) in long double, as
// written: good to ~1e-17 when the time constants are far apart, useless near tau_s = tau_m.
long double textbook(long double h, long double tau_m, long double tau_s, long double cm) {
  return 1000.0L / cm * tau_s * tau_m / (tau_m - tau_s) * (std::exp(-h / tau_m) - std::exp(-h / tau_s));
}
// The same quantity as (1000/cm) exp(-h/tau_m) (1 - exp(-h r)) / r in long double with
// r = (tau_m - tau_s) / (tau_m tau_s): tau_m - tau_s is exact for nearby values, expm1 does not
// cancel, so this holds ~1e-18 everywhere.
long double reference(long double h, long double tau_m, long double tau_s, long double cm) {
  const long double r = (tau_m - tau_s) / (tau_m * tau_s);
  return 1000.0L / cm * std::exp(-h / tau_m) * (-std::expm1(-h * r) / r);
}

TEST(LifPropagator, CurrentToVoltageMatchesClosedForm) {
  const double h = 0.1, cm = 250.0, tau_m = 20.0;
  for (double tau_s : {0.5, 2.0, 5.0, 10.0, 19.0, 21.0, 40.0, 100.0}) {
    const double want = static_cast<double>(textbook(h, tau_m, tau_s, cm));
    EXPECT_NEAR(static_cast<double>(reference(h, tau_m, tau_s, cm)) / want, 1.0, 1e-15)
        << "the two long double forms agree, tau_syn = " << tau_s << " ms";
    EXPECT_NEAR(neurons::current_to_voltage(h, tau_m, tau_s, cm) / want, 1.0, 1e-14)
        << "P21 (mV/nA), tau_syn = " << tau_s << " ms";
  }
  // Near tau_syn = tau_m, where the textbook form in double loses about half its digits.
  for (double rel : {1e-3, 1e-6, -1e-7, 1e-9}) {
    const double tau_s = tau_m * (1 + rel);
    const double want = static_cast<double>(reference(h, tau_m, tau_s, cm));
    EXPECT_NEAR(neurons::current_to_voltage(h, tau_m, tau_s, cm) / want, 1.0, 1e-14)
        << "P21 (mV/nA), tau_syn = tau_m (1 + " << rel << ")";
  }
}

TEST(LifPropagator, CurrentToVoltageAtEqualTimeConstantsIsTheAlphaLimit) {
  const double h = 0.1, cm = 250.0, tau_m = 20.0;
  // The limit (1000/cm) h exp(-h/tau_m), evaluated exactly as the code states it.
  EXPECT_EQ(neurons::current_to_voltage(h, tau_m, tau_m, cm), 1000.0 / cm * std::exp(-h / tau_m) * h);
  // Continuous through the edge-case threshold |h (1/tau_s - 1/tau_m)| = 1e-12, which lies at
  // tau_s = tau_m (1 + 2e-10) here: just below it the factor is taken as h, just above it comes
  // from expm1; the two differ by the neglected h |h r| / 2, below 1e-12 relative.
  const double below = neurons::current_to_voltage(h, tau_m, tau_m * (1 + 1.9e-10), cm);
  const double above = neurons::current_to_voltage(h, tau_m, tau_m * (1 + 2.1e-10), cm);
  EXPECT_EQ(below, neurons::current_to_voltage(h, tau_m, tau_m, cm)) << "below the threshold: the limit";
  EXPECT_NE(above, below) << "above the threshold: the expm1 form";
  EXPECT_NEAR(above / below, 1.0, 1e-12) << "P21 across the edge-case threshold";
}

TEST(LifPropagator, DecaysAndOffsetMatchTheirDefinitions) {
  const double h = 0.1, tau = 20.0, cm = 250.0;
  EXPECT_EQ(neurons::membrane_decay(h, tau), std::exp(-h / tau));
  EXPECT_EQ(neurons::synaptic_decay(h, 5.0), std::exp(-h / 5.0));
  // P20 = (1000 tau_m / cm) (1 - exp(-h/tau_m)) = 80 mV/nA * (1 - e^-0.005), about 0.399 mV/nA.
  const long double want = 1000.0L * tau / cm * (1.0L - std::exp(-static_cast<long double>(h) / tau));
  EXPECT_NEAR(neurons::offset_to_voltage(h, tau, cm) / static_cast<double>(want), 1.0, 1e-14) << "P20 (mV/nA)";
}

}  // namespace
}  // namespace spikeforge
