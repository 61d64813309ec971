// PoissonGroup's draws against a scalar reference of the documented definition (bit for bit), the
// dense counts() call against emit(), and the count distribution at the Brunel drive and low rates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <spikeforge/core/random.hpp>
#include <spikeforge/stimulus/poisson_group.hpp>

using namespace spikeforge;

namespace {

// counts() and emit() report the same spikes for every generator, over any split of the range.
TEST(PoissonDraws, CountsMatchEmit) {
  std::vector<double> rates(203);
  for (std::size_t k = 0; k < rates.size(); ++k) rates[k] = (k % 7 == 0) ? 0.0 : 50.0 * static_cast<double>(k % 23) + 900.0 * (k % 5 == 0);
  stimulus::PoissonGroup g(rates, {}, {}, 0.1, 77, 5);
  std::vector<std::uint32_t> dense(rates.size(), 0xFFFFFFFFu);
  for (std::uint64_t stamp = 1; stamp <= 200; ++stamp) {
    stimulus::SourceSpikes out;
    g.emit(stamp, out);
    g.counts(stamp, 0, 37, dense.data());
    g.counts(stamp, 37, 64, dense.data());
    g.counts(stamp, 64, rates.size(), dense.data());
    std::vector<std::uint32_t> from_emit(rates.size(), 0);
    for (std::size_t j = 0; j < out.ids.size(); ++j) from_emit[out.ids[j]] = out.counts[j];
    for (std::size_t k = 0; k < rates.size(); ++k) {
      ASSERT_EQ(dense[k], from_emit[k]) << "count of generator " << k << " at stamp " << stamp
                                        << ": counts() must equal emit() exactly";
    }
  }
}

}  // namespace

namespace {

// The definition in PoissonGroup's class comment, written out plainly for one generator.
std::uint32_t reference_count(double rate_hz, double dt, std::uint64_t seed, std::uint64_t stream, std::uint64_t stamp) {
  const double lambda = std::max(rate_hz, 0.0) * dt * 1e-3;
  if (lambda > 30.0) {
    RandomStream s(seed, stream, (std::uint64_t{1} << 63) | (stamp << 20));
    return s.poisson(lambda);
  }
  const std::uint64_t block = stamp / 4;
  const auto words = philox4x32({static_cast<std::uint32_t>(block & 0xFFFFFFFFu), static_cast<std::uint32_t>(block >> 32),
                                 static_cast<std::uint32_t>(stream & 0xFFFFFFFFu), static_cast<std::uint32_t>(stream >> 32)},
                                {static_cast<std::uint32_t>(seed & 0xFFFFFFFFu), static_cast<std::uint32_t>(seed >> 32)});
  const double u = (static_cast<double>(words[stamp % 4]) + 0.5) / 4294967296.0;
  const std::uint32_t bound = static_cast<std::uint32_t>(10.0 * lambda) + 60;
  double term = std::exp(-lambda), cdf = term;
  std::uint32_t k = 0;
  for (std::uint32_t j = 0; j < bound; ++j) {
    if (j > 0) {
      term = term * (lambda / static_cast<double>(j));
      cdf = cdf + term;
    }
    if (u >= cdf) ++k;
    else break;
  }
  return k;
}

void expect_reference(const std::vector<double>& rates, std::uint64_t seed, std::uint64_t first_stream,
                      std::uint64_t first_stamp, std::uint64_t stamps) {
  stimulus::PoissonGroup g(rates, {}, {}, 0.1, seed, first_stream);
  std::vector<std::uint32_t> dense(rates.size());
  std::uint64_t spikes = 0;
  for (std::uint64_t stamp = first_stamp; stamp < first_stamp + stamps; ++stamp) {
    g.counts(stamp, 0, 3, dense.data());  // a short range: scalar path only
    g.counts(stamp, 3, rates.size(), dense.data());
    for (std::size_t k = 0; k < rates.size(); ++k) {
      const std::uint32_t expected = reference_count(rates[k], 0.1, seed, first_stream + k, stamp);
      spikes += expected;
      ASSERT_EQ(dense[k], expected) << "count of generator " << k << " (rate " << rates[k] << " Hz) at stamp " << stamp
                                    << ": must equal the reference definition exactly";
    }
  }
  EXPECT_GT(spikes, 0u) << "the comparison needs spikes";
}

TEST(PoissonDraws, UniformRateEqualsReference) {
  expect_reference(std::vector<double>(101, 20000.0), 1, 0, 1, 300);  // the Brunel drive: mean 2 per step
  expect_reference(std::vector<double>(101, 10.0), 3, 12345, 1, 2000);
  expect_reference(std::vector<double>(101, 299000.0), 4, 7, 1, 100);  // mean 29.9: the longest table
}

TEST(PoissonDraws, MixedRatesEqualReference) {
  std::vector<double> rates(157);
  for (std::size_t k = 0; k < rates.size(); ++k) {
    const double choices[] = {0.0, 5.0, 1000.0, 20000.0, 120000.0, 299999.0, 300001.0, 450000.0, -3.0, 60000.0, 7.5};
    rates[k] = choices[(k * 7) % 11];
  }
  expect_reference(rates, 11, 0, 1, 200);
  // Streams across the 32-bit boundary and stamps far into a run (high counter words).
  expect_reference(rates, 0x123456789ABCDEFull, 0xFFFFFFF0ull, (std::uint64_t{1} << 34) + 1, 40);
}

// Chi-square of the count distribution against Poisson(lambda): bins 0 ... kmax-1 and >= kmax.
double chi_square(const std::vector<std::uint64_t>& hist, std::uint64_t n, double lambda) {
  double chi2 = 0.0, p = std::exp(-lambda), tail = 1.0;
  for (std::size_t k = 0; k + 1 < hist.size(); ++k) {
    const double expected = static_cast<double>(n) * p;
    chi2 += (static_cast<double>(hist[k]) - expected) * (static_cast<double>(hist[k]) - expected) / expected;
    tail -= p;
    p *= lambda / static_cast<double>(k + 1);
  }
  const double expected = static_cast<double>(n) * tail;
  chi2 += (static_cast<double>(hist.back()) - expected) * (static_cast<double>(hist.back()) - expected) / expected;
  return chi2;
}

struct Moments { double mean, var, chi2; };

Moments sample(double rate_hz, std::size_t generators, std::uint64_t steps, std::size_t bins) {
  stimulus::PoissonGroup g(std::vector<double>(generators, rate_hz), {}, {}, 0.1, 2026, 0);
  std::vector<std::uint32_t> dense(generators);
  std::vector<std::uint64_t> hist(bins, 0);
  double sum = 0.0, sum2 = 0.0;
  for (std::uint64_t stamp = 1; stamp <= steps; ++stamp) {
    g.counts(stamp, 0, generators, dense.data());
    for (std::uint32_t c : dense) {
      sum += c;
      sum2 += static_cast<double>(c) * c;
      ++hist[std::min<std::size_t>(c, bins - 1)];
    }
  }
  const double n = static_cast<double>(generators) * static_cast<double>(steps);
  const double mean = sum / n;
  return {mean, sum2 / n - mean * mean, chi_square(hist, generators * steps, rate_hz * 0.1e-3)};
}

TEST(PoissonDraws, BrunelDriveIsPoissonTwo) {
  // 10^6 counts at mean 2: the mean's standard error is sqrt(2/10^6) = 0.0014, the variance's
  // about sqrt((2 + 2 * 4) / 10^6) = 0.0032.
  const Moments m = sample(20000.0, 1000, 1000, 9);
  EXPECT_NEAR(m.mean, 2.0, 0.007) << "mean count per step at 20 kHz, dt 0.1 ms (Poisson(2)); tolerance 5 standard errors";
  EXPECT_NEAR(m.var, 2.0, 0.016) << "variance of the count per step (Poisson(2)); tolerance 5 standard errors";
  // 9 bins (0..7, >= 8): 8 degrees of freedom; 31.8 is the 99.99 % quantile.
  EXPECT_LT(m.chi2, 31.8) << "chi-square of the counts 0..7, >=8 against Poisson(2), 8 dof; limit 31.8 (p = 1e-4)";
}

TEST(PoissonDraws, LowRatesArePoisson) {
  {
    // 10 Hz at dt 0.1 ms: mean 0.001 per step, 10^6 counts: ~1000 spikes (standard error 32).
    const Moments m = sample(10.0, 1000, 1000, 2);
    EXPECT_NEAR(m.mean, 0.001, 5 * std::sqrt(0.001 / 1e6)) << "mean count per step at 10 Hz; tolerance 5 standard errors";
    EXPECT_LT(m.chi2, 15.1) << "chi-square of the counts 0, >=1 against Poisson(0.001), 1 dof; limit 15.1 (p = 1e-4)";
  }
  {
    // 1 kHz: mean 0.1, bins 0, 1, 2, >= 3.
    const Moments m = sample(1000.0, 1000, 1000, 4);
    EXPECT_NEAR(m.mean, 0.1, 5 * std::sqrt(0.1 / 1e6)) << "mean count per step at 1 kHz; tolerance 5 standard errors";
    EXPECT_NEAR(m.var, 0.1, 0.0025) << "variance of the count per step at 1 kHz (Poisson(0.1)); tolerance ~5 standard errors";
    EXPECT_LT(m.chi2, 21.1) << "chi-square of the counts 0, 1, 2, >=3 against Poisson(0.1), 3 dof; limit 21.1 (p = 1e-4)";
  }
}

}  // namespace
