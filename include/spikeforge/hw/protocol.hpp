// Host side of the core's packet protocol (docs/hardware-protocol.md): request payload
// builders and response parsers. Framing (COBS + CRC) is in cobs.hpp / crc16.hpp.
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "spikeforge/core/error.hpp"
#include "spikeforge/hw/cobs.hpp"

namespace spikeforge::hw {

enum class Op : std::uint8_t {
  hello = 0x01,
  write_weights = 0x02,
  read_weights = 0x03,
  write_params = 0x04,
  write_state = 0x05,
  write_learn = 0x06,
  write_stdp = 0x07,
  input = 0x08,
  step = 0x09,
  read_state = 0x0A,
  clear = 0x0B,
};

enum class Resp : std::uint8_t {
  info = 0x81,
  weights = 0x83,
  state = 0x8A,
  spikes = 0x90,
  ack = 0xA0,
  nak = 0xE0,
};

enum class Nak : std::uint8_t {
  bad_crc = 1,
  cobs = 2,
  too_long = 3,
  unknown_opcode = 4,
  bad_length = 5,
  bad_argument = 6,
};

/// READ_STATE / WRITE_STATE kinds; parameter word k is param_base + k.
enum class StateKind : std::uint8_t { v = 0, u = 1, i = 2, nst = 3, post = 4, pre = 5, param_base = 8 };

/// Protocol version the core reports in INFO. Version 2 added the tag byte in front of every frame.
inline constexpr std::uint8_t core_version = 2;

/// The tag of the answers the core sends for a frame it could not read (NAK codes 1-3): no request
/// carries it, so such a NAK never passes for the answer to a request.
inline constexpr std::uint8_t link_error_tag = 0;

/// "0x81": an opcode or byte as two upper-case hex digits.
inline std::string hex_byte(unsigned value) {
  static constexpr char digits[] = "0123456789ABCDEF";
  return std::string("0x") + digits[(value >> 4) & 0xF] + digits[value & 0xF];
}

/// The request's name as the protocol document gives it ("READ_WEIGHTS"), or "opcode 0x42".
inline std::string op_name(std::uint8_t op) {
  static constexpr const char* names[] = {nullptr,       "HELLO",      "WRITE_WEIGHTS", "READ_WEIGHTS",
                                          "WRITE_PARAMS", "WRITE_STATE", "WRITE_LEARN",   "WRITE_STDP",
                                          "INPUT",        "STEP",        "READ_STATE",    "CLEAR"};
  if (op >= 1 && op < std::size(names)) return names[op];
  return "opcode " + hex_byte(op);
}

/// The answer's name and opcode ("WEIGHTS (0x83)"), or "opcode 0x42".
inline std::string resp_name(std::uint8_t op) {
  const char* name = nullptr;
  switch (static_cast<Resp>(op)) {
    case Resp::info: name = "INFO"; break;
    case Resp::weights: name = "WEIGHTS"; break;
    case Resp::state: name = "STATE"; break;
    case Resp::spikes: name = "SPIKES"; break;
    case Resp::ack: name = "ACK"; break;
    case Resp::nak: name = "NAK"; break;
  }
  return name ? std::string(name) + " (" + hex_byte(op) + ")" : "opcode " + hex_byte(op);
}

/// A NAK code with its name from the protocol document: "6 (bad address or argument)".
inline std::string nak_name(std::uint8_t code) {
  static constexpr const char* names[] = {nullptr,          "bad CRC",        "COBS error",
                                          "frame too long", "unknown opcode", "bad length",
                                          "bad address or argument"};
  const std::string number = std::to_string(code);
  if (code >= 1 && code < std::size(names)) return number + " (" + names[code] + ")";
  return number + " (not a code of this protocol)";
}

/// A frame's payload on the wire: the tag, then the request or answer.
inline std::vector<std::uint8_t> tagged(std::uint8_t tag, std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out;
  out.reserve(payload.size() + 1);
  out.push_back(tag);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

namespace detail {
inline void put16(std::vector<std::uint8_t>& out, unsigned value) {
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
  out.push_back(static_cast<std::uint8_t>((value >> 8) & 0xFF));
}
inline void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<std::uint8_t>((value >> (8 * k)) & 0xFF));
}
inline unsigned get16(std::span<const std::uint8_t> p, std::size_t at) {
  return static_cast<unsigned>(p[at] | (p[at + 1] << 8));
}
inline std::uint32_t get32(std::span<const std::uint8_t> p, std::size_t at) {
  return static_cast<std::uint32_t>(p[at]) | (static_cast<std::uint32_t>(p[at + 1]) << 8) |
         (static_cast<std::uint32_t>(p[at + 2]) << 16) | (static_cast<std::uint32_t>(p[at + 3]) << 24);
}
inline std::vector<std::uint8_t> start(Op op) { return {static_cast<std::uint8_t>(op)}; }
}  // namespace detail

// ---- requests -------------------------------------------------------------------------

inline std::vector<std::uint8_t> req_hello() { return detail::start(Op::hello); }

inline std::vector<std::uint8_t> req_write_weights(unsigned src, unsigned dst0,
                                                   std::span<const std::int8_t> w) {
  auto p = detail::start(Op::write_weights);
  detail::put16(p, src);
  detail::put16(p, dst0);
  for (const std::int8_t x : w) p.push_back(static_cast<std::uint8_t>(x));
  return p;
}

inline std::vector<std::uint8_t> req_read_weights(unsigned src, unsigned dst0, unsigned count) {
  auto p = detail::start(Op::read_weights);
  detail::put16(p, src);
  detail::put16(p, dst0);
  detail::put16(p, count);
  return p;
}

/// words: 8 parameter words per neuron, neuron after neuron.
inline std::vector<std::uint8_t> req_write_params(unsigned n0, std::span<const std::uint16_t> words) {
  auto p = detail::start(Op::write_params);
  detail::put16(p, n0);
  for (const std::uint16_t x : words) detail::put16(p, x);
  return p;
}

inline std::vector<std::uint8_t> req_write_state(StateKind kind, unsigned first,
                                                 std::span<const std::uint16_t> values) {
  auto p = detail::start(Op::write_state);
  p.push_back(static_cast<std::uint8_t>(kind));
  detail::put16(p, first);
  for (const std::uint16_t x : values) detail::put16(p, x);
  return p;
}

/// kind 0: pre_en of sources, 1: post_en of neurons.
inline std::vector<std::uint8_t> req_write_learn(unsigned kind, unsigned first,
                                                 std::span<const std::uint8_t> flags) {
  auto p = detail::start(Op::write_learn);
  p.push_back(static_cast<std::uint8_t>(kind));
  detail::put16(p, first);
  p.insert(p.end(), flags.begin(), flags.end());
  return p;
}

inline std::vector<std::uint8_t> req_write_stdp(std::uint8_t k_pre, std::uint8_t inc_pre,
                                                std::uint8_t k_post, std::uint8_t inc_post,
                                                std::uint8_t a_plus, std::uint8_t a_minus,
                                                std::int8_t w_min, std::int8_t w_max) {
  auto p = detail::start(Op::write_stdp);
  for (const std::uint8_t x : {k_pre, inc_pre, k_post, inc_post, a_plus, a_minus}) p.push_back(x);
  p.push_back(static_cast<std::uint8_t>(w_min));
  p.push_back(static_cast<std::uint8_t>(w_max));
  return p;
}

inline std::vector<std::uint8_t> req_input(unsigned offset, std::span<const std::uint8_t> axons) {
  auto p = detail::start(Op::input);
  p.push_back(static_cast<std::uint8_t>(offset));
  p.insert(p.end(), axons.begin(), axons.end());
  return p;
}

inline std::vector<std::uint8_t> req_step(unsigned count) {
  auto p = detail::start(Op::step);
  detail::put16(p, count);
  return p;
}

inline std::vector<std::uint8_t> req_read_state(StateKind kind, unsigned first, unsigned count) {
  auto p = detail::start(Op::read_state);
  p.push_back(static_cast<std::uint8_t>(kind));
  detail::put16(p, first);
  detail::put16(p, count);
  return p;
}

inline std::vector<std::uint8_t> req_read_param(unsigned word, unsigned first, unsigned count) {
  return req_read_state(static_cast<StateKind>(static_cast<unsigned>(StateKind::param_base) + word),
                        first, count);
}

inline std::vector<std::uint8_t> req_clear(std::uint8_t mask) {
  auto p = detail::start(Op::clear);
  p.push_back(mask);
  return p;
}

// ---- responses ------------------------------------------------------------------------

struct CoreInfo {
  unsigned version = 0, n = 0, na = 0, nslot = 0, nparam = 0, max_payload = 0;
  std::uint32_t weight_bytes = 0;
};

/// What the core reports for one STEP: the step number and the neurons that spiked in it.
struct StepReport {
  std::uint32_t step = 0;
  std::vector<std::uint8_t> ids;
};

struct NakInfo {
  Nak code;
  std::uint8_t op;
};

namespace detail {
inline void expect(std::span<const std::uint8_t> p, Resp r, bool length_ok) {
  if (p.empty() || p[0] != static_cast<std::uint8_t>(r) || !length_ok) {
    const auto want = static_cast<std::uint8_t>(r);
    throw Error("core response: expected " + resp_name(want) + " with a valid length, got " +
                (p.empty() ? std::string("an empty payload")
                           : resp_name(p[0]) + " of length " + std::to_string(p.size())));
  }
}
}  // namespace detail

inline CoreInfo parse_info(std::span<const std::uint8_t> p) {
  detail::expect(p, Resp::info, p.size() == 14);
  return {p[1], detail::get16(p, 2), detail::get16(p, 4), p[6], p[7], detail::get16(p, 8),
          detail::get32(p, 10)};
}

inline StepReport parse_spikes(std::span<const std::uint8_t> p) {
  detail::expect(p, Resp::spikes, p.size() >= 5);
  StepReport s;
  s.ids.assign(p.begin() + 1, p.end() - 4);
  s.step = detail::get32(p, p.size() - 4);
  return s;
}

inline std::vector<std::int8_t> parse_weights(std::span<const std::uint8_t> p) {
  detail::expect(p, Resp::weights, p.size() >= 1);
  std::vector<std::int8_t> w;
  for (std::size_t k = 1; k < p.size(); ++k) w.push_back(static_cast<std::int8_t>(p[k]));
  return w;
}

inline std::vector<std::uint16_t> parse_state(std::span<const std::uint8_t> p) {
  detail::expect(p, Resp::state, p.size() % 2 == 1);
  std::vector<std::uint16_t> values;
  for (std::size_t k = 1; k + 1 < p.size(); k += 2) {
    values.push_back(static_cast<std::uint16_t>(detail::get16(p, k)));
  }
  return values;
}

/// The acknowledged opcode.
inline std::uint8_t parse_ack(std::span<const std::uint8_t> p) {
  detail::expect(p, Resp::ack, p.size() == 2);
  return p[1];
}

inline std::optional<NakInfo> parse_nak(std::span<const std::uint8_t> p) {
  if (p.size() != 3 || p[0] != static_cast<std::uint8_t>(Resp::nak)) return std::nullopt;
  return NakInfo{static_cast<Nak>(p[1]), p[2]};
}

}  // namespace spikeforge::hw
