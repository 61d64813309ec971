// The per-neuron parameter table a neuron kernel is built from, and the few helpers that read it.
// (The stepping every kernel shares is in kernel_base.hpp, the exact LIF propagator in
// lif_propagator.hpp.)
#pragma once

#include <cstddef>
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

/// The first m values of v.
inline std::vector<double> head(const std::vector<double>& v, std::size_t m) {
  return {v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m)};
}

/// n values from a per-neuron array or a single shared value.
inline std::vector<double> expand(const std::vector<double>& v, std::size_t n) {
  if (v.size() == n) return v;
  return std::vector<double>(n, v.empty() ? 0.0 : v.front());
}

}  // namespace spikeforge::neurons
