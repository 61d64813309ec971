// The table of neuron models a Population may name: per model its parameters (unit, default,
// allowed range, meaning), state variables, weight units and sign rules, and integration scheme.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace spikeforge::model {

/// An interval of allowed values; infinite ends are unbounded. Every allowed value is also finite.
struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false;   ///< true: low itself is not allowed
  bool high_open = false;  ///< true: high itself is not allowed

  static Range any() { return {}; }
  static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }
  static Range non_negative() { return {0.0, std::numeric_limits<double>::infinity(), false, false}; }
  static Range non_positive() { return {-std::numeric_limits<double>::infinity(), 0.0, false, false}; }
  static Range closed(double lo, double hi) { return {lo, hi, false, false}; }

  bool contains(double x) const {
    if (!std::isfinite(x)) return false;
    if (low_open ? !(x > low) : !(x >= low)) return false;
    if (high_open ? !(x < high) : !(x <= high)) return false;
    return true;
  }
  /// "must be > 0 ms", "must be in [0, 1]", "must be finite".
  std::string describe(std::string_view unit) const;
};

/// How a state variable starts when Population::initial does not set it.
struct InitialRule {
  enum class Kind {
    Value,             ///< the constant `value`
    Parameter,         ///< the neuron's value of parameter `parameter` (e.g. v = v_rest)
    ParameterTimesState  ///< parameter `parameter` times the initial value of state `state` (u = b*v)
  };
  Kind kind = Kind::Value;
  double value = 0.0;
  std::string_view parameter, state;
};

struct ParameterInfo {
  std::string_view name;
  std::string_view unit;   ///< "" for dimensionless
  double default_value;
  Range range;
  std::string_view meaning;
};

struct StateVariableInfo {
  std::string_view name;
  std::string_view unit;
  InitialRule initial;
  std::string_view meaning;
};

/// Per-neuron constraint between two parameters: lower < higher (strict).
struct ParameterOrder {
  std::string_view lower, higher;
};

/// Sign rule of the weights arriving on one receptor.
enum class WeightSign { NonNegative, NonPositive, Any };

struct NeuronModelInfo {
  std::string_view name;
  std::string_view summary;
  std::string_view integration;       ///< the integration scheme the engine uses, stated
  std::vector<ParameterInfo> parameters;
  std::vector<StateVariableInfo> state;
  std::vector<ParameterOrder> orders;
  std::string_view weight_unit;       ///< unit of a synaptic weight onto this model
  WeightSign excitatory_sign, inhibitory_sign;

  const ParameterInfo* find_parameter(std::string_view n) const {
    for (const auto& p : parameters) if (p.name == n) return &p;
    return nullptr;
  }
  const StateVariableInfo* find_state(std::string_view n) const {
    for (const auto& s : state) if (s.name == n) return &s;
    return nullptr;
  }
  /// The range a weight on `receptor` ("excitatory" or "inhibitory") must lie in.
  Range weight_range(std::string_view receptor) const {
    const WeightSign s = receptor == "inhibitory" ? inhibitory_sign : excitatory_sign;
    return s == WeightSign::NonNegative ? Range::non_negative()
         : s == WeightSign::NonPositive ? Range::non_positive() : Range::any();
  }
};

/// Every model, in a fixed order. Parameter and state names are the keys of
/// Population::params and Population::initial.
const std::vector<NeuronModelInfo>& neuron_models();

/// nullptr when no model has that name.
const NeuronModelInfo* find_neuron_model(std::string_view name);

/// "lif_curr_exp, lif_cond_exp, ...", for error messages.
std::string neuron_model_names();

}  // namespace spikeforge::model
