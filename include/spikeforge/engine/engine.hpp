// The single-threaded event-driven CPU engine: neuron groups advanced clock-driven, spikes
// delivered through per-projection CSR stores into per-population delay rings, Poisson and
// spike-time sources, injected currents and probes. docs/engine.md gives the order of a step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <spikeforge/engine/input_ring.hpp>
#include <spikeforge/engine/neuron_group.hpp>
#include <spikeforge/engine/plastic_store.hpp>
#include <spikeforge/engine/recordings.hpp>
#include <spikeforge/engine/sources.hpp>
#include <spikeforge/engine/synapse_store.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/synapses.hpp>

namespace spikeforge::engine {

class Engine {
public:
  /// Builds every group, synapse store, source and probe of `network` (which must already be
  /// valid: the Simulator calls model::validate first). `run_seed` keys the Poisson draws.
  /// `double_weights`: plastic projections in double precision (reference runs).
  Engine(const model::Network& network, std::uint64_t run_seed, bool double_weights = false);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  double dt() const noexcept { return dt_; }
  /// Steps done since construction or the last reset(); time() = steps() * dt().
  std::uint64_t steps() const noexcept { return step_; }
  double time() const noexcept { return static_cast<double>(step_) * dt_; }

  /// Advances by `n` steps.
  void run(std::uint64_t n);
  /// Back to t = 0: initial state, empty delay rings and recordings, sources rewound.
  /// Synapses and their current weights stay.
  void reset();

  const SpikeRecord& spike_record(std::size_t probe) const;
  const StateRecord& state_record(std::size_t probe) const;
  const WeightRecord& weight_record(std::size_t probe) const;

  /// Synapses of projection `projection` in storage order (pre, post, weight, delay in ms).
  model::SynapseList synapses(std::size_t projection) const;
  /// Replaces the weights of a projection, in the order synapses() lists them.
  void set_weights(std::size_t projection, const std::vector<double>& weights);

  /// Spikes per neuron of population `population` since the last reset.
  const std::vector<std::uint64_t>& spike_counts(std::size_t population) const;

  /// Bytes owned by all synapse stores divided by the number of synapses.
  double bytes_per_synapse() const noexcept;
  std::size_t synapse_count() const noexcept;

  /// Plasticity control (docs/plasticity.md). set_learning throws Error for a static projection.
  void set_learning(std::size_t projection, bool on);
  /// Modulator of three-factor rules from the next step on; a non-empty callback, asked with the
  /// time of each step's spikes (ms), overrides the value.
  void set_modulator(double modulator) noexcept { modulator_ = modulator; }
  void set_modulator_callback(std::function<double(double)> callback) { modulator_callback_ = std::move(callback); }
  /// The plastic part of a projection, nullptr for a static one.
  const PlasticProjection* plastic(std::size_t projection) const;
  /// Bytes owned by projection `projection` divided by its synapse count.
  double projection_bytes_per_synapse(std::size_t projection) const;

  /// Direct access for tests and tools.
  NeuronGroup& group(std::size_t population);

private:
  struct Population;
  struct Source;
  struct Projection;
  struct Probe;

  void build(const model::Network& network, std::uint64_t run_seed, bool double_weights);
  void learn(std::uint64_t stamp);
  void set_initial_state();
  void apply_currents(std::uint64_t step);
  void emit_sources(std::uint64_t stamp);
  void deliver(const Projection& proj, std::uint32_t pre, double scale, std::uint64_t stamp);
  void record_samples(std::uint64_t step);
  void record_spikes(bool is_source, std::size_t index, double time, const std::uint32_t* ids,
                     const std::uint32_t* counts, std::size_t n);

  double dt_ = 0.1;
  std::uint64_t step_ = 0;
  bool stamp0_emitted_ = false;
  bool any_plastic_ = false;
  double modulator_ = 0.0;
  std::function<double(double)> modulator_callback_;
  std::vector<Population> pops_;
  std::vector<Source> sources_;
  std::vector<Projection> projs_;
  std::vector<Probe> probes_;
};

}  // namespace spikeforge::engine
