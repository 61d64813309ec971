// Per-neuron exponential spike traces, the only state pair and triplet rules keep besides the
// weights: K traces per neuron stored neuron-major, decayed once per step, bumped at spikes.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace spikeforge::plasticity {

/// K traces for each of n neurons; value type T (float in normal runs, double for reference runs).
/// A trace jumps by 1 at each spike (all-to-all pairing) or is set to 1 (nearest-neighbour pairing)
/// and decays by exp(-dt/tau) per step, so it equals the sum (or the latest) of exp(-(t - t_k)/tau).
template <class T, std::size_t K>
class TraceSet {
public:
  TraceSet() = default;
  TraceSet(std::size_t n, const std::array<double, K>& tau_ms, double dt_ms, bool nearest)
      : n_(n), nearest_(nearest), value_(n * K, T(0)) {
    for (std::size_t k = 0; k < K; ++k) decay_[k] = static_cast<T>(std::exp(-dt_ms / tau_ms[k]));
  }

  std::size_t size() const noexcept { return n_; }
  /// The K traces of neuron i.
  const T* of(std::size_t i) const noexcept { return value_.data() + i * K; }

  void decay() noexcept { decay(0, n_); }
  /// Decays neurons [begin, end) only: a partition of the neurons advances its own share.
  void decay(std::size_t begin, std::size_t end) noexcept {
    T* __restrict v = value_.data();
    if constexpr (K == 1) {
      const T f = decay_[0];
      for (std::size_t i = begin; i < end; ++i) v[i] *= f;
    } else {
      for (std::size_t i = begin; i < end; ++i) {
        for (std::size_t k = 0; k < K; ++k) v[i * K + k] *= decay_[k];
      }
    }
  }
  /// The traces of neuron i as decay() would leave them, without changing them (same rounding).
  std::array<T, K> decayed(std::size_t i) const noexcept {
    std::array<T, K> r;
    for (std::size_t k = 0; k < K; ++k) r[k] = value_[i * K + k] * decay_[k];
    return r;
  }
  /// Neuron i spiked `count` times in this step.
  void spike(std::size_t i, std::uint32_t count = 1) noexcept {
    T* v = value_.data() + i * K;
    for (std::size_t k = 0; k < K; ++k) v[k] = nearest_ ? T(1) : v[k] + static_cast<T>(count);
  }
  void clear() noexcept { std::fill(value_.begin(), value_.end(), T(0)); }
  /// Every value, K per neuron (a checkpoint saves and restores them).
  std::span<T> values() noexcept { return value_; }
  std::span<const T> values() const noexcept { return value_; }
  std::size_t bytes() const noexcept { return value_.size() * sizeof(T); }

private:
  std::size_t n_ = 0;
  bool nearest_ = false;
  std::array<T, K> decay_{};
  std::vector<T> value_;
};

}  // namespace spikeforge::plasticity
