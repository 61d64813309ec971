// compile(): the stages of compile_stages.hpp in order, and the report's table.
#include <spikeforge/hw/compile.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/resolve.hpp>
#include <spikeforge/model/validate.hpp>

#include "compile_stages.hpp"

namespace spikeforge::hw {

namespace detail {

std::string quoted(const std::string& kind, const std::string& name) { return kind + " '" + name + "'"; }

void refuse(const std::string& object, const std::string& reason) { throw UnsupportedError(object + ": " + reason); }

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::int64_t round_checked(double x, std::int64_t lo, std::int64_t hi, const std::string& object,
                           const std::string& what) {
  const double r = std::nearbyint(x);
  if (!(r >= static_cast<double>(lo) && r <= static_cast<double>(hi))) {
    refuse(object, what + " = " + num(x) + " LSB does not fit the core's range [" + std::to_string(lo) + ", " +
                       std::to_string(hi) + "]");
  }
  return static_cast<std::int64_t>(r);
}

}  // namespace detail

std::string QuantisationReport::text() const {
  std::ostringstream out;
  out << "parameters (worst neuron of each population):\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %-12s %-30s %6s %14s %8s %14s %10s\n", "population", "parameter", "neuron",
                "value", "integer", "represented", "rel.error");
  out << line;
  for (const auto& p : parameters) {
    std::snprintf(line, sizeof line, "  %-12s %-30s %6u %14.6g %8lld %14.6g %10.2e\n", p.population.c_str(),
                  p.parameter.c_str(), p.neuron, p.value, static_cast<long long>(p.integer), p.represented,
                  p.relative_error);
    out << line;
  }
  out << "weights:\n";
  std::snprintf(line, sizeof line, "  %-16s %9s %12s %12s %12s %12s %8s\n", "projection", "synapses", "lsb",
                "max|err|", "mean|err|", "rms rel.err", "to zero");
  out << line;
  for (const auto& w : weights) {
    std::snprintf(line, sizeof line, "  %-16s %9zu %12.4g %12.4g %12.4g %12.3e %8zu\n", w.projection.c_str(), w.synapses,
                  w.lsb, w.max_abs_error, w.mean_abs_error, w.rms_relative_error, w.rounded_to_zero);
    out << line;
  }
  for (const auto& n : notes) out << "note: " << n << "\n";
  return out.str();
}

CompileResult compile(const model::Network& net, const CoreConfig& config) {
  config.geometry.validate();
  // Sizes first: a network larger than the core is refused before validation looks at each of
  // its neurons and synapses (10^9 neurons would take long, or refuse for want of memory).
  detail::check_fits(net, config.geometry);
  model::validate(net);
  const model::Resolved resolved = model::resolve(net);
  CompileResult result;
  result.image = detail::blank_image(config.geometry, net.dt);
  if (!(net.dt > 0.0)) detail::refuse("network", "dt = " + detail::num(net.dt) + " ms: must be > 0");
  const detail::Layout layout = detail::place(net, resolved, result.image, result.report);
  detail::quantise_neurons(net, layout, config, result.image, result.report);
  detail::quantise_weights(result.image, result.report);
  detail::map_learning(net, result.image, result.report);
  detail::check_probes(net, resolved);
  return result;
}

}  // namespace spikeforge::hw
