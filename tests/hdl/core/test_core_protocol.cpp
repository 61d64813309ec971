// Protocol fault tests on the Verilated sf_core: corrupted, truncated, over-long and unknown
// packets each get the right NAK (predicted by the host decoder and the golden interpreter),
// and the next valid command still works. Also stepping under output back-pressure.
#include <gtest/gtest.h>

#include <random>

#include "Vsf_core_n32.h"
#include "cosim.hpp"

namespace {

using namespace spikeforge::hw;
using namespace spikeforge::hw::test;
using Sim = Cosim<Vsf_core_n32>;

const CoreGeometry geo32{32, 32, 8};

/// Pushes raw bytes one delimiter-closed chunk at a time and checks that every frame event the
/// host decoder predicts gets the predicted answer: a NAK for a dropped frame, the golden
/// answers for a good one. Returns the number of NAKs seen.
int push_and_check(Sim& c, const std::vector<std::uint8_t>& bytes, const std::string& what) {
  FrameDecoder predictor;
  std::vector<std::uint8_t> chunk;
  int naks = 0;
  for (const std::uint8_t byte : bytes) {
    chunk.push_back(byte);
    auto event = predictor.push(byte);
    if (byte != 0) continue;
    c.sim().push_bytes(chunk);
    chunk.clear();
    if (!event) continue;  // an empty frame: ignored by both sides
    std::vector<std::vector<std::uint8_t>> expected;
    if (event->error != FrameError::none) {
      expected.push_back(GoldenCore::frame_error(static_cast<Nak>(event->error)));
      ++naks;
    } else {
      expected = c.gold().handle_frame(event->payload);
    }
    const auto got = c.sim().receive(expected.size(), 2'000'000);
    for (std::size_t k = 0; k < expected.size(); ++k) {
      EXPECT_EQ(got[k].error, FrameError::none) << what << ": answer frame error";
      EXPECT_EQ(got[k].payload, expected[k]) << what << ": answer " << k << " (NAK code or golden answer)";
    }
  }
  if (!chunk.empty()) c.sim().push_bytes(chunk);  // an unterminated tail: the next frame closes it
  return naks;
}

void expect_alive(Sim& c, const std::string& after) {
  // A leading delimiter resynchronises after an unterminated tail, as the host does after a timeout.
  c.sim().push_bytes(std::vector<std::uint8_t>{0});
  const auto r = c.sim().transact(tagged(77, req_hello()));
  ASSERT_EQ(r.size(), 1u) << "answers to HELLO after " << after;
  ASSERT_GE(r[0].size(), 1u) << "answer to HELLO after " << after;
  EXPECT_EQ(r[0][0], 77) << "tag of the answer to HELLO after " << after;
  EXPECT_EQ(parse_info(std::span(r[0]).subspan(1)).n, 32u) << "N reported by HELLO after " << after;
}

TEST(CoreProtocol, EveryNakCodeAndRecovery) {
  Sim c(geo32);
  ASSERT_EQ(c.both(req_clear(7)), "") << "CLEAR";
  const std::vector<std::vector<std::uint8_t>> bad = {
      {}, {0x00}, {0x55}, {0x7F, 1, 2}, {0xFF},                 // no opcode, unknown opcodes
      {0x01, 0}, {0x02, 0, 0, 0, 0}, {0x03, 0, 0, 0, 0, 1}, {0x04, 0, 0},
      {0x05, 0, 0, 0, 1}, {0x06, 0, 0, 0}, {0x07, 1, 2, 3}, {0x08}, {0x09, 1},
      {0x0A, 0, 0, 0, 1}, {0x0B},                                  // bad lengths
      req_write_weights(64, 0, std::vector<std::int8_t>{1}),       // bad arguments
      req_write_weights(0, 31, std::vector<std::int8_t>{1, 2}),
      req_read_weights(0, 0, 0), req_read_weights(0, 0, 33), req_read_weights(63, 32, 1),
      req_write_params(32, std::vector<std::uint16_t>(8, 0)),
      req_write_params(25, std::vector<std::uint16_t>(64, 0)),
      req_write_state(static_cast<StateKind>(4), 0, std::vector<std::uint16_t>{1}),
      req_write_state(StateKind::v, 31, std::vector<std::uint16_t>{1, 2}),
      req_write_learn(2, 0, std::vector<std::uint8_t>{1}),
      req_write_learn(1, 32, std::vector<std::uint8_t>{1}),
      req_write_learn(0, 60, std::vector<std::uint8_t>{1, 1, 1, 1, 1}),
      req_write_stdp(1, 1, 1, 1, 1, 1, 10, -10),
      req_input(8, std::vector<std::uint8_t>{1}), req_input(0, std::vector<std::uint8_t>{1, 2, 32}),
      req_step(0),
      req_read_state(static_cast<StateKind>(6), 0, 1), req_read_state(static_cast<StateKind>(16), 0, 1),
      req_read_state(StateKind::v, 0, 0), req_read_state(StateKind::v, 0, 255),
      req_read_state(StateKind::v, 30, 3), req_read_state(StateKind::pre, 60, 5),
      req_clear(8)};
  std::uint8_t tag = 0;
  for (const auto& req : bad) {
    const int op = req.empty() ? -1 : req[0];
    const auto frame = tagged(++tag, req);
    const auto expected = c.gold().handle_frame(frame);
    ASSERT_EQ(expected.size(), 1u) << "golden answers to a bad request";
    ASSERT_TRUE(parse_nak(std::span(expected[0]).subspan(1)).has_value()) << "golden NAKs opcode " << op;
    EXPECT_EQ(expected[0][0], tag) << "golden NAK carries the request's tag";
    const auto got = c.sim().transact(frame);
    EXPECT_EQ(got[0], expected[0]) << "tag and NAK for request opcode " << op << " length " << req.size();
  }
  // Valid edge cases next to the bad ones.
  EXPECT_EQ(c.both(req_read_state(StateKind::pre, 60, 4)), "") << "last pre words";
  EXPECT_EQ(c.both(req_input(7, std::vector<std::uint8_t>{31, 0, 31})), "") << "INPUT at the last slot";
  EXPECT_EQ(c.both(req_input(0, std::vector<std::uint8_t>{})), "") << "empty INPUT";
  expect_alive(c, "the bad requests");
}

TEST(CoreProtocol, BadCrcCobsErrorAndTooLong) {
  Sim c(geo32);
  // Wrong CRC.
  std::vector<std::uint8_t> body = tagged(5, req_hello());
  body.push_back(0x12);
  body.push_back(0x34);
  auto frame = cobs_encode(body);
  frame.push_back(0);
  EXPECT_EQ(push_and_check(c, frame, "bad CRC"), 1) << "NAKs for a frame with a wrong CRC";
  expect_alive(c, "a bad CRC");
  // A delimiter inside a COBS group.
  EXPECT_EQ(push_and_check(c, {0x05, 0x01, 0x02, 0x00}, "COBS error"), 1) << "NAKs for a COBS error";
  expect_alive(c, "a COBS error");
  // 600 payload bytes.
  std::vector<std::uint8_t> big(600, 0x11);
  big[1] = 0x02;
  EXPECT_EQ(push_and_check(c, encode_frame(big), "too long"), 1) << "NAKs for an over-long frame";
  expect_alive(c, "an over-long frame");
  // Too short to hold a CRC.
  EXPECT_EQ(push_and_check(c, {0x02, 0x01, 0x00}, "short"), 1) << "NAKs for a one-byte frame";
  expect_alive(c, "a one-byte frame");
}

TEST(CoreProtocol, RandomCorruptionAndTruncation) {
  Sim c(geo32);
  ASSERT_EQ(c.both(req_clear(7)), "") << "CLEAR";
  std::mt19937 rng(1234);
  const auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int naks = 0;
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<std::uint8_t> req;
    switch (uni(0, 3)) {
      case 0: req = req_hello(); break;
      case 1: {
        std::vector<std::int8_t> w(static_cast<std::size_t>(uni(1, 32)));
        for (auto& x : w) x = static_cast<std::int8_t>(uni(-128, 127));
        req = req_write_weights(static_cast<unsigned>(uni(0, 63)), 0, w);
        break;
      }
      case 2: req = req_read_state(static_cast<StateKind>(uni(0, 5)), 0, static_cast<unsigned>(uni(1, 32))); break;
      default: req = req_step(1); break;
    }
    auto frame = encode_frame(tagged(static_cast<std::uint8_t>(1 + iter % 255), req));
    const int mode = uni(0, 2);
    if (mode == 0) {  // replace random bytes (a zero splits the frame: the predictor knows)
      for (int k = uni(1, 3); k > 0; --k) frame[static_cast<std::size_t>(uni(0, static_cast<int>(frame.size()) - 2))] = static_cast<std::uint8_t>(uni(0, 255));
    } else if (mode == 1) {  // truncate and close
      frame.resize(static_cast<std::size_t>(uni(1, static_cast<int>(frame.size()) - 1)));
      frame.push_back(0);
    } else {  // drop one byte
      frame.erase(frame.begin() + uni(0, static_cast<int>(frame.size()) - 2));
    }
    naks += push_and_check(c, frame, "corruption #" + std::to_string(iter));
    if (::testing::Test::HasFailure()) break;
    expect_alive(c, "corruption #" + std::to_string(iter));
  }
  EXPECT_GE(naks, 250) << "link-level NAKs in 300 corrupted frames";
  // The core state still matches the golden model after all of it.
  EXPECT_EQ(c.both(req_read_state(StateKind::v, 0, 32)), "") << "membranes after the fault storm";
  EXPECT_EQ(c.both(req_read_weights(40, 0, 32)), "") << "weights after the fault storm";
}

TEST(CoreProtocol, SteppingStallsUnderOutputBackPressure) {
  Sim c(geo32);
  // Every neuron spikes every step (threshold 0): the largest SPIKES frames.
  NetworkOptions opt;
  opt.izh_fraction = 0.0;
  opt.learning = true;
  auto net = random_network(geo32, opt, 9);
  for (auto& p : net.params) {
    p[param::v_th] = 0;
    p[param::v_reset] = 0;
    p[param::v_rest] = 0;
    p[param::flags] = 0;
    p[param::g] = 0;
    p[param::kv] = 0;
  }
  for (const auto& req : load_requests(net)) ASSERT_EQ(c.both(req), "") << "loading";
  // The host takes one byte every 37 cycles (slower than the core produces them).
  c.sim().set_out_ready([](std::uint64_t cycle) { return cycle % 37 == 0; });
  ASSERT_EQ(c.both(req_step(20)), "") << "20 steps under back-pressure";
  for (const auto& frame : c.last()) {
    EXPECT_EQ(parse_spikes(frame).ids.size(), 32u) << "spikes in a step where every neuron fires";
  }
  c.sim().set_out_ready(nullptr);
  EXPECT_EQ(c.both(req_read_state(StateKind::post, 0, 32)), "") << "post traces after back-pressure";
  EXPECT_EQ(c.both(req_read_weights(33, 0, 32)), "") << "learned weights after back-pressure";
}

}  // namespace
