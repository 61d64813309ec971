// What a run records, as plain data every backend fills the same way (stimulus::Recorder): spikes
// (time, id), state traces (times x neurons per variable) and weight snapshots.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace spikeforge::model {

/// Spikes of one probe, in the order they happened (by time, then by neuron index).
/// Times in ms; ids are indices within the probed population or source.
struct SpikeRecord {
  std::vector<double> times;
  std::vector<std::uint32_t> ids;
  std::size_t size() const noexcept { return times.size(); }
  void clear() { times.clear(); ids.clear(); }
  bool operator==(const SpikeRecord&) const = default;
};

/// State trace of one probe: values[v][r * neurons.size() + c] is variable `variables[v]` of
/// neuron `neurons[c]` at time `times[r]` (ms). Units as in the model table (mV, nA, nS, ...).
struct StateRecord {
  std::vector<std::string> variables;
  std::vector<std::uint32_t> neurons;
  std::vector<double> times;
  std::vector<std::vector<double>> values;
  /// One value: variable index v, sample r, neuron column c.
  double at(std::size_t v, std::size_t r, std::size_t c) const { return values[v][r * neurons.size() + c]; }
  void clear() { times.clear(); for (auto& v : values) v.clear(); }
  bool operator==(const StateRecord&) const = default;
};

/// Weight snapshots of one projection: weights[r] holds every weight at times[r] (ms), in the
/// order the backend lists the projection's synapses.
struct WeightRecord {
  std::vector<double> times;
  std::vector<std::vector<double>> weights;
  void clear() { times.clear(); weights.clear(); }
  bool operator==(const WeightRecord&) const = default;
};

}  // namespace spikeforge::model
