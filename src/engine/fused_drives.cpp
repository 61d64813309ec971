#include <spikeforge/engine/engine.hpp>

#include "engine_state.hpp"

namespace spikeforge::engine {

// A Poisson source nobody records whose one projection is static one-to-one with one delay.
void Engine::find_fused_drives() {
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    Source& src = sources_[s];
    if (!src.poisson || src.outgoing.size() != 1 || !recorder_.source_probes(s).empty()) continue;
    const std::size_t j = src.outgoing.front();
    Projection& proj = projs_[j];
    const std::size_t n = src.poisson->size();
    if (proj.plastic || proj.store.size() != n || pops_[proj.post].size() != n || n == 0 ||
        proj.store.max_delay() != 1) {
      continue;
    }
    std::vector<std::uint32_t> pre, post, delay;
    std::vector<double> weight;
    proj.store.list(pre, post, weight, delay);
    bool one_to_one = true;
    for (std::size_t k = 0; k < n && one_to_one; ++k) one_to_one = pre[k] == k && post[k] == k;
    if (!one_to_one) continue;
    src.fused = proj.fused = true;
    src.fused_delay = proj.store.min_delay();
    pops_[proj.post].drives.push_back(fused_.size());
    FusedDrive drive;
    drive.source = s;
    drive.projection = j;
    drive.receptor = proj.receptor;
    drive.delay = proj.store.min_delay();
    drive.drawn.assign(n, 0);
    drive.weights = FusedDrive::make(std::move(weight));
    fused_.push_back(std::move(drive));
  }
}


// The fused Poisson drives of `pop` for step m over neurons [begin, end): into slot m just before
// the kernel consumes it (ring), or into the kernel's synaptic state right after the step (direct).
void Engine::add_drives(Population& pop, std::uint64_t m, std::uint32_t begin, std::uint32_t end) {
  for (std::size_t f : pop.drives) {
    FusedDrive& drive = fused_[f];
    if (m < drive.delay) continue;  // stamp m - d + 1 must be >= 1
    std::uint32_t* __restrict count = drive.drawn.data();
    sources_[drive.source].poisson->counts(m - drive.delay + 1, begin, end, count);
    const FusedDrive::Weights& weights = drive.for_step(m);
    const double* __restrict w = weights.w.data();
    if (pop.direct) {
      // A select, not w * 0 added: the state may be -0.0, which adding +0.0 would change.
      double* __restrict x = pop.input[drive.receptor];
      for (std::size_t k = begin; k < end; ++k) {
        const double sum = x[k] + w[k] * static_cast<double>(count[k]);
        x[k] = count[k] != 0 ? sum : x[k];
      }
      continue;
    }
    // Branch-free: a generator without a spike adds w * 0 = +0.0, which changes no accumulator
    // (sums that start at +0.0 never become -0.0), so this equals delivering only the spikes;
    // a weight beyond float range (inf * 0 = NaN) takes the branch.
    double* __restrict slot = pop.ring.slot(m, drive.receptor);
    if (weights.finite) {
      for (std::size_t k = begin; k < end; ++k) slot[k] += w[k] * static_cast<double>(count[k]);
    } else {
      for (std::size_t k = begin; k < end; ++k) {
        if (count[k] != 0) slot[k] += w[k] * static_cast<double>(count[k]);
      }
    }
  }
}

std::size_t Engine::fused_drives() const noexcept { return fused_.size(); }

}  // namespace spikeforge::engine
