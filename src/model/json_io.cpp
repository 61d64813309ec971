#include <spikeforge/model/json_io.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
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

using Json = nlohmann::json;

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
// Writing: straight from the structures into text, with no JSON tree in between, so that an
// instantiated network of 10^7 synapses is written in about a second. Objects are indented,
// arrays of plain values stay on one line (a few lines per projection, not one per number).

class Writer {
public:
  void begin_object() {
    out_ += '{';
    first_.push_back(true);
  }
  void end_object() { close('}'); }
  /// An array whose items are objects or arrays, one per line.
  void begin_list() {
    out_ += '[';
    first_.push_back(true);
  }
  void end_list() { close(']'); }
  /// Starts the next item of a list.
  void item() { separate(); }
  void key(std::string_view k) {
    separate();
    string(k);
    out_ += ": ";
  }

  void string(std::string_view v) {
    try {
      out_ += Json(v).dump();
    } catch (const Json::type_error&) {
      throw Error("network file: the name or string '" + std::string(v) + "' is not valid UTF-8");
    }
  }
  void boolean(bool v) { out_ += v ? "true" : "false"; }
  void integer(std::uint64_t v) {
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  }
  /// Shortest text that reads back to the same double ("0.1", "1e-300"); a ".0" marks whole
  /// numbers as reals. Non-finite values, which JSON lacks, become the strings "nan", "inf", "-inf".
  void number(double v) {
    if (!std::isfinite(v)) {
      out_ += std::isnan(v) ? "\"nan\"" : (v > 0 ? "\"inf\"" : "\"-inf\"");
      return;
    }
    char buf[40];
    char* end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    const bool whole = std::find_if(buf, end, [](char c) { return c == '.' || c == 'e'; }) == end;
    out_.append(buf, end);
    if (whole) out_ += ".0";
  }
  template <class T, class F>
  void inline_array(const std::vector<T>& v, F one) {
    out_ += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i != 0) out_ += ", ";
      (this->*one)(v[i]);
    }
    out_ += ']';
  }
  void numbers(const std::vector<double>& v) { inline_array(v, &Writer::number); }
  void indices(const std::vector<std::uint32_t>& v) {
    out_ += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i != 0) out_ += ", ";
      integer(v[i]);
    }
    out_ += ']';
  }
  void strings(const std::vector<std::string>& v) {
    out_ += '[';
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i != 0) out_ += ", ";
      string(v[i]);
    }
    out_ += ']';
  }

  std::string take() { return std::move(out_); }

private:
  void separate() {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    out_ += '\n';
    indent(first_.size());
  }
  void close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) {
      out_ += '\n';
      indent(first_.size());
    }
    out_ += c;
  }
  void indent(std::size_t depth) { out_.append(depth * 2, ' '); }

  std::string out_;
  std::vector<bool> first_;  // per open object or list: nothing written into it yet
};

// Compact forms for the common cases (a number, a list of numbers); otherwise an object with the
// kind's own field names. Fields a kind does not use are written only when set, so that any
// Distribution value round-trips.
void write(Writer& w, const Distribution& d) {
  const bool unbounded = !d.low_bound && !d.high_bound;
  if (unbounded && d.kind == Distribution::Kind::Constant && d.b == 0.0 && d.values.empty()) return w.number(d.a);
  if (unbounded && d.kind == Distribution::Kind::Array && d.a == 0.0 && d.b == 0.0) return w.numbers(d.values);
  w.begin_object();
  w.key("kind");
  w.string(name_of(kDistributionKinds, d.kind));
  const auto field = [&](std::string_view k, double v) { w.key(k); w.number(v); };
  bool a_used = true, b_used = true;
  switch (d.kind) {
    case Distribution::Kind::Constant: field("value", d.a); b_used = false; break;
    case Distribution::Kind::Array: w.key("values"); w.numbers(d.values); a_used = b_used = false; break;
    case Distribution::Kind::Uniform: field("low", d.a); field("high", d.b); break;
    case Distribution::Kind::Normal: field("mean", d.a); field("sd", d.b); break;
    case Distribution::Kind::LogNormal: field("mu", d.a); field("sigma", d.b); break;
  }
  if (!a_used && d.a != 0.0) field("a", d.a);
  if (!b_used && d.b != 0.0) field("b", d.b);
  if (d.kind != Distribution::Kind::Array && !d.values.empty()) { w.key("values"); w.numbers(d.values); }
  if (d.low_bound) field("low_bound", *d.low_bound);
  if (d.high_bound) field("high_bound", *d.high_bound);
  w.end_object();
}

void write(Writer& w, const std::map<std::string, Distribution>& m) {
  w.begin_object();
  for (const auto& [k, v] : m) {
    w.key(k);
    write(w, v);
  }
  w.end_object();
}

void write(Writer& w, const Population& p) {
  w.begin_object();
  w.key("name"); w.string(p.name);
  w.key("size"); w.integer(p.size);
  w.key("model"); w.string(p.model);
  w.key("params"); write(w, p.params);
  w.key("initial"); write(w, p.initial);
  w.end_object();
}

void write(Writer& w, const SpikeSource& s) {
  w.begin_object();
  w.key("name"); w.string(s.name);
  w.key("size"); w.integer(s.size);
  w.key("kind"); w.string(name_of(kSourceKinds, s.kind));
  if (s.kind == SpikeSource::Kind::Poisson || s.rate != Distribution::constant(0.0)) { w.key("rate"); write(w, s.rate); }
  if (!s.rate_times.empty()) { w.key("rate_times"); w.numbers(s.rate_times); }
  if (!s.rate_values.empty()) { w.key("rate_values"); w.numbers(s.rate_values); }
  if (s.kind == SpikeSource::Kind::SpikeTimes || !s.spike_times.empty()) {
    w.key("spike_times");
    w.begin_list();
    for (const auto& t : s.spike_times) { w.item(); w.numbers(t); }
    w.end_list();
  }
  w.end_object();
}

void write(Writer& w, const Connector& c) {
  using K = Connector::Kind;
  const bool random = c.kind == K::FixedProbability || c.kind == K::FixedInDegree || c.kind == K::FixedOutDegree;
  w.begin_object();
  w.key("kind"); w.string(name_of(kConnectorKinds, c.kind));
  if (c.kind == K::FixedProbability || c.p != 0.0) { w.key("p"); w.number(c.p); }
  if (c.kind == K::FixedInDegree || c.kind == K::FixedOutDegree || c.n != 0) { w.key("n"); w.integer(c.n); }
  w.key("allow_self_connections"); w.boolean(c.allow_self_connections);
  if (random || c.seed != 0) { w.key("seed"); w.integer(c.seed); }
  if (c.kind == K::FromList || !c.pre.empty() || !c.post.empty()) {
    w.key("pre"); w.indices(c.pre);
    w.key("post"); w.indices(c.post);
  }
  if (c.kind == K::DenseMatrix || !c.matrix.empty()) { w.key("matrix"); w.numbers(c.matrix); }
  w.end_object();
}

void write(Writer& w, const Projection& p) {
  w.begin_object();
  w.key("name"); w.string(p.name);
  w.key("pre"); w.string(p.pre);
  w.key("post"); w.string(p.post);
  w.key("receptor"); w.string(p.receptor);
  w.key("seed"); w.integer(p.seed);
  w.key("connector"); write(w, p.connector);
  w.key("weight"); write(w, p.weight);
  w.key("delay"); write(w, p.delay);
  if (p.plasticity) {
    w.key("plasticity");
    w.begin_object();
    w.key("rule"); w.string(p.plasticity->rule);
    w.key("params");
    w.begin_object();
    for (const auto& [k, v] : p.plasticity->params) { w.key(k); w.number(v); }
    w.end_object();
    w.end_object();
  }
  w.end_object();
}

void write(Writer& w, const CurrentSource& s) {
  const bool dc = s.kind == CurrentSource::Kind::DC;
  w.begin_object();
  w.key("name"); w.string(s.name);
  w.key("target"); w.string(s.target);
  w.key("kind"); w.string(name_of(kCurrentKinds, s.kind));
  if (!s.neurons.empty()) { w.key("neurons"); w.indices(s.neurons); }
  if (dc || s.amplitude != 0.0) { w.key("amplitude"); w.number(s.amplitude); }
  if (dc || s.start != 0.0) { w.key("start"); w.number(s.start); }
  if (dc || s.stop != -1.0) { w.key("stop"); w.number(s.stop); }
  if (!dc || !s.times.empty()) { w.key("times"); w.numbers(s.times); }
  if (!dc || !s.amplitudes.empty()) { w.key("amplitudes"); w.numbers(s.amplitudes); }
  w.end_object();
}

void write(Writer& w, const Probe& p) {
  w.begin_object();
  w.key("name"); w.string(p.name);
  w.key("kind"); w.string(name_of(kProbeKinds, p.kind));
  w.key("target"); w.string(p.target);
  if (p.kind == Probe::Kind::State || !p.variables.empty()) { w.key("variables"); w.strings(p.variables); }
  if (!p.neurons.empty()) { w.key("neurons"); w.indices(p.neurons); }
  w.key("interval"); w.number(p.interval);
  w.end_object();
}

template <class T>
void write_list(Writer& w, std::string_view key, const std::vector<T>& items) {
  w.key(key);
  w.begin_list();
  for (const auto& x : items) {
    w.item();
    write(w, x);
  }
  w.end_list();
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
    object(j, path, {"name", "pre", "post", "receptor", "seed", "connector", "weight", "delay", "plasticity"});
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
    if (const Json* x = optional(j, "plasticity")) p.plasticity = plasticity(*x, child(path, "plasticity"));
    return p;
  }

  Plasticity plasticity(const Json& j, const std::string& path) const {
    object(j, path, {"rule", "params"});
    Plasticity pl;
    pl.rule = string(required(j, path, "rule"), child(path, "rule"));
    if (const Json* x = optional(j, "params")) {
      const std::string at = child(path, "params");
      if (!x->is_object()) fail(at, std::string("must be an object, found ") + x->type_name());
      for (auto it = x->begin(); it != x->end(); ++it) pl.params[it.key()] = real(it.value(), child(at, it.key()));
    }
    return pl;
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
    // Format and version first: a file of another kind or a newer version should say so, not
    // complain about the fields it does not know.
    if (!j.is_object()) fail("", std::string("must be an object, found ") + j.type_name());
    const std::string format = string(required(j, "", "format"), "format");
    if (format != kNetworkFileFormat)
      fail("format", "'" + format + "': must be '" + kNetworkFileFormat + "'");
    const std::uint64_t version = unsigned64(required(j, "", "version"), "version");
    if (version != static_cast<std::uint64_t>(kNetworkFileVersion))
      fail("version", std::to_string(version) + ": this build reads version " + std::to_string(kNetworkFileVersion));
    object(j, "", {"format", "version", "dt", "seed", "populations", "spike_sources", "projections",
                   "current_sources", "probes"});
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
  } catch (const Json::exception& e) {  // parse_error, or out_of_range for a number beyond a double
    reader.fail("", std::string("malformed JSON: ") + e.what());
  }
  return reader.network(j);
}

}  // namespace

std::string to_json(const Network& network) {
  Writer w;
  w.begin_object();
  w.key("format"); w.string(kNetworkFileFormat);
  w.key("version"); w.integer(kNetworkFileVersion);
  w.key("dt"); w.number(network.dt);
  w.key("seed"); w.integer(network.seed);
  write_list(w, "populations", network.populations);
  write_list(w, "spike_sources", network.spike_sources);
  write_list(w, "projections", network.projections);
  write_list(w, "current_sources", network.current_sources);
  write_list(w, "probes", network.probes);
  w.end_object();
  std::string out = w.take();
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
