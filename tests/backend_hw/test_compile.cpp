// hw::compile: quantised values against hand-computed ones, the load packets, and every refusal
// with the population/projection it names and the reason.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <spikeforge/core/error.hpp>
#include <spikeforge/hw/compile.hpp>
#include <spikeforge/hw/golden_core.hpp>

namespace spikeforge {
namespace {

using model::Connector;
using model::Distribution;

model::Network small_lif() {
  model::Network net;
  net.dt = 1.0;
  net.add_population("E", 10, "lif_curr_exp",
                     {{"tau_m", Distribution::constant(20.0)}, {"tau_syn_e", Distribution::constant(5.0)},
                      {"tau_syn_i", Distribution::constant(5.0)}, {"tau_refrac", Distribution::constant(2.0)}});
  net.add_poisson_source("in", 8, Distribution::constant(10.0));
  net.connect("in_E", "in", "E", Connector::all_to_all(), Distribution::uniform(0.1, 0.5), Distribution::constant(1.0));
  net.connect("E_E", "E", "E", Connector::fixed_probability(0.5, false), Distribution::constant(-0.2),
              Distribution::constant(1.0), "inhibitory");
  return net;
}

hw::CoreConfig small_core() {
  hw::CoreConfig c;
  c.geometry = {32, 32, 8};
  return c;
}

/// Runs compile and returns the refusal message ("" when it compiled).
std::string refusal(const model::Network& net, hw::CoreConfig cfg = small_core()) {
  try {
    hw::compile(net, cfg);
  } catch (const UnsupportedError& e) {
    return e.what();
  }
  return "";
}

void expect_refusal(const model::Network& net, const std::string& names, const std::string& reason,
                    hw::CoreConfig cfg = small_core()) {
  const std::string msg = refusal(net, cfg);
  ASSERT_FALSE(msg.empty()) << "expected a refusal naming " << names << " (" << reason << ")";
  EXPECT_NE(msg.find(names), std::string::npos) << "message should name " << names << ": " << msg;
  EXPECT_NE(msg.find(reason), std::string::npos) << "message should say '" << reason << "': " << msg;
}

TEST(Compile, LifParametersQuantiseAsComputedByHand) {
  hw::CoreConfig cfg = small_core();
  cfg.compensate_rounding = false;
  const auto r = hw::compile(small_lif(), cfg);
  const auto& img = r.image;
  ASSERT_EQ(img.populations.size(), 1u);
  const auto& p = img.populations[0];
  // Largest |weight| onto E is at most 0.5 nA -> weight step = max / 127.
  const auto syn_max = 0.5;
  EXPECT_LE(p.i_lsb, syn_max / 127.0 + 1e-12) << "weight LSB (nA)";
  // Voltages up to 65 mV fit in half the int16 range at 2^7 LSB per mV.
  EXPECT_DOUBLE_EQ(p.v_lsb, 1.0 / 128.0) << "membrane LSB (mV)";
  const auto& w = img.params[0];
  EXPECT_EQ(w[hw::param::kv], static_cast<std::uint16_t>(std::lround(std::exp(-1.0 / 20.0) * 32768)))
      << "kv = exp(-dt/tau_m) in Q15";
  EXPECT_EQ(w[hw::param::ki], static_cast<std::uint16_t>(std::lround(std::exp(-1.0 / 5.0) * 32768)))
      << "ki = exp(-dt/tau_syn) in Q15";
  EXPECT_EQ(static_cast<std::int16_t>(w[hw::param::v_th]), -50 * 128) << "v_thresh";
  EXPECT_EQ(static_cast<std::int16_t>(w[hw::param::v_rest]), -65 * 128) << "v_rest without compensation";
  EXPECT_EQ(w[hw::param::flags] >> 8, 2) << "refractory steps";
  // g = P21 * i_lsb * 128 * 4096 with P21 from the exact propagator.
  const double p21 = 1000.0 / 250.0 * 5.0 * 20.0 / 15.0 * (std::exp(-1.0 / 20.0) - std::exp(-1.0 / 5.0));
  EXPECT_NEAR(static_cast<std::int16_t>(w[hw::param::g]), p21 * p.i_lsb * 128 * 4096, 0.5) << "gain g (Q12)";
  EXPECT_EQ(img.v0[0], -65 * 128) << "initial v";
  // Unused neurons are silenced.
  EXPECT_EQ(static_cast<std::int16_t>(img.params[20][hw::param::v_th]), 32767);
  // Every parameter of the report is within half an LSB.
  ASSERT_FALSE(r.report.parameters.empty());
  for (const auto& q : r.report.parameters) {
    EXPECT_LT(q.relative_error, 0.01) << q.population << " " << q.parameter << " value " << q.value;
  }
  ASSERT_EQ(r.report.weights.size(), 2u);
  for (const auto& wr : r.report.weights) {
    EXPECT_LE(wr.max_abs_error, wr.lsb / 2 + 1e-12) << "max weight error of " << wr.projection << ", <= lsb/2";
  }
  EXPECT_NE(r.report.text().find("tau_m -> kv"), std::string::npos);
}

TEST(Compile, WeightsAndSourcesLandWhereTheMappingSays) {
  const auto r = hw::compile(small_lif(), small_core());
  const auto& img = r.image;
  ASSERT_EQ(img.sources.size(), 1u);
  EXPECT_EQ(img.sources[0].first_axon, 0u);
  const auto& in_e = img.projections[0];
  for (std::size_t k = 0; k < in_e.synapses.size(); ++k) {
    EXPECT_EQ(in_e.src[k], 32 + in_e.synapses.pre[k]) << "axons follow the N neurons";
    const double back = img.weight(in_e.src[k], in_e.dst[k]) * img.populations[0].i_lsb;
    EXPECT_NEAR(back, in_e.synapses.weight[k], img.populations[0].i_lsb / 2) << "weight " << k;
  }
  // Loading the image into the golden interpreter reproduces it exactly.
  hw::GoldenCore core(img.geometry);
  for (const auto& req : hw::load_requests(img)) {
    const auto answers = core.handle(req);
    ASSERT_EQ(answers.size(), 1u);
    ASSERT_EQ(answers[0][0], 0xA0) << "ACK for opcode " << int(req[0]);
  }
  EXPECT_EQ(core.state().w, img.weights);
  for (int n = 0; n < 32; ++n) {
    for (int k = 0; k < hw::param::count; ++k) EXPECT_EQ(core.state().params[n][k], img.params[n][k]);
    EXPECT_EQ(core.state().v[n], img.v0[n]);
  }
}

TEST(Compile, RefusesTooManyNeuronsAndAxons) {
  auto net = small_lif();
  net.add_population("F", 30, "lif_curr_exp");
  expect_refusal(net, "population 'F'", "the core has 32");
  auto net2 = small_lif();
  net2.add_poisson_source("more", 30, Distribution::constant(5.0));
  expect_refusal(net2, "spike source 'more'", "the core has 32");
}

TEST(Compile, RefusesModelsTheCoreLacks) {
  auto net = small_lif();
  net.add_population("C", 4, "lif_cond_exp");
  expect_refusal(net, "population 'C'", "conductance synapses");
  auto net2 = small_lif();
  net2.add_population("A", 4, "lif_adaptive_threshold");
  expect_refusal(net2, "population 'A'", "the core runs lif_curr_exp, lif_delta and izhikevich");
  auto net3 = small_lif();
  net3.add_population("Z", 4, "izhikevich");
  net3.dt = 0.5;
  for (auto& proj : net3.projections) proj.delay = Distribution::constant(0.5);
  expect_refusal(net3, "population 'Z'", "dt = 1 ms");
}

TEST(Compile, RefusesUnequalSynapticTimeConstantsWithInhibition) {
  auto net = small_lif();
  net.populations[0].params["tau_syn_i"] = Distribution::constant(10.0);
  expect_refusal(net, "population 'E'", "one synaptic current per neuron");
}

TEST(Compile, RefusesDelaysTheCoreCannotExpress) {
  auto net = small_lif();
  net.projections[1].delay = Distribution::constant(2.0);
  expect_refusal(net, "projection 'E_E'", "exactly one step");
  auto net2 = small_lif();
  net2.projections[0].delay = Distribution::constant(12.0);
  expect_refusal(net2, "projection 'in_E'", "spike-source delays must be 1 ... 8 steps");
}

TEST(Compile, RefusesParametersBeyondTheCoreRange) {
  auto net = small_lif();
  net.populations[0].params["tau_refrac"] = Distribution::constant(300.0);
  expect_refusal(net, "population 'E'", "at most 255 refractory steps");
  auto net2 = small_lif();
  // One weight step (0.5 nA / 127) would move v by more than 8 membrane LSB even at 1 LSB/mV.
  net2.populations[0].params["cm"] = Distribution::constant(0.001);
  expect_refusal(net2, "population 'E'", "input gain in Q12");
}

TEST(Compile, RefusesCurrentSourcesAndUnheldStateVariables) {
  auto net = small_lif();
  net.add_dc_current("dc", "E", 0.1);
  expect_refusal(net, "current source 'dc'", "no current input");
  auto net2 = small_lif();
  net2.record_state("E", {"i_syn_inh"});
  expect_refusal(net2, "probe", "variable = i_syn_inh");
}

TEST(Compile, RefusesTwoSynapsesBetweenOnePair) {
  auto net = small_lif();
  net.connect("E_E2", "E", "E", Connector::all_to_all(false), Distribution::constant(0.1), Distribution::constant(1.0));
  expect_refusal(net, "projection 'E_E2'", "one weight per pair");
}


model::Network plastic_net() {
  auto net = small_lif();
  net.projections[0].plasticity = model::Plasticity{"stdp_pair", {{"w_min", 0.0}, {"w_max", 0.5}}};
  net.projections.erase(net.projections.begin() + 1);
  return net;
}

TEST(Compile, PairStdpMapsOntoTheCoreTraces) {
  const auto r = hw::compile(plastic_net(), small_core());
  const auto& img = r.image;
  const double lsb = img.populations[0].i_lsb;
  EXPECT_EQ(img.stdp.k_pre, std::lround(std::exp(-1.0 / 20.0) * 256)) << "pre trace decay (Q8), tau_plus 20 ms";
  EXPECT_EQ(img.stdp.inc_pre, 64);
  EXPECT_EQ(img.stdp.a_plus, std::lround(0.01 / lsb * 4)) << "a_plus in 1/4 weight steps";
  EXPECT_EQ(img.stdp.a_minus, std::lround(0.0105 / lsb * 4)) << "a_minus in 1/4 weight steps";
  EXPECT_EQ(img.stdp.w_min, 0);
  EXPECT_EQ(img.stdp.w_max, std::lround(0.5 / lsb));
  for (int a = 0; a < 8; ++a) EXPECT_EQ(img.pre_en[32 + a], 1) << "pre_en of axon " << a;
  for (int n = 0; n < 10; ++n) EXPECT_EQ(img.post_en[n], 1) << "post_en of neuron " << n;
  EXPECT_EQ(img.pre_en[0], 0) << "neuron sources do not learn";
}

TEST(Compile, RefusesPlasticityTheCoreLacks) {
  auto net = plastic_net();
  net.projections[0].plasticity->rule = "stdp_triplet";
  expect_refusal(net, "projection 'in_E'", "pair STDP (stdp_pair) only");
  auto net2 = plastic_net();
  net2.projections[0].plasticity->params["multiplicative"] = 1.0;
  expect_refusal(net2, "projection 'in_E'", "additive");
  auto net3 = plastic_net();
  net3.projections[0].connector = Connector::fixed_probability(0.5);
  expect_refusal(net3, "projection 'in_E'", "would grow one");
  auto net4 = plastic_net();
  net4.add_population("F", 4, "lif_curr_exp");
  net4.connect("in_F", "in", "F", Connector::all_to_all(), Distribution::constant(0.1), Distribution::constant(1.0));
  net4.connect("F_E", "F", "E", Connector::all_to_all(), Distribution::constant(0.1), Distribution::constant(1.0));
  net4.projections.back().plasticity = model::Plasticity{"stdp_pair", {{"w_min", 0.0}, {"w_max", 0.5}, {"tau_plus", 10.0}}};
  expect_refusal(net4, "projection 'F_E'", "one set of STDP parameters");
}

TEST(Compile, RefusesDendriticDelayPairing) {
  auto net = plastic_net();
  net.projections[0].plasticity->params["dendritic_delay"] = 1.0;
  expect_refusal(net, "projection 'in_E'", "dendritic_delay = 1");
  auto emission = plastic_net();
  emission.projections[0].plasticity->params["dendritic_delay"] = 0.0;
  EXPECT_EQ(refusal(emission), "") << "dendritic_delay = 0 (emission-time pairing) is what the core does";
}

}  // namespace
}  // namespace spikeforge
