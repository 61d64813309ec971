#include <spikeforge/backend/cpu_backend.hpp>
#include <spikeforge/core/log.hpp>

namespace spikeforge {

CpuBackend::CpuBackend(const model::Network& network, const SimulatorOptions& options)
    : engine_(network, options.seed, options.double_weights) {
  if (options.threads > 1) {
    logger().info("cpu backend: {} threads requested; this engine runs single-threaded", options.threads);
  }
}

}  // namespace spikeforge
