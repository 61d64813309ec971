#include "core_sim.hpp"

// Verilator's own headers do not build clean under -Wextra; they are not ours to change.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <Vsf_core_n256.h>
#include <Vsf_core_n32.h>
#include <Vsf_core_n64.h>
#pragma GCC diagnostic pop

namespace spikeforge::hw {

std::unique_ptr<CoreSim> make_core_sim(const CoreGeometry& geo) {
  if (geo.n == 32 && geo.na == 32) return std::make_unique<CoreSimOf<Vsf_core_n32>>();
  if (geo.n == 64 && geo.na == 48) return std::make_unique<CoreSimOf<Vsf_core_n64>>();
  if (geo.n == 256 && geo.na == 256) return std::make_unique<CoreSimOf<Vsf_core_n256>>();
  throw UnsupportedError("fpga-sim: no Verilated core with N = " + std::to_string(geo.n) + ", NA = " +
                         std::to_string(geo.na) + " (built: 32/32, 64/48, 256/256)");
}

}  // namespace spikeforge::hw
