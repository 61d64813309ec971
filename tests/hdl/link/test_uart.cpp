// sf_uart_rx / sf_uart_tx at the pins, Verilated at two divisors: exact bit timing of the
// transmitter, the receiver's sample point, clock skew tolerance, and whole frames through
// UART -> FIFO -> frame_rx -> frame_tx -> UART compared with the C++ framing code.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vtb_uart_loopback_13.h"
#include "Vtb_uart_loopback_24.h"
#include "Vtb_uart_pair_24.h"
#include "Vtb_uart_pair_7.h"
#include "spikeforge/hw/cobs.hpp"
#include "uart_line.hpp"
#include "verilated.h"

namespace {

using spikeforge::hw::encode_frame;
using spikeforge::hw::FrameDecoder;
using spikeforge::hw::FrameError;
using spikeforge::test::UartLineDriver;
using spikeforge::test::UartLineReceiver;
using Bytes = std::vector<std::uint8_t>;

template <class Model>
struct Sim {
  std::unique_ptr<VerilatedContext> ctx = std::make_unique<VerilatedContext>();
  std::unique_ptr<Model> top = std::make_unique<Model>(ctx.get());

  Sim() {
    top->rx = 1;
    top->rst = 1;
    for (int i = 0; i < 4; ++i) edge();
    top->rst = 0;
  }
  void edge() {
    top->clk = 0;
    top->eval();
    top->clk = 1;
    top->eval();
  }
};

// ---- receiver ---------------------------------------------------------------------------

template <class Model>
void receiver_samples_at_bit_centre(unsigned div) {
  std::mt19937 rng(div);
  Sim<Model> sim;
  UartLineDriver line(div);
  Bytes sent;
  for (int i = 0; i < 300; ++i) {
    const auto b = static_cast<std::uint8_t>(i < 256 ? i : rng());
    sent.push_back(b);
    // Window 0: each data bit is right in the centre clock only, inverted everywhere else.
    line.send(b, rng() % 3, 0);
  }
  Bytes got;
  while (!line.idle()) {
    sim.top->rx = line.next();
    sim.edge();
    if (sim.top->rx_valid) got.push_back(sim.top->rx_data);
  }
  for (int i = 0; i < 3 * static_cast<int>(div); ++i) {
    sim.edge();
    if (sim.top->rx_valid) got.push_back(sim.top->rx_data);
  }
  ASSERT_EQ(got.size(), sent.size()) << "bytes received at DIV = " << div
                                     << " with data valid only at the bit centre";
  for (std::size_t i = 0; i < sent.size(); ++i) {
    ASSERT_EQ(got[i], sent[i]) << "byte " << i << " at DIV = " << div
                               << " (sample point must be clock div/2 of each bit, tolerance 0)";
  }
}

TEST(UartRx, SamplesAtBitCentreDiv24) { receiver_samples_at_bit_centre<Vtb_uart_pair_24>(24); }
TEST(UartRx, SamplesAtBitCentreDiv7) { receiver_samples_at_bit_centre<Vtb_uart_pair_7>(7); }

template <class Model>
void receiver_off_centre_window_fails(unsigned div, int shift) {
  // The same data shifted by `shift` clocks away from the centre must be misread: the centre
  // test above can see a sample point that is off by this much.
  Sim<Model> sim;
  Bytes got;
  const std::uint8_t b = 0x55;
  std::deque<bool> levels;
  for (unsigned i = 0; i < div; ++i) levels.push_back(false);
  for (int bit = 0; bit < 8; ++bit) {
    const bool v = ((b >> bit) & 1) != 0;
    for (unsigned i = 0; i < div; ++i) {
      levels.push_back(static_cast<int>(i) == static_cast<int>(div / 2) + shift ? v : !v);
    }
  }
  for (unsigned i = 0; i < 3 * div; ++i) levels.push_back(true);
  for (const bool v : levels) {
    sim.top->rx = v;
    sim.edge();
    if (sim.top->rx_valid) got.push_back(sim.top->rx_data);
  }
  ASSERT_TRUE(got.empty() || got[0] != b)
      << "a byte valid only " << shift << " clocks off the bit centre was still read as 0x55";
}

TEST(UartRx, OffCentreDataIsNotSampled) {
  receiver_off_centre_window_fails<Vtb_uart_pair_24>(24, 1);
  receiver_off_centre_window_fails<Vtb_uart_pair_24>(24, -1);
  receiver_off_centre_window_fails<Vtb_uart_pair_7>(7, 1);
  receiver_off_centre_window_fails<Vtb_uart_pair_7>(7, -1);
}

TEST(UartRx, ToleratesHostClockSkewDiv24) {
  for (double skew : {-0.03, -0.015, 0.015, 0.03}) {
    Sim<Vtb_uart_pair_24> sim;
    UartLineDriver line(24);
    Bytes got;
    for (int i = 0; i < 256; ++i) line.send_skewed(static_cast<std::uint8_t>(i), skew);
    while (!line.idle()) {
      sim.top->rx = line.next();
      sim.edge();
      if (sim.top->rx_valid) got.push_back(sim.top->rx_data);
    }
    for (int i = 0; i < 100; ++i) {
      sim.edge();
      if (sim.top->rx_valid) got.push_back(sim.top->rx_data);
    }
    ASSERT_EQ(got.size(), 256U) << "bytes received with host bit period skewed by " << skew;
    for (int i = 0; i < 256; ++i) {
      ASSERT_EQ(got[i], i) << "byte " << i << " with host bit period skewed by " << skew;
    }
  }
}

TEST(UartRx, FramingErrorDropsTheByte) {
  Sim<Vtb_uart_pair_24> sim;
  std::deque<bool> levels;
  auto put = [&](bool v, unsigned n) { for (unsigned i = 0; i < n; ++i) levels.push_back(v); };
  put(false, 24 * 10);  // a break: start, eight zero bits and a low stop bit
  put(true, 24 * 3);
  UartLineDriver line(24);
  line.send(0xA7);
  Bytes got;
  for (const bool v : levels) {
    sim.top->rx = v;
    sim.edge();
    if (sim.top->rx_valid) got.push_back(sim.top->rx_data);
  }
  while (!line.idle()) {
    sim.top->rx = line.next();
    sim.edge();
    if (sim.top->rx_valid) got.push_back(sim.top->rx_data);
  }
  for (int i = 0; i < 48; ++i) {
    sim.edge();
    if (sim.top->rx_valid) got.push_back(sim.top->rx_data);
  }
  ASSERT_EQ(got.size(), 1U) << "bytes after a break (framing error) and one good byte";
  EXPECT_EQ(got[0], 0xA7) << "the good byte after a framing error";
}

// ---- transmitter ------------------------------------------------------------------------

template <class Model>
void transmitter_bit_timing(unsigned div) {
  std::mt19937 rng(div + 100);
  Sim<Model> sim;
  Bytes to_send;
  for (int i = 0; i < 200; ++i) to_send.push_back(static_cast<std::uint8_t>(rng()));
  std::vector<bool> line;
  std::vector<std::size_t> accepted_at;  // clock at which each byte was taken
  std::size_t next = 0;
  std::size_t pause = 0;
  const std::size_t total = to_send.size() * (10 * div + 40) + 100;
  for (std::size_t clock = 0; clock < total; ++clock) {
    // Mostly back to back; sometimes a pause so idle gaps are covered too.
    const bool offer = next < to_send.size() && pause == 0;
    sim.top->tx_valid = offer;
    sim.top->tx_data = offer ? to_send[next] : 0;
    sim.top->clk = 0;
    sim.top->eval();
    const bool fire = offer && sim.top->tx_ready;
    sim.top->clk = 1;
    sim.top->eval();
    if (fire) {
      accepted_at.push_back(clock);
      ++next;
      if (rng() % 4 == 0) pause = rng() % (3 * div);
    } else if (pause > 0) {
      --pause;
    }
    line.push_back(sim.top->tx != 0);
  }
  ASSERT_EQ(next, to_send.size()) << "bytes accepted by sf_uart_tx at DIV = " << div;
  // Byte k starts (line goes low) in the clock after it was accepted, and every one of its ten
  // bits holds its level for exactly div clocks.
  for (std::size_t k = 0; k < to_send.size(); ++k) {
    const std::size_t s = accepted_at[k];
    for (unsigned bit = 0; bit < 10; ++bit) {
      bool expect = true;
      if (bit == 0) expect = false;
      else if (bit <= 8) expect = ((to_send[k] >> (bit - 1)) & 1) != 0;
      for (unsigned c = 0; c < div; ++c) {
        ASSERT_EQ(line[s + bit * div + c], expect)
            << "tx level of byte " << k << ", bit " << bit << ", clock " << c << " of " << div;
      }
    }
    if (k + 1 < to_send.size()) {
      ASSERT_GE(accepted_at[k + 1], s + 10 * div)
          << "byte " << k + 1 << " accepted before byte " << k << "'s stop bit ended";
      for (std::size_t c = s + 10 * div; c < accepted_at[k + 1]; ++c) {
        ASSERT_TRUE(line[c]) << "line idle high between byte " << k << " and the next";
      }
    }
  }
  // Back-to-back bytes take exactly 10 * div clocks each.
  unsigned back_to_back = 0;
  for (std::size_t k = 0; k + 1 < accepted_at.size(); ++k) {
    if (accepted_at[k + 1] - accepted_at[k] == 10 * div) ++back_to_back;
  }
  EXPECT_GT(back_to_back, 100U) << "bytes sent exactly 10 * DIV = " << 10 * div << " clocks apart";
}

TEST(UartTx, BitTimingDiv24) { transmitter_bit_timing<Vtb_uart_pair_24>(24); }
TEST(UartTx, BitTimingDiv7) { transmitter_bit_timing<Vtb_uart_pair_7>(7); }

// ---- frames through both UARTs ----------------------------------------------------------

template <class Model>
void frames_through_uart(unsigned div) {
  std::mt19937 rng(div * 7);
  Sim<Model> sim;
  UartLineDriver host_tx(div);
  UartLineReceiver host_rx(div);
  FrameDecoder decoder;
  std::vector<unsigned> errors;

  auto run_until_reply = [&](std::size_t expected_frames, std::uint64_t max_clocks,
                             std::vector<spikeforge::hw::FrameEvent>& events) {
    std::uint64_t clock = 0;
    while (clock < max_clocks && (events.size() < expected_frames || !host_tx.idle())) {
      sim.top->rx = host_tx.next();
      sim.edge();
      ++clock;
      if (sim.top->err_valid) errors.push_back(sim.top->err_code);
      host_rx.sample(sim.top->tx != 0);
      for (const auto b : host_rx.bytes()) {
        if (auto ev = decoder.push(b)) events.push_back(std::move(*ev));
      }
      host_rx.bytes().clear();
    }
    ASSERT_LT(clock, max_clocks) << "no echo within " << max_clocks << " clocks at DIV = " << div;
  };

  std::vector<std::size_t> lengths{1, 2, 3, 253, 254, 255, 256, 511, 512};
  for (int i = 0; i < 6; ++i) lengths.push_back(1 + rng() % 512);
  for (const std::size_t n : lengths) {
    Bytes payload(n);
    for (auto& b : payload) b = (rng() % 5 == 0) ? 0 : static_cast<std::uint8_t>(rng());
    host_tx.send_all(encode_frame(payload), rng() % 3);
    std::vector<spikeforge::hw::FrameEvent> events;
    run_until_reply(1, 40ULL * div * (n + 10) + 10000, events);
    ASSERT_EQ(events.size(), 1U) << "echo frames for payload length " << n;
    ASSERT_EQ(events[0].error, FrameError::none) << "echo of a " << n << "-byte payload";
    ASSERT_EQ(events[0].payload, payload) << "echo of a " << n << "-byte payload at DIV = " << div;
  }
  // A corrupted frame is dropped with a bad-CRC error; the following frame still echoes.
  Bytes bad = encode_frame(Bytes{0x10, 0x20, 0x30});
  bad[2] ^= 0x40;
  host_tx.send_all(bad);
  const Bytes good{0x44, 0x00, 0x55};
  host_tx.send_all(encode_frame(good));
  std::vector<spikeforge::hw::FrameEvent> events;
  run_until_reply(1, 100ULL * div * 20, events);
  ASSERT_EQ(events.size(), 1U) << "echo frames after a corrupted and a good frame";
  EXPECT_EQ(events[0].payload, good) << "the good frame after a corrupted one";
  ASSERT_EQ(errors.size(), 1U) << "err_valid pulses over the whole run";
  EXPECT_EQ(errors[0], 1U) << "err_code for a corrupted byte";
  EXPECT_EQ(host_rx.framing_errors(), 0U) << "framing errors seen by the host's receiver";
}

TEST(UartLink, FramesRoundTripDiv24) { frames_through_uart<Vtb_uart_loopback_24>(24); }
TEST(UartLink, FramesRoundTripDiv13) { frames_through_uart<Vtb_uart_loopback_13>(13); }

}  // namespace
