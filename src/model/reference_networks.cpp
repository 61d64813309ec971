#include <spikeforge/model/reference_networks.hpp>

#include <cmath>
#include <map>

#include <spikeforge/core/error.hpp>

namespace spikeforge::model::reference {

namespace {

Distribution c(double v) { return Distribution::constant(v); }

/// The conductance-based LIF neuron of COBA (Vogels & Abbott 2005), shared by the plastic network.
std::map<std::string, Distribution> coba_neuron() {
  return {{"cm", c(200.0)},      {"tau_m", c(20.0)},     {"tau_refrac", c(5.0)}, {"v_rest", c(-60.0)},
          {"v_reset", c(-60.0)}, {"v_thresh", c(-50.0)}, {"tau_syn_e", c(5.0)},  {"tau_syn_i", c(10.0)},
          {"e_rev_e", c(0.0)},   {"e_rev_i", c(-80.0)}};
}

}  // namespace

Network coba_sized(std::uint32_t n, double p, std::uint64_t seed, double dt) {
  Network net;
  net.dt = dt;
  net.seed = seed;
  const auto params = coba_neuron();
  const std::map<std::string, Distribution> initial{{"v", Distribution::normal(-65.0, 5.0)},
                                                    {"g_exc", Distribution::normal(40.0, 15.0)},
                                                    {"g_inh", Distribution::normal(200.0, 120.0)}};
  const std::uint32_t n_exc = n * 4 / 5;
  net.add_population("E", n_exc, "lif_cond_exp", params, initial);
  net.add_population("I", n - n_exc, "lif_cond_exp", params, initial);
  for (const std::string post : {"E", "I"}) {
    net.connect("E" + post, "E", post, Connector::fixed_probability(p), c(6.0), c(dt), "excitatory");
    net.connect("I" + post, "I", post, Connector::fixed_probability(p), c(67.0), c(dt), "inhibitory");
  }
  return net;
}

Network coba(std::uint64_t seed, double dt) { return coba_sized(4000, 0.02, seed, dt); }

Network cuba(std::uint64_t seed, double dt) {
  Network net;
  net.dt = dt;
  net.seed = seed;
  const std::map<std::string, Distribution> params{
      {"cm", c(200.0)},      {"tau_m", c(20.0)},     {"tau_refrac", c(5.0)}, {"v_rest", c(-49.0)},
      {"v_reset", c(-60.0)}, {"v_thresh", c(-50.0)}, {"tau_syn_e", c(5.0)},  {"tau_syn_i", c(10.0)}};
  const std::map<std::string, Distribution> initial{{"v", Distribution::uniform(-60.0, -50.0)}};
  net.add_population("E", 3200, "lif_curr_exp", params, initial);
  net.add_population("I", 800, "lif_curr_exp", params, initial);
  for (const std::string post : {"E", "I"}) {
    net.connect("E" + post, "E", post, Connector::fixed_probability(0.02), c(0.0162), c(dt), "excitatory");
    net.connect("I" + post, "I", post, Connector::fixed_probability(0.02), c(-0.09), c(dt), "inhibitory");
  }
  return net;
}

Network brunel_sized(std::uint32_t n_exc, std::uint32_t n_inh, std::uint32_t c_exc, std::uint32_t c_inh,
                     std::uint64_t seed, bool stdp, double dt) {
  constexpr double j = 0.1, g = 5.0, delay = 1.5, eta = 2.0, theta = 20.0, tau_m = 20.0;
  Network net;
  net.dt = dt;
  net.seed = seed;
  const std::map<std::string, Distribution> params{{"tau_m", c(tau_m)},  {"tau_refrac", c(2.0)}, {"v_rest", c(0.0)},
                                                   {"v_reset", c(10.0)}, {"v_thresh", c(theta)}};
  const std::map<std::string, Distribution> initial{{"v", Distribution::uniform(0.0, theta)}};
  net.add_population("E", n_exc, "lif_delta", params, initial);
  net.add_population("I", n_inh, "lif_delta", params, initial);
  const double nu_thr_hz = 1000.0 * theta / (j * c_exc * tau_m);
  constexpr double lambda = 0.01, alpha = 1.05, w_max = 2.0 * j;
  const Plasticity pair_stdp{
      "stdp_pair",
      {{"a_plus", lambda * w_max}, {"a_minus", alpha * lambda * w_max}, {"tau_plus", 20.0}, {"tau_minus", 20.0},
       {"w_min", 0.0}, {"w_max", w_max}, {"multiplicative", 0.0}, {"nearest", 0.0},
       // The peers' pairing (NEST's stdp_synapse): the whole 1.5 ms delay is dendritic, so a post
       // spike pairs one delay later.
       {"dendritic_delay", 1.0}}};
  for (const std::string p : {"E", "I"}) {
    std::optional<Plasticity> plasticity;
    if (stdp && p == "E") plasticity = pair_stdp;
    net.connect("E" + p, "E", p, Connector::fixed_in_degree(c_exc, p != "E"), c(j), c(delay), "excitatory",
                plasticity);
    net.connect("I" + p, "I", p, Connector::fixed_in_degree(c_inh, p != "I"), c(-g * j), c(delay), "inhibitory");
    net.add_poisson_source("ext" + p, p == "E" ? n_exc : n_inh, c(eta * nu_thr_hz * c_exc));
    net.connect("ext" + p, "ext" + p, p, Connector::one_to_one(), c(j), c(dt), "excitatory");
  }
  return net;
}

Network brunel(std::uint64_t seed, bool stdp, double dt) { return brunel_sized(8000, 2000, 800, 200, seed, stdp, dt); }

Network brunel_synapses(double synapses, std::uint64_t seed, double dt) {
  const auto n = static_cast<std::uint32_t>(std::lround(std::sqrt(10.0 * synapses) / 10.0) * 10);
  const std::uint32_t n_exc = n * 4 / 5, cin = n / 10, c_exc = cin * 4 / 5;
  return brunel_sized(n_exc, n - n_exc, c_exc, cin - c_exc, seed, false, dt);
}

Network plastic(std::uint64_t seed, double dt) {
  constexpr std::uint32_t n_exc = 20000, n_inh = 5000;
  constexpr double p = 0.05, delay = 1.5;
  constexpr double w_exc = 0.5, w_inh = 5.0, w_ext = 0.5, ext_rate_hz = 5000.0;
  constexpr double w_max = 2.0 * w_exc, target_hz = 5.0;
  Network net;
  net.dt = dt;
  net.seed = seed;
  const auto params = coba_neuron();
  const std::map<std::string, Distribution> initial{{"v", Distribution::uniform(-60.0, -50.0)}};
  net.add_population("E", n_exc, "lif_cond_exp", params, initial);
  net.add_population("I", n_inh, "lif_cond_exp", params, initial);
  const Plasticity triplet{
      "stdp_triplet",
      {{"tau_plus", 16.8}, {"tau_minus", 33.7}, {"tau_x", 101.0}, {"tau_y", 125.0}, {"a2_plus", 0.0},
       {"a3_plus", 6.2e-3 * w_max}, {"a2_minus", 7e-3 * w_max}, {"a3_minus", 0.0}, {"w_min", 0.0}, {"w_max", w_max},
       {"scaling_target_rate", target_hz}, {"scaling_rate", 1.0}, {"scaling_tau", 1000.0},
       {"scaling_interval", 100.0}}};
  for (const std::string q : {"E", "I"}) {
    std::optional<Plasticity> plasticity;
    if (q == "E") plasticity = triplet;
    net.connect("E" + q, "E", q, Connector::fixed_probability(p), c(w_exc), c(delay), "excitatory", plasticity);
    net.connect("I" + q, "I", q, Connector::fixed_probability(p), c(w_inh), c(delay), "inhibitory");
    net.add_poisson_source("ext" + q, q == "E" ? n_exc : n_inh, c(ext_rate_hz));
    net.connect("ext" + q, "ext" + q, q, Connector::one_to_one(), c(w_ext), c(dt), "excitatory");
  }
  return net;
}

Network chip(std::uint64_t seed) {
  Network net;
  net.dt = 1.0;
  net.seed = seed;
  const std::map<std::string, Distribution> params{
      {"cm", c(250.0)},       {"tau_m", c(20.0)},      {"tau_syn_e", c(5.0)},   {"tau_syn_i", c(5.0)},
      {"tau_refrac", c(2.0)}, {"v_rest", c(-65.0)},    {"v_reset", c(-65.0)},   {"v_thresh", c(-50.0)},
      {"i_offset", Distribution::uniform(0.05, 0.2)}};
  const std::map<std::string, Distribution> initial{{"v", Distribution::uniform(-65.0, -50.0)}};
  net.add_population("E", 204, "lif_curr_exp", params, initial);
  net.add_population("I", 52, "lif_curr_exp", params, initial);
  net.add_poisson_source("noise", 256, c(10.0));
  net.connect("noise_E", "noise", "E", Connector::fixed_in_degree(25), c(0.15), c(1.0));
  net.connect("noise_I", "noise", "I", Connector::fixed_in_degree(25), c(0.15), c(1.0));
  net.connect("E_E", "E", "E", Connector::fixed_probability(0.1, false), c(0.1), c(1.0));
  net.connect("E_I", "E", "I", Connector::fixed_probability(0.1), c(0.1), c(1.0));
  net.connect("I_E", "I", "E", Connector::fixed_probability(0.2), c(-0.4), c(1.0), "inhibitory");
  net.connect("I_I", "I", "I", Connector::fixed_probability(0.2, false), c(-0.4), c(1.0), "inhibitory");
  net.record_spikes("E");
  net.record_spikes("I");
  return net;
}

const std::vector<std::string>& benchmark_names() {
  static const std::vector<std::string> names{"coba",     "cuba",       "brunel",     "brunel_stdp", "coba_16k",
                                              "coba_64k", "brunel_1e6", "brunel_5e7", "plastic"};
  return names;
}

Network benchmark(const std::string& name, std::uint64_t seed, double dt) {
  if (name == "coba") return coba(seed, dt);
  if (name == "cuba") return cuba(seed, dt);
  if (name == "brunel") return brunel(seed, false, dt);
  if (name == "brunel_stdp") return brunel(seed, true, dt);
  if (name == "coba_16k") return coba_sized(16000, 80.0 / 16000.0, seed, dt);
  if (name == "coba_64k") return coba_sized(64000, 80.0 / 64000.0, seed, dt);
  if (name == "brunel_1e6") return brunel_synapses(1e6, seed, dt);
  if (name == "brunel_5e7") return brunel_synapses(5e7, seed, dt);
  if (name == "plastic") return plastic(seed, dt);
  std::string allowed;
  for (const auto& n : benchmark_names()) allowed += (allowed.empty() ? "" : ", ") + n;
  throw ValidationError("reference network '" + name + "'", "name", "unknown; allowed: " + allowed);
}

}  // namespace spikeforge::model::reference
