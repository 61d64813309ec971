#include <spikeforge/model/validate.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
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

/// Bytes as "512 B", "1.5 KiB" ... "3.2 TiB".
std::string bytes_text(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024.0 && u < 6) b /= 1024.0, ++u;
  char buf[48];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

// The latest time any event of the description may have: the end of the longest run.
double max_time(double dt) { return static_cast<double>(kMaxSteps) * dt; }

std::string time_rule(double dt) {
  return "must be finite and in [0, " + number(max_time(dt)) + "] ms (at most 2^48 steps of dt = " + number(dt) +
         " ms, the longest run)";
}
Range time_range(double dt) { return Range::closed(0.0, max_time(dt)); }

double max_rate(double dt) { return kMaxPoissonPerStep * 1e3 / dt; }
std::string rate_rule(double dt) {
  return "must be in [0, " + number(max_rate(dt)) + "] Hz (rate x dt at most " + number(kMaxPoissonPerStep) +
         " spikes per step at dt = " + number(dt) + " ms)";
}

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

  /// distribution() against a range with a finite upper end (times, delays, rates) that a
  /// normal or log-normal distribution without high_bound is let past: its tail beyond the end is
  /// negligible for any sane centre, so only the centre (mean, or exp(mu)) must lie below the end.
  void capped(const std::string& field, const Distribution& d, std::size_t n, const std::string& per, const Range& r,
              std::string_view unit, const std::string& rule) const {
    const bool tail = (d.kind == Distribution::Kind::Normal || d.kind == Distribution::Kind::LogNormal) &&
                      !d.high_bound && std::isfinite(r.high);
    if (!tail) return distribution(field, d, n, per, r, unit, rule);
    finite(field, d.a);
    const double centre = d.kind == Distribution::Kind::Normal ? d.a : std::exp(d.a);
    if (!(centre <= r.high)) fail(field, describe(d) + " is centred at " + number(centre) + ": " + rule);
    Range open_above = r;
    open_above.high = kInf;
    distribution(field, d, n, per, open_above, unit, rule);
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
    const auto unit = m->find_parameter(lower)->unit;
    const auto check = [&](std::size_t i, double lo, double hi) {
      if (!(hi > lo))
        c.fail(higher, number(hi) + " (neuron " + std::to_string(i) + "): must be > " + lower + " (" + number(lo) +
                           unit_suffix(unit) + ")");
    };
    // Constants and arrays are compared where they stand: nothing is allocated per neuron.
    const auto given = [&](const std::string& name) -> const Distribution* {
      const auto it = p.params.find(name);
      return it == p.params.end() ? nullptr : &it->second;  // nullptr: the model's default
    };
    const Distribution* dl = given(lower);
    const Distribution* dh = given(higher);
    const auto at = [&](const Distribution* d, const std::string& name, std::size_t i) {
      if (d == nullptr) return m->find_parameter(name)->default_value;
      return d->kind == Distribution::Kind::Array ? d->values[i] : d->a;
    };
    const auto fixed = [](const Distribution* d) {
      return d == nullptr || d->kind == Distribution::Kind::Constant || d->kind == Distribution::Kind::Array;
    };
    if (fixed(dl) && fixed(dh)) {
      const bool arrays = (dl && dl->kind == Distribution::Kind::Array) || (dh && dh->kind == Distribution::Kind::Array);
      for (std::size_t i = 0; i < (arrays ? p.size : 1); ++i) check(i, at(dl, lower, i), at(dh, higher, i));
      continue;
    }
    const auto los = population_values(net, index, lower, false);
    const auto his = population_values(net, index, higher, false);
    for (std::size_t i = 0; i < los.size(); ++i) check(i, los[i], his[i]);
  }
}

void check_spike_source(const SpikeSource& s, double dt) {
  Checker c("spike source " + quoted(s.name));
  if (s.size == 0) c.fail("size", "0: must be >= 1");
  if (s.kind == SpikeSource::Kind::Poisson) {
    const Range rates = Range::closed(0.0, max_rate(dt));
    c.capped("rate", s.rate, s.size, "source", rates, "Hz", rate_rule(dt));
    if (s.rate_values.size() != s.rate_times.size())
      c.fail("rate_values", "has " + std::to_string(s.rate_values.size()) + " values: must have one per rate_times entry (" +
                                std::to_string(s.rate_times.size()) + ")");
    for (std::size_t k = 0; k < s.rate_times.size(); ++k) {
      c.in_range(idx("rate_times", k), s.rate_times[k], time_range(dt), "ms", time_rule(dt));
      if (k > 0 && !(s.rate_times[k] > s.rate_times[k - 1]))
        c.fail(idx("rate_times", k), number(s.rate_times[k]) + ": must be > the previous time (" +
                                         number(s.rate_times[k - 1]) + " ms): times strictly increasing");
      c.in_range(idx("rate_values", k), s.rate_values[k], rates, "Hz", rate_rule(dt));
    }
  } else {
    if (s.spike_times.size() != s.size)
      c.fail("spike_times", "has " + std::to_string(s.spike_times.size()) + " lists: must have one per source (" +
                                std::to_string(s.size) + ")");
    for (std::size_t i = 0; i < s.spike_times.size(); ++i) {
      const auto& t = s.spike_times[i];
      for (std::size_t k = 0; k < t.size(); ++k) {
        const std::string f = idx(idx("spike_times", i), k);
        c.in_range(f, t[k], time_range(dt), "ms", time_rule(dt));
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
  const double longest = kMaxDelaySteps * net.dt;
  const Range delay_range{net.dt * (1.0 - kTimeSlack), longest * (1.0 + kTimeSlack), false, false};
  c.capped("delay", p.delay, 0, "synapse", delay_range, "ms",
           "must be in [" + number(net.dt) + ", " + number(longest) + "] ms (1 to " + std::to_string(kMaxDelaySteps) +
               " steps of dt = " + number(net.dt) + " ms)");
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

void check_current_source(const CurrentSource& s, const std::map<std::string, Group>& groups, double dt) {
  Checker c("current source " + quoted(s.name));
  const auto t = groups.find(s.target);
  if (t == groups.end()) c.fail("target", quoted(s.target) + ": must name a population");
  if (t->second.population == nullptr)
    c.fail("target", quoted(s.target) + " is a spike source: currents go into populations");
  check_neurons(c, s.neurons, s.target, t->second.size);
  if (s.kind == CurrentSource::Kind::DC) {
    c.finite("amplitude", s.amplitude);
    c.in_range("start", s.start, time_range(dt), "ms", time_rule(dt));
    if (!(s.stop < 0)) c.in_range("stop", s.stop, time_range(dt), "ms", time_rule(dt) + ", or < 0 for never");
    if (s.stop >= 0 && s.stop < s.start)
      c.fail("stop", number(s.stop) + ": must be >= start (" + number(s.start) + " ms), or < 0 for never");
  } else {
    if (s.amplitudes.size() != s.times.size())
      c.fail("amplitudes", "has " + std::to_string(s.amplitudes.size()) + " values: must have one per times entry (" +
                               std::to_string(s.times.size()) + ")");
    for (std::size_t k = 0; k < s.times.size(); ++k) {
      c.in_range(idx("times", k), s.times[k], time_range(dt), "ms", time_rule(dt));
      if (k > 0 && !(s.times[k] > s.times[k - 1]))
        c.fail(idx("times", k), number(s.times[k]) + ": must be > the previous time (" + number(s.times[k - 1]) +
                                    " ms): times strictly increasing");
      c.finite(idx("amplitudes", k), s.amplitudes[k]);
    }
  }
}

void check_interval(const Checker& c, double interval, double dt) {
  c.in_range("interval", interval, time_range(dt), "ms", time_rule(dt));
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

// Bytes per element of the CPU engine, for the memory estimate: a double per model parameter
// and state variable plus spike count and flags per neuron; a static synapse in CSR (32-bit target,
// 32-bit weight), a plastic one with its transposed index and delay; the list a projection is
// built from (pre, post, weight, delay) while it is built; a delay-ring accumulator (a double per
// receptor, delay slot and target neuron).
constexpr double kNeuronExtraBytes = 24.0;
constexpr double kStaticSynapseBytes = 8.0;
constexpr double kPlasticSynapseBytes = 16.0;
constexpr double kBuildSynapseBytes = 24.0;
constexpr double kRingBytes = 8.0 * 2;

// Expected synapse count of a projection from its connector alone (nothing built or drawn).
double expected_synapses(const Projection& p, double n_pre, double n_post) {
  const Connector& k = p.connector;
  const bool self = p.pre == p.post && !k.allow_self_connections;
  switch (k.kind) {
    case Connector::Kind::AllToAll: return n_pre * n_post - (self ? n_pre : 0.0);
    case Connector::Kind::OneToOne: return std::min(n_pre, n_post);
    case Connector::Kind::FixedProbability: return (k.p > 0.0 ? std::min(k.p, 1.0) : 0.0) * n_pre * n_post;
    case Connector::Kind::FixedInDegree: return static_cast<double>(k.n) * n_post;
    case Connector::Kind::FixedOutDegree: return static_cast<double>(k.n) * n_pre;
    case Connector::Kind::FromList: return static_cast<double>(k.pre.size());
    case Connector::Kind::DenseMatrix: return static_cast<double>(k.matrix.size());
  }
  return 0.0;
}

// The longest delay a distribution asks for, in steps (capped at kMaxDelaySteps; validation
// refuses more).
double longest_delay_steps(const Distribution& d, double dt) {
  double ms = d.a;
  switch (d.kind) {
    case Distribution::Kind::Constant: break;
    case Distribution::Kind::Array:
      ms = d.values.empty() ? 0.0 : *std::max_element(d.values.begin(), d.values.end());
      break;
    case Distribution::Kind::Uniform: ms = d.b; break;
    case Distribution::Kind::Normal: ms = d.a + 5.0 * d.b; break;
    case Distribution::Kind::LogNormal: ms = std::exp(d.a + 5.0 * d.b); break;
  }
  if (d.high_bound) ms = std::min(ms, *d.high_bound);
  const double steps = std::round(ms / dt);
  return std::isfinite(steps) ? std::clamp(steps, 1.0, static_cast<double>(kMaxDelaySteps)) : kMaxDelaySteps;
}

std::uint64_t parse_bytes(const std::string& text) {
  std::size_t end = 0;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
  const std::string suffixes = "KMGT";
  const std::size_t unit = end + 1 == text.size() ? suffixes.find(static_cast<char>(std::toupper(text[end]))) : 0;
  if (end == 0 || end > 15 || (end != text.size() && unit == std::string::npos))
    throw ValidationError("environment", kMemoryLimitVariable,
                          "'" + text + "': must be a whole number of bytes (up to 15 digits) with an optional suffix "
                                       "K, M, G or T (powers of 1024), e.g. 8G");
  std::uint64_t v = std::stoull(text.substr(0, end));
  if (end != text.size()) v <<= 10 * (unit + 1);
  return v;
}

}  // namespace

MemoryEstimate estimate_memory(const Network& net) {
  MemoryEstimate e;
  const auto part = [&e](double bytes, std::string object, std::string field, std::string what) {
    e.bytes += bytes;
    if (bytes > e.largest_bytes) {
      e.largest_bytes = bytes;
      e.object = std::move(object);
      e.field = std::move(field);
      e.what = std::move(what);
    }
  };
  std::map<std::string, double> sizes, ring_steps;
  for (const auto& p : net.populations) {
    sizes[p.name] = p.size;
    const NeuronModelInfo* m = find_neuron_model(p.model);
    const double per = (m ? 8.0 * static_cast<double>(m->parameters.size() + m->state.size()) : 64.0) + kNeuronExtraBytes;
    part(per * p.size, "population " + quoted(p.name), "size",
         std::to_string(p.size) + " neurons x " + number(per) + " bytes");
  }
  for (const auto& s : net.spike_sources) {
    sizes[s.name] = s.size;
    double spikes = 0.0;
    for (const auto& t : s.spike_times) spikes += static_cast<double>(t.size());
    part(16.0 * s.size + 8.0 * spikes, "spike source " + quoted(s.name), "size",
         std::to_string(s.size) + " sources x 16 bytes and " + number(spikes) + " spike times x 8 bytes");
  }
  double build = 0.0;
  for (const auto& p : net.projections) {
    const auto pre = sizes.find(p.pre), post = sizes.find(p.post);
    const double n = expected_synapses(p, pre == sizes.end() ? 0.0 : pre->second,
                                       post == sizes.end() ? 0.0 : post->second);
    const double per = p.plasticity ? kPlasticSynapseBytes : kStaticSynapseBytes;
    part(per * n, "projection " + quoted(p.name), "connector",
         number(n) + " synapses x " + number(per) + " bytes");
    build = std::max(build, n * kBuildSynapseBytes);
    auto& ring = ring_steps[p.post];
    ring = std::max(ring, longest_delay_steps(p.delay, net.dt));
  }
  e.bytes += build;  // one projection's list at a time, while it is built
  for (const auto& [post, steps] : ring_steps) {
    const auto n = sizes.find(post);
    if (n == sizes.end()) continue;
    part(kRingBytes * (steps + 1.0) * n->second, "population " + quoted(post), "delay ring",
         number(steps + 1.0) + " delay slots x " + std::to_string(static_cast<std::uint64_t>(n->second)) +
             " neurons x " + number(kRingBytes) + " bytes");
  }
  return e;
}

std::uint64_t memory_limit(std::string* source) {
  if (const char* env = std::getenv(kMemoryLimitVariable); env != nullptr && *env != '\0') {
    if (source) *source = std::string(kMemoryLimitVariable) + " = " + env;
    return parse_bytes(env);
  }
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream in(line.substr(13));
    std::uint64_t kib = 0;
    if (in >> kib) {
      if (source) *source = "MemAvailable in /proc/meminfo";
      return kib * 1024;
    }
  }
  if (source) *source = "no limit known";
  return std::numeric_limits<std::uint64_t>::max();
}

std::uint64_t run_steps(double dt, double duration_ms, std::uint64_t steps_done, const std::string& object,
                        const std::string& field) {
  const double room = static_cast<double>(kMaxSteps - std::min(steps_done, kMaxSteps));
  const std::string rule = "must be finite, >= 0 and at most " + number(room * dt) + " ms (a run ends at most 2^48 steps of dt = " +
                           number(dt) + " ms from t = 0; " + std::to_string(steps_done) + " steps done)";
  if (!std::isfinite(duration_ms) || duration_ms < 0.0) throw ValidationError(object, field, number(duration_ms) + " ms: " + rule);
  const double steps = std::round(duration_ms / dt);
  if (!(steps <= room)) throw ValidationError(object, field, number(duration_ms) + " ms: " + rule);
  return static_cast<std::uint64_t>(steps);
}

void validate(const Network& network) {
  Checker net("network");
  net.in_range("dt", network.dt, Range::closed(kMinDt, kMaxDt), "ms");
  const auto groups = groups_of(network);
  unique_names(network.projections, "projection");
  unique_names(network.current_sources, "current source");
  unique_names(network.probes, "probe");
  // Before anything is drawn or checked per element: a network that cannot be built here is
  // refused with what it would need.
  const MemoryEstimate need = estimate_memory(network);
  std::string source;
  const std::uint64_t limit = memory_limit(&source);
  if (need.bytes > static_cast<double>(limit))
    throw ValidationError(need.object, need.field,
                          need.what + " = " + bytes_text(need.largest_bytes) + ", the largest part of the " +
                              bytes_text(need.bytes) + " the network needs: more than the " +
                              bytes_text(static_cast<double>(limit)) + " allowed (" + source + "; set " +
                              kMemoryLimitVariable + ", e.g. 64G, to change the limit)");
  for (std::size_t i = 0; i < network.populations.size(); ++i) check_population(network, i);
  for (const auto& s : network.spike_sources) check_spike_source(s, network.dt);
  for (std::size_t i = 0; i < network.projections.size(); ++i) check_projection(network, i, groups);
  for (const auto& s : network.current_sources) check_current_source(s, groups, network.dt);
  for (const auto& p : network.probes) check_probe(network, p, groups);
}

}  // namespace spikeforge::model
