// The reference networks of the library: valid, of the documented sizes, the chip network equal to
// its file, and Network::connect's plasticity and seed arguments.
#include <gtest/gtest.h>

#include <string>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/json_io.hpp>
#include <spikeforge/model/reference_networks.hpp>
#include <spikeforge/model/synapses.hpp>
#include <spikeforge/model/validate.hpp>

namespace spikeforge::model {
namespace {

TEST(ReferenceNetworks, ChipNetworkIsTheExampleFile) {
  const Network file = load_json(std::string(SPIKEFORGE_SOURCE_DIR) + "/examples/cuba_chip.json");
  EXPECT_EQ(reference::chip(), file) << "reference::chip() and examples/cuba_chip.json must stay the same network";
  EXPECT_NE(reference::chip(7), file) << "another seed is another network";
}

TEST(ReferenceNetworks, SizesAndRules) {
  const Network coba = reference::coba(3, 0.05);
  validate(coba);
  EXPECT_EQ(coba.seed, 3u);
  EXPECT_EQ(coba.dt, 0.05);
  ASSERT_EQ(coba.populations.size(), 2u);
  EXPECT_EQ(coba.populations[0].size, 3200u);
  EXPECT_EQ(coba.populations[1].size, 800u);
  EXPECT_EQ(coba.projections[1].name, "IE");
  EXPECT_EQ(coba.projections[1].receptor, "inhibitory");
  EXPECT_EQ(coba.projections[1].weight, Distribution::constant(67.0)) << "dg_inh, nS";
  EXPECT_EQ(coba.projections[0].delay, Distribution::constant(0.05)) << "delay one step";

  const Network cuba = reference::cuba();
  validate(cuba);
  EXPECT_EQ(cuba.projections[3].weight, Distribution::constant(-0.09)) << "w_i of CUBA, nA";

  // Brunel with STDP: only E->E learns; each neuron has its own Poisson source (one-to-one).
  const Network brunel = reference::brunel_sized(400, 100, 40, 10, 1, true);
  validate(brunel);
  for (const auto& p : brunel.projections) {
    EXPECT_EQ(p.plasticity.has_value(), p.name == "EE") << p.name;
  }
  EXPECT_EQ(brunel.projections[0].plasticity->rule, "stdp_pair");
  EXPECT_EQ(brunel.projections[0].plasticity->params.at("w_max"), 0.2);
  const std::size_t ee = 0, ext_e = 2;
  EXPECT_EQ(brunel.projections[ext_e].name, "extE");
  EXPECT_EQ(synapse_count(brunel, ee), 400u * 40u) << "fixed in-degree 40 onto 400 E neurons";
  EXPECT_EQ(synapse_count(brunel, ext_e), 400u);
  EXPECT_EQ(reference::brunel(1, false), reference::benchmark("brunel"));
  EXPECT_EQ(reference::brunel_sized(8000, 2000, 800, 200, 1, true), reference::benchmark("brunel_stdp"));

  // The scaling sweep: N * N / 10 synapses at 10 % connectivity.
  const Network sweep = reference::brunel_synapses(1e6);
  EXPECT_EQ(sweep.populations[0].size + sweep.populations[1].size, 3160u);

  const Network plastic = reference::plastic();
  validate(plastic);
  ASSERT_TRUE(plastic.projections[0].plasticity.has_value());
  EXPECT_EQ(plastic.projections[0].plasticity->rule, "stdp_triplet");
  EXPECT_EQ(plastic.populations[0].size, 20000u);
}

TEST(ReferenceNetworks, EveryBenchmarkByNameAndUnknownNames) {
  ASSERT_EQ(reference::benchmark_names().size(), 9u);
  for (const auto& name : reference::benchmark_names()) {
    const Network net = reference::benchmark(name, 2, 0.1);
    EXPECT_EQ(net.seed, 2u) << name;
    EXPECT_FALSE(net.populations.empty()) << name;
  }
  try {
    (void)reference::benchmark("cobra");
    FAIL() << "an unknown name must be refused";
  } catch (const ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("'cobra'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("coba, cuba, brunel"), std::string::npos) << e.what();
  }
}

TEST(NetworkConnect, TakesPlasticityAndSeed) {
  Network net;
  net.add_population("A", 3, "lif_curr_exp");
  const Plasticity rule{"stdp_pair", {{"w_max", 1.0}}};
  const Projection& p = net.connect("AA", "A", "A", Connector::all_to_all(), Distribution::uniform(0.0, 1.0),
                                    Distribution::constant(1.0), "excitatory", rule, 77);
  EXPECT_EQ(p.plasticity, rule);
  EXPECT_EQ(p.seed, 77u);
  const Projection& q = net.connect("AA2", "A", "A", Connector::one_to_one(), Distribution::constant(0.1),
                                    Distribution::constant(1.0));
  EXPECT_FALSE(q.plasticity.has_value()) << "static by default";
  EXPECT_EQ(q.seed, 0u) << "0: derived from the network seed";
  validate(net);
  // The seed is the projection's: another seed draws other weights.
  Network other = net;
  other.projections[0].seed = 78;
  EXPECT_NE(build_synapses(net, 0).weight, build_synapses(other, 0).weight);
}

}  // namespace
}  // namespace spikeforge::model
