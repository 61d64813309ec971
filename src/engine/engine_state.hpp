// The engine's private parts (one population, source, projection), shared by the files of
// src/engine that build and run them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <spikeforge/engine/engine.hpp>
#include <spikeforge/stimulus/current_injection.hpp>
#include <spikeforge/stimulus/poisson_group.hpp>
#include <spikeforge/stimulus/source_spikes.hpp>
#include <spikeforge/stimulus/spike_time_group.hpp>

#include "direct_input.hpp"
#include "fused_drive.hpp"

namespace spikeforge::engine {

using stimulus::SourceSpikes;

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
  std::vector<stimulus::CurrentInjection> currents;
  std::vector<double> applied;  // amplitude of each current now in i_ext (NaN: not yet applied)
  std::vector<double> i_ext;
  std::vector<std::pair<std::string, std::vector<double>>> initial;
  std::vector<std::uint32_t> bounds;       // P + 1 partition bounds: multiples of 16, then size
  std::vector<std::uint32_t> spiked;       // window step s: ids at [s * size, s * size + n_spiked[s])
  std::vector<std::uint32_t> part_spiked;  // [s * P + p]: spikes partition p wrote at s * size + bounds[p]
  std::vector<std::uint32_t> n_spiked;     // per window step, after the serial compaction
  std::vector<std::size_t> drives;         // fused_ entries feeding this population
  std::vector<std::size_t> outgoing;
  std::vector<std::uint64_t> counts;

  std::size_t size() const noexcept { return counts.size(); }
  StepSpikes step_spikes(std::size_t s) const { return {spiked.data() + s * size(), nullptr, n_spiked[s]}; }
};

struct Engine::Source {
  std::string name;
  std::unique_ptr<stimulus::PoissonGroup> poisson;
  std::unique_ptr<stimulus::SpikeTimeGroup> times;
  std::vector<std::int64_t> change_steps;  // Poisson rate schedule, in steps
  bool fused = false;
  std::uint32_t fused_delay = 0;
  std::vector<std::uint32_t> bounds;  // P + 1 generator bounds
  std::vector<SourceSpikes> part;     // [s * P + p]: partition p's Poisson draws of window step s
  std::vector<SourceSpikes> spikes;   // window step s: the spikes stamped first + s + 1
  std::vector<std::size_t> outgoing;
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

}  // namespace spikeforge::engine
