// Plastic synapses of one projection: CSR by presynaptic neuron (32-bit target, weight) plus a
// transposed index (post -> position in the forward arrays, 4 bytes, no pointers), per-neuron
// traces, and the learning step that runs a plasticity/ rule over them once per engine step.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <tuple>
#include <vector>

#include <spikeforge/core/state_archive.hpp>
#include <spikeforge/engine/input_ring.hpp>
#include <spikeforge/engine/sparse_layout.hpp>
#include <spikeforge/model/network.hpp>

namespace spikeforge::engine {

/// Forward and transposed storage with weight type W (float: 12 bytes per synapse; double for
/// reference runs). The forward layout is SynapseStore's (sparse_layout.hpp): row `pre` is
/// [row_begin_[pre], row_begin_[pre+1]), sorted by (delay, target), in delay segments;
/// column `post` lists forward positions; the presynaptic neuron of a column entry is found with
/// row_of() (a small lookup table over row_begin_) instead of a stored index.
template <class W>
class PlasticStore {
public:
  PlasticStore() = default;
  /// Same contract as SynapseStore: synapse k connects pre[k] -> post[k] with weight[k] and
  /// delay_steps[k] in 1..65535; throws Error otherwise.
  PlasticStore(std::uint32_t n_pre, std::uint32_t n_post, std::span<const std::uint32_t> pre,
               std::span<const std::uint32_t> post, std::span<const double> weight,
               std::span<const std::uint32_t> delay_steps);

  std::size_t size() const noexcept { return target_.size(); }
  std::uint32_t pre_size() const noexcept { return n_pre_; }
  std::uint32_t post_size() const noexcept { return n_post_; }
  std::uint32_t max_delay() const noexcept { return max_delay_; }

  template <class SlotFor>
  void deliver(std::uint32_t pre, double scale, SlotFor&& slot_for_delay) const {
    const std::uint32_t* __restrict target = target_.data();
    const W* __restrict weight = weight_.data();
    if (seg_end_.empty()) {
      double* __restrict slot = slot_for_delay(uniform_delay_);
      for (std::uint32_t k = row_begin_[pre]; k < row_begin_[pre + 1]; ++k) slot[target[k]] += static_cast<double>(weight[k]) * scale;
      return;
    }
    std::uint32_t k = row_begin_[pre];
    for (std::uint32_t s = row_seg_[pre]; s < row_seg_[pre + 1]; ++s) {
      double* __restrict slot = slot_for_delay(seg_delay_[s]);
      for (; k < seg_end_[s]; ++k) slot[target[k]] += static_cast<double>(weight[k]) * scale;
    }
  }

  /// deliver() restricted to the synapses onto post neurons [lo, hi).
  template <class SlotFor>
  void deliver(std::uint32_t pre, double scale, SlotFor&& slot_for_delay, std::uint32_t lo, std::uint32_t hi) const {
    const std::uint32_t* __restrict target = target_.data();
    const W* __restrict weight = weight_.data();
    for_each_run(pre, lo, hi, [&](std::uint32_t begin, std::uint32_t end, std::uint32_t delay) {
      double* __restrict slot = slot_for_delay(delay);
      for (std::uint32_t k = begin; k < end; ++k) slot[target[k]] += static_cast<double>(weight[k]) * scale;
    });
  }

  /// Calls f(begin, end, delay) for each run of row `pre` whose targets lie in [lo, hi): one run
  /// per delay segment, found by binary search since a segment is sorted by target.
  template <class F>
  void for_each_run(std::uint32_t pre, std::uint32_t lo, std::uint32_t hi, F&& f) const {
    const std::uint32_t* target = target_.data();
    const bool whole = lo == 0 && hi == n_post_;
    const auto run = [&](std::uint32_t b, std::uint32_t e, std::uint32_t delay) {
      if (!whole) std::tie(b, e) = target_range(target, b, e, lo, hi);
      if (b < e) f(b, e, delay);
    };
    if (seg_end_.empty()) {
      run(row_begin_[pre], row_begin_[pre + 1], uniform_delay_);
      return;
    }
    std::uint32_t k = row_begin_[pre];
    for (std::uint32_t s = row_seg_[pre]; s < row_seg_[pre + 1]; ++s) {
      run(k, seg_end_[s], seg_delay_[s]);
      k = seg_end_[s];
    }
  }

  /// The presynaptic neuron of forward position k: a table entry every 2^kLookupShift positions
  /// narrows the search to the rows that bucket spans (one or two for rows of hundreds of synapses),
  /// so the transposed walk costs no log-n search per synapse and no stored pre index.
  std::uint32_t row_of(std::uint32_t k) const noexcept {
    const std::size_t b = k >> kLookupShift;
    std::uint32_t r = row_lookup_[b];
    const std::uint32_t last = row_lookup_[b + 1];
    if (last - r > 8) {
      return static_cast<std::uint32_t>(std::upper_bound(row_begin_.data() + r + 1, row_begin_.data() + last + 1, k) -
                                        row_begin_.data()) - 1;
    }
    while (row_begin_[r + 1] <= k) ++r;
    return r;
  }

  /// True when every synapse has the same delay (then max_delay() is that delay).
  bool uniform_delay() const noexcept { return seg_end_.empty(); }

  /// Forward range of row `pre`.
  std::uint32_t row_begin(std::uint32_t pre) const noexcept { return row_begin_[pre]; }
  std::uint32_t row_end(std::uint32_t pre) const noexcept { return row_begin_[pre + 1]; }
  /// Column `post`: forward positions [col_pos + col_begin(post), col_pos + col_begin(post + 1)).
  std::uint32_t col_begin(std::uint32_t post) const noexcept { return col_begin_[post]; }
  const std::uint32_t* col_pos() const noexcept { return col_pos_.data(); }
  std::uint32_t* targets() noexcept { return target_.data(); }
  const std::uint32_t* targets() const noexcept { return target_.data(); }
  W* weight_data() noexcept { return weight_.data(); }
  const W* weight_data() const noexcept { return weight_.data(); }

  void list(std::vector<std::uint32_t>& pre, std::vector<std::uint32_t>& post, std::vector<double>& weight,
            std::vector<std::uint32_t>& delay_steps) const;
  std::vector<double> weights() const { return {weight_.begin(), weight_.end()}; }
  void set_weights(std::span<const double> weights);
  std::size_t bytes() const noexcept;

private:
  static constexpr unsigned kLookupShift = 10;
  std::uint32_t n_pre_ = 0, n_post_ = 0, max_delay_ = 1, uniform_delay_ = 1;
  std::vector<std::uint32_t> row_begin_;  // n_pre + 1 synapse offsets
  std::vector<std::uint32_t> row_seg_;    // n_pre + 1 segment offsets (only with several delays)
  std::vector<std::uint32_t> seg_end_;    // per delay segment: one past its last synapse
  std::vector<std::uint16_t> seg_delay_;
  std::vector<std::uint32_t> target_;
  std::vector<W> weight_;
  std::vector<std::uint32_t> col_begin_;  // n_post + 1
  std::vector<std::uint32_t> col_pos_;    // per synapse: forward position, grouped by post
  std::vector<std::uint32_t> row_lookup_; // row holding position b << kLookupShift, b = 0 .. n >> shift, + 1 sentinel
};

/// The spikes of one group in one step: ids and, for Poisson sources, counts (nullptr = 1 each).
struct StepSpikes {
  const std::uint32_t* ids = nullptr;
  const std::uint32_t* counts = nullptr;
  std::size_t n = 0;
};

/// A thread's share of a projection: the synapses onto post neurons [begin, end), partition `part`
/// of those set by PlasticProjection::set_partitions().
struct PostRange {
  std::uint32_t begin = 0, end = 0;
  std::size_t part = 0;
};

/// One plastic projection as the engine sees it. learn() runs once per step, after every group has
/// spiked, with the spikes stamped that step: pre events (depression), then post events
/// (potentiation), each reading traces before this step's increments; then traces are bumped,
/// eligibilities turned into weight changes by the modulator, and synaptic scaling applied.
/// By default learning pairs emission times (delays shift delivery, not the pairing); with the
/// rule's dendritic_delay = 1 a post spike enters learning one projection delay D later (NEST's
/// stdp_synapse with the whole delay dendritic: pairs are t_post + D - t_pre).
class PlasticProjection {
public:
  virtual ~PlasticProjection() = default;
  virtual std::size_t size() const noexcept = 0;
  virtual std::uint32_t max_delay() const noexcept = 0;
  virtual void deliver(std::uint32_t pre, double scale, InputRing& ring, std::size_t receptor,
                       std::uint64_t stamp) const = 0;
  virtual void learn(std::uint64_t stamp, const StepSpikes& pre, const StepSpikes& post, double modulator) = 0;

  /// Splits the post neurons into partitions [bounds[p], bounds[p+1]) (bounds: increasing, from 0
  /// to post size), one per engine thread. Called before a run, never during one.
  virtual void set_partitions(std::span<const std::uint32_t> bounds) = 0;
  /// deliver() restricted to the synapses onto `range`.
  virtual void deliver(std::uint32_t pre, double scale, InputRing& ring, std::size_t receptor, std::uint64_t stamp,
                       const PostRange& range) const = 0;
  /// learn() for the synapses onto `range` (a partition of set_partitions()): `pre` holds every
  /// presynaptic spike of the step, `post` every postsynaptic one (the projection picks those in
  /// range). Threads may run different partitions concurrently; each partition's weights, traces
  /// and eligibilities come out exactly as learn() over all partitions in one thread would leave them.
  virtual void learn(std::uint64_t stamp, const StepSpikes& pre, const StepSpikes& post, double modulator,
                     const PostRange& range) = 0;
  /// Traces and eligibilities back to their initial values (weights stay).
  virtual void reset_state() = 0;
  virtual void list(std::vector<std::uint32_t>& pre, std::vector<std::uint32_t>& post, std::vector<double>& weight,
                    std::vector<std::uint32_t>& delay_steps) const = 0;
  virtual std::vector<double> weights() const = 0;
  virtual void set_weights(std::span<const double> weights) = 0;
  /// Eligibility per synapse in storage order (empty for rules without one).
  virtual std::vector<double> eligibility() const = 0;
  /// Checkpoints (docs/checkpoints.md): weights, traces, eligibilities, rate estimates, post spikes
  /// waiting for their dendritic delay and the learning switch, independent of the partitions.
  virtual void save_state(core::StateWriter& out) const = 0;
  /// Reads what save_state wrote and returns the change, to be applied once everything else of the
  /// checkpoint has been read (nothing changes before: a bad checkpoint leaves the projection as it was).
  virtual std::function<void()> load_state(core::StateReader& in) = 0;
  /// Every byte the projection owns: synapse arrays, indices, traces, eligibilities, the objects.
  virtual std::size_t bytes() const noexcept = 0;

  /// While off, traces keep running but no weight or eligibility changes.
  void set_learning(bool on) noexcept { learning_ = on; }
  bool learning() const noexcept { return learning_; }

protected:
  bool learning_ = true;
};

/// Builds the projection for `rule` (validated beforehand) with float weights, or double weights
/// when `double_weights` is set.
std::unique_ptr<PlasticProjection> make_plastic_projection(const model::Plasticity& rule, double dt_ms,
                                                           std::uint32_t n_pre, std::uint32_t n_post,
                                                           std::span<const std::uint32_t> pre,
                                                           std::span<const std::uint32_t> post,
                                                           std::span<const double> weight,
                                                           std::span<const std::uint32_t> delay_steps,
                                                           bool double_weights);

}  // namespace spikeforge::engine
