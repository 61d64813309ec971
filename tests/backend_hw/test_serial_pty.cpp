// The "fpga" backend's real serial code path (open, termios, poll, read, write) against the
// Verilated core behind a pseudo-terminal: a thread pumps bytes between the pty master and the
// core's byte stream, and the backend opens the slave path like a board's /dev/ttyUSB device.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <spikeforge/backend/hardware_backend.hpp>
#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/error.hpp>

#include "pty_core.hpp"
#include "random_networks.hpp"

namespace spikeforge {
namespace {

TEST(SerialPty, FpgaBackendOverAPtyMatchesCpuFixedBitForBit) {
  // With learning, so the weights compared at the end are learned ones.
  const auto net = test::random_network(5, 32, 32, false, true);
  test::PtyCore board(hw::CoreGeometry{32, 32, 8});
  SimulatorOptions serial_opt;
  serial_opt.backend = "fpga";
  serial_opt.device = board.path();
  serial_opt.baud = 1000000;
  serial_opt.seed = 3;
  SimulatorOptions fixed_opt = serial_opt;
  fixed_opt.backend = "cpu-fixed";
  Simulator serial(net, serial_opt);
  Simulator fixed(net, fixed_opt);
  const auto& hb = dynamic_cast<const HardwareBackend&>(serial.backend());
  EXPECT_EQ(hb.image().geometry.n, 32) << "core size taken from the HELLO answer";
  serial.run(300 * net.dt);
  fixed.run(300 * net.dt);
  std::uint64_t spikes = 0;
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    if (net.probes[q].kind != model::Probe::Kind::Spikes) continue;
    EXPECT_EQ(serial.spikes(q), fixed.spikes(q)) << "spikes of probe " << net.probes[q].name << " (tolerance 0)";
    spikes += serial.spikes(q).size();
  }
  EXPECT_GT(spikes, 30u) << "spikes seen over the serial link";
  for (const auto& probe : net.probes) {
    if (probe.kind == model::Probe::Kind::State) {
      EXPECT_EQ(serial.state(probe.name).values, fixed.state(probe.name).values) << "sampled v of " << probe.target;
    }
  }
  for (const auto& proj : net.projections) {
    EXPECT_EQ(serial.synapses(proj.name), fixed.synapses(proj.name)) << "weights() of " << proj.name;
  }
  const auto& hf = dynamic_cast<const HardwareBackend&>(fixed.backend());
  std::size_t changed = 0;
  const auto learned = hb.read_core_weights();
  for (std::size_t k = 0; k < learned.size(); ++k) changed += learned[k] != hf.image().weights[k];
  EXPECT_GT(changed, 20u) << "weights changed by learning on the core behind the pty";
  EXPECT_EQ(learned, hf.read_core_weights()) << "every core weight after learning, tolerance 0";
  EXPECT_GT(board.bytes_from_host(), 1000u) << "bytes that went through the pty";
}

TEST(SerialPty, MissingAnswerTimesOut) {
  // A pty with nothing behind it: HELLO gets no answer and the link must report it, not hang.
  int master = -1, slave = -1;
  char name[256] = {};
  ASSERT_EQ(::openpty(&master, &slave, name, nullptr, nullptr), 0);
  SimulatorOptions opt;
  opt.backend = "fpga";
  opt.device = name;
  opt.timeout_ms = 200;
  const auto net = test::random_network(5, 32, 32, false);
  try {
    Simulator sim(net, opt);
    ADD_FAILURE() << "a silent device must raise an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no answer to HELLO"), std::string::npos) << e.what();
  }
  ::close(master);
  ::close(slave);
}

TEST(SerialPty, BadDeviceAndBaudAreRefused) {
  const auto net = test::random_network(5, 32, 32, false);
  SimulatorOptions opt;
  opt.backend = "fpga";
  EXPECT_THROW(Simulator(net, opt), ValidationError) << "empty device";
  opt.device = "/dev/does-not-exist-spikeforge";
  EXPECT_THROW(Simulator(net, opt), Error) << "missing device";
  opt.device = "/dev/null";
  opt.baud = 12345;
  EXPECT_THROW(Simulator(net, opt), ValidationError) << "unsupported baud";
}

}  // namespace
}  // namespace spikeforge
