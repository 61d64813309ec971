// The one network description every backend takes: populations, spike sources, projections,
// current sources and probes as plain data in physical units (ms, mV, nA, nS, pF, Hz).
// Nothing here knows about engines or hardware; validate() and the JSON file live beside it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spikeforge::model {

/// A value, or a rule to draw one value per element (neuron or synapse).
/// Random kinds draw from the owning object's seed, so a seed fixes the result.
/// Units are those of the field the value is assigned to.
struct Distribution {
  enum class Kind { Constant, Array, Uniform, Normal, LogNormal };
  Kind kind = Kind::Constant;
  double a = 0.0;             ///< Constant: value; Uniform: low; Normal: mean; LogNormal: mu (of log)
  double b = 0.0;             ///< Uniform: high; Normal: sd; LogNormal: sigma (of log)
  std::vector<double> values; ///< Array: one value per element, in element order
  /// Optional bounds applied to drawn values by redrawing (Normal/LogNormal), e.g. delays >= dt.
  std::optional<double> low_bound, high_bound;

  static Distribution constant(double v) { return {Kind::Constant, v, 0.0, {}, {}, {}}; }
  static Distribution array(std::vector<double> v) { return {Kind::Array, 0, 0, std::move(v), {}, {}}; }
  static Distribution uniform(double lo, double hi) { return {Kind::Uniform, lo, hi, {}, {}, {}}; }
  static Distribution normal(double mean, double sd) { return {Kind::Normal, mean, sd, {}, {}, {}}; }
  static Distribution lognormal(double mu, double sigma) { return {Kind::LogNormal, mu, sigma, {}, {}, {}}; }
  Distribution& clip(std::optional<double> lo, std::optional<double> hi) {
    low_bound = lo; high_bound = hi; return *this;
  }
  bool operator==(const Distribution&) const = default;
};

/// A group of neurons of one model. `model` names an entry of the model table (neuron_models.hpp):
/// "lif_curr_exp", "lif_cond_exp", "izhikevich", "lif_adaptive_threshold" (and "lif_delta").
/// `params` maps parameter names to values (missing ones take the table's default);
/// `initial` maps state variable names (e.g. "v") to initial values.
struct Population {
  std::string name;
  std::uint32_t size = 0;
  std::string model;
  std::map<std::string, Distribution> params;
  std::map<std::string, Distribution> initial;
  bool operator==(const Population&) const = default;
};

/// A group of spike sources: Poisson generators or given spike times. Usable as the presynaptic
/// side of a projection, never as the postsynaptic one.
struct SpikeSource {
  enum class Kind { Poisson, SpikeTimes };
  std::string name;
  std::uint32_t size = 0;
  Kind kind = Kind::Poisson;
  /// Poisson: rate in Hz, per source (Constant or Array of `size`).
  Distribution rate = Distribution::constant(0.0);
  /// Poisson, optional time-varying rate: piecewise constant, rate_values[k] (Hz, all sources)
  /// from rate_times[k] (ms) on. Before rate_times[0], `rate` applies. Times strictly increasing.
  std::vector<double> rate_times, rate_values;
  /// SpikeTimes: spike_times[i] holds the sorted spike times (ms) of source i.
  std::vector<std::vector<double>> spike_times;
  bool operator==(const SpikeSource&) const = default;
};

/// How pre and post neurons are paired. Random kinds use `seed` (0 = derive from the network seed
/// and the projection's position), so the same description always gives the same synapses.
struct Connector {
  enum class Kind { AllToAll, OneToOne, FixedProbability, FixedInDegree, FixedOutDegree, FromList, DenseMatrix };
  Kind kind = Kind::AllToAll;
  double p = 0.0;                   ///< FixedProbability: connection probability in [0, 1]
  std::uint32_t n = 0;              ///< FixedInDegree / FixedOutDegree: number of connections per neuron
  bool allow_self_connections = true;  ///< only meaningful when pre and post are the same population
  std::uint64_t seed = 0;
  /// FromList: synapse k connects pre[k] -> post[k]; weights/delays come from the projection's
  /// Distributions (Array of the same length, or any other kind).
  std::vector<std::uint32_t> pre, post;
  /// DenseMatrix: row-major [pre][post]; entry != 0 is a synapse whose weight is the entry
  /// (the projection's weight Distribution is then ignored).
  std::vector<double> matrix;

  static Connector all_to_all(bool self = true) { Connector c; c.kind = Kind::AllToAll; c.allow_self_connections = self; return c; }
  static Connector one_to_one() { Connector c; c.kind = Kind::OneToOne; return c; }
  static Connector fixed_probability(double p, bool self = true, std::uint64_t seed = 0) {
    Connector c; c.kind = Kind::FixedProbability; c.p = p; c.allow_self_connections = self; c.seed = seed; return c; }
  static Connector fixed_in_degree(std::uint32_t n, bool self = true, std::uint64_t seed = 0) {
    Connector c; c.kind = Kind::FixedInDegree; c.n = n; c.allow_self_connections = self; c.seed = seed; return c; }
  static Connector fixed_out_degree(std::uint32_t n, bool self = true, std::uint64_t seed = 0) {
    Connector c; c.kind = Kind::FixedOutDegree; c.n = n; c.allow_self_connections = self; c.seed = seed; return c; }
  static Connector from_list(std::vector<std::uint32_t> pre, std::vector<std::uint32_t> post) {
    Connector c; c.kind = Kind::FromList; c.pre = std::move(pre); c.post = std::move(post); return c; }
  static Connector dense(std::vector<double> matrix) { Connector c; c.kind = Kind::DenseMatrix; c.matrix = std::move(matrix); return c; }
  bool operator==(const Connector&) const = default;
};

/// The learning rule of a plastic projection: `rule` names an entry of the rule table
/// (plasticity_rules.hpp: "stdp_pair", "stdp_symmetric", "stdp_triplet", "hebbian", "oja",
/// "anti_hebbian", "stdp_three_factor"); `params` maps parameter names to values (missing ones take
/// the table's default), including the homeostasis options every rule has (weight bounds w_min and
/// w_max, Dale's law, synaptic scaling toward a target rate). Times in ms, rates in Hz.
struct Plasticity {
  std::string rule;
  std::map<std::string, double> params;
  bool operator==(const Plasticity&) const = default;
};

/// Synapses from `pre` (a population or spike source) onto `post` (a population).
/// `receptor` is "excitatory" or "inhibitory": which synaptic channel of the post model receives it.
/// Weights: nA for current-based models (sign as given), nS for conductance-based (>= 0),
/// mV for lif_delta (voltage jump), and the model's input unit for izhikevich (see its table).
/// Delays in ms, >= one time step; rounded to the nearest whole number of steps.
struct Projection {
  std::string name;
  std::string pre, post;
  Connector connector;
  Distribution weight = Distribution::constant(0.0);
  Distribution delay = Distribution::constant(1.0);
  std::string receptor = "excitatory";
  std::uint64_t seed = 0;  ///< for random weights/delays; 0 = derive from the network seed
  std::optional<Plasticity> plasticity;  ///< absent: static synapses
  bool operator==(const Projection&) const = default;
};

/// Current injected into neurons of a population: DC (amplitude from start to stop) or a step
/// current (amplitudes[k] from times[k] on). Amplitudes in nA, times in ms.
struct CurrentSource {
  enum class Kind { DC, Step };
  std::string name;
  std::string target;
  std::vector<std::uint32_t> neurons;  ///< empty = every neuron of the target
  Kind kind = Kind::DC;
  double amplitude = 0.0;
  double start = 0.0;
  double stop = -1.0;                  ///< < 0: never stops
  std::vector<double> times, amplitudes;
  bool operator==(const CurrentSource&) const = default;
};

/// What to record. Spikes: all spikes of `target` (a population or spike source) or of `neurons`.
/// State: the named variables (e.g. "v", "g_exc", "i_syn_exc", "u", "theta") of `neurons`
/// every `interval` ms. Weights: the weights of projection `target` every `interval` ms.
struct Probe {
  enum class Kind { Spikes, State, Weights };
  std::string name;
  Kind kind = Kind::Spikes;
  std::string target;
  std::vector<std::string> variables;
  std::vector<std::uint32_t> neurons;  ///< empty = all
  double interval = 0.0;               ///< ms; 0 = every step
  bool operator==(const Probe&) const = default;
};

/// The whole description. Builder calls return the added element so it can be adjusted; the
/// reference is valid until the next element of the same kind is added.
struct Network {
  double dt = 0.1;          ///< simulation time step, ms
  std::uint64_t seed = 1;   ///< seed of everything random in the description
  std::vector<Population> populations;
  std::vector<SpikeSource> spike_sources;
  std::vector<Projection> projections;
  std::vector<CurrentSource> current_sources;
  std::vector<Probe> probes;

  Population& add_population(std::string name, std::uint32_t size, std::string model,
                             std::map<std::string, Distribution> params = {},
                             std::map<std::string, Distribution> initial = {});
  SpikeSource& add_poisson_source(std::string name, std::uint32_t size, Distribution rate_hz);
  SpikeSource& add_spike_times(std::string name, std::vector<std::vector<double>> times_ms);
  /// Synapses from `pre` onto `post` (see Projection); `plasticity` absent: static synapses;
  /// `seed` for random weights and delays (0: derived from the network seed).
  Projection& connect(std::string name, std::string pre, std::string post, Connector connector,
                      Distribution weight, Distribution delay_ms, std::string receptor = "excitatory",
                      std::optional<Plasticity> plasticity = std::nullopt, std::uint64_t seed = 0);
  CurrentSource& add_dc_current(std::string name, std::string target, double amplitude_na,
                                double start_ms = 0.0, double stop_ms = -1.0,
                                std::vector<std::uint32_t> neurons = {});
  CurrentSource& add_step_current(std::string name, std::string target, std::vector<double> times_ms,
                                  std::vector<double> amplitudes_na, std::vector<std::uint32_t> neurons = {});
  Probe& record_spikes(std::string target, std::vector<std::uint32_t> neurons = {});
  Probe& record_state(std::string target, std::vector<std::string> variables,
                      std::vector<std::uint32_t> neurons = {}, double interval_ms = 0.0);
  Probe& record_weights(std::string projection, double interval_ms);

  /// Lookup by name; nullptr when absent.
  const Population* find_population(const std::string& name) const;
  const SpikeSource* find_spike_source(const std::string& name) const;
  const Projection* find_projection(const std::string& name) const;

  bool operator==(const Network&) const = default;
};

}  // namespace spikeforge::model
