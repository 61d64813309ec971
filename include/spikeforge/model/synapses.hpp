// Turning a description into numbers: the realised synapses of a projection, per-neuron parameter
// and initial values, and the fully explicit ("instantiated") form of a network.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spikeforge/core/random.hpp>
#include <spikeforge/model/network.hpp>

namespace spikeforge::model {

/// The synapses of one projection: synapse k connects pre[k] -> post[k] (indices within the pre
/// and post groups) with weight[k] (the unit of the post model's receptor) and delay[k] (ms, not
/// yet rounded to steps). Order as generated: by pre for all-to-all, one-to-one, fixed
/// probability, fixed out-degree and dense matrix; by post for fixed in-degree; list order for
/// FromList. Engines must not depend on the order except to stay deterministic.
struct SynapseList {
  std::vector<std::uint32_t> pre, post;
  std::vector<double> weight, delay;
  std::size_t size() const { return pre.size(); }
  bool operator==(const SynapseList&) const = default;
};

/// The realised synapses of projection `projection_index`. Random connectors draw from
/// connector.seed, or when it is 0 from mix_ids(network.seed, <projection name>); random weights
/// and delays from projection.seed likewise. Throws ValidationError when the projection cannot
/// be built (unknown pre/post, Array of the wrong length, ...); call validate() first for the
/// complete set of checks.
SynapseList build_synapses(const Network& network, std::size_t projection_index);

/// Only the connectivity of a projection (pre and post filled, weight and delay empty):
/// the same pairs as build_synapses, at less cost when the values are not needed.
SynapseList build_connectivity(const Network& network, std::size_t projection_index);

/// The number of synapses build_synapses will return. Known without drawing for every connector
/// but fixed probability, whose connectivity is then built (and discarded).
std::size_t synapse_count(const Network& network, std::size_t projection_index);

/// n draws of `d`. Constant repeats its value, Array returns its values (must hold exactly n),
/// random kinds draw from `stream` and redraw any value outside [low_bound, high_bound].
/// Throws Error when a bounded draw keeps failing (the bounds hold almost no probability).
std::vector<double> sample(const Distribution& d, std::size_t n, RandomStream& stream);

/// Per-neuron values of parameter `name` (initial = false) or the initial value of state
/// variable `name` (initial = true) of population `pop_index`, with the model's defaults applied
/// (e.g. v starts at v_rest, Izhikevich u at b*v). Throws ValidationError for a name the model
/// does not have.
std::vector<double> population_values(const Network& network, std::size_t pop_index, const std::string& name,
                                      bool initial);

/// Per-source rates (Hz) of Poisson source `source_index` (its `rate` Distribution drawn).
std::vector<double> spike_source_rates(const Network& network, std::size_t source_index);

/// The same network with nothing left to draw: every projection a FromList connector with Array
/// weights and delays, every model parameter and state variable of every population an Array
/// (defaults written out), every Poisson rate an Array. Instantiating twice changes nothing more.
Network instantiate(const Network& network);

}  // namespace spikeforge::model
