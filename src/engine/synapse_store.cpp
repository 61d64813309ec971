#include <spikeforge/core/error.hpp>
#include <spikeforge/engine/synapse_store.hpp>

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

namespace spikeforge::engine {

SynapseStore::SynapseStore(std::uint32_t n_pre, std::uint32_t n_post, std::span<const std::uint32_t> pre,
                           std::span<const std::uint32_t> post, std::span<const double> weight,
                           std::span<const std::uint32_t> delay_steps)
    : n_pre_(n_pre), n_post_(n_post) {
  const std::size_t n = pre.size();
  if (post.size() != n || weight.size() != n || delay_steps.size() != n) {
    throw Error("synapse store: pre, post, weight and delay must have equal lengths");
  }
  if (n > std::numeric_limits<std::uint32_t>::max()) {
    throw Error("synapse store: more than 2^32 - 1 synapses in one projection");
  }
  std::uint32_t min_delay = std::numeric_limits<std::uint32_t>::max(), max_delay = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (pre[k] >= n_pre || post[k] >= n_post) {
      throw Error("synapse store: synapse " + std::to_string(k) + " connects " + std::to_string(pre[k]) + " -> " +
                  std::to_string(post[k]) + ", outside " + std::to_string(n_pre) + " x " + std::to_string(n_post));
    }
    if (delay_steps[k] < 1 || delay_steps[k] > std::numeric_limits<std::uint16_t>::max()) {
      throw Error("synapse store: synapse " + std::to_string(k) + " has a delay of " + std::to_string(delay_steps[k]) +
                  " steps; allowed 1 to 65535");
    }
    min_delay = std::min(min_delay, delay_steps[k]);
    max_delay = std::max(max_delay, delay_steps[k]);
  }
  max_delay_ = n == 0 ? 1 : max_delay;
  min_delay_ = n == 0 ? 1 : min_delay;
  const bool one_delay = n == 0 || min_delay == max_delay;
  uniform_delay_ = max_delay_;

  // Counting sort by pre (stable, O(n)), then order each row by (delay, target); stable so that
  // duplicates keep their input order. Connectors generate rows nearly sorted already, so the
  // per-row sort is usually skipped.
  std::vector<std::uint32_t> order(n);
  {
    std::vector<std::uint32_t> start(static_cast<std::size_t>(n_pre) + 1, 0);
    for (std::size_t k = 0; k < n; ++k) ++start[pre[k] + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t k = 0; k < n; ++k) order[fill[pre[k]]++] = static_cast<std::uint32_t>(k);
    const auto row_less = [&](std::uint32_t a, std::uint32_t b) {
      if (delay_steps[a] != delay_steps[b]) return delay_steps[a] < delay_steps[b];
      return post[a] < post[b];
    };
    for (std::uint32_t p = 0; p < n_pre; ++p) {
      const auto first = order.begin() + start[p], last = order.begin() + start[p + 1];
      if (!std::is_sorted(first, last, row_less)) std::stable_sort(first, last, row_less);
    }
  }

  target_.resize(n);
  const bool equal_weights =
      n > 0 && std::all_of(weight.begin(), weight.end(), [&](double w) { return static_cast<float>(w) == static_cast<float>(weight[0]); });
  if (equal_weights) {
    shared_weight_ = static_cast<float>(weight[0]);
  } else {
    weight_.resize(n);
  }
  for (std::size_t k = 0; k < n; ++k) {
    target_[k] = post[order[k]];
    if (!equal_weights) weight_[k] = static_cast<float>(weight[order[k]]);
  }

  row_begin_.assign(static_cast<std::size_t>(n_pre) + 1, 0);
  if (one_delay) {
    for (std::size_t k = 0; k < n; ++k) ++row_begin_[pre[k] + 1];
    std::partial_sum(row_begin_.begin(), row_begin_.end(), row_begin_.begin());
    return;
  }
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t p = pre[order[k]], d = delay_steps[order[k]];
    const bool new_segment = k == 0 || pre[order[k - 1]] != p || delay_steps[order[k - 1]] != d;
    if (new_segment) {
      if (!seg_end_.empty()) seg_end_.back() = static_cast<std::uint32_t>(k);
      seg_end_.push_back(0);
      seg_delay_.push_back(static_cast<std::uint16_t>(d));
      ++row_begin_[p + 1];
    }
  }
  seg_end_.back() = static_cast<std::uint32_t>(n);
  std::partial_sum(row_begin_.begin(), row_begin_.end(), row_begin_.begin());
}

void SynapseStore::list(std::vector<std::uint32_t>& pre, std::vector<std::uint32_t>& post,
                        std::vector<double>& weight, std::vector<std::uint32_t>& delay_steps) const {
  const std::size_t n = size();
  pre.resize(n);
  delay_steps.resize(n);
  post.assign(target_.begin(), target_.end());
  weight = weights();
  for (std::uint32_t p = 0; p < n_pre_; ++p) {
    if (segmented()) {
      for (std::uint32_t s = row_begin_[p]; s < row_begin_[p + 1]; ++s) {
        const std::uint32_t begin = s == 0 ? 0 : seg_end_[s - 1];
        for (std::uint32_t k = begin; k < seg_end_[s]; ++k) { pre[k] = p; delay_steps[k] = seg_delay_[s]; }
      }
    } else {
      for (std::uint32_t k = row_begin_[p]; k < row_begin_[p + 1]; ++k) { pre[k] = p; delay_steps[k] = uniform_delay_; }
    }
  }
}

std::vector<double> SynapseStore::weights() const {
  if (weight_.empty()) return std::vector<double>(size(), static_cast<double>(shared_weight_));
  return {weight_.begin(), weight_.end()};
}

void SynapseStore::set_weights(std::span<const double> weights) {
  if (weights.size() != size()) {
    throw Error("synapse store: " + std::to_string(weights.size()) + " weights given for " + std::to_string(size()) +
                " synapses");
  }
  if (weights.empty()) return;
  const auto first = static_cast<float>(weights[0]);
  const bool equal = std::all_of(weights.begin(), weights.end(), [&](double w) { return static_cast<float>(w) == first; });
  if (equal) {
    shared_weight_ = first;
    std::vector<float>().swap(weight_);
  } else {
    weight_.assign(weights.size(), 0.0f);
    std::transform(weights.begin(), weights.end(), weight_.begin(), [](double w) { return static_cast<float>(w); });
  }
}

void SynapseStore::set_partitions(std::span<const std::uint32_t> bounds) {
  if (bounds.size() < 2 || bounds.front() != 0 || bounds.back() != n_post_ || !std::is_sorted(bounds.begin(), bounds.end())) {
    throw Error("synapse store: partition bounds must increase from 0 to the post size " + std::to_string(n_post_));
  }
  parts_ = bounds.size() - 1;
  part_split_.clear();
  if (parts_ == 1) {
    part_split_.shrink_to_fit();
    return;
  }
  const std::size_t units = segmented() ? seg_end_.size() : n_pre_;
  part_split_.resize(units * (parts_ - 1));
  for (std::size_t u = 0; u < units; ++u) {
    const std::uint32_t begin = segmented() ? (u == 0 ? 0 : seg_end_[u - 1]) : row_begin_[u];
    const std::uint32_t end = segmented() ? seg_end_[u] : row_begin_[u + 1];
    for (std::size_t p = 1; p < parts_; ++p) {
      part_split_[u * (parts_ - 1) + p - 1] = target_range(begin, end, bounds[p], n_post_).first;
    }
  }
}

std::size_t SynapseStore::bytes() const noexcept {
  return row_begin_.size() * sizeof(std::uint32_t) + seg_end_.size() * sizeof(std::uint32_t) +
         part_split_.size() * sizeof(std::uint32_t) +
         seg_delay_.size() * sizeof(std::uint16_t) + target_.size() * sizeof(std::uint32_t) +
         weight_.size() * sizeof(float) + sizeof(*this);
}

double SynapseStore::bytes_per_synapse() const noexcept {
  return size() == 0 ? 0.0 : static_cast<double>(bytes()) / static_cast<double>(size());
}

}  // namespace spikeforge::engine
