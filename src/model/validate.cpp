#include <spikeforge/model/validate.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/neuron_models.hpp>
#include <spikeforge/model/plasticity_rules.hpp>
#include <spikeforge/model/synapses.hpp>

#include "text.hpp"

namespace spikeforge::model {

namespace {

using detail::number;
constexpr double kInf = std::numeric_limits<double>::infinity();
// Clip bounds must keep at least this share of a distribution's probability, so that drawing by
// redrawing stays cheap and a bound set by mistake far in the tail is caught.
constexpr double kMinClipMass = 1e-4;
// Delays and probe intervals computed in floating point (3 * 0.1) may miss a multiple of dt by
// rounding; this relative slack accepts them.
constexpr double kTimeSlack = 1e-9;

std::string quoted(const std::string& s) { return "'" + s + "'"; }
std::string idx(const std::string& field, std::size_t i) { return field + "[" + std::to_string(i) + "]"; }

std::string describe(const Distribution& d) {
  switch (d.kind) {
    case Distribution::Kind::Constant: return number(d.a);
    case Distribution::Kind::Array: return "array of " + std::to_string(d.values.size());
    case Distribution::Kind::Uniform: return "uniform(low=" + number(d.a) + ", high=" + number(d.b) + ")";
    case Distribution::Kind::Normal: return "normal(mean=" + number(d.a) + ", sd=" + number(d.b) + ")";
    case Distribution::Kind::LogNormal: return "lognormal(mu=" + number(d.a) + ", sigma=" + number(d.b) + ")";
  }
  return {};
}

std::string unit_suffix(std::string_view unit) { return unit.empty() ? std::string() : " " + std::string(unit); }

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// The set of values a distribution can produce, as an interval with open/closed ends.
struct Support {
  double lo, hi;
  bool lo_open, hi_open;
};

class Checker {
public:
  explicit Checker(std::string object) : obj_(std::move(object)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw ValidationError(obj_, field, message);
  }

  void finite(const std::string& field, double x) const {
    if (!std::isfinite(x)) fail(field, number(x) + ": must be finite");
  }

  void in_range(const std::string& field, double x, const Range& r, std::string_view unit,
                const std::string& rule = {}) const {
    if (!r.contains(x)) fail(field, number(x) + ": " + (rule.empty() ? r.describe(unit) : rule));
  }

  /// A Distribution assigned to `field`: finite numbers, sane shape, `n` values if an Array
  /// (n = 0: length not checked), and every value it can produce inside `r`.
  void distribution(const std::string& field, const Distribution& d, std::size_t n, const std::string& per,
                    const Range& r, std::string_view unit, const std::string& rule = {}) const {
    const std::string allowed = rule.empty() ? r.describe(unit) : rule;
    if (d.low_bound) finite(field + ".low_bound", *d.low_bound);
    if (d.high_bound) finite(field + ".high_bound", *d.high_bound);
    if (d.low_bound && d.high_bound && *d.low_bound > *d.high_bound)
      fail(field, "clip bounds [" + number(*d.low_bound) + ", " + number(*d.high_bound) + "]: low must be <= high");
    switch (d.kind) {
      case Distribution::Kind::Constant:
        finite(field, d.a);
        in_range(field, d.a, r, unit, allowed);
        return;
      case Distribution::Kind::Array:
        if (n != 0 && d.values.size() != n)
          fail(field, "Array has " + std::to_string(d.values.size()) + " values: must have one per " + per + " (" +
                          std::to_string(n) + ")");
        for (std::size_t i = 0; i < d.values.size(); ++i) {
          finite(idx(field, i), d.values[i]);
          in_range(idx(field, i), d.values[i], r, unit, allowed);
        }
        return;
      default: break;
    }
    finite(field, d.a);
    finite(field, d.b);
    Support s{};
    double mass = 1.0;
    const double lo = d.low_bound.value_or(-kInf), hi = d.high_bound.value_or(kInf);
    if (d.kind == Distribution::Kind::Uniform) {
      if (d.a > d.b) fail(field, describe(d) + ": low must be <= high");
      s = {std::max(d.a, lo), std::min(d.b, hi), false, false};
      if (d.b > d.a) mass = std::max(0.0, s.hi - s.lo) / (d.b - d.a);
      else mass = (d.a >= lo && d.a <= hi) ? 1.0 : 0.0;
    } else {
      const char* spread = d.kind == Distribution::Kind::Normal ? "sd" : "sigma";
      if (d.b < 0) fail(field, describe(d) + ": " + spread + " must be >= 0");
      const bool log = d.kind == Distribution::Kind::LogNormal;
      if (d.b == 0.0) {  // a point mass
        const double x = log ? std::exp(d.a) : d.a;
        s = {x, x, false, false};
        mass = (x >= lo && x <= hi) ? 1.0 : 0.0;
      } else {
        // Work in the normal variable: for the log-normal, bounds map through log (<= 0 -> -inf).
        const double zlo = log ? (lo > 0 ? std::log(lo) : -kInf) : lo;
        const double zhi = log ? (hi > 0 ? std::log(hi) : -kInf) : hi;
        mass = normal_cdf((zhi - d.a) / d.b) - normal_cdf((zlo - d.a) / d.b);
        if (log) s = {std::max(0.0, lo), hi, !(lo > 0), false};
        else s = {lo, hi, false, false};
      }
    }
    if (!(mass >= kMinClipMass))
      fail(field, describe(d) + " with clip bounds [" + number(lo) + ", " + number(hi) + "] keeps only " +
                      number(mass) + " of its probability: the bounds must keep >= " + number(kMinClipMass));
    check_support(field, d, s, r, allowed);
  }

private:
  void check_support(const std::string& field, const Distribution& d, const Support& s, const Range& r,
                     const std::string& allowed) const {
    const bool lower_ok = std::isinf(r.low) ||
                          (std::isfinite(s.lo) && (s.lo > r.low || (s.lo == r.low && (!r.low_open || s.lo_open))));
    const bool upper_ok = std::isinf(r.high) ||
                          (std::isfinite(s.hi) && (s.hi < r.high || (s.hi == r.high && (!r.high_open || s.hi_open))));
    if (lower_ok && upper_ok) return;
    const double end = lower_ok ? s.hi : s.lo;
    std::string what = describe(d);
    if (std::isinf(end)) what += lower_ok ? " is unbounded above" : " is unbounded below";
    else what += " can draw " + number(end);
    fail(field, what + ": " + allowed + " (clip the distribution to the allowed range)");
  }

  std::string obj_;
};

// Sizes of every named group (populations and spike sources share one name space).
struct Group {
  std::uint32_t size;
  const Population* population;  // nullptr for a spike source
};

std::map<std::string, Group> groups_of(const Network& net) {
  std::map<std::string, Group> g;
  for (const auto& p : net.populations) {
    Checker c("population " + quoted(p.name));
    if (p.name.empty()) c.fail("name", "must not be empty");
    if (!g.emplace(p.name, Group{p.size, &p}).second)
      c.fail("name", quoted(p.name) + " is used twice: population and spike source names must be unique");
  }
  for (const auto& s : net.spike_sources) {
    Checker c("spike source " + quoted(s.name));
    if (s.name.empty()) c.fail("name", "must not be empty");
    if (!g.emplace(s.name, Group{s.size, nullptr}).second)
      c.fail("name", quoted(s.name) + " is used twice: population and spike source names must be unique");
  }
  return g;
}

template <class T>
void unique_names(const std::vector<T>& items, const std::string& kind) {
  std::set<std::string> seen;
  for (const auto& x : items) {
    Checker c(kind + " " + quoted(x.name));
    if (x.name.empty()) c.fail("name", "must not be empty");
    if (!seen.insert(x.name).second) c.fail("name", quoted(x.name) + " is used twice: " + kind + " names must be unique");
  }
}

void check_population(const Network& net, std::size_t index) {
  const Population& p = net.populations[index];
  Checker c("population " + quoted(p.name));
  if (p.size == 0) c.fail("size", "0: must be >= 1");
  const NeuronModelInfo* m = find_neuron_model(p.model);
  if (m == nullptr) c.fail("model", quoted(p.model) + ": must be one of " + neuron_model_names());
  for (const auto& [name, d] : p.params) {
    const ParameterInfo* info = m->find_parameter(name);
    if (info == nullptr) {
      std::string known;
      for (const auto& q : m->parameters) known += (known.empty() ? "" : ", ") + std::string(q.name);
      c.fail("params." + name, "no such parameter in model " + p.model + "; its parameters are " + known);
    }
    c.distribution(name, d, p.size, "neuron", info->range, info->unit);
  }
  for (const auto& [name, d] : p.initial) {
    if (m->find_state(name) == nullptr) {
      std::string known;
      for (const auto& s : m->state) known += (known.empty() ? "" : ", ") + std::string(s.name);
      c.fail("initial." + name, "no such state variable in model " + p.model + "; its state variables are " + known);
    }
    c.distribution("initial." + name, d, p.size, "neuron", Range::any(), m->find_state(name)->unit);
  }
  for (const auto& order : m->orders) {
    const std::string lower(order.lower), higher(order.higher);
    const auto lo = population_values(net, index, lower, false);
    const auto hi = population_values(net, index, higher, false);
    const auto unit = m->find_parameter(lower)->unit;
    for (std::size_t i = 0; i < lo.size(); ++i)
      if (!(hi[i] > lo[i]))
        c.fail(higher, number(hi[i]) + " (neuron " + std::to_string(i) + "): must be > " + lower + " (" +
                           number(lo[i]) + unit_suffix(unit) + ")");
  }
}

void check_spike_source(const SpikeSource& s) {
  Checker c("spike source " + quoted(s.name));
  if (s.size == 0) c.fail("size", "0: must be >= 1");
  if (s.kind == SpikeSource::Kind::Poisson) {
    c.distribution("rate", s.rate, s.size, "source", Range::non_negative(), "Hz");
    if (s.rate_values.size() != s.rate_times.size())
      c.fail("rate_values", "has " + std::to_string(s.rate_values.size()) + " values: must have one per rate_times entry (" +
                                std::to_string(s.rate_times.size()) + ")");
    for (std::size_t k = 0; k < s.rate_times.size(); ++k) {
      c.in_range(idx("rate_times", k), s.rate_times[k], Range::non_negative(), "ms");
      if (k > 0 && !(s.rate_times[k] > s.rate_times[k - 1]))
        c.fail(idx("rate_times", k), number(s.rate_times[k]) + ": must be > the previous time (" +
                                         number(s.rate_times[k - 1]) + " ms): times strictly increasing");
      c.in_range(idx("rate_values", k), s.rate_values[k], Range::non_negative(), "Hz");
    }
  } else {
    if (s.spike_times.size() != s.size)
      c.fail("spike_times", "has " + std::to_string(s.spike_times.size()) + " lists: must have one per source (" +
                                std::to_string(s.size) + ")");
    for (std::size_t i = 0; i < s.spike_times.size(); ++i) {
      const auto& t = s.spike_times[i];
      for (std::size_t k = 0; k < t.size(); ++k) {
        const std::string f = idx(idx("spike_times", i), k);
        c.in_range(f, t[k], Range::non_negative(), "ms");
        if (k > 0 && t[k] < t[k - 1])
          c.fail(f, number(t[k]) + ": must be >= the previous time (" + number(t[k - 1]) + " ms): times sorted");
      }
    }
  }
}

void check_neurons(const Checker& c, const std::vector<std::uint32_t>& neurons, const std::string& target,
                   std::uint32_t size) {
  std::vector<std::uint32_t> sorted = neurons;
  for (std::size_t k = 0; k < neurons.size(); ++k)
    if (neurons[k] >= size)
      c.fail(idx("neurons", k), std::to_string(neurons[k]) + ": must be < " + std::to_string(size) + " (size of " +
                                    quoted(target) + ")");
  std::sort(sorted.begin(), sorted.end());
  const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
  if (dup != sorted.end()) c.fail("neurons", std::to_string(*dup) + " appears twice: each neuron at most once");
}

void check_plasticity(const Checker& c, const Plasticity& pl) {
  const PlasticityRuleInfo* rule = find_plasticity_rule(pl.rule);
  if (!rule) c.fail("plasticity.rule", quoted(pl.rule) + ": must be one of " + plasticity_rule_names());
  for (const auto& [name, value] : pl.params) {
    const ParameterInfo* info = rule->find_parameter(name);
    const std::string field = "plasticity." + name;
    if (!info) {
      std::string known;
      for (const auto& q : rule->parameters) known += (known.empty() ? "" : ", ") + std::string(q.name);
      c.fail(field, "unknown parameter of rule " + quoted(pl.rule) + " (known: " + known + ")");
    }
    if (info->unit == "flag") {
      if (value != 0.0 && value != 1.0) c.fail(field, number(value) + ": must be 0 or 1");
    } else {
      c.in_range(field, value, info->range, info->unit);
    }
  }
  const auto params = plasticity_parameters(pl.rule, pl.params);
  if (params.at("w_min") > params.at("w_max"))
    c.fail("plasticity.w_max", number(params.at("w_max")) + ": must be >= w_min (" + number(params.at("w_min")) + ")");
}

void check_projection(const Network& net, std::size_t index, const std::map<std::string, Group>& groups) {
  const Projection& p = net.projections[index];
  Checker c("projection " + quoted(p.name));
  const auto pre = groups.find(p.pre);
  if (pre == groups.end()) c.fail("pre", quoted(p.pre) + ": must name a population or spike source");
  const auto post = groups.find(p.post);
  if (post == groups.end()) c.fail("post", quoted(p.post) + ": must name a population");
  if (post->second.population == nullptr)
    c.fail("post", quoted(p.post) + " is a spike source: must name a population");
  if (p.receptor != "excitatory" && p.receptor != "inhibitory")
    c.fail("receptor", quoted(p.receptor) + ": must be 'excitatory' or 'inhibitory'");
  const NeuronModelInfo* model = find_neuron_model(post->second.population->model);
  const std::uint32_t n_pre = pre->second.size, n_post = post->second.size;
  const Connector& k = p.connector;
  const bool same = p.pre == p.post && pre->second.population != nullptr;
  const Range weight_range = model->weight_range(p.receptor);
  const std::string weight_rule = weight_range.describe(model->weight_unit) + " for the " + p.receptor +
                                  " receptor of model " + std::string(model->name);
  switch (k.kind) {
    case Connector::Kind::AllToAll: break;
    case Connector::Kind::OneToOne:
      if (n_pre != n_post)
        c.fail("connector", "one-to-one needs pre and post of equal size: " + quoted(p.pre) + " has " +
                                std::to_string(n_pre) + ", " + quoted(p.post) + " has " + std::to_string(n_post));
      break;
    case Connector::Kind::FixedProbability: c.in_range("connector.p", k.p, Range::closed(0, 1), ""); break;
    case Connector::Kind::FixedInDegree:
    case Connector::Kind::FixedOutDegree: {
      const bool in = k.kind == Connector::Kind::FixedInDegree;
      const std::string& from = in ? p.pre : p.post;
      std::uint32_t limit = in ? n_pre : n_post;
      std::string why = "size of " + std::string(in ? "pre " : "post ") + quoted(from);
      if (same && !k.allow_self_connections) {
        limit -= 1;
        why += " minus 1 without self-connections";
      }
      if (k.n > limit)
        c.fail("connector.n", std::to_string(k.n) + ": must be <= " + std::to_string(limit) + " (" + why + ")");
      break;
    }
    case Connector::Kind::FromList:
      if (k.pre.size() != k.post.size())
        c.fail("connector.post", "has " + std::to_string(k.post.size()) +
                                     " entries: must have as many as connector.pre (" + std::to_string(k.pre.size()) + ")");
      for (std::size_t s = 0; s < k.pre.size(); ++s) {
        if (k.pre[s] >= n_pre)
          c.fail(idx("connector.pre", s), std::to_string(k.pre[s]) + ": must be < " + std::to_string(n_pre) +
                                              " (size of pre " + quoted(p.pre) + ")");
        if (k.post[s] >= n_post)
          c.fail(idx("connector.post", s), std::to_string(k.post[s]) + ": must be < " + std::to_string(n_post) +
                                               " (size of post " + quoted(p.post) + ")");
      }
      break;
    case Connector::Kind::DenseMatrix: {
      const std::size_t want = std::size_t{n_pre} * n_post;
      if (k.matrix.size() != want)
        c.fail("connector.matrix", "has " + std::to_string(k.matrix.size()) + " entries: must have " +
                                       std::to_string(want) + " (pre size " + std::to_string(n_pre) +
                                       " x post size " + std::to_string(n_post) + ", row-major)");
      for (std::size_t s = 0; s < want; ++s) {
        c.finite(idx("connector.matrix", s), k.matrix[s]);
        if (k.matrix[s] != 0.0) c.in_range(idx("connector.matrix", s), k.matrix[s], weight_range, "", weight_rule);
      }
      break;
    }
  }
  // The synapse count is needed only to check Array lengths; for fixed probability it costs a build.
  const bool needs_count = (k.kind != Connector::Kind::DenseMatrix && p.weight.kind == Distribution::Kind::Array) ||
                           p.delay.kind == Distribution::Kind::Array;
  const std::size_t count = needs_count ? synapse_count(net, index) : 0;
  const auto check_len = [&](const std::string& field, const Distribution& d) {
    if (d.kind == Distribution::Kind::Array && d.values.size() != count)
      c.fail(field, "Array has " + std::to_string(d.values.size()) + " values: must have one per synapse (" +
                        std::to_string(count) + ")");
  };
  if (k.kind != Connector::Kind::DenseMatrix) {
    check_len("weight", p.weight);
    c.distribution("weight", p.weight, 0, "synapse", weight_range, model->weight_unit, weight_rule);
  }
  check_len("delay", p.delay);
  const Range delay_range{net.dt * (1.0 - kTimeSlack), kInf, false, false};
  c.distribution("delay", p.delay, 0, "synapse", delay_range, "ms",
                 "must be >= dt (" + number(net.dt) + " ms), the shortest delay");
  if (p.plasticity) {
    check_plasticity(c, *p.plasticity);
    // The learning step shifts post spikes by the projection's delay: it has to be one delay.
    const auto dendritic = p.plasticity->params.find("dendritic_delay");
    const bool one_delay = p.delay.kind == Distribution::Kind::Constant ||
                           (p.delay.kind == Distribution::Kind::Array &&
                            std::adjacent_find(p.delay.values.begin(), p.delay.values.end(), std::not_equal_to<>()) ==
                                p.delay.values.end());
    if (dendritic != p.plasticity->params.end() && dendritic->second == 1.0 && !one_delay)
      c.fail("plasticity.dendritic_delay", "1 needs one delay for all synapses of the projection (post spikes pair "
                                           "one delay later): delay must be a constant");
  }
}

void check_current_source(const CurrentSource& s, const std::map<std::string, Group>& groups) {
  Checker c("current source " + quoted(s.name));
  const auto t = groups.find(s.target);
  if (t == groups.end()) c.fail("target", quoted(s.target) + ": must name a population");
  if (t->second.population == nullptr)
    c.fail("target", quoted(s.target) + " is a spike source: currents go into populations");
  check_neurons(c, s.neurons, s.target, t->second.size);
  if (s.kind == CurrentSource::Kind::DC) {
    c.finite("amplitude", s.amplitude);
    c.in_range("start", s.start, Range::non_negative(), "ms");
    c.finite("stop", s.stop);
    if (s.stop >= 0 && s.stop < s.start)
      c.fail("stop", number(s.stop) + ": must be >= start (" + number(s.start) + " ms), or < 0 for never");
  } else {
    if (s.amplitudes.size() != s.times.size())
      c.fail("amplitudes", "has " + std::to_string(s.amplitudes.size()) + " values: must have one per times entry (" +
                               std::to_string(s.times.size()) + ")");
    for (std::size_t k = 0; k < s.times.size(); ++k) {
      c.in_range(idx("times", k), s.times[k], Range::non_negative(), "ms");
      if (k > 0 && !(s.times[k] > s.times[k - 1]))
        c.fail(idx("times", k), number(s.times[k]) + ": must be > the previous time (" + number(s.times[k - 1]) +
                                    " ms): times strictly increasing");
      c.finite(idx("amplitudes", k), s.amplitudes[k]);
    }
  }
}

void check_interval(const Checker& c, double interval, double dt) {
  c.in_range("interval", interval, Range::non_negative(), "ms");
  if (interval == 0.0) return;
  const double steps = interval / dt;
  if (steps < 1.0 - kTimeSlack || std::abs(steps - std::round(steps)) > kTimeSlack * std::max(1.0, steps))
    c.fail("interval", number(interval) + ": must be a whole multiple of dt (" + number(dt) +
                           " ms), or 0 for every step");
}

void check_probe(const Network& net, const Probe& p, const std::map<std::string, Group>& groups) {
  Checker c("probe " + quoted(p.name));
  if (p.kind == Probe::Kind::Weights) {
    if (net.find_projection(p.target) == nullptr) c.fail("target", quoted(p.target) + ": must name a projection");
    check_interval(c, p.interval, net.dt);
    return;
  }
  const auto t = groups.find(p.target);
  if (t == groups.end())
    c.fail("target", quoted(p.target) + ": must name a population" +
                         (p.kind == Probe::Kind::Spikes ? " or spike source" : ""));
  check_neurons(c, p.neurons, p.target, t->second.size);
  check_interval(c, p.interval, net.dt);
  if (p.kind == Probe::Kind::Spikes) return;
  if (t->second.population == nullptr)
    c.fail("target", quoted(p.target) + " is a spike source: it has no state variables to record");
  const NeuronModelInfo* m = find_neuron_model(t->second.population->model);
  if (p.variables.empty()) c.fail("variables", "empty: must name at least one state variable");
  for (std::size_t k = 0; k < p.variables.size(); ++k)
    if (m->find_state(p.variables[k]) == nullptr) {
      std::string known;
      for (const auto& s : m->state) known += (known.empty() ? "" : ", ") + std::string(s.name);
      c.fail(idx("variables", k), quoted(p.variables[k]) + ": must be a state variable of model " +
                                      std::string(m->name) + " (" + known + ")");
    }
}

}  // namespace

void validate(const Network& network) {
  Checker net("network");
  net.in_range("dt", network.dt, Range::positive(), "ms");
  const auto groups = groups_of(network);
  unique_names(network.projections, "projection");
  unique_names(network.current_sources, "current source");
  unique_names(network.probes, "probe");
  for (std::size_t i = 0; i < network.populations.size(); ++i) check_population(network, i);
  for (const auto& s : network.spike_sources) check_spike_source(s);
  for (std::size_t i = 0; i < network.projections.size(); ++i) check_projection(network, i, groups);
  for (const auto& s : network.current_sources) check_current_source(s, groups);
  for (const auto& p : network.probes) check_probe(network, p, groups);
}

}  // namespace spikeforge::model
