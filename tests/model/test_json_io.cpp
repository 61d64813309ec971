#include <gtest/gtest.h>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/json_io.hpp>
#include <spikeforge/model/synapses.hpp>
#include <spikeforge/model/validate.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <string>
#include <unistd.h>

#include "fixtures.hpp"

using namespace spikeforge::model;
using spikeforge::ValidationError;
using D = Distribution;

namespace {

// Doubles whose decimal form is hardest to round-trip: non-terminating binaries, extremes,
// subnormals, negative zero, integers beyond 2^53.
const std::vector<double> kAwkward = {0.1,
                                      1.0 / 3.0,
                                      -2.0 / 7.0,
                                      1e-300,
                                      std::numeric_limits<double>::denorm_min(),
                                      std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::lowest(),
                                      std::numeric_limits<double>::epsilon(),
                                      -0.0,
                                      9007199254740993.0,
                                      0.30000000000000004,
                                      123456.789e-17};

void expect_bit_equal(const std::vector<double>& a, const std::vector<double>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what << ": length";
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a[i]), std::bit_cast<std::uint64_t>(b[i]))
        << what << "[" << i << "]: expected bits of " << a[i] << " exactly";
}

void expect_load_error(const std::string& text, const std::string& path, std::initializer_list<std::string> parts) {
  try {
    from_json(text);
    ADD_FAILURE() << "from_json accepted the text; expected an error at " << path;
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.object(), "network JSON");
    EXPECT_EQ(e.field(), path) << "JSON path named by: " << e.what();
    for (const auto& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
          << "message should contain '" << p << "', got: " << e.what();
  }
}

// Replaces the first occurrence of `from` in the saved test network.
std::string edited(const std::string& from, const std::string& to) {
  std::string text = to_json(fixtures::every_kind_network());
  const auto pos = text.find(from);
  if (pos == std::string::npos) throw std::logic_error("no '" + from + "' in the saved network");
  return text.substr(0, pos) + to + text.substr(pos + from.size());
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("spikeforge_" + std::to_string(::getpid()) + "_" + name)).string();
}

}  // namespace

TEST(JsonRoundTrip, DescriptionLoadsUnchanged) {
  Network n = fixtures::every_kind_network();
  n.seed = 0xFEDCBA9876543210ull;  // above 2^63: must not pass through a double or a signed integer
  n.projections[0].connector.seed = std::numeric_limits<std::uint64_t>::max();
  n.projections[1].seed = 12345;
  n.dt = 0.1 / 3.0;
  n.populations[0].params["i_offset"] = D::array(std::vector<double>(80, 1.0 / 3.0));
  n.spike_sources[0].rate_times = {0.0, 100.0 / 3.0};
  n.spike_sources[0].rate_values = {5.0, 0.1};
  Connector odd = Connector::all_to_all();
  odd.p = 0.25;  // unused by the kind, still kept
  n.connect("odd", "E", "I", odd, D::uniform(0.0, 1.0).clip(0.1, 0.9), D::array(std::vector<double>(1600, 1.0)));
  n.add_dc_current("dc2", "C", 0.0);
  n.probes[0].interval = 0.2;
  const std::string text = to_json(n);
  const Network back = from_json(text);
  EXPECT_TRUE(back == n) << "loaded description differs from the saved one";
  EXPECT_EQ(back.seed, n.seed);
  EXPECT_EQ(back.projections[0].connector.seed, n.projections[0].connector.seed);
  EXPECT_EQ(to_json(back), text) << "saving the loaded network gives the same text";
  EXPECT_NE(text.find("\"format\": \"spikeforge-network\""), std::string::npos);
  EXPECT_NE(text.find("\"version\": 1"), std::string::npos);
  // The description keeps its rules: same synapses after loading.
  for (std::size_t i = 0; i < n.projections.size(); ++i)
    EXPECT_EQ(build_synapses(back, i), build_synapses(n, i)) << "synapses of " << n.projections[i].name;
}

TEST(JsonRoundTrip, AwkwardDoublesAreBitExact) {
  Network n;
  n.dt = kAwkward[0];
  n.add_population("E", static_cast<std::uint32_t>(kAwkward.size()), "lif_curr_exp",
                   {{"i_offset", D::array(kAwkward)}}, {{"v", D::normal(1.0 / 3.0, 0.1 / 7.0).clip(-1e-300, 0.7)}});
  n.add_spike_times("T", {kAwkward});
  const Network back = from_json(to_json(n));
  EXPECT_TRUE(back == n);
  expect_bit_equal(n.populations[0].params["i_offset"].values, back.populations[0].params.at("i_offset").values,
                   "i_offset");
  expect_bit_equal(n.spike_sources[0].spike_times[0], back.spike_sources[0].spike_times[0], "spike_times[0]");
  const auto& v = back.populations[0].initial.at("v");
  expect_bit_equal({n.dt, 1.0 / 3.0, 0.1 / 7.0, -1e-300, 0.7}, {back.dt, v.a, v.b, *v.low_bound, *v.high_bound},
                   "dt and distribution fields");
  EXPECT_TRUE(std::signbit(back.populations[0].params.at("i_offset").values[8])) << "negative zero keeps its sign";
}

TEST(JsonRoundTrip, NonFiniteNumbersRoundTrip) {
  Network n;
  n.dt = std::numeric_limits<double>::quiet_NaN();
  n.add_population("E", 3, "lif_delta",
                   {{"v_rest", D::array({std::numeric_limits<double>::infinity(),
                                         -std::numeric_limits<double>::infinity(), 1.0})}});
  const Network back = from_json(to_json(n));
  EXPECT_TRUE(std::isnan(back.dt)) << "dt saved as nan";
  EXPECT_EQ(back.populations[0].params.at("v_rest").values, n.populations[0].params.at("v_rest").values);
  EXPECT_THROW(validate(back), ValidationError) << "a loaded invalid network is still refused by validate()";
}

TEST(JsonRoundTrip, InstantiatedNetworkIsBitExact) {
  Network n = fixtures::every_kind_network();
  const Network inst = instantiate(n);
  const std::string path = temp_path("instantiated.json");
  save_json(inst, path);
  const Network back = load_json(path);
  std::filesystem::remove(path);
  EXPECT_TRUE(back == inst) << "loaded instantiated network differs from the saved one";
  for (std::size_t i = 0; i < inst.projections.size(); ++i) {
    expect_bit_equal(inst.projections[i].weight.values, back.projections[i].weight.values,
                     inst.projections[i].name + ".weight");
    expect_bit_equal(inst.projections[i].delay.values, back.projections[i].delay.values,
                     inst.projections[i].name + ".delay");
    EXPECT_EQ(build_synapses(back, i), build_synapses(n, i)) << "synapses of " << n.projections[i].name;
  }
  for (std::size_t i = 0; i < inst.populations.size(); ++i)
    for (const auto& [name, d] : inst.populations[i].initial)
      expect_bit_equal(d.values, back.populations[i].initial.at(name).values, name);
}

TEST(JsonRoundTrip, HandWrittenCompactFile) {
  const std::string text = R"({
    "format": "spikeforge-network", "version": 1, "dt": 0.1, "seed": 5,
    "populations": [{"name": "E", "size": 4, "model": "lif_curr_exp", "params": {"tau_m": 10}}],
    "spike_sources": [{"name": "P", "size": 2, "kind": "poisson", "rate": [5, 10.5]}],
    "projections": [{"name": "PE", "pre": "P", "post": "E", "connector": {"kind": "fixed_in_degree", "n": 1},
                     "weight": {"kind": "uniform", "low": 0.1, "high": 0.2}, "delay": 1}],
    "probes": [{"name": "s", "kind": "spikes", "target": "E"}]
  })";
  const Network n = from_json(text);
  ASSERT_NO_THROW(validate(n));
  EXPECT_EQ(n.populations[0].params.at("tau_m"), D::constant(10.0));
  EXPECT_EQ(n.spike_sources[0].rate, D::array({5.0, 10.5}));
  EXPECT_EQ(n.projections[0].weight, D::uniform(0.1, 0.2));
  EXPECT_EQ(n.projections[0].receptor, "excitatory") << "default receptor";
  EXPECT_TRUE(n.projections[0].connector.allow_self_connections) << "default allow_self_connections";
  EXPECT_EQ(n.probes[0].interval, 0.0);
}

TEST(JsonErrors, MalformedJson) {
  expect_load_error("{\"format\": ", "format", {"malformed JSON"});
  expect_load_error("", "(document)", {"malformed JSON"});
  expect_load_error("[1, 2]", "(document)", {"must be an object, found array"});
}

// Found by fuzzing (tests/fuzz/corpus/network_file/crash-number-overflow): the JSON parser reports a
// number beyond the range of a double as out_of_range, not as parse_error, and it left from_json
// as a foreign exception instead of a ValidationError.
TEST(JsonErrors, NumberBeyondADouble) {
  expect_load_error(edited("\"dt\": 0.1", "\"dt\": 1e999"), "dt", {"number out of range", "number overflow"});
  expect_load_error("5.01e308, 2", "(document)", {"number out of range", "5.01e308"});
}

TEST(JsonErrors, FormatAndVersion) {
  expect_load_error(edited("spikeforge-network", "other-format"), "format",
                    {"'other-format'", "must be 'spikeforge-network'"});
  expect_load_error(edited("\"version\": 1", "\"version\": 7"), "version", {"7", "reads version 1"});
  expect_load_error(edited("\"version\": 1,", ""), "version", {"missing field"});
  // A newer file is reported as such, even when it has fields this version does not know.
  expect_load_error(edited("\"version\": 1,", "\"version\": 2, \"plasticity\": [],"), "version",
                    {"2", "reads version 1"});
}

TEST(JsonErrors, MissingFields) {
  expect_load_error(edited("\"size\": 80,", ""), "populations[0].size", {"missing field"});
  expect_load_error(edited("\"p\": 0.1,", ""), "projections[0].connector.p", {"missing field"});
  expect_load_error(edited("\"delay\": 1.5", "\"delay_ms\": 1.5"), "projections[0].delay_ms",
                    {"unknown field", "allowed here"});
}

TEST(JsonErrors, WrongTypes) {
  expect_load_error(edited("\"p\": 0.1", "\"p\": \"0.1\""), "projections[0].connector.p",
                    {"must be a number, found string"});
  expect_load_error(edited("\"size\": 80", "\"size\": -80"), "populations[0].size", {"must be >= 0"});
  expect_load_error(edited("\"size\": 80", "\"size\": 80.5"), "populations[0].size", {"whole number"});
  expect_load_error(edited("\"size\": 80", "\"size\": 8000000000"), "populations[0].size", {"must be < 2^32"});
  expect_load_error(edited("\"allow_self_connections\": false", "\"allow_self_connections\": 0"),
                    "projections[0].connector.allow_self_connections", {"must be true or false"});
  expect_load_error(edited("\"pre\": [0, 1, 2]", "\"pre\": [0, \"x\", 2]"), "projections[3].connector.pre[1]",
                    {"whole number"});
  expect_load_error(edited("\"neurons\": [0, 1]", "\"neurons\": 1"), "current_sources[0].neurons",
                    {"must be an array, found number"});
  expect_load_error(edited("\"dt\": 0.1", "\"dt\": [0.1]"), "dt", {"must be a number, found array"});
}

TEST(JsonErrors, UnknownEnumStrings) {
  expect_load_error(edited("\"kind\": \"fixed_probability\"", "\"kind\": \"fixed_prob\""),
                    "projections[0].connector.kind", {"'fixed_prob'", "must be one of", "fixed_probability"});
  expect_load_error(edited("\"kind\": \"uniform\"", "\"kind\": \"gamma\""), "populations[0].params.tau_m.kind",
                    {"'gamma'", "lognormal"});
  expect_load_error(edited("\"kind\": \"poisson\"", "\"kind\": \"regular\""), "spike_sources[0].kind",
                    {"'regular'", "poisson, spike_times"});
  expect_load_error(edited("\"kind\": \"dc\"", "\"kind\": \"ac\""), "current_sources[0].kind", {"'ac'"});
  expect_load_error(edited("\"kind\": \"spikes\"", "\"kind\": \"voltage\""), "probes[0].kind",
                    {"'voltage'", "spikes, state, weights"});
}

TEST(JsonErrors, FileErrorsNameTheFile) {
  const std::string path = temp_path("does_not_exist.json");
  try {
    load_json(path);
    ADD_FAILURE() << "load_json of a missing file succeeded";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.object(), "network file '" + path + "'");
    EXPECT_NE(std::string(e.what()).find("cannot be opened"), std::string::npos) << e.what();
  }
  const std::string bad = temp_path("bad.json");
  std::ofstream(bad) << edited("\"size\": 80", "\"size\": true");
  try {
    load_json(bad);
    ADD_FAILURE() << "load_json of a bad file succeeded";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.object(), "network file '" + bad + "'");
    EXPECT_EQ(e.field(), "populations[0].size");
  }
  std::filesystem::remove(bad);
  EXPECT_THROW(save_json(fixtures::every_kind_network(), "/nonexistent_dir/x.json"), spikeforge::Error);
  Network latin1 = fixtures::every_kind_network();
  latin1.populations[0].name = "\xe9t\xe9";
  EXPECT_THROW(to_json(latin1), spikeforge::Error) << "a name that is not UTF-8 cannot be written";
}

// A number beyond the double range is a ValidationError naming the file, the JSON path and the
// range (it escaped as the JSON library's own out_of_range before).
TEST(JsonErrors, NumberOutOfRangeNamesPathAndRange) {
  expect_load_error(edited("\"p\": 0.1", "\"p\": 1e400"), "projections[0].connector.p",
                    {"number out of range", "must be finite, |x| <= 1.7976931348623157e308", "1e400"});
  expect_load_error(edited("\"pre\": [0, 1, 2]", "\"pre\": [0, 1, -1e400]"), "projections[3].connector.pre[2]",
                    {"number out of range"});
  expect_load_error(edited("\"dt\": 0.1", "\"dt\": 1e400"), "dt", {"number out of range"});
  const std::string file = temp_path("huge.json");
  std::ofstream(file) << edited("\"dt\": 0.1", "\"dt\": 1e400");
  try {
    load_json(file);
    ADD_FAILURE() << "1e400 accepted";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.object(), "network file '" + file + "'");
    EXPECT_EQ(e.field(), "dt");
  }
  std::filesystem::remove(file);
}

// Duplicate keys are refused (the library kept the last one silently), naming the path.
TEST(JsonErrors, DuplicateKeys) {
  expect_load_error(edited("\"dt\": 0.1,", "\"dt\": 0.1, \"dt\": 1.0,"), "dt",
                    {"duplicate key", "each key at most once per object"});
  expect_load_error(edited("\"size\": 80,", "\"size\": 80, \"size\": 8,"), "populations[0].size",
                    {"duplicate key"});
  expect_load_error(edited("\"p\": 0.1", "\"p\": 0.1, \"p\": 0.9"), "projections[0].connector.p",
                    {"duplicate key"});
  // The same key in different objects is fine.
  EXPECT_NO_THROW(from_json(to_json(fixtures::every_kind_network())));
}

TEST(JsonErrors, DirectoryIsNotMalformedJson) {
  const std::string dir = temp_path("a_directory");
  std::filesystem::create_directories(dir);
  try {
    load_json(dir);
    ADD_FAILURE() << "a directory loaded";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.object(), "network file '" + dir + "'");
    EXPECT_NE(std::string(e.what()).find("is a directory: must be a network file"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("malformed"), std::string::npos) << e.what();
  }
  std::filesystem::remove(dir);
}

TEST(JsonErrors, WriteFailuresNameThePathAndTheReason) {
  const auto expect_write_error = [](const std::string& path, const std::string& reason) {
    try {
      save_json(fixtures::every_kind_network(), path);
      ADD_FAILURE() << "save_json to " << path << " succeeded";
    } catch (const spikeforge::Error& e) {
      EXPECT_NE(std::string(e.what()).find("'" + path + "'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
  };
  expect_write_error("/nonexistent_dir/x.json", "No such file or directory");
  expect_write_error("/dev/full", "No space left on device");
}
