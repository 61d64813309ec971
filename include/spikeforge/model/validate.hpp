// Checks a network description before anything is built from it: every bad value becomes a
// ValidationError naming the object, the field and the allowed range.
#pragma once

#include <spikeforge/model/network.hpp>

namespace spikeforge::model {

/// Throws ValidationError (spikeforge/core/error.hpp) for the first problem found, reading
/// "<object>: <field>: <value>: <what is allowed>", e.g.
/// "population 'E': tau_m: -5: must be > 0 ms". Checks every field of every population, spike
/// source, projection, current source and probe against the model table (neuron_models.hpp),
/// the sizes of the groups they refer to and the time step; random distributions must not be
/// able to draw a value outside the allowed range (clip them with Distribution::clip).
void validate(const Network& network);

}  // namespace spikeforge::model
