// resolve(): every name of a description to an index, once; lookups by name with errors that name
// the kind and the missing name.
#include <gtest/gtest.h>

#include <string>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/resolve.hpp>
#include <spikeforge/model/validate.hpp>

#include "fixtures.hpp"

namespace spikeforge::model {
namespace {

using Kind = Ref::Kind;

// The message of the ValidationError `f` throws, with its field; fails the test when it throws none.
template <class F>
std::pair<std::string, std::string> error_of(F&& f) {
  try {
    f();
  } catch (const ValidationError& e) {
    return {e.field(), e.what()};
  }
  ADD_FAILURE() << "expected a ValidationError";
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Resolve, EveryKindOfObject) {
  const Network net = fixtures::every_kind_network();
  validate(net);
  const Resolved r = resolve(net);
  // Populations E I C Z D A (0-5), spike sources P T (0-1).
  ASSERT_EQ(r.projections().size(), net.projections.size());
  const struct { const char* name; Ref pre; std::size_t post; } ends[] = {
      {"EE", {Kind::Population, 0}, 0},  {"IE", {Kind::Population, 1}, 0},  {"PC", {Kind::SpikeSource, 0}, 2},
      {"TZ", {Kind::SpikeSource, 1}, 3}, {"ZZ", {Kind::Population, 3}, 3}, {"PD", {Kind::SpikeSource, 0}, 4},
      {"AA", {Kind::Population, 5}, 5}};
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    EXPECT_EQ(net.projections[j].name, ends[j].name);
    EXPECT_EQ(r.projections()[j].pre, ends[j].pre) << "pre of " << ends[j].name;
    EXPECT_EQ(r.projections()[j].post, ends[j].post) << "post of " << ends[j].name;
    EXPECT_EQ(r.projection(ends[j].name), j);
  }
  EXPECT_EQ(r.current_sources(), (std::vector<std::size_t>{0, 1})) << "dc -> E, st -> I";
  EXPECT_EQ(r.probes(), (std::vector<Ref>{{Kind::Population, 0}, {Kind::SpikeSource, 1}, {Kind::Population, 2},
                                          {Kind::Projection, 0}}));
  EXPECT_EQ(r.population("A"), 5u);
  EXPECT_EQ(r.spike_source("T"), 1u);
  EXPECT_EQ(r.group("P"), (Ref{Kind::SpikeSource, 0}));
  EXPECT_EQ(r.group("D"), (Ref{Kind::Population, 4}));
  // Probes by their own name or by what they record, of the asked kind only.
  EXPECT_EQ(r.probe("spikes(E)", Probe::Kind::Spikes), 0u);
  EXPECT_EQ(r.probe("T", Probe::Kind::Spikes), 1u);
  EXPECT_EQ(r.probe("C", Probe::Kind::State), 2u);
  EXPECT_EQ(r.probe("state(C)", Probe::Kind::State), 2u);
  EXPECT_EQ(r.probe("EE", Probe::Kind::Weights), 3u);
  EXPECT_THROW(r.probe("state(C)", Probe::Kind::Spikes), ValidationError) << "a state probe is no spike probe";
}

TEST(Resolve, FirstProbeOfATargetAndProbesByNameFirst) {
  Network net;
  net.add_population("E", 2, "lif_curr_exp");
  net.add_population("F", 2, "lif_curr_exp");
  net.record_spikes("E");
  net.record_spikes("E", {1});
  net.record_spikes("F").name = "E2";  // a probe named like no population, recording F
  const Resolved r = resolve(net);
  EXPECT_EQ(r.probe("E", Probe::Kind::Spikes), 0u) << "the first probe recording E";
  EXPECT_EQ(r.probe("spikes(E)#2", Probe::Kind::Spikes), 1u);
  EXPECT_EQ(r.probe("F", Probe::Kind::Spikes), 2u);
  EXPECT_EQ(r.probe("E2", Probe::Kind::Spikes), 2u);
}

TEST(Resolve, UnknownNamesNameTheKindAndTheName) {
  const Resolved r = resolve(fixtures::every_kind_network());
  auto [field, what] = error_of([&] { (void)r.population("Q"); });
  EXPECT_EQ(field, "population");
  EXPECT_TRUE(contains(what, "'Q': no population of that name (populations: E, I, C, Z, D, A)")) << what;
  std::tie(field, what) = error_of([&] { (void)r.population("P"); });
  EXPECT_TRUE(contains(what, "'P': no population")) << "P is a spike source: " << what;
  std::tie(field, what) = error_of([&] { (void)r.spike_source("E"); });
  EXPECT_EQ(field, "spike source");
  EXPECT_TRUE(contains(what, "'E': no spike source of that name (spike sources: P, T)")) << what;
  std::tie(field, what) = error_of([&] { (void)r.group("nobody"); });
  EXPECT_TRUE(contains(what, "'nobody': no population or spike source")) << what;
  std::tie(field, what) = error_of([&] { (void)r.projection("XY"); });
  EXPECT_EQ(field, "projection");
  EXPECT_TRUE(contains(what, "'XY': no projection of that name (projections: EE, IE, PC, TZ, ZZ, PD, AA)")) << what;
  std::tie(field, what) = error_of([&] { (void)r.probe("Z", Probe::Kind::State); });
  EXPECT_EQ(field, "state probe");
  EXPECT_TRUE(contains(what, "'Z': no state probe of that name or recording 'Z' (state probes: state(C); probes belong")) << what;
  std::tie(field, what) = error_of([&] { (void)r.probe("IE", Probe::Kind::Weights); });
  EXPECT_TRUE(contains(what, "'IE': no weight probe")) << what;
}

TEST(Resolve, DanglingAndRepeatedNamesInTheDescription) {
  const Network base = fixtures::every_kind_network();
  struct Case {
    const char* label;
    void (*change)(Network&);
    const char* object;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {"pre", [](Network& n) { n.projections[0].pre = "Q"; }, "projection 'EE'", "pre",
       "'Q': no population or spike source"},
      {"post", [](Network& n) { n.projections[2].post = "T"; }, "projection 'PC'", "post",
       "'T' is a spike source: must name a population"},
      {"current", [](Network& n) { n.current_sources[1].target = "P"; }, "current source 'st'", "target",
       "'P' is a spike source"},
      {"spike probe", [](Network& n) { n.probes[0].target = "W"; }, "probe 'spikes(E)'", "target",
       "'W': no population or spike source"},
      {"state probe", [](Network& n) { n.probes[2].target = "P"; }, "probe 'state(C)'", "target",
       "'P' is a spike source"},
      {"weight probe", [](Network& n) { n.probes[3].target = "E"; }, "probe 'weights(EE)'", "target",
       "'E': no projection"},
      {"group twice", [](Network& n) { n.spike_sources[0].name = "E"; }, "spike source 'E'", "name", "used twice"},
      {"projection twice", [](Network& n) { n.projections[1].name = "EE"; }, "projection 'EE'", "name", "used twice"},
      {"probe twice", [](Network& n) { n.probes[1].name = "spikes(E)"; }, "probe 'spikes(E)'", "name", "used twice"},
  };
  for (const Case& c : cases) {
    Network net = base;
    c.change(net);
    try {
      (void)resolve(net);
      ADD_FAILURE() << c.label << ": expected a ValidationError";
    } catch (const ValidationError& e) {
      EXPECT_EQ(e.object(), c.object) << c.label;
      EXPECT_EQ(e.field(), c.field) << c.label;
      EXPECT_TRUE(contains(e.what(), c.message)) << c.label << ": " << e.what();
    }
  }
}

}  // namespace
}  // namespace spikeforge::model
