#include <spikeforge/model/json_io.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <spikeforge/core/error.hpp>

namespace spikeforge::model {

namespace {

using Json = nlohmann::ordered_json;  // keeps the field order of the format description

// ---------------------------------------------------------------------------------------------
// Enum names in the file.

template <class E>
struct EnumName {
  E value;
  const char* name;
};

constexpr EnumName<Distribution::Kind> kDistributionKinds[] = {
    {Distribution::Kind::Constant, "constant"}, {Distribution::Kind::Array, "array"},
    {Distribution::Kind::Uniform, "uniform"},   {Distribution::Kind::Normal, "normal"},
    {Distribution::Kind::LogNormal, "lognormal"}};
constexpr EnumName<Connector::Kind> kConnectorKinds[] = {
    {Connector::Kind::AllToAll, "all_to_all"},
    {Connector::Kind::OneToOne, "one_to_one"},
    {Connector::Kind::FixedProbability, "fixed_probability"},
    {Connector::Kind::FixedInDegree, "fixed_in_degree"},
    {Connector::Kind::FixedOutDegree, "fixed_out_degree"},
    {Connector::Kind::FromList, "from_list"},
    {Connector::Kind::DenseMatrix, "dense_matrix"}};
constexpr EnumName<SpikeSource::Kind> kSourceKinds[] = {{SpikeSource::Kind::Poisson, "poisson"},
                                                        {SpikeSource::Kind::SpikeTimes, "spike_times"}};
constexpr EnumName<CurrentSource::Kind> kCurrentKinds[] = {{CurrentSource::Kind::DC, "dc"},
                                                           {CurrentSource::Kind::Step, "step"}};
constexpr EnumName<Probe::Kind> kProbeKinds[] = {
    {Probe::Kind::Spikes, "spikes"}, {Probe::Kind::State, "state"}, {Probe::Kind::Weights, "weights"}};

template <class E, std::size_t N>
const char* name_of(const EnumName<E> (&table)[N], E v) {
  for (const auto& e : table) if (e.value == v) return e.name;
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Writing.

Json number(double x) {
  if (std::isfinite(x)) return x;
  return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
}

Json numbers(const std::vector<double>& v) {
  Json a = Json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

Json indices(const std::vector<std::uint32_t>& v) {
  Json a = Json::array();
  for (auto x : v) a.push_back(x);
  return a;
}

// Compact forms for the common cases (a number, a list of numbers); otherwise an object with the
// kind's own field names. Fields a kind does not use are written only when set, so that any
// Distribution value round-trips.
Json write(const Distribution& d) {
  const bool unbounded = !d.low_bound && !d.high_bound;
  if (unbounded && d.kind == Distribution::Kind::Constant && d.b == 0.0 && d.values.empty()) return number(d.a);
  if (unbounded && d.kind == Distribution::Kind::Array && d.a == 0.0 && d.b == 0.0) return numbers(d.values);
  Json j;
  j["kind"] = name_of(kDistributionKinds, d.kind);
  bool a_used = true, b_used = true;
  switch (d.kind) {
    case Distribution::Kind::Constant: j["value"] = number(d.a); b_used = false; break;
    case Distribution::Kind::Array: j["values"] = numbers(d.values); a_used = b_used = false; break;
    case Distribution::Kind::Uniform: j["low"] = number(d.a); j["high"] = number(d.b); break;
    case Distribution::Kind::Normal: j["mean"] = number(d.a); j["sd"] = number(d.b); break;
    case Distribution::Kind::LogNormal: j["mu"] = number(d.a); j["sigma"] = number(d.b); break;
  }
  if (!a_used && d.a != 0.0) j["a"] = number(d.a);
  if (!b_used && d.b != 0.0) j["b"] = number(d.b);
  if (d.kind != Distribution::Kind::Array && !d.values.empty()) j["values"] = numbers(d.values);
  if (d.low_bound) j["low_bound"] = number(*d.low_bound);
  if (d.high_bound) j["high_bound"] = number(*d.high_bound);
  return j;
}

Json write(const std::map<std::string, Distribution>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = write(v);
  return j;
}

Json write(const Population& p) {
  Json j;
  j["name"] = p.name;
  j["size"] = p.size;
  j["model"] = p.model;
  j["params"] = write(p.params);
  j["initial"] = write(p.initial);
  return j;
}

Json write(const SpikeSource& s) {
  Json j;
  j["name"] = s.name;
  j["size"] = s.size;
  j["kind"] = name_of(kSourceKinds, s.kind);
  if (s.kind == SpikeSource::Kind::Poisson || s.rate != Distribution::constant(0.0)) j["rate"] = write(s.rate);
  if (!s.rate_times.empty()) j["rate_times"] = numbers(s.rate_times);
  if (!s.rate_values.empty()) j["rate_values"] = numbers(s.rate_values);
  if (s.kind == SpikeSource::Kind::SpikeTimes || !s.spike_times.empty()) {
    Json a = Json::array();
    for (const auto& t : s.spike_times) a.push_back(numbers(t));
    j["spike_times"] = std::move(a);
  }
  return j;
}

Json write(const Connector& c) {
  using K = Connector::Kind;
  const bool random = c.kind == K::FixedProbability || c.kind == K::FixedInDegree || c.kind == K::FixedOutDegree;
  Json j;
  j["kind"] = name_of(kConnectorKinds, c.kind);
  if (c.kind == K::FixedProbability || c.p != 0.0) j["p"] = number(c.p);
  if (c.kind == K::FixedInDegree || c.kind == K::FixedOutDegree || c.n != 0) j["n"] = c.n;
  j["allow_self_connections"] = c.allow_self_connections;
  if (random || c.seed != 0) j["seed"] = c.seed;
  if (c.kind == K::FromList || !c.pre.empty() || !c.post.empty()) {
    j["pre"] = indices(c.pre);
    j["post"] = indices(c.post);
  }
  if (c.kind == K::DenseMatrix || !c.matrix.empty()) j["matrix"] = numbers(c.matrix);
  return j;
}

Json write(const Projection& p) {
  Json j;
  j["name"] = p.name;
  j["pre"] = p.pre;
  j["post"] = p.post;
  j["receptor"] = p.receptor;
  j["seed"] = p.seed;
  j["connector"] = write(p.connector);
  j["weight"] = write(p.weight);
  j["delay"] = write(p.delay);
  return j;
}

Json write(const CurrentSource& s) {
  const bool dc = s.kind == CurrentSource::Kind::DC;
  Json j;
  j["name"] = s.name;
  j["target"] = s.target;
  j["kind"] = name_of(kCurrentKinds, s.kind);
  if (!s.neurons.empty()) j["neurons"] = indices(s.neurons);
  if (dc || s.amplitude != 0.0) j["amplitude"] = number(s.amplitude);
  if (dc || s.start != 0.0) j["start"] = number(s.start);
  if (dc || s.stop != -1.0) j["stop"] = number(s.stop);
  if (!dc || !s.times.empty()) j["times"] = numbers(s.times);
  if (!dc || !s.amplitudes.empty()) j["amplitudes"] = numbers(s.amplitudes);
  return j;
}

Json write(const Probe& p) {
  Json j;
  j["name"] = p.name;
  j["kind"] = name_of(kProbeKinds, p.kind);
  j["target"] = p.target;
  if (p.kind == Probe::Kind::State || !p.variables.empty()) j["variables"] = p.variables;
  if (!p.neurons.empty()) j["neurons"] = indices(p.neurons);
  j["interval"] = number(p.interval);
  return j;
}

template <class T>
Json write_all(const std::vector<T>& items) {
  Json a = Json::array();
  for (const auto& x : items) a.push_back(write(x));
  return a;
}

// Objects indented, arrays of plain values on one line: an instantiated network with millions of
// weights stays a file of a few lines per projection instead of one number per line.
void dump(const Json& j, int depth, std::string& out) {
  const auto is_plain = [](const Json& e) { return !e.is_object() && !e.is_array(); };
  if (j.is_object()) {
    if (j.empty()) { out += "{}"; return; }
    out += "{\n";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!first) out += ",\n";
      first = false;
      out.append(std::size_t(depth + 1) * 2, ' ');
      out += Json(it.key()).dump();
      out += ": ";
      dump(it.value(), depth + 1, out);
    }
    out += '\n';
    out.append(std::size_t(depth) * 2, ' ');
    out += '}';
  } else if (j.is_array()) {
    if (std::all_of(j.begin(), j.end(), is_plain)) {
      out += '[';
      bool first = true;
      for (const auto& e : j) {
        if (!first) out += ", ";
        first = false;
        out += e.dump();
      }
      out += ']';
      return;
    }
    out += "[\n";
    bool first = true;
    for (const auto& e : j) {
      if (!first) out += ",\n";
      first = false;
      out.append(std::size_t(depth + 1) * 2, ' ');
      dump(e, depth + 1, out);
    }
    out += '\n';
    out.append(std::size_t(depth) * 2, ' ');
    out += ']';
  } else {
    out += j.dump();
  }
}

// ---------------------------------------------------------------------------------------------
// Reading: every accessor knows the JSON path of its node for the error message.

class Reader {
public:
  explicit Reader(std::string object) : object_(std::move(object)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& message) const {
    throw ValidationError(object_, path.empty() ? "(document)" : path, message);
  }

  static std::string child(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  static std::string item(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

  void object(const Json& j, const std::string& path, std::initializer_list<std::string_view> allowed) const {
    if (!j.is_object()) fail(path, std::string("must be an object, found ") + j.type_name());
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool ok = false;
      for (auto a : allowed) ok = ok || it.key() == a;
      if (!ok) {
        std::string known;
        for (auto a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
        fail(child(path, it.key()), "unknown field; allowed here: " + known);
      }
    }
  }

  const Json& required(const Json& j, const std::string& path, std::string_view key) const {
    const auto it = j.find(key);
    if (it == j.end()) fail(child(path, key), "missing field");
    return *it;
  }
  static const Json* optional(const Json& j, std::string_view key) {
    const auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
  }

  double real(const Json& j, const std::string& path) const {
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
      if (s == "inf") return std::numeric_limits<double>::infinity();
      if (s == "-inf") return -std::numeric_limits<double>::infinity();
    }
    fail(path, std::string("must be a number, found ") + j.type_name());
  }
  std::uint64_t unsigned64(const Json& j, const std::string& path) const {
    if (j.is_number_unsigned()) return j.get<std::uint64_t>();
    if (j.is_number_integer()) fail(path, "must be >= 0, found " + j.dump());
    fail(path, std::string("must be a whole number >= 0, found ") + (j.is_number() ? j.dump() : j.type_name()));
  }
  std::uint32_t unsigned32(const Json& j, const std::string& path) const {
    const std::uint64_t v = unsigned64(j, path);
    if (v > std::numeric_limits<std::uint32_t>::max()) fail(path, j.dump() + ": must be < 2^32");
    return static_cast<std::uint32_t>(v);
  }
  std::string string(const Json& j, const std::string& path) const {
    if (!j.is_string()) fail(path, std::string("must be a string, found ") + j.type_name());
    return j.get<std::string>();
  }
  bool boolean(const Json& j, const std::string& path) const {
    if (!j.is_boolean()) fail(path, std::string("must be true or false, found ") + j.type_name());
    return j.get<bool>();
  }
  const Json& array(const Json& j, const std::string& path) const {
    if (!j.is_array()) fail(path, std::string("must be an array, found ") + j.type_name());
    return j;
  }
  std::vector<double> reals(const Json& j, const std::string& path) const {
    std::vector<double> v;
    v.reserve(array(j, path).size());
    for (std::size_t i = 0; i < j.size(); ++i) v.push_back(real(j[i], item(path, i)));
    return v;
  }
  std::vector<std::uint32_t> indices(const Json& j, const std::string& path) const {
    std::vector<std::uint32_t> v;
    v.reserve(array(j, path).size());
    for (std::size_t i = 0; i < j.size(); ++i) v.push_back(unsigned32(j[i], item(path, i)));
    return v;
  }
  std::vector<std::string> strings(const Json& j, const std::string& path) const {
    std::vector<std::string> v;
    for (std::size_t i = 0; i < array(j, path).size(); ++i) v.push_back(string(j[i], item(path, i)));
    return v;
  }

  template <class E, std::size_t N>
  E kind(const Json& j, const std::string& path, const EnumName<E> (&table)[N]) const {
    const std::string s = string(j, path);
    for (const auto& e : table) if (s == e.name) return e.value;
    std::string known;
    for (const auto& e : table) known += (known.empty() ? "" : ", ") + std::string(e.name);
    fail(path, "'" + s + "': must be one of " + known);
  }

  Distribution distribution(const Json& j, const std::string& path) const {
    if (j.is_number() || j.is_string()) return Distribution::constant(real(j, path));
    if (j.is_array()) return Distribution::array(reals(j, path));
    object(j, path, {"kind", "value", "values", "low", "high", "mean", "sd", "mu", "sigma", "a", "b", "low_bound",
                     "high_bound"});
    Distribution d;
    d.kind = kind(required(j, path, "kind"), child(path, "kind"), kDistributionKinds);
    const auto field = [&](std::string_view key) { return real(required(j, path, key), child(path, key)); };
    switch (d.kind) {
      case Distribution::Kind::Constant: d.a = field("value"); break;
      case Distribution::Kind::Array: d.values = reals(required(j, path, "values"), child(path, "values")); break;
      case Distribution::Kind::Uniform: d.a = field("low"); d.b = field("high"); break;
      case Distribution::Kind::Normal: d.a = field("mean"); d.b = field("sd"); break;
      case Distribution::Kind::LogNormal: d.a = field("mu"); d.b = field("sigma"); break;
    }
    if (const Json* a = optional(j, "a")) d.a = real(*a, child(path, "a"));
    if (const Json* b = optional(j, "b")) d.b = real(*b, child(path, "b"));
    if (d.kind != Distribution::Kind::Array)
      if (const Json* v = optional(j, "values")) d.values = reals(*v, child(path, "values"));
    if (const Json* lo = optional(j, "low_bound")) d.low_bound = real(*lo, child(path, "low_bound"));
    if (const Json* hi = optional(j, "high_bound")) d.high_bound = real(*hi, child(path, "high_bound"));
    return d;
  }

  std::map<std::string, Distribution> distributions(const Json& j, const std::string& path) const {
    if (!j.is_object()) fail(path, std::string("must be an object, found ") + j.type_name());
    std::map<std::string, Distribution> m;
    for (auto it = j.begin(); it != j.end(); ++it) m[it.key()] = distribution(it.value(), child(path, it.key()));
    return m;
  }

  Population population(const Json& j, const std::string& path) const {
    object(j, path, {"name", "size", "model", "params", "initial"});
    Population p;
    p.name = string(required(j, path, "name"), child(path, "name"));
    p.size = unsigned32(required(j, path, "size"), child(path, "size"));
    p.model = string(required(j, path, "model"), child(path, "model"));
    if (const Json* x = optional(j, "params")) p.params = distributions(*x, child(path, "params"));
    if (const Json* x = optional(j, "initial")) p.initial = distributions(*x, child(path, "initial"));
    return p;
  }

  SpikeSource spike_source(const Json& j, const std::string& path) const {
    object(j, path, {"name", "size", "kind", "rate", "rate_times", "rate_values", "spike_times"});
    SpikeSource s;
    s.name = string(required(j, path, "name"), child(path, "name"));
    s.size = unsigned32(required(j, path, "size"), child(path, "size"));
    s.kind = kind(required(j, path, "kind"), child(path, "kind"), kSourceKinds);
    if (s.kind == SpikeSource::Kind::Poisson) required(j, path, "rate");
    if (const Json* x = optional(j, "rate")) s.rate = distribution(*x, child(path, "rate"));
    if (const Json* x = optional(j, "rate_times")) s.rate_times = reals(*x, child(path, "rate_times"));
    if (const Json* x = optional(j, "rate_values")) s.rate_values = reals(*x, child(path, "rate_values"));
    if (s.kind == SpikeSource::Kind::SpikeTimes) required(j, path, "spike_times");
    if (const Json* x = optional(j, "spike_times")) {
      const std::string p = child(path, "spike_times");
      for (std::size_t i = 0; i < array(*x, p).size(); ++i) s.spike_times.push_back(reals((*x)[i], item(p, i)));
    }
    return s;
  }

  Connector connector(const Json& j, const std::string& path) const {
    using K = Connector::Kind;
    object(j, path, {"kind", "p", "n", "allow_self_connections", "seed", "pre", "post", "matrix"});
    Connector c;
    c.kind = kind(required(j, path, "kind"), child(path, "kind"), kConnectorKinds);
    if (c.kind == K::FixedProbability) required(j, path, "p");
    if (c.kind == K::FixedInDegree || c.kind == K::FixedOutDegree) required(j, path, "n");
    if (c.kind == K::FromList) { required(j, path, "pre"); required(j, path, "post"); }
    if (c.kind == K::DenseMatrix) required(j, path, "matrix");
    if (const Json* x = optional(j, "p")) c.p = real(*x, child(path, "p"));
    if (const Json* x = optional(j, "n")) c.n = unsigned32(*x, child(path, "n"));
    if (const Json* x = optional(j, "allow_self_connections"))
      c.allow_self_connections = boolean(*x, child(path, "allow_self_connections"));
    if (const Json* x = optional(j, "seed")) c.seed = unsigned64(*x, child(path, "seed"));
    if (const Json* x = optional(j, "pre")) c.pre = indices(*x, child(path, "pre"));
    if (const Json* x = optional(j, "post")) c.post = indices(*x, child(path, "post"));
    if (const Json* x = optional(j, "matrix")) c.matrix = reals(*x, child(path, "matrix"));
    return c;
  }

  Projection projection(const Json& j, const std::string& path) const {
    object(j, path, {"name", "pre", "post", "receptor", "seed", "connector", "weight", "delay"});
    Projection p;
    p.name = string(required(j, path, "name"), child(path, "name"));
    p.pre = string(required(j, path, "pre"), child(path, "pre"));
    p.post = string(required(j, path, "post"), child(path, "post"));
    if (const Json* x = optional(j, "receptor")) p.receptor = string(*x, child(path, "receptor"));
    if (const Json* x = optional(j, "seed")) p.seed = unsigned64(*x, child(path, "seed"));
    p.connector = connector(required(j, path, "connector"), child(path, "connector"));
    // A dense matrix carries its own weights; the weight field is then optional.
    if (p.connector.kind != Connector::Kind::DenseMatrix) required(j, path, "weight");
    if (const Json* x = optional(j, "weight")) p.weight = distribution(*x, child(path, "weight"));
    p.delay = distribution(required(j, path, "delay"), child(path, "delay"));
    return p;
  }

  CurrentSource current_source(const Json& j, const std::string& path) const {
    object(j, path, {"name", "target", "kind", "neurons", "amplitude", "start", "stop", "times", "amplitudes"});
    CurrentSource s;
    s.name = string(required(j, path, "name"), child(path, "name"));
    s.target = string(required(j, path, "target"), child(path, "target"));
    s.kind = kind(required(j, path, "kind"), child(path, "kind"), kCurrentKinds);
    if (s.kind == CurrentSource::Kind::DC) required(j, path, "amplitude");
    else { required(j, path, "times"); required(j, path, "amplitudes"); }
    if (const Json* x = optional(j, "neurons")) s.neurons = indices(*x, child(path, "neurons"));
    if (const Json* x = optional(j, "amplitude")) s.amplitude = real(*x, child(path, "amplitude"));
    if (const Json* x = optional(j, "start")) s.start = real(*x, child(path, "start"));
    if (const Json* x = optional(j, "stop")) s.stop = real(*x, child(path, "stop"));
    if (const Json* x = optional(j, "times")) s.times = reals(*x, child(path, "times"));
    if (const Json* x = optional(j, "amplitudes")) s.amplitudes = reals(*x, child(path, "amplitudes"));
    return s;
  }

  Probe probe(const Json& j, const std::string& path) const {
    object(j, path, {"name", "kind", "target", "variables", "neurons", "interval"});
    Probe p;
    p.name = string(required(j, path, "name"), child(path, "name"));
    p.kind = kind(required(j, path, "kind"), child(path, "kind"), kProbeKinds);
    p.target = string(required(j, path, "target"), child(path, "target"));
    if (p.kind == Probe::Kind::State) required(j, path, "variables");
    if (const Json* x = optional(j, "variables")) p.variables = strings(*x, child(path, "variables"));
    if (const Json* x = optional(j, "neurons")) p.neurons = indices(*x, child(path, "neurons"));
    if (const Json* x = optional(j, "interval")) p.interval = real(*x, child(path, "interval"));
    return p;
  }

  template <class T, class F>
  void list(const Json& j, std::string_view key, std::vector<T>& out, F read_one) const {
    const Json* x = optional(j, key);
    if (x == nullptr) return;
    const std::string path(key);
    for (std::size_t i = 0; i < array(*x, path).size(); ++i) out.push_back((this->*read_one)((*x)[i], item(path, i)));
  }

  Network network(const Json& j) const {
    object(j, "", {"format", "version", "dt", "seed", "populations", "spike_sources", "projections",
                   "current_sources", "probes"});
    const std::string format = string(required(j, "", "format"), "format");
    if (format != kNetworkFileFormat)
      fail("format", "'" + format + "': must be '" + kNetworkFileFormat + "'");
    const std::uint64_t version = unsigned64(required(j, "", "version"), "version");
    if (version != static_cast<std::uint64_t>(kNetworkFileVersion))
      fail("version", std::to_string(version) + ": this build reads version " + std::to_string(kNetworkFileVersion));
    Network n;
    n.dt = real(required(j, "", "dt"), "dt");
    n.seed = unsigned64(required(j, "", "seed"), "seed");
    list(j, "populations", n.populations, &Reader::population);
    list(j, "spike_sources", n.spike_sources, &Reader::spike_source);
    list(j, "projections", n.projections, &Reader::projection);
    list(j, "current_sources", n.current_sources, &Reader::current_source);
    list(j, "probes", n.probes, &Reader::probe);
    return n;
  }

private:
  std::string object_;
};

Network parse(const std::string& text, const std::string& object) {
  const Reader reader(object);
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    reader.fail("", std::string("malformed JSON: ") + e.what());
  }
  return reader.network(j);
}

}  // namespace

std::string to_json(const Network& network) {
  Json j;
  j["format"] = kNetworkFileFormat;
  j["version"] = kNetworkFileVersion;
  j["dt"] = number(network.dt);
  j["seed"] = network.seed;
  j["populations"] = write_all(network.populations);
  j["spike_sources"] = write_all(network.spike_sources);
  j["projections"] = write_all(network.projections);
  j["current_sources"] = write_all(network.current_sources);
  j["probes"] = write_all(network.probes);
  std::string out;
  dump(j, 0, out);
  out += '\n';
  return out;
}

Network from_json(const std::string& text) { return parse(text, "network JSON"); }

void save_json(const Network& network, const std::string& path) {
  const std::string text = to_json(network);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw Error("cannot write network file '" + path + "': " + std::strerror(errno));
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  f.close();
  if (!f) throw Error("cannot write network file '" + path + "': write failed");
}

Network load_json(const std::string& path) {
  const std::string object = "network file '" + path + "'";
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ValidationError(object, "(file)", std::string("cannot be opened: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << f.rdbuf();
  return parse(ss.str(), object);
}

}  // namespace spikeforge::model
