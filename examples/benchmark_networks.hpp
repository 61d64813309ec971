// The standard benchmark networks of the project (BENCHMARKS.md: COBA, CUBA, Brunel static and
// with STDP, the scaling sweep, the plastic recurrent network) built with the network description
// API; used by the example programs, the engine tests, the Python module and the benchmark binaries.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

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

/// Brunel (2000): delta-synapse LIF (mV), fixed in-degree without autapses, J = 0.1 mV, g = 5,
/// delay 1.5 ms; each neuron has its own Poisson source of rate eta * nu_thr * C_E (eta = 2).
/// With `stdp`, E->E learns by additive all-to-all pair STDP with the parameters of
/// benchmarks/peers/specs.py (StdpSpec): a_plus = lambda * w_max, a_minus = alpha * lambda * w_max,
/// pairing as NEST (dendritic_delay = 1).
inline model::Network brunel_network_sized(std::uint32_t n_exc, std::uint32_t n_inh, std::uint32_t c_exc,
                                           std::uint32_t c_inh, std::uint64_t seed = 1, bool stdp = false,
                                           double dt = 0.1) {
  using model::Connector;
  using model::Distribution;
  constexpr double j = 0.1, g = 5.0, delay = 1.5, eta = 2.0, theta = 20.0, tau_m = 20.0;
  const auto c = [](double v) { return Distribution::constant(v); };
  model::Network net;
  net.dt = dt;
  net.seed = seed;
  const std::map<std::string, Distribution> params{{"tau_m", c(tau_m)},  {"tau_refrac", c(2.0)}, {"v_rest", c(0.0)},
                                                   {"v_reset", c(10.0)}, {"v_thresh", c(theta)}};
  const std::map<std::string, Distribution> initial{{"v", Distribution::uniform(0.0, theta)}};
  net.add_population("E", n_exc, "lif_delta", params, initial);
  net.add_population("I", n_inh, "lif_delta", params, initial);
  const double nu_thr_hz = 1000.0 * theta / (j * c_exc * tau_m);
  for (const char* post : {"E", "I"}) {
    const std::string p = post;
    auto& ex = net.connect("E" + p, "E", p, Connector::fixed_in_degree(c_exc, p != "E"), c(j), c(delay),
                           "excitatory");
    if (stdp && p == "E") {
      constexpr double lambda = 0.01, alpha = 1.05, w_max = 2.0 * j;
      ex.plasticity = model::Plasticity{
          "stdp_pair",
          {{"a_plus", lambda * w_max}, {"a_minus", alpha * lambda * w_max}, {"tau_plus", 20.0},
           {"tau_minus", 20.0}, {"w_min", 0.0}, {"w_max", w_max}, {"multiplicative", 0.0}, {"nearest", 0.0},
           // The peers' pairing (NEST's stdp_synapse): the whole 1.5 ms delay is dendritic, so a
           // post spike pairs one delay later.
           {"dendritic_delay", 1.0}}};
    }
    net.connect("I" + p, "I", p, Connector::fixed_in_degree(c_inh, p != "I"), c(-g * j), c(delay), "inhibitory");
    const std::uint32_t size = p == "E" ? n_exc : n_inh;
    net.add_poisson_source("ext" + p, size, c(eta * nu_thr_hz * c_exc));
    net.connect("ext" + p, "ext" + p, p, Connector::one_to_one(), c(j), c(dt), "excitatory");
  }
  return net;
}

/// The standard Brunel network: 8000 E + 2000 I, C_E = 800, C_I = 200 (10^7 synapses, ~43 Hz).
inline model::Network brunel_network(std::uint64_t seed = 1, bool stdp = false, double dt = 0.1) {
  return brunel_network_sized(8000, 2000, 800, 200, seed, stdp, dt);
}

/// Brunel at 10 % connectivity with N such that N * N / 10 = synapses (the scaling sweep; as
/// benchmarks/peers/specs.py).
inline model::Network brunel_network_synapses(double synapses, std::uint64_t seed = 1, double dt = 0.1) {
  const auto n = static_cast<std::uint32_t>(std::lround(std::sqrt(10.0 * synapses) / 10.0) * 10);
  const std::uint32_t n_exc = n * 4 / 5, cin = n / 10, c_exc = cin * 4 / 5;
  return brunel_network_sized(n_exc, n - n_exc, c_exc, cin - c_exc, seed, false, dt);
}

/// The plastic recurrent network (BENCHMARKS.md network 5, after the Zenke & Gerstner 2014 / Auryn
/// benchmark): 20000 E + 5000 I conductance-based LIF (the COBA neuron), p = 0.05 everywhere
/// (31 M synapses, 20 M of them plastic), delay 1.5 ms, an independent Poisson drive per neuron.
/// E->E learns by minimal all-to-all triplet STDP (Pfister & Gerstner 2006, visual cortex time
/// constants, amplitudes relative to w_max) with synaptic scaling towards the network's own rate as
/// homeostasis. Parameters and the reasons for them: benchmarks/README.md; the peers build the same
/// network from benchmarks/peers/specs.py (PlasticSpec), which must be kept equal to this.
inline model::Network plastic_network(std::uint64_t seed = 1, double dt = 0.1) {
  using model::Connector;
  using model::Distribution;
  constexpr std::uint32_t n_exc = 20000, n_inh = 5000;
  constexpr double p = 0.05, delay = 1.5;
  constexpr double w_exc = 0.5, w_inh = 5.0, w_ext = 0.5, ext_rate_hz = 5000.0;
  constexpr double w_max = 2.0 * w_exc, target_hz = 5.0;
  const auto c = [](double v) { return Distribution::constant(v); };
  model::Network net;
  net.dt = dt;
  net.seed = seed;
  const std::map<std::string, Distribution> params{
      {"cm", c(200.0)},      {"tau_m", c(20.0)},     {"tau_refrac", c(5.0)}, {"v_rest", c(-60.0)},
      {"v_reset", c(-60.0)}, {"v_thresh", c(-50.0)}, {"tau_syn_e", c(5.0)},  {"tau_syn_i", c(10.0)},
      {"e_rev_e", c(0.0)},   {"e_rev_i", c(-80.0)}};
  const std::map<std::string, Distribution> initial{{"v", Distribution::uniform(-60.0, -50.0)}};
  net.add_population("E", n_exc, "lif_cond_exp", params, initial);
  net.add_population("I", n_inh, "lif_cond_exp", params, initial);
  for (const char* post : {"E", "I"}) {
    const std::string q = post;
    auto& ex = net.connect("E" + q, "E", q, Connector::fixed_probability(p), c(w_exc), c(delay), "excitatory");
    if (q == "E") {
      ex.plasticity = model::Plasticity{
          "stdp_triplet",
          {{"tau_plus", 16.8}, {"tau_minus", 33.7}, {"tau_x", 101.0}, {"tau_y", 125.0},
           {"a2_plus", 0.0}, {"a3_plus", 6.2e-3 * w_max}, {"a2_minus", 7e-3 * w_max}, {"a3_minus", 0.0},
           {"w_min", 0.0}, {"w_max", w_max},
           {"scaling_target_rate", target_hz}, {"scaling_rate", 1.0}, {"scaling_tau", 1000.0},
           {"scaling_interval", 100.0}}};
    }
    net.connect("I" + q, "I", q, Connector::fixed_probability(p), c(w_inh), c(delay), "inhibitory");
    net.add_poisson_source("ext" + q, q == "E" ? n_exc : n_inh, c(ext_rate_hz));
    net.connect("ext" + q, "ext" + q, q, Connector::one_to_one(), c(w_ext), c(dt), "excitatory");
  }
  return net;
}

/// Every network the benchmark binaries know, by name (the names of benchmarks/peers/specs.py).
inline const std::vector<std::string>& benchmark_network_names() {
  static const std::vector<std::string> names{"coba",       "cuba",     "brunel",     "brunel_stdp", "coba_16k",
                                              "coba_64k",   "brunel_1e6", "brunel_5e7", "plastic"};
  return names;
}

/// The network called `name` (benchmark_network_names()); std::invalid_argument listing the names
/// for an unknown one.
inline model::Network benchmark_network(const std::string& name, std::uint64_t seed = 1, double dt = 0.1) {
  if (name == "coba") return coba_network(seed, dt);
  if (name == "cuba") return cuba_network(seed, dt);
  if (name == "brunel") return brunel_network(seed, false, dt);
  if (name == "brunel_stdp") return brunel_network(seed, true, dt);
  if (name == "coba_16k") return coba_network_sized(16000, 80.0 / 16000.0, seed, dt);
  if (name == "coba_64k") return coba_network_sized(64000, 80.0 / 64000.0, seed, dt);
  if (name == "brunel_1e6") return brunel_network_synapses(1e6, seed, dt);
  if (name == "brunel_5e7") return brunel_network_synapses(5e7, seed, dt);
  if (name == "plastic") return plastic_network(seed, dt);
  std::string allowed;
  for (const auto& n : benchmark_network_names()) allowed += (allowed.empty() ? "" : ", ") + n;
  throw std::invalid_argument("network '" + name + "' is unknown; allowed: " + allowed);
}

}  // namespace spikeforge::examples
