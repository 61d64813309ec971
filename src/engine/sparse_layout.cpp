#include <spikeforge/core/error.hpp>
#include <spikeforge/engine/sparse_layout.hpp>

#include <limits>
#include <numeric>
#include <string>

namespace spikeforge::engine {

SparseLayout build_sparse_layout(std::string_view store, std::uint32_t n_pre, std::uint32_t n_post,
                                 std::span<const std::uint32_t> pre, std::span<const std::uint32_t> post,
                                 std::span<const double> weight, std::span<const std::uint32_t> delay_steps,
                                 std::size_t max_synapses) {
  const std::string name(store);
  const std::size_t n = pre.size();
  if (post.size() != n || weight.size() != n || delay_steps.size() != n) {
    throw Error(name + ": pre, post, weight and delay must have equal lengths");
  }
  if (n > max_synapses) {
    throw Error(name + ": " + std::to_string(n) + " synapses in one projection; at most " +
                std::to_string(max_synapses));
  }
  std::uint32_t min_delay = std::numeric_limits<std::uint32_t>::max(), max_delay = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (pre[k] >= n_pre || post[k] >= n_post) {
      throw Error(name + ": synapse " + std::to_string(k) + " connects " + std::to_string(pre[k]) + " -> " +
                  std::to_string(post[k]) + ", outside " + std::to_string(n_pre) + " x " + std::to_string(n_post));
    }
    if (delay_steps[k] < 1 || delay_steps[k] > std::numeric_limits<std::uint16_t>::max()) {
      throw Error(name + ": synapse " + std::to_string(k) + " has a delay of " + std::to_string(delay_steps[k]) +
                  " steps; allowed 1 to 65535");
    }
    min_delay = std::min(min_delay, delay_steps[k]);
    max_delay = std::max(max_delay, delay_steps[k]);
  }
  SparseLayout l;
  l.min_delay = n == 0 ? 1 : min_delay;
  l.max_delay = n == 0 ? 1 : max_delay;

  // Counting sort by pre (stable, O(n)), then order each row by (delay, target); stable so that
  // duplicates keep their input order. Connectors generate rows nearly sorted already, so the
  // per-row sort is usually skipped.
  l.order.resize(n);
  l.row_begin.assign(static_cast<std::size_t>(n_pre) + 1, 0);
  for (std::size_t k = 0; k < n; ++k) ++l.row_begin[pre[k] + 1];
  std::partial_sum(l.row_begin.begin(), l.row_begin.end(), l.row_begin.begin());
  {
    std::vector<std::uint32_t> fill(l.row_begin.begin(), l.row_begin.end() - 1);
    for (std::size_t k = 0; k < n; ++k) l.order[fill[pre[k]]++] = static_cast<std::uint32_t>(k);
  }
  const auto row_less = [&](std::uint32_t a, std::uint32_t b) {
    if (delay_steps[a] != delay_steps[b]) return delay_steps[a] < delay_steps[b];
    return post[a] < post[b];
  };
  for (std::uint32_t p = 0; p < n_pre; ++p) {
    const auto first = l.order.begin() + l.row_begin[p], last = l.order.begin() + l.row_begin[p + 1];
    if (!std::is_sorted(first, last, row_less)) std::stable_sort(first, last, row_less);
  }
  if (l.min_delay == l.max_delay) return l;

  // Delay segments: a new one wherever the row or the delay changes along the storage order.
  l.row_seg.assign(static_cast<std::size_t>(n_pre) + 1, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t p = pre[l.order[k]], d = delay_steps[l.order[k]];
    if (k == 0 || pre[l.order[k - 1]] != p || delay_steps[l.order[k - 1]] != d) {
      if (!l.seg_end.empty()) l.seg_end.back() = static_cast<std::uint32_t>(k);
      l.seg_end.push_back(0);
      l.seg_delay.push_back(static_cast<std::uint16_t>(d));
      ++l.row_seg[p + 1];
    }
  }
  l.seg_end.back() = static_cast<std::uint32_t>(n);
  std::partial_sum(l.row_seg.begin(), l.row_seg.end(), l.row_seg.begin());
  return l;
}

}  // namespace spikeforge::engine
