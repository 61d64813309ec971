#include <spikeforge/backend/cpu_backend.hpp>
#include <spikeforge/core/log.hpp>

#include <algorithm>
#include <thread>

namespace spikeforge {

std::size_t resolve_threads(int requested) noexcept {
  return requested > 0 ? static_cast<std::size_t>(requested) : 0;  // 0: the engine chooses
}

CpuBackend::CpuBackend(const model::Network& network, const model::Resolved& resolved, const SimulatorOptions& options)
    : engine_(network, resolved, options.seed, options.double_weights, resolve_threads(options.threads)) {
  logger().debug("cpu backend: {} threads", engine_.threads());
}

}  // namespace spikeforge
