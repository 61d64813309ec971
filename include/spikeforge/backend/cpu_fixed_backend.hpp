// The "cpu-fixed" backend: the core's golden integer model on the CPU, loaded with the same
// CoreImage and driven by the same packets as the Verilated core and a real board.
#pragma once

#include <spikeforge/backend/hardware_backend.hpp>

namespace spikeforge {

class CpuFixedBackend final : public HardwareBackend {
public:
  CpuFixedBackend(const model::Network& network, const model::Resolved& resolved, const SimulatorOptions& options)
      : HardwareBackend("cpu-fixed", network, resolved, options,
                        [](const hw::CoreGeometry& geo) { return hw::make_golden_link(geo); }) {}
};

}  // namespace spikeforge
