#include <spikeforge/core/error.hpp>
#include <spikeforge/core/log.hpp>
#include <spikeforge/engine/engine.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <string>

namespace spikeforge::engine {

struct Engine::Population {
  std::string name;
  std::unique_ptr<NeuronGroup> group;
  InputRing ring;
  std::vector<CurrentInjection> currents;
  std::vector<double> applied;  // amplitude of each current now in i_ext (NaN: not yet applied)
  std::vector<double> i_ext;
  std::vector<std::pair<std::string, std::vector<double>>> initial;
  std::vector<std::uint32_t> spiked;
  std::size_t n_spiked = 0;  // spikes of the current step (for plasticity)
  std::vector<std::size_t> outgoing;
  std::vector<std::size_t> spike_probes;
  std::vector<std::uint64_t> counts;
};

struct Engine::Source {
  std::string name;
  std::unique_ptr<PoissonGroup> poisson;
  std::unique_ptr<SpikeTimeGroup> times;
  SourceSpikes spikes;
  std::vector<std::size_t> outgoing;
  std::vector<std::size_t> spike_probes;
};

struct Engine::Projection {
  SynapseStore store;
  std::unique_ptr<PlasticProjection> plastic;  // set: the synapses live here, `store` is empty
  bool pre_is_source = false;
  std::size_t pre = 0, post = 0, receptor = 0;
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

namespace {
std::string quoted(const std::string& s) { return "'" + s + "'"; }
}  // namespace

Engine::Engine(const model::Network& network, std::uint64_t run_seed, bool double_weights) {
  build(network, run_seed, double_weights);
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
    pop.spiked.resize(desc.size);
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
  for (std::size_t p = 0; p < pops_.size(); ++p) pops_[p].ring = InputRing(pops_[p].group->size(), ring_length[p]);

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

  set_initial_state();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  logger().debug("engine: built {} populations, {} sources, {} projections ({} synapses, {:.2f} B/synapse) in {:.3f} s",
                 pops_.size(), sources_.size(), projs_.size(), synapse_count(), bytes_per_synapse(), seconds);
}

void Engine::set_initial_state() {
  for (auto& pop : pops_) {
    for (const auto& [name, values] : pop.initial) {
      auto target = pop.group->state(name);
      std::copy(values.begin(), values.end(), target.begin());
    }
    pop.group->clear_refractory();
    pop.ring.clear();
    pop.applied.assign(pop.currents.size(), std::numeric_limits<double>::quiet_NaN());
    pop.n_spiked = 0;
    std::fill(pop.counts.begin(), pop.counts.end(), 0);
  }
  for (auto& src : sources_) {
    if (src.times) src.times->rewind();
    src.spikes.clear();
  }
  for (auto& proj : projs_) {
    if (proj.plastic) proj.plastic->reset_state();
  }
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

void Engine::deliver(const Projection& proj, std::uint32_t pre, double scale, std::uint64_t stamp) {
  InputRing& ring = pops_[proj.post].ring;
  const std::size_t receptor = proj.receptor;
  // A spike stamped t_s with delay d steps takes effect at t_{s+d}: it is consumed by step s+d-1.
  if (proj.plastic) {
    proj.plastic->deliver(pre, scale, ring, receptor, stamp);
    return;
  }
  proj.store.deliver(pre, scale, [&](std::uint32_t delay) { return ring.slot(stamp + delay - 1, receptor); });
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

void Engine::emit_sources(std::uint64_t stamp) {
  const double time = static_cast<double>(stamp) * dt_;
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    Source& src = sources_[s];
    src.spikes.clear();
    if (src.poisson) {
      if (stamp == 0) continue;  // a Poisson stamp covers the step before it
      src.poisson->emit(stamp, src.spikes);
    } else {
      src.times->emit(stamp, src.spikes);
    }
    const std::size_t n = src.spikes.ids.size();
    if (n == 0) continue;
    record_spikes(true, s, time, src.spikes.ids.data(), src.spikes.counts.data(), n);
    for (std::size_t j : src.outgoing) {
      for (std::size_t k = 0; k < n; ++k) deliver(projs_[j], src.spikes.ids[k], static_cast<double>(src.spikes.counts[k]), stamp);
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
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t m = step_;
    if (!stamp0_emitted_) {
      emit_sources(0);
      stamp0_emitted_ = true;
    }
    record_samples(m);
    apply_currents(m);
    emit_sources(m + 1);
    const double spike_time = static_cast<double>(m + 1) * dt_;
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      Population& pop = pops_[p];
      const std::size_t count = pop.group->step(pop.ring.slot(m, 0), pop.ring.slot(m, 1),
                                                pop.i_ext.empty() ? nullptr : pop.i_ext.data(), pop.spiked.data());
      pop.ring.clear_slot(m);
      pop.n_spiked = count;
      for (std::size_t k = 0; k < count; ++k) ++pop.counts[pop.spiked[k]];
      if (count == 0) continue;
      if (!pop.spike_probes.empty()) record_spikes(false, p, spike_time, pop.spiked.data(), nullptr, count);
      for (std::size_t j : pop.outgoing) {
        const Projection& proj = projs_[j];
        for (std::size_t k = 0; k < count; ++k) deliver(proj, pop.spiked[k], 1.0, m + 1);
      }
    }
    if (any_plastic_) learn(m + 1);
    step_ = m + 1;
  }
}

void Engine::learn(std::uint64_t stamp) {
  const double modulator = modulator_callback_ ? modulator_callback_(static_cast<double>(stamp) * dt_) : modulator_;
  for (auto& proj : projs_) {
    if (!proj.plastic) continue;
    StepSpikes pre, post;
    if (proj.pre_is_source) {
      const SourceSpikes& s = sources_[proj.pre].spikes;
      pre = {s.ids.data(), s.counts.data(), s.ids.size()};
    } else {
      const Population& p = pops_[proj.pre];
      pre = {p.spiked.data(), nullptr, p.n_spiked};
    }
    const Population& q = pops_[proj.post];
    post = {q.spiked.data(), nullptr, q.n_spiked};
    proj.plastic->learn(stamp, pre, post, modulator);
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
  if (proj.plastic) proj.plastic->set_weights(weights);
  else proj.store.set_weights(weights);
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
