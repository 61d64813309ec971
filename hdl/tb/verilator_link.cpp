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

  void write(std::span<const std::uint8_t> bytes) override {
    bytes_out_ += bytes.size();
    core_->push_bytes(bytes);
  }
  std::vector<std::uint8_t> read() override {
    // Runs to the end of the next frame. A step of the full core takes ~20 k cycles and CLEAR
    // ~16 k; silence for kSilenceLimit cycles means nothing more is coming.
    std::vector<std::uint8_t> out;
    core_->run(kSilenceLimit, [&](std::uint8_t b) {
      out.push_back(b);
      return b == 0;
    });
    return out;
  }
  std::string timeout() const override { return std::to_string(kSilenceLimit) + " cycles"; }
  std::string describe() const override {
    return "Verilated sf_core N = " + std::to_string(geo_.n) + ", NA = " + std::to_string(geo_.na);
  }

private:
  std::unique_ptr<CoreSim> core_;
  CoreGeometry geo_;
  static constexpr std::uint64_t kSilenceLimit = 2'000'000;
};

}  // namespace

std::unique_ptr<CoreLink> make_verilator_link(CoreGeometry geometry) { return std::make_unique<VerilatorLink>(geometry); }

}  // namespace spikeforge::hw
