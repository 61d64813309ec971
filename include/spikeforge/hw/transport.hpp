// Links from the host to one core: a request payload goes out through the packet encoder, answer
// payloads come back. One host driver (CoreClient) runs over any link: golden, Verilated or serial.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <spikeforge/hw/golden_model.hpp>
#include <spikeforge/hw/protocol.hpp>

namespace spikeforge::hw {

/// A packet link to one core. transact() sends one request and returns its `answers` response
/// payloads in arrival order; a NAK is returned like any other answer (CoreClient checks).
class CoreLink {
public:
  using Payload = std::vector<std::uint8_t>;
  virtual ~CoreLink() = default;
  virtual std::vector<Payload> transact(std::span<const std::uint8_t> request, std::size_t answers) = 0;
  /// Short description for messages, e.g. "serial /dev/ttyUSB1 at 1000000 baud".
  virtual std::string describe() const = 0;
  /// Bytes sent on the wire so far (framed), for link-cost accounting.
  std::uint64_t bytes_out() const noexcept { return bytes_out_; }

protected:
  std::uint64_t bytes_out_ = 0;
};

/// The golden command interpreter in process (the "cpu-fixed" backend's link). Frames are still
/// encoded and decoded, so the byte counts equal those of a real link.
std::unique_ptr<CoreLink> make_golden_link(CoreGeometry geometry);

/// A serial port (termios, raw 8N1, no flow control). `timeout_ms` bounds the wait for each
/// answer frame; a missing answer throws Error naming the request. Linux baud rates up to 4 Mbaud.
std::unique_ptr<CoreLink> make_serial_link(const std::string& device, int baud, int timeout_ms = 2000);

/// The Verilated sf_core in process, driven through its byte stream by the harness of hdl/tb.
/// Defined in hdl/tb/verilator_link.cpp (the spikeforge_fpga_sim library, which needs Verilator):
/// sizes N = 32 / NA = 32, N = 64 / NA = 48 and N = NA = 256 are built; another geometry throws
/// UnsupportedError.
std::unique_ptr<CoreLink> make_verilator_link(CoreGeometry geometry);

/// The host driver: typed calls over a link, checking every answer (a NAK or a wrong answer
/// throws Error naming the request and the code).
class CoreClient {
public:
  explicit CoreClient(std::unique_ptr<CoreLink> link) : link_(std::move(link)) {}

  CoreInfo hello();
  /// Sends a request that answers ACK.
  void command(std::span<const std::uint8_t> request);
  /// Runs `count` steps; the ids of the neurons that spiked, per step.
  std::vector<StepReport> step(unsigned count);
  std::vector<std::int8_t> read_weights(unsigned src, unsigned dst0, unsigned count);
  std::vector<std::uint16_t> read_state(StateKind kind, unsigned first, unsigned count);
  /// Whole-core reads, split into frames the protocol allows.
  std::vector<std::int8_t> read_all_weights(const CoreGeometry& geo);
  std::vector<std::uint16_t> read_state_range(StateKind kind, unsigned first, unsigned count);

  CoreLink& link() noexcept { return *link_; }

private:
  std::vector<CoreLink::Payload> checked(std::span<const std::uint8_t> request, std::size_t answers);
  std::unique_ptr<CoreLink> link_;
};

}  // namespace spikeforge::hw
