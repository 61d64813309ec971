#include <spikeforge/core/error.hpp>
#include <spikeforge/core/log.hpp>
#include <spikeforge/engine/engine.hpp>

#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <span>
#include <string>
#include <thread>

namespace spikeforge::engine {

namespace {
constexpr std::size_t kPrefetchRows = 32;  // rows of arriving direct input fetched before the step

/// Input on its way to a population with direct input: the storage range [begin, end) of
/// projection `projection` times `scale`, added after the step it arrives in; or, with
/// projection == kValue, `scale` added to neuron `begin` (additions made concrete because the
/// projection's weights changed while they were in flight).
struct PendingInput {
  static constexpr std::uint32_t kValue = ~std::uint32_t{0};
  std::uint32_t projection, begin, end, receptor;
  double scale;
};

/// Replaces the queued ranges of projection `projection` in `list` by the additions they stand for
/// (neuron, value), in place and order: after set_weights() they still add the weights they were
/// sent with.
void make_concrete(std::vector<PendingInput>& list, std::uint32_t projection, const SynapseStore& store) {
  const auto of_projection = [&](const PendingInput& in) { return in.projection == projection; };
  if (std::none_of(list.begin(), list.end(), of_projection)) return;
  std::vector<PendingInput> concrete;
  for (const PendingInput& in : list) {
    if (!of_projection(in)) {
      concrete.push_back(in);
      continue;
    }
    store.for_each_addition(in.begin, in.end, in.scale, [&](std::uint32_t target, double value) {
      concrete.push_back({PendingInput::kValue, target, target + 1, in.receptor, value});
    });
  }
  list = std::move(concrete);
}
}  // namespace

struct Engine::Population {
  std::string name;
  std::unique_ptr<NeuronGroup> group;
  // Delayed input arrives one of two ways (docs/engine.md "Input"). Through the ring: delivery
  // adds into the slot of the arrival step, the kernel consumes the slot. Direct (models with
  // input_state(), no plastic projection in): delivery queues the synapse ranges in `pending`
  // (per arrival slot and partition), and the partition adds them into the kernel's synaptic
  // state right after the arrival step, so the kernel reads and clears no slot arrays.
  InputRing ring;
  bool direct = false;
  std::size_t slots = 1;                                  // ring length (delays + 1)
  std::array<double*, InputRing::kReceptors> input{};     // direct: kernel state per receptor
  // direct: [part][slot]; each partition's lists in their own allocation (no false sharing)
  std::vector<std::vector<std::vector<PendingInput>>> pending;
  std::vector<CurrentInjection> currents;
  std::vector<double> applied;  // amplitude of each current now in i_ext (NaN: not yet applied)
  std::vector<double> i_ext;
  std::vector<std::pair<std::string, std::vector<double>>> initial;
  std::vector<std::uint32_t> bounds;       // P + 1 partition bounds: multiples of 16, then size
  std::vector<std::uint32_t> spiked;       // window step s: ids at [s * size, s * size + n_spiked[s])
  std::vector<std::uint32_t> part_spiked;  // [s * P + p]: spikes partition p wrote at s * size + bounds[p]
  std::vector<std::uint32_t> n_spiked;     // per window step, after the serial compaction
  std::vector<std::size_t> drives;         // fused_ entries feeding this population
  std::vector<std::size_t> outgoing;
  std::vector<std::size_t> spike_probes;
  std::vector<std::uint64_t> counts;

  std::size_t size() const noexcept { return counts.size(); }
  StepSpikes step_spikes(std::size_t s) const { return {spiked.data() + s * size(), nullptr, n_spiked[s]}; }
};

struct Engine::Source {
  std::string name;
  std::unique_ptr<PoissonGroup> poisson;
  std::unique_ptr<SpikeTimeGroup> times;
  std::vector<std::int64_t> change_steps;  // Poisson rate schedule, in steps
  bool fused = false;
  std::uint32_t fused_delay = 0;
  std::vector<std::uint32_t> bounds;  // P + 1 generator bounds
  std::vector<SourceSpikes> part;     // [s * P + p]: partition p's Poisson draws of window step s
  std::vector<SourceSpikes> spikes;   // window step s: the spikes stamped first + s + 1
  std::vector<std::size_t> outgoing;
  std::vector<std::size_t> spike_probes;
};

struct Engine::Projection {
  SynapseStore store;
  std::unique_ptr<PlasticProjection> plastic;  // set: the synapses live here, `store` is empty
  bool pre_is_source = false;
  bool fused = false;  // a FusedDrive delivers it; `store` keeps the synapses for listing
  std::size_t pre = 0, post = 0, receptor = 0;
  std::uint32_t min_delay = 0;  // steps; 0 for a projection without synapses
  bool into_ring = false;       // static store adding into its target's ring at emission
};

struct Engine::Probe {
  model::Probe::Kind kind = model::Probe::Kind::Spikes;
  std::size_t target = 0;
  std::vector<char> selected;  // spike probes on a subset: selected[id] != 0
  std::uint64_t interval = 1;  // steps between samples
  std::vector<std::span<double>> variables;
  SpikeRecord spikes;
  StateRecord state;
  WeightRecord weights;
};

// A Poisson source whose only projection is static one-to-one with a delay of one step
// (generator i -> neuron i): the partition owning neuron i draws generator i itself, so the
// drive needs no spike list, no delivery pass and no synchronisation.
struct Engine::FusedDrive {
  static constexpr std::uint64_t kNever = ~std::uint64_t{0};
  struct Weights {
    std::vector<double> w;  // per neuron: the stored float weight, as delivery would widen it
    bool finite = true;     // every weight finite: the branch-free addition is exact
  };
  std::size_t source = 0, projection = 0, receptor = 0;
  std::uint32_t delay = 1;
  Weights weights;
  // The stamp drawn in step m was emitted in step m - 1 by the delivered path, with the weights
  // in force then: after set_weights() between steps S - 1 and S, step S still uses these.
  Weights previous;
  std::uint64_t previous_step = kNever;
  std::vector<std::uint32_t> drawn;  // per neuron: this step's spike count (partitions write their own range)

  static Weights make(std::vector<double> w) {
    const bool finite = std::all_of(w.begin(), w.end(), [](double x) { return std::isfinite(x); });
    return {std::move(w), finite};
  }
  void set_weights(std::vector<double> w, std::uint64_t step) {
    if (previous_step != step) {  // a second call before any step keeps the weights the first one replaced
      previous = std::move(weights);
      previous_step = step;
    }
    weights = make(std::move(w));
  }
  const Weights& for_step(std::uint64_t m) const noexcept { return m == previous_step ? previous : weights; }
};

namespace {
/// CPU time of the calling thread: unlike wall time it does not count the time the thread was
/// preempted, so the statistics stay meaningful on a loaded machine.
double thread_cpu_seconds() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// One arena per concurrency for the whole process. oneTBB 2021 hands its worker threads to a
/// newly created arena only lazily after an earlier arena was destroyed (a second engine built
/// after the first ran single-handed in our tests), so engines share long-lived arenas instead.
/// More partitions than cores stay correct: the arena does not ask for threads that cannot run.
tbb::task_arena& shared_arena(std::size_t parts) {
  const int concurrency =
      static_cast<int>(std::min<std::size_t>(parts, std::max(1u, std::thread::hardware_concurrency())));
  static std::mutex mutex;
  static std::vector<std::pair<int, tbb::task_arena*>> arenas;  // never freed: live until exit
  std::lock_guard lock(mutex);
  for (const auto& [c, arena] : arenas) {
    if (c == concurrency) return *arena;
  }
  arenas.emplace_back(concurrency, new tbb::task_arena(concurrency));
  return *arenas.back().second;
}
}  // namespace

/// The threads of the engine. During run() they form a team: the calling thread and up to R - 1
/// oneTBB tasks in the engine's arena stay alive for the whole call and meet at each phase through
/// atomics (a spin, then yield, wait of well under a microsecond when the threads are running),
/// where a oneTBB parallel_for per phase woke sleeping workers at ~5 us per meeting. A phase is
/// P partition tasks; runner r claims its own (p mod R == r) first; the caller takes any that no
/// runner claimed after a while, so the run completes even when a task never starts or a thread
/// is descheduled. A partition's result does not depend on the thread that ran it.
struct Engine::Threads {
  explicit Threads(std::size_t parts)
      : arena(shared_arena(parts)), last(parts), seconds(parts, 0.0),
        claimed(std::make_unique<Claim[]>(parts)), parts(parts) {}
  tbb::task_arena& arena;
  std::mutex mutex;
  std::vector<std::thread::id> last;  // per partition: the thread that ran it last
  std::vector<std::thread::id> seen;
  std::vector<double> seconds;        // per partition: time inside the current phase

  // The team (run()).
  // Each on its own cache line: the threads write them from different cores.
  struct alignas(64) Claim {
    std::atomic<std::uint64_t> phase{0};
  };
  std::unique_ptr<Claim[]> claimed;                 // per partition: the phase that claimed it
  alignas(64) std::atomic<std::uint64_t> phase{0};  // published phase number (0: none yet)
  alignas(64) std::atomic<std::size_t> done{0};     // partitions finished in the current phase
  alignas(64) std::atomic<bool> stop{false};
  void (*task)(void*, std::size_t) = nullptr;  // the current phase's partition task
  void* context = nullptr;
  std::size_t parts = 1, runners = 1;
  std::mutex error_mutex;
  std::exception_ptr error;  // the first exception a partition task threw in this phase

  /// One wait of a spinning thread: `pause` first (a meeting is usually over within a few hundred
  /// of them), then yield the core, and after ~10^5 waits (a long serial part such as a slow
  /// modulator callback, or more threads than free cores) sleep 50 us at a time.
  static void relax(std::size_t& spins) noexcept {
    if (++spins < 2048) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    } else if (spins < 100000) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  /// Runs partition p of phase `ph` unless another runner has claimed it.
  bool try_run(std::size_t p, std::uint64_t ph) noexcept {
    std::uint64_t v = claimed[p].phase.load(std::memory_order_acquire);
    if (v >= ph || !claimed[p].phase.compare_exchange_strong(v, ph, std::memory_order_acq_rel)) return false;
    try {
      task(context, p);
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
    }
    done.fetch_add(1, std::memory_order_acq_rel);
    return true;
  }
  /// A oneTBB task's loop: wait for each new phase, run this runner's partitions.
  void worker(std::size_t r, std::uint64_t seen_phase) noexcept {
    for (;;) {
      std::size_t spins = 0;
      std::uint64_t ph = phase.load(std::memory_order_acquire);
      while (ph == seen_phase) {
        if (stop.load(std::memory_order_acquire)) return;
        relax(spins);
        ph = phase.load(std::memory_order_acquire);
      }
      seen_phase = ph;
      for (std::size_t p = r; p < parts; p += runners) try_run(p, ph);
    }
  }
  /// The caller's part of a phase: publish it, run its own partitions, take over unclaimed ones
  /// after a while, wait for all.
  void run_phase(void (*t)(void*, std::size_t), void* c) {
    task = t;
    context = c;
    done.store(0, std::memory_order_relaxed);
    const std::uint64_t ph = phase.load(std::memory_order_relaxed) + 1;
    phase.store(ph, std::memory_order_release);
    for (std::size_t p = 0; p < parts; p += runners) try_run(p, ph);
    std::size_t spins = 0;
    while (done.load(std::memory_order_acquire) < parts) {
      if (spins > 4096) {
        for (std::size_t p = 0; p < parts; ++p) try_run(p, ph);
      }
      relax(spins);
    }
    if (error) {
      std::exception_ptr e = error;
      error = nullptr;
      std::rethrow_exception(e);
    }
  }
};

namespace {
std::string quoted(const std::string& s) { return "'" + s + "'"; }
}  // namespace

Engine::Engine(const model::Network& network, std::uint64_t run_seed, bool double_weights, std::size_t threads) {
  auto_threads_ = threads == 0;
  parts_ = auto_threads_ ? 1 : threads;
  build(network, run_seed, double_weights);
}

std::size_t Engine::auto_partitions(std::size_t neurons, std::uint64_t window, std::size_t cores) noexcept {
  // Threads meet twice per window; on this kind of machine a meeting costs ~5-10 us, about the
  // time one thread needs for 10^4 neuron steps, so a network with less work than kAutoWork
  // neuron steps per window runs faster on one thread (COBA 4k, one-step windows: 2 threads were
  // 2.2x slower). Results do not depend on the choice.
  constexpr std::uint64_t kAutoWork = 32768;
  if (cores <= 1 || static_cast<std::uint64_t>(neurons) * window < kAutoWork) return 1;
  return cores;
}
Engine::~Engine() = default;

NeuronGroup& Engine::group(std::size_t population) { return *pops_.at(population).group; }

void Engine::build(const model::Network& net, std::uint64_t run_seed, bool double_weights) {
  const auto t0 = std::chrono::steady_clock::now();
  dt_ = net.dt;
  if (!(dt_ > 0.0) || !std::isfinite(dt_)) throw Error("engine: dt must be > 0 ms");

  pops_.resize(net.populations.size());
  for (std::size_t p = 0; p < net.populations.size(); ++p) {
    const auto& desc = net.populations[p];
    auto& pop = pops_[p];
    pop.name = desc.name;
    neurons::ParameterSet params;
    for (std::string_view name : kernel_parameter_names(desc.model)) {
      params.emplace(std::string(name), model::population_values(net, p, std::string(name), false));
    }
    if (params.empty()) throw Error("engine: population " + quoted(desc.name) + ": no kernel for model " + quoted(desc.model));
    pop.group = make_neuron_group(desc.model, params, dt_);
    for (std::string_view var : pop.group->state_names()) {
      pop.initial.emplace_back(std::string(var), model::population_values(net, p, std::string(var), true));
    }
    pop.counts.assign(desc.size, 0);
  }

  std::uint64_t stream = 0;
  sources_.resize(net.spike_sources.size());
  for (std::size_t s = 0; s < net.spike_sources.size(); ++s) {
    const auto& desc = net.spike_sources[s];
    auto& src = sources_[s];
    src.name = desc.name;
    if (desc.kind == model::SpikeSource::Kind::Poisson) {
      src.poisson = std::make_unique<PoissonGroup>(model::spike_source_rates(net, s), desc.rate_times, desc.rate_values,
                                                   dt_, run_seed, stream);
      for (double t : desc.rate_times) src.change_steps.push_back(to_step(t, dt_));
    } else {
      src.times = std::make_unique<SpikeTimeGroup>(desc.spike_times, dt_);
    }
    stream += desc.size;
  }

  auto find_pop = [&](const std::string& name) -> std::ptrdiff_t {
    for (std::size_t p = 0; p < net.populations.size(); ++p) if (net.populations[p].name == name) return static_cast<std::ptrdiff_t>(p);
    return -1;
  };
  auto find_src = [&](const std::string& name) -> std::ptrdiff_t {
    for (std::size_t s = 0; s < net.spike_sources.size(); ++s) if (net.spike_sources[s].name == name) return static_cast<std::ptrdiff_t>(s);
    return -1;
  };

  std::vector<std::uint32_t> ring_length(pops_.size(), 1);
  projs_.resize(net.projections.size());
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    const auto& desc = net.projections[j];
    auto& proj = projs_[j];
    const std::ptrdiff_t post = find_pop(desc.post);
    std::ptrdiff_t pre = find_pop(desc.pre);
    proj.pre_is_source = pre < 0;
    if (pre < 0) pre = find_src(desc.pre);
    if (post < 0 || pre < 0) throw Error("engine: projection " + quoted(desc.name) + ": unknown pre or post group");
    proj.pre = static_cast<std::size_t>(pre);
    proj.post = static_cast<std::size_t>(post);
    proj.receptor = desc.receptor == "inhibitory" ? 1 : 0;
    const std::uint32_t n_pre = proj.pre_is_source ? net.spike_sources[proj.pre].size : net.populations[proj.pre].size;
    const std::uint32_t n_post = net.populations[proj.post].size;

    model::SynapseList syn = model::build_synapses(net, j);
    std::vector<std::uint32_t> delay_steps(syn.size());
    for (std::size_t k = 0; k < syn.size(); ++k) {
      const std::int64_t d = to_step(syn.delay[k], dt_);
      if (d < 1) {
        throw Error("engine: projection " + quoted(desc.name) + ": delay " + std::to_string(syn.delay[k]) +
                    " ms is below one step (" + std::to_string(dt_) + " ms)");
      }
      delay_steps[k] = static_cast<std::uint32_t>(std::min<std::int64_t>(d, std::numeric_limits<std::uint32_t>::max()));
    }
    if (!delay_steps.empty()) proj.min_delay = *std::min_element(delay_steps.begin(), delay_steps.end());
    if (desc.plasticity) {
      proj.plastic = make_plastic_projection(*desc.plasticity, dt_, n_pre, n_post, syn.pre, syn.post, syn.weight,
                                             delay_steps, double_weights);
      any_plastic_ = true;
    } else {
      proj.store = SynapseStore(n_pre, n_post, syn.pre, syn.post, syn.weight, delay_steps);
    }
    const std::uint32_t max_delay = proj.plastic ? proj.plastic->max_delay() : proj.store.max_delay();
    ring_length[proj.post] = std::max(ring_length[proj.post], max_delay + 1);
    (proj.pre_is_source ? sources_[proj.pre].outgoing : pops_[proj.pre].outgoing).push_back(j);
  }
  for (std::size_t p = 0; p < pops_.size(); ++p) {
    Population& pop = pops_[p];
    const bool plastic_in = std::any_of(projs_.begin(), projs_.end(), [&](const Projection& proj) {
      return proj.post == p && proj.plastic != nullptr;
    });
    // A plastic store delivers into the ring itself (its weights change after emission).
    pop.direct = !plastic_in && pop.group->direct_input(0) != nullptr;
    pop.slots = ring_length[p];
    if (pop.direct) {
      for (std::size_t r = 0; r < InputRing::kReceptors; ++r) pop.input[r] = pop.group->direct_input(r);
    } else {
      pop.ring = InputRing(pop.group->size(), ring_length[p]);
    }
  }
  for (auto& proj : projs_) proj.into_ring = !proj.plastic && !pops_[proj.post].direct;

  for (const auto& c : net.current_sources) {
    const std::ptrdiff_t p = find_pop(c.target);
    if (p < 0) throw Error("engine: current source " + quoted(c.name) + ": unknown population " + quoted(c.target));
    auto& pop = pops_[static_cast<std::size_t>(p)];
    for (std::uint32_t id : c.neurons) {
      if (id >= pop.group->size()) {
        throw Error("engine: current source " + quoted(c.name) + ": neuron " + std::to_string(id) + " outside " +
                    quoted(c.target) + " (" + std::to_string(pop.group->size()) + " neurons)");
      }
    }
    pop.currents.push_back(c.kind == model::CurrentSource::Kind::DC
                               ? CurrentInjection::dc(c.neurons, c.amplitude, c.start, c.stop, dt_)
                               : CurrentInjection::steps(c.neurons, c.times, c.amplitudes, dt_));
  }
  for (auto& pop : pops_) {
    if (!pop.currents.empty()) pop.i_ext.assign(pop.group->size(), 0.0);
  }

  probes_.resize(net.probes.size());
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    const auto& desc = net.probes[q];
    auto& probe = probes_[q];
    probe.kind = desc.kind;
    probe.interval = static_cast<std::uint64_t>(std::max<std::int64_t>(1, to_step(desc.interval, dt_)));
    if (desc.kind == model::Probe::Kind::Spikes) {
      const std::ptrdiff_t p = find_pop(desc.target);
      const std::ptrdiff_t s = p < 0 ? find_src(desc.target) : -1;
      if (p < 0 && s < 0) throw Error("engine: probe " + quoted(desc.name) + ": unknown target " + quoted(desc.target));
      const std::size_t size = p >= 0 ? net.populations[static_cast<std::size_t>(p)].size
                                      : net.spike_sources[static_cast<std::size_t>(s)].size;
      if (!desc.neurons.empty()) {
        probe.selected.assign(size, 0);
        for (std::uint32_t id : desc.neurons) {
          if (id >= size) throw Error("engine: probe " + quoted(desc.name) + ": neuron " + std::to_string(id) + " out of range");
          probe.selected[id] = 1;
        }
      }
      if (p >= 0) { probe.target = static_cast<std::size_t>(p); pops_[probe.target].spike_probes.push_back(q); }
      else { probe.target = static_cast<std::size_t>(s); sources_[probe.target].spike_probes.push_back(q); }
    } else if (desc.kind == model::Probe::Kind::State) {
      const std::ptrdiff_t p = find_pop(desc.target);
      if (p < 0) throw Error("engine: probe " + quoted(desc.name) + ": unknown population " + quoted(desc.target));
      probe.target = static_cast<std::size_t>(p);
      NeuronGroup& g = *pops_[probe.target].group;
      probe.state.variables = desc.variables;
      probe.state.neurons = desc.neurons;
      if (probe.state.neurons.empty()) {
        probe.state.neurons.resize(g.size());
        std::iota(probe.state.neurons.begin(), probe.state.neurons.end(), 0u);
      }
      for (std::uint32_t id : probe.state.neurons) {
        if (id >= g.size()) throw Error("engine: probe " + quoted(desc.name) + ": neuron " + std::to_string(id) + " out of range");
      }
      for (const auto& var : desc.variables) probe.variables.push_back(g.state(var));
      probe.state.values.resize(desc.variables.size());
    } else {
      const auto* proj = net.find_projection(desc.target);
      if (!proj) throw Error("engine: probe " + quoted(desc.name) + ": unknown projection " + quoted(desc.target));
      probe.target = static_cast<std::size_t>(proj - net.projections.data());
    }
  }

  // Fused drives: a Poisson source nobody records whose one projection is static one-to-one.
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    Source& src = sources_[s];
    if (!src.poisson || src.outgoing.size() != 1 || !src.spike_probes.empty()) continue;
    const std::size_t j = src.outgoing.front();
    Projection& proj = projs_[j];
    const std::size_t n = src.poisson->size();
    if (proj.plastic || proj.store.size() != n || pops_[proj.post].size() != n || n == 0 ||
        proj.store.max_delay() != 1) {
      continue;
    }
    std::vector<std::uint32_t> pre, post, delay;
    std::vector<double> weight;
    proj.store.list(pre, post, weight, delay);
    bool one_to_one = true;
    for (std::size_t k = 0; k < n && one_to_one; ++k) one_to_one = pre[k] == k && post[k] == k;
    if (!one_to_one) continue;
    src.fused = proj.fused = true;
    src.fused_delay = proj.store.min_delay();
    pops_[proj.post].drives.push_back(fused_.size());
    FusedDrive drive;
    drive.source = s;
    drive.projection = j;
    drive.receptor = proj.receptor;
    drive.delay = proj.store.min_delay();
    drive.drawn.assign(n, 0);
    drive.weights = FusedDrive::make(std::move(weight));
    fused_.push_back(std::move(drive));
  }

  // Threads meet once per window: no spike of a window may be due inside it.
  window_ = kMaxWindow;
  for (const auto& proj : projs_) {
    if (!proj.fused && proj.min_delay > 0) window_ = std::min<std::uint64_t>(window_, proj.min_delay);
  }
  for (const auto& probe : probes_) {
    if (probe.kind != model::Probe::Kind::Spikes) window_ = 1;  // sampled between steps, serially
  }
  // A rate change must fall on a window boundary, so one prepare() serves a whole window.
  for (const auto& src : sources_) {
    // A fused drive draws stamp m - d + 1 in step m: its schedule reaches the window d steps later.
    const std::int64_t shift = src.fused ? static_cast<std::int64_t>(src.fused_delay) : 0;
    for (std::int64_t c : src.change_steps) {
      if (c + shift > 0) cut_steps_.push_back(static_cast<std::uint64_t>(c + shift));
    }
  }
  std::sort(cut_steps_.begin(), cut_steps_.end());
  cut_steps_.erase(std::unique(cut_steps_.begin(), cut_steps_.end()), cut_steps_.end());
  if (auto_threads_) {
    std::size_t neurons = 0;
    for (const auto& pop : pops_) neurons += pop.size();
    parts_ = auto_partitions(neurons, window_, std::max(1u, std::thread::hardware_concurrency()));
  }
  setup_partitions();

  set_initial_state();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  logger().debug("engine: built {} populations, {} sources, {} projections ({} synapses, {:.2f} B/synapse) in {:.3f} s; "
                 "{} threads, window {} steps, {} fused drives",
                 pops_.size(), sources_.size(), projs_.size(), synapse_count(), bytes_per_synapse(), seconds, parts_,
                 window_, fused_.size());
}

namespace {
/// P + 1 bounds splitting n into P contiguous ranges whose starts are multiples of 16 (SIMD packs).
std::vector<std::uint32_t> split(std::size_t n, std::size_t parts) {
  const std::size_t chunk = ((n + parts - 1) / parts + 15) / 16 * 16;
  std::vector<std::uint32_t> bounds(parts + 1);
  for (std::size_t p = 0; p <= parts; ++p) bounds[p] = static_cast<std::uint32_t>(std::min(n, p * chunk));
  bounds[parts] = static_cast<std::uint32_t>(n);
  return bounds;
}
}  // namespace

void Engine::setup_partitions() {
  const std::size_t w = static_cast<std::size_t>(window_);
  for (auto& pop : pops_) {
    pop.bounds = split(pop.size(), parts_);
    pop.pending.assign(pop.direct ? parts_ : 0, std::vector<std::vector<PendingInput>>(pop.slots));
    pop.spiked.assign(w * pop.size(), 0);
    pop.part_spiked.assign(w * parts_, 0);
    pop.n_spiked.assign(w, 0);
  }
  for (auto& src : sources_) {
    const std::size_t n = src.poisson ? src.poisson->size() : src.times->size();
    src.bounds = split(n, parts_);
    src.part.assign(src.poisson && !src.fused ? w * parts_ : 0, SourceSpikes{});
    src.spikes.assign(w, SourceSpikes{});
  }
  for (auto& proj : projs_) {
    if (proj.plastic) proj.plastic->set_partitions(pops_[proj.post].bounds);
    else if (!proj.fused) proj.store.set_partitions(pops_[proj.post].bounds);
  }
  modulators_.assign(w, 0.0);
  threads_ = std::make_unique<Threads>(parts_);
}

void Engine::set_initial_state() {
  for (auto& pop : pops_) {
    for (const auto& [name, values] : pop.initial) {
      auto target = pop.group->state(name);
      std::copy(values.begin(), values.end(), target.begin());
    }
    pop.group->clear_refractory();
    pop.ring.clear();
    for (auto& lists : pop.pending) {
      for (auto& list : lists) list.clear();
    }
    pop.applied.assign(pop.currents.size(), std::numeric_limits<double>::quiet_NaN());
    std::fill(pop.n_spiked.begin(), pop.n_spiked.end(), 0u);
    std::fill(pop.counts.begin(), pop.counts.end(), 0);
  }
  for (auto& src : sources_) {
    if (src.times) src.times->rewind();
    for (auto& spikes : src.spikes) spikes.clear();
  }
  for (auto& proj : projs_) {
    if (proj.plastic) proj.plastic->reset_state();
  }
  for (auto& drive : fused_) drive.previous_step = FusedDrive::kNever;  // nothing in flight at t = 0
  for (auto& probe : probes_) {
    probe.spikes.clear();
    probe.state.clear();
    probe.weights.clear();
  }
  step_ = 0;
  stamp0_emitted_ = false;
}

void Engine::reset() {
  set_initial_state();
  logger().debug("engine: reset to t = 0");
}

std::size_t Engine::fused_drives() const noexcept { return fused_.size(); }

bool Engine::direct_input(std::size_t population) const { return pops_.at(population).direct; }

std::size_t Engine::worker_threads_seen() const {
  std::lock_guard lock(threads_->mutex);
  return threads_->seen.size();
}

template <class F>
void Engine::parallel(F&& body) {
  Threads& t = *threads_;
  auto run_part = [&](std::size_t part) {
    const bool clocks = parts_ > 1 && collect_stats_;
    const double start = clocks ? thread_cpu_seconds() : 0.0;
    const std::thread::id self = std::this_thread::get_id();
    if (t.last[part] != self) {
      t.last[part] = self;
      std::lock_guard lock(t.mutex);
      if (std::find(t.seen.begin(), t.seen.end(), self) == t.seen.end()) t.seen.push_back(self);
    }
    body(part);
    if (clocks) t.seconds[part] = thread_cpu_seconds() - start;
  };
  if (parts_ == 1) {  // inline: no arena, no task, no clocks
    run_part(0);
    return;
  }
  // P > 1: only inside run(), whose team runs the phase.
  using RunPart = decltype(run_part);
  t.run_phase([](void* c, std::size_t part) { (*static_cast<RunPart*>(c))(part); }, &run_part);
  if (collect_stats_) {
    stats_.busy_s += std::accumulate(t.seconds.begin(), t.seconds.end(), 0.0);
    stats_.critical_s += *std::max_element(t.seconds.begin(), t.seconds.end());
  }
}

void Engine::apply_currents(std::uint64_t step) {
  for (auto& pop : pops_) {
    if (pop.currents.empty()) continue;
    bool changed = false;
    for (std::size_t c = 0; c < pop.currents.size(); ++c) {
      const double a = pop.currents[c].amplitude(static_cast<std::int64_t>(step));
      if (!(a == pop.applied[c])) { pop.applied[c] = a; changed = true; }
    }
    if (!changed) continue;
    // Rebuilt from scratch, not adjusted by differences, so the values never drift by rounding.
    std::fill(pop.i_ext.begin(), pop.i_ext.end(), 0.0);
    for (std::size_t c = 0; c < pop.currents.size(); ++c) {
      const auto& ids = pop.currents[c].neurons();
      if (ids.empty()) {
        for (double& i : pop.i_ext) i += pop.applied[c];
      } else {
        for (std::uint32_t id : ids) pop.i_ext[id] += pop.applied[c];
      }
    }
  }
}

bool Engine::currents_change(std::uint64_t step) const {
  for (const auto& pop : pops_) {
    for (std::size_t c = 0; c < pop.currents.size(); ++c) {
      if (!(pop.currents[c].amplitude(static_cast<std::int64_t>(step)) == pop.applied[c])) return true;
    }
  }
  return false;
}

std::uint64_t Engine::window_length(std::uint64_t first, std::uint64_t remaining) const {
  std::uint64_t length = std::min(window_, remaining);
  // The callback is asked once per step, in step order, on the calling thread.
  if (any_plastic_ && modulator_callback_) length = 1;
  const auto cut = std::upper_bound(cut_steps_.begin(), cut_steps_.end(), first);
  if (cut != cut_steps_.end() && *cut < first + length) length = *cut - first;
  // i_ext is shared by the partitions: it may only change between windows.
  for (std::uint64_t m = first + 1; m < first + length; ++m) {
    if (currents_change(m)) return m - first;
  }
  return length;
}

void Engine::deliver(std::size_t part, const Projection& proj, std::uint32_t pre, double scale, std::uint64_t stamp) {
  Population& post = pops_[proj.post];
  const std::uint32_t lo = post.bounds[part], hi = post.bounds[part + 1];
  if (lo == hi) return;
  InputRing& ring = post.ring;
  const std::size_t receptor = proj.receptor;
  // A spike stamped t_s with delay d steps takes effect at t_{s+d}: it is consumed by step s+d-1.
  if (proj.plastic) {
    proj.plastic->deliver(pre, scale, ring, receptor, stamp, PostRange{lo, hi, part});
    return;
  }
  if (post.direct) {
    const auto projection = static_cast<std::uint32_t>(&proj - projs_.data());
    proj.store.ranges_part(pre, part, [&](std::uint32_t b, std::uint32_t e, std::uint32_t delay) {
      const std::size_t slot = static_cast<std::size_t>((stamp + delay - 1) % post.slots);
      post.pending[part][slot].push_back({projection, b, e, static_cast<std::uint32_t>(receptor), scale});
    });
    return;
  }
  proj.store.deliver_part(pre, scale, part, [&](std::uint32_t delay) { return ring.slot(stamp + delay - 1, receptor); });
}

void Engine::record_spikes(bool is_source, std::size_t index, double time, const std::uint32_t* ids,
                           const std::uint32_t* counts, std::size_t n) {
  const auto& probe_ids = is_source ? sources_[index].spike_probes : pops_[index].spike_probes;
  for (std::size_t q : probe_ids) {
    Probe& probe = probes_[q];
    for (std::size_t k = 0; k < n; ++k) {
      if (!probe.selected.empty() && !probe.selected[ids[k]]) continue;
      const std::uint32_t c = counts ? counts[k] : 1;
      for (std::uint32_t r = 0; r < c; ++r) {
        probe.spikes.times.push_back(time);
        probe.spikes.ids.push_back(ids[k]);
      }
    }
  }
}

void Engine::emit_stamp0() {
  // Spike times that round to t = 0 (Poisson stamps cover the step before them, so none at 0).
  bool any = false;
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    Source& src = sources_[s];
    src.spikes[0].clear();
    if (!src.times) continue;
    src.times->emit(0, src.spikes[0]);
    const std::size_t n = src.spikes[0].ids.size();
    record_spikes(true, s, 0.0, src.spikes[0].ids.data(), src.spikes[0].counts.data(), n);
    any = any || (n > 0 && !src.outgoing.empty());
  }
  if (!any) return;
  // Partition by partition on this thread: every accumulator still sees the same additions in order.
  for (std::size_t part = 0; part < parts_; ++part) {
    for (const Source& src : sources_) {
      const SourceSpikes& sp = src.spikes[0];
      for (std::size_t j : src.outgoing) {
        for (std::size_t k = 0; k < sp.ids.size(); ++k) deliver(part, projs_[j], sp.ids[k], static_cast<double>(sp.counts[k]), 0);
      }
    }
  }
}

void Engine::record_samples(std::uint64_t step) {
  const double time = static_cast<double>(step) * dt_;
  for (auto& probe : probes_) {
    if (probe.kind == model::Probe::Kind::Spikes || step % probe.interval != 0) continue;
    if (probe.kind == model::Probe::Kind::State) {
      probe.state.times.push_back(time);
      for (std::size_t v = 0; v < probe.variables.size(); ++v) {
        auto& out = probe.state.values[v];
        const std::span<double> var = probe.variables[v];
        for (std::uint32_t id : probe.state.neurons) out.push_back(var[id]);
      }
    } else {
      probe.weights.times.push_back(time);
      const Projection& proj = projs_[probe.target];
      probe.weights.weights.push_back(proj.plastic ? proj.plastic->weights() : proj.store.weights());
    }
  }
}

void Engine::run(std::uint64_t n) {
  if (n == 0) return;
  if (!stamp0_emitted_) {
    emit_stamp0();
    stamp0_emitted_ = true;
  }
  const std::uint64_t last = step_ + n;
  auto windows = [&] {
    while (step_ < last) {
      const std::uint64_t first = step_;
      if (window_ == 1) record_samples(first);  // state and weight probes force one-step windows
      apply_currents(first);
      const std::uint64_t length = window_length(first, last - first);
      run_window(first, length);
      step_ = first + length;
      ++stats_.windows;
    }
  };
  if (parts_ == 1) {
    windows();
    return;
  }
  // The team lives for this call (Engine::Threads): the caller runs the serial parts and its share
  // of each phase; R - 1 oneTBB tasks run the rest.
  Threads& t = *threads_;
  t.runners = std::min<std::size_t>(parts_, static_cast<std::size_t>(std::max(1, t.arena.max_concurrency())));
  t.stop.store(false, std::memory_order_relaxed);
  t.arena.execute([&] {
    tbb::task_group tasks;
    const std::uint64_t start = t.phase.load(std::memory_order_relaxed);
    for (std::size_t r = 1; r < t.runners; ++r) tasks.run([&t, r, start] { t.worker(r, start); });
    try {
      windows();
    } catch (...) {
      t.stop.store(true, std::memory_order_release);
      tasks.wait();
      throw;
    }
    t.stop.store(true, std::memory_order_release);
    tasks.wait();
  });
}

// Phase A (parallel), the serial exchange, then phase B (parallel); docs/engine.md.
void Engine::run_window(std::uint64_t first, std::uint64_t length) {
  const bool clocks = parts_ > 1 && collect_stats_;
  double serial_start = clocks ? thread_cpu_seconds() : 0.0;
  for (Source& src : sources_) {
    if (src.poisson) {
      // The stamps drawn in this window share one rate segment (cut_steps_); prepare for the first.
      const std::uint64_t d = src.fused ? src.fused_delay : 0;
      src.poisson->prepare(first >= d ? first - d + 1 : 1);
    } else {
      for (std::uint64_t s = 0; s < length; ++s) {
        src.spikes[s].clear();
        src.times->emit(first + s + 1, src.spikes[s]);
      }
    }
  }

  if (clocks) stats_.serial_s += thread_cpu_seconds() - serial_start;
  parallel([&](std::size_t part) { advance_part(part, first, length); });
  if (clocks) serial_start = thread_cpu_seconds();

  for (std::uint64_t s = 0; s < length; ++s) {
    const double time = static_cast<double>(first + s + 1) * dt_;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      Source& src = sources_[i];
      if (src.poisson && !src.fused) {
        SourceSpikes& out = src.spikes[s];
        if (parts_ == 1) {
          std::swap(out, src.part[s]);
        } else {
          out.clear();
          for (std::size_t part = 0; part < parts_; ++part) {
            const SourceSpikes& in = src.part[s * parts_ + part];
            out.ids.insert(out.ids.end(), in.ids.begin(), in.ids.end());
            out.counts.insert(out.counts.end(), in.counts.begin(), in.counts.end());
          }
        }
      }
      const SourceSpikes& sp = src.spikes[s];
      if (!src.spike_probes.empty()) record_spikes(true, i, time, sp.ids.data(), sp.counts.data(), sp.ids.size());
    }
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      Population& pop = pops_[p];
      // Partition order is increasing neuron order: the list comes out as one thread writes it.
      std::uint32_t* base = pop.spiked.data() + s * pop.size();
      std::size_t count = 0;
      for (std::size_t part = 0; part < parts_; ++part) {
        const std::size_t c = pop.part_spiked[s * parts_ + part];
        const std::uint32_t* from = base + pop.bounds[part];
        if (c > 0 && from != base + count) std::memmove(base + count, from, c * sizeof(std::uint32_t));
        count += c;
      }
      pop.n_spiked[s] = static_cast<std::uint32_t>(count);
      if (count > 0 && !pop.spike_probes.empty()) record_spikes(false, p, time, base, nullptr, count);
    }
    if (any_plastic_) modulators_[s] = modulator_callback_ ? modulator_callback_(time) : modulator_;
  }

  if (clocks) stats_.serial_s += thread_cpu_seconds() - serial_start;
  parallel([&](std::size_t part) { deliver_part(part, first, length); });
}

// The fused Poisson drives of `pop` for step m over neurons [begin, end): into slot m just before
// the kernel consumes it (ring), or into the kernel's synaptic state right after the step (direct).
void Engine::add_drives(Population& pop, std::uint64_t m, std::uint32_t begin, std::uint32_t end) {
  for (std::size_t f : pop.drives) {
    FusedDrive& drive = fused_[f];
    if (m < drive.delay) continue;  // stamp m - d + 1 must be >= 1
    std::uint32_t* __restrict count = drive.drawn.data();
    sources_[drive.source].poisson->counts(m - drive.delay + 1, begin, end, count);
    const FusedDrive::Weights& weights = drive.for_step(m);
    const double* __restrict w = weights.w.data();
    if (pop.direct) {
      // A select, not w * 0 added: the state may be -0.0, which adding +0.0 would change.
      double* __restrict x = pop.input[drive.receptor];
      for (std::size_t k = begin; k < end; ++k) {
        const double sum = x[k] + w[k] * static_cast<double>(count[k]);
        x[k] = count[k] != 0 ? sum : x[k];
      }
      continue;
    }
    // Branch-free: a generator without a spike adds w * 0 = +0.0, which changes no accumulator
    // (sums that start at +0.0 never become -0.0), so this equals delivering only the spikes;
    // a weight beyond float range (inf * 0 = NaN) takes the branch.
    double* __restrict slot = pop.ring.slot(m, drive.receptor);
    if (weights.finite) {
      for (std::size_t k = begin; k < end; ++k) slot[k] += w[k] * static_cast<double>(count[k]);
    } else {
      for (std::size_t k = begin; k < end; ++k) {
        if (count[k] != 0) slot[k] += w[k] * static_cast<double>(count[k]);
      }
    }
  }
}

void Engine::advance_part(std::size_t part, std::uint64_t first, std::uint64_t length) {
  for (std::uint64_t s = 0; s < length; ++s) {
    const std::uint64_t m = first + s;
    for (Population& pop : pops_) {
      const std::uint32_t begin = pop.bounds[part], end = pop.bounds[part + 1];
      const double* i_ext = pop.i_ext.empty() ? nullptr : pop.i_ext.data();
      std::uint32_t* out = pop.spiked.data() + s * pop.size() + begin;
      std::size_t count = 0;
      if (pop.direct) {
        // The step without input slots, then the input arriving at its end, in the order it was
        // sent (partition by partition the same additions per neuron), then the fused drives.
        std::vector<PendingInput>& arriving = pop.pending[part][static_cast<std::size_t>(m % pop.slots)];
        // Short rows are bound by the latency of their first lines: ask for them before the step.
        for (std::size_t k = 0; k < std::min<std::size_t>(arriving.size(), kPrefetchRows); ++k) {
          const PendingInput& in = arriving[k];
          if (in.projection != PendingInput::kValue) projs_[in.projection].store.prefetch_range(in.begin, in.end);
        }
        if (begin < end) count = pop.group->step_range(m, begin, end, nullptr, nullptr, i_ext, out);
        for (const PendingInput& in : arriving) {
          double* target = pop.input[in.receptor];
          if (in.projection == PendingInput::kValue) target[in.begin] += in.scale;
          else projs_[in.projection].store.add_range(in.begin, in.end, in.scale, target);
        }
        arriving.clear();
        add_drives(pop, m, begin, end);
      } else {
        add_drives(pop, m, begin, end);
        // The kernel leaves the consumed slot +0.0 over [begin, end): no separate clear pass.
        if (begin < end) count = pop.group->step_range(m, begin, end, pop.ring.slot(m, 0), pop.ring.slot(m, 1), i_ext, out);
      }
      for (std::size_t k = 0; k < count; ++k) ++pop.counts[out[k]];
      pop.part_spiked[s * parts_ + part] = static_cast<std::uint32_t>(count);
    }
    for (Source& src : sources_) {
      if (!src.poisson || src.fused) continue;
      SourceSpikes& out = src.part[s * parts_ + part];
      out.clear();
      src.poisson->emit(m + 1, out, src.bounds[part], src.bounds[part + 1]);
    }
  }
}

void Engine::deliver_part(std::size_t part, std::uint64_t first, std::uint64_t length) {
  for (std::uint64_t s = 0; s < length; ++s) {
    const std::uint64_t stamp = first + s + 1;
    for (const Source& src : sources_) {
      if (src.fused) continue;
      const SourceSpikes& sp = src.spikes[s];
      for (std::size_t j : src.outgoing) {
        for (std::size_t k = 0; k < sp.ids.size(); ++k) {
          deliver(part, projs_[j], sp.ids[k], static_cast<double>(sp.counts[k]), stamp);
        }
      }
    }
    // Short rows (COBA's and CUBA's 80 synapses) are bound by the latency of their first cache
    // lines: the rows of the step's first kAhead spikes are requested together before any is
    // delivered, each later one kAhead spikes ahead (SynapseStore::prefetch_row; no effect on
    // results). Rows into populations with direct input are read a step later: advance_part asks.
    constexpr std::size_t kAhead = 8;
    for (const Population& pop : pops_) {
      const std::uint32_t* ids = pop.spiked.data() + s * pop.size();
      const std::size_t count = std::min<std::size_t>(pop.n_spiked[s], kAhead);
      for (std::size_t j : pop.outgoing) {
        if (!projs_[j].into_ring) continue;
        for (std::size_t k = 0; k < count; ++k) projs_[j].store.prefetch_row(ids[k]);
      }
    }
    for (const Population& pop : pops_) {
      const std::uint32_t* ids = pop.spiked.data() + s * pop.size();
      const std::size_t count = pop.n_spiked[s];
      for (std::size_t j : pop.outgoing) {
        const Projection& proj = projs_[j];
        for (std::size_t k = 0; k < count; ++k) {
          if (proj.into_ring && k + kAhead < count) proj.store.prefetch_row(ids[k + kAhead]);
          deliver(part, proj, ids[k], 1.0, stamp);
        }
      }
    }
    if (!any_plastic_) continue;
    for (auto& proj : projs_) {
      if (!proj.plastic) continue;
      StepSpikes pre;
      if (proj.pre_is_source) {
        const SourceSpikes& sp = sources_[proj.pre].spikes[s];
        pre = {sp.ids.data(), sp.counts.data(), sp.ids.size()};
      } else {
        pre = pops_[proj.pre].step_spikes(s);
      }
      const Population& post = pops_[proj.post];
      proj.plastic->learn(stamp, pre, post.step_spikes(s), modulators_[s],
                          PostRange{post.bounds[part], post.bounds[part + 1], part});
    }
  }
}

void Engine::set_learning(std::size_t projection, bool on) {
  Projection& proj = projs_.at(projection);
  if (!proj.plastic) throw Error("engine: projection " + std::to_string(projection) + " has no plasticity rule");
  proj.plastic->set_learning(on);
}

const PlasticProjection* Engine::plastic(std::size_t projection) const { return projs_.at(projection).plastic.get(); }

double Engine::projection_bytes_per_synapse(std::size_t projection) const {
  const Projection& proj = projs_.at(projection);
  const std::size_t n = proj.plastic ? proj.plastic->size() : proj.store.size();
  const std::size_t bytes = proj.plastic ? proj.plastic->bytes() : proj.store.bytes();
  return n == 0 ? 0.0 : static_cast<double>(bytes) / static_cast<double>(n);
}

const SpikeRecord& Engine::spike_record(std::size_t probe) const { return probes_.at(probe).spikes; }
const StateRecord& Engine::state_record(std::size_t probe) const { return probes_.at(probe).state; }
const WeightRecord& Engine::weight_record(std::size_t probe) const { return probes_.at(probe).weights; }

model::SynapseList Engine::synapses(std::size_t projection) const {
  const Projection& proj = projs_.at(projection);
  model::SynapseList out;
  std::vector<std::uint32_t> delay_steps;
  if (proj.plastic) proj.plastic->list(out.pre, out.post, out.weight, delay_steps);
  else proj.store.list(out.pre, out.post, out.weight, delay_steps);
  out.delay.resize(delay_steps.size());
  for (std::size_t k = 0; k < delay_steps.size(); ++k) out.delay[k] = static_cast<double>(delay_steps[k]) * dt_;
  return out;
}

void Engine::set_weights(std::size_t projection, const std::vector<double>& weights) {
  Projection& proj = projs_.at(projection);
  if (proj.plastic) {
    proj.plastic->set_weights(weights);
    return;
  }
  // Input in flight into a population with direct input was sent with the old weights.
  for (auto& lists : pops_[proj.post].pending) {
    for (auto& list : lists) make_concrete(list, static_cast<std::uint32_t>(projection), proj.store);
  }
  proj.store.set_weights(weights);
  for (FusedDrive& drive : fused_) {
    // One-to-one: storage order is neuron order.
    if (drive.projection == projection) drive.set_weights(proj.store.weights(), step_);
  }
}

const std::vector<std::uint64_t>& Engine::spike_counts(std::size_t population) const { return pops_.at(population).counts; }

std::size_t Engine::synapse_count() const noexcept {
  std::size_t n = 0;
  for (const auto& p : projs_) n += p.plastic ? p.plastic->size() : p.store.size();
  return n;
}

double Engine::bytes_per_synapse() const noexcept {
  std::size_t bytes = 0;
  for (const auto& p : projs_) bytes += p.plastic ? p.plastic->bytes() : p.store.bytes();
  const std::size_t n = synapse_count();
  return n == 0 ? 0.0 : static_cast<double>(bytes) / static_cast<double>(n);
}

}  // namespace spikeforge::engine
