// Maps spikeforge's C++ exceptions to Python ones: ValidationError (bad values) is both a
// spikeforge.Error and a ValueError; UnsupportedError and other errors are RuntimeErrors.
#include <pybind11/pybind11.h>

#include <spikeforge/core/error.hpp>

#include "bindings.hpp"

namespace py = pybind11;

namespace spikeforge::python {

void bind_errors(py::module_& m) {
  static py::exception<Error> spikeforge_error(m, "Error", PyExc_RuntimeError);
  // A tuple of bases: `except ValueError` and `except spikeforge.Error` both catch it.
  static py::exception<ValidationError> validation_error(
      m, "ValidationError", py::make_tuple(spikeforge_error, py::handle(PyExc_ValueError)));
  static py::exception<UnsupportedError> unsupported_error(m, "UnsupportedError", spikeforge_error);
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
