// The table of learning rules a Projection's plasticity may name: per rule its parameters (unit,
// default, allowed range, meaning), beside the neuron model table. The engine's kernels live in plasticity/.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <spikeforge/model/neuron_models.hpp>

namespace spikeforge::model {

struct PlasticityRuleInfo {
  std::string_view name;
  std::string_view summary;
  /// The rule's own parameters followed by the options every rule has (bounds, Dale's law,
  /// synaptic scaling). Parameters whose unit is "flag" take 0 or 1.
  std::vector<ParameterInfo> parameters;
  /// True when the rule keeps one eligibility value per synapse (4 more bytes per synapse).
  bool eligibility = false;

  const ParameterInfo* find_parameter(std::string_view n) const {
    for (const auto& p : parameters) if (p.name == n) return &p;
    return nullptr;
  }
};

/// Every rule, in a fixed order.
const std::vector<PlasticityRuleInfo>& plasticity_rules();
/// nullptr when no rule has that name.
const PlasticityRuleInfo* find_plasticity_rule(std::string_view name);
/// "stdp_pair, stdp_symmetric, ...", for error messages.
std::string plasticity_rule_names();
/// Every parameter of `rule` with the given values or the table's defaults; throws Error for an
/// unknown rule (validate() reports bad names and values first).
std::map<std::string, double> plasticity_parameters(const std::string& rule, const std::map<std::string, double>& given);

}  // namespace spikeforge::model
