// Spike sources with given spike times, each rounded to the nearest step.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <spikeforge/stimulus/source_spikes.hpp>

namespace spikeforge::stimulus {

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
  /// Events emitted so far, and the same position set again (a checkpoint); at most events().
  std::size_t position() const noexcept { return cursor_; }
  std::size_t events() const noexcept { return events_.size(); }
  void seek(std::size_t position) noexcept { cursor_ = std::min(position, events_.size()); }

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

}  // namespace spikeforge::stimulus
