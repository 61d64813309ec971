#include "direct_input.hpp"

#include <algorithm>

#include <spikeforge/engine/engine.hpp>

#include "engine_state.hpp"

namespace spikeforge::engine {

void make_concrete(std::vector<PendingInput>& list, std::uint32_t projection, const SynapseStore& store) {
  const auto of_projection = [&](const PendingInput& in) { return in.projection == projection; };
  if (std::none_of(list.begin(), list.end(), of_projection)) return;
  std::vector<PendingInput> concrete;
  for (const PendingInput& in : list) {
    if (!of_projection(in)) {
      concrete.push_back(in);
      continue;
    }
    store.for_each_addition(in.begin, in.end, in.scale, [&](std::uint32_t target, double value) {
      concrete.push_back({PendingInput::kValue, target, target + 1, in.receptor, value});
    });
  }
  list = std::move(concrete);
}

// Delayed input arrives through the ring or directly (Population); a plastic store delivers into
// the ring itself (its weights change after emission), so a population with a plastic projection
// in keeps its ring.
void Engine::choose_input(const std::vector<std::uint32_t>& ring_length) {
  for (std::size_t p = 0; p < pops_.size(); ++p) {
    Population& pop = pops_[p];
    const bool plastic_in = std::any_of(projs_.begin(), projs_.end(), [&](const Projection& proj) {
      return proj.post == p && proj.plastic != nullptr;
    });
    pop.direct = !plastic_in && pop.group->direct_input(0) != nullptr;
    pop.slots = ring_length[p];
    if (pop.direct) {
      for (std::size_t r = 0; r < InputRing::kReceptors; ++r) pop.input[r] = pop.group->direct_input(r);
    } else {
      pop.ring = InputRing(pop.group->size(), ring_length[p]);
    }
  }
  for (auto& proj : projs_) proj.into_ring = !proj.plastic && !pops_[proj.post].direct;
}

bool Engine::direct_input(std::size_t population) const { return pops_.at(population).direct; }

}  // namespace spikeforge::engine
