// Link framing between host and core: COBS byte stuffing, CRC-protected frames and a
// streaming frame decoder that reports the same error codes as the RTL sf_frame_rx.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "spikeforge/hw/crc16.hpp"

namespace spikeforge::hw {

/// Largest payload (opcode included, CRC excluded) a frame may carry; the RTL
/// receive buffer has exactly this many bytes.
inline constexpr std::size_t max_frame_payload = 512;

/// Standard COBS (Cheshire & Baker): the output contains no 0x00 byte, a code byte of
/// 0xFF announces 254 data bytes with no implied zero. The delimiter is not appended.
inline std::vector<std::uint8_t> cobs_encode(std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> out;
  out.reserve(data.size() + data.size() / 254 + 2);
  std::size_t code_pos = out.size();
  out.push_back(0);
  std::uint8_t code = 1;
  for (const std::uint8_t byte : data) {
    // A full group is closed only when more data follows, so a run of exactly 254
    // non-zero bytes at the end does not get an extra empty group.
    if (code == 0xFF) {
      out[code_pos] = code;
      code_pos = out.size();
      out.push_back(0);
      code = 1;
    }
    if (byte == 0) {
      out[code_pos] = code;
      code_pos = out.size();
      out.push_back(0);
      code = 1;
    } else {
      out.push_back(byte);
      ++code;
    }
  }
  out[code_pos] = code;
  return out;
}

/// Inverse of cobs_encode (input without the delimiter). Empty result on a zero byte
/// inside the input or on a group that runs past the end.
inline std::optional<std::vector<std::uint8_t>> cobs_decode(std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> out;
  out.reserve(data.size());
  std::size_t i = 0;
  while (i < data.size()) {
    const std::uint8_t code = data[i++];
    if (code == 0) return std::nullopt;
    for (std::uint8_t k = 1; k < code; ++k) {
      if (i >= data.size() || data[i] == 0) return std::nullopt;
      out.push_back(data[i++]);
    }
    if (code != 0xFF && i < data.size()) out.push_back(0);
  }
  return out;
}

/// One frame on the wire: COBS(payload || crc_hi || crc_lo) followed by the 0x00 delimiter.
/// The length is not limited here so that tests can build over-long frames on purpose.
inline std::vector<std::uint8_t> encode_frame(std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> body(payload.begin(), payload.end());
  const std::uint16_t crc = crc16_ccitt(payload);
  body.push_back(static_cast<std::uint8_t>(crc >> 8));
  body.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  std::vector<std::uint8_t> out = cobs_encode(body);
  out.push_back(0);
  return out;
}

/// Why a frame was dropped; the numbers are the RTL's err_code values.
enum class FrameError : std::uint8_t {
  none = 0,
  bad_crc = 1,   ///< CRC mismatch, or fewer than 3 bytes after COBS decoding
  cobs = 2,      ///< the delimiter arrived inside a COBS group
  too_long = 3,  ///< payload longer than the maximum
};

/// What the decoder produces at each delimiter that closes a non-empty frame.
struct FrameEvent {
  FrameError error = FrameError::none;
  std::vector<std::uint8_t> payload;  ///< CRC removed; empty unless error == none
};

/// Streaming receiver for the host side of the link. Bytes are pushed one at a time;
/// a frame is judged only when its delimiter arrives, exactly as sf_frame_rx does:
/// the same bytes give the same payloads and the same error codes in the same order.
class FrameDecoder {
public:
  explicit FrameDecoder(std::size_t max_payload = max_frame_payload) : max_payload_(max_payload) {}

  /// Feeds one byte; returns an event when it closes a non-empty frame.
  std::optional<FrameEvent> push(std::uint8_t byte) {
    if (byte == 0) return finish();
    started_ = true;
    if (too_long_) return std::nullopt;
    if (remaining_ == 0) {
      // A code byte: the previous group (if any) implies a zero unless it was a full one.
      if (have_group_ && !group_full_) append(0);
      remaining_ = static_cast<std::uint8_t>(byte - 1);
      group_full_ = byte == 0xFF;
      have_group_ = true;
    } else {
      append(byte);
      --remaining_;
    }
    return std::nullopt;
  }

  /// Feeds a buffer; returns the events in order.
  std::vector<FrameEvent> push(std::span<const std::uint8_t> bytes) {
    std::vector<FrameEvent> events;
    for (const std::uint8_t byte : bytes) {
      if (auto event = push(byte)) events.push_back(std::move(*event));
    }
    return events;
  }

  /// Forgets a partly received frame (e.g. after a host-side timeout).
  void reset() {
    decoded_.clear();
    started_ = false;
    too_long_ = false;
    have_group_ = false;
    group_full_ = false;
    remaining_ = 0;
  }

  std::size_t max_payload() const noexcept { return max_payload_; }

private:
  void append(std::uint8_t byte) {
    if (decoded_.size() >= max_payload_ + 2) {
      too_long_ = true;
      decoded_.clear();
      return;
    }
    decoded_.push_back(byte);
  }

  std::optional<FrameEvent> finish() {
    if (!started_) return std::nullopt;  // empty frame: the host's resync idiom
    FrameEvent event;
    if (too_long_) {
      event.error = FrameError::too_long;
    } else if (remaining_ != 0) {
      event.error = FrameError::cobs;
    } else if (decoded_.size() < 3 || crc16_ccitt(decoded_) != 0) {
      event.error = FrameError::bad_crc;
    } else {
      decoded_.resize(decoded_.size() - 2);
      event.payload = std::move(decoded_);
    }
    reset();
    return event;
  }

  std::size_t max_payload_;
  std::vector<std::uint8_t> decoded_;
  bool started_ = false;
  bool too_long_ = false;
  bool have_group_ = false;
  bool group_full_ = false;
  std::uint8_t remaining_ = 0;
};

}  // namespace spikeforge::hw
