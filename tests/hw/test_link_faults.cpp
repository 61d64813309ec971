// The host driver (CoreClient) over a link that damages answers: tags keep every answer with its
// request, damaged answers are asked for again, and what cannot be repeated fails naming the
// request. Against the golden core; tests/hdl/host runs the same against the Verilated core.
#include <gtest/gtest.h>

#include "faulty_link.hpp"

namespace spikeforge::hw {
namespace {

using test::FaultPattern;
using test::mentions;
using test::row_of;

const CoreGeometry geo{32, 16, 8};

struct Rig : test::FaultRig {
  explicit Rig(FaultPattern pattern = {}, unsigned attempts = CoreClient::default_attempts)
      : FaultRig(make_golden_link(geo), pattern, attempts) {}

  void load_rows() {
    client->command(req_clear(7));
    for (unsigned s = 0; s < 48; ++s) client->command(req_write_weights(s, 0, row_of(s, 32)));
  }
};

TEST(LinkFaults, ADamagedAnswerIsNeverTakenForTheNextRequestsAnswer) {
  // The bug this guards against: after one damaged answer frame every later request got the
  // previous request's answer (READ_WEIGHTS of row 1 returned row 0 without an error).
  Rig rig({}, 1);  // one attempt: the damaged read fails instead of being repeated
  rig.load_rows();
  const std::uint64_t at = rig.faults->position();
  rig.faults->corrupt_at({at + 10});
  try {
    rig.client->read_weights(0, 0, 32);
    ADD_FAILURE() << "a damaged answer with no second attempt must fail";
  } catch (const Error& e) {
    EXPECT_TRUE(mentions(e, "READ_WEIGHTS (tag ")) << e.what();
    EXPECT_TRUE(mentions(e, "answer arrived damaged")) << e.what();
    EXPECT_TRUE(mentions(e, "gave up after 1 attempt")) << e.what();
  }
  EXPECT_EQ(rig.client->read_weights(1, 0, 32), row_of(1, 32)) << "row 1 after the damaged answer";
  EXPECT_EQ(rig.client->read_weights(2, 0, 32), row_of(2, 32)) << "row 2 after that";
}

TEST(LinkFaults, ADamagedOrCutAnswerIsAskedForAgain) {
  Rig rig;
  rig.load_rows();
  std::uint64_t at = rig.faults->position();
  rig.faults->corrupt_at({at + 3});
  EXPECT_EQ(rig.client->read_weights(0, 0, 32), row_of(0, 32)) << "row 0 after a corrupted answer";
  EXPECT_EQ(rig.client->resent(), 1U) << "requests sent again";
  // The delimiter of the next answer (38 bytes: COBS code, tag, opcode, 32 weights, CRC, 0x00)
  // is lost: the frame never ends and the link goes silent.
  at = rig.faults->position();
  rig.faults->drop_at({at + 37});
  EXPECT_EQ(rig.client->read_weights(5, 0, 32), row_of(5, 32)) << "row 5 after a cut answer";
  EXPECT_EQ(rig.client->resent(), 2U) << "requests sent again";
  EXPECT_EQ(rig.client->read_weights(6, 0, 32), row_of(6, 32)) << "row 6 after that";
}

TEST(LinkFaults, StepIsNotRepeatedWhenItsAnswersAreDamaged) {
  Rig rig;
  rig.load_rows();
  const std::uint64_t at = rig.faults->position();
  rig.faults->corrupt_at({at + 1});  // the tag of the first SPIKES frame
  try {
    rig.client->step(3);
    ADD_FAILURE() << "STEP with a damaged answer must fail";
  } catch (const Error& e) {
    EXPECT_TRUE(mentions(e, "STEP (tag ")) << e.what();
    EXPECT_TRUE(mentions(e, "STEP is not sent again")) << e.what();
  }
  EXPECT_EQ(rig.client->read_state(StateKind::v, 0, 32).size(), 32U) << "a read after the failed STEP";
  // The core ran the three steps once: the next STEP's first answer is step 3.
  const auto next = rig.client->step(1);
  ASSERT_EQ(next.size(), 1U) << "answers to STEP 1";
  EXPECT_EQ(next[0].step, 3U) << "step number after STEP 3 whose answers were damaged";
}

TEST(LinkFaults, RandomAnswerDamageGoldenCore) {
  test::random_answer_damage([] { return make_golden_link(geo); }, geo, {1, 2, 3});
}

TEST(LinkErrors, NakToStepNamesTheCodeAndIsNotATimeout) {
  CoreClient client(make_golden_link(geo));
  try {
    client.step(0);
    ADD_FAILURE() << "STEP 0 must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "core (golden core (in process)): STEP (tag 1) refused with NAK 6 (bad address or argument)");
  }
  try {
    client.command(req_write_stdp(0, 0, 0, 0, 0, 0, 5, 4));
    ADD_FAILURE() << "w_min > w_max must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "core (golden core (in process)): WRITE_STDP (tag 2) refused with NAK 6 (bad address or argument)");
  }
  try {
    client.command(std::vector<std::uint8_t>{0x01, 0x00});
    ADD_FAILURE() << "HELLO with a byte too many must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "core (golden core (in process)): HELLO (tag 3) refused with NAK 5 (bad length)");
  }
  EXPECT_THROW(client.step(70000), ValidationError) << "more steps than a STEP request can carry";
  EXPECT_EQ(client.step(2).size(), 2U) << "STEP after the refusals";
}

}  // namespace
}  // namespace spikeforge::hw
