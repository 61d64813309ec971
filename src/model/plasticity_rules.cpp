#include <spikeforge/core/error.hpp>
#include <spikeforge/model/plasticity_rules.hpp>

namespace spikeforge::model {

namespace {

ParameterInfo flag(std::string_view name, double def, std::string_view meaning) {
  return {name, "flag", def, Range::closed(0.0, 1.0), meaning};
}

// Options shared by every rule, in one place so that every rule offers the same homeostasis.
void add_common(std::vector<ParameterInfo>& p) {
  p.push_back({"w_min", "weight unit", 0.0, Range::any(), "hard lower weight bound"});
  p.push_back({"w_max", "weight unit", 1.0, Range::any(), "hard upper weight bound (>= w_min)"});
  p.push_back(flag("dale", 0.0, "Dale's law: 1 keeps every weight's sign (a weight that reaches 0 stays on its side)"));
  p.push_back({"scaling_target_rate", "Hz", 0.0, Range::non_negative(),
               "synaptic scaling: target firing rate of each post neuron (0 = no scaling)"});
  p.push_back({"scaling_rate", "1/s", 1.0, Range::non_negative(),
               "synaptic scaling: relative weight change per second per unit relative rate error"});
  p.push_back({"scaling_tau", "ms", 1000.0, Range::positive(), "synaptic scaling: time constant of the rate estimate"});
  p.push_back({"scaling_interval", "ms", 10.0, Range::positive(), "synaptic scaling: time between scaling updates"});
  p.push_back(flag("dendritic_delay", 0.0,
                   "0: pairs spike emission times; 1: the projection's (single) delay is dendritic as in NEST's "
                   "stdp_synapse, post spikes pair one delay later (dt = t_post + delay - t_pre)"));
}

std::vector<ParameterInfo> pair_parameters(double a_plus, double a_minus, double tau_plus, double tau_minus) {
  return {
      {"a_plus", "weight unit", a_plus, Range::non_negative(), "potentiation amplitude"},
      {"a_minus", "weight unit", a_minus, Range::non_negative(), "depression amplitude"},
      {"tau_plus", "ms", tau_plus, Range::positive(), "time constant of the presynaptic trace (potentiation window)"},
      {"tau_minus", "ms", tau_minus, Range::positive(), "time constant of the postsynaptic trace (depression window)"},
  };
}

std::vector<PlasticityRuleInfo> make_table() {
  std::vector<PlasticityRuleInfo> t;
  {
    auto p = pair_parameters(0.01, 0.0105, 20.0, 20.0);
    p.push_back(flag("multiplicative", 0.0,
                     "1: soft bounds (potentiation scaled by w_max - w, depression by w - w_min); 0: additive"));
    p.push_back(flag("nearest", 0.0, "1: nearest-neighbour pairing (traces reset to 1); 0: all-to-all"));
    add_common(p);
    t.push_back({"stdp_pair",
                 "pair STDP: dw = a_plus exp(-dt/tau_plus) for pre before post (dt = t_post - t_pre > 0), "
                 "-a_minus exp(dt/tau_minus) for post before pre",
                 p, false});
  }
  {
    auto p = pair_parameters(0.01, 0.0, 20.0, 40.0);
    p.push_back(flag("nearest", 0.0, "1: nearest-neighbour pairing; 0: all-to-all"));
    add_common(p);
    t.push_back({"stdp_symmetric",
                 "symmetric STDP: dw = a_plus exp(-|dt|/tau_plus) - a_minus exp(-|dt|/tau_minus) for both orders",
                 p, false});
  }
  {
    std::vector<ParameterInfo> p = {
        // Pfister & Gerstner (2006), Table 4, visual cortex, all-to-all, minimal model.
        {"tau_plus", "ms", 16.8, Range::positive(), "time constant of presynaptic trace r1"},
        {"tau_minus", "ms", 33.7, Range::positive(), "time constant of postsynaptic trace o1"},
        {"tau_x", "ms", 101.0, Range::positive(), "time constant of presynaptic trace r2"},
        {"tau_y", "ms", 125.0, Range::positive(), "time constant of postsynaptic trace o2"},
        {"a2_plus", "weight unit", 5e-10, Range::non_negative(), "pair potentiation amplitude"},
        {"a3_plus", "weight unit", 6.2e-3, Range::non_negative(), "triplet potentiation amplitude"},
        {"a2_minus", "weight unit", 7e-3, Range::non_negative(), "pair depression amplitude"},
        {"a3_minus", "weight unit", 0.0, Range::non_negative(), "triplet depression amplitude (0: minimal model)"},
    };
    add_common(p);
    t.push_back({"stdp_triplet",
                 "triplet STDP (Pfister & Gerstner 2006, all-to-all): post spike dw = r1 (a2_plus + a3_plus o2), "
                 "pre spike dw = -o1 (a2_minus + a3_minus r2); traces read before their own spike's increment",
                 p, false});
  }
  {
    std::vector<ParameterInfo> p = {
        {"eta", "weight unit", 1e-3, Range::non_negative(), "learning rate per postsynaptic spike and unit of presynaptic trace"},
        {"tau_pre", "ms", 20.0, Range::positive(), "time constant of the presynaptic rate trace"},
    };
    auto hebb = p;
    add_common(hebb);
    t.push_back({"hebbian", "Hebbian: each post spike adds eta * x_pre (x_pre: presynaptic trace, ~ rate * tau_pre)", hebb, false});
    auto oja = p;
    oja.push_back({"alpha", "", 1.0, Range::non_negative(), "weight decay factor of Oja's rule"});
    oja.push_back({"tau_post", "ms", 20.0, Range::positive(), "time constant of the postsynaptic rate trace"});
    add_common(oja);
    t.push_back({"oja", "Oja: each post spike adds eta * (x_pre - alpha * y_post * w), y_post the postsynaptic trace", oja, false});
    auto anti = p;
    add_common(anti);
    for (auto& q : anti) {
      if (q.name == "w_min") q.default_value = -1.0;  // lateral inhibition grows negative
      if (q.name == "w_max") q.default_value = 0.0;
    }
    t.push_back({"anti_hebbian",
                 "anti-Hebbian (lateral connections): each post spike adds -eta * x_pre, so correlated pairs inhibit",
                 anti, false});
  }
  {
    auto p = pair_parameters(0.01, 0.0105, 20.0, 20.0);
    p.push_back({"tau_e", "ms", 1000.0, Range::positive(), "decay time constant of the per-synapse eligibility"});
    p.push_back({"learning_rate", "1/ms", 1e-3, Range::non_negative(),
                 "dw/dt = learning_rate * modulator * eligibility"});
    add_common(p);
    t.push_back({"stdp_three_factor",
                 "reward-modulated STDP: pair STDP changes a per-synapse eligibility e (decaying with tau_e); "
                 "the weight follows dw/dt = learning_rate * M * e with the global modulator M",
                 p, true});
  }
  return t;
}

}  // namespace

const std::vector<PlasticityRuleInfo>& plasticity_rules() {
  static const std::vector<PlasticityRuleInfo> table = make_table();
  return table;
}

const PlasticityRuleInfo* find_plasticity_rule(std::string_view name) {
  for (const auto& r : plasticity_rules()) if (r.name == name) return &r;
  return nullptr;
}

std::string plasticity_rule_names() {
  std::string s;
  for (const auto& r : plasticity_rules()) {
    if (!s.empty()) s += ", ";
    s += r.name;
  }
  return s;
}

std::map<std::string, double> plasticity_parameters(const std::string& rule, const std::map<std::string, double>& given) {
  const PlasticityRuleInfo* info = find_plasticity_rule(rule);
  if (!info) throw Error("plasticity: unknown rule '" + rule + "' (known: " + plasticity_rule_names() + ")");
  std::map<std::string, double> out;
  for (const auto& p : info->parameters) {
    const auto it = given.find(std::string(p.name));
    out.emplace(std::string(p.name), it == given.end() ? p.default_value : it->second);
  }
  return out;
}

}  // namespace spikeforge::model
