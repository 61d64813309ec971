#include <spikeforge/core/error.hpp>
#include <spikeforge/core/log.hpp>
#include <spikeforge/engine/engine.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <thread>

#include "engine_state.hpp"

namespace spikeforge::engine {

namespace {
std::string quoted(const std::string& s) { return "'" + s + "'"; }
}  // namespace

Engine::Engine(const model::Network& network, const model::Resolved& resolved, std::uint64_t run_seed,
               bool double_weights, std::size_t threads) {
  auto_threads_ = threads == 0;
  parts_ = auto_threads_ ? 1 : threads;
  build(network, resolved, run_seed, double_weights);
}

Engine::Engine(const model::Network& network, std::uint64_t run_seed, bool double_weights, std::size_t threads)
    : Engine(network, model::resolve(network), run_seed, double_weights, threads) {}

std::size_t Engine::auto_partitions(std::size_t neurons, std::uint64_t window, std::size_t cores) noexcept {
  // Threads meet twice per window, and a meeting costs about what one thread needs for 10^4
  // neuron steps (docs/performance.md, "Notes moved from code"), so a network with less work than
  // kAutoWork neuron steps per window runs faster on one thread. Results do not depend on the choice.
  constexpr std::uint64_t kAutoWork = 32768;
  if (cores <= 1 || static_cast<std::uint64_t>(neurons) * window < kAutoWork) return 1;
  return cores;
}
Engine::~Engine() = default;

void Engine::build(const model::Network& net, const model::Resolved& resolved, std::uint64_t run_seed,
                   bool double_weights) {
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
      src.poisson = std::make_unique<stimulus::PoissonGroup>(model::spike_source_rates(net, s), desc.rate_times, desc.rate_values,
                                                             dt_, run_seed, stream);
      for (double t : desc.rate_times) src.change_steps.push_back(stimulus::to_step(t, dt_));
    } else {
      src.times = std::make_unique<stimulus::SpikeTimeGroup>(desc.spike_times, dt_);
    }
    stream += desc.size;
  }

  std::vector<std::uint32_t> ring_length(pops_.size(), 1);
  projs_.resize(net.projections.size());
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    const auto& desc = net.projections[j];
    auto& proj = projs_[j];
    const model::Resolved::Ends& ends = resolved.projections().at(j);
    proj.pre_is_source = ends.pre.is_spike_source();
    proj.pre = ends.pre.index;
    proj.post = ends.post;
    proj.receptor = desc.receptor == "inhibitory" ? 1 : 0;
    const std::uint32_t n_pre = proj.pre_is_source ? net.spike_sources[proj.pre].size : net.populations[proj.pre].size;
    const std::uint32_t n_post = net.populations[proj.post].size;

    model::SynapseList syn = model::build_synapses(net, j);
    std::vector<std::uint32_t> delay_steps(syn.size());
    for (std::size_t k = 0; k < syn.size(); ++k) {
      // model::validate keeps every delay in [dt, kMaxDelaySteps dt]: at least one step.
      const std::int64_t d = stimulus::to_step(syn.delay[k], dt_);
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
  choose_input(ring_length);

  for (std::size_t k = 0; k < net.current_sources.size(); ++k) {
    const auto& c = net.current_sources[k];
    auto& pop = pops_[resolved.current_sources().at(k)];  // its neurons: checked by model::validate
    pop.currents.push_back(c.kind == model::CurrentSource::Kind::DC
                               ? stimulus::CurrentInjection::dc(c.neurons, c.amplitude, c.start, c.stop, dt_)
                               : stimulus::CurrentInjection::steps(c.neurons, c.times, c.amplitudes, dt_));
  }
  for (auto& pop : pops_) {
    if (!pop.currents.empty()) pop.i_ext.assign(pop.group->size(), 0.0);
  }

  recorder_ = stimulus::Recorder(net, resolved, dt_, "engine");
  for (std::size_t q = 0; q < recorder_.size(); ++q) {
    if (recorder_.kind(q) != model::Probe::Kind::State) continue;
    // The kernel throws Error for a variable its model does not have, before anything runs.
    for (const auto& var : recorder_.state_record(q).variables) pops_[recorder_.target(q)].group->state(var);
  }
  find_fused_drives();

  // Threads meet once per window: no spike of a window may be due inside it.
  window_ = kMaxWindow;
  for (const auto& proj : projs_) {
    if (!proj.fused && proj.min_delay > 0) window_ = std::min<std::uint64_t>(window_, proj.min_delay);
  }
  if (recorder_.samples()) window_ = 1;  // state and weight probes sample between steps, serially
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
  team_ = std::make_unique<ThreadTeam>(parts_);
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
  recorder_.clear();
  step_ = 0;
  stamp0_emitted_ = false;
}

void Engine::reset() {
  set_initial_state();
  logger().debug("engine: reset to t = 0");
}

}  // namespace spikeforge::engine
