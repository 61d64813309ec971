// The event-driven CPU engine: neuron groups advanced clock-driven, spikes delivered through
// per-projection CSR stores into per-population delay rings, sources, currents and probes, run by
// P oneTBB threads that own target ranges and meet once per minimum delay (docs/engine.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <spikeforge/core/state_archive.hpp>
#include <spikeforge/engine/input_ring.hpp>
#include <spikeforge/engine/neuron_group.hpp>
#include <spikeforge/engine/plastic_store.hpp>
#include <spikeforge/engine/synapse_store.hpp>
#include <spikeforge/engine/threads.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/records.hpp>
#include <spikeforge/model/resolve.hpp>
#include <spikeforge/model/synapses.hpp>
#include <spikeforge/stimulus/recorder.hpp>

namespace spikeforge::engine {

struct FusedDrive;

class Engine {
public:
  /// Builds every group, synapse store, source and probe of `network` (which must already be
  /// valid: the Simulator calls model::validate first), its names as `resolved`
  /// (model::resolve(network)) gives them. `run_seed` keys the Poisson draws.
  /// `double_weights`: plastic projections in double precision (reference runs). `threads`: the
  /// number of partitions P, each run by one oneTBB task; 0 = automatic (auto_partitions());
  /// results do not depend on it.
  Engine(const model::Network& network, const model::Resolved& resolved, std::uint64_t run_seed,
         bool double_weights = false, std::size_t threads = 1);
  /// The same, resolving the names itself (for tests that build an engine without a Simulator).
  Engine(const model::Network& network, std::uint64_t run_seed, bool double_weights = false,
         std::size_t threads = 1);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  double dt() const noexcept { return dt_; }
  /// Steps done since construction or the last reset(); time() = steps() * dt().
  std::uint64_t steps() const noexcept { return step_; }
  double time() const noexcept { return static_cast<double>(step_) * dt_; }

  /// Advances by `n` steps.
  void run(std::uint64_t n);

  /// P for threads = 0: every core when a window holds at least 32768 neuron steps (the work that
  /// pays for the threads' two meetings per window), else 1.
  static std::size_t auto_partitions(std::size_t neurons, std::uint64_t window, std::size_t cores) noexcept;

  /// Partitions (threads) P the engine runs with.
  std::size_t threads() const noexcept { return parts_; }
  /// Longest window W in steps between two synchronisations of the threads: the minimum delay of
  /// every projection that is not a fused Poisson drive, capped at kMaxWindow; 1 while a state or
  /// weight probe exists. (A modulator callback also makes each window one step long.)
  std::uint64_t window_steps() const noexcept { return window_; }
  static constexpr std::uint64_t kMaxWindow = 64;
  /// Distinct OS threads that have run partition tasks since construction.
  std::size_t worker_threads_seen() const;
  /// Where the CPU time of run() went since construction, collected only when P > 1 and after
  /// collect_thread_stats(true) (thread CPU clocks, so preemption on a loaded machine does not
  /// count; each reading is a system call, four per partition and window, so they are off by
  /// default). With P idle cores a run takes about serial_s + critical_s plus the meetings, which
  /// are not counted; all the work on one core is serial_s + busy_s.
  struct ThreadStats {
    std::uint64_t windows = 0;
    double serial_s = 0.0;    ///< the serial parts of each window on the calling thread
    double busy_s = 0.0;      ///< summed over partitions: CPU time inside partition tasks
    double critical_s = 0.0;  ///< summed over phases: the CPU time of the slowest partition
  };
  const ThreadStats& thread_stats() const noexcept { return stats_; }
  void collect_thread_stats(bool on) noexcept { collect_stats_ = on; }
  /// Poisson sources whose only projection is a static one-to-one projection: each partition draws
  /// the generators of its own targets and adds their input directly (docs/engine.md).
  std::size_t fused_drives() const noexcept;
  /// True when population `population` receives its delayed input directly into the kernel's
  /// synaptic state after each step rather than through slot arrays (docs/engine.md "Input").
  bool direct_input(std::size_t population) const;
  /// Back to t = 0: initial state, empty delay rings and recordings, sources rewound.
  /// Synapses and their current weights stay.
  void reset();

  const model::SpikeRecord& spike_record(std::size_t probe) const { return recorder_.spike_record(probe); }
  const model::StateRecord& state_record(std::size_t probe) const { return recorder_.state_record(probe); }
  const model::WeightRecord& weight_record(std::size_t probe) const { return recorder_.weight_record(probe); }
  /// The probes and their records (the same Recorder the hardware backends use).
  const stimulus::Recorder& recorder() const noexcept { return recorder_; }
  stimulus::Recorder& recorder() noexcept { return recorder_; }

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

  /// Checkpoints (docs/checkpoints.md). save_state writes everything a continuation needs: time,
  /// neuron state and refractory periods, input in flight (delay rings, queued direct input),
  /// weights of every projection, plastic traces and switches, spike-time source positions,
  /// currents, spike counts and the modulator value; the probes' records are not part of it. The
  /// format does not depend on the thread count. load_state reads it into an engine built from
  /// the same network and options (any thread count), and checks every size first: on an Error
  /// nothing has changed.
  void save_state(core::StateWriter& out) const;
  void load_state(core::StateReader& in);

  /// Direct access for tests and tools.
  NeuronGroup& group(std::size_t population);

private:
  struct Population;
  struct Source;
  struct Projection;

  void build(const model::Network& network, const model::Resolved& resolved, std::uint64_t run_seed,
             bool double_weights);
  void set_initial_state();
  void choose_input(const std::vector<std::uint32_t>& ring_length);
  void find_fused_drives();
  void setup_partitions();
  void add_drives(Population& pop, std::uint64_t m, std::uint32_t begin, std::uint32_t end);
  void apply_currents(std::uint64_t step);
  bool currents_change(std::uint64_t step) const;
  std::uint64_t window_length(std::uint64_t first, std::uint64_t remaining) const;
  void emit_stamp0();
  void run_window(std::uint64_t first, std::uint64_t length);
  void advance_part(std::size_t part, std::uint64_t first, std::uint64_t length);
  void deliver_part(std::size_t part, std::uint64_t first, std::uint64_t length);
  void deliver(std::size_t part, const Projection& proj, std::uint32_t pre, double scale, std::uint64_t stamp);
  template <class F>
  void parallel(F&& body);
  void record_samples(std::uint64_t step);

  double dt_ = 0.1;
  std::size_t parts_ = 1;
  bool collect_stats_ = false;  // thread_stats(): clocks around every partition task and serial part
  bool auto_threads_ = false;  // threads = 0: parts_ chosen by auto_partitions() once the window is known
  std::uint64_t window_ = 1;
  std::vector<std::uint64_t> cut_steps_;  // sorted: no window may span one (rate schedule changes)
  std::vector<double> modulators_;        // per window step
  ThreadStats stats_;
  std::uint64_t step_ = 0;
  bool stamp0_emitted_ = false;
  bool any_plastic_ = false;
  double modulator_ = 0.0;
  std::function<double(double)> modulator_callback_;
  std::vector<Population> pops_;
  std::vector<Source> sources_;
  std::vector<Projection> projs_;
  stimulus::Recorder recorder_;
  std::vector<FusedDrive> fused_;
  std::unique_ptr<ThreadTeam> team_;
};

}  // namespace spikeforge::engine
