// Maps spikeforge's C++ exceptions to Python ones: bad values become ValueError (a subclass
// that also carries the object and field), unsupported requests NotImplementedError-like errors.
#include <pybind11/pybind11.h>

#include <spikeforge/core/error.hpp>

#include "bindings.hpp"

namespace py = pybind11;

namespace spikeforge::python {

void bind_errors(py::module_& m) {
  static py::exception<ValidationError> validation_error(m, "ValidationError", PyExc_ValueError);
  static py::exception<UnsupportedError> unsupported_error(m, "UnsupportedError", PyExc_RuntimeError);
  static py::exception<Error> spikeforge_error(m, "Error", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ValidationError& e) {
      PyErr_SetString(validation_error.ptr(), e.what());
    } catch (const UnsupportedError& e) {
      PyErr_SetString(unsupported_error.ptr(), e.what());
    } catch (const Error& e) {
      PyErr_SetString(spikeforge_error.ptr(), e.what());
    }
  });
}

}  // namespace spikeforge::python
