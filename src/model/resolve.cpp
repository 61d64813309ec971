#include <spikeforge/model/resolve.hpp>

#include <spikeforge/core/error.hpp>

namespace spikeforge::model {

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

[[noreturn]] void missing(const std::string& kind, const std::string& name, const std::string& plural,
                          const std::vector<std::string>& known) {
  throw ValidationError("network", kind, quoted(name) + ": no " + kind + " of that name (" + plural + ": " +
                                             listed(known) + ")");
}

}  // namespace

const char* kind_name(Ref::Kind kind) noexcept {
  switch (kind) {
    case Ref::Kind::Population: return "population";
    case Ref::Kind::SpikeSource: return "spike source";
    case Ref::Kind::Projection: return "projection";
  }
  return "?";
}

const char* kind_name(Probe::Kind kind) noexcept {
  switch (kind) {
    case Probe::Kind::Spikes: return "spike";
    case Probe::Kind::State: return "state";
    case Probe::Kind::Weights: return "weight";
  }
  return "?";
}

Resolved resolve(const Network& net) {
  Resolved r;
  auto name_group = [&](const std::string& object, const std::string& name, Ref ref) {
    if (!r.groups_.emplace(name, ref).second) {
      throw ValidationError(object, "name",
                            quoted(name) + " is used twice: population and spike source names must be unique");
    }
  };
  for (std::size_t p = 0; p < net.populations.size(); ++p) {
    const auto& name = net.populations[p].name;
    name_group("population " + quoted(name), name, {Ref::Kind::Population, p});
    r.population_list_.push_back(name);
  }
  for (std::size_t s = 0; s < net.spike_sources.size(); ++s) {
    const auto& name = net.spike_sources[s].name;
    name_group("spike source " + quoted(name), name, {Ref::Kind::SpikeSource, s});
    r.spike_source_list_.push_back(name);
  }
  auto group = [&](const std::string& name) -> const Ref* {
    const auto it = r.groups_.find(name);
    return it == r.groups_.end() ? nullptr : &it->second;
  };
  auto population = [&](const std::string& object, const std::string& field, const std::string& name) {
    const Ref* g = group(name);
    if (g == nullptr || !g->is_population()) {
      throw ValidationError(object, field,
                            quoted(name) + (g ? " is a spike source: must name a population" : ": no population of that name"));
    }
    return g->index;
  };

  r.projections_.reserve(net.projections.size());
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    const Projection& p = net.projections[j];
    const std::string object = "projection " + quoted(p.name);
    if (!r.projection_names_.emplace(p.name, j).second) {
      throw ValidationError(object, "name", quoted(p.name) + " is used twice: projection names must be unique");
    }
    r.projection_list_.push_back(p.name);
    const Ref* pre = group(p.pre);
    if (pre == nullptr) throw ValidationError(object, "pre", quoted(p.pre) + ": no population or spike source of that name");
    r.projections_.push_back({*pre, population(object, "post", p.post)});
  }

  r.current_sources_.reserve(net.current_sources.size());
  for (const CurrentSource& c : net.current_sources) {
    r.current_sources_.push_back(population("current source " + quoted(c.name), "target", c.target));
  }

  r.probes_.reserve(net.probes.size());
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    const Probe& p = net.probes[q];
    const std::string object = "probe " + quoted(p.name);
    Ref target;
    switch (p.kind) {
      case Probe::Kind::Spikes: {
        const Ref* g = group(p.target);
        if (g == nullptr) throw ValidationError(object, "target", quoted(p.target) + ": no population or spike source of that name");
        target = *g;
        break;
      }
      case Probe::Kind::State: target = {Ref::Kind::Population, population(object, "target", p.target)}; break;
      case Probe::Kind::Weights: {
        const auto it = r.projection_names_.find(p.target);
        if (it == r.projection_names_.end()) throw ValidationError(object, "target", quoted(p.target) + ": no projection of that name");
        target = {Ref::Kind::Projection, it->second};
        break;
      }
    }
    r.probes_.push_back(target);
    r.probe_kinds_.push_back(p.kind);
    if (!r.probe_names_.emplace(p.name, q).second) {
      throw ValidationError(object, "name", quoted(p.name) + " is used twice: probe names must be unique");
    }
    r.probe_targets_.emplace(std::pair{p.kind, p.target}, q);  // keeps the first
    r.probe_list_[p.kind].push_back(p.name);
  }
  return r;
}

std::size_t Resolved::population(const std::string& name) const {
  const auto it = groups_.find(name);
  if (it == groups_.end() || !it->second.is_population()) missing("population", name, "populations", population_list_);
  return it->second.index;
}

std::size_t Resolved::spike_source(const std::string& name) const {
  const auto it = groups_.find(name);
  if (it == groups_.end() || !it->second.is_spike_source()) {
    missing("spike source", name, "spike sources", spike_source_list_);
  }
  return it->second.index;
}

Ref Resolved::group(const std::string& name) const {
  const auto it = groups_.find(name);
  if (it == groups_.end()) {
    throw ValidationError("network", "population or spike source",
                          quoted(name) + ": no population or spike source of that name (populations: " +
                              listed(population_list_) + "; spike sources: " + listed(spike_source_list_) + ")");
  }
  return it->second;
}

std::size_t Resolved::projection(const std::string& name) const {
  const auto it = projection_names_.find(name);
  if (it == projection_names_.end()) missing("projection", name, "projections", projection_list_);
  return it->second;
}

std::size_t Resolved::probe(const std::string& name, Probe::Kind kind) const {
  if (const auto it = probe_names_.find(name); it != probe_names_.end() && probe_kinds_[it->second] == kind) {
    return it->second;
  }
  if (const auto it = probe_targets_.find({kind, name}); it != probe_targets_.end()) return it->second;
  const std::string what = std::string(kind_name(kind)) + " probe";
  const auto known = probe_list_.find(kind);
  throw ValidationError("network", what,
                        quoted(name) + ": no " + what + " of that name or recording " + quoted(name) + " (" + what +
                            "s: " + listed(known == probe_list_.end() ? std::vector<std::string>{} : known->second) +
                            "; probes belong to the network description: record before building the simulator)");
}

}  // namespace spikeforge::model
