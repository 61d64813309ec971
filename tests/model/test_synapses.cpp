#include <gtest/gtest.h>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/neuron_models.hpp>
#include <spikeforge/model/synapses.hpp>
#include <spikeforge/model/validate.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <set>
#include <utility>
#include <vector>

#include "fixtures.hpp"

using namespace spikeforge::model;
using spikeforge::RandomStream;
using D = Distribution;

namespace {

struct Moments {
  double mean = 0, var = 0;
};

template <class V>
Moments moments(const V& xs) {
  Moments m;
  for (double x : xs) m.mean += static_cast<double>(x);
  m.mean /= static_cast<double>(xs.size());
  for (double x : xs) m.var += (static_cast<double>(x) - m.mean) * (static_cast<double>(x) - m.mean);
  m.var /= static_cast<double>(xs.size() - 1);
  return m;
}

std::vector<double> in_degrees(const SynapseList& s, std::uint32_t n_post) {
  std::vector<double> d(n_post, 0.0);
  for (auto j : s.post) d[j] += 1.0;
  return d;
}
std::vector<double> out_degrees(const SynapseList& s, std::uint32_t n_pre) {
  std::vector<double> d(n_pre, 0.0);
  for (auto i : s.pre) d[i] += 1.0;
  return d;
}

Network two_populations(std::uint32_t n_pre, std::uint32_t n_post, Connector c) {
  Network n;
  n.add_population("A", n_pre, "lif_curr_exp");
  if (n_post != 0) n.add_population("B", n_post, "lif_curr_exp");
  n.connect("p", "A", n_post != 0 ? "B" : "A", std::move(c), D::constant(0.1), D::constant(1.0));
  return n;
}

std::set<std::pair<std::uint32_t, std::uint32_t>> pairs(const SynapseList& s) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> p;
  for (std::size_t k = 0; k < s.size(); ++k) p.emplace(s.pre[k], s.post[k]);
  return p;
}

}  // namespace

TEST(Connectors, AllToAllWithAndWithoutSelfConnections) {
  auto s = build_synapses(two_populations(7, 0, Connector::all_to_all(true)), 0);
  EXPECT_EQ(s.size(), 49u) << "synapse count of all-to-all 7x7 with self-connections";
  s = build_synapses(two_populations(7, 0, Connector::all_to_all(false)), 0);
  EXPECT_EQ(s.size(), 42u) << "synapse count of all-to-all 7x7 without self-connections";
  EXPECT_EQ(pairs(s).size(), 42u) << "distinct pairs";
  for (std::size_t k = 0; k < s.size(); ++k) EXPECT_NE(s.pre[k], s.post[k]) << "self-connection at synapse " << k;
  // Between two populations the flag means nothing: neuron i of A is not neuron i of B.
  s = build_synapses(two_populations(3, 4, Connector::all_to_all(false)), 0);
  EXPECT_EQ(s.size(), 12u) << "synapse count of all-to-all 3x4";
}

TEST(Connectors, OneToOne) {
  const auto s = build_synapses(two_populations(6, 6, Connector::one_to_one()), 0);
  ASSERT_EQ(s.size(), 6u);
  for (std::uint32_t k = 0; k < 6; ++k) {
    EXPECT_EQ(s.pre[k], k);
    EXPECT_EQ(s.post[k], k);
  }
}

TEST(Connectors, FixedProbabilityInDegreeIsBinomial) {
  const std::uint32_t n_pre = 1000, n_post = 2000;
  const double p = 0.1;
  const auto s = build_synapses(two_populations(n_pre, n_post, Connector::fixed_probability(p)), 0);
  EXPECT_EQ(pairs(s).size(), s.size()) << "no pair twice";
  const auto m = moments(in_degrees(s, n_post));
  const double mean = n_pre * p, var = n_pre * p * (1 - p);
  // Standard errors of the sample mean and (near-normal) sample variance over n_post neurons; 5 sigma.
  const double se_mean = std::sqrt(var / n_post), se_var = var * std::sqrt(2.0 / (n_post - 1));
  EXPECT_NEAR(m.mean, mean, 5 * se_mean) << "in-degree mean, expected n p = " << mean;
  EXPECT_NEAR(m.var, var, 5 * se_var) << "in-degree variance, expected n p (1 - p) = " << var;
  const auto mo = moments(out_degrees(s, n_pre));
  EXPECT_NEAR(mo.var, n_post * p * (1 - p), 5 * n_post * p * (1 - p) * std::sqrt(2.0 / (n_pre - 1)))
      << "out-degree variance, expected n_post p (1 - p)";
}

TEST(Connectors, FixedProbabilityWithoutSelfConnections) {
  const std::uint32_t n = 1500;
  const double p = 0.2;
  const auto s = build_synapses(two_populations(n, 0, Connector::fixed_probability(p, false)), 0);
  for (std::size_t k = 0; k < s.size(); ++k) ASSERT_NE(s.pre[k], s.post[k]) << "self-connection at synapse " << k;
  const auto m = moments(in_degrees(s, n));
  const double mean = (n - 1) * p, var = (n - 1) * p * (1 - p);
  EXPECT_NEAR(m.mean, mean, 5 * std::sqrt(var / n)) << "in-degree mean, expected (n - 1) p = " << mean;
  EXPECT_NEAR(m.var, var, 5 * var * std::sqrt(2.0 / (n - 1))) << "in-degree variance, expected " << var;
}

TEST(Connectors, FixedProbabilityEdgeValues) {
  EXPECT_EQ(build_synapses(two_populations(50, 60, Connector::fixed_probability(0.0)), 0).size(), 0u)
      << "p = 0 gives no synapse";
  EXPECT_EQ(build_synapses(two_populations(50, 60, Connector::fixed_probability(1.0)), 0).size(), 3000u)
      << "p = 1 gives every pair";
  EXPECT_EQ(build_synapses(two_populations(50, 0, Connector::fixed_probability(1.0, false)), 0).size(), 2450u)
      << "p = 1 without self-connections gives n (n - 1)";
}

TEST(Connectors, FixedInDegreeIsExactWithoutDuplicates) {
  const std::uint32_t n_pre = 300, n_post = 400, k = 40;
  const auto s = build_synapses(two_populations(n_pre, n_post, Connector::fixed_in_degree(k)), 0);
  ASSERT_EQ(s.size(), std::size_t{n_post} * k);
  for (double d : in_degrees(s, n_post)) ASSERT_EQ(d, k) << "in-degree";
  EXPECT_EQ(pairs(s).size(), s.size()) << "a duplicated pair";
  // Each pre neuron is picked with probability k / n_pre per post neuron.
  const auto mo = moments(out_degrees(s, n_pre));
  const double q = double(k) / n_pre;
  EXPECT_NEAR(mo.mean, n_post * q, 1e-9) << "mean out-degree";
  EXPECT_NEAR(mo.var, n_post * q * (1 - q), 5 * n_post * q * (1 - q) * std::sqrt(2.0 / (n_pre - 1)))
      << "out-degree variance, expected n_post q (1 - q)";
}

TEST(Connectors, FixedInDegreeWithoutSelfConnectionsUpToTheLimit) {
  const std::uint32_t n = 50;
  for (std::uint32_t k : {1u, 25u, 49u}) {
    const auto s = build_synapses(two_populations(n, 0, Connector::fixed_in_degree(k, false)), 0);
    ASSERT_EQ(s.size(), std::size_t{n} * k);
    for (double d : in_degrees(s, n)) ASSERT_EQ(d, k) << "in-degree";
    EXPECT_EQ(pairs(s).size(), s.size()) << "a duplicated pair, k = " << k;
    for (std::size_t i = 0; i < s.size(); ++i) ASSERT_NE(s.pre[i], s.post[i]) << "self-connection, k = " << k;
  }
}

TEST(Connectors, FixedOutDegreeIsExactWithoutDuplicates) {
  const std::uint32_t n = 200, k = 30;
  const auto s = build_synapses(two_populations(n, 0, Connector::fixed_out_degree(k, false)), 0);
  ASSERT_EQ(s.size(), std::size_t{n} * k);
  for (double d : out_degrees(s, n)) ASSERT_EQ(d, k) << "out-degree";
  EXPECT_EQ(pairs(s).size(), s.size()) << "a duplicated pair";
  for (std::size_t i = 0; i < s.size(); ++i) ASSERT_NE(s.pre[i], s.post[i]) << "self-connection";
}

TEST(Connectors, ListAndDenseMatrix) {
  Network n = fixtures::every_kind_network();
  const auto list = build_synapses(n, 3);  // TZ
  EXPECT_EQ(list.pre, (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(list.post, (std::vector<std::uint32_t>{0, 1, 4}));
  EXPECT_EQ(list.weight, (std::vector<double>{1.0, 2.0, 3.0}));
  EXPECT_EQ(list.delay, (std::vector<double>{1.0, 1.0, 1.0}));
  const auto dense = build_synapses(n, 4);  // ZZ: entries 1 = (0,1) and 7 = (1,2)
  EXPECT_EQ(dense.pre, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(dense.post, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(dense.weight, (std::vector<double>{0.5, 1.5})) << "weights come from the matrix";
}

TEST(Connectors, SynapseCountMatchesTheBuiltSynapses) {
  Network n = fixtures::every_kind_network();
  n.connect("EEall", "E", "E", Connector::all_to_all(false), D::constant(0.1), D::constant(1.0));
  for (std::size_t i = 0; i < n.projections.size(); ++i) {
    const auto s = build_synapses(n, i);
    EXPECT_EQ(synapse_count(n, i), s.size()) << "synapse count of " << n.projections[i].name;
    EXPECT_EQ(build_connectivity(n, i).pre, s.pre) << "connectivity of " << n.projections[i].name;
    EXPECT_EQ(s.weight.size(), s.size());
    EXPECT_EQ(s.delay.size(), s.size());
  }
}

TEST(Seeds, SameSeedSameSynapsesDifferentSeedDifferent) {
  Network n = fixtures::every_kind_network();
  for (std::size_t i = 0; i < n.projections.size(); ++i)
    EXPECT_EQ(build_synapses(n, i), build_synapses(n, i)) << "projection " << n.projections[i].name;
  Network other = n;
  other.seed = 43;
  EXPECT_NE(build_synapses(n, 0).pre, build_synapses(other, 0).pre) << "fixed probability, network seed changed";
  EXPECT_NE(build_synapses(n, 1).pre, build_synapses(other, 1).pre) << "fixed in-degree, network seed changed";
  EXPECT_NE(build_synapses(n, 2).post, build_synapses(other, 2).post) << "fixed out-degree, network seed changed";
  EXPECT_NE(build_synapses(n, 2).weight, build_synapses(other, 2).weight) << "random weights, network seed changed";
  EXPECT_NE(build_synapses(n, 2).delay, build_synapses(other, 2).delay) << "random delays, network seed changed";
  EXPECT_NE(population_values(n, 0, "tau_m", false), population_values(other, 0, "tau_m", false))
      << "random parameter, network seed changed";
}

TEST(Seeds, OwnSeedsOverrideTheNetworkSeed) {
  Network n = fixtures::every_kind_network();
  n.projections[0].connector.seed = 7;
  n.projections[2].seed = 9;
  Network other = n;
  other.seed = 1234;
  EXPECT_EQ(build_synapses(n, 0), build_synapses(other, 0)) << "connector with its own seed";
  EXPECT_EQ(build_synapses(n, 2).weight, build_synapses(other, 2).weight) << "projection with its own seed";
  other.projections[0].connector.seed = 8;
  EXPECT_NE(build_synapses(n, 0).pre, build_synapses(other, 0).pre) << "connector seed changed";
}

TEST(Seeds, DerivedFromNamesNotPositions) {
  // Adding an element in front must not change the random numbers of the others.
  Network n = fixtures::every_kind_network();
  Network shifted = n;
  Projection added;
  added.name = "new";
  added.pre = "E";
  added.post = "I";
  added.connector = Connector::fixed_probability(0.5);
  added.weight = D::constant(0.1);
  added.delay = D::constant(1.0);
  shifted.projections.insert(shifted.projections.begin(), added);
  shifted.populations.insert(shifted.populations.begin(), Population{"new_pop", 3, "lif_delta", {}, {}});
  EXPECT_EQ(build_synapses(n, 0), build_synapses(shifted, 1));
  EXPECT_EQ(build_synapses(n, 2), build_synapses(shifted, 3));
  EXPECT_EQ(population_values(n, 0, "tau_m", false), population_values(shifted, 1, "tau_m", false));
}

TEST(Distributions, SampleMoments) {
  const std::size_t n = 200000;
  RandomStream r(3, 4);
  const auto u = moments(sample(D::uniform(-2.0, 6.0), n, r));
  EXPECT_NEAR(u.mean, 2.0, 5 * std::sqrt(64.0 / 12 / n)) << "uniform(-2, 6) mean";
  EXPECT_NEAR(u.var, 64.0 / 12, 0.02 * 64.0 / 12) << "uniform(-2, 6) variance";
  const auto g = moments(sample(D::normal(1.5, 0.5), n, r));
  EXPECT_NEAR(g.mean, 1.5, 5 * 0.5 / std::sqrt(n)) << "normal(1.5, 0.5) mean";
  EXPECT_NEAR(g.var, 0.25, 5 * 0.25 * std::sqrt(2.0 / n)) << "normal(1.5, 0.5) variance";
  const double mu = 0.2, sigma = 0.4;
  const auto l = moments(sample(D::lognormal(mu, sigma), n, r));
  const double lmean = std::exp(mu + sigma * sigma / 2);
  const double lvar = (std::exp(sigma * sigma) - 1) * std::exp(2 * mu + sigma * sigma);
  EXPECT_NEAR(l.mean, lmean, 5 * std::sqrt(lvar / n)) << "lognormal(0.2, 0.4) mean";
  EXPECT_NEAR(l.var, lvar, 0.03 * lvar) << "lognormal(0.2, 0.4) variance";
  EXPECT_EQ(sample(D::constant(2.5), 3, r), (std::vector<double>{2.5, 2.5, 2.5}));
  EXPECT_EQ(sample(D::array({1.0, 2.0}), 2, r), (std::vector<double>{1.0, 2.0}));
  EXPECT_THROW(sample(D::array({1.0, 2.0}), 3, r), spikeforge::Error);
}

TEST(Distributions, ClippingRedrawsIntoTheBounds) {
  const std::size_t n = 200000;
  RandomStream r(5, 6);
  const auto x = sample(D::normal(0.0, 1.0).clip(0.0, {}), n, r);
  EXPECT_GE(*std::min_element(x.begin(), x.end()), 0.0) << "smallest clipped draw";
  // Redrawing gives the truncated normal: mean sqrt(2/pi), variance 1 - 2/pi (half-normal).
  const auto m = moments(x);
  EXPECT_NEAR(m.mean, std::sqrt(2 / std::numbers::pi), 5 * std::sqrt((1 - 2 / std::numbers::pi) / n))
      << "mean of normal(0, 1) clipped to [0, inf)";
  EXPECT_NEAR(m.var, 1 - 2 / std::numbers::pi, 0.02) << "variance of the half-normal";
  const auto y = sample(D::lognormal(0.0, 1.0).clip(0.5, 2.0), 1000, r);
  for (double v : y) ASSERT_TRUE(v >= 0.5 && v <= 2.0) << "clipped lognormal draw " << v;
  EXPECT_THROW(sample(D::normal(0.0, 1.0).clip(50.0, 51.0), 1, r), spikeforge::Error)
      << "bounds without probability must fail, not hang";
}

TEST(Values, DefaultsAndInitialRules) {
  Network n;
  n.add_population("L", 4, "lif_cond_exp", {{"v_rest", D::array({-60.0, -61.0, -62.0, -63.0})}});
  n.add_population("Z", 3, "izhikevich", {{"b", D::array({0.2, 0.25, 0.1})}});
  n.add_population("Y", 2, "izhikevich", {{"b", D::constant(0.2)}}, {{"v", D::constant(-70.0)}});
  ASSERT_NO_THROW(validate(n));
  EXPECT_EQ(population_values(n, 0, "tau_m", false), std::vector<double>(4, 20.0)) << "default tau_m";
  EXPECT_EQ(population_values(n, 0, "e_rev_i", false), std::vector<double>(4, -70.0)) << "default e_rev_i";
  EXPECT_EQ(population_values(n, 0, "v", true), (std::vector<double>{-60.0, -61.0, -62.0, -63.0}))
      << "initial v = v_rest per neuron";
  EXPECT_EQ(population_values(n, 0, "g_inh", true), std::vector<double>(4, 0.0)) << "initial g_inh";
  EXPECT_EQ(population_values(n, 1, "v", true), std::vector<double>(3, -65.0)) << "izhikevich initial v";
  const auto u = population_values(n, 1, "u", true);
  EXPECT_DOUBLE_EQ(u[0], 0.2 * -65.0);
  EXPECT_DOUBLE_EQ(u[1], 0.25 * -65.0);
  EXPECT_DOUBLE_EQ(u[2], 0.1 * -65.0);
  EXPECT_EQ(population_values(n, 2, "u", true), std::vector<double>(2, 0.2 * -70.0)) << "u = b v with v set";
  EXPECT_THROW(population_values(n, 0, "u", true), spikeforge::ValidationError);
  EXPECT_THROW(population_values(n, 0, "theta_plus", false), spikeforge::ValidationError);
}

TEST(Values, ModelTableMatchesTheSharedDefaults) {
  const auto* m = find_neuron_model("lif_curr_exp");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->find_parameter("cm")->default_value, 250.0);
  EXPECT_EQ(m->find_parameter("tau_m")->default_value, 20.0);
  EXPECT_EQ(m->find_parameter("tau_refrac")->default_value, 2.0);
  EXPECT_EQ(m->find_parameter("v_thresh")->default_value, -50.0);
  EXPECT_EQ(m->find_parameter("tau_syn_i")->default_value, 5.0);
  EXPECT_EQ(m->weight_unit, "nA");
  const auto* a = find_neuron_model("lif_adaptive_threshold");
  EXPECT_EQ(a->find_parameter("tau_theta")->default_value, 1e4);
  EXPECT_EQ(a->find_parameter("theta_plus")->default_value, 0.05);
  EXPECT_NE(a->find_state("theta"), nullptr);
  const auto* z = find_neuron_model("izhikevich");
  EXPECT_EQ(z->find_parameter("a")->default_value, 0.02);
  EXPECT_EQ(z->find_parameter("d")->default_value, 8.0);
  EXPECT_EQ(z->find_parameter("v_peak")->default_value, 30.0);
  const auto* c = find_neuron_model("lif_cond_exp");
  EXPECT_EQ(c->find_parameter("e_rev_i")->default_value, -70.0);
  EXPECT_EQ(c->weight_range("inhibitory").describe(c->weight_unit), "must be >= 0 nS");
  EXPECT_EQ(find_neuron_model("lif_delta")->weight_range("inhibitory").describe("mV"), "must be <= 0 mV");
  EXPECT_EQ(find_neuron_model("nope"), nullptr);
  EXPECT_EQ(Range::closed(0, 1).describe(""), "must be in [0, 1]");
}

TEST(Instantiate, ExplicitIdempotentAndTheSameSynapses) {
  const Network n = fixtures::every_kind_network();
  const Network inst = instantiate(n);
  ASSERT_NO_THROW(validate(inst));
  for (std::size_t i = 0; i < n.projections.size(); ++i) {
    const auto& p = inst.projections[i];
    EXPECT_EQ(p.connector.kind, Connector::Kind::FromList) << p.name;
    EXPECT_EQ(p.weight.kind, Distribution::Kind::Array) << p.name;
    EXPECT_EQ(build_synapses(inst, i), build_synapses(n, i)) << "synapses of " << p.name;
  }
  for (std::size_t i = 0; i < n.populations.size(); ++i) {
    const auto* m = find_neuron_model(n.populations[i].model);
    EXPECT_EQ(inst.populations[i].params.size(), m->parameters.size()) << "every parameter written out";
    EXPECT_EQ(inst.populations[i].initial.size(), m->state.size()) << "every state variable written out";
    for (const auto& s : m->state) {
      const std::string name(s.name);
      EXPECT_EQ(population_values(inst, i, name, true), population_values(n, i, name, true)) << name;
    }
  }
  EXPECT_EQ(spike_source_rates(inst, 0), spike_source_rates(n, 0));
  EXPECT_EQ(instantiate(inst), inst) << "instantiating twice";
}

TEST(Scale, TenMillionSynapsesInAFewSeconds) {
  // The Brunel network's size: 10^4 neurons, in-degree 1000; and 10^7 by fixed probability.
  Network n;
  n.add_population("N", 10000, "lif_delta");
  n.connect("in", "N", "N", Connector::fixed_in_degree(1000, false), D::constant(0.1), D::constant(1.5));
  n.connect("p", "N", "N", Connector::fixed_probability(0.1, false), D::constant(0.1), D::uniform(1.0, 2.0));
  auto t0 = std::chrono::steady_clock::now();
  const auto s = build_synapses(n, 0);
  auto t1 = std::chrono::steady_clock::now();
  const auto q = build_synapses(n, 1);
  auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(s.size(), 10'000'000u);
  const double mean = 10000.0 * 9999.0 * 0.1, sd = std::sqrt(mean * 0.9);
  EXPECT_NEAR(static_cast<double>(q.size()), mean, 5 * sd) << "fixed-probability synapse count";
  const double in_s = std::chrono::duration<double>(t1 - t0).count();
  const double p_s = std::chrono::duration<double>(t2 - t1).count();
  RecordProperty("fixed_in_degree_seconds", std::to_string(in_s));
  RecordProperty("fixed_probability_seconds", std::to_string(p_s));
  // Generous bound for a shared, noisy machine; typical times are printed by the test log.
  EXPECT_LT(in_s, 15.0) << "seconds to build 10^7 fixed in-degree synapses";
  EXPECT_LT(p_s, 15.0) << "seconds to build 10^7 fixed-probability synapses";
  std::printf("10^7 synapses: fixed in-degree %.2f s, fixed probability %.2f s\n", in_s, p_s);
}
