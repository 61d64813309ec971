#include <spikeforge/core/error.hpp>
#include <spikeforge/engine/engine.hpp>

#include <string>

#include "engine_state.hpp"

namespace spikeforge::engine {

NeuronGroup& Engine::group(std::size_t population) { return *pops_.at(population).group; }

void Engine::set_learning(std::size_t projection, bool on) {
  Projection& proj = projs_.at(projection);
  if (!proj.plastic) throw Error("engine: projection " + std::to_string(projection) + " has no plasticity rule");
  proj.plastic->set_learning(on);
}

const PlasticProjection* Engine::plastic(std::size_t projection) const { return projs_.at(projection).plastic.get(); }

double Engine::projection_bytes_per_synapse(std::size_t projection) const {
  const Projection& proj = projs_.at(projection);
  const std::size_t n = proj.plastic ? proj.plastic->size() : proj.store.size();
  const std::size_t bytes = proj.plastic ? proj.plastic->bytes() : proj.store.bytes();
  return n == 0 ? 0.0 : static_cast<double>(bytes) / static_cast<double>(n);
}

model::SynapseList Engine::synapses(std::size_t projection) const {
  const Projection& proj = projs_.at(projection);
  model::SynapseList out;
  std::vector<std::uint32_t> delay_steps;
  if (proj.plastic) proj.plastic->list(out.pre, out.post, out.weight, delay_steps);
  else proj.store.list(out.pre, out.post, out.weight, delay_steps);
  out.delay.resize(delay_steps.size());
  for (std::size_t k = 0; k < delay_steps.size(); ++k) out.delay[k] = static_cast<double>(delay_steps[k]) * dt_;
  return out;
}

void Engine::set_weights(std::size_t projection, const std::vector<double>& weights) {
  Projection& proj = projs_.at(projection);
  if (proj.plastic) {
    proj.plastic->set_weights(weights);
    return;
  }
  // Input in flight into a population with direct input was sent with the old weights.
  for (auto& lists : pops_[proj.post].pending) {
    for (auto& list : lists) make_concrete(list, static_cast<std::uint32_t>(projection), proj.store);
  }
  proj.store.set_weights(weights);
  for (FusedDrive& drive : fused_) {
    // One-to-one: storage order is neuron order.
    if (drive.projection == projection) drive.set_weights(proj.store.weights(), step_);
  }
}

const std::vector<std::uint64_t>& Engine::spike_counts(std::size_t population) const { return pops_.at(population).counts; }

std::size_t Engine::synapse_count() const noexcept {
  std::size_t n = 0;
  for (const auto& p : projs_) n += p.plastic ? p.plastic->size() : p.store.size();
  return n;
}

double Engine::bytes_per_synapse() const noexcept {
  std::size_t bytes = 0;
  for (const auto& p : projs_) bytes += p.plastic ? p.plastic->bytes() : p.store.bytes();
  const std::size_t n = synapse_count();
  return n == 0 ? 0.0 : static_cast<double>(bytes) / static_cast<double>(n);
}

std::size_t Engine::worker_threads_seen() const { return team_->threads_seen(); }

}  // namespace spikeforge::engine
