// Number formatting shared by the model layer's error messages (private to src/model).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace spikeforge::model::detail {

/// Shortest decimal form that reads back to the same double, so messages show "0.1", not
/// "0.10000000000000001".
inline std::string number(double x) {
  char buf[40];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, x);
    if (std::strtod(buf, nullptr) == x) return buf;
  }
  return buf;
}

}  // namespace spikeforge::model::detail
