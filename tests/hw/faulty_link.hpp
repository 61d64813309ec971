// Fault injection for host link tests: a CoreLink wrapper that damages the core's answer bytes
// (corrupts, drops or duplicates them) with a seeded pattern, or at listed byte positions, and a
// scenario that checks that the host driver still returns every read right or fails clearly.
// Used against the golden core (tests/hw) and the Verilated core (tests/hdl/host).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "spikeforge/core/error.hpp"
#include "spikeforge/hw/golden_core.hpp"
#include "spikeforge/hw/transport.hpp"

namespace spikeforge::hw::test {

/// Per-byte fault probabilities on the answer stream (host <- core), and the seed.
struct FaultPattern {
  double corrupt = 0.0;    ///< the byte is replaced by a different value (0x00 included)
  double drop = 0.0;       ///< the byte vanishes
  double duplicate = 0.0;  ///< the byte arrives twice
  std::uint64_t seed = 1;
};

class FaultyLink final : public CoreLink {
public:
  FaultyLink(std::unique_ptr<CoreLink> inner, FaultPattern pattern) : inner_(std::move(inner)), pattern_(pattern), rng_(pattern.seed) {}

  /// Answer byte positions (counted from 0 over everything read) to corrupt, besides the pattern.
  void corrupt_at(std::set<std::uint64_t> positions) { scripted_ = std::move(positions); }
  /// Answer byte positions to drop.
  void drop_at(std::set<std::uint64_t> positions) { dropped_at_ = std::move(positions); }
  /// Random faults on or off (scripted ones always apply).
  void set_active(bool on) { active_ = on; }

  void write(std::span<const std::uint8_t> bytes) override {
    bytes_out_ += bytes.size();
    inner_->write(bytes);
  }
  std::vector<std::uint8_t> read() override {
    const auto clean = inner_->read();
    std::vector<std::uint8_t> out;
    for (const std::uint8_t b : clean) {
      const std::uint64_t at = position_++;
      if (dropped_at_.count(at) != 0) {
        ++dropped_;
        continue;
      }
      if (scripted_.count(at) != 0) {
        ++corrupted_;
        out.push_back(static_cast<std::uint8_t>(b ^ 0x5A));
        continue;
      }
      const double u = active_ ? uni_(rng_) : 1.0;
      if (u < pattern_.drop) {
        ++dropped_;
      } else if (u < pattern_.drop + pattern_.corrupt) {
        ++corrupted_;
        out.push_back(static_cast<std::uint8_t>(b ^ (1 + rng_() % 255)));
      } else if (u < pattern_.drop + pattern_.corrupt + pattern_.duplicate) {
        ++duplicated_;
        out.push_back(b);
        out.push_back(b);
      } else {
        out.push_back(b);
      }
    }
    // A read that lost every byte still reports that the core spoke (an empty read means silence).
    if (out.empty() && !clean.empty()) return read();
    return out;
  }
  std::string describe() const override { return inner_->describe() + " with injected faults"; }
  std::string timeout() const override { return inner_->timeout(); }

  std::uint64_t corrupted() const { return corrupted_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t duplicated() const { return duplicated_; }
  std::uint64_t position() const { return position_; }

private:
  std::unique_ptr<CoreLink> inner_;
  FaultPattern pattern_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uni_{0.0, 1.0};
  std::set<std::uint64_t> scripted_, dropped_at_;
  bool active_ = true;
  std::uint64_t position_ = 0, corrupted_ = 0, dropped_ = 0, duplicated_ = 0;
};

/// A CoreClient whose link injects faults into the answers of `inner`.
struct FaultRig {
  explicit FaultRig(std::unique_ptr<CoreLink> inner, FaultPattern pattern = {},
                    unsigned attempts = CoreClient::default_attempts) {
    auto link = std::make_unique<FaultyLink>(std::move(inner), pattern);
    faults = link.get();
    client = std::make_unique<CoreClient>(std::move(link), attempts);
  }
  FaultyLink* faults;
  std::unique_ptr<CoreClient> client;
};

/// The weight that row `src` holds at `dst`: distinct between rows, so a row read back under
/// another row's request is caught.
inline std::int8_t row_weight(unsigned src, unsigned dst) {
  return static_cast<std::int8_t>(static_cast<int>((src * 37U + dst * 11U + 5U) % 251U) - 125);
}

inline std::vector<std::int8_t> row_of(unsigned src, unsigned n) {
  std::vector<std::int8_t> w(n);
  for (unsigned d = 0; d < n; ++d) w[d] = row_weight(src, d);
  return w;
}

inline bool mentions(const Error& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}

/// Writes every weight row and a parameter word through `client` (its link injecting `faults`
/// into answers), then reads rows and parameters back in a scrambled order. Each read must return
/// the right data or throw an Error naming the request; returns the number of reads that threw.
/// Then a STEP either returns the golden model's spikes or fails naming STEP, and the next read
/// is right again.
inline int reads_are_right_or_fail_clearly(CoreClient& client, FaultyLink& faults, const CoreGeometry& geo) {
  GoldenCore reference(geo);
  const auto n = static_cast<unsigned>(geo.n);
  const auto sources = static_cast<unsigned>(geo.sources());
  int failed = 0;
  const auto write = [&](const std::vector<std::uint8_t>& req, const std::string& name) {
    reference.handle(req);
    for (int tries = 0;; ++tries) {
      try {
        client.command(req);
        return;
      } catch (const Error& e) {
        EXPECT_TRUE(mentions(e, name)) << "the error names the request: " << e.what();
        ++failed;
        if (tries == 5) throw;  // writes are idempotent: try again, as a caller would
      }
    }
  };
  write(req_clear(7), "CLEAR");
  for (unsigned s = 0; s < sources; ++s) write(req_write_weights(s, 0, row_of(s, n)), "WRITE_WEIGHTS");
  std::vector<std::uint16_t> words;
  for (unsigned k = 0; k < n * param::count; ++k) words.push_back(static_cast<std::uint16_t>(k * 977U + 3U));
  for (unsigned n0 = 0; n0 < n; n0 += 16) {
    const std::vector<std::uint16_t> part(words.begin() + n0 * param::count,
                                          words.begin() + std::min(n, n0 + 16) * param::count);
    write(req_write_params(n0, part), "WRITE_PARAMS");
  }

  std::mt19937 rng(99);
  std::vector<unsigned> order(sources);
  for (unsigned s = 0; s < sources; ++s) order[s] = s;
  std::shuffle(order.begin(), order.end(), rng);
  for (int round = 0; round < 2; ++round) {
    for (const unsigned s : order) {
      try {
        const auto got = client.read_weights(s, 0, n);
        EXPECT_EQ(got, row_of(s, n)) << "READ_WEIGHTS of row " << s << " returned other data";
      } catch (const Error& e) {
        EXPECT_TRUE(mentions(e, "READ_WEIGHTS")) << "the error names the request: " << e.what();
        ++failed;
      }
      const unsigned word = s % param::count;
      try {
        const auto got = client.read_state(static_cast<StateKind>(8 + word), 0, n);
        std::vector<std::uint16_t> want(n);
        for (unsigned k = 0; k < n; ++k) want[k] = words[k * param::count + word];
        EXPECT_EQ(got, want) << "READ_STATE of parameter word " << word << " returned other data";
      } catch (const Error& e) {
        EXPECT_TRUE(mentions(e, "READ_STATE")) << "the error names the request: " << e.what();
        ++failed;
      }
    }
  }

  // STEP is not repeated when its answers are damaged: right spikes, or an error naming STEP.
  // Every neuron has threshold word P1 = k * 977 + 3 ... as written above, so some spike.
  const auto expected = reference.handle(req_step(5));
  try {
    const auto got = client.step(5);
    EXPECT_EQ(got.size(), 5U) << "SPIKES answers to STEP 5";
    for (std::size_t k = 0; k < std::min<std::size_t>(got.size(), expected.size()); ++k) {
      const auto want = parse_spikes(expected[k]);
      EXPECT_EQ(got[k].step, want.step) << "step number of answer " << k;
      EXPECT_EQ(got[k].ids, want.ids) << "spiking neurons in step " << want.step;
    }
  } catch (const Error& e) {
    EXPECT_TRUE(mentions(e, "STEP")) << "the error names the request: " << e.what();
    ++failed;
  }
  // The core ran the steps either way: its membranes match the reference, and a read after the
  // STEP answers its own request, whatever of the STEP's answers arrives late.
  faults.set_active(false);
  const auto v = client.read_state(StateKind::v, 0, n);
  for (unsigned k = 0; k < n; ++k) {
    EXPECT_EQ(v[k], reference.read_word(0, k)) << "membrane of neuron " << k << " after STEP 5";
  }
  EXPECT_EQ(client.read_weights(sources - 1, 0, n), row_of(sources - 1, n)) << "last row after STEP";
  faults.set_active(true);
  return failed;
}

/// The scenario above on a fresh core from make_link() for each seed, with about 1 answer byte
/// in 250 damaged: faults must have been injected and repaired, and at most 3 requests may fail.
template <class MakeLink>
void random_answer_damage(const MakeLink& make_link, const CoreGeometry& geo, std::initializer_list<std::uint64_t> seeds) {
  for (const std::uint64_t seed : seeds) {
    FaultRig rig(make_link(), FaultPattern{0.002, 0.001, 0.001, seed});
    const int failed = reads_are_right_or_fail_clearly(*rig.client, *rig.faults, geo);
    const std::uint64_t injected = rig.faults->corrupted() + rig.faults->dropped() + rig.faults->duplicated();
    EXPECT_GT(injected, 20U) << "faults injected with seed " << seed;
    EXPECT_GT(rig.client->resent(), 10U) << "requests sent again with seed " << seed;
    EXPECT_LE(failed, 3) << "requests that failed even after retries with seed " << seed;
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace spikeforge::hw::test
