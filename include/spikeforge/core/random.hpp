// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011): a value is a pure function of
// (seed, stream, counter), so results do not depend on thread count or on the order of draws.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace spikeforge {

/// Philox4x32-10 block: 4 random 32-bit words from a 128-bit counter and a 64-bit key.
inline std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> ctr,
                                               std::array<std::uint32_t, 2> key) noexcept {
  constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = std::uint64_t{kMul0} * ctr[0];
    const std::uint64_t p1 = std::uint64_t{kMul1} * ctr[2];
    ctr = {static_cast<std::uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<std::uint32_t>(p1),
           static_cast<std::uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1], static_cast<std::uint32_t>(p0)};
    key[0] += kWeyl0;
    key[1] += kWeyl1;
  }
  return ctr;
}

namespace detail {
/// The 64-bit product of the low 32 bits of each lane of `a` with m (high halves of `a` ignored):
/// one pmuludq, which GCC does not always find for the plain expression.
template <class V> inline V mul_lo32(V a, std::uint32_t m) noexcept {
#if defined(__AVX512F__)
  // The zero-masked form: the plain _mm512_mul_epu32 trips GCC 12's -Wmaybe-uninitialized on
  // its internal _mm512_undefined_epi32(); with an all-ones mask it is the same instruction.
  if constexpr (sizeof(V) == 64) {
    return std::bit_cast<V>(_mm512_maskz_mul_epu32(0xFF, std::bit_cast<__m512i>(a), _mm512_set1_epi64(m)));
  }
#endif
#if defined(__AVX2__)
  if constexpr (sizeof(V) == 32) return std::bit_cast<V>(_mm256_mul_epu32(std::bit_cast<__m256i>(a), _mm256_set1_epi64x(m)));
#endif
#if defined(__SSE2__)
  if constexpr (sizeof(V) == 16) return std::bit_cast<V>(_mm_mul_epu32(std::bit_cast<__m128i>(a), _mm_set1_epi64x(m)));
#endif
  return (a & 0xFFFFFFFFu) * m;
}
}  // namespace detail

/// philox4x32 on as many independent counters as V (a GCC vector of uint64_t) has lanes: lane j
/// of ctr[i] holds word i of counter j in its low 32 bits; the key is shared. Returns word i of
/// each result in the low 32 bits of lane j of out[i] (the high 32 bits are not defined: mask them
/// off). Bit for bit what philox4x32 gives for each counter on its own (tests/core checks it).
template <class V>
inline std::array<V, 4> philox4x32_lanes(std::array<V, 4> ctr, std::array<std::uint32_t, 2> key) noexcept {
  constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  // Only the low half of each lane is ever read back (by the multiplies and in the result), so
  // the products' high halves are left in place instead of being masked off every round.
  for (int round = 0; round < 10; ++round) {
    const V p0 = detail::mul_lo32(ctr[0], kMul0);
    const V p1 = detail::mul_lo32(ctr[2], kMul1);
    ctr = {(p1 >> 32) ^ ctr[1] ^ key[0], p1, (p0 >> 32) ^ ctr[3] ^ key[1], p0};
    key[0] += kWeyl0;
    key[1] += kWeyl1;
  }
  return ctr;
}

/// A random stream identified by (seed, stream id). Draw k of the stream is a pure function of
/// (seed, stream, k); `at(counter)` jumps anywhere. Satisfies UniformRandomBitGenerator, but use
/// the member distributions: the std ones are implementation-defined and not reproducible.
class RandomStream {
public:
  using result_type = std::uint32_t;

  RandomStream(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter = 0) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        stream_(stream),
        counter_(counter) {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// Next 32 random bits.
  result_type operator()() noexcept {
    if (used_ == 4) refill();
    return block_[used_++];
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() noexcept {
    const std::uint64_t hi = (*this)() >> 5, lo = (*this)() >> 6;  // 27 + 26 bits
    return static_cast<double>((hi << 26) | lo) * 0x1.0p-53;
  }
  /// Uniform double in (0, 1]: safe for log().
  double uniform_open0() noexcept { return 1.0 - uniform(); }
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
  /// Standard normal by Box-Muller (both values of a pair are used).
  double normal() noexcept {
    if (has_spare_) { has_spare_ = false; return spare_; }
    const double r = std::sqrt(-2.0 * std::log(uniform_open0()));
    const double phi = 2.0 * std::numbers::pi * uniform();
    spare_ = r * std::sin(phi);
    has_spare_ = true;
    return r * std::cos(phi);
  }
  double normal(double mean, double sd) noexcept { return mean + sd * normal(); }
  /// Exponential with rate 1.
  double exponential() noexcept { return -std::log(uniform_open0()); }
  /// Uniform integer in [0, n) without modulo bias (Lemire's method).
  std::uint32_t below(std::uint32_t n) noexcept {
    std::uint64_t m = std::uint64_t{(*this)()} * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = (0u - n) % n;
      while (low < threshold) { m = std::uint64_t{(*this)()} * n; low = static_cast<std::uint32_t>(m); }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }
  /// Poisson-distributed count with mean `lambda` (inversion for small, normal approximation
  /// with continuity correction is NOT used: exact PTRS-free method by splitting the mean).
  std::uint32_t poisson(double lambda) noexcept {
    std::uint32_t total = 0;
    while (lambda > 30.0) {  // split so exp(-lambda) never underflows; sum of Poissons is Poisson
      total += poisson_small(30.0);
      lambda -= 30.0;
    }
    return total + poisson_small(lambda);
  }

private:
  std::uint32_t poisson_small(double lambda) noexcept {
    const double limit = std::exp(-lambda);
    double prod = uniform_open0();
    std::uint32_t k = 0;
    while (prod > limit) { prod *= uniform_open0(); ++k; }
    return k;
  }
  void refill() noexcept {
    block_ = philox4x32({static_cast<std::uint32_t>(counter_), static_cast<std::uint32_t>(counter_ >> 32),
                         static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32)},
                        key_);
    ++counter_;
    used_ = 0;
  }

  std::array<std::uint32_t, 2> key_;
  std::uint64_t stream_;
  std::uint64_t counter_;
  std::array<std::uint32_t, 4> block_{};
  unsigned used_ = 4;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// Mixes several ids into one 64-bit seed or stream id (splitmix64 finaliser), so that derived
/// streams of different objects never coincide by accident.
inline std::uint64_t mix_ids(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t z = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace spikeforge
