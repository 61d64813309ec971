// The interface every simulation backend implements (cpu, cpu-fixed, fpga-sim, fpga), and the
// registry that maps a backend name to a factory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spikeforge/core/state_archive.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/records.hpp>
#include <spikeforge/model/resolve.hpp>
#include <spikeforge/model/synapses.hpp>
#include <spikeforge/stimulus/recorder.hpp>

namespace spikeforge {

using model::SpikeRecord;
using model::StateRecord;
using model::WeightRecord;

/// Options of a Simulator.
struct SimulatorOptions {
  std::string backend = "cpu";  ///< see backend_names()
  std::uint64_t seed = 1;       ///< seed of run-time randomness (Poisson sources)
  /// cpu: worker threads, 0 to kMaxThreads; 0 (the default) = automatic: every core
  /// (std::thread::hardware_concurrency()) when the network has enough work per synchronisation
  /// window to gain from them, else one (engine::Engine::auto_partitions). Results are bitwise
  /// identical for any value.
  int threads = 0;
  static constexpr int kMaxThreads = 1024;
  /// cpu: plastic projections keep weights, traces and eligibilities in double precision
  /// (reference runs and tests; float otherwise).
  bool double_weights = false;
  /// Hardware backends ("cpu-fixed", "fpga-sim", "fpga"; docs/backends.md).
  std::string device;           ///< "fpga": serial device, e.g. /dev/ttyUSB1
  int baud = 1000000;           ///< "fpga": serial baud rate
  int timeout_ms = 2000;        ///< "fpga": longest wait for one answer frame
  int core_neurons = 0;         ///< core size N (0: the smallest built core that fits)
  int core_axons = 0;           ///< core input axons NA (0: with core_neurons)
};

/// A backend runs one network in steps of network.dt. Probe, projection and population indices
/// are positions in the network description's vectors.
class Backend {
public:
  virtual ~Backend() = default;
  virtual std::string_view name() const noexcept = 0;
  virtual double dt() const noexcept = 0;
  /// Steps done since construction or reset().
  virtual std::uint64_t steps() const noexcept = 0;
  /// Advances by `n` steps; continuing later gives the same result as one longer call.
  virtual void run_steps(std::uint64_t n) = 0;
  /// Back to t = 0 and the initial state; recordings cleared; synapses and weights kept.
  virtual void reset() = 0;

  /// What the probes recorded: every backend keeps its probes in a stimulus::Recorder.
  virtual const stimulus::Recorder& recorder() const noexcept = 0;
  virtual stimulus::Recorder& recorder() noexcept = 0;
  const SpikeRecord& spike_record(std::size_t probe) const { return recorder().spike_record(probe); }
  const StateRecord& state_record(std::size_t probe) const { return recorder().state_record(probe); }
  const WeightRecord& weight_record(std::size_t probe) const { return recorder().weight_record(probe); }
  /// The same records for a caller that takes their contents over without copying (moves the
  /// vectors out, e.g. into NumPy arrays); recording goes on into what it leaves.
  SpikeRecord& spike_record_mut(std::size_t probe) { return recorder().spike_record(probe); }
  StateRecord& state_record_mut(std::size_t probe) { return recorder().state_record(probe); }
  WeightRecord& weight_record_mut(std::size_t probe) { return recorder().weight_record(probe); }
  /// The synapses of a projection with their current weights, in the backend's order.
  virtual model::SynapseList synapses(std::size_t projection) const = 0;
  /// New weights in the order synapses() lists them.
  virtual void set_weights(std::size_t projection, const std::vector<double>& weights) = 0;
  /// Spikes per neuron since the last reset.
  virtual std::vector<std::uint64_t> spike_counts(std::size_t population) const = 0;
  /// Bytes of synapse storage the backend owns, divided by the number of synapses.
  virtual double bytes_per_synapse() const = 0;

  /// Plasticity at run time: learning on/off for a plastic projection; the global modulator of
  /// three-factor rules, as a value from the next step on or as a callback M(t_ms) asked every step
  /// (an empty callback returns to the value). Backends without plasticity throw UnsupportedError.
  virtual void set_learning(std::size_t projection, bool on);
  virtual void set_modulator(double modulator);
  virtual void set_modulator_callback(std::function<double(double t_ms)> callback);

  /// Checkpoints (docs/checkpoints.md): the backend's state in a form that continues bit for bit
  /// after load_state on a backend built from the same network. load_state checks everything before
  /// it changes anything. Backends without checkpoints throw UnsupportedError.
  virtual void save_state(core::StateWriter& out) const;
  virtual void load_state(core::StateReader& in);
};

/// Makes a backend for a validated network, given its names resolved (model::resolve).
using BackendFactory =
    std::function<std::unique_ptr<Backend>(const model::Network&, const model::Resolved&, const SimulatorOptions&)>;

/// Registers (or replaces) a backend under `name`, so later issues can add their backends.
void register_backend(std::string name, BackendFactory factory);
/// Registered backend names, sorted: "cpu", ...
std::vector<std::string> backend_names();
/// Builds backend options.backend; throws ValidationError listing the allowed names when unknown.
std::unique_ptr<Backend> make_backend(const model::Network& network, const model::Resolved& resolved,
                                      const SimulatorOptions& options);

}  // namespace spikeforge
