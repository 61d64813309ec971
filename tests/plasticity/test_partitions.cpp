#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <spikeforge/core/error.hpp>
#include <spikeforge/engine/input_ring.hpp>
#include <spikeforge/engine/plastic_store.hpp>
#include <spikeforge/model/validate.hpp>

namespace spikeforge {
namespace {

constexpr std::uint32_t kPre = 70, kPost = 53;
constexpr double kDt = 0.1;
constexpr int kSteps = 600;

struct Case {
  std::string name;
  model::Plasticity rule;
  bool uniform_delay = false;
};

std::vector<Case> cases() {
  const auto pair = [](double mult, double nearest, double dendritic) {
    return model::Plasticity{"stdp_pair",
                             {{"a_plus", 0.04}, {"a_minus", 0.045}, {"tau_plus", 5.0}, {"tau_minus", 8.0},
                              {"w_min", 0.0}, {"w_max", 0.6}, {"multiplicative", mult}, {"nearest", nearest},
                              {"dendritic_delay", dendritic}}};
  };
  return {
      {"stdp_pair additive all-to-all", pair(0, 0, 0)},
      {"stdp_pair additive nearest", pair(0, 1, 0)},
      {"stdp_pair multiplicative all-to-all", pair(1, 0, 0)},
      {"stdp_pair multiplicative nearest", pair(1, 1, 0)},
      {"stdp_pair dendritic delay", pair(0, 0, 1), true},
      {"stdp_symmetric", {"stdp_symmetric", {{"a_plus", 0.03}, {"a_minus", 0.01}, {"tau_minus", 9.0}}}},
      {"stdp_triplet", {"stdp_triplet", {{"a2_plus", 0.01}, {"a3_plus", 0.02}, {"a2_minus", 0.02}, {"a3_minus", 0.005},
                                         {"tau_plus", 4.0}, {"tau_minus", 6.0}, {"tau_x", 15.0}, {"tau_y", 20.0}}}},
      {"stdp_three_factor",
       {"stdp_three_factor", {{"a_plus", 0.05}, {"a_minus", 0.05}, {"tau_e", 10.0}, {"learning_rate", 0.5}}}},
      {"hebbian", {"hebbian", {{"eta", 0.01}, {"tau_pre", 6.0}}}},
      {"anti_hebbian", {"anti_hebbian", {{"eta", 0.01}, {"tau_pre", 6.0}}}},
      {"oja", {"oja", {{"eta", 0.02}, {"alpha", 2.0}}}},
      {"stdp_pair with synaptic scaling and Dale's law",
       {"stdp_pair", {{"a_plus", 0.04}, {"a_minus", 0.04}, {"w_min", -0.5}, {"w_max", 0.6}, {"dale", 1.0},
                      {"scaling_target_rate", 300.0}, {"scaling_rate", 20.0}, {"scaling_tau", 5.0},
                      {"scaling_interval", 0.5}}}},
      {"stdp_triplet with dendritic delay and scaling",
       {"stdp_triplet", {{"a2_plus", 0.01}, {"a3_plus", 0.02}, {"a2_minus", 0.02}, {"dendritic_delay", 1.0},
                         {"scaling_target_rate", 200.0}, {"scaling_interval", 0.3}}},
       true},
  };
}

/// Random connectivity with multapses, positive and negative weights and, unless `uniform`,
/// delays of 1 to 4 steps; the same every call.
struct Synapses {
  std::vector<std::uint32_t> pre, post, delay;
  std::vector<double> weight;
};
Synapses random_synapses(bool uniform) {
  std::mt19937_64 rng(11);
  Synapses s;
  std::uniform_int_distribution<std::uint32_t> d(1, 4);
  std::uniform_real_distribution<double> w(-0.2, 0.5);
  std::bernoulli_distribution connect(0.3), twice(0.05);
  for (std::uint32_t i = 0; i < kPre; ++i) {
    for (std::uint32_t j = 0; j < kPost; ++j) {
      if (!connect(rng)) continue;
      for (int m = 0; m < (twice(rng) ? 2 : 1); ++m) {
        s.pre.push_back(i);
        s.post.push_back(j);
        s.delay.push_back(uniform ? 3 : d(rng));
        s.weight.push_back(w(rng));
      }
    }
  }
  return s;
}

/// Spikes of every step, drawn once: pre with Poisson-like counts (1 or 2), post ids ascending.
struct Trains {
  std::vector<std::vector<std::uint32_t>> pre, pre_counts, post;
  std::vector<double> modulator;

  engine::StepSpikes pre_spikes(int s) const { return {pre[s].data(), pre_counts[s].data(), pre[s].size()}; }
  engine::StepSpikes post_spikes(int s) const { return {post[s].data(), nullptr, post[s].size()}; }
};
Trains random_trains() {
  std::mt19937_64 rng(5);
  std::bernoulli_distribution pre_spike(0.08), post_spike(0.1), double_count(0.1);
  std::normal_distribution<double> mod(0.0, 1.0);
  Trains t;
  for (int s = 0; s < kSteps; ++s) {
    t.pre.emplace_back();
    t.pre_counts.emplace_back();
    t.post.emplace_back();
    for (std::uint32_t i = 0; i < kPre; ++i) {
      if (!pre_spike(rng)) continue;
      t.pre.back().push_back(i);
      t.pre_counts.back().push_back(double_count(rng) ? 2 : 1);
    }
    for (std::uint32_t j = 0; j < kPost; ++j) {
      if (post_spike(rng)) t.post.back().push_back(j);
    }
    t.modulator.push_back(mod(rng));
  }
  return t;
}

std::unique_ptr<engine::PlasticProjection> build(const model::Plasticity& rule, const Synapses& s) {
  return engine::make_plastic_projection(rule, kDt, kPre, kPost, s.pre, s.post, s.weight, s.delay, false);
}

/// One projection stepped over the trains: per step every pre spike is delivered, then learn() runs,
/// partition by partition, either in this thread or one std::thread per partition at once.
struct Runner {
  std::unique_ptr<engine::PlasticProjection> proj;
  engine::InputRing ring;
  std::vector<std::uint32_t> bounds;

  Runner(const model::Plasticity& rule, const Synapses& s, std::vector<std::uint32_t> b)
      : proj(build(rule, s)), ring(kPost, proj->max_delay() + 1), bounds(std::move(b)) {
    proj->set_partitions(bounds);
  }

  void step(const Trains& t, int s, bool threads) {
    const auto stamp = static_cast<std::uint64_t>(s + 1);
    const engine::StepSpikes pre = t.pre_spikes(s), post = t.post_spikes(s);
    const auto work = [&](std::size_t p) {
      engine::PostRange r;
      r.begin = bounds[p];
      r.end = bounds[p + 1];
      r.part = p;
      for (std::size_t k = 0; k < pre.n; ++k) proj->deliver(pre.ids[k], pre.counts[k], ring, 0, stamp, r);
      proj->learn(stamp, pre, post, t.modulator[s], r);
    };
    if (threads) {
      std::vector<std::thread> pool;
      for (std::size_t p = 0; p + 1 < bounds.size(); ++p) pool.emplace_back(work, p);
      for (auto& th : pool) th.join();
    } else {
      for (std::size_t p = 0; p + 1 < bounds.size(); ++p) work(p);
    }
  }
  /// The input consumed this step, then its slot cleared as a population would.
  std::vector<double> consume(int s) {
    const double* slot = ring.slot(static_cast<std::uint64_t>(s + 1), 0);
    std::vector<double> in(slot, slot + kPost);
    ring.clear_slot(static_cast<std::uint64_t>(s + 1));
    return in;
  }
};

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

std::size_t first_difference(const std::vector<double>& a, const std::vector<double>& b) {
  for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k) {
    if (std::memcmp(&a[k], &b[k], sizeof(double)) != 0) return k;
  }
  return std::min(a.size(), b.size());
}

void expect_partition_independent(bool threads) {
  const std::vector<std::vector<std::uint32_t>> splits = {
      {0, 26, kPost}, {0, 10, 40, kPost}, {0, 13, 13, 30, kPost}, {0, 1, 2, 52, kPost}};
  const Trains t = random_trains();
  for (const Case& c : cases()) {
    const Synapses syn = random_synapses(c.uniform_delay);
    Runner one(c.rule, syn, {0, kPost});
    std::vector<Runner> many;
    for (const auto& b : splits) many.emplace_back(c.rule, syn, b);
    std::size_t input_mismatch = 0;
    double input_sum = 0.0;
    for (int s = 0; s < kSteps; ++s) {
      one.step(t, s, false);
      for (auto& r : many) r.step(t, s, threads);
      const auto want = one.consume(s);
      for (double v : want) input_sum += v;
      for (auto& r : many) input_mismatch += !same_bits(r.consume(s), want);
    }
    EXPECT_EQ(input_mismatch, 0u) << c.name << ": steps whose delivered input differs from one partition's (bitwise)";
    EXPECT_NE(input_sum, 0.0) << c.name << ": total delivered input must be non-zero for the comparison to mean anything";
    const auto w1 = one.proj->weights(), e1 = one.proj->eligibility();
    const auto w0 = build(c.rule, syn)->weights();
    std::size_t changed = 0;
    for (std::size_t k = 0; k < w1.size(); ++k) changed += w1[k] != w0[k] ? 1 : 0;
    EXPECT_GT(changed, w1.size() / 4) << c.name << ": weights that learned in " << kSteps << " steps (of " << w1.size() << ")";
    for (std::size_t m = 0; m < many.size(); ++m) {
      const auto w = many[m].proj->weights(), e = many[m].proj->eligibility();
      EXPECT_TRUE(same_bits(w, w1)) << c.name << ", " << splits[m].size() - 1 << " partitions: weight "
                                    << first_difference(w, w1) << " differs from one partition's (bitwise)";
      EXPECT_TRUE(same_bits(e, e1)) << c.name << ", " << splits[m].size() - 1 << " partitions: eligibility "
                                    << first_difference(e, e1) << " differs from one partition's (bitwise)";
    }
  }
}

TEST(PlasticPartitions, SequentialPartitionsAreBitIdenticalToOne) { expect_partition_independent(false); }

TEST(PlasticPartitions, ConcurrentPartitionsAreBitIdenticalToOne) { expect_partition_independent(true); }

// The unpartitioned learn() after set_partitions() runs every partition and so equals one partition.
TEST(PlasticPartitions, WholeRangeCallsAgreeAfterRepartitioning) {
  const Trains t = random_trains();
  const Case c = cases()[0];
  const Synapses syn = random_synapses(false);
  Runner one(c.rule, syn, {0, kPost});
  auto other = build(c.rule, syn);
  for (int s = 0; s < kSteps; ++s) {
    if (s == kSteps / 3) other->set_partitions(std::vector<std::uint32_t>{0, 20, 21, kPost});
    if (s == 2 * kSteps / 3) other->set_partitions(std::vector<std::uint32_t>{0, 40, kPost});
    one.step(t, s, false);
    const engine::StepSpikes pre = t.pre_spikes(s), post = t.post_spikes(s);
    other->learn(static_cast<std::uint64_t>(s + 1), pre, post, t.modulator[s]);
  }
  EXPECT_TRUE(same_bits(other->weights(), one.proj->weights()))
      << "weights after whole-range learn() with partitions changed twice: weight "
      << first_difference(other->weights(), one.proj->weights()) << " differs (bitwise)";
}

// row_of() against the row offsets directly: empty rows, rows of one synapse, rows longer than a
// lookup bucket (1024) and buckets spanning many rows, so both search paths run.
TEST(PlasticStore, RowOfEveryPositionMatchesTheRowOffsets) {
  std::mt19937_64 rng(9);
  std::vector<std::uint32_t> pre, post, delay;
  std::vector<double> weight;
  constexpr std::uint32_t n_pre = 3000, n_post = 4000;
  std::uniform_int_distribution<int> kind(0, 9);
  for (std::uint32_t i = 0; i < n_pre; ++i) {
    const int k = kind(rng);
    const std::uint32_t len = k < 3 ? 0 : k < 6 ? 1 : k < 9 ? 7 : 2500;
    for (std::uint32_t m = 0; m < len; ++m) {
      pre.push_back(i);
      post.push_back(static_cast<std::uint32_t>(rng() % n_post));
      delay.push_back(1 + static_cast<std::uint32_t>(m % 3));
      weight.push_back(0.1);
    }
  }
  const engine::PlasticStore<float> store(n_pre, n_post, pre, post, weight, delay);
  std::size_t wrong = 0, first_wrong = 0;
  for (std::uint32_t i = 0; i < n_pre; ++i) {
    for (std::uint32_t k = store.row_begin(i); k < store.row_end(i); ++k) {
      if (store.row_of(k) != i && wrong++ == 0) first_wrong = k;
    }
  }
  EXPECT_EQ(wrong, 0u) << "positions whose row_of() differs from the row holding them (first: " << first_wrong << ") of "
                       << store.size();
  EXPECT_GT(store.size(), 100000u) << "synapses: the store must span many lookup buckets";
}

TEST(PlasticPartitions, RefusesRangesThatAreNotPartitions) {
  const Synapses syn = random_synapses(false);
  auto proj = build(cases()[0].rule, syn);
  proj->set_partitions(std::vector<std::uint32_t>{0, 20, kPost});
  engine::StepSpikes none;
  engine::PostRange r;
  r.begin = 0;
  r.end = 25;
  r.part = 0;
  EXPECT_THROW(proj->learn(1, none, none, 0.0, r), Error) << "learn() on [0, 25) with partitions [0, 20), [20, 53)";
  EXPECT_THROW(proj->set_partitions(std::vector<std::uint32_t>{0, 30, 20, kPost}), Error) << "decreasing bounds";
  EXPECT_THROW(proj->set_partitions(std::vector<std::uint32_t>{0, 30}), Error) << "bounds not ending at the post size";
}

TEST(DendriticDelay, RefusesHeterogeneousDelaysNamingTheField) {
  const Synapses syn = random_synapses(false);
  try {
    build(cases()[4].rule, syn);
    ADD_FAILURE() << "dendritic_delay = 1 with delays of 1 to 4 steps must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dendritic_delay"), std::string::npos) << "message: " << e.what();
  }
}

TEST(DendriticDelay, ValidationNamesTheFieldAndValues) {
  model::Network net;
  net.add_spike_times("pre", {{1.0}});
  net.add_population("post", 1, "lif_delta");
  auto& p = net.connect("syn", "pre", "post", model::Connector::one_to_one(), model::Distribution::constant(0.1),
                        model::Distribution::constant(1.0));
  p.plasticity = model::Plasticity{"stdp_pair", {{"dendritic_delay", 2.0}}};
  try {
    model::validate(net);
    ADD_FAILURE() << "dendritic_delay = 2 must fail validation";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("plasticity.dendritic_delay"), std::string::npos) << "message: " << m;
    EXPECT_NE(m.find("0 or 1"), std::string::npos) << "message: " << m;
  }
  p.plasticity = model::Plasticity{"stdp_pair", {{"dendritic_delay", 1.0}}};
  EXPECT_NO_THROW(model::validate(net)) << "dendritic_delay = 1 with a constant delay";
  p.delay = model::Distribution::uniform(1.0, 2.0);
  try {
    model::validate(net);
    ADD_FAILURE() << "dendritic_delay = 1 with a uniform delay distribution must fail validation";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("plasticity.dendritic_delay"), std::string::npos) << "message: " << e.what();
  }
}

}  // namespace
}  // namespace spikeforge
