// The golden integer model of one neuromorphic core: state, parameters and the step function.
// It is the specification of hdl/rtl/sf_core.v (docs/hardware.md); every rounding lives here once.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "spikeforge/core/error.hpp"

namespace spikeforge::hw {

/// Sizes of one core: N is a power of two in [16, 256], NA a multiple of 16 in [16, 256].
struct CoreGeometry {
  int n = 256;     ///< neurons
  int na = 256;    ///< input axons
  int nslot = 8;   ///< future steps for which axon input can be queued

  int sources() const noexcept { return n + na; }

  void validate() const {
    const auto check = [](const char* field, int value) {
      if (value < 16 || value > 256 || value % 16 != 0) {
        throw ValidationError("core geometry", field,
                              std::to_string(value) + ": must be a multiple of 16 in [16, 256]");
      }
    };
    check("n", n);
    check("na", na);
    if ((n & (n - 1)) != 0) {
      throw ValidationError("core geometry", "n", std::to_string(n) + ": must be a power of two");
    }
    if (nslot != 8) throw ValidationError("core geometry", "nslot", "must be 8");
  }
};

/// Global STDP parameters (docs/hardware.md, "Global STDP parameters").
struct StdpParams {
  std::uint8_t k_pre = 0;
  std::uint8_t inc_pre = 0;
  std::uint8_t k_post = 0;
  std::uint8_t inc_post = 0;
  std::uint8_t a_plus = 0;
  std::uint8_t a_minus = 0;
  std::int8_t w_min = -128;
  std::int8_t w_max = 127;
};

/// Word indices of the eight per-neuron parameter words.
namespace param {
inline constexpr int flags = 0;    ///< bit 0: Izhikevich; bits 15:8: LIF refractory steps
inline constexpr int v_th = 1;     ///< LIF threshold / Izhikevich v_peak
inline constexpr int v_reset = 2;  ///< LIF reset / Izhikevich c
inline constexpr int v_rest = 3;   ///< LIF resting potential / Izhikevich d
inline constexpr int kv = 4;       ///< LIF membrane decay (Q15) / Izhikevich a (Q16)
inline constexpr int ki = 5;       ///< synaptic current decay (Q15)
inline constexpr int g = 6;        ///< input gain (Q12)
inline constexpr int b = 7;        ///< Izhikevich b (Q8)
inline constexpr int count = 8;
}  // namespace param

namespace fx {
inline std::int32_t sat16(std::int64_t x) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(x, -32768, 32767));
}
/// Arithmetic shift right: floor division by 2^s (C++20 defines >> on negatives this way).
inline std::int32_t asr(std::int32_t x, int s) { return x >> s; }
inline std::int32_t mul(std::int32_t a, std::int32_t b) { return a * b; }  // both int16: exact
inline std::uint8_t trace_update(std::uint8_t x, std::uint8_t k, std::uint8_t inc, bool event) {
  const int decayed = (static_cast<int>(x) * k) >> 8;
  return static_cast<std::uint8_t>(std::min(255, decayed + (event ? inc : 0)));
}
inline std::uint8_t stdp_amount(std::uint8_t x, std::uint8_t a) {
  return static_cast<std::uint8_t>(std::min(127, (static_cast<int>(x) * a) >> 8));
}
inline std::int8_t clamp_weight(int w, std::int8_t lo, std::int8_t hi) {
  return static_cast<std::int8_t>(std::clamp<int>(w, lo, hi));
}
}  // namespace fx

/// Everything the core holds, as integer arrays with the RTL's widths.
struct CoreState {
  CoreGeometry geo;
  std::vector<std::int8_t> w;                     ///< w[s * n + dst], s < n + na
  std::vector<std::array<std::uint16_t, param::count>> params;  ///< per neuron
  std::vector<std::int16_t> v, u, i;              ///< per neuron
  std::vector<std::uint8_t> refr;                 ///< per neuron
  std::vector<std::uint8_t> spiked_prev;          ///< per neuron, 0/1
  std::vector<std::uint8_t> x_post, dep, post_en; ///< per neuron
  std::vector<std::uint8_t> x_pre, pot, pre_en;   ///< per source
  std::vector<std::uint8_t> axq;                  ///< [slot * na + axon], 0/1
  StdpParams stdp;
  std::uint32_t t = 0;                            ///< next step to run

  explicit CoreState(CoreGeometry g = {}) : geo(g) {
    geo.validate();
    const auto n = static_cast<std::size_t>(geo.n);
    const auto s = static_cast<std::size_t>(geo.sources());
    w.assign(s * n, 0);
    params.assign(n, {});
    v.assign(n, 0);
    u.assign(n, 0);
    i.assign(n, 0);
    refr.assign(n, 0);
    spiked_prev.assign(n, 0);
    x_post.assign(n, 0);
    dep.assign(n, 0);
    post_en.assign(n, 0);
    x_pre.assign(s, 0);
    pot.assign(s, 0);
    pre_en.assign(s, 0);
    axq.assign(static_cast<std::size_t>(geo.nslot * geo.na), 0);
  }

  std::int8_t& weight(int src, int dst) { return w[static_cast<std::size_t>(src * geo.n + dst)]; }
  std::int8_t weight(int src, int dst) const { return w[static_cast<std::size_t>(src * geo.n + dst)]; }

  /// Zeroes what CLEAR's mask selects (bit 0 state, bit 1 weights, bit 2 parameters).
  void clear(std::uint8_t mask) {
    if (mask & 1) {
      for (auto* a : {&v, &u, &i}) std::fill(a->begin(), a->end(), 0);
      for (auto* a : {&refr, &spiked_prev, &x_post, &dep, &post_en, &x_pre, &pot, &pre_en, &axq}) {
        std::fill(a->begin(), a->end(), 0);
      }
      t = 0;
    }
    if (mask & 2) std::fill(w.begin(), w.end(), 0);
    if (mask & 4) std::fill(params.begin(), params.end(), std::array<std::uint16_t, param::count>{});
  }

  /// Queues axon a for step t + offset.
  void queue_axon(int offset, int axon) {
    axq[static_cast<std::size_t>(((t + static_cast<std::uint32_t>(offset)) % geo.nslot) * geo.na + axon)] = 1;
  }

  /// Runs step t (docs/hardware.md, "One step"); returns the ids of the neurons that spiked.
  std::vector<std::uint8_t> step() {
    const int n_count = geo.n;
    const int slot = static_cast<int>(t % static_cast<std::uint32_t>(geo.nslot));
    // Phase 1: source pass.
    for (int s = 0; s < geo.sources(); ++s) {
      bool event;
      if (s < n_count) {
        event = spiked_prev[s] != 0;
      } else {
        auto& q = axq[static_cast<std::size_t>(slot * geo.na + (s - n_count))];
        event = q != 0;
        q = 0;
      }
      x_pre[s] = fx::trace_update(x_pre[s], stdp.k_pre, stdp.inc_pre, event);
      pot[s] = fx::stdp_amount(x_pre[s], stdp.a_plus);
      if (!event) continue;
      for (int d = 0; d < n_count; ++d) {
        std::int8_t& wr = weight(s, d);
        i[d] = static_cast<std::int16_t>(fx::sat16(static_cast<int>(i[d]) + wr));
        if (pre_en[s] && post_en[d]) {
          wr = fx::clamp_weight(wr - dep[d], stdp.w_min, stdp.w_max);
        }
      }
    }
    // Phase 2: neuron pass.
    std::vector<std::uint8_t> fired;
    for (int d = 0; d < n_count; ++d) {
      const bool spike = update_neuron(d);
      spiked_prev[d] = spike ? 1 : 0;
      x_post[d] = fx::trace_update(x_post[d], stdp.k_post, stdp.inc_post, spike);
      dep[d] = fx::stdp_amount(x_post[d], stdp.a_minus);
      if (!spike) continue;
      fired.push_back(static_cast<std::uint8_t>(d));
      if (!post_en[d]) continue;
      for (int s = 0; s < geo.sources(); ++s) {
        if (pre_en[s]) {
          std::int8_t& wr = weight(s, d);
          wr = fx::clamp_weight(wr + pot[s], stdp.w_min, stdp.w_max);
        }
      }
    }
    // Phase 3.
    ++t;
    return fired;
  }

private:
  static std::int32_t s16(std::uint16_t word) { return static_cast<std::int16_t>(word); }

  /// One neuron's update; returns whether it spiked.
  bool update_neuron(int d) {
    const auto& p = params[static_cast<std::size_t>(d)];
    std::int32_t vv = v[d];
    std::int32_t uu = u[d];
    const std::int32_t cur = i[d];
    const std::int32_t in = fx::asr(fx::mul(cur, s16(p[param::g])), 12);
    bool spike = false;
    if ((p[param::flags] & 1) == 0) {
      if (refr[d] > 0) {
        refr[d] = static_cast<std::uint8_t>(refr[d] - 1);
      } else {
        const std::int32_t rest = s16(p[param::v_rest]);
        const std::int32_t diff = fx::sat16(vv - rest);
        vv = fx::sat16(static_cast<std::int64_t>(rest) +
                       fx::asr(fx::mul(diff, s16(p[param::kv])), 15) + in);
        if (vv >= s16(p[param::v_th])) {
          spike = true;
          vv = s16(p[param::v_reset]);
          refr[d] = static_cast<std::uint8_t>(p[param::flags] >> 8);
        }
      }
    } else {
      for (int h = 0; h < 2; ++h) {
        const std::int32_t sq = fx::sat16(fx::asr(fx::mul(vv, vv), 10));
        const std::int64_t dv = static_cast<std::int64_t>(fx::asr(fx::mul(sq, 41), 6)) + 5 * vv +
                                8960 - uu + in;
        vv = fx::sat16(vv + (dv >> 1));
      }
      const std::int32_t bv = fx::asr(fx::mul(s16(p[param::b]), vv), 8);
      const std::int32_t diff = fx::sat16(bv - uu);
      uu = fx::sat16(uu + fx::asr(fx::mul(s16(p[param::kv]), diff), 16));
      if (vv >= s16(p[param::v_th])) {
        spike = true;
        vv = s16(p[param::v_reset]);
        uu = fx::sat16(uu + s16(p[param::v_rest]));
      }
    }
    v[d] = static_cast<std::int16_t>(vv);
    u[d] = static_cast<std::int16_t>(uu);
    i[d] = static_cast<std::int16_t>(fx::asr(fx::mul(cur, s16(p[param::ki])), 15));
    return spike;
  }
};

}  // namespace spikeforge::hw
