// Registration of the "fpga-sim" backend. Compiled into spikeforge_fpga_sim (hdl/tb/CMakeLists.txt)
// with the Verilator link, not into the spikeforge library, which builds without Verilator.
#include <spikeforge/backend/backend.hpp>
#include <spikeforge/backend/fpga_sim_backend.hpp>

namespace spikeforge {

void register_fpga_sim_backend() {
  register_backend("fpga-sim", [](const model::Network& n, const model::Resolved& r,
                                   const SimulatorOptions& o) -> std::unique_ptr<Backend> {
    return std::make_unique<FpgaSimBackend>(n, r, o);
  });
}

}  // namespace spikeforge

// Linking spikeforge_fpga_sim pulls this object in (the library's link options name the anchor),
// and its initialiser makes "fpga-sim" available to every Simulator.
extern "C" {
extern const int spikeforge_fpga_sim_anchor;
const int spikeforge_fpga_sim_anchor = [] {
  spikeforge::register_fpga_sim_backend();
  return 1;
}();
}
