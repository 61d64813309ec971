// Checkpoint files (docs/checkpoints.md): a backend's state with a versioned header, a checksum of
// the payload and a hash of the network description it belongs to.
#pragma once

#include <cstdint>
#include <string>

#include <spikeforge/backend/backend.hpp>
#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/model/network.hpp>

namespace spikeforge {

/// The checkpoint format version this build writes and reads.
inline constexpr std::uint32_t kCheckpointVersion = 1;

/// A hash of the network description (its JSON form): a checkpoint loads only into a simulator of
/// the same description.
std::uint64_t network_hash(const model::Network& network);

/// Writes the state of `backend`, running `network` with `options`, to `path` (through a temporary
/// file renamed at the end, so an interrupted save leaves any earlier file at `path` intact).
/// Throws UnsupportedError for a backend without checkpoints, Error when the file cannot be written.
void save_checkpoint(const std::string& path, const model::Network& network, const SimulatorOptions& options,
                     const Backend& backend);

/// Reads the checkpoint at `path` into `backend`, built from `network` with `options`. Every
/// mismatch (not a checkpoint, another format version, truncated or damaged, another network, other
/// precision) is a ValidationError naming the file and what differs, raised before anything changes.
void load_checkpoint(const std::string& path, const model::Network& network, const SimulatorOptions& options,
                     Backend& backend);

}  // namespace spikeforge
