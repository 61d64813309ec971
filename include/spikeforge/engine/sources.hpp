// Run-time inputs of the engine: Poisson spike generators, given spike times, and injected
// DC/step currents. Poisson draws are counter-based (key = run seed, stream = source neuron id,
// counter from the step), so a seed fixes the spikes whatever the thread count or run splitting.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <spikeforge/core/random.hpp>

namespace spikeforge::engine {

/// Converts a time in ms to the nearest step index.
inline std::int64_t to_step(double t_ms, double dt) noexcept { return std::llround(t_ms / dt); }

/// Spikes one source group emits in one step: neuron ids and how many spikes each sent.
struct SourceSpikes {
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> counts;
  void clear() noexcept { ids.clear(); counts.clear(); }
};

/// Poisson generators. A stamp s covers the interval [t_{s-1}, t_s): each generator emits
/// k ~ Poisson(rate * dt) spikes stamped t_s (k > 1 is possible at high rates, e.g. the Brunel
/// network's 20 kHz drive, and is delivered as k times the weight). The rate in force is the one at
/// t_{s-1}: per-source `rates` before the first change, then the piecewise constant schedule.
/// k comes from inverting the Poisson CDF at one 32-bit uniform, word (s mod 4) of the Philox
/// block (key = seed, counter = s / 4, stream = first_stream_id + generator): a pure function of
/// (seed, generator, step), and one Philox block serves four steps. (32-bit resolution shifts
/// no probability by more than 2^-32.) Above a mean of 30 per step, RandomStream::poisson.
class PoissonGroup {
public:
  PoissonGroup(std::vector<double> rates_hz, std::vector<double> change_times_ms, std::vector<double> change_rates_hz,
               double dt, std::uint64_t seed, std::uint64_t first_stream_id)
      : rates_(std::move(rates_hz)), seed_(seed), first_stream_(first_stream_id), dt_(dt),
        cache_(rates_.size()) {
    for (std::size_t j = 0; j < change_times_ms.size(); ++j) {
      changes_.push_back({to_step(change_times_ms[j], dt), change_rates_hz[j]});
    }
    set_lambdas(-1);
  }

  std::size_t size() const noexcept { return rates_.size(); }

  /// Appends the spikes stamped `stamp` (>= 1) to `out`.
  void emit(std::uint64_t stamp, SourceSpikes& out) { emit(stamp, out, 0, size()); }
  /// The same for generators [begin, end) only (ids stay absolute): a pure function of (seed,
  /// generator, stamp), so splitting the generators among threads changes nothing. The rate schedule
  /// must have been brought to `stamp` by prepare() first when several threads share the group.
  void emit(std::uint64_t stamp, SourceSpikes& out, std::size_t begin, std::size_t end) {
    prepare(stamp);
    for (std::size_t k = begin; k < end; ++k) {
      const std::uint32_t count = draw(stamp, k);
      if (count > 0) { out.ids.push_back(static_cast<std::uint32_t>(k)); out.counts.push_back(count); }
    }
  }
  /// The spike counts of generators [begin, end) stamped `stamp`, written densely: out[k] for
  /// k in [begin, end) (indexed by generator id like step_range's arrays; 0 = no spike). The same
  /// numbers emit() reports; for driving one target per generator without building id lists.
  /// Reentrant for disjoint ranges once prepare(stamp) has run.
  void counts(std::uint64_t stamp, std::size_t begin, std::size_t end, std::uint32_t* out) {
    prepare(stamp);
    for (std::size_t k = begin; k < end; ++k) out[k] = draw(stamp, k);
  }

  /// Brings the rates in force to those of `stamp` (>= 1); idempotent for the same stamp.
  void prepare(std::uint64_t stamp) { set_lambdas(segment_for(static_cast<std::int64_t>(stamp) - 1)); }

private:
  static constexpr double kSplit = 30.0;

  std::uint32_t draw(std::uint64_t stamp, std::size_t k) {
    if (limit_[k] >= 1.0) return 0;  // rate 0
    const std::uint64_t block = stamp >> 2;
    Cache& c = cache_[k];
    if (c.block != block) {
      const std::uint64_t stream = first_stream_ + k;
      c.words = philox4x32({static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
                            static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32)},
                           {static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)});
      c.block = block;
    }
    const double u = (static_cast<double>(c.words[stamp & 3u]) + 0.5) * 0x1.0p-32;
    if (u < limit_[k]) return 0;  // no spike: the common case at low rates
    std::uint32_t count = 0;
    if (lambda_[k] <= kSplit) {
      double term = limit_[k], cdf = limit_[k];
      // The bound only guards against cdf stalling a rounding error below u near 1.
      const std::uint32_t max_count = static_cast<std::uint32_t>(10.0 * lambda_[k]) + 60;
      while (u >= cdf && count < max_count) {
        ++count;
        term *= lambda_[k] / count;
        cdf += term;
      }
    } else {
      // A counter range of its own (top bit set), apart from the blocks used above.
      RandomStream stream(seed_, first_stream_ + k, (std::uint64_t{1} << 63) | (stamp << 20));
      count = stream.poisson(lambda_[k]);
    }
    return count;
  }

  std::int64_t segment_for(std::int64_t step) const noexcept {
    std::int64_t seg = -1;
    for (std::size_t j = 0; j < changes_.size() && changes_[j].step <= step; ++j) seg = static_cast<std::int64_t>(j);
    return seg;
  }
  void set_lambdas(std::int64_t segment) {
    if (segment == current_segment_ && !lambda_.empty()) return;
    current_segment_ = segment;
    const std::size_t n = size();
    lambda_.resize(n);
    limit_.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      const double rate = segment < 0 ? rates_[k] : changes_[static_cast<std::size_t>(segment)].rate;
      lambda_[k] = std::max(rate, 0.0) * dt_ * 1e-3;
      limit_[k] = std::exp(-lambda_[k]);
    }
  }

  struct Change { std::int64_t step; double rate; };
  struct Cache {
    std::uint64_t block = ~std::uint64_t{0};
    std::array<std::uint32_t, 4> words{};
  };
  std::vector<double> rates_;
  std::vector<Change> changes_;
  std::vector<double> lambda_, limit_;
  std::int64_t current_segment_ = -2;
  std::uint64_t seed_, first_stream_;
  double dt_;
  std::vector<Cache> cache_;
};

/// Given spike times, each rounded to the nearest step stamp (several in one step add up).
class SpikeTimeGroup {
public:
  SpikeTimeGroup(const std::vector<std::vector<double>>& times_ms, double dt) : size_(times_ms.size()) {
    for (std::size_t k = 0; k < times_ms.size(); ++k) {
      for (double t : times_ms[k]) events_.push_back({static_cast<std::uint64_t>(std::max<std::int64_t>(to_step(t, dt), 0)),
                                                      static_cast<std::uint32_t>(k)});
    }
    std::sort(events_.begin(), events_.end(),
              [](const Event& a, const Event& b) { return a.stamp != b.stamp ? a.stamp < b.stamp : a.id < b.id; });
  }
  std::size_t size() const noexcept { return size_; }
  void rewind() noexcept { cursor_ = 0; }

  /// Appends the spikes stamped `stamp` to `out`; stamps must be asked for in increasing order.
  void emit(std::uint64_t stamp, SourceSpikes& out) {
    while (cursor_ < events_.size() && events_[cursor_].stamp < stamp) ++cursor_;
    while (cursor_ < events_.size() && events_[cursor_].stamp == stamp) {
      const std::uint32_t id = events_[cursor_].id;
      if (!out.ids.empty() && out.ids.back() == id) ++out.counts.back();
      else { out.ids.push_back(id); out.counts.push_back(1); }
      ++cursor_;
    }
  }

private:
  struct Event { std::uint64_t stamp; std::uint32_t id; };
  std::size_t size_;
  std::vector<Event> events_;
  std::size_t cursor_ = 0;
};

/// A DC or step current into some neurons of one population; amplitude(step) gives the current
/// (nA) during [t_step, t_step+1).
class CurrentInjection {
public:
  /// DC: `amplitude` from start to stop (stop < 0: never stops).
  static CurrentInjection dc(std::vector<std::uint32_t> neurons, double amplitude, double start_ms, double stop_ms, double dt) {
    CurrentInjection c;
    c.neurons_ = std::move(neurons);
    c.times_ = {to_step(start_ms, dt)};
    c.amplitudes_ = {amplitude};
    if (stop_ms >= 0.0) { c.times_.push_back(to_step(stop_ms, dt)); c.amplitudes_.push_back(0.0); }
    return c;
  }
  /// Step current: amplitudes[k] from times[k] on, 0 before times[0].
  static CurrentInjection steps(std::vector<std::uint32_t> neurons, const std::vector<double>& times_ms,
                                std::vector<double> amplitudes, double dt) {
    CurrentInjection c;
    c.neurons_ = std::move(neurons);
    for (double t : times_ms) c.times_.push_back(to_step(t, dt));
    c.amplitudes_ = std::move(amplitudes);
    return c;
  }
  double amplitude(std::int64_t step) const noexcept {
    double a = 0.0;
    for (std::size_t j = 0; j < times_.size() && times_[j] <= step; ++j) a = amplitudes_[j];
    return a;
  }
  /// Neurons receiving the current; empty = all of the population.
  const std::vector<std::uint32_t>& neurons() const noexcept { return neurons_; }

private:
  std::vector<std::uint32_t> neurons_;
  std::vector<std::int64_t> times_;
  std::vector<double> amplitudes_;
};

}  // namespace spikeforge::engine
