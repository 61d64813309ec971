// The few SIMD operations the neuron kernels use, over GCC/Clang vector extensions: a kernel's
// per-neuron update is written once as a template on the lane type (double or Pack) so the same
// operations, in the same order, run on whole packs and on the scalar tail (bit-identical).
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace spikeforge::neurons::simd {

/// Doubles per pack: the widest vector the target ISA has (SPIKEFORGE_ARCH in CMake picks it):
/// 8 with AVX-512, 4 with AVX/AVX2, else 2 (SSE2 on every x86-64, NEON on AArch64). The
/// auto-vectoriser cannot be relied on here: it gives up on loops with several selects.
#if defined(__AVX512F__)
inline constexpr std::size_t kLanes = 8;
#elif defined(__AVX__)
inline constexpr std::size_t kLanes = 4;
#else
inline constexpr std::size_t kLanes = 2;
#endif
using Pack = double __attribute__((vector_size(kLanes * sizeof(double))));
using Mask = std::int64_t __attribute__((vector_size(kLanes * sizeof(double))));
using UPack = std::uint64_t __attribute__((vector_size(kLanes * sizeof(double))));

// GCC 12 inlines a kernel into a caller whose input arrays it knows to be one element long and
// then warns about the pack path, which the loop bound (k + kLanes <= n) never runs there (loads
// and, since the kernels consume their input, stores).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
template <class T> inline T load(const double* p) noexcept {
  if constexpr (std::is_same_v<T, double>) {
    return *p;
  } else {
    T x;
    std::memcpy(&x, p, sizeof x);
    return x;
  }
}
inline void store(double* p, double x) noexcept { *p = x; }
inline void store(double* p, Pack x) noexcept { std::memcpy(p, &x, sizeof x); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
template <class T> inline T splat(double x) noexcept {
  if constexpr (std::is_same_v<T, double>) {
    return x;
  } else {
    // One broadcast instruction (a lane-by-lane fill compiles to a chain of masked moves, and
    // T{} + x would add and turn -0.0 into +0.0; x - 0.0 is x exactly and folds away).
#if defined(__AVX512F__)
    return std::bit_cast<T>(_mm512_set1_pd(x));
#elif defined(__AVX__)
    return std::bit_cast<T>(_mm256_set1_pd(x));
#elif defined(__SSE2__)
    return std::bit_cast<T>(_mm_set1_pd(x));
#else
    return x - T{};
#endif
  }
}

/// A kernel coefficient for neurons k...: the single shared value when the population is
/// uniform (read once, before the loop, so it stays in a register: the state arrays the loop
/// stores to could otherwise alias it), else the per-neuron values. An unused coefficient's array
/// may be empty (null).
template <bool Uniform> struct Coef {
  const double* values;
  double shared;
  explicit Coef(const double* p) noexcept : values(p), shared(Uniform && p != nullptr ? p[0] : 0.0) {}
  template <class T> T at(std::size_t k) const noexcept {
    if constexpr (Uniform) return splat<T>(shared);
    else return load<T>(values + k);
  }
};
template <class T, bool Uniform> inline T coef(const Coef<Uniform>& c, std::size_t k) noexcept { return c.template at<T>(k); }

/// True when the target has a fused multiply-add instruction (x86 FMA3, always on AArch64).
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
inline constexpr bool kFusedMultiplyAdd = true;
#else
inline constexpr bool kFusedMultiplyAdd = false;
#endif

/// a * b + c, lane-wise: rounded once where the target has FMA, else a multiply and an add
/// (std::fma in software costs a library call per lane: 7-10 times slower kernels on SSE2).
/// Packs and doubles round identically either way, so a neuron's result does not depend on
/// whether it falls in a pack or the scalar tail; builds with and without FMA differ by rounding.
inline double fma(double a, double b, double c) noexcept {
  if constexpr (kFusedMultiplyAdd) return std::fma(a, b, c);
  else return a * b + c;
}
inline Pack fma(Pack a, Pack b, Pack c) noexcept {
#if defined(__AVX512F__)
  return std::bit_cast<Pack>(
      _mm512_fmadd_pd(std::bit_cast<__m512d>(a), std::bit_cast<__m512d>(b), std::bit_cast<__m512d>(c)));
#elif defined(__AVX__) && defined(__FMA__)
  return std::bit_cast<Pack>(
      _mm256_fmadd_pd(std::bit_cast<__m256d>(a), std::bit_cast<__m256d>(b), std::bit_cast<__m256d>(c)));
#else
  if constexpr (kFusedMultiplyAdd) {
    Pack r;
    for (std::size_t j = 0; j < kLanes; ++j) r[j] = std::fma(a[j], b[j], c[j]);
    return r;
  } else {
    return a * b + c;  // not contracted: the build uses -ffp-contract=off
  }
#endif
}
/// c - a * b, lane-wise, rounded as fma(): negating a product is exact, and without FMA
/// c + (-(a b)) equals c - a b, so this is fma(-a, b, c) in every build (one vfnmadd with FMA).
template <class T> inline T fnma(T a, T b, T c) noexcept { return fma(-a, b, c); }

/// x, held in a register: GCC otherwise folds a loaded value into each instruction that uses it as
/// a memory operand, loading it again per use (a 512-bit load is two of the core's load slots).
template <class T> inline T loaded(const double* p) noexcept {
  T x = load<T>(p);
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm("" : "+v"(x));
#endif
  return x;
}

/// A synaptic variable's step for lanes k...: x' = fma(x, p, in) with the input slot consumed
/// (set to +0.0) when the kernel is given slots (Input), else x' = x p (the caller adds the input
/// into x after the step: the engine's direct input).
template <bool Input, class T, bool Uniform>
inline void decay_input(double* __restrict x, double* __restrict in, T x_old, const Coef<Uniform>& p, std::size_t k) noexcept {
  if constexpr (Input) {
    store(x + k, fma(x_old, coef<T>(p, k), load<T>(in + k)));
    store(in + k, splat<T>(0.0));
  } else {
    store(x + k, x_old * coef<T>(p, k));
  }
}

/// Lane-wise c ? a : b.
inline double select(bool c, double a, double b) noexcept { return c ? a : b; }
inline Pack select(Mask c, Pack a, Pack b) noexcept { return c ? a : b; }

/// The lanes where a >= b, as bits (lane j -> bit j). With AVX-512 the comparison goes straight
/// to a mask register; bits(a >= b) would turn it into a vector and back (two more instructions
/// per pack). A kernel returns this as its spike condition.
inline unsigned ge_bits(double a, double b) noexcept { return a >= b ? 1u : 0u; }
inline unsigned ge_bits(Pack a, Pack b) noexcept;

/// The lanes of a comparison result as bits (lane j -> bit j): one movemask instruction.
inline unsigned bits(bool c) noexcept { return c ? 1u : 0u; }
inline unsigned bits(Mask c) noexcept {
#if defined(__AVX512F__)
  return _mm512_test_epi64_mask(std::bit_cast<__m512i>(c), std::bit_cast<__m512i>(c));
#elif defined(__AVX__)
  return static_cast<unsigned>(_mm256_movemask_pd(std::bit_cast<__m256d>(c)));
#elif defined(__SSE2__)
  return static_cast<unsigned>(_mm_movemask_pd(std::bit_cast<__m128d>(c)));
#else
  unsigned r = 0;
  for (std::size_t j = 0; j < kLanes; ++j) r |= (c[j] != 0 ? 1u : 0u) << j;
  return r;
#endif
}
inline unsigned bits(unsigned b) noexcept { return b; }
inline unsigned ge_bits(Pack a, Pack b) noexcept {
#if defined(__AVX512F__)
  return _mm512_cmp_pd_mask(std::bit_cast<__m512d>(a), std::bit_cast<__m512d>(b), _CMP_GE_OQ);
#else
  return bits(a >= b);
#endif
}
/// True when any lane of a comparison result is set.
inline bool any(bool c) noexcept { return c; }
inline bool any(Mask c) noexcept { return bits(c) != 0; }

/// exp(x) to within 2 ulp for x in [-708, 708] (clamped outside): Cody-Waite reduction
/// x = n ln2 + r, |r| <= ln2/2, a degree-13 Taylor polynomial (truncation < 1e-17), and 2^n
/// assembled in the exponent bits. The same operations for double and Pack.
template <class T> inline T exp(T x) noexcept {
  constexpr double kLog2e = 1.4426950408889634, kLn2Hi = 6.93147180369123816490e-01,
                   kLn2Lo = 1.90821492927058770002e-10, kShift = 6755399441055744.0;  // 1.5 * 2^52
  x = select(x < -708.0, splat<T>(-708.0), x);
  x = select(x > 708.0, splat<T>(708.0), x);
  const T shifted = x * kLog2e + kShift;  // round-to-nearest n sits in the low mantissa bits
  const T n = shifted - kShift;
  const T r = (x - n * kLn2Hi) - n * kLn2Lo;
  T p = splat<T>(1.0 / 6227020800.0);
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  if constexpr (std::is_same_v<T, double>) {
    const std::uint64_t bits = (std::bit_cast<std::uint64_t>(shifted) + 1023u) << 52;
    return p * std::bit_cast<double>(bits);
  } else {
    const UPack bits = (std::bit_cast<UPack>(shifted) + 1023u) << 52;
    return p * std::bit_cast<Pack>(bits);
  }
}

/// Runs `update` over neurons [begin, end): on packs of kLanes, then scalar on the tail. `update` is a
/// generic lambda [&]<class T>(std::size_t k) returning the spike condition of neurons k...;
/// the indices of spiking neurons are appended to `spiked` in increasing order (the branch is
/// taken only when a pack has a spike, which is rare in a step). Needs begin <= end. The packs end
/// at a precomputed bound rather than at k + kLanes <= end: one comparison per pack, and GCC 12
/// then sees the scalar tail's trip count (with constant bounds it warned of an overflowing one).
template <class F>
inline std::size_t update_range(std::size_t begin, std::size_t end, std::uint32_t* spiked, F&& update) {
  std::size_t count = 0, k = begin;
  const std::size_t packs_end = end - (end - begin) % kLanes;
  for (; k < packs_end; k += kLanes) {
    for (unsigned b = bits(update.template operator()<Pack>(k)); b != 0; b &= b - 1) {
      spiked[count++] = static_cast<std::uint32_t>(k + static_cast<std::size_t>(std::countr_zero(b)));
    }
  }
  for (; k < end; ++k) {
    if (update.template operator()<double>(k)) spiked[count++] = static_cast<std::uint32_t>(k);
  }
  return count;
}

}  // namespace spikeforge::neurons::simd
