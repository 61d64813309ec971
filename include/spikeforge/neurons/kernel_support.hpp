// Pieces every neuron kernel shares: the per-neuron parameter table a kernel is built from and the
// refractory period in steps (the exact LIF propagator is in lif_propagator.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <spikeforge/core/error.hpp>
#include <spikeforge/neurons/lif_propagator.hpp>

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

/// True when every parameter has one value for all neurons: the kernel then keeps each derived
/// coefficient once instead of per neuron (less memory traffic in large homogeneous populations).
inline bool all_uniform(const ParameterSet& p) {
  for (const auto& [name, values] : p) {
    for (double x : values) {
      if (!(x == values.front())) return false;
    }
  }
  return true;
}

/// Turns a kernel's two run-time cases (injected current present; parameters shared by every
/// neuron) into template arguments, so each case's loop is compiled without those branches.
/// `impl` is a lambda template `[&]<bool Ext, bool Uniform>() { ... }`.
template <class Impl>
decltype(auto) dispatch_step(bool ext, bool uniform, Impl&& impl) {
  if (uniform) return ext ? impl.template operator()<true, true>() : impl.template operator()<false, true>();
  return ext ? impl.template operator()<true, false>() : impl.template operator()<false, false>();
}

/// dispatch_step with a third case: whether the step reads input slot arrays (false: the caller
/// adds the input into the kernel's input_state() after the step). `impl` is a lambda template
/// `[&]<bool Input, bool Ext, bool Uniform>() { ... }`.
template <class Impl>
decltype(auto) dispatch_step(bool input, bool ext, bool uniform, Impl&& impl) {
  if (input) return dispatch_step(ext, uniform, [&]<bool E, bool U>() { return impl.template operator()<true, E, U>(); });
  return dispatch_step(ext, uniform, [&]<bool E, bool U>() { return impl.template operator()<false, E, U>(); });
}

/// The first m values of v.
inline std::vector<double> head(const std::vector<double>& v, std::size_t m) {
  return {v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m)};
}

/// n values from a per-neuron array or a single shared value.
inline std::vector<double> expand(const std::vector<double>& v, std::size_t n) {
  if (v.size() == n) return v;
  return std::vector<double>(n, v.empty() ? 0.0 : v.front());
}

/// Refractory period in whole steps (rounded to nearest).
inline double refractory_steps(double tau_refrac, double dt) noexcept { return std::nearbyint(tau_refrac / dt); }

/// Refractoriness as the index of the first step a neuron integrates again ("until", a whole number
/// held exactly in a double up to 2^53 steps): a neuron is held during step m while until > m. A
/// spike in step m sets until = m + 1 + refractory steps, so the neuron is held in steps m + 1 ...
/// m + refractory steps. Only spiking neurons write it, so the per-step pass reads the array and
/// never stores to it (a countdown would cost a store per neuron and step). 0 ends every period.
///
/// What a spike does to the neurons that spiked in step `step` (ids in spiked[0, count)): v to
/// v_reset and the start of the refractory period. `v_reset` and `ref_steps` are a kernel's
/// coefficients (simd::Coef: shared or per neuron).
template <class CoefT>
inline void reset_spiked(const std::uint32_t* spiked, std::size_t count, std::uint64_t step, double* v,
                         double* until, const CoefT& v_reset, const CoefT& ref_steps) noexcept {
  const double next = static_cast<double>(step) + 1.0;
  for (std::size_t s = 0; s < count; ++s) {
    const std::uint32_t k = spiked[s];
    v[k] = v_reset.template at<double>(k);
    until[k] = next + ref_steps.template at<double>(k);
  }
}

}  // namespace spikeforge::neurons
