// Names to indices, once: after validate(), resolve() turns every name a network description uses
// (a projection's pre and post, a current source's target, a probe's target) into positions in
// the description's vectors, and answers lookups by name with errors that name what is missing.
// Executors (engine, hw::compile, the backends) and the Simulator work from these indices.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <spikeforge/model/network.hpp>

namespace spikeforge::model {

/// A position in one of the network's vectors: which vector (kind) and where in it (index).
struct Ref {
  enum class Kind { Population, SpikeSource, Projection };
  Kind kind = Kind::Population;
  std::size_t index = 0;

  bool is_population() const noexcept { return kind == Kind::Population; }
  bool is_spike_source() const noexcept { return kind == Kind::SpikeSource; }
  bool operator==(const Ref&) const = default;
};

/// "population", "spike source" or "projection".
const char* kind_name(Ref::Kind kind) noexcept;
/// "spike", "state" or "weight" (as in "spike probe").
const char* kind_name(Probe::Kind kind) noexcept;

/// The names of a network resolved to indices. Holds no reference to the network: it stays valid
/// for a copy of the description it was made from, and for nothing else.
class Resolved {
public:
  /// Both ends of a projection: pre is a population or a spike source, post a population.
  struct Ends {
    Ref pre;
    std::size_t post = 0;
  };

  /// Per projection, in the order of network.projections.
  const std::vector<Ends>& projections() const noexcept { return projections_; }
  /// Target population of each current source, in the order of network.current_sources.
  const std::vector<std::size_t>& current_sources() const noexcept { return current_sources_; }
  /// Target of each probe, in the order of network.probes: a population or spike source (spike
  /// probes), a population (state probes) or a projection (weight probes).
  const std::vector<Ref>& probes() const noexcept { return probes_; }

  /// Lookups by name. Each throws ValidationError naming the kind and the missing name, and
  /// listing the names there are, e.g. "network: population: 'X': no population of that name
  /// (populations: E, I)".
  std::size_t population(const std::string& name) const;
  std::size_t spike_source(const std::string& name) const;
  /// A population or spike source (they share one name space).
  Ref group(const std::string& name) const;
  std::size_t projection(const std::string& name) const;
  /// The probe of `kind` called `name`, or else the first probe of `kind` that records the
  /// population, spike source or projection called `name`.
  std::size_t probe(const std::string& name, Probe::Kind kind) const;

private:
  friend Resolved resolve(const Network& network);

  std::vector<Ends> projections_;
  std::vector<std::size_t> current_sources_;
  std::vector<Ref> probes_;
  std::map<std::string, Ref> groups_;  // populations and spike sources
  std::map<std::string, std::size_t> projection_names_;
  std::vector<Probe::Kind> probe_kinds_;
  std::map<std::string, std::size_t> probe_names_;
  std::map<std::pair<Probe::Kind, std::string>, std::size_t> probe_targets_;  // first by target name
  std::vector<std::string> population_list_, spike_source_list_, projection_list_;
  std::map<Probe::Kind, std::vector<std::string>> probe_list_;
};

/// Resolves every name of `network`. Throws ValidationError naming the object and field of the
/// first name that does not resolve (a projection's pre or post, a current source's or probe's
/// target) or that is used twice; validate() reports these too, together with every other check.
Resolved resolve(const Network& network);

}  // namespace spikeforge::model
