// The "fpga" backend: a real core on a serial port (options.device, options.baud), driven by the
// same packets as "cpu-fixed" and "fpga-sim"; the core's HELLO answer sets the geometry.
#pragma once

#include <spikeforge/backend/hardware_backend.hpp>
#include <spikeforge/core/error.hpp>

namespace spikeforge {

class FpgaSerialBackend final : public HardwareBackend {
public:
  FpgaSerialBackend(const model::Network& network, const model::Resolved& resolved, const SimulatorOptions& options)
      : HardwareBackend("fpga", network, resolved, options, [&options](const hw::CoreGeometry&) {
          if (options.device.empty()) {
            throw ValidationError("simulator options", "device",
                                  "empty: the fpga backend needs a serial device, e.g. /dev/ttyUSB1");
          }
          return hw::make_serial_link(options.device, options.baud, options.timeout_ms);
        }) {}
};

}  // namespace spikeforge
