// The exact propagator of linear leaky integrate-and-fire dynamics (Rotter & Diesmann 1999): the
// one implementation of its coefficients. The CPU kernels (lif_curr_exp, lif_adaptive_threshold,
// lif_delta) and hw::compile (which quantises P22, P11 and P21 for the core) both take them from
// here, so the float engine and the chip start from the same doubles.
//
// Dynamics over one step of length h (units: mV, nA, pF, ms), with i_syn decaying with tau_syn and
// a constant current I during the step:
//   cm dv/dt = cm (v_rest - v) / tau_m + i_syn + I,   di_syn/dt = -i_syn / tau_syn
// map the state exactly:  v' = v_rest + (v - v_rest) P22 + i_syn P21 + I P20,  i_syn' = i_syn P11.
//
// Coefficients, each computed as the code below does (the CPU kernels' arithmetic; the regression
// checksums pin these doubles):
//   P22 = exp(-h/tau_m)                                   membrane_decay()
//   P11 = exp(-h/tau_syn)                                 synaptic_decay()
//   P20 = (1000 tau_m / cm) (1 - exp(-h/tau_m))           offset_to_voltage(), 1 - exp by expm1
//   P21 = (1000/cm) tau_syn tau_m / (tau_m - tau_syn) (exp(-h/tau_m) - exp(-h/tau_syn))
//       = (1000/cm) exp(-h/tau_m) (1 - exp(-h r)) / r,  r = 1/tau_syn - 1/tau_m
//                                                        current_to_voltage()
// The second form of P21 is the one evaluated: 1 - exp(-h r) by expm1, so nothing cancels when
// tau_syn is close to tau_m (the first form subtracts two nearly equal exponentials there and
// loses up to all its digits). Edge-case rule: when |h r| < 1e-12 (which includes tau_syn == tau_m
// exactly, where the first form is 0/0) the factor (1 - exp(-h r)) / r is taken as its limit h;
// the neglected term is h * |h r| / 2, below 5e-13 relative, so P21 is continuous in tau_syn to that
// accuracy and equals (1000/cm) exp(-h/tau_m) h at tau_syn == tau_m (the alpha-function limit).
#pragma once

#include <cmath>

namespace spikeforge::neurons {

/// Conversion factor: nA * ms / pF = 1 V = 1000 mV (and nA / nS = 1000 mV).
inline constexpr double kMilliVoltPerNanoAmpMsPerPicoFarad = 1000.0;

/// P22 = exp(-h/tau_m): decay of v - v_rest over a step h (ms).
inline double membrane_decay(double h, double tau_m) noexcept { return std::exp(-h / tau_m); }

/// P11 = exp(-h/tau_syn): decay of a synaptic current (or of any exponential trace) over h.
inline double synaptic_decay(double h, double tau_syn) noexcept { return std::exp(-h / tau_syn); }

/// P20 = (1000 tau_m / cm) (1 - exp(-h/tau_m)): mV at a step's end per nA of constant current
/// during the step.
inline double offset_to_voltage(double h, double tau_m, double cm) noexcept {
  return kMilliVoltPerNanoAmpMsPerPicoFarad * tau_m / cm * -std::expm1(-h / tau_m);
}

/// P21: mV at a step's end per nA of synaptic current (decaying with tau_syn) at its start, for a
/// membrane with tau_m (ms) and cm (pF). See the header comment for the form and the edge case.
inline double current_to_voltage(double h, double tau_m, double tau_syn, double cm) noexcept {
  const double rate = 1.0 / tau_syn - 1.0 / tau_m;
  const double kernel = std::abs(rate * h) < 1e-12 ? h : -std::expm1(-h * rate) / rate;
  return kMilliVoltPerNanoAmpMsPerPicoFarad / cm * std::exp(-h / tau_m) * kernel;
}

}  // namespace spikeforge::neurons
