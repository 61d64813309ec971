// PoissonGroup's draws against a scalar reference of the documented definition (bit for bit), the
// dense counts() call against emit(), and the count distribution at the Brunel drive and low rates.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <spikeforge/core/random.hpp>
#include <spikeforge/engine/sources.hpp>

using namespace spikeforge;

namespace {

// counts() and emit() report the same spikes for every generator, over any split of the range.
TEST(PoissonDraws, CountsMatchEmit) {
  std::vector<double> rates(203);
  for (std::size_t k = 0; k < rates.size(); ++k) rates[k] = (k % 7 == 0) ? 0.0 : 50.0 * static_cast<double>(k % 23) + 900.0 * (k % 5 == 0);
  engine::PoissonGroup g(rates, {}, {}, 0.1, 77, 5);
  std::vector<std::uint32_t> dense(rates.size(), 0xFFFFFFFFu);
  for (std::uint64_t stamp = 1; stamp <= 200; ++stamp) {
    engine::SourceSpikes out;
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
