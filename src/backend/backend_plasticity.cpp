#include <spikeforge/backend/backend.hpp>
#include <spikeforge/core/error.hpp>

#include <string>

namespace spikeforge {

// Defaults for backends without checkpoints or plasticity: refusing is better than silently not
// saving or not learning.
void Backend::save_state(core::StateWriter&) const {
  throw UnsupportedError("backend '" + std::string(name()) + "' has no checkpoints yet (save_state); 'cpu' has");
}
void Backend::load_state(core::StateReader&) {
  throw UnsupportedError("backend '" + std::string(name()) + "' has no checkpoints yet (load_state); 'cpu' has");
}

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
