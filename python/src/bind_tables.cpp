// Bindings of the free functions of the model layer: the neuron model table, validation, the JSON
// network file, realised synapses, registered backends, and the reference networks.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <spikeforge/backend/backend.hpp>
#include <spikeforge/model/json_io.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/neuron_models.hpp>
#include <spikeforge/model/plasticity_rules.hpp>
#include <spikeforge/model/reference_networks.hpp>
#include <spikeforge/model/resolve.hpp>
#include <spikeforge/model/synapses.hpp>
#include <spikeforge/model/validate.hpp>

#include "bindings.hpp"
#include "record_store.hpp"

namespace py = pybind11;

namespace spikeforge::python {
namespace {

py::dict range_dict(const model::Range& r, std::string_view unit) {
  py::dict d;
  d["low"] = r.low;
  d["high"] = r.high;
  d["low_open"] = r.low_open;
  d["high_open"] = r.high_open;
  d["text"] = r.describe(unit);
  return d;
}

const char* sign_name(model::WeightSign s) {
  switch (s) {
    case model::WeightSign::NonNegative: return ">= 0";
    case model::WeightSign::NonPositive: return "<= 0";
    case model::WeightSign::Any: return "any";
  }
  return "any";
}

py::list parameter_list(const std::vector<model::ParameterInfo>& parameters) {
  py::list params;
  for (const auto& p : parameters) {
    py::dict e;
    e["name"] = std::string(p.name);
    e["unit"] = std::string(p.unit);
    e["default"] = p.default_value;
    e["range"] = range_dict(p.range, p.unit);
    e["meaning"] = std::string(p.meaning);
    params.append(e);
  }
  return params;
}

py::dict rule_dict(const model::PlasticityRuleInfo& r) {
  py::dict d;
  d["name"] = std::string(r.name);
  d["summary"] = std::string(r.summary);
  d["parameters"] = parameter_list(r.parameters);
  d["eligibility"] = r.eligibility;
  return d;
}

py::dict model_dict(const model::NeuronModelInfo& m) {
  py::dict d;
  d["name"] = std::string(m.name);
  d["summary"] = std::string(m.summary);
  d["integration"] = std::string(m.integration);
  py::list params;
  for (const auto& p : m.parameters) {
    py::dict e;
    e["name"] = std::string(p.name);
    e["unit"] = std::string(p.unit);
    e["default"] = p.default_value;
    e["range"] = range_dict(p.range, p.unit);
    e["meaning"] = std::string(p.meaning);
    params.append(e);
  }
  d["parameters"] = params;
  py::list state;
  for (const auto& s : m.state) {
    py::dict e;
    e["name"] = std::string(s.name);
    e["unit"] = std::string(s.unit);
    e["meaning"] = std::string(s.meaning);
    switch (s.initial.kind) {
      case model::InitialRule::Kind::Value: e["initial"] = s.initial.value; break;
      case model::InitialRule::Kind::Parameter: e["initial"] = std::string(s.initial.parameter); break;
      case model::InitialRule::Kind::ParameterTimesState:
        e["initial"] = std::string(s.initial.parameter) + " * " + std::string(s.initial.state);
        break;
    }
    state.append(e);
  }
  d["state"] = state;
  py::list orders;
  for (const auto& o : m.orders) orders.append(py::make_tuple(std::string(o.lower), std::string(o.higher)));
  d["orders"] = orders;
  d["weight_unit"] = std::string(m.weight_unit);
  d["excitatory_sign"] = sign_name(m.excitatory_sign);
  d["inhibitory_sign"] = sign_name(m.inhibitory_sign);
  return d;
}

py::dict synapse_dict(model::SynapseList&& s) {
  py::dict d;
  d["pre"] = adopt(std::move(s.pre));
  d["post"] = adopt(std::move(s.post));
  d["weight"] = adopt(std::move(s.weight));
  d["delay"] = adopt(std::move(s.delay));
  return d;
}

}  // namespace

void bind_tables(py::module_& m) {
  m.def("neuron_models", [] {
    py::list out;
    for (const auto& info : model::neuron_models()) out.append(model_dict(info));
    return out;
  }, "The neuron model table: per model its parameters (unit, default, allowed range), state variables, "
     "weight unit and sign rules, and integration scheme.");
  m.def("plasticity_rules", [] {
    py::list out;
    for (const auto& info : model::plasticity_rules()) out.append(rule_dict(info));
    return out;
  }, "The plasticity rule table: per rule its parameters (unit, default, allowed range) and whether it keeps "
     "a per-synapse eligibility.");
  m.def("validate", &model::validate, py::arg("network"),
        "Raises ValidationError (a ValueError) for the first bad value, naming object, field and allowed range.");
  m.def("to_json", &model::to_json, py::arg("network"));
  m.def("from_json", &model::from_json, py::arg("text"));
  m.def("save_json", &model::save_json, py::arg("network"), py::arg("path"));
  m.def("load_json", &model::load_json, py::arg("path"));
  m.def("instantiate", &model::instantiate, py::arg("network"));
  m.def("build_synapses", [](const model::Network& net, const std::string& projection) {
    return synapse_dict(model::build_synapses(net, model::resolve(net).projection(projection)));
  }, py::arg("network"), py::arg("projection"));
  m.def("backend_names", &backend_names);

  // The reference networks (spikeforge/model/reference_networks.hpp), one definition for C++ and Python.
  namespace ref = model::reference;
  py::module_ r = m.def_submodule("reference", "The reference networks of spikeforge/model/reference_networks.hpp.");
  r.def("coba", &ref::coba, py::arg("seed") = 1, py::arg("dt") = 0.1);
  r.def("coba_sized", &ref::coba_sized, py::arg("n"), py::arg("p"), py::arg("seed") = 1, py::arg("dt") = 0.1);
  r.def("cuba", &ref::cuba, py::arg("seed") = 1, py::arg("dt") = 0.1);
  r.def("brunel", &ref::brunel, py::arg("seed") = 1, py::arg("stdp") = false, py::arg("dt") = 0.1);
  r.def("brunel_sized", &ref::brunel_sized, py::arg("n_exc"), py::arg("n_inh"), py::arg("c_exc"), py::arg("c_inh"),
        py::arg("seed") = 1, py::arg("stdp") = false, py::arg("dt") = 0.1);
  r.def("plastic", &ref::plastic, py::arg("seed") = 1, py::arg("dt") = 0.1);
  r.def("chip", &ref::chip, py::arg("seed") = 42);
  r.def("benchmark_names", &ref::benchmark_names);
  r.def("benchmark", &ref::benchmark, py::arg("name"), py::arg("seed") = 1, py::arg("dt") = 0.1);
}

}  // namespace spikeforge::python
