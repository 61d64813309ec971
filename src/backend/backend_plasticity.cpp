#include <spikeforge/backend/backend.hpp>
#include <spikeforge/core/error.hpp>

#include <string>

namespace spikeforge {

// Defaults for backends that run no plasticity: refusing is better than silently not learning.
void Backend::set_learning(std::size_t, bool) {
  throw UnsupportedError("backend '" + std::string(name()) + "' does not run plasticity (set_learning)");
}
void Backend::set_modulator(double) {
  throw UnsupportedError("backend '" + std::string(name()) + "' does not run plasticity (set_modulator)");
}
void Backend::set_modulator_callback(std::function<double(double)>) {
  throw UnsupportedError("backend '" + std::string(name()) + "' does not run plasticity (set_modulator_callback)");
}

}  // namespace spikeforge
