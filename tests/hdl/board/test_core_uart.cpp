// sf_core_uart (UART receiver, FIFO, sf_core, UART transmitter), Verilated at N = 256 and driven
// only through its rx/tx pins at DIV = 24 (1 Mbaud at 24 MHz). Every reply must equal the golden
// core's and the byte-stream path's (CoreSimOf on the bare sf_core), including steps in which all
// 256 neurons spike, so that the core stalls on the slow UART instead of losing output.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "Vsf_core_n256.h"
#include "Vsf_core_uart_n256.h"
#include "core_sim.hpp"
#include "random_network.hpp"
#include "spikeforge/hw/cobs.hpp"
#include "spikeforge/hw/golden_core.hpp"
#include "spikeforge/hw/protocol.hpp"
#include "uart_line.hpp"
#include "verilated.h"

namespace {

using namespace spikeforge::hw;
using spikeforge::test::UartLineDriver;
using spikeforge::test::UartLineReceiver;
using Payload = std::vector<std::uint8_t>;

constexpr unsigned kDiv = 24;

/// The core behind its UART pins, with a host that sends a request and waits for its replies.
class UartCore {
public:
  UartCore() : line_(kDiv), host_rx_(kDiv) {
    top_->rx = 1;
    top_->rst = 1;
    for (int i = 0; i < 4; ++i) edge();
    top_->rst = 0;
  }

  std::vector<Payload> transact(const Payload& request, std::size_t replies) {
    return transact_raw(encode_frame(request), replies);
  }

  std::vector<Payload> transact_raw(const std::vector<std::uint8_t>& wire, std::size_t replies) {
    line_.send_all(wire, 1);
    std::vector<Payload> out;
    // Generous: every reply byte takes 10 * DIV clocks, a full step a few thousand more.
    const std::uint64_t limit = cycles_ + 4'000'000 + 300ULL * kDiv * 10 * (replies + 1);
    while ((out.size() < replies || !line_.idle()) && cycles_ < limit) {
      top_->rx = line_.next();
      edge();
      host_rx_.sample(top_->tx != 0);
      for (const auto b : host_rx_.bytes()) {
        if (auto ev = decoder_.push(b)) {
          EXPECT_EQ(ev->error, FrameError::none) << "reply frame rejected by the host decoder";
          out.push_back(std::move(ev->payload));
        }
      }
      host_rx_.bytes().clear();
    }
    EXPECT_LT(cycles_, limit) << "no complete reply through the UART within the time limit";
    EXPECT_EQ(host_rx_.framing_errors(), 0U) << "UART framing errors seen by the host";
    return out;
  }

  std::uint64_t cycles() const { return cycles_; }

private:
  void edge() {
    top_->clk = 0;
    top_->eval();
    top_->clk = 1;
    top_->eval();
    ++cycles_;
  }

  std::unique_ptr<VerilatedContext> ctx_ = std::make_unique<VerilatedContext>();
  std::unique_ptr<Vsf_core_uart_n256> top_ = std::make_unique<Vsf_core_uart_n256>(ctx_.get());
  UartLineDriver line_;
  UartLineReceiver host_rx_;
  FrameDecoder decoder_;
  std::uint64_t cycles_ = 0;
};

/// Sends one request to all three (golden, byte stream, UART) and requires identical replies.
struct Trio {
  GoldenCore golden{CoreGeometry{256, 256, 8}};
  CoreSimOf<Vsf_core_n256> bytes;
  UartCore uart;
  unsigned requests = 0;

  /// Sends `req` under a tag (the request count); returns the UART replies without their tags.
  std::vector<Payload> run(const Payload& req) {
    ++requests;
    const auto frame = tagged(static_cast<std::uint8_t>(1 + requests % 255), req);
    const auto expected = golden.handle_frame(frame);
    const auto via_bytes = bytes.transact(frame, expected.size());
    const auto via_uart = uart.transact(frame, expected.size());
    EXPECT_EQ(via_bytes, expected) << "byte-stream replies to request " << requests
                                   << " (opcode " << unsigned(req[0]) << ")";
    EXPECT_EQ(via_uart.size(), expected.size()) << "UART reply count for request " << requests
                                                << " (opcode " << unsigned(req[0]) << ")";
    for (std::size_t i = 0; i < std::min(via_uart.size(), expected.size()); ++i) {
      EXPECT_EQ(via_uart[i], expected[i]) << "UART reply " << i << " to request " << requests
                                          << " (opcode " << unsigned(req[0]) << ")";
    }
    std::vector<Payload> bodies;
    for (const auto& r : via_uart) bodies.emplace_back(r.begin() + (r.empty() ? 0 : 1), r.end());
    return bodies;
  }
};

TEST(CoreUart, SameRepliesAsByteStreamIncludingAllNeuronsSpiking) {
  Trio t;
  const auto info = t.run(req_hello());
  ASSERT_EQ(info.size(), 1U);
  EXPECT_EQ(parse_info(info[0]).n, 256U) << "N reported through the UART";

  // A lively random network (LIF / Izhikevich mix, STDP on), loaded through the UART.
  const auto net = test::random_network(CoreGeometry{256, 256, 8}, test::NetworkOptions{}, 4242);
  for (const auto& req : test::load_requests(net)) t.run(req);
  std::mt19937 rng(17);
  unsigned spikes = 0;
  for (int step = 0; step < 30; ++step) {
    const auto axons = test::random_input(net, rng);
    if (!axons.empty()) t.run(req_input(0, axons));
    const auto r = t.run(req_step(1));
    ASSERT_EQ(r.size(), 1U) << "SPIKES frames for one step";
    spikes += static_cast<unsigned>(parse_spikes(r[0]).ids.size());
  }
  EXPECT_GT(spikes, 0U) << "spikes in 30 steps of the random network";

  // Now every neuron spikes in every step: LIF with the lowest possible threshold and no
  // refractory period. Each SPIKES frame then carries all 256 ids (261-byte payload).
  for (unsigned n0 = 0; n0 < 256; n0 += 31) {
    std::vector<std::uint16_t> words;
    for (unsigned k = n0; k < std::min(256U, n0 + 31); ++k) {
      const std::uint16_t p[param::count] = {0, 0x8000, 0, 0, 0, 0, 0, 0};
      words.insert(words.end(), p, p + param::count);
    }
    t.run(req_write_params(n0, words));
  }
  // Neurons still refractory from the random run would sit out the first steps.
  const std::vector<std::uint16_t> ready(128, 0);
  for (unsigned n0 = 0; n0 < 256; n0 += 128) t.run(req_write_state(StateKind::nst, n0, ready));
  const auto all = t.run(req_step(3));
  ASSERT_EQ(all.size(), 3U) << "SPIKES frames for STEP 3";
  for (const auto& frame : all) {
    EXPECT_EQ(parse_spikes(frame).ids.size(), 256U) << "neurons spiking in an all-spike step";
  }

  // Read-back after the run: membranes, traces and some learned weight rows.
  for (unsigned n0 = 0; n0 < 256; n0 += 128) t.run(req_read_state(StateKind::v, n0, 128));
  for (unsigned n0 = 0; n0 < 256; n0 += 128) t.run(req_read_state(StateKind::post, n0, 128));
  for (unsigned s = 0; s < 512; s += 37) t.run(req_read_weights(s, 0, 256));

  // Faults through the UART: a corrupted frame and an unknown opcode are NAKed, then HELLO works.
  std::vector<std::uint8_t> bad = encode_frame(tagged(9, req_hello()));
  bad[1] ^= 0x10;
  const auto nak = t.uart.transact_raw(bad, 1);
  ASSERT_EQ(nak.size(), 1U) << "replies to a corrupted frame";
  EXPECT_EQ(nak[0], GoldenCore::frame_error(Nak::bad_crc)) << "NAK for a corrupted frame";
  t.run(Payload{0x7F});
  t.run(req_hello());
  std::printf("UART-level run: %llu clocks at DIV = %u\n",
              static_cast<unsigned long long>(t.uart.cycles()), kDiv);
}

}  // namespace
