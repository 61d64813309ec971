// The engine's step order: run() splits the steps into windows; a window is phase A (advance every
// partition's neurons and draw its Poisson generators), a serial exchange of the spike lists, and
// phase B (deliver the window's spikes, learn). Building, direct input, fused drives and the thread
// team live in their own files (docs/engine.md "Files").
#include <spikeforge/core/error.hpp>
#include <spikeforge/engine/engine.hpp>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <span>
#include <string>

#include "engine_state.hpp"

namespace spikeforge::engine {

template <class F>
void Engine::parallel(F&& body) {
  const bool clocks = parts_ > 1 && collect_stats_;
  team_->phase(body, clocks);
  if (clocks) {
    const std::vector<double>& seconds = team_->partition_seconds();
    stats_.busy_s += std::accumulate(seconds.begin(), seconds.end(), 0.0);
    stats_.critical_s += *std::max_element(seconds.begin(), seconds.end());
  }
}

void Engine::run(std::uint64_t n) {
  if (n == 0) return;
  if (!stamp0_emitted_) {
    emit_stamp0();
    stamp0_emitted_ = true;
  }
  const std::uint64_t last = step_ + n;
  // With P > 1 the team lives for this call: the caller runs the serial parts and its share of
  // each phase (ThreadTeam::run).
  team_->run([&] {
    while (step_ < last) {
      const std::uint64_t first = step_;
      if (window_ == 1) record_samples(first);  // state and weight probes force one-step windows
      apply_currents(first);
      const std::uint64_t length = window_length(first, last - first);
      run_window(first, length);
      step_ = first + length;
      ++stats_.windows;
    }
  });
}

// Phase A (parallel), the serial exchange, then phase B (parallel); docs/engine.md.
void Engine::run_window(std::uint64_t first, std::uint64_t length) {
  const bool clocks = parts_ > 1 && collect_stats_;
  double serial_start = clocks ? thread_cpu_seconds() : 0.0;
  for (Source& src : sources_) {
    if (src.poisson) {
      // The stamps drawn in this window share one rate segment (cut_steps_); prepare for the first.
      const std::uint64_t d = src.fused ? src.fused_delay : 0;
      src.poisson->prepare(first >= d ? first - d + 1 : 1);
    } else {
      for (std::uint64_t s = 0; s < length; ++s) {
        src.spikes[s].clear();
        src.times->emit(first + s + 1, src.spikes[s]);
      }
    }
  }

  if (clocks) stats_.serial_s += thread_cpu_seconds() - serial_start;
  parallel([&](std::size_t part) { advance_part(part, first, length); });
  if (clocks) serial_start = thread_cpu_seconds();

  for (std::uint64_t s = 0; s < length; ++s) {
    const double time = static_cast<double>(first + s + 1) * dt_;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      Source& src = sources_[i];
      if (src.poisson && !src.fused) {
        SourceSpikes& out = src.spikes[s];
        if (parts_ == 1) {
          std::swap(out, src.part[s]);
        } else {
          out.clear();
          for (std::size_t part = 0; part < parts_; ++part) {
            const SourceSpikes& in = src.part[s * parts_ + part];
            out.ids.insert(out.ids.end(), in.ids.begin(), in.ids.end());
            out.counts.insert(out.counts.end(), in.counts.begin(), in.counts.end());
          }
        }
      }
      const SourceSpikes& sp = src.spikes[s];
      recorder_.record_source(i, time, sp.ids.data(), sp.counts.data(), sp.ids.size());
    }
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      Population& pop = pops_[p];
      // Partition order is increasing neuron order: the list comes out as one thread writes it.
      std::uint32_t* base = pop.spiked.data() + s * pop.size();
      std::size_t count = 0;
      for (std::size_t part = 0; part < parts_; ++part) {
        const std::size_t c = pop.part_spiked[s * parts_ + part];
        const std::uint32_t* from = base + pop.bounds[part];
        if (c > 0 && from != base + count) std::memmove(base + count, from, c * sizeof(std::uint32_t));
        count += c;
      }
      pop.n_spiked[s] = static_cast<std::uint32_t>(count);
      if (count > 0) recorder_.record_population(p, time, base, count);
    }
    if (any_plastic_) modulators_[s] = modulator_callback_ ? modulator_callback_(time) : modulator_;
  }

  if (clocks) stats_.serial_s += thread_cpu_seconds() - serial_start;
  parallel([&](std::size_t part) { deliver_part(part, first, length); });
}

void Engine::advance_part(std::size_t part, std::uint64_t first, std::uint64_t length) {
  for (std::uint64_t s = 0; s < length; ++s) {
    const std::uint64_t m = first + s;
    for (Population& pop : pops_) {
      const std::uint32_t begin = pop.bounds[part], end = pop.bounds[part + 1];
      const double* i_ext = pop.i_ext.empty() ? nullptr : pop.i_ext.data();
      std::uint32_t* out = pop.spiked.data() + s * pop.size() + begin;
      std::size_t count = 0;
      if (pop.direct) {
        // The step without input slots, then the input arriving at its end, in the order it was
        // sent (partition by partition the same additions per neuron), then the fused drives.
        std::vector<PendingInput>& arriving = pop.pending[part][static_cast<std::size_t>(m % pop.slots)];
        // Short rows are bound by the latency of their first lines: ask for them before the step.
        for (std::size_t k = 0; k < std::min<std::size_t>(arriving.size(), kPrefetchRows); ++k) {
          const PendingInput& in = arriving[k];
          if (in.projection != PendingInput::kValue) projs_[in.projection].store.prefetch_range(in.begin, in.end);
        }
        if (begin < end) count = pop.group->step_range(m, begin, end, nullptr, nullptr, i_ext, out);
        for (const PendingInput& in : arriving) {
          double* target = pop.input[in.receptor];
          if (in.projection == PendingInput::kValue) target[in.begin] += in.scale;
          else projs_[in.projection].store.add_range(in.begin, in.end, in.scale, target);
        }
        arriving.clear();
        add_drives(pop, m, begin, end);
      } else {
        add_drives(pop, m, begin, end);
        // The kernel leaves the consumed slot +0.0 over [begin, end): no separate clear pass.
        if (begin < end) count = pop.group->step_range(m, begin, end, pop.ring.slot(m, 0), pop.ring.slot(m, 1), i_ext, out);
      }
      for (std::size_t k = 0; k < count; ++k) ++pop.counts[out[k]];
      pop.part_spiked[s * parts_ + part] = static_cast<std::uint32_t>(count);
    }
    for (Source& src : sources_) {
      if (!src.poisson || src.fused) continue;
      SourceSpikes& out = src.part[s * parts_ + part];
      out.clear();
      src.poisson->emit(m + 1, out, src.bounds[part], src.bounds[part + 1]);
    }
  }
}

void Engine::deliver_part(std::size_t part, std::uint64_t first, std::uint64_t length) {
  for (std::uint64_t s = 0; s < length; ++s) {
    const std::uint64_t stamp = first + s + 1;
    for (const Source& src : sources_) {
      if (src.fused) continue;
      const SourceSpikes& sp = src.spikes[s];
      for (std::size_t j : src.outgoing) {
        for (std::size_t k = 0; k < sp.ids.size(); ++k) {
          deliver(part, projs_[j], sp.ids[k], static_cast<double>(sp.counts[k]), stamp);
        }
      }
    }
    // Short rows (COBA's and CUBA's 80 synapses) are bound by the latency of their first cache
    // lines: the rows of the step's first kAhead spikes are requested together before any is
    // delivered, each later one kAhead spikes ahead (SynapseStore::prefetch_row; no effect on
    // results). Rows into populations with direct input are read a step later: advance_part asks.
    constexpr std::size_t kAhead = 8;
    for (const Population& pop : pops_) {
      const std::uint32_t* ids = pop.spiked.data() + s * pop.size();
      const std::size_t count = std::min<std::size_t>(pop.n_spiked[s], kAhead);
      for (std::size_t j : pop.outgoing) {
        if (!projs_[j].into_ring) continue;
        for (std::size_t k = 0; k < count; ++k) projs_[j].store.prefetch_row(ids[k]);
      }
    }
    for (const Population& pop : pops_) {
      const std::uint32_t* ids = pop.spiked.data() + s * pop.size();
      const std::size_t count = pop.n_spiked[s];
      for (std::size_t j : pop.outgoing) {
        const Projection& proj = projs_[j];
        for (std::size_t k = 0; k < count; ++k) {
          if (proj.into_ring && k + kAhead < count) proj.store.prefetch_row(ids[k + kAhead]);
          deliver(part, proj, ids[k], 1.0, stamp);
        }
      }
    }
    if (!any_plastic_) continue;
    for (auto& proj : projs_) {
      if (!proj.plastic) continue;
      StepSpikes pre;
      if (proj.pre_is_source) {
        const SourceSpikes& sp = sources_[proj.pre].spikes[s];
        pre = {sp.ids.data(), sp.counts.data(), sp.ids.size()};
      } else {
        pre = pops_[proj.pre].step_spikes(s);
      }
      const Population& post = pops_[proj.post];
      proj.plastic->learn(stamp, pre, post.step_spikes(s), modulators_[s],
                          PostRange{post.bounds[part], post.bounds[part + 1], part});
    }
  }
}

void Engine::apply_currents(std::uint64_t step) {
  for (auto& pop : pops_) {
    if (pop.currents.empty()) continue;
    bool changed = false;
    for (std::size_t c = 0; c < pop.currents.size(); ++c) {
      const double a = pop.currents[c].amplitude(static_cast<std::int64_t>(step));
      if (!(a == pop.applied[c])) { pop.applied[c] = a; changed = true; }
    }
    if (!changed) continue;
    // Rebuilt from scratch, not adjusted by differences, so the values never drift by rounding.
    std::fill(pop.i_ext.begin(), pop.i_ext.end(), 0.0);
    for (std::size_t c = 0; c < pop.currents.size(); ++c) {
      const auto& ids = pop.currents[c].neurons();
      if (ids.empty()) {
        for (double& i : pop.i_ext) i += pop.applied[c];
      } else {
        for (std::uint32_t id : ids) pop.i_ext[id] += pop.applied[c];
      }
    }
  }
}

bool Engine::currents_change(std::uint64_t step) const {
  for (const auto& pop : pops_) {
    for (std::size_t c = 0; c < pop.currents.size(); ++c) {
      if (!(pop.currents[c].amplitude(static_cast<std::int64_t>(step)) == pop.applied[c])) return true;
    }
  }
  return false;
}

std::uint64_t Engine::window_length(std::uint64_t first, std::uint64_t remaining) const {
  std::uint64_t length = std::min(window_, remaining);
  // The callback is asked once per step, in step order, on the calling thread.
  if (any_plastic_ && modulator_callback_) length = 1;
  const auto cut = std::upper_bound(cut_steps_.begin(), cut_steps_.end(), first);
  if (cut != cut_steps_.end() && *cut < first + length) length = *cut - first;
  // i_ext is shared by the partitions: it may only change between windows.
  for (std::uint64_t m = first + 1; m < first + length; ++m) {
    if (currents_change(m)) return m - first;
  }
  return length;
}

void Engine::deliver(std::size_t part, const Projection& proj, std::uint32_t pre, double scale, std::uint64_t stamp) {
  Population& post = pops_[proj.post];
  const std::uint32_t lo = post.bounds[part], hi = post.bounds[part + 1];
  if (lo == hi) return;
  InputRing& ring = post.ring;
  const std::size_t receptor = proj.receptor;
  // A spike stamped t_s with delay d steps takes effect at t_{s+d}: it is consumed by step s+d-1.
  if (proj.plastic) {
    proj.plastic->deliver(pre, scale, ring, receptor, stamp, PostRange{lo, hi, part});
    return;
  }
  if (post.direct) {
    const auto projection = static_cast<std::uint32_t>(&proj - projs_.data());
    proj.store.ranges_part(pre, part, [&](std::uint32_t b, std::uint32_t e, std::uint32_t delay) {
      const std::size_t slot = static_cast<std::size_t>((stamp + delay - 1) % post.slots);
      post.pending[part][slot].push_back({projection, b, e, static_cast<std::uint32_t>(receptor), scale});
    });
    return;
  }
  proj.store.deliver_part(pre, scale, part, [&](std::uint32_t delay) { return ring.slot(stamp + delay - 1, receptor); });
}

void Engine::emit_stamp0() {
  // Spike times that round to t = 0 (Poisson stamps cover the step before them, so none at 0).
  bool any = false;
  for (std::size_t s = 0; s < sources_.size(); ++s) {
    Source& src = sources_[s];
    src.spikes[0].clear();
    if (!src.times) continue;
    src.times->emit(0, src.spikes[0]);
    const std::size_t n = src.spikes[0].ids.size();
    recorder_.record_source(s, 0.0, src.spikes[0].ids.data(), src.spikes[0].counts.data(), n);
    any = any || (n > 0 && !src.outgoing.empty());
  }
  if (!any) return;
  // Partition by partition on this thread: every accumulator still sees the same additions in order.
  for (std::size_t part = 0; part < parts_; ++part) {
    for (const Source& src : sources_) {
      const SourceSpikes& sp = src.spikes[0];
      for (std::size_t j : src.outgoing) {
        for (std::size_t k = 0; k < sp.ids.size(); ++k) deliver(part, projs_[j], sp.ids[k], static_cast<double>(sp.counts[k]), 0);
      }
    }
  }
}

void Engine::record_samples(std::uint64_t step) {
  recorder_.sample(
      step, [&](std::size_t population, const std::string& variable) { return pops_[population].group->state(variable); },
      [&](std::size_t projection) {
        const Projection& proj = projs_[projection];
        return proj.plastic ? proj.plastic->weights() : proj.store.weights();
      });
}

}  // namespace spikeforge::engine
