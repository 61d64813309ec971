// Random networks that fit a small core, for comparing the hardware backends with each other.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <spikeforge/model/network.hpp>

namespace spikeforge::test {

/// A random mix of LIF (lif_curr_exp, lif_delta) or Izhikevich populations (dt = 1 ms), a
/// Poisson source and a spike-time source, random sparse excitatory and inhibitory projections
/// with delay one step. At most `max_neurons` neurons and `max_axons` source neurons.
/// With `learning`, the noise source's and the first population's projections onto the first
/// population are all-to-all and plastic (pair STDP with random parameters).
inline model::Network random_network(std::uint64_t seed, std::uint32_t max_neurons, std::uint32_t max_axons,
                                     bool izhikevich, bool learning = false) {
  using model::Connector;
  using model::Distribution;
  std::mt19937_64 rng(seed);
  const auto uni = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  const auto pick = [&](std::uint32_t lo, std::uint32_t hi) { return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng); };
  model::Network net;
  net.dt = izhikevich ? 1.0 : (pick(0, 1) ? 0.5 : 1.0);
  net.seed = seed;
  const std::uint32_t n_pops = pick(1, 3);
  std::uint32_t left = max_neurons;
  std::vector<std::string> pops;
  for (std::uint32_t p = 0; p < n_pops && left >= 4; ++p) {
    const std::uint32_t size = p + 1 == n_pops ? left : pick(4, std::max<std::uint32_t>(4, left / 2));
    left -= size;
    const std::string name = "P" + std::to_string(p);
    if (izhikevich) {
      net.add_population(name, size, "izhikevich",
                         {{"a", Distribution::uniform(0.02, 0.1)}, {"b", Distribution::constant(0.2)},
                          {"c", Distribution::uniform(-65.0, -55.0)}, {"d", Distribution::uniform(2.0, 8.0)}});
    } else {
      const bool delta = pick(0, 3) == 0;
      auto& pop = net.add_population(name, size, delta ? "lif_delta" : "lif_curr_exp",
                                     {{"tau_m", Distribution::uniform(10.0, 30.0)},
                                      {"tau_refrac", Distribution::constant(2.0)},
                                      {"i_offset", Distribution::uniform(0.1, 0.5)}});
      if (!delta) {
        pop.params["tau_syn_e"] = Distribution::constant(uni(3.0, 8.0));
        pop.params["tau_syn_i"] = pop.params["tau_syn_e"];
      }
      pop.initial["v"] = Distribution::uniform(-65.0, -52.0);
    }
    pops.push_back(name);
  }
  const std::uint32_t n_poisson = pick(4, max_axons / 2);
  net.add_poisson_source("noise", n_poisson, izhikevich ? Distribution::uniform(150.0, 400.0) : Distribution::uniform(20.0, 80.0));
  std::vector<std::vector<double>> times(max_axons - n_poisson);
  for (auto& t : times) {
    for (int k = 0; k < 6; ++k) t.push_back(std::floor(uni(1.0, 200.0)) * net.dt);
    std::sort(t.begin(), t.end());
  }
  net.add_spike_times("pattern", times);
  const auto weight_for = [&](const std::string& post, bool inhibitory) {
    const auto* pop = net.find_population(post);
    const bool mv = pop->model != "lif_curr_exp";
    const double w = mv ? uni(2.0, 6.0) : uni(0.2, 0.6);
    return inhibitory ? Distribution::uniform(-w, -w / 4) : Distribution::uniform(w / 4, w);
  };
  int j = 0;
  for (const auto& post : pops) {
    net.connect("noise_" + post, "noise", post, Connector::fixed_probability(0.3), weight_for(post, false),
                Distribution::constant(net.dt));
    net.connect("pattern_" + post, "pattern", post, Connector::fixed_probability(0.3), weight_for(post, false),
                Distribution::constant(2 * net.dt));
    for (const auto& pre : pops) {
      const bool inh = (j++ % 3) == 2;
      net.connect(pre + "_" + post, pre, post, Connector::fixed_probability(0.25), weight_for(post, inh),
                  Distribution::constant(net.dt), inh ? "inhibitory" : "excitatory");
    }
  }
  if (learning) {
    const double w_max = 1.5 * std::abs(net.projections[0].weight.b);
    model::Plasticity stdp{"stdp_pair",
                           {{"a_plus", w_max * uni(0.02, 0.08)}, {"a_minus", w_max * uni(0.02, 0.1)},
                            {"tau_plus", uni(10.0, 30.0)}, {"tau_minus", uni(10.0, 30.0)}, {"w_min", 0.0},
                            {"w_max", w_max}}};
    for (auto& proj : net.projections) {
      if (proj.post != pops[0] || (proj.pre != "noise" && proj.pre != pops[0])) continue;
      proj.connector = Connector::all_to_all();
      proj.receptor = "excitatory";
      proj.weight = Distribution::uniform(0.0, w_max / 2);
      proj.plasticity = stdp;
    }
    net.record_weights(net.projections[0].name, 50.0 * net.dt);
  }
  for (const auto& p : pops) {
    net.record_spikes(p);
    net.record_state(p, {"v"}, {}, 10.0 * net.dt);
  }
  net.record_spikes("noise");
  return net;
}

}  // namespace spikeforge::test
