#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "plastic_fixtures.hpp"

namespace spikeforge {
namespace {

// 1000 Poisson sources -> 1000 neurons at p = 0.5: about 500k plastic synapses with one delay.
model::Network memory_network(const std::string& rule) {
  model::Network net;
  net.add_poisson_source("in", 1000, model::Distribution::constant(5.0));
  net.add_population("post", 1000, "lif_curr_exp");
  auto& p = net.connect("in_post", "in", "post", model::Connector::fixed_probability(0.5),
                        model::Distribution::uniform(0.0, 0.1), model::Distribution::constant(1.0));
  p.plasticity = model::Plasticity{rule, {}};
  return net;
}

// Every byte of the projection (forward CSR, transposed index, row and column offsets, per-neuron
// traces, eligibilities, the objects) over its synapse count. The per-synapse arrays are exactly
// 12 bytes (16 with eligibility); the per-neuron arrays add 4 (n_pre + n_post) bytes of offsets and
// one float per neuron and trace, the row lookup of the transposed walk 4 bytes per 1024 synapses;
// the 0.06 B allowance covers that at >= 250 synapses per neuron with one thread (each further
// engine thread keeps its own copy of the pre traces, one float per pre neuron and trace).
TEST(PlasticMemory, BytesPerSynapse) {
  for (const std::string rule : {"stdp_pair", "stdp_symmetric", "stdp_triplet", "hebbian", "oja", "stdp_three_factor"}) {
    SimulatorOptions one_thread;
    one_thread.threads = 1;
    Simulator sim(memory_network(rule), one_thread);
    sim.run(10.0);  // measured on a running network: nothing grows lazily
    const double bytes = test::engine_of(sim).projection_bytes_per_synapse(0);
    const double limit = rule == "stdp_three_factor" ? 16.0 : 12.0;
    std::printf("%-18s %.4f bytes per plastic synapse (%zu synapses)\n", rule.c_str(), bytes,
                test::engine_of(sim).synapse_count());
    EXPECT_LE(bytes, limit + 0.06) << rule << ": bytes per synapse, limit " << limit << " + 0.06 per-neuron allowance";
    EXPECT_GE(bytes, limit) << rule << ": bytes per synapse below the per-synapse arrays alone: the count misses something";
  }
}

// Excitatory weights may not go negative and inhibitory ones not positive under Dale's law, even
// though the bounds allow it; strong random depression/potentiation tries for 5 s of activity.
model::Network dale_network(bool dale) {
  model::Network net;
  net.seed = 7;
  net.add_poisson_source("in", 200, model::Distribution::constant(20.0));
  net.add_population("E", 100, "lif_curr_exp", {{"tau_refrac", model::Distribution::constant(2.0)}});
  const model::Plasticity exc{"stdp_pair", {{"a_plus", 0.02}, {"a_minus", 0.05}, {"w_min", -0.5}, {"w_max", 0.6},
                                            {"dale", dale ? 1.0 : 0.0}}};
  const model::Plasticity inh{"stdp_pair", {{"a_plus", 0.05}, {"a_minus", 0.02}, {"w_min", -0.6}, {"w_max", 0.5},
                                            {"dale", dale ? 1.0 : 0.0}}};
  net.connect("in_E", "in", "E", model::Connector::fixed_probability(0.3), model::Distribution::uniform(0.0, 0.4),
              model::Distribution::uniform(0.5, 3.0))
      .plasticity = exc;
  net.connect("E_E", "E", "E", model::Connector::fixed_probability(0.2, false), model::Distribution::uniform(0.0, 0.2),
              model::Distribution::constant(1.0))
      .plasticity = exc;
  net.connect("E_E_inh", "E", "E", model::Connector::fixed_probability(0.2, false),
              model::Distribution::uniform(-0.3, 0.0), model::Distribution::constant(1.5), "inhibitory")
      .plasticity = inh;
  return net;
}

TEST(PlasticBounds, DaleAndBoundsHoldAfterLongRandomRun) {
  std::size_t crossed_without_dale = 0;
  for (bool dale : {true, false}) {
    Simulator sim(dale_network(dale));
    const auto before_exc = sim.synapses("E_E").weight, before_inh = sim.synapses("E_E_inh").weight;
    const auto before_in = sim.synapses("in_E").weight;
    sim.run(5000.0);
    ASSERT_GT(sim.mean_rate("E"), 1.0) << "mean rate of E (Hz): the run must be active to test anything";
    const struct { const char* name; const std::vector<double>& before; double lo, hi; } cases[] = {
        {"in_E", before_in, -0.5, 0.6}, {"E_E", before_exc, -0.5, 0.6}, {"E_E_inh", before_inh, -0.6, 0.5}};
    for (const auto& c : cases) {
      const auto after = sim.synapses(c.name).weight;
      std::size_t changed = 0;
      for (std::size_t k = 0; k < after.size(); ++k) {
        // Weights are stored as float: the bounds hold for their float values.
        ASSERT_GE(after[k], static_cast<float>(c.lo)) << c.name << " weight " << k << ": below w_min " << c.lo;
        ASSERT_LE(after[k], static_cast<float>(c.hi)) << c.name << " weight " << k << ": above w_max " << c.hi;
        changed += after[k] != c.before[k];
        const bool flipped = std::signbit(static_cast<float>(after[k])) != std::signbit(static_cast<float>(c.before[k])) &&
                             !(after[k] == 0.0 && c.before[k] == 0.0);
        if (dale) {
          ASSERT_FALSE(flipped) << c.name << " weight " << k << " changed sign under Dale's law: " << c.before[k]
                                << " -> " << after[k];
        } else {
          crossed_without_dale += flipped;
        }
      }
      EXPECT_GT(changed, after.size() / 2) << c.name << ": most weights must have learned (changed " << changed << ")";
    }
  }
  // The same run without Dale's law does push weights across zero, so the check above has teeth.
  EXPECT_GT(crossed_without_dale, 100u) << "weights that changed sign without Dale's law";
}

}  // namespace
}  // namespace spikeforge
