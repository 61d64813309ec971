// Randomised networks for co-simulating sf_core against the golden model: parameters for
// LIF / Izhikevich mixes, weights, STDP settings, and the request payloads that load them.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "spikeforge/hw/golden_model.hpp"
#include "spikeforge/hw/protocol.hpp"

namespace spikeforge::hw::test {

struct NetworkSpec {
  CoreGeometry geo;
  std::vector<std::array<std::uint16_t, param::count>> params;
  std::vector<std::int8_t> w;  // [s * n + dst]
  std::vector<std::uint16_t> v0, u0;
  StdpParams stdp;
  std::vector<std::uint8_t> pre_en, post_en;
  double axon_rate = 0.05;  // probability per axon per step
};

struct NetworkOptions {
  double izh_fraction = 0.3;
  bool learning = true;
  double axon_rate = 0.05;
  double in_degree = 6.0;  // mean recurrent inputs per neuron (axon inputs: twice as many)
};

inline NetworkSpec random_network(CoreGeometry geo, NetworkOptions opt, std::uint32_t seed) {
  std::mt19937 rng(seed);
  const auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const auto coin = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  NetworkSpec net;
  net.geo = geo;
  net.axon_rate = opt.axon_rate;
  const int n = geo.n, s_count = geo.sources();
  net.params.resize(static_cast<std::size_t>(n));
  net.v0.resize(static_cast<std::size_t>(n));
  net.u0.resize(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) {
    auto& p = net.params[static_cast<std::size_t>(k)];
    if (coin(opt.izh_fraction)) {
      // Izhikevich (2003) cell types, Q6 mV: RS, IB, CH, FS.
      static constexpr int types[4][4] = {{1311, 51, -65, 8}, {1311, 51, -55, 4},
                                          {1311, 51, -50, 2}, {6554, 51, -65, 2}};
      const auto& t = types[uni(0, 3)];
      p[param::flags] = static_cast<std::uint16_t>(1 | (uni(0, 255) << 8));  // high bits ignored
      p[param::v_th] = 30 * 64;
      p[param::v_reset] = static_cast<std::uint16_t>(t[2] * 64);
      p[param::v_rest] = static_cast<std::uint16_t>(t[3] * 64);
      p[param::kv] = static_cast<std::uint16_t>(t[0]);
      p[param::b] = static_cast<std::uint16_t>(t[1]);
      p[param::ki] = static_cast<std::uint16_t>(uni(20000, 29000));
      p[param::g] = static_cast<std::uint16_t>(uni(4096 * 3, 4096 * 6));
      net.v0[static_cast<std::size_t>(k)] = static_cast<std::uint16_t>(uni(-70 * 64, -55 * 64));
      net.u0[static_cast<std::size_t>(k)] =
          static_cast<std::uint16_t>((static_cast<std::int16_t>(net.v0[static_cast<std::size_t>(k)]) * 51) >> 8);
    } else {
      p[param::flags] = static_cast<std::uint16_t>(uni(0, 3) << 8);
      p[param::v_th] = static_cast<std::uint16_t>(uni(600, 1400));
      p[param::v_reset] = static_cast<std::uint16_t>(uni(-300, 0));
      p[param::v_rest] = static_cast<std::uint16_t>(uni(-50, 50));
      p[param::kv] = static_cast<std::uint16_t>(uni(27000, 32000));
      p[param::ki] = static_cast<std::uint16_t>(uni(14000, 27000));
      p[param::g] = static_cast<std::uint16_t>(uni(4096 * 2, 4096 * 5));
      p[param::b] = static_cast<std::uint16_t>(uni(0, 65535));  // ignored by LIF
      net.v0[static_cast<std::size_t>(k)] = static_cast<std::uint16_t>(uni(-300, 900));
      net.u0[static_cast<std::size_t>(k)] = static_cast<std::uint16_t>(uni(-1000, 1000));
    }
  }
  net.w.assign(static_cast<std::size_t>(s_count * n), 0);
  for (int s = 0; s < s_count; ++s) {
    const bool axon = s >= n;
    const bool inhibitory = !axon && coin(0.2);
    for (int d = 0; d < n; ++d) {
      if (!coin(axon ? 2 * opt.in_degree / geo.na : opt.in_degree / n)) continue;
      int w = axon ? uni(5, 70) : (inhibitory ? uni(-100, -5) : uni(0, 45));
      net.w[static_cast<std::size_t>(s * n + d)] = static_cast<std::int8_t>(w);
    }
  }
  net.stdp = StdpParams{static_cast<std::uint8_t>(uni(200, 245)), static_cast<std::uint8_t>(uni(40, 120)),
                        static_cast<std::uint8_t>(uni(200, 245)), static_cast<std::uint8_t>(uni(40, 120)),
                        static_cast<std::uint8_t>(uni(10, 60)),   static_cast<std::uint8_t>(uni(10, 60)),
                        static_cast<std::int8_t>(uni(-110, -60)), static_cast<std::int8_t>(uni(30, 60))};
  net.pre_en.assign(static_cast<std::size_t>(s_count), 0);
  net.post_en.assign(static_cast<std::size_t>(n), 0);
  if (opt.learning) {
    for (auto& e : net.pre_en) e = coin(0.7) ? 1 : 0;
    for (auto& e : net.post_en) e = coin(0.7) ? 1 : 0;
  }
  return net;
}

/// The requests that load a network into a freshly reset core, in order.
inline std::vector<std::vector<std::uint8_t>> load_requests(const NetworkSpec& net) {
  std::vector<std::vector<std::uint8_t>> r;
  const int n = net.geo.n, s_count = net.geo.sources();
  r.push_back(req_clear(7));
  const auto& st = net.stdp;
  r.push_back(req_write_stdp(st.k_pre, st.inc_pre, st.k_post, st.inc_post, st.a_plus, st.a_minus,
                             st.w_min, st.w_max));
  for (int n0 = 0; n0 < n; n0 += 31) {
    std::vector<std::uint16_t> words;
    for (int k = n0; k < std::min(n, n0 + 31); ++k) {
      for (const auto x : net.params[static_cast<std::size_t>(k)]) words.push_back(x);
    }
    r.push_back(req_write_params(static_cast<unsigned>(n0), words));
  }
  for (int s = 0; s < s_count; ++s) {
    const auto* row = net.w.data() + static_cast<std::ptrdiff_t>(s) * n;
    r.push_back(req_write_weights(static_cast<unsigned>(s), 0, std::span<const std::int8_t>(row, static_cast<std::size_t>(n))));
  }
  // A frame carries at most 512 payload bytes: 128 state words per request.
  for (int n0 = 0; n0 < n; n0 += 128) {
    const auto cnt = static_cast<std::size_t>(std::min(128, n - n0));
    r.push_back(req_write_state(StateKind::v, static_cast<unsigned>(n0),
                                std::span<const std::uint16_t>(net.v0.data() + n0, cnt)));
    r.push_back(req_write_state(StateKind::u, static_cast<unsigned>(n0),
                                std::span<const std::uint16_t>(net.u0.data() + n0, cnt)));
  }
  for (int s0 = 0; s0 < s_count; s0 += 256) {
    const auto cnt = static_cast<std::size_t>(std::min(256, s_count - s0));
    r.push_back(req_write_learn(0, static_cast<unsigned>(s0),
                                std::span<const std::uint8_t>(net.pre_en.data() + s0, cnt)));
  }
  r.push_back(req_write_learn(1, 0, net.post_en));
  return r;
}

/// Random axon input for one step: the INPUT request (offset 0) or an empty vector.
inline std::vector<std::uint8_t> random_input(const NetworkSpec& net, std::mt19937& rng) {
  std::vector<std::uint8_t> axons;
  std::bernoulli_distribution fire(net.axon_rate);
  for (int a = 0; a < net.geo.na; ++a) {
    if (fire(rng)) axons.push_back(static_cast<std::uint8_t>(a));
  }
  return axons;
}

}  // namespace spikeforge::hw::test
