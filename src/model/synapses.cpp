#include <spikeforge/model/synapses.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/neuron_models.hpp>
#include <spikeforge/model/validate.hpp>

#include "text.hpp"

namespace spikeforge::model {

namespace {

// Object kinds mixed into derived seeds, so that e.g. a population and a projection of the same
// name never share random numbers.
constexpr std::uint64_t kTagConnector = 1, kTagProjectionValues = 2, kTagPopulation = 3, kTagSpikeSource = 4;
// Stream ids of a projection's weights and delays: far above any neuron index, so they stay
// distinct from the connector's per-neuron streams even when both use the same explicit seed.
constexpr std::uint64_t kWeightStream = 0xFFFF'FFFF'0000'0001ull, kDelayStream = 0xFFFF'FFFF'0000'0002ull;
// A bounded draw failing this many times in a row means the bounds hold (almost) no probability;
// validate() refuses bounds that hold less than 1e-4, for which this is never reached in practice.
constexpr std::size_t kMaxRedraws = 10'000'000;

// FNV-1a: a stable hash of names, so derived seeds follow an object's name, not its position
// (adding a projection does not change the synapses of the others).
std::uint64_t name_hash(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) { h ^= c; h *= 0x100000001b3ull; }
  return h;
}

std::uint64_t derived_seed(const Network& net, std::uint64_t tag, const std::string& name) {
  return mix_ids(mix_ids(net.seed, tag), name_hash(name));
}

// The seeds random draws of a projection use: its connector's (connectivity) and its own (weights
// and delays), or when 0 one derived from the network seed and the projection's name.
std::uint64_t connector_seed(const Network& network, std::size_t projection_index) {
  const Projection& p = network.projections.at(projection_index);
  return p.connector.seed != 0 ? p.connector.seed : derived_seed(network, kTagConnector, p.name);
}

std::uint64_t projection_value_seed(const Network& network, std::size_t projection_index) {
  const Projection& p = network.projections.at(projection_index);
  return p.seed != 0 ? p.seed : derived_seed(network, kTagProjectionValues, p.name);
}

std::string projection_object(const Projection& p) { return "projection '" + p.name + "'"; }

// Size of a projection's pre or post group, and whether a neuron connects to itself.
struct Ends {
  std::uint32_t n_pre = 0, n_post = 0;
  bool same = false;  // pre and post are one population: self-connections are possible
};

Ends ends_of(const Network& net, const Projection& proj) {
  Ends e;
  if (const auto* p = net.find_population(proj.pre)) e.n_pre = p->size;
  else if (const auto* s = net.find_spike_source(proj.pre)) e.n_pre = s->size;
  else throw ValidationError(projection_object(proj), "pre", "'" + proj.pre + "' is no population or spike source");
  const auto* post = net.find_population(proj.post);
  if (post == nullptr) throw ValidationError(projection_object(proj), "post", "'" + proj.post + "' is no population");
  e.n_post = post->size;
  e.same = proj.pre == proj.post && net.find_population(proj.pre) != nullptr;
  return e;
}

double draw_one(const Distribution& d, RandomStream& r) {
  switch (d.kind) {
    case Distribution::Kind::Uniform: return d.a + (d.b - d.a) * r.uniform();
    case Distribution::Kind::Normal: return r.normal(d.a, d.b);
    case Distribution::Kind::LogNormal: return std::exp(r.normal(d.a, d.b));
    default: return d.a;
  }
}

// Floyd's algorithm: k distinct values from [0, m) in O(k) draws. `mark` (size m) remembers
// chosen values by `stamp`, so it is never cleared between calls. Result sorted.
void choose_distinct(std::uint32_t k, std::uint32_t m, RandomStream& r, std::vector<std::uint32_t>& mark,
                     std::uint32_t stamp, std::vector<std::uint32_t>& out) {
  out.clear();
  for (std::uint32_t j = m - k; j < m; ++j) {
    std::uint32_t t = r.below(j + 1);
    if (mark[t] == stamp) t = j;
    mark[t] = stamp;
    out.push_back(t);
  }
  std::sort(out.begin(), out.end());
}

// For each "owner" neuron (post for in-degree, pre for out-degree) n distinct partners from the
// other side, drawn from the owner's own stream so a row never depends on the others.
void fixed_degree(const Ends& e, const Connector& c, std::uint64_t seed, bool in_degree, SynapseList& s) {
  const std::uint32_t owners = in_degree ? e.n_post : e.n_pre;
  const std::uint32_t others = in_degree ? e.n_pre : e.n_post;
  const bool skip_self = e.same && !c.allow_self_connections;
  const std::uint32_t m = others - ((skip_self && others > 0) ? 1u : 0u);
  s.pre.reserve(std::size_t{owners} * c.n);
  s.post.reserve(std::size_t{owners} * c.n);
  std::vector<std::uint32_t> mark(m, 0), chosen;
  chosen.reserve(c.n);
  for (std::uint32_t o = 0; o < owners; ++o) {
    RandomStream r(seed, o);
    choose_distinct(c.n, m, r, mark, o + 1, chosen);
    for (std::uint32_t x : chosen) {
      if (skip_self && x >= o) ++x;  // candidates skip the owner itself
      s.pre.push_back(in_degree ? x : o);
      s.post.push_back(in_degree ? o : x);
    }
  }
}

// Bernoulli(p) for every pair, by geometric skipping: the gap to the next synapse in a row is
// geometric, so the cost is per synapse, not per pair.
void fixed_probability(const Ends& e, const Connector& c, std::uint64_t seed, SynapseList& s) {
  if (c.p <= 0.0) return;
  const bool skip_self = e.same && !c.allow_self_connections;
  const double expected = static_cast<double>(e.n_pre) * e.n_post * c.p;
  s.pre.reserve(static_cast<std::size_t>(expected * 1.01 + 16));
  s.post.reserve(static_cast<std::size_t>(expected * 1.01 + 16));
  const double log_q = std::log1p(-c.p);  // -inf for p = 1: every gap is 0
  for (std::uint32_t i = 0; i < e.n_pre; ++i) {
    RandomStream r(seed, i);
    double j = -1.0;
    for (;;) {
      const double gap = c.p >= 1.0 ? 0.0 : std::floor(std::log(r.uniform_open0()) / log_q);
      j += gap + 1.0;
      if (j >= e.n_post) break;
      const auto post = static_cast<std::uint32_t>(j);
      if (skip_self && post == i) continue;
      s.pre.push_back(i);
      s.post.push_back(post);
    }
  }
}

SynapseList connectivity(const Network& net, std::size_t index) {
  const Projection& proj = net.projections.at(index);
  const Ends e = ends_of(net, proj);
  const Connector& c = proj.connector;
  const std::string obj = projection_object(proj);
  SynapseList s;
  switch (c.kind) {
    case Connector::Kind::AllToAll: {
      const bool skip_self = e.same && !c.allow_self_connections;
      const std::size_t n = std::size_t{e.n_pre} * e.n_post;
      s.pre.reserve(n);
      s.post.reserve(n);
      for (std::uint32_t i = 0; i < e.n_pre; ++i)
        for (std::uint32_t j = 0; j < e.n_post; ++j) {
          if (skip_self && i == j) continue;
          s.pre.push_back(i);
          s.post.push_back(j);
        }
      break;
    }
    case Connector::Kind::OneToOne:
      if (e.n_pre != e.n_post)
        throw ValidationError(obj, "connector", "one-to-one needs pre and post of equal size, found " +
                                                    std::to_string(e.n_pre) + " and " + std::to_string(e.n_post));
      for (std::uint32_t i = 0; i < e.n_pre; ++i) {
        s.pre.push_back(i);
        s.post.push_back(i);
      }
      break;
    case Connector::Kind::FixedProbability:
      if (!(c.p >= 0.0 && c.p <= 1.0))
        throw ValidationError(obj, "connector.p", detail::number(c.p) + ": must be in [0, 1]");
      fixed_probability(e, c, connector_seed(net, index), s);
      break;
    case Connector::Kind::FixedInDegree:
    case Connector::Kind::FixedOutDegree: {
      const bool in = c.kind == Connector::Kind::FixedInDegree;
      const std::uint32_t others = in ? e.n_pre : e.n_post;
      const std::uint32_t limit = others - ((e.same && !c.allow_self_connections && others > 0) ? 1u : 0u);
      if (c.n > limit)
        throw ValidationError(obj, "connector.n", std::to_string(c.n) + ": must be <= " + std::to_string(limit));
      fixed_degree(e, c, connector_seed(net, index), in, s);
      break;
    }
    case Connector::Kind::FromList:
      if (c.pre.size() != c.post.size())
        throw ValidationError(obj, "connector.post", "list has " + std::to_string(c.post.size()) +
                                                         " entries: must have as many as connector.pre (" +
                                                         std::to_string(c.pre.size()) + ")");
      for (std::size_t k = 0; k < c.pre.size(); ++k) {
        if (c.pre[k] >= e.n_pre || c.post[k] >= e.n_post)
          throw ValidationError(obj, "connector.pre/post[" + std::to_string(k) + "]", "index out of range");
      }
      s.pre = c.pre;
      s.post = c.post;
      break;
    case Connector::Kind::DenseMatrix:
      if (c.matrix.size() != std::size_t{e.n_pre} * e.n_post)
        throw ValidationError(obj, "connector.matrix", "has " + std::to_string(c.matrix.size()) +
                                                           " entries: must have pre size x post size = " +
                                                           std::to_string(std::size_t{e.n_pre} * e.n_post));
      for (std::uint32_t i = 0; i < e.n_pre; ++i)
        for (std::uint32_t j = 0; j < e.n_post; ++j)
          if (c.matrix[std::size_t{i} * e.n_post + j] != 0.0) {
            s.pre.push_back(i);
            s.post.push_back(j);
          }
      break;
  }
  return s;
}

std::vector<double> sample_checked(const Distribution& d, std::size_t n, RandomStream& r, const std::string& obj,
                                   const std::string& field, const std::string& per) {
  if (d.kind == Distribution::Kind::Array && d.values.size() != n)
    throw ValidationError(obj, field, "Array has " + std::to_string(d.values.size()) + " values: must have one per " +
                                          per + " (" + std::to_string(n) + ")");
  return sample(d, n, r);
}

std::uint64_t population_seed(const Network& net, const Population& p) {
  return derived_seed(net, kTagPopulation, p.name);
}

}  // namespace

std::vector<double> sample(const Distribution& d, std::size_t n, RandomStream& stream) {
  switch (d.kind) {
    case Distribution::Kind::Constant: return std::vector<double>(n, d.a);
    case Distribution::Kind::Array:
      if (d.values.size() != n)
        throw Error("sample: Array holds " + std::to_string(d.values.size()) + " values, " + std::to_string(n) +
                    " needed");
      return d.values;
    default: break;
  }
  std::vector<double> out(n);
  const double lo = d.low_bound.value_or(-std::numeric_limits<double>::infinity());
  const double hi = d.high_bound.value_or(std::numeric_limits<double>::infinity());
  const bool bounded = d.low_bound.has_value() || d.high_bound.has_value();
  for (double& x : out) {
    x = draw_one(d, stream);
    if (!bounded) continue;
    std::size_t tries = 1;
    while (!(x >= lo && x <= hi)) {
      if (++tries > kMaxRedraws)
        throw Error("sample: no draw within the clip bounds [" + detail::number(lo) + ", " + detail::number(hi) +
                    "] after " + std::to_string(kMaxRedraws) + " tries");
      x = draw_one(d, stream);
    }
  }
  return out;
}

SynapseList build_connectivity(const Network& network, std::size_t projection_index) {
  return connectivity(network, projection_index);
}

std::size_t synapse_count(const Network& network, std::size_t projection_index) {
  const Projection& proj = network.projections.at(projection_index);
  const Connector& c = proj.connector;
  const Ends e = ends_of(network, proj);
  const bool skip_self = e.same && !c.allow_self_connections;
  switch (c.kind) {
    case Connector::Kind::AllToAll: return std::size_t{e.n_pre} * e.n_post - (skip_self ? e.n_pre : 0);
    case Connector::Kind::OneToOne: return e.n_pre;
    case Connector::Kind::FixedInDegree: return std::size_t{c.n} * e.n_post;
    case Connector::Kind::FixedOutDegree: return std::size_t{c.n} * e.n_pre;
    case Connector::Kind::FromList: return c.pre.size();
    case Connector::Kind::DenseMatrix:
      return static_cast<std::size_t>(
          std::count_if(c.matrix.begin(), c.matrix.end(), [](double w) { return w != 0.0; }));
    case Connector::Kind::FixedProbability: break;
  }
  return connectivity(network, projection_index).size();
}

SynapseList build_synapses(const Network& network, std::size_t projection_index) {
  SynapseList s = connectivity(network, projection_index);
  const Projection& proj = network.projections[projection_index];
  const std::string obj = projection_object(proj);
  const std::uint64_t seed = projection_value_seed(network, projection_index);
  if (proj.connector.kind == Connector::Kind::DenseMatrix) {
    const std::uint32_t n_post = network.find_population(proj.post)->size;
    s.weight.reserve(s.size());
    for (std::size_t k = 0; k < s.size(); ++k)
      s.weight.push_back(proj.connector.matrix[std::size_t{s.pre[k]} * n_post + s.post[k]]);
  } else {
    RandomStream rw(seed, kWeightStream);
    s.weight = sample_checked(proj.weight, s.size(), rw, obj, "weight", "synapse");
  }
  RandomStream rd(seed, kDelayStream);
  s.delay = sample_checked(proj.delay, s.size(), rd, obj, "delay", "synapse");
  return s;
}

std::vector<double> population_values(const Network& network, std::size_t pop_index, const std::string& name,
                                      bool initial) {
  const Population& pop = network.populations.at(pop_index);
  const std::string obj = "population '" + pop.name + "'";
  const NeuronModelInfo* model = find_neuron_model(pop.model);
  if (model == nullptr)
    throw ValidationError(obj, "model", "'" + pop.model + "': must be one of " + neuron_model_names());
  if (!initial) {
    const ParameterInfo* info = model->find_parameter(name);
    if (info == nullptr)
      throw ValidationError(obj, "params." + name, "no parameter of that name in model " + pop.model);
    const auto it = pop.params.find(name);
    if (it == pop.params.end()) return std::vector<double>(pop.size, info->default_value);
    RandomStream r(population_seed(network, pop), mix_ids(name_hash(name), 0));
    return sample_checked(it->second, pop.size, r, obj, name, "neuron");
  }
  const StateVariableInfo* info = model->find_state(name);
  if (info == nullptr)
    throw ValidationError(obj, "initial." + name, "no state variable of that name in model " + pop.model);
  const auto it = pop.initial.find(name);
  if (it != pop.initial.end()) {
    RandomStream r(population_seed(network, pop), mix_ids(name_hash(name), 1));
    return sample_checked(it->second, pop.size, r, obj, "initial." + name, "neuron");
  }
  switch (info->initial.kind) {
    case InitialRule::Kind::Value: return std::vector<double>(pop.size, info->initial.value);
    case InitialRule::Kind::Parameter:
      return population_values(network, pop_index, std::string(info->initial.parameter), false);
    case InitialRule::Kind::ParameterTimesState: {
      auto x = population_values(network, pop_index, std::string(info->initial.parameter), false);
      const auto y = population_values(network, pop_index, std::string(info->initial.state), true);
      for (std::size_t i = 0; i < x.size(); ++i) x[i] *= y[i];
      return x;
    }
  }
  return {};
}

std::vector<double> spike_source_rates(const Network& network, std::size_t source_index) {
  const SpikeSource& s = network.spike_sources.at(source_index);
  RandomStream r(derived_seed(network, kTagSpikeSource, s.name), 0);
  return sample_checked(s.rate, s.size, r, "spike source '" + s.name + "'", "rate", "source");
}

Network instantiate(const Network& network) {
  validate(network);
  Network out = network;
  for (std::size_t i = 0; i < out.populations.size(); ++i) {
    Population& p = out.populations[i];
    const NeuronModelInfo* model = find_neuron_model(p.model);
    for (const auto& info : model->parameters) {
      const std::string n(info.name);
      p.params[n] = Distribution::array(population_values(network, i, n, false));
    }
    for (const auto& info : model->state) {
      const std::string n(info.name);
      p.initial[n] = Distribution::array(population_values(network, i, n, true));
    }
  }
  for (std::size_t i = 0; i < out.spike_sources.size(); ++i) {
    SpikeSource& s = out.spike_sources[i];
    if (s.kind == SpikeSource::Kind::Poisson) s.rate = Distribution::array(spike_source_rates(network, i));
  }
  for (std::size_t i = 0; i < out.projections.size(); ++i) {
    SynapseList s = build_synapses(network, i);
    Projection& p = out.projections[i];
    p.connector = Connector::from_list(std::move(s.pre), std::move(s.post));
    p.weight = Distribution::array(std::move(s.weight));
    p.delay = Distribution::array(std::move(s.delay));
  }
  return out;
}

}  // namespace spikeforge::model
