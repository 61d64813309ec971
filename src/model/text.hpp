// Number formatting shared by the model layer's error messages (private to src/model).
#pragma once

#include <charconv>
#include <string>

namespace spikeforge::model::detail {

/// Shortest decimal form that reads back to the same double, so messages show "0.1", not
/// "0.10000000000000001", and "20", not "2e+01".
inline std::string number(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

}  // namespace spikeforge::model::detail
