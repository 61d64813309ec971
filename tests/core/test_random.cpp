#include <gtest/gtest.h>

#include <spikeforge/core/random.hpp>

#include <cmath>
#include <vector>

using spikeforge::RandomStream;

// Known-answer test from the Random123 distribution (kat_vectors, philox4x32 10 rounds).
TEST(Philox, KnownAnswerVectors) {
  auto r = spikeforge::philox4x32({0, 0, 0, 0}, {0, 0});
  EXPECT_EQ(r[0], 0x6627e8d5u);
  EXPECT_EQ(r[1], 0xe169c58du);
  EXPECT_EQ(r[2], 0xbc57ac4cu);
  EXPECT_EQ(r[3], 0x9b00dbd8u);
  r = spikeforge::philox4x32({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu});
  EXPECT_EQ(r[0], 0x408f276du);
  EXPECT_EQ(r[1], 0x41c83b0eu);
  EXPECT_EQ(r[2], 0xa20bc7c6u);
  EXPECT_EQ(r[3], 0x6d5451fdu);
  r = spikeforge::philox4x32({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u});
  EXPECT_EQ(r[0], 0xd16cfe09u);
  EXPECT_EQ(r[1], 0x94fdccebu);
  EXPECT_EQ(r[2], 0x5001e420u);
  EXPECT_EQ(r[3], 0x24126ea1u);
}

TEST(RandomStream, SameIdsSameNumbersDifferentStreamsDiffer) {
  RandomStream a(42, 7), b(42, 7), c(42, 8), d(43, 7);
  int differ_c = 0, differ_d = 0;
  for (int i = 0; i < 100; ++i) {
    const auto x = a();
    EXPECT_EQ(x, b());
    differ_c += x != c();
    differ_d += x != d();
  }
  EXPECT_GT(differ_c, 95);
  EXPECT_GT(differ_d, 95);
}

TEST(RandomStream, JumpingToACounterGivesTheSameDraws) {
  RandomStream a(5, 1);
  for (int i = 0; i < 8; ++i) a();  // two blocks of four words
  RandomStream b(5, 1, 2);
  EXPECT_EQ(a(), b());
}

TEST(RandomStream, MomentsOfTheDistributions) {
  RandomStream r(1, 2);
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0, se = 0, sp = 0, sp2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform(); su += u; su2 += u * u;
    const double z = r.normal(); sn += z; sn2 += z * z;
    se += r.exponential();
    const double k = r.poisson(45.5); sp += k; sp2 += k * k;
  }
  // 6-sigma bounds on the sample means.
  EXPECT_NEAR(su / n, 0.5, 6 * std::sqrt(1.0 / 12 / n)) << "mean of uniform";
  EXPECT_NEAR(su2 / n - (su / n) * (su / n), 1.0 / 12, 0.002) << "variance of uniform";
  EXPECT_NEAR(sn / n, 0.0, 6 / std::sqrt(n)) << "mean of normal";
  EXPECT_NEAR(sn2 / n, 1.0, 0.02) << "variance of normal";
  EXPECT_NEAR(se / n, 1.0, 6 / std::sqrt(n)) << "mean of exponential";
  EXPECT_NEAR(sp / n, 45.5, 6 * std::sqrt(45.5 / n)) << "mean of poisson(45.5)";
  EXPECT_NEAR(sp2 / n - (sp / n) * (sp / n), 45.5, 1.0) << "variance of poisson(45.5)";
}

TEST(RandomStream, BelowIsUniformOverItsRange) {
  RandomStream r(9, 9);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const auto k = r.below(7);
    ASSERT_LT(k, 7u);
    ++counts[k];
  }
  for (int c : counts) EXPECT_NEAR(c, n / 7.0, 6 * std::sqrt(n / 7.0));
}
