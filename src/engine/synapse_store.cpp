#include <spikeforge/core/error.hpp>
#include <spikeforge/engine/synapse_store.hpp>

#include <algorithm>
#include <limits>
#include <string>

namespace spikeforge::engine {

SynapseStore::SynapseStore(std::uint32_t n_pre, std::uint32_t n_post, std::span<const std::uint32_t> pre,
                           std::span<const std::uint32_t> post, std::span<const double> weight,
                           std::span<const std::uint32_t> delay_steps)
    : n_pre_(n_pre), n_post_(n_post) {
  SparseLayout layout = build_sparse_layout("synapse store", n_pre, n_post, pre, post, weight, delay_steps,
                                            std::numeric_limits<std::uint32_t>::max());
  const std::size_t n = pre.size();
  max_delay_ = layout.max_delay;
  min_delay_ = layout.min_delay;
  uniform_delay_ = max_delay_;
  target_.resize(n);
  const bool equal_weights =
      n > 0 && std::all_of(weight.begin(), weight.end(), [&](double w) { return static_cast<float>(w) == static_cast<float>(weight[0]); });
  if (equal_weights) {
    shared_weight_ = static_cast<float>(weight[0]);
  } else {
    weight_.resize(n);
  }
  for (std::size_t k = 0; k < n; ++k) {
    target_[k] = post[layout.order[k]];
    if (!equal_weights) weight_[k] = static_cast<float>(weight[layout.order[k]]);
  }
  // With one delay a row is a synapse range; with several it is a range of delay segments (the
  // synapse offsets of rows are not kept: segments carry them).
  if (layout.one_delay()) {
    row_begin_ = std::move(layout.row_begin);
  } else {
    row_begin_ = std::move(layout.row_seg);
    seg_end_ = std::move(layout.seg_end);
    seg_delay_ = std::move(layout.seg_delay);
  }
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
  part_split_ = partition_splits(target_.data(), units, bounds, [&](std::size_t u) {
    return segmented() ? std::pair<std::uint32_t, std::uint32_t>(u == 0 ? 0 : seg_end_[u - 1], seg_end_[u])
                       : std::pair<std::uint32_t, std::uint32_t>(row_begin_[u], row_begin_[u + 1]);
  });
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
