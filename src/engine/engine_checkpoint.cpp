// Checkpoints of the engine (docs/checkpoints.md): the state a continuation needs, written in a
// form that does not depend on the thread count, and read back into an engine of the same network.
#include <spikeforge/core/error.hpp>
#include <spikeforge/engine/engine.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "engine_state.hpp"

namespace spikeforge::engine {

namespace {
/// One queued direct input made concrete: `value` added to `neuron`'s `receptor` input.
struct QueuedValue {
  std::uint32_t neuron, receptor;
  double value;
};
}  // namespace

void Engine::save_state(core::StateWriter& out) const {
  out.section("engine");
  out.scalar<std::uint64_t>(step_);
  out.scalar<std::uint8_t>(stamp0_emitted_ ? 1 : 0);
  out.scalar<double>(modulator_);
  for (const Population& pop : pops_) {
    out.section("population " + pop.name);
    NeuronGroup& group = *pop.group;
    for (std::string_view name : group.state_names()) {
      const std::span<double> values = group.state(name);
      out.array(std::span<const double>(values));
    }
    const std::span<double> until = group.refractory_until();
    out.array(std::span<const double>(until));
    out.array(pop.counts);
    out.array(pop.applied);
    out.array(pop.i_ext);
    if (pop.direct) {
      // Per arrival slot, every partition's queue in partition order, as the additions they stand
      // for: each neuron's additions keep their order, whatever the partitions on load.
      for (std::size_t slot = 0; slot < pop.slots; ++slot) {
        std::vector<QueuedValue> values;
        for (const auto& lists : pop.pending) {
          for (const PendingInput& in : lists[slot]) {
            if (in.projection == PendingInput::kValue) {
              values.push_back({in.begin, in.receptor, in.scale});
              continue;
            }
            projs_[in.projection].store.for_each_addition(in.begin, in.end, in.scale, [&](std::uint32_t t, double v) {
              values.push_back({t, in.receptor, v});
            });
          }
        }
        out.array(values);
      }
    } else {
      out.array(pop.ring.data());
    }
  }
  for (const Source& src : sources_) {
    out.section("source " + src.name);
    out.scalar<std::uint64_t>(src.times ? src.times->position() : 0);
  }
  for (std::size_t j = 0; j < projs_.size(); ++j) {
    const Projection& proj = projs_[j];
    out.section("projection " + std::to_string(j));
    if (proj.plastic) {
      proj.plastic->save_state(out);
    } else {
      out.array(proj.store.weights());
    }
  }
  out.section("fused drives");
  for (const FusedDrive& drive : fused_) {
    // Weights replaced just before this step still feed it (FusedDrive::previous).
    const bool previous = drive.previous_step == step_;
    out.scalar<std::uint8_t>(previous ? 1 : 0);
    if (previous) out.array(drive.previous.w);
  }
  out.section("end of engine");
}

void Engine::load_state(core::StateReader& in) {
  // Everything is read and checked first; the changes run once the whole state has been read.
  std::vector<std::function<void()>> apply;
  in.section("engine");
  const auto step = in.scalar<std::uint64_t>();
  const bool stamp0 = in.scalar<std::uint8_t>() != 0;
  const auto modulator = in.scalar<double>();
  if (step > 0 && !stamp0) in.fail("time " + std::to_string(step) + " steps with the spikes of t = 0 not sent");
  for (Population& pop : pops_) {
    in.section("population " + pop.name);
    NeuronGroup& group = *pop.group;
    const std::size_t n = pop.size();
    for (std::string_view name : group.state_names()) {
      auto values = in.array<double>(n, "state variable " + std::string(name));
      apply.push_back([&group, name, values = std::move(values)] {
        const std::span<double> target = group.state(name);
        std::copy(values.begin(), values.end(), target.begin());
      });
    }
    auto until = in.array<double>(group.refractory_until().size(), "refractory periods");
    auto counts = in.array<std::uint64_t>(n, "spike counts");
    auto applied = in.array<double>(pop.applied.size(), "current source amplitudes");
    auto i_ext = in.array<double>(pop.i_ext.size(), "injected currents");
    apply.push_back([&pop, &group, until = std::move(until), counts = std::move(counts), applied = std::move(applied),
                     i_ext = std::move(i_ext)] {
      std::copy(until.begin(), until.end(), group.refractory_until().begin());
      pop.counts = counts;
      pop.applied = applied;
      pop.i_ext = i_ext;
    });
    if (pop.direct) {
      std::vector<std::vector<QueuedValue>> slots(pop.slots);
      for (auto& values : slots) {
        values = in.array<QueuedValue>();
        for (const QueuedValue& v : values) {
          if (v.neuron >= n || v.receptor >= InputRing::kReceptors) {
            in.fail("queued input to neuron " + std::to_string(v.neuron) + ", receptor " + std::to_string(v.receptor) +
                    " is out of range");
          }
        }
      }
      apply.push_back([&pop, slots = std::move(slots)] {
        for (std::size_t slot = 0; slot < slots.size(); ++slot) {
          for (auto& lists : pop.pending) lists[slot].clear();
          for (const QueuedValue& v : slots[slot]) {
            // The partition owning the neuron: bounds increase, so the last bound <= neuron.
            const auto part = static_cast<std::size_t>(
                std::upper_bound(pop.bounds.begin() + 1, pop.bounds.end() - 1, v.neuron) - pop.bounds.begin() - 1);
            pop.pending[part][slot].push_back({PendingInput::kValue, v.neuron, v.neuron + 1, v.receptor, v.value});
          }
        }
      });
    } else {
      auto ring = in.array<double>(pop.ring.data().size(), "delayed input (delay ring)");
      apply.push_back([&pop, ring = std::move(ring)] { std::copy(ring.begin(), ring.end(), pop.ring.data().begin()); });
    }
  }
  for (Source& src : sources_) {
    in.section("source " + src.name);
    const auto position = in.scalar<std::uint64_t>();
    if (src.times) {
      if (position > src.times->events()) {
        in.fail("spike-time position " + std::to_string(position) + " beyond the source's " +
                std::to_string(src.times->events()) + " spikes");
      }
      apply.push_back([&src, position] { src.times->seek(static_cast<std::size_t>(position)); });
    }
  }
  for (std::size_t j = 0; j < projs_.size(); ++j) {
    Projection& proj = projs_[j];
    in.section("projection " + std::to_string(j));
    if (proj.plastic) {
      apply.push_back(proj.plastic->load_state(in));
      continue;
    }
    auto weights = in.array<double>(proj.store.size(), "weights");
    // Only weights that changed are written back, so a store of one shared weight keeps it.
    if (weights != proj.store.weights()) {
      apply.push_back([this, j, weights = std::move(weights)] {
        Projection& p = projs_[j];
        p.store.set_weights(weights);
        for (FusedDrive& drive : fused_) {
          if (drive.projection == j) drive.weights = FusedDrive::make(p.store.weights());
        }
      });
    }
  }
  in.section("fused drives");
  for (FusedDrive& drive : fused_) {
    const bool previous = in.scalar<std::uint8_t>() != 0;
    std::vector<double> w;
    if (previous) w = in.array<double>(drive.weights.w.size(), "fused drive weights");
    apply.push_back([&drive, previous, step, w = std::move(w)]() mutable {
      drive.previous_step = previous ? step : FusedDrive::kNever;
      if (previous) drive.previous = FusedDrive::make(std::move(w));
    });
  }
  in.section("end of engine");

  for (auto& change : apply) change();
  for (Source& src : sources_) {
    for (auto& spikes : src.spikes) spikes.clear();
  }
  recorder_.clear();
  step_ = step;
  stamp0_emitted_ = stamp0;
  modulator_ = modulator;
}

}  // namespace spikeforge::engine
