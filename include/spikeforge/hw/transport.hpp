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

/// A byte link to one core: framed requests go out, the core's framed answers come back. The
/// framing, the request tags and every check are CoreClient's; a link only moves bytes.
class CoreLink {
public:
  using Payload = std::vector<std::uint8_t>;
  virtual ~CoreLink() = default;
  /// Sends link bytes (frames) to the core.
  virtual void write(std::span<const std::uint8_t> bytes) = 0;
  /// Waits for bytes from the core and returns what arrived (links that can tell stop at a frame
  /// delimiter). Empty when the core stayed silent for the link's answer timeout.
  virtual std::vector<std::uint8_t> read() = 0;
  /// Short description for messages, e.g. "serial /dev/ttyUSB1 at 1000000 baud".
  virtual std::string describe() const = 0;
  /// How long read() waits for a silent core, for messages, e.g. "2000 ms".
  virtual std::string timeout() const = 0;
  /// Bytes sent on the wire so far (framed), for link-cost accounting.
  std::uint64_t bytes_out() const noexcept { return bytes_out_; }

protected:
  std::uint64_t bytes_out_ = 0;
};

/// The golden command interpreter in process (the "cpu-fixed" backend's link). Frames are still
/// encoded and decoded, so the byte counts equal those of a real link.
std::unique_ptr<CoreLink> make_golden_link(CoreGeometry geometry);

/// A serial port (termios, raw 8N1, no flow control). `timeout_ms` bounds each wait for answer
/// bytes: a silent core makes read() return nothing, and CoreClient sends the request again or
/// throws Error naming it. Linux baud rates up to 4 Mbaud.
std::unique_ptr<CoreLink> make_serial_link(const std::string& device, int baud, int timeout_ms = 2000);

/// The Verilated sf_core in process, driven through its byte stream by the harness of hdl/tb.
/// Defined in hdl/tb/verilator_link.cpp (the spikeforge_fpga_sim library, which needs Verilator):
/// sizes N = 32 / NA = 32, N = 64 / NA = 48 and N = NA = 256 are built; another geometry throws
/// UnsupportedError.
std::unique_ptr<CoreLink> make_verilator_link(CoreGeometry geometry);

/// The host driver: typed calls over a link, checking every answer (a NAK or a wrong answer
/// throws Error naming the request and the code). Every request carries a tag (1-255, the next one
/// each time) that the core echoes in its answers; answers with another tag are stale and dropped.
/// A request whose answer arrives damaged or not at all is sent again under a new tag, up to
/// `attempts` times in all; STEP only when none of its answers arrived (it is not idempotent).
class CoreClient {
public:
  static constexpr unsigned default_attempts = 4;

  explicit CoreClient(std::unique_ptr<CoreLink> link, unsigned attempts = default_attempts);

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
  /// Requests sent again so far after a damaged or missing answer.
  std::uint64_t resent() const noexcept { return resent_; }
  /// Answer frames dropped so far: damaged (bad CRC, COBS error, too long) or stale (another tag).
  std::uint64_t dropped_frames() const noexcept { return dropped_; }

private:
  std::vector<CoreLink::Payload> exchange(std::span<const std::uint8_t> request, std::size_t answers);
  std::vector<CoreLink::Payload> checked(std::span<const std::uint8_t> request, std::size_t answers);
  std::string what(std::span<const std::uint8_t> request) const;

  std::unique_ptr<CoreLink> link_;
  unsigned attempts_;
  FrameDecoder decoder_;
  std::uint8_t tag_ = 0;
  std::uint64_t resent_ = 0, dropped_ = 0;
};

}  // namespace spikeforge::hw
