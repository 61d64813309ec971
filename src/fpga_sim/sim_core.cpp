#include "sim_core.hpp"

#include <deque>
#include <string>

// Verilator's own headers do not build clean under -Wextra; they are not ours to change.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <Vsf_core_n256.h>
#include <Vsf_core_n32.h>
#include <Vsf_core_n64.h>
#pragma GCC diagnostic pop

#include <spikeforge/core/error.hpp>

namespace spikeforge::hw {

namespace {

template <class Model>
class SimCoreOf final : public SimCore {
public:
  SimCoreOf() : top_(std::make_unique<Model>()) {
    top_->rst = 1;
    top_->in_valid = 0;
    top_->out_ready = 1;
    for (int k = 0; k < 4; ++k) tick(nullptr);
    top_->rst = 0;
    tick(nullptr);
  }
  ~SimCoreOf() override { top_->final(); }

  void push(std::span<const std::uint8_t> bytes) override { in_.insert(in_.end(), bytes.begin(), bytes.end()); }

  std::uint64_t run(std::uint64_t max_cycles, const std::function<bool(std::uint8_t)>& on_byte) override {
    for (std::uint64_t c = 0; c < max_cycles; ++c) {
      bool stop = false;
      tick([&](std::uint8_t b) { stop = on_byte(b); });
      if (stop) return c + 1;
    }
    return max_cycles;
  }
  bool input_empty() const override { return in_.empty(); }
  std::uint64_t cycles() const override { return cycles_; }

private:
  template <class F>
  void tick(F&& on_byte) {
    top_->clk = 0;
    top_->in_valid = in_.empty() ? 0 : 1;
    top_->in_data = in_.empty() ? 0 : in_.front();
    top_->out_ready = 1;
    top_->eval();
    const bool in_fire = top_->in_valid && top_->in_ready;
    const bool out_fire = top_->out_valid;
    const std::uint8_t out_byte = top_->out_data;
    top_->clk = 1;
    top_->eval();
    if (in_fire) in_.pop_front();
    ++cycles_;
    if constexpr (!std::is_same_v<std::decay_t<F>, std::nullptr_t>) {
      if (out_fire) on_byte(out_byte);
    }
  }

  std::unique_ptr<Model> top_;
  std::deque<std::uint8_t> in_;
  std::uint64_t cycles_ = 0;
};

}  // namespace

std::unique_ptr<SimCore> make_sim_core(const CoreGeometry& geo) {
  if (geo.n == 32 && geo.na == 32) return std::make_unique<SimCoreOf<Vsf_core_n32>>();
  if (geo.n == 64 && geo.na == 48) return std::make_unique<SimCoreOf<Vsf_core_n64>>();
  if (geo.n == 256 && geo.na == 256) return std::make_unique<SimCoreOf<Vsf_core_n256>>();
  throw UnsupportedError("fpga-sim: no Verilated core with N = " + std::to_string(geo.n) + ", NA = " +
                         std::to_string(geo.na) + " (built: 32/32, 64/48, 256/256)");
}

}  // namespace spikeforge::hw
