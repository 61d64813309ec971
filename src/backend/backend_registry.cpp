#include <spikeforge/backend/backend.hpp>
#include <spikeforge/backend/cpu_backend.hpp>
#include <spikeforge/backend/cpu_fixed_backend.hpp>
#include <spikeforge/backend/fpga_serial_backend.hpp>
#include <spikeforge/core/error.hpp>

#include <map>
#include <mutex>

namespace spikeforge {

namespace {
struct Registry {
  std::mutex mutex;
  std::map<std::string, BackendFactory> factories;
};

Registry& registry() {
  static Registry r;
  static const bool builtin_registered = [] {
    r.factories.emplace("cpu", [](const model::Network& n, const model::Resolved& r, const SimulatorOptions& o)
                                   -> std::unique_ptr<Backend> { return std::make_unique<CpuBackend>(n, r, o); });
    r.factories.emplace("cpu-fixed", [](const model::Network& n, const model::Resolved& r, const SimulatorOptions& o)
                                         -> std::unique_ptr<Backend> { return std::make_unique<CpuFixedBackend>(n, r, o); });
    r.factories.emplace("fpga", [](const model::Network& n, const model::Resolved& r, const SimulatorOptions& o)
                                    -> std::unique_ptr<Backend> { return std::make_unique<FpgaSerialBackend>(n, r, o); });
    return true;
  }();
  (void)builtin_registered;
  return r;
}
}  // namespace

void register_backend(std::string name, BackendFactory factory) {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  r.factories[std::move(name)] = std::move(factory);
}

std::vector<std::string> backend_names() {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  std::vector<std::string> names;
  for (const auto& [name, factory] : r.factories) names.push_back(name);
  return names;
}

std::unique_ptr<Backend> make_backend(const model::Network& network, const model::Resolved& resolved,
                                      const SimulatorOptions& options) {
  BackendFactory factory;
  {
    Registry& r = registry();
    const std::lock_guard lock(r.mutex);
    const auto it = r.factories.find(options.backend);
    if (it != r.factories.end()) factory = it->second;
  }
  if (!factory) {
    std::string allowed;
    for (const auto& n : backend_names()) allowed += (allowed.empty() ? "" : ", ") + n;
    throw ValidationError("simulator options", "backend", "'" + options.backend + "' is not one of: " + allowed);
  }
  return factory(network, resolved, options);
}

}  // namespace spikeforge
