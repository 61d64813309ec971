// Direct input (docs/engine.md "Input"): delayed input into a population whose kernel adds it into
// its synaptic state, queued as synapse ranges per arrival slot and partition instead of slot arrays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <spikeforge/engine/synapse_store.hpp>

namespace spikeforge::engine {

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
void make_concrete(std::vector<PendingInput>& list, std::uint32_t projection, const SynapseStore& store);

}  // namespace spikeforge::engine
