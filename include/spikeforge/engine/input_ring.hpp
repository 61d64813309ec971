// Delayed synaptic input of one population: an accumulator per (delay slot, receptor, neuron).
// A spike due at step s is added into slot s mod length; the population's kernel consumes the slot
// of the step it is advancing, zeroing each entry as it reads it, so delivery never sorts by delay.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace spikeforge::engine {

class InputRing {
public:
  static constexpr std::size_t kReceptors = 2;  ///< 0 = excitatory, 1 = inhibitory

  InputRing() = default;
  /// `length` must exceed the largest delay (in steps) of any projection into the population.
  InputRing(std::size_t neurons, std::size_t length)
      : neurons_(neurons), length_(std::max<std::size_t>(length, 1)), data_(length_ * kReceptors * neurons, 0.0) {}

  std::size_t length() const noexcept { return length_; }
  std::size_t neurons() const noexcept { return neurons_; }
  /// Accumulators of `receptor` for input consumed at step `step`.
  double* slot(std::uint64_t step, std::size_t receptor) noexcept {
    return data_.data() + (static_cast<std::size_t>(step % length_) * kReceptors + receptor) * neurons_;
  }
  void clear_slot(std::uint64_t step) noexcept {
    double* first = slot(step, 0);
    std::fill(first, first + kReceptors * neurons_, 0.0);
  }
  void clear() noexcept { std::fill(data_.begin(), data_.end(), 0.0); }
  std::size_t bytes() const noexcept { return data_.size() * sizeof(double); }
  /// Every accumulator (a checkpoint saves and restores them).
  std::span<double> data() noexcept { return data_; }
  std::span<const double> data() const noexcept { return data_; }

private:
  std::size_t neurons_ = 0, length_ = 1;
  std::vector<double> data_;
};

}  // namespace spikeforge::engine
