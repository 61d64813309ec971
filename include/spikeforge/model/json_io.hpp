// The native network file: a Network as JSON, saved and loaded without any loss (every double
// reads back bit for bit), either as rules (connectors with seeds) or instantiated (per synapse).
#pragma once

#include <string>

#include <spikeforge/model/network.hpp>

namespace spikeforge::model {

/// The value of the file's "format" field; "version" is kNetworkFileVersion.
inline constexpr const char* kNetworkFileFormat = "spikeforge-network";
inline constexpr int kNetworkFileVersion = 1;

/// The network as JSON text (format described in docs/network-file.md). Non-finite numbers are
/// written as the strings "nan", "inf", "-inf" so that even an invalid network round-trips.
std::string to_json(const Network& network);

/// Parses a network file's text. Structural problems (malformed JSON, a missing field, a wrong
/// type, an unknown kind or key, a wrong format or version) throw ValidationError whose field is
/// the JSON path, e.g. "projections[2].connector.p". Values are not range-checked here: call
/// validate() (the Simulator does).
Network from_json(const std::string& text);

/// to_json written to `path`; throws Error when the file cannot be written.
void save_json(const Network& network, const std::string& path);
/// from_json of the file at `path`; errors name the file.
Network load_json(const std::string& path);

}  // namespace spikeforge::model
