// Link framing: CRC-16/CCITT-FALSE check values, COBS against the published examples,
// random round trips and the streaming decoder's error codes.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "spikeforge/hw/cobs.hpp"
#include "spikeforge/hw/crc16.hpp"

namespace {

using spikeforge::hw::cobs_decode;
using spikeforge::hw::cobs_encode;
using spikeforge::hw::crc16_ccitt;
using spikeforge::hw::encode_frame;
using spikeforge::hw::FrameDecoder;
using spikeforge::hw::FrameError;
using spikeforge::hw::FrameEvent;
using Bytes = std::vector<std::uint8_t>;

Bytes iota_bytes(unsigned first, unsigned last) {
  Bytes out;
  for (unsigned v = first; v <= last; ++v) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Crc16, CheckValueOf123456789) {
  const Bytes msg{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(crc16_ccitt(msg), 0x29B1) << "CRC-16/CCITT-FALSE check value, expected 0x29B1 exactly";
}

TEST(Crc16, EmptyIsInitAndResidueIsZero) {
  EXPECT_EQ(crc16_ccitt(Bytes{}), 0xFFFF) << "CRC of no bytes must be the initial value 0xFFFF";
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    Bytes msg(rng() % 600);
    for (auto& b : msg) b = static_cast<std::uint8_t>(rng());
    const std::uint16_t crc = crc16_ccitt(msg);
    msg.push_back(static_cast<std::uint8_t>(crc >> 8));
    msg.push_back(static_cast<std::uint8_t>(crc & 0xFF));
    ASSERT_EQ(crc16_ccitt(msg), 0) << "CRC of message||crc (big-endian) must be 0, length "
                                   << msg.size() - 2;
  }
}

TEST(Crc16, KnownShortVectors) {
  // Independent values of CRC-16/CCITT-FALSE (reveng catalogue convention).
  EXPECT_EQ(crc16_ccitt(Bytes{0x00}), 0xE1F0) << "CRC of {00}";
  EXPECT_EQ(crc16_ccitt(Bytes{'A'}), 0xB915) << "CRC of \"A\"";
}

struct CobsExample {
  Bytes raw;
  Bytes encoded;  // without the delimiter
};

// The example table of the Wikipedia COBS article (after Cheshire & Baker 1999).
std::vector<CobsExample> published_examples() {
  std::vector<CobsExample> ex;
  ex.push_back({{}, {0x01}});
  ex.push_back({{0x00}, {0x01, 0x01}});
  ex.push_back({{0x00, 0x00}, {0x01, 0x01, 0x01}});
  ex.push_back({{0x00, 0x11, 0x00}, {0x01, 0x02, 0x11, 0x01}});
  ex.push_back({{0x11, 0x22, 0x00, 0x33}, {0x03, 0x11, 0x22, 0x02, 0x33}});
  ex.push_back({{0x11, 0x22, 0x33, 0x44}, {0x05, 0x11, 0x22, 0x33, 0x44}});
  ex.push_back({{0x11, 0x00, 0x00, 0x00}, {0x02, 0x11, 0x01, 0x01, 0x01}});
  // 254 non-zero bytes: one full group, no trailing empty group.
  ex.push_back({iota_bytes(0x01, 0xFE), concat({0xFF}, iota_bytes(0x01, 0xFE))});
  // A leading zero then 254 non-zero bytes.
  ex.push_back({concat({0x00}, iota_bytes(0x01, 0xFE)),
                concat({0x01, 0xFF}, iota_bytes(0x01, 0xFE))});
  // 255 non-zero bytes: a full group and a group of one.
  ex.push_back({iota_bytes(0x01, 0xFF),
                concat(concat({0xFF}, iota_bytes(0x01, 0xFE)), {0x02, 0xFF})});
  // 254 non-zero bytes then a zero.
  ex.push_back({concat(iota_bytes(0x02, 0xFF), {0x00}),
                concat(concat({0xFF}, iota_bytes(0x02, 0xFF)), {0x01, 0x01})});
  // 253 non-zero bytes, a zero, one more byte.
  ex.push_back({concat(iota_bytes(0x03, 0xFF), {0x00, 0x01}),
                concat(concat({0xFE}, iota_bytes(0x03, 0xFF)), {0x02, 0x01})});
  return ex;
}

TEST(Cobs, PublishedExamplesEncode) {
  for (const auto& ex : published_examples()) {
    EXPECT_EQ(cobs_encode(ex.raw), ex.encoded)
        << "COBS encoding of a " << ex.raw.size() << "-byte published example";
  }
}

TEST(Cobs, PublishedExamplesDecode) {
  for (const auto& ex : published_examples()) {
    const auto decoded = cobs_decode(ex.encoded);
    ASSERT_TRUE(decoded.has_value()) << "decoding a " << ex.encoded.size()
                                     << "-byte published example failed";
    EXPECT_EQ(*decoded, ex.raw) << "COBS decoding of a " << ex.encoded.size()
                                << "-byte published example";
  }
}

TEST(Cobs, RandomRoundTripsHaveNoZeroAndBoundedOverhead) {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 2000; ++trial) {
    const std::size_t n = rng() % 1100;
    // Zero density from none to mostly zeros, so long runs and dense zeros both appear.
    const unsigned zero_permille = (trial % 5 == 0) ? 0 : rng() % 1000;
    Bytes raw(n);
    for (auto& b : raw) {
      b = (rng() % 1000 < zero_permille) ? 0 : static_cast<std::uint8_t>(1 + rng() % 255);
    }
    const Bytes enc = cobs_encode(raw);
    for (std::size_t i = 0; i < enc.size(); ++i) {
      ASSERT_NE(enc[i], 0) << "encoded byte " << i << " of a " << n << "-byte input is zero";
    }
    const std::size_t bound = n == 0 ? 1 : n + (n + 253) / 254;
    ASSERT_LE(enc.size(), bound) << "COBS overhead for n = " << n;
    const auto dec = cobs_decode(enc);
    ASSERT_TRUE(dec.has_value()) << "round trip decode failed for n = " << n;
    ASSERT_EQ(*dec, raw) << "round trip mismatch for n = " << n;
  }
}

TEST(Cobs, DecodeRejectsZeroAndTruncatedGroup) {
  EXPECT_FALSE(cobs_decode(Bytes{0x03, 0x11, 0x00}).has_value()) << "zero inside encoded data";
  EXPECT_FALSE(cobs_decode(Bytes{0x05, 0x11, 0x22}).has_value()) << "group runs past the end";
  EXPECT_FALSE(cobs_decode(Bytes{0x00}).has_value()) << "zero code byte";
}

std::vector<FrameEvent> decode_all(FrameDecoder& dec, const Bytes& wire) {
  return dec.push(std::span<const std::uint8_t>(wire));
}

TEST(FrameDecoder, RandomFramesOfEveryLengthRoundTrip) {
  std::mt19937 rng(99);
  FrameDecoder dec;
  for (std::size_t n = 0; n <= spikeforge::hw::max_frame_payload; ++n) {
    Bytes payload(n);
    for (auto& b : payload) b = (rng() % 4 == 0) ? 0 : static_cast<std::uint8_t>(rng());
    const auto events = decode_all(dec, encode_frame(payload));
    ASSERT_EQ(events.size(), 1U) << "events for one frame of payload length " << n;
    if (n == 0) {
      // Only the two CRC bytes remain after decoding: shorter than 3 bytes.
      EXPECT_EQ(events[0].error, FrameError::bad_crc) << "empty payload must be a bad-CRC error";
    } else {
      ASSERT_EQ(events[0].error, FrameError::none) << "error code for payload length " << n;
      ASSERT_EQ(events[0].payload, payload) << "payload for length " << n;
    }
  }
}

TEST(FrameDecoder, EmptyFramesAreIgnored) {
  FrameDecoder dec;
  const Bytes payload{0x01, 0x00, 0x02};
  Bytes wire{0x00, 0x00, 0x00};
  wire = concat(wire, encode_frame(payload));
  wire = concat(wire, Bytes{0x00, 0x00});
  const auto events = decode_all(dec, wire);
  ASSERT_EQ(events.size(), 1U) << "empty frames must produce no event";
  EXPECT_EQ(events[0].payload, payload);
}

TEST(FrameDecoder, CorruptedByteIsBadCrcAndNextFrameSurvives) {
  std::mt19937 rng(3);
  FrameDecoder dec;
  int crc_errors = 0;
  for (int trial = 0; trial < 500; ++trial) {
    Bytes payload(1 + rng() % 100);
    for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
    Bytes wire = encode_frame(payload);
    // Replace one non-code data byte by another non-zero value: COBS stays valid.
    const auto dec_ok = cobs_decode(Bytes(wire.begin(), wire.end() - 1));
    ASSERT_TRUE(dec_ok.has_value());
    std::size_t pos = 1 + rng() % (wire.size() - 2);
    // Find the code bytes so that only a data byte is corrupted.
    std::vector<bool> is_code(wire.size(), false);
    for (std::size_t i = 0; i + 1 < wire.size(); i += wire[i]) is_code[i] = true;
    while (is_code[pos] && pos + 2 < wire.size()) ++pos;
    if (is_code[pos]) continue;
    wire[pos] = static_cast<std::uint8_t>(wire[pos] == 0xFF ? 0x01 : wire[pos] + 1);
    const Bytes good{0x42, 0x43};
    wire = concat(wire, encode_frame(good));
    const auto events = decode_all(dec, wire);
    ASSERT_EQ(events.size(), 2U) << "events for a corrupted frame followed by a good one";
    EXPECT_EQ(events[0].error, FrameError::bad_crc) << "corrupted byte at " << pos;
    EXPECT_EQ(events[1].error, FrameError::none) << "the frame after a corrupted one";
    EXPECT_EQ(events[1].payload, good);
    ++crc_errors;
  }
  EXPECT_GT(crc_errors, 400) << "number of corrupted frames actually tried";
}

TEST(FrameDecoder, TruncationInsideGroupIsCobsErrorAtBoundaryIsCrcError) {
  FrameDecoder dec;
  const Bytes payload{0x11, 0x22, 0x33, 0x44, 0x55};
  const Bytes wire = encode_frame(payload);  // one group: 08 11 22 33 44 55 c1 c2 00
  ASSERT_EQ(wire.size(), 9U);
  Bytes cut(wire.begin(), wire.begin() + 4);
  cut.push_back(0);
  auto events = decode_all(dec, cut);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].error, FrameError::cobs) << "delimiter inside a COBS group";

  // Zeros in the payload split it into groups; cutting at a group boundary keeps COBS valid.
  const Bytes zeros{0x11, 0x00, 0x22, 0x00, 0x33, 0x44};
  const Bytes wz = encode_frame(zeros);  // 02 11 02 22 ...
  Bytes cut2(wz.begin(), wz.begin() + 4);  // 02 11 02 22 -> 11 00 22: three bytes, wrong CRC
  cut2.push_back(0);
  events = decode_all(dec, cut2);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].error, FrameError::bad_crc) << "frame cut at a group boundary";

  Bytes tiny{0x02, 0x05, 0x00};  // one decoded byte: shorter than 3
  events = decode_all(dec, tiny);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].error, FrameError::bad_crc) << "frame of one decoded byte";
}

TEST(FrameDecoder, TooLongFrames) {
  FrameDecoder dec;
  const std::size_t max = spikeforge::hw::max_frame_payload;
  Bytes at_max(max, 0x5A);
  auto events = decode_all(dec, encode_frame(at_max));
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].error, FrameError::none) << "payload of exactly " << max << " bytes";
  for (std::size_t n : {max + 1, max + 2, max + 300, 3 * max}) {
    Bytes big(n, 0x00);
    events = decode_all(dec, concat(encode_frame(big), encode_frame(Bytes{0x07})));
    ASSERT_EQ(events.size(), 2U) << "events for a " << n << "-byte payload and a good frame";
    EXPECT_EQ(events[0].error, FrameError::too_long) << "payload of " << n << " bytes";
    EXPECT_EQ(events[1].error, FrameError::none) << "frame after the too-long one";
    EXPECT_EQ(events[1].payload, Bytes{0x07});
  }
}

TEST(FrameDecoder, SmallerLimit) {
  FrameDecoder dec(16);
  auto events = decode_all(dec, encode_frame(Bytes(16, 1)));
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].error, FrameError::none) << "16-byte payload with a 16-byte limit";
  events = decode_all(dec, encode_frame(Bytes(17, 1)));
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].error, FrameError::too_long) << "17-byte payload with a 16-byte limit";
}

}  // namespace
