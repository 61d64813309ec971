#include <gtest/gtest.h>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/validate.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>

#include "fixtures.hpp"

using namespace spikeforge::model;
using spikeforge::ValidationError;
using D = Distribution;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

template <class T>
T& named(std::vector<T>& items, const std::string& name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.name == name; });
  if (it == items.end()) throw std::logic_error("test network has no element " + name);
  return *it;
}

// Applies `change` to the valid network and expects exactly this object and field in the error,
// and every one of `parts` in its message.
void expect_invalid(const std::function<void(Network&)>& change, const std::string& object, const std::string& field,
                    std::initializer_list<std::string> parts) {
  Network n = fixtures::every_kind_network();
  change(n);
  try {
    validate(n);
    ADD_FAILURE() << "validate() accepted the network; expected a ValidationError for " << object << ", field "
                  << field;
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.object(), object) << "object named by: " << e.what();
    EXPECT_EQ(e.field(), field) << "field named by: " << e.what();
    for (const auto& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
          << "message should contain '" << p << "', got: " << e.what();
  }
}

}  // namespace

TEST(Validate, TheTestNetworkIsValid) { EXPECT_NO_THROW(validate(fixtures::every_kind_network())); }

TEST(Validate, NetworkTimeStep) {
  expect_invalid([](Network& n) { n.dt = 0.0; }, "network", "dt", {"0", "must be in [0.001, 100] ms"});
  expect_invalid([](Network& n) { n.dt = -0.1; }, "network", "dt", {"-0.1", "must be in [0.001, 100] ms"});
  expect_invalid([](Network& n) { n.dt = kNaN; }, "network", "dt", {"nan", "must be in [0.001, 100] ms"});
  // A vanishing step would make every run overflow the step count; a huge one is not a step.
  expect_invalid([](Network& n) { n.dt = 1e-300; }, "network", "dt", {"1e-300", "must be in [0.001, 100] ms"});
  expect_invalid([](Network& n) { n.dt = 1e3; }, "network", "dt", {"1000", "must be in [0.001, 100] ms"});
}

TEST(Validate, UnknownModel) {
  expect_invalid([](Network& n) { named(n.populations, "E").model = "hodgkin_huxley"; }, "population 'E'", "model",
                 {"'hodgkin_huxley'", "must be one of", "lif_curr_exp", "izhikevich"});
}

TEST(Validate, UnknownParameterName) {
  expect_invalid([](Network& n) { named(n.populations, "E").params["tau_M"] = D::constant(10.0); }, "population 'E'",
                 "params.tau_M", {"no such parameter", "lif_curr_exp", "tau_m"});
  // A parameter of another model is unknown too.
  expect_invalid([](Network& n) { named(n.populations, "E").params["e_rev_e"] = D::constant(0.0); },
                 "population 'E'", "params.e_rev_e", {"no such parameter"});
}

TEST(Validate, TimeConstantsMustBePositive) {
  expect_invalid([](Network& n) { named(n.populations, "E").params["tau_m"] = D::constant(-5.0); }, "population 'E'",
                 "tau_m", {"-5", "must be > 0 ms"});
  expect_invalid([](Network& n) { named(n.populations, "I").params["tau_syn_e"] = D::constant(0.0); },
                 "population 'I'", "tau_syn_e", {"0", "must be > 0 ms"});
  expect_invalid([](Network& n) { named(n.populations, "I").params["tau_syn_i"] = D::constant(-1.0); },
                 "population 'I'", "tau_syn_i", {"must be > 0 ms"});
  expect_invalid([](Network& n) { named(n.populations, "C").params["tau_refrac"] = D::constant(-1.0); },
                 "population 'C'", "tau_refrac", {"-1", "must be >= 0 ms"});
  expect_invalid([](Network& n) { named(n.populations, "A").params["tau_theta"] = D::constant(0.0); },
                 "population 'A'", "tau_theta", {"must be > 0 ms"});
  expect_invalid([](Network& n) { named(n.populations, "Z").params["a"] = D::constant(0.0); }, "population 'Z'", "a",
                 {"must be > 0 1/ms"});
  // Zero refractory time is allowed.
  Network ok = fixtures::every_kind_network();
  named(ok.populations, "E").params["tau_refrac"] = D::constant(0.0);
  EXPECT_NO_THROW(validate(ok));
}

TEST(Validate, RandomParametersMustNotReachForbiddenValues) {
  expect_invalid([](Network& n) { named(n.populations, "E").params["tau_m"] = D::normal(20.0, 5.0); },
                 "population 'E'", "tau_m", {"normal(mean=20, sd=5)", "unbounded below", "must be > 0 ms", "clip"});
  expect_invalid([](Network& n) { named(n.populations, "E").params["tau_m"] = D::uniform(0.0, 5.0); },
                 "population 'E'", "tau_m", {"can draw 0", "must be > 0 ms"});
  // Clipping it into the allowed range makes it valid.
  Network ok = fixtures::every_kind_network();
  named(ok.populations, "E").params["tau_m"] = D::normal(20.0, 5.0).clip(1.0, {});
  EXPECT_NO_THROW(validate(ok));
  expect_invalid(
      [](Network& n) { named(n.populations, "E").params["tau_m"] = D::normal(20.0, 1.0).clip(100.0, 200.0); },
      "population 'E'", "tau_m", {"keeps only", "must keep >= 1e-04"});
  expect_invalid([](Network& n) { named(n.populations, "E").params["tau_m"] = D::normal(20.0, 1.0).clip(30.0, 10.0); },
                 "population 'E'", "tau_m", {"clip bounds [30, 10]", "low must be <= high"});
}

TEST(Validate, CapacitanceMustBePositive) {
  expect_invalid([](Network& n) { named(n.populations, "E").params["cm"] = D::constant(0.0); }, "population 'E'", "cm",
                 {"0", "must be > 0 pF"});
  expect_invalid([](Network& n) { named(n.populations, "C").params["cm"] = D::constant(-200.0); }, "population 'C'",
                 "cm", {"-200", "must be > 0 pF"});
}

TEST(Validate, ThresholdAboveReset) {
  expect_invalid([](Network& n) { named(n.populations, "E").params["v_thresh"] = D::constant(-70.0); },
                 "population 'E'", "v_thresh", {"-70 (neuron 0)", "must be > v_reset (-65 mV)"});
  expect_invalid([](Network& n) { named(n.populations, "E").params["v_thresh"] = D::constant(-65.0); },
                 "population 'E'", "v_thresh", {"must be > v_reset"});
  // Checked per neuron for heterogeneous values: neuron 3 alone is wrong.
  expect_invalid(
      [](Network& n) { named(n.populations, "Z").params["c"] = D::array({-65.0, -65.0, -65.0, 35.0, -65.0}); },
      "population 'Z'", "v_peak", {"(neuron 3)", "must be > c (35 mV)"});
}

TEST(Validate, NonFiniteValuesAnywhere) {
  expect_invalid([](Network& n) { named(n.populations, "E").params["v_rest"] = D::constant(kNaN); },
                 "population 'E'", "v_rest", {"nan", "must be finite"});
  expect_invalid([](Network& n) { named(n.populations, "Z").params["a"] = D::array({0.02, kInf, 0.02, 0.1, 0.02}); },
                 "population 'Z'", "a[1]", {"inf", "must be finite"});
  expect_invalid([](Network& n) { named(n.populations, "E").initial["v"] = D::normal(kNaN, 1.0); }, "population 'E'",
                 "initial.v", {"must be finite"});
  expect_invalid([](Network& n) { named(n.projections, "EE").weight = D::constant(kInf); }, "projection 'EE'",
                 "weight", {"inf", "must be finite"});
  expect_invalid([](Network& n) { named(n.projections, "EE").delay = D::constant(kNaN); }, "projection 'EE'", "delay",
                 {"must be finite"});
  expect_invalid([](Network& n) { named(n.projections, "ZZ").connector.matrix[7] = kNaN; }, "projection 'ZZ'",
                 "connector.matrix[7]", {"must be finite"});
  expect_invalid([](Network& n) { named(n.projections, "PD").weight.high_bound = kInf; }, "projection 'PD'",
                 "weight.high_bound", {"must be finite"});
  expect_invalid([](Network& n) { named(n.spike_sources, "P").rate = D::constant(kNaN); }, "spike source 'P'", "rate",
                 {"must be finite"});
  expect_invalid([](Network& n) { named(n.current_sources, "dc").amplitude = kInf; }, "current source 'dc'",
                 "amplitude", {"must be finite"});
  expect_invalid([](Network& n) { named(n.current_sources, "st").amplitudes[1] = kNaN; }, "current source 'st'",
                 "amplitudes[1]", {"must be finite"});
  expect_invalid([](Network& n) { named(n.current_sources, "dc").start = kInf; }, "current source 'dc'", "start",
                 {"inf", "must be finite and in [0, 28147497671065.6] ms", "2^48 steps"});
  expect_invalid([](Network& n) { named(n.current_sources, "dc").stop = kNaN; }, "current source 'dc'", "stop",
                 {"nan", "must be finite and in [0, 28147497671065.6] ms", "or < 0 for never"});
  expect_invalid([](Network& n) { n.probes[2].interval = kNaN; }, "probe 'state(C)'", "interval",
                 {"nan", "must be finite and in [0, 28147497671065.6] ms", "2^48 steps"});
  expect_invalid([](Network& n) { named(n.spike_sources, "T").spike_times[0][1] = kInf; }, "spike source 'T'",
                 "spike_times[0][1]", {"inf", "must be finite and in [0, 28147497671065.6] ms", "2^48 steps"});
}

TEST(Validate, SizeZero) {
  expect_invalid([](Network& n) { named(n.populations, "D").size = 0; }, "population 'D'", "size", {"must be >= 1"});
  expect_invalid(
      [](Network& n) {
        named(n.spike_sources, "P").size = 0;
      },
      "spike source 'P'", "size", {"must be >= 1"});
}

TEST(Validate, DuplicateNames) {
  expect_invalid([](Network& n) { n.add_population("E", 3, "lif_delta"); }, "population 'E'", "name",
                 {"used twice"});
  expect_invalid([](Network& n) { n.add_poisson_source("E", 3, D::constant(1.0)); }, "spike source 'E'", "name",
                 {"used twice", "population and spike source names must be unique"});
  expect_invalid([](Network& n) { n.connect("EE", "I", "E", Connector::all_to_all(), D::constant(0.0), D::constant(1.0)); },
                 "projection 'EE'", "name", {"used twice"});
  expect_invalid([](Network& n) { n.add_dc_current("dc", "I", 0.1); }, "current source 'dc'", "name", {"used twice"});
  expect_invalid([](Network& n) { n.probes[1].name = n.probes[0].name; }, "probe 'spikes(E)'", "name",
                 {"used twice"});
  expect_invalid([](Network& n) { named(n.populations, "E").name = ""; }, "population ''", "name",
                 {"must not be empty"});
}

TEST(Validate, UnknownPreOrPost) {
  expect_invalid([](Network& n) { named(n.projections, "EE").pre = std::string("X"); }, "projection 'EE'", "pre",
                 {"'X'", "must name a population or spike source"});
  expect_invalid([](Network& n) { named(n.projections, "EE").post = std::string("X"); }, "projection 'EE'", "post",
                 {"'X'", "must name a population"});
}

TEST(Validate, PostMustNotBeASpikeSource) {
  expect_invalid([](Network& n) { named(n.projections, "EE").post = std::string("P"); }, "projection 'EE'", "post",
                 {"'P' is a spike source", "must name a population"});
}

TEST(Validate, ProbabilityOutsideUnitInterval) {
  expect_invalid([](Network& n) { named(n.projections, "EE").connector.p = 1.5; }, "projection 'EE'", "connector.p",
                 {"1.5", "must be in [0, 1]"});
  expect_invalid([](Network& n) { named(n.projections, "EE").connector.p = -0.1; }, "projection 'EE'", "connector.p",
                 {"-0.1", "must be in [0, 1]"});
  expect_invalid([](Network& n) { named(n.projections, "EE").connector.p = kNaN; }, "projection 'EE'", "connector.p",
                 {"must be in [0, 1]"});
}

TEST(Validate, DegreeLargerThanTheOtherSide) {
  expect_invalid([](Network& n) { named(n.projections, "IE").connector.n = 21; }, "projection 'IE'", "connector.n",
                 {"21", "must be <= 20", "size of pre 'I'"});
  // Exactly the pre size is fine with different populations ...
  Network ok = fixtures::every_kind_network();
  named(ok.projections, "IE").connector.n = 20;
  EXPECT_NO_THROW(validate(ok));
  // ... and one less when a population connects to itself without self-connections.
  expect_invalid(
      [](Network& n) {
        n.connect("EEin", "E", "E", Connector::fixed_in_degree(80, false), D::constant(0.1), D::constant(1.0));
      },
      "projection 'EEin'", "connector.n", {"80", "must be <= 79", "minus 1 without self-connections"});
  expect_invalid([](Network& n) { named(n.projections, "PC").connector.n = 11; }, "projection 'PC'", "connector.n",
                 {"11", "must be <= 10", "size of post 'C'"});
}

TEST(Validate, OneToOneNeedsEqualSizes) {
  expect_invalid([](Network& n) { named(n.projections, "AA").post = "D"; named(n.projections, "AA").receptor = "excitatory";
                                  named(n.projections, "AA").weight = D::constant(0.1);
                                  named(n.populations, "D").size = 9; },
                 "projection 'AA'", "connector", {"one-to-one", "equal size"});
}

TEST(Validate, ListIndicesOutOfRange) {
  expect_invalid([](Network& n) { named(n.projections, "TZ").connector.pre[1] = 3; }, "projection 'TZ'",
                 "connector.pre[1]", {"3", "must be < 3", "size of pre 'T'"});
  expect_invalid([](Network& n) { named(n.projections, "TZ").connector.post[2] = 5; }, "projection 'TZ'",
                 "connector.post[2]", {"5", "must be < 5", "size of post 'Z'"});
}

TEST(Validate, ListLengthMismatch) {
  expect_invalid([](Network& n) { named(n.projections, "TZ").connector.post.pop_back(); }, "projection 'TZ'",
                 "connector.post", {"has 2 entries", "as many as connector.pre (3)"});
  expect_invalid([](Network& n) { named(n.projections, "TZ").weight = D::array({1.0, 2.0}); }, "projection 'TZ'",
                 "weight", {"Array has 2 values", "one per synapse (3)"});
  expect_invalid([](Network& n) { named(n.projections, "TZ").delay = D::array({1.0, 2.0, 3.0, 4.0}); },
                 "projection 'TZ'", "delay", {"Array has 4 values", "one per synapse (3)"});
  // Arrays on a random connector must match the realised synapse count.
  expect_invalid([](Network& n) { named(n.projections, "IE").weight = D::array(std::vector<double>(7, -0.1)); },
                 "projection 'IE'", "weight", {"Array has 7 values", "one per synapse (400)"});
}

TEST(Validate, DenseMatrixOfWrongSize) {
  expect_invalid([](Network& n) { named(n.projections, "ZZ").connector.matrix.resize(24); }, "projection 'ZZ'",
                 "connector.matrix", {"has 24 entries", "must have 25", "pre size 5 x post size 5"});
}

TEST(Validate, ArrayDistributionsOfWrongLength) {
  expect_invalid([](Network& n) { named(n.populations, "Z").params["a"] = D::array({0.02, 0.02}); }, "population 'Z'",
                 "a", {"Array has 2 values", "one per neuron (5)"});
  expect_invalid([](Network& n) { named(n.populations, "Z").initial["u"] = D::array({1.0}); }, "population 'Z'",
                 "initial.u", {"Array has 1 values", "one per neuron (5)"});
  expect_invalid([](Network& n) { named(n.spike_sources, "P").rate = D::array({1.0, 2.0}); }, "spike source 'P'",
                 "rate", {"Array has 2 values", "one per source (10)"});
}

TEST(Validate, DelayBelowOneStep) {
  expect_invalid([](Network& n) { named(n.projections, "EE").delay = D::constant(0.05); }, "projection 'EE'", "delay",
                 {"0.05", "must be in [0.1, 6553.5] ms (1 to 65535 steps of dt = 0.1 ms)"});
  expect_invalid([](Network& n) { named(n.projections, "EE").delay = D::constant(0.0); }, "projection 'EE'", "delay",
                 {"must be in [0.1, 6553.5] ms"});
  expect_invalid([](Network& n) { named(n.projections, "TZ").delay = D::array({1.0, 0.01, 1.0}); }, "projection 'TZ'",
                 "delay[1]", {"0.01", "must be in [0.1, 6553.5] ms"});
  expect_invalid([](Network& n) { named(n.projections, "EE").delay = D::normal(1.0, 0.5); }, "projection 'EE'",
                 "delay", {"unbounded below", "must be in [0.1, 6553.5] ms"});
  // A delay of exactly one step, even computed with rounding error, is allowed.
  Network ok = fixtures::every_kind_network();
  named(ok.projections, "EE").delay = D::constant(0.3);
  ok.dt = 0.1 * 3.0;  // 0.30000000000000004 > 0.3
  for (auto& p : ok.probes) p.interval = 0.0;
  named(ok.projections, "IE").delay = D::constant(0.3);
  named(ok.projections, "AA").delay = D::constant(0.3);
  named(ok.projections, "PC").delay = D::uniform(0.3, 2.0);
  EXPECT_NO_THROW(validate(ok));
}

TEST(Validate, WeightSignAgainstReceptorAndModel) {
  expect_invalid([](Network& n) { named(n.projections, "EE").weight = D::constant(-0.1); }, "projection 'EE'",
                 "weight", {"-0.1", "must be >= 0 nA", "excitatory receptor of model lif_curr_exp"});
  expect_invalid([](Network& n) { named(n.projections, "IE").weight = D::constant(0.2); }, "projection 'IE'",
                 "weight", {"0.2", "must be <= 0 nA", "inhibitory receptor"});
  // Conductances are >= 0 on both receptors.
  expect_invalid(
      [](Network& n) {
        auto& p = named(n.projections, "PC");
        p.receptor = "inhibitory";
        p.weight = D::constant(-2.0);
      },
      "projection 'PC'", "weight", {"must be >= 0 nS", "inhibitory receptor of model lif_cond_exp"});
  expect_invalid([](Network& n) { named(n.projections, "PD").weight = D::normal(0.1, 0.05); }, "projection 'PD'",
                 "weight", {"unbounded below", "must be >= 0 mV"});
  expect_invalid([](Network& n) { named(n.projections, "ZZ").connector.matrix[1] = -0.5; }, "projection 'ZZ'",
                 "connector.matrix[1]", {"-0.5", "must be >= 0 mV", "izhikevich"});
}

TEST(Validate, ReceptorName) {
  expect_invalid([](Network& n) { named(n.projections, "EE").receptor = "gaba"; }, "projection 'EE'", "receptor",
                 {"'gaba'", "must be 'excitatory' or 'inhibitory'"});
}

TEST(Validate, UniformLowAboveHigh) {
  expect_invalid([](Network& n) { named(n.projections, "PC").delay = D::uniform(2.0, 1.0); }, "projection 'PC'",
                 "delay", {"uniform(low=2, high=1)", "low must be <= high"});
}

TEST(Validate, NegativeSpread) {
  expect_invalid([](Network& n) { named(n.populations, "C").initial["g_exc"] = D::normal(40.0, -1.0); },
                 "population 'C'", "initial.g_exc", {"normal(mean=40, sd=-1)", "sd must be >= 0"});
  expect_invalid([](Network& n) { named(n.projections, "PC").weight = D::lognormal(0.0, -0.5); }, "projection 'PC'",
                 "weight", {"sigma must be >= 0"});
}

TEST(Validate, PoissonRate) {
  expect_invalid([](Network& n) { named(n.spike_sources, "P").rate = D::constant(-1.0); }, "spike source 'P'", "rate",
                 {"-1", "must be in [0, 1e+06] Hz (rate x dt at most 100 spikes per step at dt = 0.1 ms)"});
  expect_invalid(
      [](Network& n) {
        auto& s = named(n.spike_sources, "P");
        s.rate_times = {0.0, 10.0};
        s.rate_values = {5.0, -2.0};
      },
      "spike source 'P'", "rate_values[1]", {"-2", "must be in [0, 1e+06] Hz"});
  expect_invalid(
      [](Network& n) {
        auto& s = named(n.spike_sources, "P");
        s.rate_times = {0.0, 10.0};
        s.rate_values = {5.0};
      },
      "spike source 'P'", "rate_values", {"has 1 values", "one per rate_times entry (2)"});
}

TEST(Validate, RateTimesStrictlyIncreasing) {
  expect_invalid(
      [](Network& n) {
        auto& s = named(n.spike_sources, "P");
        s.rate_times = {0.0, 10.0, 10.0};
        s.rate_values = {5.0, 1.0, 2.0};
      },
      "spike source 'P'", "rate_times[2]", {"must be > the previous time (10 ms)"});
  expect_invalid(
      [](Network& n) {
        auto& s = named(n.spike_sources, "P");
        s.rate_times = {-1.0};
        s.rate_values = {5.0};
      },
      "spike source 'P'", "rate_times[0]", {"must be finite and in [0, 28147497671065.6] ms", "2^48 steps"});
}

TEST(Validate, SpikeTimes) {
  expect_invalid([](Network& n) { named(n.spike_sources, "T").spike_times[0] = {2.0, 1.0}; }, "spike source 'T'",
                 "spike_times[0][1]", {"1", "must be >= the previous time (2 ms)"});
  expect_invalid([](Network& n) { named(n.spike_sources, "T").spike_times[2] = {-0.5}; }, "spike source 'T'",
                 "spike_times[2][0]", {"-0.5", "must be finite and in [0, 28147497671065.6] ms", "2^48 steps"});
  expect_invalid([](Network& n) { named(n.spike_sources, "T").spike_times[1] = {kNaN}; }, "spike source 'T'",
                 "spike_times[1][0]", {"nan", "must be finite and in [0, 28147497671065.6] ms", "2^48 steps"});
  expect_invalid([](Network& n) { named(n.spike_sources, "T").spike_times.pop_back(); }, "spike source 'T'",
                 "spike_times", {"has 2 lists", "one per source (3)"});
}

TEST(Validate, ProbeTargets) {
  expect_invalid([](Network& n) { n.record_spikes("X"); }, "probe 'spikes(X)'", "target",
                 {"'X'", "must name a population or spike source"});
  expect_invalid([](Network& n) { n.record_state("X", {"v"}); }, "probe 'state(X)'", "target",
                 {"'X'", "must name a population"});
  expect_invalid([](Network& n) { n.record_state("P", {"v"}); }, "probe 'state(P)'", "target",
                 {"'P' is a spike source", "no state variables"});
  expect_invalid([](Network& n) { n.record_weights("XX", 1.0); }, "probe 'weights(XX)'", "target",
                 {"'XX'", "must name a projection"});
}

TEST(Validate, ProbeVariables) {
  expect_invalid([](Network& n) { n.record_state("E", {"v", "g_exc"}); }, "probe 'state(E)'", "variables[1]",
                 {"'g_exc'", "must be a state variable of model lif_curr_exp", "i_syn_exc"});
  expect_invalid([](Network& n) { n.record_state("Z", {"theta"}); }, "probe 'state(Z)'", "variables[0]",
                 {"'theta'", "izhikevich", "v, u"});
  expect_invalid([](Network& n) { n.record_state("Z", {}); }, "probe 'state(Z)'", "variables",
                 {"must name at least one"});
}

TEST(Validate, ProbeNeuronIndex) {
  expect_invalid([](Network& n) { n.record_spikes("E", {0, 80}); }, "probe 'spikes(E)#2'", "neurons[1]",
                 {"80", "must be < 80", "size of 'E'"});
  expect_invalid([](Network& n) { n.record_state("Z", {"u"}, {5}); }, "probe 'state(Z)'", "neurons[0]",
                 {"5", "must be < 5"});
}

TEST(Validate, ProbeInterval) {
  expect_invalid([](Network& n) { n.record_state("Z", {"v"}, {}, 0.25); }, "probe 'state(Z)'", "interval",
                 {"0.25", "whole multiple of dt (0.1 ms)"});
  expect_invalid([](Network& n) { n.record_state("Z", {"v"}, {}, 0.05); }, "probe 'state(Z)'", "interval",
                 {"0.05", "whole multiple of dt"});
  expect_invalid([](Network& n) { n.record_weights("EE", -1.0); }, "probe 'weights(EE)#2'", "interval",
                 {"-1", "must be finite and in [0, 28147497671065.6] ms", "2^48 steps"});
  Network ok = fixtures::every_kind_network();
  ok.record_state("Z", {"v", "u"}, {}, 0.7);  // 7 steps, though 0.7 / 0.1 is not exactly 7 in floating point
  EXPECT_NO_THROW(validate(ok));
}

TEST(Validate, CurrentSourceTarget) {
  expect_invalid([](Network& n) { n.add_dc_current("x", "X", 0.1); }, "current source 'x'", "target",
                 {"'X'", "must name a population"});
  expect_invalid([](Network& n) { n.add_dc_current("x", "T", 0.1); }, "current source 'x'", "target",
                 {"'T' is a spike source"});
  expect_invalid([](Network& n) { n.add_dc_current("x", "D", 0.1, 0.0, -1.0, {3, 10}); }, "current source 'x'",
                 "neurons[1]", {"10", "must be < 10", "size of 'D'"});
  expect_invalid([](Network& n) { n.add_dc_current("x", "D", 0.1, 0.0, -1.0, {3, 3}); }, "current source 'x'",
                 "neurons", {"3 appears twice"});
}

TEST(Validate, CurrentSourceTimes) {
  expect_invalid([](Network& n) { n.add_dc_current("x", "D", 0.1, 10.0, 5.0); }, "current source 'x'", "stop",
                 {"5", "must be >= start (10 ms)"});
  expect_invalid([](Network& n) { n.add_dc_current("x", "D", 0.1, -1.0); }, "current source 'x'", "start",
                 {"must be finite and in [0, 28147497671065.6] ms", "2^48 steps"});
  expect_invalid([](Network& n) { n.add_step_current("x", "D", {5.0, 1.0}, {0.1, 0.2}); }, "current source 'x'",
                 "times[1]", {"must be > the previous time (5 ms)"});
  expect_invalid([](Network& n) { n.add_step_current("x", "D", {5.0}, {0.1, 0.2}); }, "current source 'x'",
                 "amplitudes", {"has 2 values", "one per times entry (1)"});
}

TEST(Validate, InitialValuesNameStateVariables) {
  expect_invalid([](Network& n) { named(n.populations, "D").initial["u"] = D::constant(0.0); }, "population 'D'",
                 "initial.u", {"no such state variable", "lif_delta", "v"});
}

namespace {

// Sets an environment variable for one scope and restores it.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() { old_.empty() ? ::unsetenv(name_) : ::setenv(name_, old_.c_str(), 1); }

private:
  const char* name_;
  std::string old_;
};

}  // namespace

// Every time in the description lies in [0, 2^48 steps]: a spike at 1e30 ms once overflowed the
// step count and acted at t = 0.
TEST(Validate, EveryTimeFieldIsBoundedByTheLongestRun) {
  const std::initializer_list<std::string> rule = {"1e+30", "must be finite and in [0, 28147497671065.6] ms",
                                                   "at most 2^48 steps of dt = 0.1 ms"};
  expect_invalid([](Network& n) { named(n.spike_sources, "T").spike_times[0] = {1.0, 1e30}; }, "spike source 'T'",
                 "spike_times[0][1]", rule);
  expect_invalid(
      [](Network& n) {
        auto& s = named(n.spike_sources, "P");
        s.rate_times = {0.0, 1e30};
        s.rate_values = {5.0, 1.0};
      },
      "spike source 'P'", "rate_times[1]", rule);
  expect_invalid([](Network& n) { named(n.current_sources, "dc").start = 1e30; }, "current source 'dc'", "start", rule);
  expect_invalid([](Network& n) { named(n.current_sources, "dc").stop = 1e30; }, "current source 'dc'", "stop", rule);
  expect_invalid([](Network& n) { named(n.current_sources, "st").times[1] = 1e30; }, "current source 'st'",
                 "times[1]", rule);
  expect_invalid([](Network& n) { n.probes[3].interval = 1e30; }, "probe 'weights(EE)'", "interval", rule);
  // The last representable time is allowed.
  Network ok = fixtures::every_kind_network();
  named(ok.spike_sources, "T").spike_times[0] = {1.0, static_cast<double>(kMaxSteps) * ok.dt};
  EXPECT_NO_THROW(validate(ok));
}

// Delays beyond the engine's 65535 steps are refused by validation, naming the projection; 1e30 ms
// is "above", never "below one step".
TEST(Validate, DelayAboveTheLongest) {
  expect_invalid([](Network& n) { named(n.projections, "EE").delay = D::constant(1e30); }, "projection 'EE'", "delay",
                 {"1e+30", "must be in [0.1, 6553.5] ms (1 to 65535 steps of dt = 0.1 ms)"});
  expect_invalid([](Network& n) { named(n.projections, "EE").delay = D::constant(6553.6); }, "projection 'EE'",
                 "delay", {"6553.6", "65535 steps"});
  expect_invalid([](Network& n) { named(n.projections, "PC").delay = D::uniform(1.0, 1e4); }, "projection 'PC'",
                 "delay", {"can draw 10000", "must be in [0.1, 6553.5] ms"});
  expect_invalid([](Network& n) { named(n.projections, "EE").delay = D::normal(1e4, 1.0).clip(0.1, {}); },
                 "projection 'EE'", "delay", {"centred at 10000", "must be in [0.1, 6553.5] ms"});
  Network ok = fixtures::every_kind_network();
  named(ok.projections, "EE").delay = D::constant(6553.5);                    // exactly 65535 steps
  named(ok.projections, "IE").delay = D::normal(5.0, 1.0).clip(0.1, {});     // tail above is negligible
  EXPECT_NO_THROW(validate(ok));
  try {
    validate([] {
      Network n = fixtures::every_kind_network();
      named(n.projections, "EE").delay = D::constant(1e30);
      return n;
    }());
  } catch (const ValidationError& e) {
    EXPECT_EQ(std::string(e.what()).find("below"), std::string::npos) << e.what();
  }
}

// Rate x dt bounded: 1e12 Hz once hung a step and overflowed the 32-bit count.
TEST(Validate, PoissonRateTimesDtIsBounded) {
  const std::initializer_list<std::string> rule = {"1e+12", "must be in [0, 1e+06] Hz",
                                                   "rate x dt at most 100 spikes per step at dt = 0.1 ms"};
  expect_invalid([](Network& n) { named(n.spike_sources, "P").rate = D::constant(1e12); }, "spike source 'P'", "rate",
                 rule);
  expect_invalid(
      [](Network& n) {
        auto& s = named(n.spike_sources, "P");
        s.rate_times = {0.0, 10.0};
        s.rate_values = {5.0, 1e12};
      },
      "spike source 'P'", "rate_values[1]", rule);
  expect_invalid([](Network& n) { named(n.spike_sources, "P").rate = D::uniform(0.0, 1e12); }, "spike source 'P'",
                 "rate", {"can draw 1e+12", "must be in [0, 1e+06] Hz"});
  // The bound scales with dt: 1e6 Hz is fine at 0.1 ms, not at 1 ms.
  Network ok = fixtures::every_kind_network();
  named(ok.spike_sources, "P").rate = D::constant(1e6);
  EXPECT_NO_THROW(validate(ok));
  ok.dt = 1.0;
  for (auto& p : ok.projections) p.delay = D::constant(1.0);
  for (auto& p : ok.probes) p.interval = 0.0;
  try {
    validate(ok);
    ADD_FAILURE() << "1 MHz at dt = 1 ms accepted";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.field(), "rate");
    EXPECT_NE(std::string(e.what()).find("must be in [0, 1e+05] Hz"), std::string::npos) << e.what();
  }
}

// The memory a network needs is estimated from its sizes and connectors before anything is drawn
// or built, and refused above the limit with the estimate, its largest part and the limit.
TEST(Validate, MemoryBombsAreRefusedWithTheEstimate) {
  ScopedEnv limit(kMemoryLimitVariable, "1G");
  expect_invalid([](Network& n) { n.add_population("huge", 1000000000, "lif_curr_exp"); }, "population 'huge'",
                 "size", {"1000000000 neurons", "GiB", "more than the 1.0 GiB allowed",
                          "SPIKEFORGE_MEMORY_LIMIT = 1G", "SPIKEFORGE_MEMORY_LIMIT, e.g. 64G"});
  expect_invalid(
      [](Network& n) {
        n.add_population("big", 100000, "lif_curr_exp");
        n.connect("dense", "big", "big", Connector::fixed_probability(1.0), D::constant(0.1), D::constant(1.0));
      },
      "projection 'dense'", "connector", {"1e+10 synapses x 8 bytes", "74.5 GiB", "more than the 1.0 GiB allowed"});
  // A long delay costs a ring slot per step and neuron.
  expect_invalid(
      [](Network& n) {
        n.add_population("ring", 10000, "lif_curr_exp");
        n.connect("slow", "ring", "ring", Connector::one_to_one(), D::constant(0.1), D::constant(6553.5));
      },
      "population 'ring'", "delay ring", {"65536 delay slots x 10000 neurons", "more than the 1.0 GiB allowed"});
  const MemoryEstimate e = estimate_memory(fixtures::every_kind_network());
  EXPECT_GT(e.bytes, 1000.0);
  EXPECT_LT(e.bytes, 1e6);
}

// Validation of a constant population allocates nothing per neuron: 4e9 neurons (2 x 32 GB of
// per-neuron values before) validate at once when the limit allows them.
TEST(Validate, HugeConstantPopulationValidatesWithoutPerNeuronArrays) {
  ScopedEnv limit(kMemoryLimitVariable, "1000T");
  Network n;
  n.add_population("huge", 4000000000u, "lif_curr_exp", {{"v_thresh", D::constant(-50.0)}});
  EXPECT_NO_THROW(validate(n));
  n.populations[0].params["v_reset"] = D::constant(-40.0);
  try {
    validate(n);
    ADD_FAILURE() << "v_reset above v_thresh accepted";
  } catch (const ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("must be > v_reset"), std::string::npos) << e.what();
  }
}

TEST(Validate, MemoryLimitVariableMustParse) {
  ScopedEnv limit(kMemoryLimitVariable, "lots");
  try {
    validate(fixtures::every_kind_network());
    ADD_FAILURE() << "a memory limit of 'lots' accepted";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.field(), kMemoryLimitVariable);
    EXPECT_NE(std::string(e.what()).find("'lots': must be a whole number of bytes"), std::string::npos) << e.what();
  }
  ScopedEnv ok(kMemoryLimitVariable, "2M");
  std::string source;
  EXPECT_EQ(memory_limit(&source), 2u << 20);
  EXPECT_EQ(source, "SPIKEFORGE_MEMORY_LIMIT = 2M");
}

// One rule for the length of a run, shared by Simulator::run, the command line and Python.
TEST(Validate, RunLength) {
  EXPECT_EQ(run_steps(0.1, 1000.0), 10000u);
  EXPECT_EQ(run_steps(0.1, 0.0), 0u);
  EXPECT_EQ(run_steps(1.0, static_cast<double>(kMaxSteps)), kMaxSteps);
  const auto refuses = [](double dt, double duration, std::uint64_t done, const std::string& fragment) {
    try {
      run_steps(dt, duration, done, "command line", "--duration");
      ADD_FAILURE() << duration << " ms accepted";
    } catch (const ValidationError& e) {
      EXPECT_EQ(e.object(), "command line");
      EXPECT_EQ(e.field(), "--duration");
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("2^48 steps"), std::string::npos) << e.what();
    }
  };
  refuses(0.1, 1e30, 0, "1e+30 ms: must be finite, >= 0 and at most 28147497671065.6 ms");
  refuses(0.1, -1.0, 0, "-1 ms: must be finite, >= 0");
  refuses(0.1, kNaN, 0, "nan ms");
  refuses(0.1, kInf, 0, "inf ms");
  refuses(1.0, 2.0, kMaxSteps - 1, "at most 1 ms");
}
