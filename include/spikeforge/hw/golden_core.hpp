// Reference command interpreter of the core: request payloads in, response payloads out,
// byte for byte what the RTL sf_core answers (docs/hardware-protocol.md).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "spikeforge/hw/golden_model.hpp"
#include "spikeforge/hw/protocol.hpp"

namespace spikeforge::hw {

class GoldenCore {
public:
  using Payload = std::vector<std::uint8_t>;

  explicit GoldenCore(CoreGeometry geo = {}) : state_(geo) {}

  CoreState& state() noexcept { return state_; }
  const CoreState& state() const noexcept { return state_; }

  /// The frame the core sends for a frame the link layer dropped (codes 1-3): tag 0, then the NAK.
  static Payload frame_error(Nak code) { return tagged(link_error_tag, nak(code, 0)); }

  /// Handles one received frame payload (tag, then the request); returns the answer frame
  /// payloads, each starting with the request's tag. A frame with a tag and nothing else is
  /// answered NAK 5 (bad length) with op 0.
  std::vector<Payload> handle_frame(std::span<const std::uint8_t> frame) {
    if (frame.empty()) return {};  // the frame decoder never delivers an empty payload
    auto answers = handle(frame.subspan(1));
    for (auto& a : answers) a.insert(a.begin(), frame[0]);
    return answers;
  }

  /// Handles one request (the frame payload after its tag); returns the responses in the order
  /// the core sends them, without tags.
  std::vector<Payload> handle(std::span<const std::uint8_t> p) {
    if (p.empty()) return {nak(Nak::bad_length, 0)};
    const std::uint8_t op = p[0];
    const std::size_t len = p.size();
    const auto n = static_cast<unsigned>(state_.geo.n);
    const auto na = static_cast<unsigned>(state_.geo.na);
    const unsigned sources = n + na;
    const auto u16 = [&](std::size_t at) { return detail::get16(p, at); };
    auto& st = state_;
    switch (static_cast<Op>(op)) {
      case Op::hello: {
        if (len != 1) return {nak(Nak::bad_length, op)};
        Payload r{static_cast<std::uint8_t>(Resp::info), core_version};
        detail::put16(r, n);
        detail::put16(r, na);
        r.push_back(static_cast<std::uint8_t>(st.geo.nslot));
        r.push_back(param::count);
        detail::put16(r, static_cast<unsigned>(max_frame_payload));
        detail::put32(r, sources * n);
        return {r};
      }
      case Op::write_weights: {
        if (len < 6) return {nak(Nak::bad_length, op)};
        const unsigned src = u16(1), dst0 = u16(3), cnt = static_cast<unsigned>(len - 5);
        if (src >= sources || dst0 + cnt > n) return {nak(Nak::bad_argument, op)};
        for (unsigned k = 0; k < cnt; ++k) {
          st.weight(static_cast<int>(src), static_cast<int>(dst0 + k)) = static_cast<std::int8_t>(p[5 + k]);
        }
        return {ack(op)};
      }
      case Op::read_weights: {
        if (len != 7) return {nak(Nak::bad_length, op)};
        const unsigned src = u16(1), dst0 = u16(3), cnt = u16(5);
        if (src >= sources || cnt < 1 || cnt > 256 || dst0 + cnt > n) return {nak(Nak::bad_argument, op)};
        Payload r{static_cast<std::uint8_t>(Resp::weights)};
        for (unsigned k = 0; k < cnt; ++k) {
          r.push_back(static_cast<std::uint8_t>(st.weight(static_cast<int>(src), static_cast<int>(dst0 + k))));
        }
        return {r};
      }
      case Op::write_params: {
        if (len < 19 || (len - 3) % 16 != 0) return {nak(Nak::bad_length, op)};
        const unsigned n0 = u16(1), cnt = static_cast<unsigned>((len - 3) / 16);
        if (n0 + cnt > n) return {nak(Nak::bad_argument, op)};
        for (unsigned k = 0; k < cnt; ++k) {
          for (unsigned wd = 0; wd < param::count; ++wd) {
            st.params[n0 + k][wd] = static_cast<std::uint16_t>(u16(3 + 16 * k + 2 * wd));
          }
        }
        return {ack(op)};
      }
      case Op::write_state: {
        if (len < 6 || len % 2 != 0) return {nak(Nak::bad_length, op)};
        const unsigned kind = p[1], first = u16(2), cnt = static_cast<unsigned>((len - 4) / 2);
        if (kind > 3 || first + cnt > n) return {nak(Nak::bad_argument, op)};
        for (unsigned k = 0; k < cnt; ++k) {
          const auto value = static_cast<std::uint16_t>(u16(4 + 2 * k));
          const unsigned idx = first + k;
          switch (kind) {
            case 0: st.v[idx] = static_cast<std::int16_t>(value); break;
            case 1: st.u[idx] = static_cast<std::int16_t>(value); break;
            case 2: st.i[idx] = static_cast<std::int16_t>(value); break;
            default:
              st.refr[idx] = static_cast<std::uint8_t>(value & 0xFF);
              st.spiked_prev[idx] = static_cast<std::uint8_t>((value >> 8) & 1);
              break;
          }
        }
        return {ack(op)};
      }
      case Op::write_learn: {
        if (len < 5) return {nak(Nak::bad_length, op)};
        const unsigned kind = p[1], first = u16(2), cnt = static_cast<unsigned>(len - 4);
        if (kind > 1 || first + cnt > (kind == 0 ? sources : n)) return {nak(Nak::bad_argument, op)};
        auto& en = kind == 0 ? st.pre_en : st.post_en;
        for (unsigned k = 0; k < cnt; ++k) en[first + k] = p[4 + k] & 1;
        return {ack(op)};
      }
      case Op::write_stdp: {
        if (len != 9) return {nak(Nak::bad_length, op)};
        const auto w_min = static_cast<std::int8_t>(p[7]), w_max = static_cast<std::int8_t>(p[8]);
        if (w_min > w_max) return {nak(Nak::bad_argument, op)};
        st.stdp = StdpParams{p[1], p[2], p[3], p[4], p[5], p[6], w_min, w_max};
        return {ack(op)};
      }
      case Op::input: {
        if (len < 2) return {nak(Nak::bad_length, op)};
        if (p[1] >= st.geo.nslot) return {nak(Nak::bad_argument, op)};
        for (std::size_t k = 2; k < len; ++k) {
          if (p[k] >= na) return {nak(Nak::bad_argument, op)};
        }
        for (std::size_t k = 2; k < len; ++k) st.queue_axon(p[1], p[k]);
        return {ack(op)};
      }
      case Op::step: {
        if (len != 3) return {nak(Nak::bad_length, op)};
        const unsigned count = u16(1);
        if (count < 1) return {nak(Nak::bad_argument, op)};
        std::vector<Payload> out;
        for (unsigned k = 0; k < count; ++k) {
          const std::uint32_t t = st.t;
          Payload r{static_cast<std::uint8_t>(Resp::spikes)};
          const auto ids = st.step();
          r.insert(r.end(), ids.begin(), ids.end());
          detail::put32(r, t);
          out.push_back(std::move(r));
        }
        return out;
      }
      case Op::read_state: {
        if (len != 6) return {nak(Nak::bad_length, op)};
        const unsigned kind = p[1], first = u16(2), cnt = u16(4);
        const bool known = kind <= 5 || (kind >= 8 && kind <= 15);
        const unsigned limit = kind == 5 ? sources : n;
        if (!known || cnt < 1 || cnt > 254 || first + cnt > limit) return {nak(Nak::bad_argument, op)};
        Payload r{static_cast<std::uint8_t>(Resp::state)};
        for (unsigned k = 0; k < cnt; ++k) detail::put16(r, read_word(kind, first + k));
        return {r};
      }
      case Op::clear: {
        if (len != 2) return {nak(Nak::bad_length, op)};
        if (p[1] > 7) return {nak(Nak::bad_argument, op)};
        st.clear(p[1]);
        return {ack(op)};
      }
    }
    return {nak(Nak::unknown_opcode, op)};
  }

  /// The 16-bit word READ_STATE returns for (kind, index).
  std::uint16_t read_word(unsigned kind, unsigned idx) const {
    const auto& st = state_;
    switch (kind) {
      case 0: return static_cast<std::uint16_t>(st.v[idx]);
      case 1: return static_cast<std::uint16_t>(st.u[idx]);
      case 2: return static_cast<std::uint16_t>(st.i[idx]);
      case 3: return static_cast<std::uint16_t>(st.refr[idx] | (st.spiked_prev[idx] << 8));
      case 4: return static_cast<std::uint16_t>(st.x_post[idx] | (st.dep[idx] << 8) | (st.post_en[idx] << 15));
      case 5: return static_cast<std::uint16_t>(st.x_pre[idx] | (st.pot[idx] << 8) | (st.pre_en[idx] << 15));
      default: return st.params[idx][kind - 8];
    }
  }

private:
  static Payload ack(std::uint8_t op) { return {static_cast<std::uint8_t>(Resp::ack), op}; }
  static Payload nak(Nak code, std::uint8_t op) {
    return {static_cast<std::uint8_t>(Resp::nak), static_cast<std::uint8_t>(code), op};
  }

  CoreState state_;
};

}  // namespace spikeforge::hw
