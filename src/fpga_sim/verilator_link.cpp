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

  std::vector<Payload> transact(std::span<const std::uint8_t> request, std::size_t answers) override {
    const auto frame = encode_frame(request);
    bytes_out_ += frame.size();
    core_->push(frame);
    std::vector<Payload> out;
    std::string error;
    // A step of the full core takes ~20 k cycles; 50 M cycles without a frame is a hang.
    constexpr std::uint64_t limit = 50'000'000;
    std::uint64_t waited = 0;
    while (out.size() < answers) {
      const std::uint64_t ran = core_->run(limit, [&](std::uint8_t b) {
        ++bytes_in_;
        if (auto e = decoder_.push(b)) {
          if (e->error != FrameError::none) {
            error = "frame error " + std::to_string(static_cast<int>(e->error));
            return true;
          }
          out.push_back(std::move(e->payload));
          return out.size() == answers;
        }
        return false;
      });
      if (!error.empty()) throw Error("fpga-sim: answer dropped by the host decoder: " + error);
      waited = out.size() == answers ? 0 : waited + ran;
      if (waited >= limit) {
        throw Error("fpga-sim: no answer to opcode " + std::to_string(request.empty() ? 0 : request[0]) + " within " +
                    std::to_string(limit) + " cycles");
      }
    }
    return out;
  }
  std::string describe() const override {
    return "Verilated sf_core N = " + std::to_string(geo_.n) + ", NA = " + std::to_string(geo_.na);
  }

private:
  std::unique_ptr<SimCore> core_;
  CoreGeometry geo_;
  FrameDecoder decoder_;
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
