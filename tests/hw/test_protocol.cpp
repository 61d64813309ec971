// Packet codec and GoldenCore command interpreter: round trips and NAK rules of
// docs/hardware-protocol.md.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "spikeforge/hw/golden_core.hpp"
#include "spikeforge/hw/protocol.hpp"

namespace {

using namespace spikeforge::hw;

GoldenCore small_golden() { return GoldenCore(CoreGeometry{32, 16, 8}); }

std::vector<std::uint8_t> one(GoldenCore& g, const std::vector<std::uint8_t>& req) {
  auto r = g.handle(req);
  EXPECT_EQ(r.size(), 1u) << "number of responses to opcode " << int(req.at(0));
  return r.empty() ? std::vector<std::uint8_t>{} : r[0];
}

TEST(Protocol, HelloReportsSizes) {
  auto g = small_golden();
  const auto info = parse_info(one(g, req_hello()));
  EXPECT_EQ(info.version, core_version) << "version";
  EXPECT_EQ(info.n, 32u) << "N";
  EXPECT_EQ(info.na, 16u) << "NA";
  EXPECT_EQ(info.nslot, 8u) << "NSLOT";
  EXPECT_EQ(info.nparam, 8u) << "parameter words";
  EXPECT_EQ(info.max_payload, 512u) << "max payload";
  EXPECT_EQ(info.weight_bytes, 48u * 32u) << "weight bytes";
}

TEST(Protocol, WeightsRoundTrip) {
  auto g = small_golden();
  const std::vector<std::int8_t> w{-128, -1, 0, 1, 127, 42};
  EXPECT_EQ(parse_ack(one(g, req_write_weights(40, 26, w))), 0x02) << "acked opcode";
  EXPECT_EQ(parse_weights(one(g, req_read_weights(40, 26, 6))), w) << "weights read back";
  EXPECT_EQ(g.state().weight(40, 31), 42) << "w[40][31]";
}

TEST(Protocol, ParamsStateAndLearnRoundTrip) {
  auto g = small_golden();
  std::vector<std::uint16_t> words;
  for (std::uint16_t k = 0; k < 16; ++k) words.push_back(static_cast<std::uint16_t>(1000 + k));
  ASSERT_EQ(parse_ack(one(g, req_write_params(30, words))), 0x04) << "acked opcode";
  EXPECT_EQ(parse_state(one(g, req_read_param(3, 30, 2))), (std::vector<std::uint16_t>{1003, 1011}))
      << "parameter word 3 of neurons 30, 31";
  const std::vector<std::uint16_t> vs{0x8000, 0x7FFF, 5};
  ASSERT_EQ(parse_ack(one(g, req_write_state(StateKind::v, 1, vs))), 0x05) << "acked opcode";
  EXPECT_EQ(parse_state(one(g, req_read_state(StateKind::v, 1, 3))), vs) << "membranes read back";
  const std::vector<std::uint8_t> flags{1, 0, 3};
  ASSERT_EQ(parse_ack(one(g, req_write_learn(0, 45, flags))), 0x06) << "acked opcode";
  EXPECT_EQ(parse_state(one(g, req_read_state(StateKind::pre, 45, 3))),
            (std::vector<std::uint16_t>{0x8000, 0, 0x8000}))
      << "pre words carry pre_en in bit 15";
}

TEST(Protocol, StepAnswersOneSpikeFramePerStep) {
  auto g = small_golden();
  // Neuron 3: LIF with threshold 0 fires every step.
  std::vector<std::uint16_t> words(8, 0);
  words[param::v_th] = 0;
  ASSERT_EQ(parse_ack(one(g, req_write_params(3, words))), 0x04) << "acked opcode";
  std::vector<std::uint16_t> others;
  for (int k = 0; k < 3; ++k) {
    for (int wd = 0; wd < 8; ++wd) others.push_back(wd == param::v_th ? 100 : 0);
  }
  ASSERT_EQ(parse_ack(one(g, req_write_params(0, others))), 0x04) << "acked opcode";
  ASSERT_EQ(parse_ack(one(g, req_write_params(4, others))), 0x04) << "acked opcode";
  const auto r = g.handle(req_step(3));
  ASSERT_EQ(r.size(), 3u) << "SPIKES frames for STEP 3";
  for (std::uint32_t t = 0; t < 3; ++t) {
    const auto s = parse_spikes(r[t]);
    EXPECT_EQ(s.step, t) << "step-end record";
    // Neurons 7 and up have all-zero parameters: threshold 0, so they fire every step too.
    ASSERT_EQ(s.ids.size(), 26u) << "spikes in step " << t;
    EXPECT_EQ(s.ids[0], 3) << "first spiking neuron";
    EXPECT_EQ(s.ids[1], 7) << "second spiking neuron (ascending order)";
  }
}

TEST(Protocol, NakCodes) {
  auto g = small_golden();
  const auto expect_nak = [&](const std::vector<std::uint8_t>& req, Nak code) {
    const auto nak = parse_nak(one(g, req));
    ASSERT_TRUE(nak.has_value()) << "NAK expected for opcode " << int(req[0]);
    EXPECT_EQ(nak->code, code) << "NAK code for opcode " << int(req[0]);
    EXPECT_EQ(nak->op, req[0]) << "NAK echoes the opcode";
  };
  expect_nak({0x55}, Nak::unknown_opcode);
  expect_nak({0x01, 0x00}, Nak::bad_length);
  expect_nak({0x09, 1}, Nak::bad_length);
  expect_nak(req_step(0), Nak::bad_argument);
  expect_nak(req_read_weights(48, 0, 1), Nak::bad_argument);
  expect_nak(req_read_weights(0, 31, 2), Nak::bad_argument);
  expect_nak(req_read_state(StateKind::v, 0, 0), Nak::bad_argument);
  expect_nak(req_read_state(static_cast<StateKind>(6), 0, 1), Nak::bad_argument);
  expect_nak(req_write_stdp(0, 0, 0, 0, 0, 0, 5, 4), Nak::bad_argument);
  expect_nak(req_input(8, std::vector<std::uint8_t>{}), Nak::bad_argument);
  expect_nak(req_input(0, std::vector<std::uint8_t>{3, 16}), Nak::bad_argument);
  EXPECT_EQ(g.state().axq[3], 0) << "a rejected INPUT queues nothing";
  expect_nak(req_clear(8), Nak::bad_argument);
  EXPECT_EQ(GoldenCore::frame_error(Nak::cobs), (std::vector<std::uint8_t>{0, 0xE0, 2, 0}))
      << "link-level NAK frame: tag 0, then the NAK";
}

TEST(Protocol, EveryAnswerCarriesTheRequestsTag) {
  auto g = small_golden();
  const auto info = g.handle_frame(tagged(7, req_hello()));
  ASSERT_EQ(info.size(), 1u) << "answers to HELLO";
  EXPECT_EQ(info[0].at(0), 7) << "tag of INFO";
  EXPECT_EQ(parse_info(std::span(info[0]).subspan(1)).version, 2u) << "protocol version with tags";
  const auto steps = g.handle_frame(tagged(200, req_step(3)));
  ASSERT_EQ(steps.size(), 3u) << "answers to STEP 3";
  for (std::size_t k = 0; k < steps.size(); ++k) {
    EXPECT_EQ(steps[k].at(0), 200) << "tag of SPIKES frame " << k;
    EXPECT_EQ(parse_spikes(std::span(steps[k]).subspan(1)).step, k) << "step of SPIKES frame " << k;
  }
  EXPECT_EQ(g.handle_frame(tagged(9, req_read_weights(1, 0, 33))),
            (std::vector<std::vector<std::uint8_t>>{{9, 0xE0, 6, 0x03}}))
      << "a NAK carries the tag too";
  EXPECT_EQ(g.handle_frame(std::vector<std::uint8_t>{42}), (std::vector<std::vector<std::uint8_t>>{{42, 0xE0, 5, 0}}))
      << "a frame with a tag and no request: NAK 5, op 0";
}

TEST(Protocol, NamesAndHexInMessages) {
  EXPECT_EQ(hex_byte(0x81), "0x81") << "0x81 in hex, not 0x129";
  EXPECT_EQ(hex_byte(0x0A), "0x0A");
  EXPECT_EQ(op_name(0x03), "READ_WEIGHTS");
  EXPECT_EQ(op_name(0x0B), "CLEAR");
  EXPECT_EQ(op_name(0x00), "opcode 0x00");
  EXPECT_EQ(op_name(0x42), "opcode 0x42");
  EXPECT_EQ(resp_name(0x81), "INFO (0x81)");
  EXPECT_EQ(resp_name(0x90), "SPIKES (0x90)");
  EXPECT_EQ(resp_name(0x99), "opcode 0x99");
  EXPECT_EQ(nak_name(1), "1 (bad CRC)");
  EXPECT_EQ(nak_name(2), "2 (COBS error)");
  EXPECT_EQ(nak_name(3), "3 (frame too long)");
  EXPECT_EQ(nak_name(4), "4 (unknown opcode)");
  EXPECT_EQ(nak_name(5), "5 (bad length)");
  EXPECT_EQ(nak_name(6), "6 (bad address or argument)");
  EXPECT_EQ(nak_name(9), "9 (not a code of this protocol)");
  try {
    parse_info(std::vector<std::uint8_t>{0xA0, 0x01});
    ADD_FAILURE() << "an ACK is not an INFO";
  } catch (const spikeforge::Error& e) {
    EXPECT_EQ(std::string(e.what()), "core response: expected INFO (0x81) with a valid length, got ACK (0xA0) of length 2");
  }
  try {
    parse_weights(std::vector<std::uint8_t>{0x8A, 1, 2});
    ADD_FAILURE() << "a STATE answer is not WEIGHTS";
  } catch (const spikeforge::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "core response: expected WEIGHTS (0x83) with a valid length, got STATE (0x8A) of length 3");
  }
}

TEST(Protocol, FramesSurviveTheLinkCodec) {
  auto g = small_golden();
  const auto frame = encode_frame(req_hello());
  FrameDecoder dec;
  const auto events = dec.push(frame);
  ASSERT_EQ(events.size(), 1u) << "frames decoded";
  ASSERT_EQ(events[0].error, FrameError::none) << "frame error";
  EXPECT_EQ(parse_info(one(g, events[0].payload)).n, 32u) << "N after a codec round trip";
}

}  // namespace
