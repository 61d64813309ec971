// Helpers shared by the neuron kernel tests: parameter sets and a driver that steps one kernel.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <spikeforge/neurons/kernel_support.hpp>

namespace spikeforge::test {

/// A parameter set of `n` neurons, every neuron with the given scalar values.
inline neurons::ParameterSet uniform_parameters(const std::map<std::string, double>& values, std::size_t n = 1) {
  neurons::ParameterSet p;
  for (const auto& [name, v] : values) p.emplace(name, std::vector<double>(n, v));
  return p;
}

/// Steps a one-neuron kernel `steps` times without synaptic input and returns the step indices
/// m (0-based) after which it spiked, i.e. spike times (m + 1) * dt.
template <class Kernel>
std::vector<std::int64_t> spike_steps(Kernel& k, std::int64_t steps, const double* i_ext = nullptr) {
  std::vector<double> zero(k.size(), 0.0);
  std::vector<std::uint32_t> spiked(k.size());
  std::vector<std::int64_t> out;
  for (std::int64_t m = 0; m < steps; ++m) {
    if (k.step(zero.data(), zero.data(), i_ext, spiked.data()) > 0) out.push_back(m);
  }
  return out;
}

}  // namespace spikeforge::test
