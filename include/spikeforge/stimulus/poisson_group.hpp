// Poisson spike generators drawn counter-based (key = run seed, stream = source neuron id, counter
// from the step), so a seed fixes the spikes whatever the thread count, run splitting or executor.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include <spikeforge/core/random.hpp>
#include <spikeforge/stimulus/source_spikes.hpp>

namespace spikeforge::stimulus {

namespace detail {
// The lanes of the Poisson draws, one generator per 64-bit lane: the widest vector the target ISA
// has, as in neurons/simd.hpp (a layer above this one, so the few operations the draws need are
// spelled out here). The draws do not depend on the lane count.
#if defined(__AVX512F__)
inline constexpr std::size_t kPoissonLanes = 8;
#elif defined(__AVX__)
inline constexpr std::size_t kPoissonLanes = 4;
#else
inline constexpr std::size_t kPoissonLanes = 2;
#endif
using PoissonPack = double __attribute__((vector_size(kPoissonLanes * sizeof(double))));
using PoissonMask = std::int64_t __attribute__((vector_size(kPoissonLanes * sizeof(double))));
using PoissonLanes = std::uint64_t __attribute__((vector_size(kPoissonLanes * sizeof(double))));

inline PoissonPack load_pack(const double* p) noexcept {
  PoissonPack x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
/// One broadcast instruction (a lane-by-lane fill compiles to a chain of masked moves).
inline PoissonPack splat_pack(double x) noexcept {
#if defined(__AVX512F__)
  return std::bit_cast<PoissonPack>(_mm512_set1_pd(x));
#elif defined(__AVX__)
  return std::bit_cast<PoissonPack>(_mm256_set1_pd(x));
#elif defined(__SSE2__)
  return std::bit_cast<PoissonPack>(_mm_set1_pd(x));
#else
  return x - PoissonPack{};
#endif
}
/// True when any lane of a comparison result is set: one movemask instruction.
inline bool any_lane(PoissonMask c) noexcept {
#if defined(__AVX512F__)
  return _mm512_test_epi64_mask(std::bit_cast<__m512i>(c), std::bit_cast<__m512i>(c)) != 0;
#elif defined(__AVX__)
  return _mm256_movemask_pd(std::bit_cast<__m256d>(c)) != 0;
#elif defined(__SSE2__)
  return _mm_movemask_pd(std::bit_cast<__m128d>(c)) != 0;
#else
  for (std::size_t j = 0; j < kPoissonLanes; ++j) if (c[j] != 0) return true;
  return false;
#endif
}
}  // namespace detail

/// Poisson generators. A stamp s covers the interval [t_{s-1}, t_s): each generator emits
/// k ~ Poisson(rate * dt) spikes stamped t_s (k > 1 is possible at high rates, e.g. the Brunel
/// network's 20 kHz drive, and is delivered as k times the weight). The rate in force is the one at
/// t_{s-1}: per-source `rates` before the first change, then the piecewise constant schedule.
/// Definition of k (mean lambda = rate dt <= 30): u = (w + 1/2) 2^-32 with w word (s mod 4) of the
/// Philox4x32-10 block (key = seed, counter = s / 4, stream = first_stream_id + generator), and
/// k = #{j < 10 lambda + 60 : u >= cdf_j}, cdf_0 = term_0 = exp(-lambda), term_j = term_{j-1} *
/// (lambda / j), cdf_j = cdf_{j-1} + term_j, in double: the Poisson CDF inverted at u (the bound
/// only stops a cdf stalling a rounding error below u near 1). A pure function of (seed, generator,
/// step); 32-bit resolution shifts no probability by more than 2^-32. Above a mean of 30 per step,
/// RandomStream::poisson on a counter range of its own.
/// The draws run on SIMD lanes, one generator per lane (Philox on 64-bit lanes, the count as the
/// number of thresholds u exceeds, no per-generator branch); generators left over at the end of a
/// range take the scalar path, which computes the same numbers (tests/engine checks both against
/// a plain reference of the definition, bit for bit).
class PoissonGroup {
public:
  PoissonGroup(std::vector<double> rates_hz, std::vector<double> change_times_ms, std::vector<double> change_rates_hz,
               double dt, std::uint64_t seed, std::uint64_t first_stream_id)
      : rates_(std::move(rates_hz)), seed_(seed), first_stream_(first_stream_id), dt_(dt),
        cached_block_(rates_.size(), ~std::uint64_t{0}), cached_words_(4 * rates_.size()) {
    for (std::size_t j = 0; j < change_times_ms.size(); ++j) {
      changes_.push_back({to_step(change_times_ms[j], dt), change_rates_hz[j]});
    }
    set_lambdas(-1);
  }

  std::size_t size() const noexcept { return rates_.size(); }

  /// Appends the spikes stamped `stamp` (>= 1) to `out`.
  void emit(std::uint64_t stamp, SourceSpikes& out) { emit(stamp, out, 0, size()); }
  /// The same for generators [begin, end) only (ids stay absolute): a pure function of (seed,
  /// generator, stamp), so splitting the generators among threads changes nothing. The rate schedule
  /// must have been brought to `stamp` by prepare() first when several threads share the group, and
  /// their ranges must be disjoint (each generator's cached Philox block is written by its caller).
  void emit(std::uint64_t stamp, SourceSpikes& out, std::size_t begin, std::size_t end) {
    prepare(stamp);
    constexpr std::size_t kChunk = 512;
    std::array<std::uint32_t, kChunk> buffer;
    for (std::size_t first = begin; first < end; first += kChunk) {
      const std::size_t last = std::min(end, first + kChunk);
      fill_counts(stamp, first, last, buffer.data());
      // Branch-free compaction: every generator is written, the cursor moves on only past a spike
      // (at high rates most generators spike, and a branch on it mispredicts often).
      std::size_t m = out.ids.size();
      out.ids.resize(m + (last - first));
      out.counts.resize(m + (last - first));
      for (std::size_t k = first; k < last; ++k) {
        const std::uint32_t count = buffer[k - first];
        out.ids[m] = static_cast<std::uint32_t>(k);
        out.counts[m] = count;
        m += count > 0 ? 1 : 0;
      }
      out.ids.resize(m);
      out.counts.resize(m);
    }
  }
  /// The spike counts of generators [begin, end) stamped `stamp`, written densely: out[k] for
  /// k in [begin, end) (indexed by generator id like step_range's arrays; 0 = no spike). The same
  /// numbers emit() reports; for driving one target per generator without building id lists.
  /// Reentrant for disjoint ranges once prepare(stamp) has run.
  void counts(std::uint64_t stamp, std::size_t begin, std::size_t end, std::uint32_t* out) {
    prepare(stamp);
    fill_counts(stamp, begin, end, out + begin);
  }

  /// Brings the rates in force to those of `stamp` (>= 1); idempotent for the same stamp.
  void prepare(std::uint64_t stamp) { set_lambdas(segment_for(static_cast<std::int64_t>(stamp) - 1)); }

private:
  using Pack = detail::PoissonPack;
  using Lanes = detail::PoissonLanes;  // one generator per 64-bit lane
  using Counts = detail::PoissonMask;
  static constexpr std::size_t kLanes = detail::kPoissonLanes;
  static constexpr double kSplit = 30.0;
  static constexpr std::uint32_t kMaxCountBound = static_cast<std::uint32_t>(10.0 * kSplit) + 60;
  static constexpr std::size_t kFixedThresholds = 32;  // up to a mean of about 10 per step
  static constexpr unsigned kBucketBits = 11;          // 2048 buckets of u: an 8 KB table

  /// out[k - begin] = the count of generator k, for k in [begin, end).
  void fill_counts(std::uint64_t stamp, std::size_t begin, std::size_t end, std::uint32_t* out) noexcept {
    std::size_t k = begin;
    if (any_small_) {
      for (; k + kLanes <= end; k += kLanes) draw_lanes(stamp, k, out + (k - begin));
    }
    const std::size_t lanes_end = k;
    for (; k < end; ++k) out[k - begin] = draw(stamp, k);
    // The lanes leave generators above the split at 0 (their cdf_0 lies above every u).
    for (auto it = std::lower_bound(large_.begin(), large_.end(), begin); it != large_.end() && *it < lanes_end; ++it) {
      out[*it - begin] = draw(stamp, *it);
    }
  }

  std::array<std::uint32_t, 2> key() const noexcept {
    return {static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)};
  }

  /// Generators k ... k + kLanes - 1 at once: the definition in the class comment, lane by lane.
  void draw_lanes(std::uint64_t stamp, std::size_t k, std::uint32_t* out) noexcept {
    const std::uint64_t block = stamp >> 2;
    Lanes stream;
    for (std::size_t j = 0; j < kLanes; ++j) stream[j] = first_stream_ + k + j;
    // One Philox block serves four stamps: kept per generator, so Philox runs once per four steps
    // (for each generator, by whichever range holds it: disjoint ranges touch disjoint entries).
    using Words = std::uint32_t __attribute__((vector_size(kLanes * sizeof(std::uint32_t))));
    Lanes cached;
    std::memcpy(&cached, cached_block_.data() + k, sizeof cached);
    Lanes word;
    if (!detail::any_lane(cached != block)) {
      Words w32;
      std::memcpy(&w32, cached_words_.data() + (stamp & 3u) * size() + k, sizeof w32);
      word = __builtin_convertvector(w32, Lanes);
    } else {
      Lanes zero{};
      const auto words = philox4x32_lanes<Lanes>({zero + (block & 0xFFFFFFFFu), zero + (block >> 32), stream, stream >> 32}, key());
      for (std::size_t i = 0; i < 4; ++i) {
        const Words w32 = __builtin_convertvector(words[i] & 0xFFFFFFFFu, Words);
        std::memcpy(cached_words_.data() + i * size() + k, &w32, sizeof w32);
      }
      const Lanes blocks = zero + block;
      std::memcpy(cached_block_.data() + k, &blocks, sizeof blocks);
      word = words[stamp & 3u] & 0xFFFFFFFFu;
    }
    // w + 2^52 as a double's bits, minus 2^52: the word converted exactly, without a 64-bit
    // integer conversion (which AVX2 lacks).
    const Lanes w = word | 0x4330000000000000u;
    const Pack u = ((std::bit_cast<Pack>(w) - 0x1.0p52) + 0.5) * 0x1.0p-32;
    Counts count{};
    if (uniform_ && reachable_ <= kFixedThresholds) {
      // Every lane shares lambda, so the thresholds cdf_j are one table. First the count of u's
      // bucket (top kBucketBits of w), valid where no threshold falls inside the bucket (all but
      // a few of 2048); a pack with a lane in such a bucket counts the thresholds directly, a
      // fixed number of compares (the loop branch is then always predicted).
      const Counts bucket = gather_buckets(word >> (32 - kBucketBits));
      if (!detail::any_lane(bucket < 0)) {
        count = bucket;
      } else {
        for (std::size_t j = 0; j < reachable_; ++j) count -= u >= detail::splat_pack(cdf_[j]);  // true lane = -1
      }
    } else if (uniform_) {
      auto exceeded = u >= detail::splat_pack(cdf_[0]);
      for (std::size_t j = 1; j < reachable_ && detail::any_lane(exceeded); ++j) {
        count -= exceeded;
        exceeded = u >= detail::splat_pack(cdf_[j]);
      }
      count -= exceeded;  // when the loop stopped at the table's end, its last threshold counts
    } else {
      const Pack lambda = detail::load_pack(lambda_.data() + k), lim = detail::load_pack(lane_limit_.data() + k);
      auto exceeded = u >= lim;
      Pack term = lim, cdf = lim;
      for (std::uint32_t j = 1; j <= kMaxCountBound && detail::any_lane(exceeded); ++j) {
        count -= exceeded;
        term = term * (lambda / static_cast<double>(j));
        cdf = cdf + term;
        exceeded = u >= cdf;
      }
      Counts cap;
      std::memcpy(&cap, max_count_.data() + k, sizeof cap);
      count = count < cap ? count : cap;
    }
    using Out = std::uint32_t __attribute__((vector_size(kLanes * sizeof(std::uint32_t))));
    const Out narrow = __builtin_convertvector(count, Out);
    std::memcpy(out, &narrow, sizeof narrow);
  }

  /// bucket_[idx[j]] in lane j.
  Counts gather_buckets(Lanes idx) const noexcept {
#if defined(__AVX512F__)
    using I32 = std::int32_t __attribute__((vector_size(kLanes * sizeof(std::int32_t))));
    // The masked form: the plain one trips GCC 12's -Wmaybe-uninitialized on its internal
    // undefined source operand; an all-ones mask makes it the same instruction.
    const __m256i g = _mm512_mask_i64gather_epi32(_mm256_setzero_si256(), 0xFF, std::bit_cast<__m512i>(idx),
                                                  bucket_.data(), 4);
    return __builtin_convertvector(std::bit_cast<I32>(g), Counts);
#elif defined(__AVX2__)
    using I32 = std::int32_t __attribute__((vector_size(kLanes * sizeof(std::int32_t))));
    const __m128i g = _mm256_mask_i64gather_epi32(_mm_setzero_si128(), bucket_.data(), std::bit_cast<__m256i>(idx),
                                                  _mm_set1_epi32(-1), 4);
    return __builtin_convertvector(std::bit_cast<I32>(g), Counts);
#else
    Counts t;
    for (std::size_t j = 0; j < kLanes; ++j) t[j] = bucket_[static_cast<std::size_t>(idx[j])];
    return t;
#endif
  }

  /// One generator: the definition in the class comment, as plain scalar code.
  std::uint32_t draw(std::uint64_t stamp, std::size_t k) const noexcept {
    if (limit_[k] >= 1.0) return 0;  // rate 0
    if (lambda_[k] > kSplit) {
      // A counter range of its own (top bit set), apart from the blocks used below.
      RandomStream stream(seed_, first_stream_ + k, (std::uint64_t{1} << 63) | (stamp << 20));
      return stream.poisson(lambda_[k]);
    }
    const std::uint64_t block = stamp >> 2, id = first_stream_ + k;
    const auto words = philox4x32({static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
                                   static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(id >> 32)},
                                  key());
    const double u = (static_cast<double>(words[stamp & 3u]) + 0.5) * 0x1.0p-32;
    double term = limit_[k], cdf = limit_[k];
    const std::uint32_t max_count = static_cast<std::uint32_t>(10.0 * lambda_[k]) + 60;
    std::uint32_t count = 0;
    while (u >= cdf && count < max_count) {
      ++count;
      term *= lambda_[k] / count;
      cdf += term;
    }
    return count;
  }

  std::int64_t segment_for(std::int64_t step) const noexcept {
    std::int64_t seg = -1;
    for (std::size_t j = 0; j < changes_.size() && changes_[j].step <= step; ++j) seg = static_cast<std::int64_t>(j);
    return seg;
  }
  void set_lambdas(std::int64_t segment) {
    if (segment == current_segment_ && !lambda_.empty()) return;
    current_segment_ = segment;
    const std::size_t n = size();
    lambda_.resize(n);
    limit_.resize(n);
    lane_limit_.resize(n);
    max_count_.resize(n);
    large_.clear();
    any_small_ = false;
    uniform_ = true;
    for (std::size_t k = 0; k < n; ++k) {
      const double rate = segment < 0 ? rates_[k] : changes_[static_cast<std::size_t>(segment)].rate;
      lambda_[k] = std::max(rate, 0.0) * dt_ * 1e-3;
      limit_[k] = std::exp(-lambda_[k]);
      uniform_ = uniform_ && lambda_[k] == lambda_[0];
      if (lambda_[k] > kSplit) {
        large_.push_back(k);
        lane_limit_[k] = 2.0;  // above every u: the lanes count 0, the scalar path fills it in
        max_count_[k] = 0;
      } else {
        any_small_ = true;
        lane_limit_[k] = limit_[k];
        max_count_[k] = static_cast<std::uint32_t>(10.0 * lambda_[k]) + 60;
      }
    }
    cdf_.clear();
    if (uniform_ && n > 0 && lambda_[0] <= kSplit) {
      // cdf_0 ... cdf_{max_count - 1}, by the recurrence of the definition.
      const double lambda = lambda_[0];
      double term = limit_[0], cdf = limit_[0];
      cdf_.push_back(cdf);
      for (std::int64_t j = 1; j < max_count_[0]; ++j) {
        term *= lambda / static_cast<double>(j);
        cdf += term;
        cdf_.push_back(cdf);
      }
    }
    // Thresholds above the largest u, (2^32 - 1/2) 2^-32, are never reached (cdf_j does not decrease).
    reachable_ = 0;
    while (reachable_ < cdf_.size() && cdf_[reachable_] <= (0x1.0p32 - 0.5) * 0x1.0p-32) ++reachable_;
    // The count is constant on a bucket of w exactly when it is the same at the bucket's first and
    // last word (it does not decrease with u); -1 marks the buckets a threshold splits.
    bucket_.assign(std::size_t{1} << kBucketBits, -1);
    if (!cdf_.empty()) {
      auto count_at = [&](std::uint64_t w) {
        const double u = (static_cast<double>(w) + 0.5) * 0x1.0p-32;
        std::int32_t c = 0;
        for (std::size_t j = 0; j < reachable_; ++j) c += u >= cdf_[j] ? 1 : 0;
        return c;
      };
      for (std::uint64_t i = 0; i < bucket_.size(); ++i) {
        const std::int32_t first = count_at(i << (32 - kBucketBits)), last = count_at(((i + 1) << (32 - kBucketBits)) - 1);
        if (first == last) bucket_[i] = first;
      }
    }
  }

  struct Change { std::int64_t step; double rate; };
  std::vector<double> rates_;
  std::vector<Change> changes_;
  std::vector<double> lambda_, limit_;
  std::vector<double> lane_limit_;       // limit_, or 2 where the lanes leave a generator to draw()
  std::vector<std::int64_t> max_count_;  // 10 lambda + 60, truncated (the definition's bound)
  std::vector<std::size_t> large_;       // generators with lambda > kSplit, increasing
  std::vector<double> cdf_;              // the thresholds cdf_j when every lambda is the same
  std::size_t reachable_ = 0;            // how many of them some u can reach
  std::vector<std::int32_t> bucket_;     // the count on each bucket of w, or -1 (see set_lambdas)
  bool uniform_ = true, any_small_ = false;
  std::int64_t current_segment_ = -2;
  std::uint64_t seed_, first_stream_;
  double dt_;
  std::vector<std::uint64_t> cached_block_;  // Philox block (stamp / 4) held for each generator
  std::vector<std::uint32_t> cached_words_;  // its word i for generator k at [i * size() + k]
};

}  // namespace spikeforge::stimulus
