// Fuzz target: the host's streaming frame decoder (hw::FrameDecoder, COBS + CRC-16).
// Input: raw bytes as they would arrive on the link. The decoder must never crash, and every
// event must agree with the one-shot codec (cobs_decode + crc16_ccitt) on the same bytes:
// same payload for a good frame, the error the RTL would report for a bad one. A decoded
// payload re-encoded with encode_frame must decode to itself.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <span>
#include <vector>

#include "spikeforge/hw/cobs.hpp"

namespace {

using spikeforge::hw::FrameDecoder;
using spikeforge::hw::FrameError;
using spikeforge::hw::FrameEvent;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_frame_decoder: %s\n", what);
    std::abort();
  }
}

/// What the decoder must report for one non-empty, zero-free chunk between delimiters.
void check_event(const FrameEvent& event, std::span<const std::uint8_t> chunk, std::size_t max_payload) {
  const auto decoded = spikeforge::hw::cobs_decode(chunk);
  // COBS decoding never makes data longer, so a chunk of at most max + 2 bytes cannot be too long.
  if (!decoded) {
    require(event.error == FrameError::cobs ||
                (event.error == FrameError::too_long && chunk.size() > max_payload + 2),
            "a chunk cobs_decode rejects was not reported as a COBS (or too-long) error");
    require(event.payload.empty(), "an error event carries a payload");
    return;
  }
  if (decoded->size() > max_payload + 2) {
    require(event.error == FrameError::too_long, "an over-long frame was not reported as too long");
  } else if (decoded->size() < 3 || spikeforge::hw::crc16_ccitt(*decoded) != 0) {
    require(event.error == FrameError::bad_crc, "a frame with a bad CRC was not reported as bad_crc");
  } else {
    require(event.error == FrameError::none, "a good frame was reported as an error");
    require(event.payload.size() + 2 == decoded->size() &&
                std::equal(event.payload.begin(), event.payload.end(), decoded->begin()),
            "the decoder's payload differs from cobs_decode without the CRC");
  }
  if (event.error != FrameError::none) require(event.payload.empty(), "an error event carries a payload");
}

void check_stream(std::span<const std::uint8_t> bytes, std::size_t max_payload) {
  FrameDecoder decoder(max_payload);
  const std::vector<FrameEvent> events = decoder.push(bytes);

  // The same bytes one at a time give the same events.
  FrameDecoder bytewise(max_payload);
  std::size_t k = 0;
  for (const std::uint8_t byte : bytes) {
    if (auto event = bytewise.push(byte)) {
      require(k < events.size() && event->error == events[k].error && event->payload == events[k].payload,
              "byte-wise and buffer pushes disagree");
      ++k;
    }
  }
  require(k == events.size(), "byte-wise push produced fewer events");

  // One event per non-empty chunk closed by a delimiter, in order.
  std::size_t e = 0, begin = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != 0) continue;
    if (i > begin) {
      require(e < events.size(), "a delimited chunk produced no event");
      check_event(events[e++], bytes.subspan(begin, i - begin), max_payload);
    }
    begin = i + 1;
  }
  require(e == events.size(), "more events than delimited chunks");

  // Good payloads survive encode_frame -> decoder.
  for (const FrameEvent& event : events) {
    if (event.error != FrameError::none) continue;
    FrameDecoder again(max_payload);
    const auto round = again.push(spikeforge::hw::encode_frame(event.payload));
    require(round.size() == 1 && round[0].error == FrameError::none && round[0].payload == event.payload,
            "encode_frame of a decoded payload does not decode to itself");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  check_stream(bytes, spikeforge::hw::max_frame_payload);
  check_stream(bytes, 8);  // a small buffer reaches the too-long path with short inputs
  return 0;
}
