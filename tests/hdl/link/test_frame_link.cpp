// sf_frame_rx and sf_frame_tx, Verilated, in an echo loop: every good frame must come back as
// exactly encode_frame(payload), and every verdict (frame or error code) must equal the one the
// C++ FrameDecoder gives for the same byte stream.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include "Vtb_frame_loopback.h"
#include "spikeforge/hw/cobs.hpp"
#include "verilated.h"

namespace {

using spikeforge::hw::encode_frame;
using spikeforge::hw::FrameDecoder;
using spikeforge::hw::FrameError;
using Bytes = std::vector<std::uint8_t>;

struct Verdict {
  unsigned code;     // 0 = good frame, else err_code
  unsigned length;   // frame_len of a good frame
  bool operator==(const Verdict&) const = default;
};

class FrameLoop {
public:
  explicit FrameLoop(unsigned seed) : rng_(seed) {
    ctx_ = std::make_unique<VerilatedContext>();
    top_ = std::make_unique<Vtb_frame_loopback>(ctx_.get());
    top_->rst = 1;
    for (int i = 0; i < 4; ++i) step();
    top_->rst = 0;
    verdicts_.clear();
    out_.clear();
  }

  void send(const Bytes& wire) { in_.insert(in_.end(), wire.begin(), wire.end()); }

  /// Probability (per mille) that out_ready is high in a clock.
  void set_out_ready(unsigned permille) { ready_permille_ = permille; }

  void step() {
    top_->in_valid = in_.empty() ? 0 : 1;
    top_->in_data = in_.empty() ? 0 : in_.front();
    top_->out_ready = (rng_() % 1000) < ready_permille_ ? 1 : 0;
    top_->clk = 0;
    top_->eval();
    const bool in_fire = top_->in_valid && top_->in_ready;
    const bool out_fire = top_->out_valid && top_->out_ready;
    const std::uint8_t out_byte = top_->out_data;
    top_->clk = 1;
    top_->eval();
    ++cycles_;
    if (top_->rst) return;
    if (in_fire) in_.pop_front();
    if (out_fire) out_.push_back(out_byte);
    if (top_->err_valid) verdicts_.push_back({top_->err_code, 0});
    if (top_->frame_valid && !prev_frame_valid_) verdicts_.push_back({0, top_->frame_len});
    prev_frame_valid_ = top_->frame_valid;
  }

  /// Runs until all input is taken and the echo path has been quiet for a while.
  void drain(std::uint64_t max_cycles) {
    unsigned quiet = 0;
    const std::uint64_t limit = cycles_ + max_cycles;
    while (quiet < 64 && cycles_ < limit) {
      step();
      const bool busy = !in_.empty() || top_->out_valid || top_->frame_valid;
      quiet = busy ? 0 : quiet + 1;
    }
    ASSERT_LT(cycles_, limit) << "echo loop did not go idle within " << max_cycles << " clocks";
  }

  const Bytes& out() const { return out_; }
  const std::vector<Verdict>& verdicts() const { return verdicts_; }
  std::uint64_t cycles() const { return cycles_; }

private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vtb_frame_loopback> top_;
  std::mt19937 rng_;
  std::deque<std::uint8_t> in_;
  Bytes out_;
  std::vector<Verdict> verdicts_;
  unsigned ready_permille_ = 1000;
  bool prev_frame_valid_ = false;
  std::uint64_t cycles_ = 0;
};

Bytes random_payload(std::mt19937& rng, std::size_t n) {
  Bytes p(n);
  const unsigned zero_permille = (rng() % 3 == 0) ? 0 : rng() % 600;
  for (auto& b : p) b = (rng() % 1000 < zero_permille) ? 0 : static_cast<std::uint8_t>(1 + rng() % 255);
  return p;
}

/// Feeds `wire` to the RTL and to FrameDecoder; both must agree on every verdict and the echo
/// must be the canonical encoding of every good payload.
void expect_same_as_reference(FrameLoop& loop, const Bytes& wire, std::uint64_t max_cycles) {
  FrameDecoder ref;
  std::vector<Verdict> expected;
  Bytes expected_echo;
  for (const auto& ev : ref.push(std::span<const std::uint8_t>(wire))) {
    if (ev.error == FrameError::none) {
      expected.push_back({0, static_cast<unsigned>(ev.payload.size())});
      const Bytes enc = encode_frame(ev.payload);
      expected_echo.insert(expected_echo.end(), enc.begin(), enc.end());
    } else {
      expected.push_back({static_cast<unsigned>(ev.error), 0});
    }
  }
  loop.send(wire);
  loop.drain(max_cycles);
  const auto& got = loop.verdicts();
  ASSERT_EQ(got.size(), expected.size()) << "number of verdicts (frames + errors)";
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].code, expected[i].code) << "err_code of verdict " << i << " (0 = good frame)";
    ASSERT_EQ(got[i].length, expected[i].length) << "frame_len of verdict " << i;
  }
  ASSERT_EQ(loop.out().size(), expected_echo.size()) << "echoed byte count";
  for (std::size_t i = 0; i < expected_echo.size(); ++i) {
    ASSERT_EQ(loop.out()[i], expected_echo[i]) << "echoed byte " << i;
  }
}

TEST(FrameLink, EveryPayloadLengthRoundTripsUnderBackPressure) {
  std::mt19937 rng(2024);
  // Three output-ready regimes: free flowing, random and heavily throttled.
  for (unsigned permille : {1000U, 500U, 60U}) {
    FrameLoop loop(permille);
    loop.set_out_ready(permille);
    Bytes wire;
    for (std::size_t n = 0; n <= spikeforge::hw::max_frame_payload; ++n) {
      const Bytes enc = encode_frame(random_payload(rng, n));
      wire.insert(wire.end(), enc.begin(), enc.end());
    }
    expect_same_as_reference(loop, wire, 60'000'000);
    // Length 0 decodes to two CRC bytes only: one bad-CRC verdict, then 512 good frames.
    ASSERT_EQ(loop.verdicts().front().code, 1U) << "verdict for the empty payload";
    ASSERT_EQ(loop.verdicts().size(), 513U) << "verdicts for payload lengths 0..512";
  }
}

TEST(FrameLink, CanonicalEncodingAroundFullGroups) {
  // Payloads whose encoding has full 254-byte groups exactly at the end or just before a zero.
  FrameLoop loop(5);
  Bytes wire;
  for (std::size_t n : {252U, 253U, 254U, 255U, 256U, 507U, 508U, 509U, 510U, 512U}) {
    for (std::uint8_t tail : {0x00, 0x01}) {
      Bytes p(n, 0xA5);
      p.back() = tail;
      const Bytes enc = encode_frame(p);
      wire.insert(wire.end(), enc.begin(), enc.end());
    }
  }
  expect_same_as_reference(loop, wire, 5'000'000);
}

TEST(FrameLink, CorruptedBytesGiveTheReferenceVerdicts) {
  std::mt19937 rng(77);
  FrameLoop loop(77);
  loop.set_out_ready(700);
  Bytes wire;
  unsigned corrupted = 0;
  for (int f = 0; f < 300; ++f) {
    Bytes enc = encode_frame(random_payload(rng, 1 + rng() % 200));
    if (rng() % 2 == 0) {
      // Any byte but the delimiter, to any value: code bytes too, and new zeros that split frames.
      const std::size_t pos = rng() % (enc.size() - 1);
      enc[pos] = static_cast<std::uint8_t>(enc[pos] ^ (1 + rng() % 255));
      ++corrupted;
    }
    wire.insert(wire.end(), enc.begin(), enc.end());
  }
  expect_same_as_reference(loop, wire, 20'000'000);
  unsigned errors = 0;
  for (const auto& v : loop.verdicts()) errors += v.code != 0;
  EXPECT_GE(errors, corrupted * 9 / 10) << "errors seen for " << corrupted << " corrupted frames";
}

TEST(FrameLink, TruncatedFramesAndGarbage) {
  std::mt19937 rng(31);
  FrameLoop loop(31);
  loop.set_out_ready(800);
  Bytes wire;
  for (int f = 0; f < 200; ++f) {
    Bytes enc = encode_frame(random_payload(rng, 1 + rng() % 300));
    if (rng() % 2 == 0) {
      enc.resize(1 + rng() % (enc.size() - 1));
      enc.push_back(0);
    }
    wire.insert(wire.end(), enc.begin(), enc.end());
    if (rng() % 10 == 0) {
      for (int g = 0; g < 40; ++g) wire.push_back(static_cast<std::uint8_t>(rng() % 4 == 0 ? 0 : rng()));
      wire.push_back(0);
    }
    if (rng() % 10 == 0) wire.insert(wire.end(), {0, 0, 0});  // empty frames: ignored
  }
  expect_same_as_reference(loop, wire, 20'000'000);
}

TEST(FrameLink, TooLongFramesAreDroppedAndTheLinkRecovers) {
  FrameLoop loop(9);
  Bytes wire;
  for (std::size_t n : {512U, 513U, 514U, 515U, 700U, 1500U, 512U}) {
    for (std::uint8_t fill : {0x00, 0x33}) {
      const Bytes enc = encode_frame(Bytes(n, fill));
      wire.insert(wire.end(), enc.begin(), enc.end());
      const Bytes ok = encode_frame(Bytes{0x01, 0x02});
      wire.insert(wire.end(), ok.begin(), ok.end());
    }
  }
  expect_same_as_reference(loop, wire, 10'000'000);
  unsigned too_long = 0;
  for (const auto& v : loop.verdicts()) too_long += v.code == 3;
  EXPECT_EQ(too_long, 10U) << "too-long verdicts for payloads of 513, 514, 515, 700 and 1500 bytes";
}

}  // namespace
