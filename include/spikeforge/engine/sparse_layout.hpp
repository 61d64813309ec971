// The storage layout the static store (synapse_store.hpp) and the plastic store (plastic_store.hpp)
// share, built once here: compressed sparse rows by presynaptic neuron, each row ordered by
// (delay, target) with ties in input order, cut into delay segments (one contiguous range per row
// and delay) when the projection has more than one delay. A segment, or a row with one delay, is
// sorted by target, so the part of it onto a range of targets is two binary searches away
// (target_range) and a partition of the targets splits it at fixed positions (partition_splits).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace spikeforge::engine {

/// Where each synapse of a projection goes in storage, and the row and segment indices.
struct SparseLayout {
  std::vector<std::uint32_t> order;      // storage position k holds input synapse order[k]
  std::vector<std::uint32_t> row_begin;  // n_pre + 1 entries: row p is synapses [row_begin[p], row_begin[p + 1])
  std::vector<std::uint32_t> row_seg;    // n_pre + 1 entries: row p is segments [row_seg[p], row_seg[p + 1]);
                                         // empty with one delay
  std::vector<std::uint32_t> seg_end;    // per delay segment: one past its last synapse (empty with one delay)
  std::vector<std::uint16_t> seg_delay;  // per delay segment: its delay in steps
  std::uint32_t min_delay = 1, max_delay = 1;  // over every synapse (1 and 1 without synapses)

  /// True when every synapse has the same delay (max_delay): no segments.
  bool one_delay() const noexcept { return seg_end.empty(); }
};

/// The layout of the synapses k = 0 .. n - 1, pre[k] -> post[k] with delay_steps[k]. Throws Error,
/// naming `store` ("synapse store", "plastic store"), for mismatched lengths of pre, post, weight
/// (only its length is used) and delay_steps, for more than `max_synapses` synapses, an index
/// outside n_pre x n_post or a delay outside 1 to 65535 steps.
SparseLayout build_sparse_layout(std::string_view store, std::uint32_t n_pre, std::uint32_t n_post,
                                 std::span<const std::uint32_t> pre, std::span<const std::uint32_t> post,
                                 std::span<const double> weight, std::span<const std::uint32_t> delay_steps,
                                 std::size_t max_synapses);

/// Positions [b, e) within [begin, end) of `targets` (sorted there) whose targets lie in [lo, hi).
inline std::pair<std::uint32_t, std::uint32_t> target_range(const std::uint32_t* targets, std::uint32_t begin,
                                                            std::uint32_t end, std::uint32_t lo,
                                                            std::uint32_t hi) noexcept {
  const std::uint32_t* b = std::lower_bound(targets + begin, targets + end, lo);
  const std::uint32_t* e = std::lower_bound(b, targets + end, hi);
  return {static_cast<std::uint32_t>(b - targets), static_cast<std::uint32_t>(e - targets)};
}

/// For a partition of the targets into [bounds[p], bounds[p + 1]) (P = bounds.size() - 1 parts),
/// where each interior bound falls in each of `units` target-sorted ranges unit(u) = {begin, end}
/// (rows or delay segments): P - 1 positions per unit, unit by unit.
template <class UnitRange>
std::vector<std::uint32_t> partition_splits(const std::uint32_t* targets, std::size_t units,
                                            std::span<const std::uint32_t> bounds, UnitRange&& unit) {
  const std::size_t inner = bounds.size() - 1 - 1;
  std::vector<std::uint32_t> split(units * inner);
  for (std::size_t u = 0; u < units; ++u) {
    const auto [begin, end] = unit(u);
    for (std::size_t p = 1; p <= inner; ++p) {
      split[u * inner + p - 1] = target_range(targets, begin, end, bounds[p], bounds.back()).first;
    }
  }
  return split;
}

}  // namespace spikeforge::engine
