// The library's one logger: spikeforge never prints otherwise. Applications may replace the sink
// or change the level; the default writes warnings and errors to stderr.
#pragma once

#include <memory>
#include <string_view>

#include <spdlog/logger.h>

namespace spikeforge {

/// The "spikeforge" spdlog logger (created on first use, registered with spdlog).
spdlog::logger& logger();

/// Sets the level by name: "trace", "debug", "info", "warn", "error", "critical", "off".
/// Throws ValidationError for an unknown name.
void set_log_level(std::string_view level);

}  // namespace spikeforge
