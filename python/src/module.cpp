// The spikeforge._core extension module: binds the public C++ API. The pure-Python package
// (python/spikeforge) builds its user-facing API on top of it.
#include <pybind11/pybind11.h>

#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "spikeforge C++ core (network description, simulators, hardware model)";
  spikeforge::python::bind_errors(m);
  spikeforge::python::bind_model(m);
  spikeforge::python::bind_tables(m);
  spikeforge::python::bind_simulator(m);
}
