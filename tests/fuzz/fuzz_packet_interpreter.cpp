// Fuzz target: the golden core's command interpreter (hw::GoldenCore::handle), i.e. what the
// core does with each decoded request payload, in sequence, on one core whose state carries over.
//
// Input: byte 0 picks the core geometry (n, na); then records [length L][L payload bytes], each
// record one decoded request. The interpreter must never crash or touch memory outside the core
// state, and every answer must be one the host can read: at least one response per request,
// each no longer than the frame buffer, each parsing with the host's parser for its opcode
// (protocol.hpp) with the lengths the request asked for, spike ids below n and step numbers
// consecutive; each response survives encode_frame -> FrameDecoder unchanged.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "spikeforge/hw/golden_core.hpp"

namespace {

namespace hw = spikeforge::hw;

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_packet_interpreter: %s\n", what);
    std::abort();
  }
}

constexpr std::array<hw::CoreGeometry, 4> geometries{{{16, 16, 8}, {32, 16, 8}, {16, 48, 8}, {256, 256, 8}}};
// Upper bound on neuron-source updates per input (steps x sources x n) so that one input stays
// well under a second: a STEP of 65535 steps on the 256-neuron core alone would take minutes.
constexpr std::uint64_t work_budget = 1u << 22;

void check_responses(const hw::GoldenCore& core, std::span<const std::uint8_t> request,
                     const std::vector<hw::GoldenCore::Payload>& responses, std::uint32_t t_before) {
  require(!responses.empty(), "a request got no response");
  const unsigned n = static_cast<unsigned>(core.state().geo.n);
  for (const auto& r : responses) {
    require(!r.empty() && r.size() <= hw::max_frame_payload, "a response is empty or longer than a frame");
    hw::FrameDecoder decoder;
    const auto events = decoder.push(hw::encode_frame(r));
    require(events.size() == 1 && events[0].error == hw::FrameError::none && events[0].payload == r,
            "a response does not survive framing");
  }
  const auto& first = responses.front();
  if (const auto nak = hw::parse_nak(first)) {
    require(responses.size() == 1, "a NAK came with further responses");
    require(nak->op == (request.empty() ? 0 : request[0]), "a NAK names another opcode");
    require(nak->code == hw::Nak::unknown_opcode || nak->code == hw::Nak::bad_length ||
                nak->code == hw::Nak::bad_argument,
            "a request got a link-layer NAK code");
    return;
  }
  require(!request.empty(), "an empty request was not refused");
  const auto op = static_cast<hw::Op>(request[0]);
  const auto u16 = [&](std::size_t at) { return hw::detail::get16(request, at); };
  switch (op) {
    case hw::Op::hello: {
      const hw::CoreInfo info = hw::parse_info(first);
      require(info.version == hw::core_version && info.n == n &&
                  info.na == static_cast<unsigned>(core.state().geo.na) &&
                  info.max_payload == hw::max_frame_payload,
              "HELLO reports another geometry");
      break;
    }
    case hw::Op::read_weights:
      require(hw::parse_weights(first).size() == u16(5), "READ_WEIGHTS returned another count");
      break;
    case hw::Op::read_state:
      require(hw::parse_state(first).size() == u16(4), "READ_STATE returned another count");
      break;
    case hw::Op::step: {
      require(responses.size() == u16(1), "STEP returned another number of spike packets");
      for (std::size_t k = 0; k < responses.size(); ++k) {
        const hw::StepReport spikes = hw::parse_spikes(responses[k]);
        require(spikes.step == t_before + k, "STEP spike packets are not numbered consecutively");
        for (std::size_t j = 0; j < spikes.ids.size(); ++j) {
          require(spikes.ids[j] < n && (j == 0 || spikes.ids[j - 1] < spikes.ids[j]),
                  "spike ids out of range or not increasing");
        }
      }
      break;
    }
    default:
      require(responses.size() == 1 && hw::parse_ack(first) == request[0], "a write was not acknowledged");
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const hw::CoreGeometry geo = geometries[data[0] % geometries.size()];
  hw::GoldenCore core(geo);
  const std::uint64_t step_cost = static_cast<std::uint64_t>(geo.sources()) * static_cast<std::uint64_t>(geo.n);
  std::uint64_t work = 0;
  std::size_t at = 1;
  while (at < size) {
    const std::size_t len = std::min<std::size_t>(data[at], size - at - 1);
    const std::span<const std::uint8_t> request(data + at + 1, len);
    at += 1 + len;
    if (len == 3 && request[0] == static_cast<std::uint8_t>(hw::Op::step)) {
      work += step_cost * hw::detail::get16(request, 1);
      if (work > work_budget) break;  // the rest of the input would only make this input slow
    }
    const std::uint32_t t_before = core.state().t;
    check_responses(core, request, core.handle(request), t_before);
  }
  return 0;
}
