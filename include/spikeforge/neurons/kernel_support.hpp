// Pieces every neuron kernel shares: the per-neuron parameter table a kernel is built from, the
// exact-propagator coefficients of linear LIF dynamics, and branch-free spike compaction.
#pragma once

#include <bit>
#include <cmath>
#include <cstring>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <spikeforge/core/error.hpp>

namespace spikeforge::neurons {

/// Per-neuron values of every model parameter, by name (units as in model/neuron_models.hpp).
/// All vectors hold one value per neuron; the kernels derive their coefficients from them once.
using ParameterSet = std::map<std::string, std::vector<double>, std::less<>>;

/// The values of parameter `name`; throws Error when it is missing or not one per neuron.
inline const std::vector<double>& parameter(const ParameterSet& p, std::string_view model, std::string_view name,
                                            std::size_t n) {
  const auto it = p.find(name);
  if (it == p.end()) {
    throw Error(std::string(model) + " kernel: parameter '" + std::string(name) + "' not given");
  }
  if (it->second.size() != n) {
    throw Error(std::string(model) + " kernel: parameter '" + std::string(name) + "' has " +
                std::to_string(it->second.size()) + " values for " + std::to_string(n) + " neurons");
  }
  return it->second;
}

/// Number of neurons a parameter set describes (the length of its first entry).
inline std::size_t neuron_count(const ParameterSet& p) { return p.empty() ? 0 : p.begin()->second.size(); }

/// Conversion factor: nA * ms / pF = 1 V = 1000 mV (and nA / nS = 1000 mV).
inline constexpr double kMilliVoltPerNanoAmpMsPerPicoFarad = 1000.0;

/// (1 - exp(-h (1/tau_a - 1/tau_b))) / (1/tau_a - 1/tau_b) computed without cancellation; tends to
/// h when the two time constants coincide (the singular case of the propagator).
inline double propagator_kernel(double h, double tau_a, double tau_b) noexcept {
  const double rate = 1.0 / tau_a - 1.0 / tau_b;
  if (std::abs(rate * h) < 1e-12) return h;
  return -std::expm1(-h * rate) / rate;
}

/// Exact coefficient of a synaptic current i (nA, decaying with tau_syn) at the start of a step in
/// v (mV) at its end, for a membrane with tau_m and cm:
/// (1000/cm) * tau_s tau_m / (tau_m - tau_s) * (exp(-h/tau_m) - exp(-h/tau_s)).
inline double current_to_voltage_propagator(double h, double tau_m, double tau_syn, double cm) noexcept {
  return kMilliVoltPerNanoAmpMsPerPicoFarad / cm * std::exp(-h / tau_m) * propagator_kernel(h, tau_syn, tau_m);
}

/// Refractory period in whole steps (rounded to nearest).
inline double refractory_steps(double tau_refrac, double dt) noexcept { return std::nearbyint(tau_refrac / dt); }

/// exp(x) to within 2 ulp, written so that a loop calling it vectorises (SSE2 suffices): Cody-Waite
/// range reduction x = n ln2 + r with |r| <= ln2/2, a degree-13 Taylor polynomial for exp(r)
/// (truncation error < 1e-17), and 2^n assembled in the exponent bits. Arguments are clamped to
/// [-708, 708], where exp stays a normal double; the kernels never need more.
inline double vexp(double x) noexcept {
  constexpr double kLog2e = 1.4426950408889634, kLn2Hi = 6.93147180369123816490e-01,
                   kLn2Lo = 1.90821492927058770002e-10, kShift = 6755399441055744.0;  // 1.5 * 2^52
  x = x < -708.0 ? -708.0 : (x > 708.0 ? 708.0 : x);
  const double shifted = x * kLog2e + kShift;  // round-to-nearest n sits in the low mantissa bits
  const double n = shifted - kShift;
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const std::uint64_t bits = (std::bit_cast<std::uint64_t>(shifted) + 1023u) << 52;
  return p * std::bit_cast<double>(bits);
}

/// Writes the indices k with flags[k] != 0 to `out` in increasing order and returns their number.
/// Scans eight flags per load: spikes are rare in a step, so most words are zero and skipped.
inline std::size_t compact_flags(const std::uint8_t* flags, std::size_t n, std::uint32_t* out) noexcept {
  std::size_t count = 0, k = 0;
  for (; k + 8 <= n; k += 8) {
    std::uint64_t word;
    std::memcpy(&word, flags + k, 8);
    while (word != 0) {  // little-endian: byte j of the word is flags[k + j]
      const int bit = std::countr_zero(word);
      out[count++] = static_cast<std::uint32_t>(k + static_cast<std::size_t>(bit / 8));
      word &= ~(std::uint64_t{0xFF} << (bit & ~7));
    }
  }
  for (; k < n; ++k) {
    if (flags[k]) out[count++] = static_cast<std::uint32_t>(k);
  }
  return count;
}

}  // namespace spikeforge::neurons
