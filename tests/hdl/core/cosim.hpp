// Lock-step co-simulation of the Verilated sf_core and the golden GoldenCore: the same request
// payloads go to both and every answer must be byte-identical.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core_sim.hpp"
#include "random_network.hpp"
#include "spikeforge/hw/golden_core.hpp"

namespace spikeforge::hw::test {

/// Describes the first difference between two answers in the project's terms.
inline std::string describe_difference(const std::vector<std::uint8_t>& req,
                                       const std::vector<std::uint8_t>& rtl,
                                       const std::vector<std::uint8_t>& gold) {
  std::ostringstream os;
  if (!rtl.empty() && !gold.empty() && rtl[0] == 0x90 && gold[0] == 0x90 && rtl.size() >= 5 &&
      gold.size() >= 5) {
    const auto a = parse_spikes(rtl), b = parse_spikes(gold);
    os << "SPIKES of step " << b.step << " (rtl step record " << a.step << "): ";
    std::size_t k = 0;
    while (k < a.ids.size() && k < b.ids.size() && a.ids[k] == b.ids[k]) ++k;
    if (k < a.ids.size() || k < b.ids.size()) {
      os << "first differing spike #" << k << ": rtl neuron "
         << (k < a.ids.size() ? std::to_string(a.ids[k]) : std::string("none")) << ", golden neuron "
         << (k < b.ids.size() ? std::to_string(b.ids[k]) : std::string("none"));
    }
    return os.str();
  }
  os << "answer to opcode 0x" << std::hex << int(req.at(0)) << std::dec;
  if (req[0] == 0x0A && rtl.size() == gold.size()) {
    const auto a = parse_state(rtl), b = parse_state(gold);
    for (std::size_t k = 0; k < a.size(); ++k) {
      if (a[k] != b[k]) {
        os << " (READ_STATE kind " << int(req[1]) << "), index " << (detail::get16(req, 2) + k)
           << ": rtl " << a[k] << ", golden " << b[k];
        return os.str();
      }
    }
  }
  if (req[0] == 0x03 && rtl.size() == gold.size()) {
    for (std::size_t k = 1; k < rtl.size(); ++k) {
      if (rtl[k] != gold[k]) {
        os << " (READ_WEIGHTS) w[" << detail::get16(req, 1) << "][" << (detail::get16(req, 3) + k - 1)
           << "]: rtl " << int(static_cast<std::int8_t>(rtl[k])) << ", golden "
           << int(static_cast<std::int8_t>(gold[k]));
        return os.str();
      }
    }
  }
  os << ": rtl " << rtl.size() << " bytes, golden " << gold.size() << " bytes; first bytes rtl";
  for (std::size_t k = 0; k < std::min<std::size_t>(rtl.size(), 8); ++k) os << ' ' << int(rtl[k]);
  os << ", golden";
  for (std::size_t k = 0; k < std::min<std::size_t>(gold.size(), 8); ++k) os << ' ' << int(gold[k]);
  return os.str();
}

template <class Model>
class Cosim {
public:
  explicit Cosim(CoreGeometry geo) : gold_(geo) {}

  /// Sends one request to both; returns an empty string when every answer matches.
  /// Requests go out tagged (1-255 in turn); every answer must carry the request's tag.
  std::string both(const std::vector<std::uint8_t>& req) {
    tag_ = static_cast<std::uint8_t>(tag_ == 255 ? 1 : tag_ + 1);
    const auto frame = tagged(tag_, req);
    const auto expected = gold_.handle_frame(frame);
    const auto got = sim_.transact(frame, expected.size());
    last_.clear();
    for (std::size_t k = 0; k < expected.size(); ++k) {
      if (got[k].empty() || got[k][0] != tag_) {
        return "answer " + std::to_string(k) + " to opcode " + std::to_string(req.at(0)) + ": tag " +
               (got[k].empty() ? std::string("missing") : std::to_string(got[k][0])) + ", request tag " +
               std::to_string(tag_);
      }
      const std::vector<std::uint8_t> rtl(got[k].begin() + 1, got[k].end());
      const std::vector<std::uint8_t> gold(expected[k].begin() + 1, expected[k].end());
      if (rtl != gold) return describe_difference(req, rtl, gold);
      last_.push_back(gold);
    }
    return {};
  }

  const std::vector<std::vector<std::uint8_t>>& last() const noexcept { return last_; }
  CoreSim& sim() noexcept { return sim_; }
  GoldenCore& gold() noexcept { return gold_; }

private:
  CoreSimOf<Model> sim_;
  GoldenCore gold_;
  std::vector<std::vector<std::uint8_t>> last_;
  std::uint8_t tag_ = 0;
};

struct CosimResult {
  std::string mismatch;           ///< empty when RTL and golden agree everywhere
  int steps = 0;
  double min_window_rate = 1.0;   ///< spikes / (N * 100) over each 100-step window
  double max_window_rate = 0.0;
  double weights_changed = 0.0;   ///< fraction of all synapses whose weight changed
  std::uint64_t cycles = 0;
};

/// Loads a random network into both, runs `steps` steps with random axon input queued four
/// steps ahead, then reads back every membrane, current, trace and weight.
template <class Model>
CosimResult run_cosim(const NetworkSpec& net, int steps, std::uint32_t seed) {
  CosimResult res;
  Cosim<Model> c(net.geo);
  const auto fail = [&](const std::string& what) {
    res.mismatch = what;
    res.cycles = c.sim().cycles();
    return res;
  };
  if (auto d = c.both(req_hello()); !d.empty()) return fail(d);
  for (const auto& req : load_requests(net)) {
    if (auto d = c.both(req); !d.empty()) return fail("loading: " + d);
  }
  const auto w0 = c.gold().state().w;
  std::mt19937 rng(seed);
  long window_spikes = 0;
  for (int t = 0; t < steps; t += 4) {
    for (unsigned off = 0; off < 4; ++off) {
      const auto axons = random_input(net, rng);
      if (!axons.empty()) {
        if (auto d = c.both(req_input(off, axons)); !d.empty()) return fail(d);
      }
    }
    if (auto d = c.both(req_step(4)); !d.empty()) return fail(d);
    for (const auto& frame : c.last()) {
      window_spikes += static_cast<long>(parse_spikes(frame).ids.size());
      ++res.steps;
      if (res.steps % 100 == 0) {
        const double rate = static_cast<double>(window_spikes) / (100.0 * net.geo.n);
        res.min_window_rate = std::min(res.min_window_rate, rate);
        res.max_window_rate = std::max(res.max_window_rate, rate);
        window_spikes = 0;
      }
    }
  }
  const int n = net.geo.n, s_count = net.geo.sources();
  for (unsigned kind : {0u, 1u, 2u, 3u, 4u, 8u, 13u}) {
    if (auto d = c.both(req_read_state(static_cast<StateKind>(kind), 0, static_cast<unsigned>(n)));
        !d.empty()) {
      return fail("read-back: " + d);
    }
  }
  for (int s0 = 0; s0 < s_count; s0 += 200) {
    const auto cnt = static_cast<unsigned>(std::min(200, s_count - s0));
    if (auto d = c.both(req_read_state(StateKind::pre, static_cast<unsigned>(s0), cnt)); !d.empty()) {
      return fail("read-back: " + d);
    }
  }
  for (int s = 0; s < s_count; ++s) {
    if (auto d = c.both(req_read_weights(static_cast<unsigned>(s), 0, static_cast<unsigned>(n)));
        !d.empty()) {
      return fail("read-back: " + d);
    }
  }
  const auto& w1 = c.gold().state().w;
  long changed = 0;
  for (std::size_t k = 0; k < w0.size(); ++k) changed += w0[k] != w1[k] ? 1 : 0;
  res.weights_changed = static_cast<double>(changed) / static_cast<double>(w0.size());
  res.cycles = c.sim().cycles();
  return res;
}

}  // namespace spikeforge::hw::test
