// The host driver over the Verilated core (the fpga-sim link) with its answers damaged: every
// read returns the right data or fails naming the request, never another request's answer, and
// the error texts name NAK codes and requests.
#include <gtest/gtest.h>

#include "faulty_link.hpp"

namespace spikeforge::hw {
namespace {

using test::FaultPattern;
using test::mentions;
using test::row_of;

const CoreGeometry geo{32, 32, 8};

struct Rig : test::FaultRig {
  explicit Rig(FaultPattern pattern = {}, unsigned attempts = CoreClient::default_attempts)
      : FaultRig(make_verilator_link(geo), pattern, attempts) {}
};

TEST(HostLinkFaults, VerilatedCoreEchoesTagsAndReportsVersion2) {
  Rig rig;
  const auto info = rig.client->hello();
  EXPECT_EQ(info.version, 2U) << "protocol version in the handshake";
  EXPECT_EQ(info.n, 32U) << "N";
  // A damaged answer with one attempt fails; the next read gets its own answer, not the old one.
  Rig once({}, 1);
  once.client->command(req_clear(7));
  for (unsigned s = 0; s < 3; ++s) once.client->command(req_write_weights(s, 0, row_of(s, 32)));
  once.faults->corrupt_at({once.faults->position() + 10});
  try {
    once.client->read_weights(0, 0, 32);
    ADD_FAILURE() << "a damaged answer with no second attempt must fail";
  } catch (const Error& e) {
    EXPECT_TRUE(mentions(e, "READ_WEIGHTS (tag ")) << e.what();
    EXPECT_TRUE(mentions(e, "Verilated sf_core")) << e.what();
  }
  EXPECT_EQ(once.client->read_weights(1, 0, 32), row_of(1, 32)) << "row 1 after row 0's damaged answer";
}

TEST(HostLinkFaults, RandomAnswerDamageVerilatedCore) {
  test::random_answer_damage([] { return make_verilator_link(geo); }, geo, {11, 12});
}

TEST(HostLinkErrors, NakToStepFromTheVerilatedCore) {
  CoreClient client(make_verilator_link(geo));
  try {
    client.step(0);
    ADD_FAILURE() << "STEP 0 must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "core (Verilated sf_core N = 32, NA = 32): STEP (tag 1) refused with NAK 6 (bad address or argument)");
  }
  EXPECT_EQ(client.step(2).size(), 2U) << "STEP after the refusal";
}

}  // namespace
}  // namespace spikeforge::hw
