#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <tuple>
#include <vector>

#include <spikeforge/core/error.hpp>
#include <spikeforge/core/random.hpp>
#include <spikeforge/engine/input_ring.hpp>
#include <spikeforge/engine/synapse_store.hpp>

namespace spikeforge {
namespace {

struct RandomSynapses {
  std::vector<std::uint32_t> pre, post, delay;
  std::vector<double> weight;
};

RandomSynapses make_synapses(std::uint32_t n_pre, std::uint32_t n_post, std::size_t n, std::uint32_t max_delay,
                             bool equal_weights, std::uint64_t seed) {
  RandomStream rs(seed, 0);
  RandomSynapses s;
  for (std::size_t k = 0; k < n; ++k) {
    s.pre.push_back(rs.below(n_pre));
    s.post.push_back(rs.below(n_post));
    s.delay.push_back(1 + rs.below(max_delay));
    s.weight.push_back(equal_weights ? 0.25 : rs.normal(0.5, 0.2));
  }
  return s;
}

// Delivery through the store must equal the sum over the raw synapse list, per (delay, target).
void check_delivery(std::uint32_t max_delay, bool equal_weights) {
  const std::uint32_t n_pre = 50, n_post = 40;
  const auto s = make_synapses(n_pre, n_post, 3000, max_delay, equal_weights, 7 + max_delay);
  engine::SynapseStore store(n_pre, n_post, s.pre, s.post, s.weight, s.delay);
  ASSERT_EQ(store.size(), s.pre.size());
  EXPECT_EQ(store.shared_weight(), equal_weights) << "one stored weight exactly when all are equal";
  for (std::uint32_t p = 0; p < n_pre; ++p) {
    std::vector<double> got((max_delay + 1) * n_post, 0.0), want(got.size(), 0.0);
    store.deliver(p, 2.0, [&](std::uint32_t d) { return got.data() + d * n_post; });
    for (std::size_t k = 0; k < s.pre.size(); ++k) {
      if (s.pre[k] == p) want[s.delay[k] * n_post + s.post[k]] += 2.0 * static_cast<double>(static_cast<float>(s.weight[k]));
    }
    for (std::size_t i = 0; i < got.size(); ++i) {
      ASSERT_NEAR(got[i], want[i], 1e-12) << "input of pre " << p << " at (delay, target) slot " << i;
    }
  }
}

TEST(SynapseStore, DeliveryMatchesSynapseListWithHeterogeneousDelays) { check_delivery(7, false); }
TEST(SynapseStore, DeliveryMatchesSynapseListWithOneDelay) { check_delivery(1, false); }
TEST(SynapseStore, DeliveryMatchesSynapseListWithSharedWeight) { check_delivery(5, true); }

TEST(SynapseStore, ListAndSetWeightsRoundTripInStorageOrder) {
  const auto s = make_synapses(30, 30, 1000, 4, false, 3);
  engine::SynapseStore store(30, 30, s.pre, s.post, s.weight, s.delay);
  std::vector<std::uint32_t> pre, post, delay;
  std::vector<double> w;
  store.list(pre, post, w, delay);
  ASSERT_EQ(pre.size(), s.pre.size());
  // The listed synapses are the same multiset as the input.
  auto key = [](std::uint32_t a, std::uint32_t b, std::uint32_t d, double x) {
    return std::tuple(a, b, d, static_cast<float>(x));
  };
  std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, float>> in, out;
  for (std::size_t k = 0; k < pre.size(); ++k) {
    in.push_back(key(s.pre[k], s.post[k], s.delay[k], s.weight[k]));
    out.push_back(key(pre[k], post[k], delay[k], w[k]));
  }
  std::sort(in.begin(), in.end());
  std::sort(out.begin(), out.end());
  EXPECT_EQ(in, out) << "listed synapses vs the synapses the store was built from";
  // Rows by pre, then delay, then target.
  for (std::size_t k = 1; k < pre.size(); ++k) {
    ASSERT_TRUE(std::tuple(pre[k - 1], delay[k - 1], post[k - 1]) <= std::tuple(pre[k], delay[k], post[k])) << "order at " << k;
  }
  std::vector<double> doubled(w);
  for (double& x : doubled) x *= 2.0;
  store.set_weights(doubled);
  const auto back = store.weights();
  for (std::size_t k = 0; k < back.size(); ++k) ASSERT_EQ(back[k], static_cast<double>(static_cast<float>(doubled[k])));
  store.set_weights(std::vector<double>(w.size(), 1.5));
  EXPECT_TRUE(store.shared_weight()) << "equal weights collapse to one stored weight";
  EXPECT_THROW(store.set_weights(std::vector<double>(3, 1.0)), Error);
}

TEST(SynapseStore, BytesPerStaticSynapse) {
  // A COBA-like projection: 4000 x 4000 at p = 0.02, one delay.
  RandomStream rs(11, 0);
  std::vector<std::uint32_t> pre, post;
  for (std::uint32_t i = 0; i < 4000; ++i) {
    for (std::uint32_t j = 0; j < 4000; ++j) {
      if (rs.uniform() < 0.02) { pre.push_back(i); post.push_back(j); }
    }
  }
  const std::vector<std::uint32_t> one(pre.size(), 1);
  engine::SynapseStore shared(4000, 4000, pre, post, std::vector<double>(pre.size(), 6.0), one);
  EXPECT_LE(shared.bytes_per_synapse(), 8.0) << "bytes per synapse, equal weights (all bytes the store owns)";
  std::vector<double> w(pre.size());
  for (double& x : w) x = rs.uniform(1.0, 10.0);
  engine::SynapseStore distinct(4000, 4000, pre, post, w, one);
  // 4 B target + 4 B weight per synapse; the row index adds 4 B per presynaptic neuron (0.05 B
  // per synapse at 80 synapses per row), the store object itself a few dozen bytes.
  const double per_row = 4.0 * 4001.0 / static_cast<double>(pre.size());
  EXPECT_LE(distinct.bytes_per_synapse(), 8.0 + per_row + 1e-3) << "bytes per synapse, distinct weights";
  EXPECT_LE(distinct.bytes_per_synapse(), 8.1);
  std::printf("bytes per synapse: %.3f (equal weights), %.3f (distinct weights), %zu synapses\n",
              shared.bytes_per_synapse(), distinct.bytes_per_synapse(), pre.size());
}

TEST(SynapseStore, RejectsBadInput) {
  const std::vector<std::uint32_t> pre{0, 1}, post{0, 5}, delay{1, 1};
  const std::vector<double> w{1.0, 1.0};
  EXPECT_THROW(engine::SynapseStore(2, 5, pre, post, w, delay), Error) << "post index 5 of 5";
  const std::vector<std::uint32_t> post_ok{0, 4}, zero_delay{1, 0};
  EXPECT_THROW(engine::SynapseStore(2, 5, pre, post_ok, w, zero_delay), Error) << "delay of 0 steps";
}

TEST(InputRing, SlotsWrapAndClear) {
  engine::InputRing ring(3, 4);
  ring.slot(5, 1)[2] = 7.0;
  EXPECT_EQ(ring.slot(1, 1)[2], 7.0) << "step 5 and step 1 share a slot in a ring of 4";
  ring.clear_slot(1);
  EXPECT_EQ(ring.slot(5, 1)[2], 0.0);
}

}  // namespace
}  // namespace spikeforge
