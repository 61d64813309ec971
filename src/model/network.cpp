#include <spikeforge/model/network.hpp>

#include <algorithm>

namespace spikeforge::model {

namespace {

template <class T>
const T* find_by_name(const std::vector<T>& items, const std::string& name) {
  const auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.name == name; });
  return it == items.end() ? nullptr : &*it;
}

// Probes added without a name get "<kind>(<target>)"; a repeat gets "#2", "#3", ... so that
// every probe stays addressable by name.
std::string unique_probe_name(const std::vector<Probe>& probes, const std::string& base) {
  auto taken = [&](const std::string& n) { return find_by_name(probes, n) != nullptr; };
  if (!taken(base)) return base;
  for (std::size_t k = 2;; ++k) {
    std::string candidate = base + "#" + std::to_string(k);
    if (!taken(candidate)) return candidate;
  }
}

}  // namespace

Population& Network::add_population(std::string name, std::uint32_t size, std::string model,
                                    std::map<std::string, Distribution> params,
                                    std::map<std::string, Distribution> initial) {
  Population p;
  p.name = std::move(name);
  p.size = size;
  p.model = std::move(model);
  p.params = std::move(params);
  p.initial = std::move(initial);
  populations.push_back(std::move(p));
  return populations.back();
}

SpikeSource& Network::add_poisson_source(std::string name, std::uint32_t size, Distribution rate_hz) {
  SpikeSource s;
  s.name = std::move(name);
  s.size = size;
  s.kind = SpikeSource::Kind::Poisson;
  s.rate = std::move(rate_hz);
  spike_sources.push_back(std::move(s));
  return spike_sources.back();
}

SpikeSource& Network::add_spike_times(std::string name, std::vector<std::vector<double>> times_ms) {
  SpikeSource s;
  s.name = std::move(name);
  s.size = static_cast<std::uint32_t>(times_ms.size());
  s.kind = SpikeSource::Kind::SpikeTimes;
  s.spike_times = std::move(times_ms);
  spike_sources.push_back(std::move(s));
  return spike_sources.back();
}

Projection& Network::connect(std::string name, std::string pre, std::string post, Connector connector,
                             Distribution weight, Distribution delay_ms, std::string receptor,
                             std::optional<Plasticity> plasticity, std::uint64_t seed) {
  Projection p;
  p.name = std::move(name);
  p.pre = std::move(pre);
  p.post = std::move(post);
  p.connector = std::move(connector);
  p.weight = std::move(weight);
  p.delay = std::move(delay_ms);
  p.receptor = std::move(receptor);
  p.seed = seed;
  p.plasticity = std::move(plasticity);
  projections.push_back(std::move(p));
  return projections.back();
}

CurrentSource& Network::add_dc_current(std::string name, std::string target, double amplitude_na,
                                       double start_ms, double stop_ms, std::vector<std::uint32_t> neurons) {
  CurrentSource c;
  c.name = std::move(name);
  c.target = std::move(target);
  c.kind = CurrentSource::Kind::DC;
  c.amplitude = amplitude_na;
  c.start = start_ms;
  c.stop = stop_ms;
  c.neurons = std::move(neurons);
  current_sources.push_back(std::move(c));
  return current_sources.back();
}

CurrentSource& Network::add_step_current(std::string name, std::string target, std::vector<double> times_ms,
                                         std::vector<double> amplitudes_na, std::vector<std::uint32_t> neurons) {
  CurrentSource c;
  c.name = std::move(name);
  c.target = std::move(target);
  c.kind = CurrentSource::Kind::Step;
  c.times = std::move(times_ms);
  c.amplitudes = std::move(amplitudes_na);
  c.neurons = std::move(neurons);
  current_sources.push_back(std::move(c));
  return current_sources.back();
}

Probe& Network::record_spikes(std::string target, std::vector<std::uint32_t> neurons) {
  Probe p;
  p.name = unique_probe_name(probes, "spikes(" + target + ")");
  p.kind = Probe::Kind::Spikes;
  p.target = std::move(target);
  p.neurons = std::move(neurons);
  probes.push_back(std::move(p));
  return probes.back();
}

Probe& Network::record_state(std::string target, std::vector<std::string> variables,
                             std::vector<std::uint32_t> neurons, double interval_ms) {
  Probe p;
  p.name = unique_probe_name(probes, "state(" + target + ")");
  p.kind = Probe::Kind::State;
  p.target = std::move(target);
  p.variables = std::move(variables);
  p.neurons = std::move(neurons);
  p.interval = interval_ms;
  probes.push_back(std::move(p));
  return probes.back();
}

Probe& Network::record_weights(std::string projection, double interval_ms) {
  Probe p;
  p.name = unique_probe_name(probes, "weights(" + projection + ")");
  p.kind = Probe::Kind::Weights;
  p.target = std::move(projection);
  p.interval = interval_ms;
  probes.push_back(std::move(p));
  return probes.back();
}

const Population* Network::find_population(const std::string& name) const { return find_by_name(populations, name); }
const SpikeSource* Network::find_spike_source(const std::string& name) const {
  return find_by_name(spike_sources, name);
}
const Projection* Network::find_projection(const std::string& name) const { return find_by_name(projections, name); }

}  // namespace spikeforge::model
