// Weight limits every plastic projection applies after each update: hard bounds [w_min, w_max]
// and, optionally, Dale's law (a weight never changes sign; a weight driven to 0 keeps its signed zero).
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace spikeforge::plasticity {

struct WeightBounds {
  double w_min = 0.0, w_max = 1.0;
  bool dale = false;

  explicit WeightBounds(const std::map<std::string, double>& p)
      : w_min(p.at("w_min")), w_max(p.at("w_max")), dale(p.at("dale") != 0.0) {}

  /// The weight that replaces `old` after a change to `w`. With Dale's law a weight that would
  /// cross zero stops at a zero of its own sign (Dale's law wins over bounds that exclude zero).
  /// Always inlined: it runs once per synapse update and a call costs more than its body.
  template <class W>
  [[gnu::always_inline]] W apply(W old, double w) const noexcept {
    double r = std::clamp(w, w_min, w_max);
    if (dale && (r == 0.0 || std::signbit(r) != std::signbit(old))) r = std::copysign(0.0, static_cast<double>(old));
    return static_cast<W>(r);
  }
};

}  // namespace spikeforge::plasticity
