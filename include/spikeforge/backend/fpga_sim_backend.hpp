// The "fpga-sim" backend: the Verilated RTL core in process, driven through its byte stream by
// the same packets as "cpu-fixed" and "fpga" (link: hdl/tb/verilator_link.cpp). Its registration
// (src/backend/fpga_sim_backend.cpp) is in the spikeforge_fpga_sim library; linking that library
// registers the backend.
#pragma once

#include <spikeforge/backend/hardware_backend.hpp>

namespace spikeforge {

class FpgaSimBackend final : public HardwareBackend {
public:
  FpgaSimBackend(const model::Network& network, const model::Resolved& resolved, const SimulatorOptions& options)
      : HardwareBackend("fpga-sim", network, resolved, options,
                        [](const hw::CoreGeometry& geo) { return hw::make_verilator_link(geo); }) {}
};

/// Registers "fpga-sim" (done automatically when spikeforge_fpga_sim is linked; harmless twice).
void register_fpga_sim_backend();

}  // namespace spikeforge
