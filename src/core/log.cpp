#include <spikeforge/core/error.hpp>
#include <spikeforge/core/log.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

namespace spikeforge {

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    if (auto existing = spdlog::get("spikeforge")) return existing;
    auto made = spdlog::stderr_color_mt("spikeforge");
    made->set_level(spdlog::level::warn);
    return made;
  }();
  return *instance;
}

void set_log_level(std::string_view level) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  // from_str maps unknown names to "off"; only accept "off" when it was asked for.
  if (parsed == spdlog::level::off && level != "off") {
    throw ValidationError("logger 'spikeforge'", "level",
                          "'" + std::string(level) + "' is not one of trace, debug, info, warn, error, critical, off");
  }
  logger().set_level(parsed);
}

}  // namespace spikeforge
