// spikeforge_netbench: builds one of the standard benchmark networks with the public API, runs it
// and prints one JSON object (build_s, run_s, s_per_s, rate_hz, synapses, bytes_per_synapse,
// events_per_s, ...) for benchmarks/compare.py. Parameters match benchmarks/peers/specs.py.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/log.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/synapses.hpp>

#include "benchmark_networks.hpp"

namespace {

using spikeforge::model::Connector;
using spikeforge::model::Distribution;
using spikeforge::model::Network;
using Params = std::map<std::string, Distribution>;

constexpr double kDt = 0.1;

Distribution c(double v) { return Distribution::constant(v); }

/// Brunel (2000): delta synapses (mV), fixed in-degree without autapses, J = 0.1 mV, g = 5,
/// delay 1.5 ms; each neuron has its own Poisson source of rate eta * nu_thr * C_E.
/// With `stdp`, E->E learns by additive all-to-all pair STDP with the parameters of
/// benchmarks/peers/specs.py (StdpSpec): a_plus = lambda * w_max, a_minus = alpha * lambda * w_max.
Network brunel(std::uint32_t n_exc, std::uint32_t n_inh, std::uint32_t c_exc, std::uint32_t c_inh,
               std::uint64_t seed, bool stdp = false) {
  constexpr double j = 0.1, g = 5.0, delay = 1.5, eta = 2.0, theta = 20.0, tau_m = 20.0;
  Network net;
  net.dt = kDt;
  net.seed = seed;
  const Params params{{"tau_m", c(tau_m)},  {"tau_refrac", c(2.0)}, {"v_rest", c(0.0)},
                      {"v_reset", c(10.0)}, {"v_thresh", c(theta)}};
  const Params initial{{"v", Distribution::uniform(0.0, theta)}};
  net.add_population("E", n_exc, "lif_delta", params, initial);
  net.add_population("I", n_inh, "lif_delta", params, initial);
  const double nu_thr_hz = 1000.0 * theta / (j * c_exc * tau_m);
  for (const char* post : {"E", "I"}) {
    const std::string p = post;
    auto& ex = net.connect("E" + p, "E", p, Connector::fixed_in_degree(c_exc, p != "E"), c(j), c(delay),
                           "excitatory");
    if (stdp && p == "E") {
      constexpr double lambda = 0.01, alpha = 1.05, w_max = 2.0 * j;
      ex.plasticity = spikeforge::model::Plasticity{
          "stdp_pair",
          {{"a_plus", lambda * w_max}, {"a_minus", alpha * lambda * w_max}, {"tau_plus", 20.0},
           {"tau_minus", 20.0}, {"w_min", 0.0}, {"w_max", w_max}, {"multiplicative", 0.0}, {"nearest", 0.0}}};
    }
    net.connect("I" + p, "I", p, Connector::fixed_in_degree(c_inh, p != "I"), c(-g * j), c(delay),
                "inhibitory");
    const std::uint32_t size = p == "E" ? n_exc : n_inh;
    net.add_poisson_source("ext" + p, size, c(eta * nu_thr_hz * c_exc));
    net.connect("ext" + p, "ext" + p, p, Connector::one_to_one(), c(j), c(kDt), "excitatory");
  }
  return net;
}

/// Brunel at 10 % connectivity with N such that N * N / 10 = synapses (as specs.py).
Network brunel_scaled(double synapses, std::uint64_t seed) {
  const auto n = static_cast<std::uint32_t>(std::lround(std::sqrt(10.0 * synapses) / 10.0) * 10);
  const std::uint32_t n_exc = n * 4 / 5, cin = n / 10, c_exc = cin * 4 / 5;
  return brunel(n_exc, n - n_exc, c_exc, cin - c_exc, seed);
}

/// The network named `name`; throws with the list of names for an unknown one.
Network make_network(const std::string& name, std::uint64_t seed) {
  if (name == "coba") return spikeforge::examples::coba_network(seed, kDt);
  if (name == "coba_16k") return spikeforge::examples::coba_network_sized(16000, 80.0 / 16000.0, seed, kDt);
  if (name == "coba_64k") return spikeforge::examples::coba_network_sized(64000, 80.0 / 64000.0, seed, kDt);
  if (name == "cuba") return spikeforge::examples::cuba_network(seed, kDt);
  if (name == "brunel") return brunel(8000, 2000, 800, 200, seed);
  if (name == "brunel_1e6") return brunel_scaled(1e6, seed);
  if (name == "brunel_5e7") return brunel_scaled(5e7, seed);
  if (name == "brunel_stdp") return brunel(8000, 2000, 800, 200, seed, true);
  throw std::runtime_error("network '" + name + "' is unknown; allowed: coba, cuba, brunel, brunel_stdp, "
                           "coba_16k, coba_64k, brunel_1e6, brunel_5e7");
}

void usage() {
  std::printf(
      "usage: spikeforge_netbench --network NAME [--duration-ms D] [--threads T] [--seed S]\n"
      "                           [--backend NAME] [--log LEVEL]\n"
      "  --network NAME     coba, cuba, brunel, brunel_stdp, coba_16k, coba_64k, brunel_1e6, brunel_5e7\n"
      "  --duration-ms D    simulated time in ms (default 1000)\n"
      "  --threads T        worker threads (default 1)\n"
      "  --seed S           seed of the network and of run-time randomness (default 1)\n"
      "prints one JSON object: build_s, run_s (wall), cpu_s (process CPU), s_per_s (wall), rate_hz,\n"
      "synapses, bytes_per_synapse,\n"
      "events_per_s (recurrent synaptic events per wall second; external Poisson input excluded)\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string network;
  double duration = 1000.0;
  spikeforge::SimulatorOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    try {
      if (arg == "--network") network = value();
      else if (arg == "--duration-ms") duration = std::stod(value());
      else if (arg == "--threads") options.threads = std::stoi(value());
      else if (arg == "--seed") options.seed = std::stoull(value());
      else if (arg == "--backend") options.backend = value();
      else if (arg == "--log") spikeforge::set_log_level(value());
      else if (arg == "--help" || arg == "-h") { usage(); return 0; }
      else { std::fprintf(stderr, "unknown option %s\n", arg.c_str()); usage(); return 2; }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bad value for %s: %s\n", arg.c_str(), e.what());
      return 2;
    }
  }
  if (network.empty()) {
    std::fprintf(stderr, "--network is required\n");
    usage();
    return 2;
  }
  if (!(duration > 0.0)) {
    std::fprintf(stderr, "--duration-ms must be > 0 ms, got %g\n", duration);
    return 2;
  }

  try {
    const auto t0 = std::chrono::steady_clock::now();
    const Network net = make_network(network, options.seed);
    spikeforge::Simulator sim(net, options);
    const auto t1 = std::chrono::steady_clock::now();
    // Process CPU time beside wall time: on a loaded machine it is the fairer single-thread
    // figure (Brian2's own run time is std::clock() too). Summed over threads when T > 1.
    const std::clock_t c1 = std::clock();
    sim.run(duration);
    const std::clock_t c2 = std::clock();
    const auto t2 = std::chrono::steady_clock::now();
    const double cpu_s = static_cast<double>(c2 - c1) / CLOCKS_PER_SEC;
    const double build_s = std::chrono::duration<double>(t1 - t0).count();
    const double run_s = std::chrono::duration<double>(t2 - t1).count();
    const double sim_s = sim.time() * 1e-3;

    // Recurrent synapses and the events they carried: spikes of each neuron times its out-degree.
    std::uint64_t synapses = 0, spikes = 0, neurons = 0;
    double events = 0.0;
    std::map<std::string, std::vector<std::uint64_t>> counts;
    for (const auto& pop : net.populations) {
      counts[pop.name] = sim.spike_counts(pop.name);
      spikes += sim.spike_count(pop.name);
      neurons += pop.size;
    }
    for (std::size_t k = 0; k < net.projections.size(); ++k) {
      const auto& proj = net.projections[k];
      const auto it = counts.find(proj.pre);
      if (it == counts.end()) continue;  // external Poisson input
      const auto conn = spikeforge::model::build_connectivity(net, k);
      synapses += conn.size();
      for (const std::uint32_t pre : conn.pre) events += static_cast<double>(it->second[pre]);
    }
    std::printf(
        "{\"simulator\": \"spikeforge\", \"network\": \"%s\", \"backend\": \"%s\", \"threads\": %d, "
        "\"seed\": %llu, \"duration_ms\": %.17g, \"build_s\": %.17g, \"run_s\": %.17g, \"cpu_s\": %.17g, "
        "\"s_per_s\": %.17g, "
        "\"rate_hz\": %.17g, \"synapses\": %llu, \"neurons\": %llu, \"spikes\": %llu, "
        "\"bytes_per_synapse\": %.17g, \"events_per_s\": %.17g}\n",
        network.c_str(), options.backend.c_str(), options.threads,
        static_cast<unsigned long long>(options.seed), sim.time(), build_s, run_s, cpu_s, run_s / sim_s,
        static_cast<double>(spikes) / (static_cast<double>(neurons) * sim_s),
        static_cast<unsigned long long>(synapses), static_cast<unsigned long long>(neurons),
        static_cast<unsigned long long>(spikes), sim.bytes_per_synapse(), run_s > 0 ? events / run_s : 0.0);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
