// What a spike source emits in one step (ids and spike counts), and the rounding of times to steps
// that every run-time source shares.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace spikeforge::stimulus {

/// Converts a time in ms to the nearest step index.
inline std::int64_t to_step(double t_ms, double dt) noexcept { return std::llround(t_ms / dt); }

/// Spikes one source group emits in one step: neuron ids and how many spikes each sent.
struct SourceSpikes {
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> counts;
  void clear() noexcept { ids.clear(); counts.clear(); }
};

}  // namespace spikeforge::stimulus
