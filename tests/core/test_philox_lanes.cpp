// philox4x32_lanes (Philox on SIMD lanes, used by the Poisson generators) against the scalar
// philox4x32, bit for bit, at the build's vector widths and the portable 2-lane width.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include <spikeforge/core/random.hpp>

namespace {

using V2 = std::uint64_t __attribute__((vector_size(2 * sizeof(std::uint64_t))));
#if defined(__AVX__)
using V4 = std::uint64_t __attribute__((vector_size(4 * sizeof(std::uint64_t))));
#endif
#if defined(__AVX512F__)
using V8 = std::uint64_t __attribute__((vector_size(8 * sizeof(std::uint64_t))));
#endif

template <class V>
void check_lanes() {
  constexpr std::size_t L = sizeof(V) / sizeof(std::uint64_t);
  spikeforge::RandomStream r(2024, L);
  for (int trial = 0; trial < 2000; ++trial) {
    std::array<std::uint32_t, 2> key{r(), r()};
    if (trial == 0) key = {0xffffffffu, 0xffffffffu};
    std::array<V, 4> ctr{};
    std::array<std::array<std::uint32_t, 4>, L> one{};
    for (std::size_t j = 0; j < L; ++j) {
      for (std::size_t i = 0; i < 4; ++i) {
        one[j][i] = trial == 0 ? 0xffffffffu : r();
        // Garbage in the high halves must not matter (the function only reads the low 32 bits).
        ctr[i][j] = (std::uint64_t{r()} << 32) | one[j][i];
      }
    }
    const auto lanes = spikeforge::philox4x32_lanes<V>(ctr, key);
    for (std::size_t j = 0; j < L; ++j) {
      const auto expected = spikeforge::philox4x32(one[j], key);
      for (std::size_t i = 0; i < 4; ++i) {
        ASSERT_EQ(static_cast<std::uint32_t>(lanes[i][j]), expected[i])
            << "word " << i << " of lane " << j << " of " << L << " (trial " << trial << "): must equal philox4x32";
      }
    }
  }
}

TEST(PhiloxLanes, EqualsScalarPhiloxAt2Lanes) { check_lanes<V2>(); }
// Wider vectors only where the ISA has registers for them (GCC warns about their calling
// convention otherwise, and nothing would use them).
#if defined(__AVX__)
TEST(PhiloxLanes, EqualsScalarPhiloxAt4Lanes) { check_lanes<V4>(); }
#endif
#if defined(__AVX512F__)
TEST(PhiloxLanes, EqualsScalarPhiloxAt8Lanes) { check_lanes<V8>(); }
#endif

// The Random123 known answer, through the lanes.
TEST(PhiloxLanes, KnownAnswerVector) {
  V2 zero{};
  const auto r = spikeforge::philox4x32_lanes<V2>({zero + 0x243f6a88u, zero + 0x85a308d3u, zero + 0x13198a2eu, zero + 0x03707344u},
                                                 {0xa4093822u, 0x299f31d0u});
  const std::array<std::uint32_t, 4> expected{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u};
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 2; ++j) {
      EXPECT_EQ(static_cast<std::uint32_t>(r[i][j]), expected[i]) << "word " << i << " lane " << j << " (Random123 kat)";
    }
  }
}

}  // namespace
