// Verilator harness of sf_core: drives the raw framed byte stream from C++ through the same
// packet encoder the host uses, and decodes the core's answers with the host's FrameDecoder.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "spikeforge/core/error.hpp"
#include "spikeforge/hw/cobs.hpp"

namespace spikeforge::hw {

/// One Verilated sf_core (Model = the Verilator class, e.g. Vsf_core_n32).
template <class Model>
class CoreSim {
public:
  using Payload = std::vector<std::uint8_t>;

  CoreSim() : top_(std::make_unique<Model>()) { reset(); }

  void reset() {
    top_->rst = 1;
    top_->in_valid = 0;
    top_->out_ready = 1;
    for (int k = 0; k < 4; ++k) tick();
    top_->rst = 0;
    tick();
    cycles_ = 0;
  }

  /// Whether the host takes an output byte in a given cycle (default: always);
  /// a sparse pattern models a slow link and exercises the core's back-pressure.
  void set_out_ready(std::function<bool(std::uint64_t)> policy) { out_ready_ = std::move(policy); }

  /// Queues raw link bytes (framed or deliberately broken).
  void push_bytes(std::span<const std::uint8_t> bytes) { in_.insert(in_.end(), bytes.begin(), bytes.end()); }
  void send(std::span<const std::uint8_t> payload) {
    const auto frame = encode_frame(payload);
    push_bytes(frame);
  }

  /// Runs until `count` frames have arrived; throws if max_cycles pass first (a hang).
  std::vector<FrameEvent> receive(std::size_t count, std::uint64_t max_cycles = 50'000'000) {
    const std::uint64_t limit = cycles_ + max_cycles;
    while (events_.size() < count) {
      if (cycles_ >= limit) {
        throw Error("core simulation: waited " + std::to_string(max_cycles) + " cycles for " +
                    std::to_string(count) + " frames, got " + std::to_string(events_.size()));
      }
      tick();
    }
    std::vector<FrameEvent> out(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(count));
    events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(count));
    return out;
  }

  /// Sends one request and returns the payloads of `count` answers (each must be a good frame).
  std::vector<Payload> transact(std::span<const std::uint8_t> payload, std::size_t count = 1) {
    send(payload);
    std::vector<Payload> out;
    for (auto& e : receive(count)) {
      if (e.error != FrameError::none) {
        throw Error("core simulation: answer frame dropped by the host decoder, error " +
                    std::to_string(static_cast<int>(e.error)));
      }
      out.push_back(std::move(e.payload));
    }
    return out;
  }

  /// Runs idle cycles (e.g. to show that nothing more arrives).
  void run(std::uint64_t n) {
    for (std::uint64_t k = 0; k < n; ++k) tick();
  }

  std::size_t pending_events() const noexcept { return events_.size(); }
  bool input_drained() const noexcept { return in_.empty(); }
  std::uint64_t cycles() const noexcept { return cycles_; }
  Model& model() noexcept { return *top_; }

private:
  void tick() {
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
    if (out_fire) {
      if (auto e = decoder_.push(out_byte)) events_.push_back(std::move(*e));
    }
    ++cycles_;
  }

  std::unique_ptr<Model> top_;
  std::deque<std::uint8_t> in_;
  std::deque<FrameEvent> events_;
  FrameDecoder decoder_;
  std::function<bool(std::uint64_t)> out_ready_;
  std::uint64_t cycles_ = 0;
};

}  // namespace spikeforge::hw
