// Bindings of the network description (spikeforge::model): plain data with the C++ field names;
// the Python package adds keyword-argument builders and unit docstrings on top.
#include <pybind11/pybind11.h>
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include <spikeforge/model/network.hpp>

#include "bindings.hpp"

namespace py = pybind11;

namespace spikeforge::python {

void bind_model(py::module_& m) {
  using namespace spikeforge::model;

  py::class_<Distribution> dist(m, "Distribution",
                                "A value, or a rule drawing one value per neuron or synapse.");
  py::enum_<Distribution::Kind>(dist, "Kind")
      .value("Constant", Distribution::Kind::Constant)
      .value("Array", Distribution::Kind::Array)
      .value("Uniform", Distribution::Kind::Uniform)
      .value("Normal", Distribution::Kind::Normal)
      .value("LogNormal", Distribution::Kind::LogNormal);
  dist.def(py::init<>())
      .def_readwrite("kind", &Distribution::kind)
      .def_readwrite("a", &Distribution::a)
      .def_readwrite("b", &Distribution::b)
      .def_readwrite("values", &Distribution::values)
      .def_readwrite("low_bound", &Distribution::low_bound)
      .def_readwrite("high_bound", &Distribution::high_bound)
      .def_static("constant", &Distribution::constant, py::arg("value"))
      .def_static("array", &Distribution::array, py::arg("values"))
      .def_static("uniform", &Distribution::uniform, py::arg("low"), py::arg("high"))
      .def_static("normal", &Distribution::normal, py::arg("mean"), py::arg("sd"))
      .def_static("lognormal", &Distribution::lognormal, py::arg("mu"), py::arg("sigma"))
      .def(py::self == py::self)
      .def("__repr__", [](const Distribution& d) {
        switch (d.kind) {
          case Distribution::Kind::Constant: return "Constant(" + std::to_string(d.a) + ")";
          case Distribution::Kind::Array: return "Array(n=" + std::to_string(d.values.size()) + ")";
          case Distribution::Kind::Uniform:
            return "Uniform(" + std::to_string(d.a) + ", " + std::to_string(d.b) + ")";
          case Distribution::Kind::Normal:
            return "Normal(" + std::to_string(d.a) + ", " + std::to_string(d.b) + ")";
          case Distribution::Kind::LogNormal:
            return "LogNormal(" + std::to_string(d.a) + ", " + std::to_string(d.b) + ")";
        }
        return std::string("Distribution(?)");
      });

  py::class_<Population>(m, "Population", "A group of neurons of one model.")
      .def(py::init<>())
      .def_readwrite("name", &Population::name)
      .def_readwrite("size", &Population::size)
      .def_readwrite("model", &Population::model)
      .def_readwrite("params", &Population::params)
      .def_readwrite("initial", &Population::initial)
      .def(py::self == py::self);

  py::class_<SpikeSource> src(m, "SpikeSource", "Poisson generators or given spike times.");
  py::enum_<SpikeSource::Kind>(src, "Kind")
      .value("Poisson", SpikeSource::Kind::Poisson)
      .value("SpikeTimes", SpikeSource::Kind::SpikeTimes);
  src.def(py::init<>())
      .def_readwrite("name", &SpikeSource::name)
      .def_readwrite("size", &SpikeSource::size)
      .def_readwrite("kind", &SpikeSource::kind)
      .def_readwrite("rate", &SpikeSource::rate)
      .def_readwrite("rate_times", &SpikeSource::rate_times)
      .def_readwrite("rate_values", &SpikeSource::rate_values)
      .def_readwrite("spike_times", &SpikeSource::spike_times)
      .def(py::self == py::self);

  py::class_<Connector> con(m, "Connector", "How pre and post neurons are paired.");
  py::enum_<Connector::Kind>(con, "Kind")
      .value("AllToAll", Connector::Kind::AllToAll)
      .value("OneToOne", Connector::Kind::OneToOne)
      .value("FixedProbability", Connector::Kind::FixedProbability)
      .value("FixedInDegree", Connector::Kind::FixedInDegree)
      .value("FixedOutDegree", Connector::Kind::FixedOutDegree)
      .value("FromList", Connector::Kind::FromList)
      .value("DenseMatrix", Connector::Kind::DenseMatrix);
  con.def(py::init<>())
      .def_readwrite("kind", &Connector::kind)
      .def_readwrite("p", &Connector::p)
      .def_readwrite("n", &Connector::n)
      .def_readwrite("allow_self_connections", &Connector::allow_self_connections)
      .def_readwrite("seed", &Connector::seed)
      .def_readwrite("pre", &Connector::pre)
      .def_readwrite("post", &Connector::post)
      .def_readwrite("matrix", &Connector::matrix)
      .def(py::self == py::self);

  py::class_<Plasticity>(m, "Plasticity",
                         "Learning rule of a projection: rule name (see plasticity_rules()) and parameters "
                         "(ms, Hz, weight units).")
      .def(py::init<>())
      .def(py::init([](std::string rule, std::map<std::string, double> params) {
             return Plasticity{std::move(rule), std::move(params)};
           }),
           py::arg("rule"), py::arg("params") = std::map<std::string, double>{})
      .def_readwrite("rule", &Plasticity::rule)
      .def_readwrite("params", &Plasticity::params)
      .def(py::self == py::self);

  py::class_<Projection>(m, "Projection", "Synapses from a population or spike source onto a population.")
      .def(py::init<>())
      .def_readwrite("name", &Projection::name)
      .def_readwrite("pre", &Projection::pre)
      .def_readwrite("post", &Projection::post)
      .def_readwrite("connector", &Projection::connector)
      .def_readwrite("weight", &Projection::weight)
      .def_readwrite("delay", &Projection::delay)
      .def_readwrite("receptor", &Projection::receptor)
      .def_readwrite("seed", &Projection::seed)
      .def_readwrite("plasticity", &Projection::plasticity)
      .def(py::self == py::self);

  py::class_<CurrentSource> cur(m, "CurrentSource", "DC or step current into neurons (nA, ms).");
  py::enum_<CurrentSource::Kind>(cur, "Kind")
      .value("DC", CurrentSource::Kind::DC)
      .value("Step", CurrentSource::Kind::Step);
  cur.def(py::init<>())
      .def_readwrite("name", &CurrentSource::name)
      .def_readwrite("target", &CurrentSource::target)
      .def_readwrite("neurons", &CurrentSource::neurons)
      .def_readwrite("kind", &CurrentSource::kind)
      .def_readwrite("amplitude", &CurrentSource::amplitude)
      .def_readwrite("start", &CurrentSource::start)
      .def_readwrite("stop", &CurrentSource::stop)
      .def_readwrite("times", &CurrentSource::times)
      .def_readwrite("amplitudes", &CurrentSource::amplitudes)
      .def(py::self == py::self);

  py::class_<Probe> probe(m, "Probe", "What to record: spikes, state variables or weights.");
  py::enum_<Probe::Kind>(probe, "Kind")
      .value("Spikes", Probe::Kind::Spikes)
      .value("State", Probe::Kind::State)
      .value("Weights", Probe::Kind::Weights);
  probe.def(py::init<>())
      .def_readwrite("name", &Probe::name)
      .def_readwrite("kind", &Probe::kind)
      .def_readwrite("target", &Probe::target)
      .def_readwrite("variables", &Probe::variables)
      .def_readwrite("neurons", &Probe::neurons)
      .def_readwrite("interval", &Probe::interval)
      .def(py::self == py::self);

  py::class_<Network>(m, "Network", "The network description shared by every backend.")
      .def(py::init<>())
      .def(py::init<const Network&>(), py::arg("other"), "A copy of `other`.")
      .def_readwrite("dt", &Network::dt)
      .def_readwrite("seed", &Network::seed)
      .def_readwrite("populations", &Network::populations)
      .def_readwrite("spike_sources", &Network::spike_sources)
      .def_readwrite("projections", &Network::projections)
      .def_readwrite("current_sources", &Network::current_sources)
      .def_readwrite("probes", &Network::probes)
      // Builders return copies: the vectors may reallocate on the next call.
      .def("add_population", &Network::add_population, py::arg("name"), py::arg("size"), py::arg("model"),
           py::arg("params") = std::map<std::string, Distribution>{},
           py::arg("initial") = std::map<std::string, Distribution>{}, py::return_value_policy::copy)
      .def("add_poisson_source", &Network::add_poisson_source, py::arg("name"), py::arg("size"),
           py::arg("rate_hz"), py::return_value_policy::copy)
      .def("add_spike_times", &Network::add_spike_times, py::arg("name"), py::arg("times_ms"),
           py::return_value_policy::copy)
      .def("connect", &Network::connect, py::arg("name"), py::arg("pre"), py::arg("post"),
           py::arg("connector"), py::arg("weight"), py::arg("delay_ms"), py::arg("receptor") = "excitatory",
           py::arg("plasticity") = std::nullopt, py::arg("seed") = 0, py::return_value_policy::copy)
      .def("add_dc_current", &Network::add_dc_current, py::arg("name"), py::arg("target"),
           py::arg("amplitude_na"), py::arg("start_ms") = 0.0, py::arg("stop_ms") = -1.0,
           py::arg("neurons") = std::vector<std::uint32_t>{}, py::return_value_policy::copy)
      .def("add_step_current", &Network::add_step_current, py::arg("name"), py::arg("target"),
           py::arg("times_ms"), py::arg("amplitudes_na"), py::arg("neurons") = std::vector<std::uint32_t>{},
           py::return_value_policy::copy)
      .def("record_spikes", &Network::record_spikes, py::arg("target"),
           py::arg("neurons") = std::vector<std::uint32_t>{}, py::return_value_policy::copy)
      .def("record_state", &Network::record_state, py::arg("target"), py::arg("variables"),
           py::arg("neurons") = std::vector<std::uint32_t>{}, py::arg("interval_ms") = 0.0,
           py::return_value_policy::copy)
      .def("record_weights", &Network::record_weights, py::arg("projection"), py::arg("interval_ms"),
           py::return_value_policy::copy)
      .def(py::self == py::self);
}

}  // namespace spikeforge::python
