// Declarations of the binding functions, one per part of the C++ API, each in its own file.
#pragma once

#include <pybind11/pybind11.h>

namespace spikeforge::python {
void bind_errors(pybind11::module_& m);
void bind_model(pybind11::module_& m);
void bind_tables(pybind11::module_& m);
void bind_simulator(pybind11::module_& m);
}  // namespace spikeforge::python
