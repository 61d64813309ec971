// Error types of spikeforge: every failure the library reports is one of these.
// ValidationError is for bad user input and always names the object, the field and the allowed range.
#pragma once

#include <stdexcept>
#include <string>

namespace spikeforge {

/// Base class of every exception spikeforge throws.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Bad user input (parameter, connector, file, packet), detected before any simulation starts.
/// The message reads: "<object> '<name>': <field> = <value>: <what is allowed>".
class ValidationError : public Error {
public:
  ValidationError(std::string object, std::string field, const std::string& message)
      : Error(object + ": " + field + ": " + message),
        object_(std::move(object)),
        field_(std::move(field)) {}

  /// The offending object, e.g. "population 'E'" or "projection 'EE'".
  const std::string& object() const noexcept { return object_; }
  /// The offending field, e.g. "tau_m" or "connector.p".
  const std::string& field() const noexcept { return field_; }

private:
  std::string object_;
  std::string field_;
};

/// A request that is valid in itself but cannot be carried out by this backend or build,
/// e.g. a network that does not fit the hardware core.
class UnsupportedError : public Error {
public:
  using Error::Error;
};

}  // namespace spikeforge
