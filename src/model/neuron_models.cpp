#include <spikeforge/model/neuron_models.hpp>

#include "text.hpp"

namespace spikeforge::model {

namespace {

using detail::number;

std::string with_unit(double x, std::string_view unit) {
  std::string s = number(x);
  if (!unit.empty()) { s += ' '; s += unit; }
  return s;
}

InitialRule value(double v) { return {InitialRule::Kind::Value, v, {}, {}}; }
InitialRule from_parameter(std::string_view p) { return {InitialRule::Kind::Parameter, 0.0, p, {}}; }

// Parameters shared by every LIF variant, in one place so the variants cannot drift apart.
std::vector<ParameterInfo> lif_parameters(bool with_synapse_time_constants) {
  std::vector<ParameterInfo> p = {
      {"cm", "pF", 250.0, Range::positive(), "membrane capacitance"},
      {"tau_m", "ms", 20.0, Range::positive(), "membrane time constant"},
      {"tau_refrac", "ms", 2.0, Range::non_negative(), "refractory period (v held at v_reset)"},
      {"v_rest", "mV", -65.0, Range::any(), "resting (leak reversal) potential"},
      {"v_reset", "mV", -65.0, Range::any(), "potential after a spike"},
      {"v_thresh", "mV", -50.0, Range::any(), "spike threshold"},
  };
  if (with_synapse_time_constants) {
    p.push_back({"tau_syn_e", "ms", 5.0, Range::positive(), "decay time constant of excitatory synaptic input"});
    p.push_back({"tau_syn_i", "ms", 5.0, Range::positive(), "decay time constant of inhibitory synaptic input"});
  }
  p.push_back({"i_offset", "nA", 0.0, Range::any(), "constant injected current"});
  return p;
}

std::vector<NeuronModelInfo> make_table() {
  std::vector<NeuronModelInfo> t;

  t.push_back({"lif_curr_exp",
               "leaky integrate-and-fire, current-based synapses with exponentially decaying current",
               "exact propagator (Rotter & Diesmann 1999): v and the two synaptic currents are advanced "
               "exactly over dt from the step's start values; then the step's arriving weights are added "
               "to the currents, acting from the next step; v held at v_reset for round(tau_refrac/dt) "
               "steps after a spike (neurons/lif_curr_exp.hpp)",
               lif_parameters(true),
               {{"v", "mV", from_parameter("v_rest"), "membrane potential"},
                {"i_syn_exc", "nA", value(0.0), "excitatory synaptic current"},
                {"i_syn_inh", "nA", value(0.0), "inhibitory synaptic current (<= 0 when inhibiting)"}},
               {{"v_reset", "v_thresh"}},
               "nA",
               WeightSign::NonNegative,
               WeightSign::NonPositive});

  {
    auto p = lif_parameters(true);
    p.insert(p.end() - 1, {"e_rev_e", "mV", 0.0, Range::any(), "excitatory reversal potential"});
    p.insert(p.end() - 1, {"e_rev_i", "mV", -70.0, Range::any(), "inhibitory reversal potential"});
    t.push_back({"lif_cond_exp",
                 "leaky integrate-and-fire, conductance-based synapses with exponentially decaying conductance",
                 "exponential Euler: the conductances decay exactly (factor exp(-dt/tau_syn)); v relaxes "
                 "exactly towards the step's effective reversal potential with the step's total "
                 "conductance, both taken at the start of the step; arriving weights are added to the "
                 "conductances after v is advanced (neurons/lif_cond_exp.hpp)",
                 std::move(p),
                 {{"v", "mV", from_parameter("v_rest"), "membrane potential"},
                  {"g_exc", "nS", value(0.0), "excitatory synaptic conductance"},
                  {"g_inh", "nS", value(0.0), "inhibitory synaptic conductance"}},
                 {{"v_reset", "v_thresh"}},
                 "nS",
                 WeightSign::NonNegative,
                 WeightSign::NonNegative});
  }

  t.push_back({"lif_delta",
               "leaky integrate-and-fire with delta synapses: each input spike makes v jump by its weight",
               "exact propagator: v relaxes exactly towards v_rest + 1000 i_offset tau_m/cm (mV) over dt, then the "
               "step's input jumps are added and the threshold checked, so a crossing jump spikes in the "
               "step it arrives; jumps arriving during the refractory period are discarded "
               "(neurons/lif_delta.hpp)",
               lif_parameters(false),
               {{"v", "mV", from_parameter("v_rest"), "membrane potential"}},
               {{"v_reset", "v_thresh"}},
               "mV",
               WeightSign::NonNegative,
               WeightSign::NonPositive});

  {
    auto p = lif_parameters(true);
    p.push_back({"tau_theta", "ms", 1e4, Range::positive(), "decay time constant of the adaptive threshold"});
    p.push_back({"theta_plus", "mV", 0.05, Range::non_negative(), "threshold increase at each spike"});
    t.push_back({"lif_adaptive_threshold",
                 "lif_curr_exp whose threshold v_thresh + theta rises by theta_plus at each spike and "
                 "decays back with tau_theta",
                 "as lif_curr_exp for v and the synaptic currents; theta decays exactly (factor "
                 "exp(-dt/tau_theta)) and jumps by theta_plus when the neuron spikes (neurons/lif_curr_exp.hpp)",
                 std::move(p),
                 {{"v", "mV", from_parameter("v_rest"), "membrane potential"},
                  {"i_syn_exc", "nA", value(0.0), "excitatory synaptic current"},
                  {"i_syn_inh", "nA", value(0.0), "inhibitory synaptic current (<= 0 when inhibiting)"},
                  {"theta", "mV", value(0.0), "threshold adaptation added to v_thresh"}},
                 {{"v_reset", "v_thresh"}},
                 "nA",
                 WeightSign::NonNegative,
                 WeightSign::NonPositive});
  }

  t.push_back({"izhikevich",
               "Izhikevich (2003) quadratic model: dv/dt = 0.04 v^2 + 5 v + 140 - u + I, du/dt = a (b v - u); "
               "at v >= v_peak: v = c, u += d",
               "as in the 2003 paper: v advanced by two forward-Euler half steps of dt/2, then u by one "
               "forward-Euler step of dt with the new v (cut off at v_peak); the step's input jumps v by "
               "its weight before the threshold check; no refractory period (neurons/izhikevich.hpp)",
               {{"a", "1/ms", 0.02, Range::positive(), "time scale of the recovery variable u"},
                {"b", "", 0.2, Range::any(), "sensitivity of u to v"},
                {"c", "mV", -65.0, Range::any(), "potential after a spike"},
                {"d", "mV/ms", 8.0, Range::any(), "increase of u at each spike"},
                {"v_peak", "mV", 30.0, Range::any(), "spike cut-off potential"},
                {"i_offset", "mV/ms", 0.0, Range::any(),
                 "constant input in the model's unit: 1 adds 1 mV/ms to dv/dt (I = 10 gives regular spiking)"}},
               {{"v", "mV", value(-65.0), "membrane potential"},
                {"u", "mV/ms", {InitialRule::Kind::ParameterTimesState, 0.0, "b", "v"}, "recovery variable"}},
               {{"c", "v_peak"}},
               "mV",
               WeightSign::NonNegative,
               WeightSign::NonPositive});
  return t;
}

}  // namespace

std::string Range::describe(std::string_view unit) const {
  const bool lo_inf = std::isinf(low), hi_inf = std::isinf(high);
  if (lo_inf && hi_inf) return "must be finite";
  if (hi_inf) return std::string("must be ") + (low_open ? "> " : ">= ") + with_unit(low, unit);
  if (lo_inf) return std::string("must be ") + (high_open ? "< " : "<= ") + with_unit(high, unit);
  std::string s = "must be in ";
  s += low_open ? '(' : '[';
  s += number(low) + ", " + number(high);
  s += high_open ? ')' : ']';
  if (!unit.empty()) { s += ' '; s += unit; }
  return s;
}

const std::vector<NeuronModelInfo>& neuron_models() {
  static const std::vector<NeuronModelInfo> table = make_table();
  return table;
}

const NeuronModelInfo* find_neuron_model(std::string_view name) {
  for (const auto& m : neuron_models()) if (m.name == name) return &m;
  return nullptr;
}

std::string neuron_model_names() {
  std::string s;
  for (const auto& m : neuron_models()) {
    if (!s.empty()) s += ", ";
    s += m.name;
  }
  return s;
}

}  // namespace spikeforge::model
