#include <gtest/gtest.h>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/json_io.hpp>
#include <spikeforge/model/plasticity_rules.hpp>
#include <spikeforge/model/validate.hpp>

#include <string>

using namespace spikeforge;
using namespace spikeforge::model;

namespace {

Network plastic_network(Plasticity rule) {
  Network n;
  n.add_poisson_source("in", 10, Distribution::constant(5.0));
  n.add_population("E", 10, "lif_curr_exp");
  n.connect("in_E", "in", "E", Connector::all_to_all(), Distribution::constant(0.1), Distribution::constant(1.0))
      .plasticity = std::move(rule);
  return n;
}

void expect_invalid(const Plasticity& rule, const std::string& field, const std::string& part) {
  try {
    validate(plastic_network(rule));
    ADD_FAILURE() << "validate accepted rule " << rule.rule << "; expected an error on " << field;
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.object(), "projection 'in_E'") << e.what();
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << "message should contain '" << part << "': " << e.what();
  }
}

}  // namespace

TEST(PlasticityDescription, EveryRuleValidatesWithDefaults) {
  for (const auto& r : plasticity_rules()) {
    EXPECT_NO_THROW(validate(plastic_network({std::string(r.name), {}}))) << r.name;
    for (const auto& p : r.parameters) EXPECT_TRUE(p.range.contains(p.default_value)) << r.name << "." << p.name;
  }
}

TEST(PlasticityDescription, JsonRoundTripKeepsRuleAndParameters) {
  Network n = plastic_network({"stdp_triplet", {{"a3_plus", 6.5e-3}, {"tau_y", 114.0}, {"dale", 1.0}, {"w_max", 0.3}}});
  n.connect("E_E", "E", "E", Connector::all_to_all(false), Distribution::constant(0.05), Distribution::constant(1.5));
  const std::string text = to_json(n);
  const Network back = from_json(text);
  EXPECT_EQ(back, n) << "network with a plastic and a static projection after a JSON round trip";
  ASSERT_TRUE(back.projections[0].plasticity.has_value());
  EXPECT_EQ(back.projections[0].plasticity->rule, "stdp_triplet");
  EXPECT_EQ(back.projections[0].plasticity->params.at("a3_plus"), 6.5e-3);
  EXPECT_FALSE(back.projections[1].plasticity.has_value()) << "static projection stays static";
  EXPECT_EQ(to_json(back), text) << "saving the loaded network gives the same text";
}

TEST(PlasticityDescription, JsonErrorsNameThePath) {
  std::string text = to_json(plastic_network({"stdp_pair", {{"a_plus", 0.02}}}));
  const auto at = text.find("\"rule\"");
  ASSERT_NE(at, std::string::npos);
  text.insert(at, "\"learning\": 1, ");
  try {
    from_json(text);
    ADD_FAILURE() << "unknown plasticity field accepted";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.field(), "projections[0].plasticity.learning") << e.what();
  }
}

TEST(PlasticityDescription, BadRulesNameProjectionFieldAndRange) {
  expect_invalid({"stdp_quadruplet", {}}, "plasticity.rule", "stdp_pair");
  expect_invalid({"stdp_pair", {{"tau_plus", 0.0}}}, "plasticity.tau_plus", "> 0 ms");
  expect_invalid({"stdp_pair", {{"a_minus", -0.1}}}, "plasticity.a_minus", ">= 0");
  expect_invalid({"stdp_pair", {{"nearest", 0.5}}}, "plasticity.nearest", "0 or 1");
  expect_invalid({"stdp_pair", {{"eta", 0.5}}}, "plasticity.eta", "unknown parameter");
  expect_invalid({"hebbian", {{"w_min", 1.0}, {"w_max", 0.5}}}, "plasticity.w_max", "w_min");
  expect_invalid({"stdp_three_factor", {{"tau_e", -5.0}}}, "plasticity.tau_e", "> 0 ms");
  expect_invalid({"oja", {{"scaling_target_rate", -1.0}}}, "plasticity.scaling_target_rate", ">= 0 Hz");
}
