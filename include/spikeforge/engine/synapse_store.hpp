// Static synapses of one projection in compressed sparse rows by presynaptic neuron: a 32-bit
// target index and a 32-bit float weight per synapse, rows grouped by delay so that delivery
// writes straight into the delay slot it belongs to (heterogeneous delays cost no sorting).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <spikeforge/engine/sparse_layout.hpp>

namespace spikeforge::engine {

/// Layout (sparse_layout.hpp, shared with the plastic store): row `pre` is the synapse range
/// [row_begin_[pre], row_begin_[pre + 1]) when every synapse has the same delay; otherwise rows
/// point into delay segments (seg_end_, seg_delay_), each a contiguous synapse range of one delay.
/// Within a segment, synapses are sorted by target (ties keep their input order), so a thread
/// owning a target range can find its part of a row by binary search. A projection whose weights
/// are all equal stores that weight once (no per-synapse weight array) until set_weights() makes
/// them differ.
class SynapseStore {
public:
  SynapseStore() = default;
  /// Synapse k connects pre[k] -> post[k] with weight[k] and delay_steps[k] (>= 1).
  /// Throws Error for an index out of range, a delay of 0 steps or mismatched lengths.
  SynapseStore(std::uint32_t n_pre, std::uint32_t n_post, std::span<const std::uint32_t> pre,
               std::span<const std::uint32_t> post, std::span<const double> weight,
               std::span<const std::uint32_t> delay_steps);

  std::size_t size() const noexcept { return target_.size(); }
  std::uint32_t pre_size() const noexcept { return n_pre_; }
  std::uint32_t post_size() const noexcept { return n_post_; }
  std::uint32_t max_delay() const noexcept { return max_delay_; }
  std::uint32_t min_delay() const noexcept { return min_delay_; }
  bool shared_weight() const noexcept { return weight_.empty(); }

  /// Adds scale * weight of every synapse of row `pre` into slot_for_delay(delay)[target].
  /// slot_for_delay(d) returns the accumulator array of the post population that receives input
  /// delivered with delay d.
  template <class SlotFor>
  void deliver(std::uint32_t pre, double scale, SlotFor&& slot_for_delay) const {
    if (segmented()) {
      for (std::uint32_t s = row_begin_[pre]; s < row_begin_[pre + 1]; ++s) {
        const std::uint32_t begin = s == 0 ? 0 : seg_end_[s - 1];
        add_range(begin, seg_end_[s], scale, slot_for_delay(seg_delay_[s]));
      }
    } else {
      add_range(row_begin_[pre], row_begin_[pre + 1], scale, slot_for_delay(uniform_delay_));
    }
  }

  /// Asks the cache for the first lines of row `pre` (uniform-delay stores): short rows such as
  /// COBA's and CUBA's 80 synapses are bound by the latency of their first cache lines, so the
  /// engine fetches the row of a later spike while it delivers the current one. No effect on results.
  void prefetch_row(std::uint32_t pre) const noexcept {
    if (segmented()) return;
    prefetch_range(row_begin_[pre], row_begin_[pre + 1]);
  }
  /// The same for the storage range [begin, end) (up to its first 8 lines of targets).
  void prefetch_range(std::uint32_t begin, std::uint32_t end) const noexcept {
    constexpr std::uint32_t kPerLine = 64 / sizeof(std::uint32_t), kMaxLines = 8;
    for (std::uint32_t k = begin; k < end && k < begin + kPerLine * kMaxLines; k += kPerLine) {
      __builtin_prefetch(target_.data() + k);
      if (!weight_.empty()) __builtin_prefetch(weight_.data() + k);
    }
  }

  /// deliver() restricted to the synapses onto targets [lo, hi): each delay segment is sorted by
  /// target, so the sub-range is two binary searches away. Every accumulator receives exactly the
  /// additions, in the same order, that deliver() gives it.
  template <class SlotFor>
  void deliver(std::uint32_t pre, double scale, std::uint32_t lo, std::uint32_t hi, SlotFor&& slot_for_delay) const {
    if (lo == 0 && hi >= n_post_) {
      deliver(pre, scale, slot_for_delay);
      return;
    }
    if (segmented()) {
      for (std::uint32_t s = row_begin_[pre]; s < row_begin_[pre + 1]; ++s) {
        const std::uint32_t begin = s == 0 ? 0 : seg_end_[s - 1];
        const auto [b, e] = target_range(begin, seg_end_[s], lo, hi);
        if (b < e) add_range(b, e, scale, slot_for_delay(seg_delay_[s]));
      }
    } else {
      const auto [b, e] = target_range(row_begin_[pre], row_begin_[pre + 1], lo, hi);
      if (b < e) add_range(b, e, scale, slot_for_delay(uniform_delay_));
    }
  }

  /// Splits the targets into partitions [bounds[p], bounds[p+1]) (increasing, 0 to post size) and
  /// stores, for each row (or delay segment), where each interior bound falls: 4 bytes per row and
  /// interior bound, counted in bytes(). deliver_part() then needs no search.
  void set_partitions(std::span<const std::uint32_t> bounds);
  std::size_t partitions() const noexcept { return parts_; }
  /// deliver() restricted to the targets of partition `part` of set_partitions(); the same additions
  /// in the same order as the range overload with that partition's bounds.
  template <class SlotFor>
  void deliver_part(std::uint32_t pre, double scale, std::size_t part, SlotFor&& slot_for_delay) const {
    ranges_part(pre, part, [&](std::uint32_t b, std::uint32_t e, std::uint32_t delay) {
      add_range(b, e, scale, slot_for_delay(delay));
    });
  }
  /// The synapses of row `pre` onto partition `part`'s targets as storage ranges, one per delay
  /// segment: f(begin, end, delay in steps) for each non-empty one, in deliver_part()'s order.
  template <class F>
  void ranges_part(std::uint32_t pre, std::size_t part, F&& f) const {
    if (segmented()) {
      for (std::uint32_t s = row_begin_[pre]; s < row_begin_[pre + 1]; ++s) {
        const auto [b, e] = part_range(s, s == 0 ? 0 : seg_end_[s - 1], seg_end_[s], part);
        if (b < e) f(b, e, static_cast<std::uint32_t>(seg_delay_[s]));
      }
    } else {
      const auto [b, e] = part_range(pre, row_begin_[pre], row_begin_[pre + 1], part);
      if (b < e) f(b, e, uniform_delay_);
    }
  }
  /// The additions add_range(begin, end, scale, ...) makes, in its order: f(target, value).
  template <class F>
  void for_each_addition(std::uint32_t begin, std::uint32_t end, double scale, F&& f) const {
    const double shared = static_cast<double>(shared_weight_) * scale;
    for (std::uint32_t k = begin; k < end; ++k) {
      f(target_[k], weight_.empty() ? shared : static_cast<double>(weight_[k]) * scale);
    }
  }
  /// The synapses in storage order: pre, post, weight, delay in steps.
  void list(std::vector<std::uint32_t>& pre, std::vector<std::uint32_t>& post, std::vector<double>& weight,
            std::vector<std::uint32_t>& delay_steps) const;
  /// Weights in storage order (the order of list()).
  std::vector<double> weights() const;
  /// Replaces the weights, given in storage order; throws Error for a wrong length.
  void set_weights(std::span<const double> weights);

  /// Every byte this store owns (targets, weights, row and segment indices) divided by size().
  double bytes_per_synapse() const noexcept;
  std::size_t bytes() const noexcept;

  /// Adds the synapses [begin, end) of storage order, weights times `scale`, into slot[target].
  // Unrolled by four so the target loads of a group issue together: about 5 % less time per
  // event in a 10^7-synapse delivery micro benchmark (median of 9 interleaved runs), within the
  // noise of a whole Brunel run. The additions stay in synapse order, one at a time, so repeated
  // targets and the sums come out exactly as in the plain loop.
  void add_range(std::uint32_t begin, std::uint32_t end, double scale, double* __restrict slot) const {
    const std::uint32_t* __restrict target = target_.data();
    std::uint32_t k = begin;
    if (weight_.empty()) {
      const double w = static_cast<double>(shared_weight_) * scale;
      for (; k + 4 <= end; k += 4) {
        const std::uint32_t t0 = target[k], t1 = target[k + 1], t2 = target[k + 2], t3 = target[k + 3];
        slot[t0] += w;
        slot[t1] += w;
        slot[t2] += w;
        slot[t3] += w;
      }
      for (; k < end; ++k) slot[target[k]] += w;
    } else {
      const float* __restrict weight = weight_.data();
      for (; k + 4 <= end; k += 4) {
        const std::uint32_t t0 = target[k], t1 = target[k + 1], t2 = target[k + 2], t3 = target[k + 3];
        slot[t0] += static_cast<double>(weight[k]) * scale;
        slot[t1] += static_cast<double>(weight[k + 1]) * scale;
        slot[t2] += static_cast<double>(weight[k + 2]) * scale;
        slot[t3] += static_cast<double>(weight[k + 3]) * scale;
      }
      for (; k < end; ++k) slot[target[k]] += static_cast<double>(weight[k]) * scale;
    }
  }

private:
  bool segmented() const noexcept { return !seg_end_.empty(); }
  /// Synapses [begin, end) of row or segment `unit` that belong to partition `part` (all of them
  /// with one partition, which has no splits).
  std::pair<std::uint32_t, std::uint32_t> part_range(std::uint32_t unit, std::uint32_t begin, std::uint32_t end,
                                                     std::size_t part) const noexcept {
    const std::uint32_t* split = part_split_.data() + static_cast<std::size_t>(unit) * (parts_ - 1);
    return {part == 0 ? begin : split[part - 1], part + 1 == parts_ ? end : split[part]};
  }
  /// Positions [b, e) within the target-sorted range [begin, end) whose targets lie in [lo, hi).
  std::pair<std::uint32_t, std::uint32_t> target_range(std::uint32_t begin, std::uint32_t end, std::uint32_t lo,
                                                       std::uint32_t hi) const noexcept {
    return engine::target_range(target_.data(), begin, end, lo, hi);
  }
  std::uint32_t n_pre_ = 0, n_post_ = 0, max_delay_ = 1, min_delay_ = 1, uniform_delay_ = 1;
  std::vector<std::uint32_t> row_begin_;   // n_pre + 1 entries: synapse (or segment) offsets
  std::vector<std::uint32_t> seg_end_;     // per delay segment: one past its last synapse
  std::vector<std::uint16_t> seg_delay_;   // per delay segment: its delay in steps
  std::vector<std::uint32_t> target_;
  std::vector<float> weight_;              // empty: every synapse has shared_weight_
  float shared_weight_ = 0.0f;
  std::size_t parts_ = 1;
  std::vector<std::uint32_t> part_split_;  // per row (or segment): the P - 1 interior partition starts
};

}  // namespace spikeforge::engine
