// Fused Poisson drives (docs/engine.md): a Poisson source whose only projection is static
// one-to-one, drawn by the partition that owns its targets and added without spike lists.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace spikeforge::engine {

// A Poisson source whose only projection is static one-to-one with a delay of one step
// (generator i -> neuron i): the partition owning neuron i draws generator i itself, so the
// drive needs no spike list, no delivery pass and no synchronisation.
struct FusedDrive {
  static constexpr std::uint64_t kNever = ~std::uint64_t{0};
  struct Weights {
    std::vector<double> w;  // per neuron: the stored float weight, as delivery would widen it
    bool finite = true;     // every weight finite: the branch-free addition is exact
  };
  std::size_t source = 0, projection = 0, receptor = 0;
  std::uint32_t delay = 1;
  Weights weights;
  // The stamp drawn in step m was emitted in step m - 1 by the delivered path, with the weights
  // in force then: after set_weights() between steps S - 1 and S, step S still uses these.
  Weights previous;
  std::uint64_t previous_step = kNever;
  std::vector<std::uint32_t> drawn;  // per neuron: this step's spike count (partitions write their own range)

  static Weights make(std::vector<double> w) {
    const bool finite = std::all_of(w.begin(), w.end(), [](double x) { return std::isfinite(x); });
    return {std::move(w), finite};
  }
  void set_weights(std::vector<double> w, std::uint64_t step) {
    if (previous_step != step) {  // a second call before any step keeps the weights the first one replaced
      previous = std::move(weights);
      previous_step = step;
    }
    weights = make(std::move(w));
  }
  const Weights& for_step(std::uint64_t m) const noexcept { return m == previous_step ? previous : weights; }
};

}  // namespace spikeforge::engine
