#include <spikeforge/stimulus/recorder.hpp>

#include <algorithm>
#include <limits>
#include <numeric>

#include <spikeforge/core/error.hpp>
#include <spikeforge/stimulus/source_spikes.hpp>

namespace spikeforge::stimulus {

namespace {
std::string quoted(const std::string& s) { return "'" + s + "'"; }
}  // namespace

Recorder::Recorder(const model::Network& net, const model::Resolved& resolved, double dt, std::string_view who)
    : dt_(dt), population_probes_(net.populations.size()), source_probes_(net.spike_sources.size()) {
  const std::string prefix(who);
  probes_.resize(net.probes.size());
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    const auto& desc = net.probes[q];
    auto& probe = probes_[q];
    const std::string object = prefix + ": probe " + quoted(desc.name);
    probe.kind = desc.kind;
    probe.interval = static_cast<std::uint64_t>(std::max<std::int64_t>(1, to_step(desc.interval, dt)));
    const model::Ref target = resolved.probes().at(q);
    probe.target = target.index;
    if (desc.kind == model::Probe::Kind::Spikes) {
      probe.is_source = target.is_spike_source();
      const std::size_t size =
          probe.is_source ? net.spike_sources[probe.target].size : net.populations[probe.target].size;
      if (!desc.neurons.empty()) {
        probe.selected.assign(size, 0);
        for (std::uint32_t id : desc.neurons) {
          if (id >= size) throw Error(object + ": neuron " + std::to_string(id) + " out of range");
          probe.selected[id] = 1;
        }
      }
      (probe.is_source ? source_probes_ : population_probes_)[probe.target].push_back(q);
    } else if (desc.kind == model::Probe::Kind::State) {
      const std::uint32_t size = net.populations[probe.target].size;
      probe.state.variables = desc.variables;
      probe.state.neurons = desc.neurons;
      if (probe.state.neurons.empty()) {
        probe.state.neurons.resize(size);
        std::iota(probe.state.neurons.begin(), probe.state.neurons.end(), 0u);
      }
      for (std::uint32_t id : probe.state.neurons) {
        if (id >= size) throw Error(object + ": neuron " + std::to_string(id) + " out of range");
      }
      probe.state.values.resize(desc.variables.size());
      samples_ = true;
    } else {
      samples_ = true;
    }
  }
}

std::uint64_t Recorder::next_sample_after(std::uint64_t step) const noexcept {
  std::uint64_t next = std::numeric_limits<std::uint64_t>::max();
  for (const auto& p : probes_) {
    if (p.kind == model::Probe::Kind::Spikes) continue;
    next = std::min(next, (step / p.interval + 1) * p.interval);
  }
  return next;
}

void Recorder::record(const std::vector<std::size_t>& probes, double time, const std::uint32_t* ids,
                      const std::uint32_t* counts, std::size_t n) {
  for (std::size_t q : probes) {
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

void Recorder::clear() {
  for (auto& probe : probes_) {
    probe.spikes.clear();
    probe.state.clear();
    probe.weights.clear();
  }
}

}  // namespace spikeforge::stimulus
