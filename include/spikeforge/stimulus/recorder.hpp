// What the probes of a network record, kept the same way by every executor (the cpu engine and the
// hardware backends): which neurons a spike probe selects, when state and weight probes sample,
// and the records themselves (model/records.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spikeforge/model/network.hpp>
#include <spikeforge/model/records.hpp>
#include <spikeforge/model/resolve.hpp>

namespace spikeforge::stimulus {

class Recorder {
public:
  Recorder() = default;
  /// The probes of `network` (validated by model::validate): targets as `resolved`
  /// (model::resolve(network)) gives them, neuron selections and sampling intervals (steps of
  /// `dt`). Throws Error starting with `who` ("engine", "cpu-fixed", ...) and naming the probe for
  /// a neuron out of range.
  Recorder(const model::Network& network, const model::Resolved& resolved, double dt, std::string_view who);

  std::size_t size() const noexcept { return probes_.size(); }
  model::Probe::Kind kind(std::size_t probe) const { return probes_.at(probe).kind; }
  /// The probed population, spike source (spike probes: is_source()) or projection, by index.
  std::size_t target(std::size_t probe) const { return probes_.at(probe).target; }
  bool is_source(std::size_t probe) const { return probes_.at(probe).is_source; }

  /// The spike probes of population / spike source `index` (probe indices; empty: none).
  const std::vector<std::size_t>& population_probes(std::size_t population) const { return population_probes_.at(population); }
  const std::vector<std::size_t>& source_probes(std::size_t source) const { return source_probes_.at(source); }

  /// The spikes of one step (at `time`, ms) of population `population`: ids in the order they
  /// spiked, one spike each. Appended to every spike probe of the population that selects them.
  void record_population(std::size_t population, double time, const std::uint32_t* ids, std::size_t n) {
    if (!population_probes_[population].empty()) record(population_probes_[population], time, ids, nullptr, n);
  }
  /// The same for spike source `source`; counts[k] spikes of ids[k] (counts == nullptr: one each).
  void record_source(std::size_t source, double time, const std::uint32_t* ids, const std::uint32_t* counts,
                     std::size_t n) {
    if (!source_probes_[source].empty()) record(source_probes_[source], time, ids, counts, n);
  }

  /// True when a state or weight probe exists: they sample between steps.
  bool samples() const noexcept { return samples_; }
  /// The first step after `step` at which a state or weight probe samples (UINT64_MAX: none).
  std::uint64_t next_sample_after(std::uint64_t step) const noexcept;
  /// Takes the samples due at `step` (time step * dt), in probe order: a state probe on population
  /// p asks state(p, variable) for the variable's values indexed by neuron id; a weight probe on
  /// projection j asks weights(j) for every weight, in the order the executor lists them.
  template <class State, class Weights>
  void sample(std::uint64_t step, State&& state, Weights&& weights);

  const model::SpikeRecord& spike_record(std::size_t probe) const { return probes_.at(probe).spikes; }
  const model::StateRecord& state_record(std::size_t probe) const { return probes_.at(probe).state; }
  const model::WeightRecord& weight_record(std::size_t probe) const { return probes_.at(probe).weights; }
  /// The records for a caller that takes their contents over without copying (moves the vectors
  /// out); recording goes on into what it leaves.
  model::SpikeRecord& spike_record(std::size_t probe) { return probes_.at(probe).spikes; }
  model::StateRecord& state_record(std::size_t probe) { return probes_.at(probe).state; }
  model::WeightRecord& weight_record(std::size_t probe) { return probes_.at(probe).weights; }

  /// Empties every record (back to t = 0); the probes stay.
  void clear();

private:
  struct Probe {
    model::Probe::Kind kind = model::Probe::Kind::Spikes;
    std::size_t target = 0;
    bool is_source = false;
    std::vector<char> selected;  // spike probes on a subset: selected[id] != 0
    std::uint64_t interval = 1;  // steps between samples
    model::SpikeRecord spikes;
    model::StateRecord state;
    model::WeightRecord weights;
  };

  void record(const std::vector<std::size_t>& probes, double time, const std::uint32_t* ids,
              const std::uint32_t* counts, std::size_t n);

  double dt_ = 0.1;
  bool samples_ = false;
  std::vector<Probe> probes_;
  std::vector<std::vector<std::size_t>> population_probes_, source_probes_;
};

template <class State, class Weights>
void Recorder::sample(std::uint64_t step, State&& state, Weights&& weights) {
  if (!samples_) return;
  const double time = static_cast<double>(step) * dt_;
  for (auto& probe : probes_) {
    if (probe.kind == model::Probe::Kind::Spikes || step % probe.interval != 0) continue;
    if (probe.kind == model::Probe::Kind::State) {
      probe.state.times.push_back(time);
      for (std::size_t v = 0; v < probe.state.variables.size(); ++v) {
        auto& out = probe.state.values[v];
        const auto& var = state(probe.target, probe.state.variables[v]);
        for (std::uint32_t id : probe.state.neurons) out.push_back(var[id]);
      }
    } else {
      probe.weights.times.push_back(time);
      probe.weights.weights.push_back(weights(probe.target));
    }
  }
}

}  // namespace spikeforge::stimulus
