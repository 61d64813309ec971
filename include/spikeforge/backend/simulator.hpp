// The user's entry point: a Simulator runs one network description on a chosen backend,
// can be run repeatedly (continuing seamlessly), reset, and asked for what it recorded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <spikeforge/backend/backend.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/resolve.hpp>
#include <spikeforge/model/synapses.hpp>

namespace spikeforge {

class RecordStream;

class Simulator {
public:
  /// Validates `network` (model::validate: throws ValidationError naming the object, field and
  /// allowed range), resolves its names (model::resolve) and builds it on options.backend (unknown
  /// name: ValidationError listing the registered backends). The description is copied; later
  /// changes to it have no effect.
  explicit Simulator(const model::Network& network, SimulatorOptions options = {});
  ~Simulator();
  Simulator(Simulator&&) noexcept;
  Simulator& operator=(Simulator&&) noexcept;

  /// Simulates `duration_ms` more (rounded to whole steps). `progress(t_ms, t_end_ms)` is called
  /// about every 1 % of the run and at its end; returning false stops the run at that step
  /// boundary (time() tells where). run(a) then run(b) gives exactly what run(a + b) gives.
  void run(double duration_ms, std::function<bool(double t_ms, double t_end_ms)> progress = {});
  /// Simulated time in ms.
  double time() const;
  double dt() const;
  /// Back to t = 0 and the initial state with the same synapses (current weights kept);
  /// recordings and spike counts cleared.
  void reset();
  /// The same, and with `restore_weights` the weights of the description too: the backend is
  /// built again, so learning switches and the modulator return to their defaults as well.
  void reset(bool restore_weights);

  const model::Network& network() const noexcept { return network_; }
  const SimulatorOptions& options() const noexcept { return options_; }
  /// The description's names resolved to indices; every lookup by name below goes through it
  /// (an unknown name: ValidationError naming the kind and the name).
  const model::Resolved& resolved() const noexcept { return resolved_; }

  /// Spikes of a spike probe, by probe name (e.g. "spikes(E)"), or by the name of the population
  /// or source a spike probe records (the first such probe). Throws ValidationError when there is none.
  const SpikeRecord& spikes(const std::string& name) const;
  /// Spikes of the probe at `probe_index` in network().probes (Error when it is not a spike probe).
  const SpikeRecord& spikes(std::size_t probe_index) const;
  /// State trace of a state probe, by probe name or by the probed population's name.
  const StateRecord& state(const std::string& name) const;
  /// Weight snapshots of a weight probe, by probe name or by the projection's name.
  const WeightRecord& weight_snapshots(const std::string& name) const;

  /// The synapses of a projection with their current weights (pre, post, weight, delay in ms),
  /// in the backend's order (Backend::synapses); set_weights takes weights in that same order.
  model::SynapseList synapses(const std::string& projection) const;
  /// New weights in synapses() order. Each must be finite and of the sign the post model's receptor
  /// allows (NeuronModelInfo::weight_range: e.g. >= 0 nS for conductance-based models; inhibitory
  /// weights of current-based models <= 0 nA); ValidationError names the projection and the index.
  void set_weights(const std::string& projection, const std::vector<double>& weights);

  /// Spikes per neuron of a population since the last reset, and their total.
  std::vector<std::uint64_t> spike_counts(const std::string& population) const;
  std::uint64_t spike_count(const std::string& population) const;
  /// Mean firing rate of a population (Hz) over the simulated time since the last reset.
  double mean_rate(const std::string& population) const;

  /// Learning on or off for the plastic projection `projection` (Error for a static one); weights
  /// stay readable and writable through weights()/set_weights() between runs.
  void set_learning(const std::string& projection, bool on);
  /// The global modulator M of three-factor rules (stdp_three_factor), from the next step on.
  void set_modulator(double modulator);
  /// M(t_ms) asked every step instead of the fixed value; an empty function returns to the value.
  void set_modulator_callback(std::function<double(double t_ms)> callback);

  /// Synapse storage bytes per synapse of the backend.
  double bytes_per_synapse() const;

  /// Checkpoints (docs/checkpoints.md): save_state writes everything a continuation needs to `path`;
  /// load_state reads such a file into this simulator, which must be built from the same network
  /// description (any thread count), and continues from its time, bit for bit as if the run had
  /// not stopped. Recordings start empty after load_state. A file that does not match (another
  /// network, format version, precision or seed; truncated or damaged) raises ValidationError
  /// naming it and what differs, and changes nothing.
  /// The network with every projection's current weights written in (FromList connector, Array
  /// weights and delays): saved as a network file it restores what the backend learned.
  model::Network network_with_weights() const;

  void save_state(const std::string& path) const;
  void load_state(const std::string& path);

  /// Recording to disk (docs/recording.md): from now on every probe's new data is appended to the
  /// HDF5 file at `path` (created or replaced) after each piece of a run (at most kStreamSteps
  /// steps), and the in-memory records are emptied, so memory stays bounded. The file is complete
  /// after each run(). stop_streaming() closes it; reset() and destruction do too.
  void stream_records(const std::string& path);
  void stop_streaming();
  /// The file being streamed to ("" when none), and the bytes of data written to it so far.
  std::string streaming_path() const;
  std::uint64_t streamed_bytes() const;
  static constexpr std::uint64_t kStreamSteps = 10000;

  Backend& backend() noexcept { return *backend_; }
  const Backend& backend() const noexcept { return *backend_; }

private:
  model::Network network_;
  SimulatorOptions options_;
  model::Resolved resolved_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<RecordStream> stream_;
};

}  // namespace spikeforge
