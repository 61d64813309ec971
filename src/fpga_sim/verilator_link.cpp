#include <string>

#include <spikeforge/backend/backend.hpp>
#include <spikeforge/backend/fpga_sim_backend.hpp>
#include <spikeforge/core/error.hpp>
#include <spikeforge/hw/cobs.hpp>
#include <spikeforge/hw/transport.hpp>

#include "sim_core.hpp"

namespace spikeforge::hw {

namespace {

class VerilatorLink final : public CoreLink {
public:
  explicit VerilatorLink(const CoreGeometry& geo) : core_(make_sim_core(geo)), geo_(geo) {}

  void write(std::span<const std::uint8_t> bytes) override {
    bytes_out_ += bytes.size();
    core_->push(bytes);
  }
  std::vector<std::uint8_t> read() override {
    // Runs to the end of the next frame. A step of the full core takes ~20 k cycles and CLEAR
    // ~16 k; silence for silence_limit cycles means nothing more is coming.
    std::vector<std::uint8_t> out;
    core_->run(silence_limit, [&](std::uint8_t b) {
      out.push_back(b);
      return b == 0;
    });
    bytes_in_ += out.size();
    return out;
  }
  std::string timeout() const override { return std::to_string(silence_limit) + " cycles"; }
  std::string describe() const override {
    return "Verilated sf_core N = " + std::to_string(geo_.n) + ", NA = " + std::to_string(geo_.na);
  }

private:
  std::unique_ptr<SimCore> core_;
  CoreGeometry geo_;
  static constexpr std::uint64_t silence_limit = 2'000'000;
};

}  // namespace

std::unique_ptr<CoreLink> make_verilator_link(CoreGeometry geometry) { return std::make_unique<VerilatorLink>(geometry); }

}  // namespace spikeforge::hw

namespace spikeforge {

void register_fpga_sim_backend() {
  register_backend("fpga-sim", [](const model::Network& n, const SimulatorOptions& o) -> std::unique_ptr<Backend> {
    return std::make_unique<FpgaSimBackend>(n, o);
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
