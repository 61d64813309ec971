#include <spikeforge/core/error.hpp>
#include <spikeforge/engine/plastic_store.hpp>
#include <spikeforge/model/plasticity_rules.hpp>
#include <spikeforge/plasticity/bounds.hpp>
#include <spikeforge/plasticity/hebbian.hpp>
#include <spikeforge/plasticity/stdp_pair.hpp>
#include <spikeforge/plasticity/stdp_triplet.hpp>
#include <spikeforge/plasticity/synaptic_scaling.hpp>
#include <spikeforge/plasticity/three_factor.hpp>
#include <spikeforge/plasticity/traces.hpp>

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>

namespace spikeforge::engine {

template <class W>
PlasticStore<W>::PlasticStore(std::uint32_t n_pre, std::uint32_t n_post, std::span<const std::uint32_t> pre,
                              std::span<const std::uint32_t> post, std::span<const double> weight,
                              std::span<const std::uint32_t> delay_steps)
    : n_pre_(n_pre), n_post_(n_post) {
  // The same layout as SynapseStore, so weights() and set_weights() use the order users already know.
  SparseLayout layout = build_sparse_layout("plastic store", n_pre, n_post, pre, post, weight, delay_steps,
                                            std::numeric_limits<std::uint32_t>::max() - 1);
  const std::size_t n = pre.size();
  max_delay_ = layout.max_delay;
  uniform_delay_ = max_delay_;
  target_.resize(n);
  weight_.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    target_[k] = post[layout.order[k]];
    weight_[k] = static_cast<W>(weight[layout.order[k]]);
  }
  row_begin_ = std::move(layout.row_begin);
  row_seg_ = std::move(layout.row_seg);
  seg_end_ = std::move(layout.seg_end);
  seg_delay_ = std::move(layout.seg_delay);
  // Transposed index: a counting sort of forward positions by target keeps them increasing in
  // each column, which the presynaptic lookup relies on.
  col_begin_.assign(static_cast<std::size_t>(n_post) + 1, 0);
  for (std::size_t k = 0; k < n; ++k) ++col_begin_[target_[k] + 1];
  std::partial_sum(col_begin_.begin(), col_begin_.end(), col_begin_.begin());
  col_pos_.resize(n);
  std::vector<std::uint32_t> fill(col_begin_.begin(), col_begin_.end() - 1);
  for (std::size_t k = 0; k < n; ++k) col_pos_[fill[target_[k]]++] = static_cast<std::uint32_t>(k);
  if (n > 0) {
    const std::size_t buckets = (n >> kLookupShift) + 2;
    row_lookup_.resize(buckets);
    for (std::size_t b = 0; b < buckets; ++b) {
      const auto at = static_cast<std::uint32_t>(std::min(b << kLookupShift, n - 1));
      row_lookup_[b] = static_cast<std::uint32_t>(std::upper_bound(row_begin_.begin(), row_begin_.end(), at) -
                                                  row_begin_.begin()) - 1;
    }
  }
}

template <class W>
void PlasticStore<W>::list(std::vector<std::uint32_t>& pre, std::vector<std::uint32_t>& post,
                           std::vector<double>& weight, std::vector<std::uint32_t>& delay_steps) const {
  const std::size_t n = size();
  pre.resize(n);
  delay_steps.assign(n, uniform_delay_);
  post.assign(target_.begin(), target_.end());
  weight = weights();
  for (std::uint32_t p = 0; p < n_pre_; ++p) {
    for (std::uint32_t k = row_begin_[p]; k < row_begin_[p + 1]; ++k) pre[k] = p;
  }
  if (!seg_end_.empty()) {
    std::uint32_t k = 0;
    for (std::size_t s = 0; s < seg_end_.size(); ++s) {
      for (; k < seg_end_[s]; ++k) delay_steps[k] = seg_delay_[s];
    }
  }
}

template <class W>
void PlasticStore<W>::set_weights(std::span<const double> weights) {
  if (weights.size() != size()) {
    throw Error("plastic store: " + std::to_string(weights.size()) + " weights given for " + std::to_string(size()) +
                " synapses");
  }
  std::transform(weights.begin(), weights.end(), weight_.begin(), [](double w) { return static_cast<W>(w); });
}

template <class W>
std::size_t PlasticStore<W>::bytes() const noexcept {
  return (row_begin_.size() + row_seg_.size() + seg_end_.size() + target_.size() + col_begin_.size() + col_pos_.size() +
          row_lookup_.size()) *
             sizeof(std::uint32_t) +
         seg_delay_.size() * sizeof(std::uint16_t) + weight_.size() * sizeof(W) + sizeof(*this);
}

template class PlasticStore<float>;
template class PlasticStore<double>;

namespace {

template <class R>
constexpr bool has_eligibility = requires { R::eligibility; };

template <class W, class Rule>
class PlasticProjectionT final : public PlasticProjection {
public:
  PlasticProjectionT(Rule rule, const std::map<std::string, double>& params, double dt_ms, PlasticStore<W> store)
      : store_(std::move(store)), rule_(std::move(rule)), bounds_(params), scaling_(params, dt_ms), dt_(dt_ms),
        post_tr_(store_.post_size(), rule_.post_tau, dt_ms, rule_.nearest) {
    if constexpr (has_eligibility<Rule>) {
      eligibility_.assign(store_.size(), W(0));
      eligibility_decay_ = static_cast<W>(rule_.eligibility_decay(dt_ms));
    }
    if (scaling_.enabled()) {
      rate_decay_ = static_cast<W>(std::exp(-dt_ms / scaling_.tau_ms));
      rate_.assign(store_.post_size(), static_cast<W>(scaling_.initial_trace()));
      scale_factor_.assign(store_.post_size(), 1.0);
    }
    if (params.at("dendritic_delay") != 0.0) {
      if (!store_.uniform_delay()) {
        std::vector<std::uint32_t> pre, post, delay;
        std::vector<double> weight;
        store_.list(pre, post, weight, delay);
        const auto [lo, hi] = std::minmax_element(delay.begin(), delay.end());
        throw Error("plasticity dendritic_delay = 1 needs one delay for every synapse of the projection (the post "
                    "spikes are shifted by that delay); this projection has delays from " + std::to_string(*lo) +
                    " to " + std::to_string(*hi) + " steps");
      }
      dendritic_steps_ = store_.max_delay();
    }
    part_bounds_ = {0, store_.post_size()};
    parts_.resize(1);
    parts_[0].pre_tr = plasticity::TraceSet<W, Rule::pre_traces>(store_.pre_size(), rule_.pre_tau, dt_ms, rule_.nearest);
    parts_[0].ring.resize(dendritic_steps_);
  }

  std::size_t size() const noexcept override { return store_.size(); }
  std::uint32_t max_delay() const noexcept override { return store_.max_delay(); }

  void deliver(std::uint32_t pre, double scale, InputRing& ring, std::size_t receptor,
               std::uint64_t stamp) const override {
    if (dendritic_steps_ > 0 && learning_) {
      deliver_updated(pre, scale, ring, receptor, stamp, parts_[0], 0, store_.post_size());
      return;
    }
    store_.deliver(pre, scale, [&](std::uint32_t delay) { return ring.slot(stamp + delay - 1, receptor); });
  }

  void learn(std::uint64_t stamp, const StepSpikes& pre, const StepSpikes& post, double modulator) override {
    for (std::size_t p = 0; p + 1 < part_bounds_.size(); ++p) {
      learn_part(stamp, pre, post, modulator, p, part_bounds_[p], part_bounds_[p + 1]);
    }
  }

  void set_partitions(std::span<const std::uint32_t> bounds) override {
    if (bounds.size() < 2 || bounds.front() != 0 || bounds.back() != store_.post_size() ||
        !std::is_sorted(bounds.begin(), bounds.end())) {
      throw Error("plastic store: partition bounds must increase from 0 to the post size " +
                  std::to_string(store_.post_size()));
    }
    // Every partition's copy of the pre traces holds the same values; the delayed post spikes are
    // regrouped so each partition keeps those in its new range.
    std::vector<Part> next(bounds.size() - 1);
    for (std::size_t p = 0; p < next.size(); ++p) {
      next[p].pre_tr = parts_[0].pre_tr;
      next[p].ring.resize(dendritic_steps_);
      for (std::size_t slot = 0; slot < dendritic_steps_; ++slot) {
        next[p].ring[slot].stamp = parts_[0].ring[slot].stamp;
        for (const Part& old : parts_) {
          for (std::uint32_t id : old.ring[slot].ids) {
            if (id >= bounds[p] && id < bounds[p + 1]) next[p].ring[slot].ids.push_back(id);
          }
        }
      }
    }
    parts_ = std::move(next);
    part_bounds_.assign(bounds.begin(), bounds.end());
  }

  void deliver(std::uint32_t pre, double scale, InputRing& ring, std::size_t receptor, std::uint64_t stamp,
               const PostRange& range) const override {
    if (dendritic_steps_ > 0 && learning_) {
      deliver_updated(pre, scale, ring, receptor, stamp, parts_[range.part < parts_.size() ? range.part : 0],
                      range.begin, range.end);
      return;
    }
    store_.deliver(
        pre, scale, [&](std::uint32_t delay) { return ring.slot(stamp + delay - 1, receptor); }, range.begin,
        range.end);
  }

  void learn(std::uint64_t stamp, const StepSpikes& pre, const StepSpikes& post, double modulator,
             const PostRange& range) override {
    if (range.part + 1 >= part_bounds_.size() || part_bounds_[range.part] != range.begin ||
        part_bounds_[range.part + 1] != range.end) {
      throw Error("plastic store: learn() on post neurons [" + std::to_string(range.begin) + ", " +
                  std::to_string(range.end) + ") as partition " + std::to_string(range.part) +
                  ", which is not a partition given to set_partitions()");
    }
    learn_part(stamp, pre, post, modulator, range.part, range.begin, range.end);
  }

  void reset_state() override {
    for (Part& p : parts_) {
      p.pre_tr.clear();
      for (DelayedPost& d : p.ring) {
        d.stamp = kNoStamp;
        d.ids.clear();
      }
    }
    post_tr_.clear();
    std::fill(eligibility_.begin(), eligibility_.end(), W(0));
    std::fill(rate_.begin(), rate_.end(), static_cast<W>(scaling_.initial_trace()));
  }

  void list(std::vector<std::uint32_t>& pre, std::vector<std::uint32_t>& post, std::vector<double>& weight,
            std::vector<std::uint32_t>& delay_steps) const override {
    store_.list(pre, post, weight, delay_steps);
  }
  std::vector<double> weights() const override { return store_.weights(); }
  void set_weights(std::span<const double> weights) override { store_.set_weights(weights); }
  std::vector<double> eligibility() const override { return {eligibility_.begin(), eligibility_.end()}; }

  void save_state(core::StateWriter& out) const override {
    out.section("plastic projection");
    out.scalar<std::uint8_t>(learning_ ? 1 : 0);
    out.scalar<std::uint32_t>(sizeof(W));
    out.array(store_.weights());
    out.array(parts_[0].pre_tr.values());
    out.array(post_tr_.values());
    out.array(eligibility_);
    out.array(rate_);
    // Post spikes waiting for the dendritic delay: the partitions' lists of each slot, joined
    // (partition order is neuron order).
    out.scalar<std::uint32_t>(dendritic_steps_);
    for (std::size_t slot = 0; slot < dendritic_steps_; ++slot) {
      std::vector<std::uint32_t> ids;
      for (const Part& p : parts_) ids.insert(ids.end(), p.ring[slot].ids.begin(), p.ring[slot].ids.end());
      out.scalar<std::uint64_t>(parts_[0].ring[slot].stamp);
      out.array(ids);
    }
  }

  std::function<void()> load_state(core::StateReader& in) override {
    in.section("plastic projection");
    const bool learning = in.scalar<std::uint8_t>() != 0;
    const auto width = in.scalar<std::uint32_t>();
    if (width != sizeof(W)) {
      in.fail("weights and traces were saved in " + std::string(width == 8 ? "double" : "single") +
              " precision, this simulator keeps them in " + (sizeof(W) == 8 ? "double" : "single") +
              " (the double_weights option must match)");
    }
    auto weights = in.array<double>(store_.size(), "weights");
    auto pre = in.array<W>(parts_[0].pre_tr.values().size(), "pre-synaptic traces");
    auto post = in.array<W>(post_tr_.values().size(), "post-synaptic traces");
    auto eligibility = in.array<W>(eligibility_.size(), "eligibility traces");
    auto rate = in.array<W>(rate_.size(), "rate estimates of synaptic scaling");
    if (in.scalar<std::uint32_t>() != dendritic_steps_) in.fail("dendritic delay slots differ from this network's");
    std::vector<std::pair<std::uint64_t, std::vector<std::uint32_t>>> ring(dendritic_steps_);
    for (auto& [stamp, ids] : ring) {
      stamp = in.scalar<std::uint64_t>();
      ids = in.array<std::uint32_t>();
      for (std::uint32_t id : ids) {
        if (id >= store_.post_size()) in.fail("a delayed post spike of neuron " + std::to_string(id) + " is out of range");
      }
    }
    return [this, learning, weights = std::move(weights), pre = std::move(pre), post = std::move(post),
            eligibility = std::move(eligibility), rate = std::move(rate), ring = std::move(ring)] {
      learning_ = learning;
      store_.set_weights(weights);
      for (Part& p : parts_) std::copy(pre.begin(), pre.end(), p.pre_tr.values().begin());
      std::copy(post.begin(), post.end(), post_tr_.values().begin());
      eligibility_ = eligibility;
      rate_ = rate;
      for (std::size_t slot = 0; slot < ring.size(); ++slot) {
        for (std::size_t p = 0; p < parts_.size(); ++p) {
          DelayedPost& d = parts_[p].ring[slot];
          d.stamp = ring[slot].first;
          d.ids.clear();
          for (std::uint32_t id : ring[slot].second) {
            if (id >= part_bounds_[p] && id < part_bounds_[p + 1]) d.ids.push_back(id);
          }
        }
      }
    };
  }

  std::size_t bytes() const noexcept override {
    std::size_t parts = parts_.capacity() * sizeof(Part) + part_bounds_.capacity() * sizeof(std::uint32_t);
    for (const Part& p : parts_) {
      parts += p.pre_tr.bytes() + p.ring.capacity() * sizeof(DelayedPost) + p.now.capacity() * sizeof(std::uint32_t);
      for (const DelayedPost& d : p.ring) parts += d.ids.capacity() * sizeof(std::uint32_t);
    }
    return store_.bytes() - sizeof(store_) + sizeof(*this) + parts + post_tr_.bytes() +
           eligibility_.size() * sizeof(W) + rate_.size() * sizeof(W) + scale_factor_.size() * sizeof(double);
  }

private:
  static constexpr std::uint64_t kNoStamp = std::numeric_limits<std::uint64_t>::max();

  /// Post spikes of one step in one partition, waiting dendritic_steps_ steps to enter learning.
  struct DelayedPost {
    std::uint64_t stamp = kNoStamp;
    std::vector<std::uint32_t> ids;
  };
  /// What a partition writes besides its own synapses and post neurons: its copy of the pre traces
  /// (every partition reads and bumps all of them, so sharing one copy would race) and its post spikes.
  struct alignas(64) Part {
    plasticity::TraceSet<W, Rule::pre_traces> pre_tr;
    std::vector<DelayedPost> ring;    // slot stamp % dendritic_steps_
    std::vector<std::uint32_t> now;   // this step's post spikes in range
  };

  /// NEST's stdp_synapse updates the weight at a pre spike and then transmits it: with the dendritic
  /// convention the spike carries the weight after its own on_pre update, computed here exactly as
  /// learn() of this step will (traces decayed by one step, same rounding) and stored by learn().
  void deliver_updated(std::uint32_t pre, double scale, InputRing& ring, std::size_t receptor, std::uint64_t stamp,
                       const Part& part, std::uint32_t lo, std::uint32_t hi) const {
    const auto x = part.pre_tr.decayed(pre);
    const std::uint32_t* __restrict target = store_.targets();
    const W* __restrict w = store_.weight_data();
    store_.for_each_run(pre, lo, hi, [&](std::uint32_t begin, std::uint32_t end, std::uint32_t delay) {
      double* __restrict slot = ring.slot(stamp + delay - 1, receptor);
      for (std::uint32_t k = begin; k < end; ++k) {
        W wk = w[k];
        if constexpr (!has_eligibility<Rule>) {
          const auto y = post_tr_.decayed(target[k]);
          wk = bounds_.apply(wk, rule_.on_pre(static_cast<double>(wk), x.data(), y.data()));
        }
        slot[target[k]] += static_cast<double>(wk) * scale;
      }
    });
  }

  void learn_part(std::uint64_t stamp, const StepSpikes& pre, const StepSpikes& post, double modulator, std::size_t p,
                  std::uint32_t lo, std::uint32_t hi) {
    Part& part = parts_[p];
    part.pre_tr.decay();
    post_tr_.decay(lo, hi);
    if constexpr (has_eligibility<Rule>) {
      const W f = eligibility_decay_;
      W* __restrict e = eligibility_.data();
      for_own_synapses(lo, hi, [&](std::uint32_t b, std::uint32_t end) {
        for (std::uint32_t k = b; k < end; ++k) e[k] *= f;
      });
    }
    if (!rate_.empty()) {
      for (std::uint32_t j = lo; j < hi; ++j) rate_[j] *= rate_decay_;
    }
    part.now.clear();
    for (std::size_t s = 0; s < post.n; ++s) {
      if (post.ids[s] >= lo && post.ids[s] < hi) part.now.push_back(post.ids[s]);
    }
    // The post spikes that pair this step: this step's, or with a dendritic delay those of D steps ago.
    const std::vector<std::uint32_t>* pairing = &part.now;
    DelayedPost* slot = nullptr;
    if (dendritic_steps_ > 0) {
      slot = &part.ring[stamp % dendritic_steps_];
      if (slot->stamp != kNoStamp && slot->stamp + dendritic_steps_ != stamp) slot->ids.clear();
      pairing = &slot->ids;
    }
    if (learning_) {
      for (std::size_t s = 0; s < pre.n; ++s) on_pre(part, pre.ids[s], pre.counts ? pre.counts[s] : 1, lo, hi);
      for (std::uint32_t j : *pairing) on_post(part, j);
    }
    for (std::size_t s = 0; s < pre.n; ++s) part.pre_tr.spike(pre.ids[s], pre.counts ? pre.counts[s] : 1);
    for (std::uint32_t j : *pairing) post_tr_.spike(j);
    // The rate estimate of synaptic scaling counts spikes when they are emitted, delay or not.
    if (!rate_.empty()) {
      for (std::uint32_t j : part.now) rate_[j] += W(1);
    }
    if constexpr (has_eligibility<Rule>) modulate(modulator, lo, hi);
    if (learning_ && !rate_.empty() && stamp % scaling_.interval_steps == 0) scale(lo, hi);
    if (slot) {
      slot->ids.swap(part.now);
      slot->stamp = stamp;
    }
  }

  /// Calls f(begin, end) for runs of forward positions that together are the synapses onto [lo, hi).
  template <class F>
  void for_own_synapses(std::uint32_t lo, std::uint32_t hi, F&& f) const {
    if (lo == 0 && hi == store_.post_size()) {
      if (store_.size() > 0) f(0u, static_cast<std::uint32_t>(store_.size()));
      return;
    }
    for (std::uint32_t i = 0; i < store_.pre_size(); ++i) {
      store_.for_each_run(i, lo, hi, [&](std::uint32_t b, std::uint32_t e, std::uint32_t) { f(b, e); });
    }
  }

  void on_pre(const Part& part, std::uint32_t i, std::uint32_t count, std::uint32_t lo, std::uint32_t hi) {
    const W* x = part.pre_tr.of(i);
    const std::uint32_t* __restrict target = store_.targets();
    W* __restrict w = store_.weight_data();
    store_.for_each_run(i, lo, hi, [&](std::uint32_t begin, std::uint32_t end, std::uint32_t) {
      for (std::uint32_t c = 0; c < count; ++c) {
        for (std::uint32_t k = begin; k < end; ++k) {
          const W* y = post_tr_.of(target[k]);
          if constexpr (has_eligibility<Rule>) {
            eligibility_[k] = static_cast<W>(rule_.on_pre(static_cast<double>(eligibility_[k]), x, y));
          } else {
            w[k] = bounds_.apply(w[k], rule_.on_pre(static_cast<double>(w[k]), x, y));
          }
        }
      }
    });
  }

  static constexpr std::uint32_t kColumnAheadL2 = 64, kColumnAheadL1 = 8;
  void on_post(const Part& part, std::uint32_t j) {
    const W* y = post_tr_.of(j);
    const std::uint32_t* __restrict pos = store_.col_pos();
    W* __restrict w = store_.weight_data();
    W* __restrict e = eligibility_.data();
    const std::uint32_t begin = store_.col_begin(j), end = store_.col_begin(j + 1);
    for (std::uint32_t q = begin; q < end; ++q) {
      // Column entries hit scattered weights (DRAM for Brunel's 32 MB): fetch them into L2 far
      // ahead, which does not hold the core's few L1 miss buffers, and into L1 shortly before
      // (Brunel + STDP -5 % against one L1 prefetch 16 ahead; docs/performance.md).
      if (q + kColumnAheadL2 < end) __builtin_prefetch((has_eligibility<Rule> ? e : w) + pos[q + kColumnAheadL2], 1, 1);
      if (q + kColumnAheadL1 < end) __builtin_prefetch((has_eligibility<Rule> ? e : w) + pos[q + kColumnAheadL1], 1, 3);
      const std::uint32_t k = pos[q];
      const W* x = part.pre_tr.of(store_.row_of(k));
      if constexpr (has_eligibility<Rule>) {
        e[k] = static_cast<W>(rule_.on_post(static_cast<double>(e[k]), x, y));
      } else {
        w[k] = bounds_.apply(w[k], rule_.on_post(static_cast<double>(w[k]), x, y));
      }
    }
  }

  void modulate(double modulator, std::uint32_t lo, std::uint32_t hi) {
    if (!learning_ || modulator == 0.0) return;
    W* __restrict w = store_.weight_data();
    const W* __restrict e = eligibility_.data();
    const double gain = rule_.learning_rate * modulator * dt_;
    for_own_synapses(lo, hi, [&](std::uint32_t b, std::uint32_t end) {
      for (std::uint32_t k = b; k < end; ++k) {
        if (e[k] != W(0)) w[k] = bounds_.apply(w[k], static_cast<double>(w[k]) + gain * static_cast<double>(e[k]));
      }
    });
  }

  /// Every weight onto [lo, hi) times its post neuron's factor, walking rows (sequential weights)
  /// rather than columns (one cache miss per synapse); each weight sees the same operation.
  void scale(std::uint32_t lo, std::uint32_t hi) {
    double* __restrict f = scale_factor_.data();
    bool any = false;
    for (std::uint32_t j = lo; j < hi; ++j) {
      f[j] = scaling_.factor(static_cast<double>(rate_[j]));
      any = any || f[j] != 1.0;
    }
    if (!any) return;
    W* __restrict w = store_.weight_data();
    const std::uint32_t* __restrict target = store_.targets();
    for_own_synapses(lo, hi, [&](std::uint32_t b, std::uint32_t e) {
      for (std::uint32_t k = b; k < e; ++k) {
        const double fk = f[target[k]];
        if (fk != 1.0) w[k] = bounds_.apply(w[k], static_cast<double>(w[k]) * fk);
      }
    });
  }

  PlasticStore<W> store_;
  Rule rule_;
  plasticity::WeightBounds bounds_;
  plasticity::SynapticScaling scaling_;
  double dt_;
  std::uint32_t dendritic_steps_ = 0;        // 0: pairs at emission times; else the projection's delay
  std::vector<std::uint32_t> part_bounds_;   // set_partitions(); {0, post size} until then
  std::vector<Part> parts_;
  plasticity::TraceSet<W, Rule::post_traces> post_tr_;
  std::vector<W> eligibility_;
  W eligibility_decay_ = W(1);
  std::vector<W> rate_;  // synaptic scaling: rate trace per post neuron
  W rate_decay_ = W(1);
  std::vector<double> scale_factor_;  // synaptic scaling: this interval's factor per post neuron
};

template <class W>
std::unique_ptr<PlasticProjection> make_typed(const model::Plasticity& desc, double dt, PlasticStore<W> store) {
  const auto p = model::plasticity_parameters(desc.rule, desc.params);
  const std::string& r = desc.rule;
  using namespace plasticity;
  if (r == "stdp_pair") return std::make_unique<PlasticProjectionT<W, StdpPair>>(StdpPair(p), p, dt, std::move(store));
  if (r == "stdp_symmetric")
    return std::make_unique<PlasticProjectionT<W, StdpSymmetric>>(StdpSymmetric(p), p, dt, std::move(store));
  if (r == "stdp_triplet")
    return std::make_unique<PlasticProjectionT<W, StdpTriplet>>(StdpTriplet(p), p, dt, std::move(store));
  if (r == "hebbian") return std::make_unique<PlasticProjectionT<W, Hebbian>>(Hebbian(p, 1.0), p, dt, std::move(store));
  if (r == "anti_hebbian")
    return std::make_unique<PlasticProjectionT<W, Hebbian>>(Hebbian(p, -1.0), p, dt, std::move(store));
  if (r == "oja") return std::make_unique<PlasticProjectionT<W, Oja>>(Oja(p), p, dt, std::move(store));
  if (r == "stdp_three_factor")
    return std::make_unique<PlasticProjectionT<W, StdpThreeFactor>>(StdpThreeFactor(p), p, dt, std::move(store));
  throw Error("plastic store: no kernel for rule '" + r + "'");
}

}  // namespace

std::unique_ptr<PlasticProjection> make_plastic_projection(const model::Plasticity& rule, double dt_ms,
                                                           std::uint32_t n_pre, std::uint32_t n_post,
                                                           std::span<const std::uint32_t> pre,
                                                           std::span<const std::uint32_t> post,
                                                           std::span<const double> weight,
                                                           std::span<const std::uint32_t> delay_steps,
                                                           bool double_weights) {
  if (double_weights) {
    return make_typed(rule, dt_ms, PlasticStore<double>(n_pre, n_post, pre, post, weight, delay_steps));
  }
  return make_typed(rule, dt_ms, PlasticStore<float>(n_pre, n_post, pre, post, weight, delay_steps));
}

}  // namespace spikeforge::engine
