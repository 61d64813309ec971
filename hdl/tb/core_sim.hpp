// The one Verilator harness of sf_core: its ready/valid byte stream driven from C++. Raw bytes go
// in (push_bytes), every output byte the host takes comes out (run); send / receive / transact do
// the same through the host's packet encoder and FrameDecoder. Used by the co-simulation tests
// (tests/hdl), the pseudo-terminal core of the serial tests and the fpga-sim link
// (verilator_link.cpp).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "spikeforge/core/error.hpp"
#include "spikeforge/hw/cobs.hpp"
#include "spikeforge/hw/golden_model.hpp"

namespace spikeforge::hw {

/// A Verilated sf_core of any size, as a byte pipe with a host-side frame decoder.
class CoreSim {
public:
  using Payload = std::vector<std::uint8_t>;
  /// Gets each output byte; returns true to stop after that cycle.
  using ByteSink = std::function<bool(std::uint8_t)>;

  virtual ~CoreSim() = default;

  /// Clocks up to `max_cycles` cycles; every output byte the host takes goes to on_byte.
  /// Returns the cycles run.
  virtual std::uint64_t run(std::uint64_t max_cycles, const ByteSink& on_byte) = 0;

  /// Queues raw link bytes (framed or deliberately broken).
  void push_bytes(std::span<const std::uint8_t> bytes) { in_.insert(in_.end(), bytes.begin(), bytes.end()); }
  /// Queues one request frame; returns its size on the wire.
  std::size_t send(std::span<const std::uint8_t> payload) {
    const auto frame = encode_frame(payload);
    push_bytes(frame);
    return frame.size();
  }

  /// Runs until `count` frames have arrived; throws Error if max_cycles pass first (a hang).
  std::vector<FrameEvent> receive(std::size_t count, std::uint64_t max_cycles = 50'000'000) {
    std::vector<FrameEvent> out;
    if (count == 0) return out;
    run(max_cycles, [&](std::uint8_t b) {
      if (auto e = decoder_.push(b)) out.push_back(std::move(*e));
      return out.size() == count;
    });
    if (out.size() < count) {
      throw Error("Verilated sf_core: waited " + std::to_string(max_cycles) + " cycles for " + std::to_string(count) +
                  " frames, got " + std::to_string(out.size()));
    }
    return out;
  }

  /// The payloads of the next `count` frames, each of which must arrive undamaged.
  std::vector<Payload> answers(std::size_t count) {
    std::vector<Payload> out;
    for (auto& e : receive(count)) {
      if (e.error != FrameError::none) {
        throw Error("Verilated sf_core: answer frame dropped by the host decoder, error " +
                    std::to_string(static_cast<int>(e.error)));
      }
      out.push_back(std::move(e.payload));
    }
    return out;
  }

  /// Sends one request and returns the payloads of its `count` answers.
  std::vector<Payload> transact(std::span<const std::uint8_t> payload, std::size_t count = 1) {
    send(payload);
    return answers(count);
  }

  /// Whether the host takes an output byte in a given cycle (default: always); a sparse pattern
  /// models a slow link and exercises the core's back-pressure.
  void set_out_ready(std::function<bool(std::uint64_t)> policy) { out_ready_ = std::move(policy); }
  /// Whether the core has taken every pushed byte.
  bool input_empty() const noexcept { return in_.empty(); }
  /// Cycles since reset.
  std::uint64_t cycles() const noexcept { return cycles_; }

protected:
  std::deque<std::uint8_t> in_;
  std::function<bool(std::uint64_t)> out_ready_;
  std::uint64_t cycles_ = 0;

private:
  FrameDecoder decoder_;
};

/// CoreSim of one Verilator class (e.g. Vsf_core_n32); tests name the class, the fpga-sim link
/// picks it by geometry (make_core_sim).
template <class Model>
class CoreSimOf final : public CoreSim {
public:
  CoreSimOf() : top_(std::make_unique<Model>()) {
    top_->rst = 1;
    top_->in_valid = 0;
    top_->out_ready = 1;
    for (int k = 0; k < 4; ++k) tick(nullptr);
    top_->rst = 0;
    tick(nullptr);
    cycles_ = 0;
  }
  ~CoreSimOf() override { top_->final(); }

  std::uint64_t run(std::uint64_t max_cycles, const ByteSink& on_byte) override {
    for (std::uint64_t c = 0; c < max_cycles; ++c) {
      if (tick(on_byte)) return c + 1;
    }
    return max_cycles;
  }

private:
  /// One clock cycle; returns what the sink returned for this cycle's output byte (false if none).
  template <class Sink>
  bool tick(const Sink& on_byte) {
    top_->clk = 0;
    top_->in_valid = in_.empty() ? 0 : 1;
    top_->in_data = in_.empty() ? 0 : in_.front();
    top_->out_ready = out_ready_ ? (out_ready_(cycles_) ? 1 : 0) : 1;
    top_->eval();
    const bool in_fire = top_->in_valid && top_->in_ready;
    const bool out_fire = top_->out_valid && top_->out_ready;
    const std::uint8_t out_byte = top_->out_data;
    top_->clk = 1;
    top_->eval();
    if (in_fire) in_.pop_front();
    ++cycles_;
    if constexpr (std::is_same_v<Sink, std::nullptr_t>) {
      return false;
    } else {
      return out_fire && on_byte(out_byte);
    }
  }

  std::unique_ptr<Model> top_;
};

/// The Verilated core of this geometry: N = 32 / NA = 32, N = 64 / NA = 48 or N = NA = 256 (the
/// sizes hdl/tb/CMakeLists.txt builds); any other throws UnsupportedError.
std::unique_ptr<CoreSim> make_core_sim(const CoreGeometry& geometry);

}  // namespace spikeforge::hw
