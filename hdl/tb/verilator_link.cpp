// The fpga-sim link: the CoreLink of a Verilated sf_core in process (declared with the other links
// in spikeforge/hw/transport.hpp). It lives here, not in src/hw, because it builds the Verilated
// models, which the spikeforge library does not depend on.
#include <spikeforge/hw/transport.hpp>

#include <spikeforge/core/error.hpp>

#include "core_sim.hpp"

namespace spikeforge::hw {

namespace {

class VerilatorLink final : public CoreLink {
public:
  explicit VerilatorLink(const CoreGeometry& geo) : core_(make_core_sim(geo)), geo_(geo) {}

  std::vector<Payload> transact(std::span<const std::uint8_t> request, std::size_t answers) override {
    bytes_out_ += core_->send(request);
    // A step of the full core takes ~20 k cycles; 50 M cycles without every answer is a hang.
    try {
      return core_->answers(answers);
    } catch (const Error& e) {
      throw Error(describe() + ", request opcode " + std::to_string(request.empty() ? 0 : request[0]) + ": " +
                  e.what());
    }
  }
  std::string describe() const override {
    return "Verilated sf_core N = " + std::to_string(geo_.n) + ", NA = " + std::to_string(geo_.na);
  }

private:
  std::unique_ptr<CoreSim> core_;
  CoreGeometry geo_;
};

}  // namespace

std::unique_ptr<CoreLink> make_verilator_link(CoreGeometry geometry) { return std::make_unique<VerilatorLink>(geometry); }

}  // namespace spikeforge::hw
