// The standard benchmark networks of the project (Brette et al. 2007 benchmarks 1 and 2) built
// with the network description API; used by the example programs, the engine tests, the Python
// module and spikeforge_netbench.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <spikeforge/model/network.hpp>

namespace spikeforge::examples {

/// COBA (Vogels & Abbott 2005) with n conductance-based LIF neurons (4/5 E, 1/5 I), random
/// connectivity p, dg_exc = 6 nS, dg_inh = 67 nS, delay one step, no external input: the random
/// initial conductances start self-sustained activity. The scaling sweep keeps p * n = 80.
inline model::Network coba_network_sized(std::uint32_t n, double p, std::uint64_t seed = 1, double dt = 0.1) {
  using model::Distribution;
  model::Network net;
  net.dt = dt;
  net.seed = seed;
  const std::map<std::string, Distribution> params{
      {"cm", Distribution::constant(200.0)},     {"tau_m", Distribution::constant(20.0)},
      {"tau_refrac", Distribution::constant(5.0)}, {"v_rest", Distribution::constant(-60.0)},
      {"v_reset", Distribution::constant(-60.0)}, {"v_thresh", Distribution::constant(-50.0)},
      {"tau_syn_e", Distribution::constant(5.0)}, {"tau_syn_i", Distribution::constant(10.0)},
      {"e_rev_e", Distribution::constant(0.0)},   {"e_rev_i", Distribution::constant(-80.0)}};
  const std::map<std::string, Distribution> initial{{"v", Distribution::normal(-65.0, 5.0)},
                                                    {"g_exc", Distribution::normal(40.0, 15.0)},
                                                    {"g_inh", Distribution::normal(200.0, 120.0)}};
  const std::uint32_t n_exc = n * 4 / 5;
  net.add_population("E", n_exc, "lif_cond_exp", params, initial);
  net.add_population("I", n - n_exc, "lif_cond_exp", params, initial);
  const auto delay = Distribution::constant(dt);
  for (const char* post : {"E", "I"}) {
    net.connect(std::string("E") + post, "E", post, model::Connector::fixed_probability(p),
                Distribution::constant(6.0), delay, "excitatory");
    net.connect(std::string("I") + post, "I", post, model::Connector::fixed_probability(p),
                Distribution::constant(67.0), delay, "inhibitory");
  }
  return net;
}

/// The standard COBA benchmark: 4000 neurons (E: 3200, I: 800), p = 0.02 (mean rate 15-25 Hz).
inline model::Network coba_network(std::uint64_t seed = 1, double dt = 0.1) {
  return coba_network_sized(4000, 0.02, seed, dt);
}

/// CUBA (Brette et al. 2007 benchmark 2): 4000 current-based LIF neurons (E: 3200, I: 800),
/// p = 0.02, w_e = 16.2 pA, w_i = -90 pA (1.62 mV and -9 mV at R = 100 MOhm), delay one step,
/// v_rest = -49 mV above the threshold -50 mV, initial v uniform in [-60, -50] mV (about 5-6 Hz).
inline model::Network cuba_network(std::uint64_t seed = 1, double dt = 0.1) {
  using model::Distribution;
  model::Network net;
  net.dt = dt;
  net.seed = seed;
  const std::map<std::string, Distribution> params{
      {"cm", Distribution::constant(200.0)},     {"tau_m", Distribution::constant(20.0)},
      {"tau_refrac", Distribution::constant(5.0)}, {"v_rest", Distribution::constant(-49.0)},
      {"v_reset", Distribution::constant(-60.0)}, {"v_thresh", Distribution::constant(-50.0)},
      {"tau_syn_e", Distribution::constant(5.0)}, {"tau_syn_i", Distribution::constant(10.0)}};
  const std::map<std::string, Distribution> initial{{"v", Distribution::uniform(-60.0, -50.0)}};
  net.add_population("E", 3200, "lif_curr_exp", params, initial);
  net.add_population("I", 800, "lif_curr_exp", params, initial);
  const auto delay = Distribution::constant(dt);
  for (const char* post : {"E", "I"}) {
    net.connect(std::string("E") + post, "E", post, model::Connector::fixed_probability(0.02),
                Distribution::constant(0.0162), delay, "excitatory");
    net.connect(std::string("I") + post, "I", post, model::Connector::fixed_probability(0.02),
                Distribution::constant(-0.09), delay, "inhibitory");
  }
  return net;
}

}  // namespace spikeforge::examples
