// spikeforge_netbench: builds one of the standard benchmark networks with the public API, runs it
// and prints one JSON object (build_s, run_s, s_per_s, rate_hz, synapses, bytes_per_synapse,
// events_per_s, ...) for benchmarks/compare.py. Parameters match benchmarks/peers/specs.py.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/log.hpp>

#include <spikeforge/model/reference_networks.hpp>
#include "measurement.hpp"

namespace {

void usage() {
  std::printf(
      "usage: spikeforge_netbench --network NAME [--duration-ms D] [--threads T] [--seed S]\n"
      "                           [--backend NAME] [--log LEVEL]\n"
      "  --network NAME     coba, cuba, brunel, brunel_stdp, coba_16k, coba_64k, brunel_1e6, brunel_5e7,\n"
      "                     plastic\n"
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
  // The engine's default is every core; a benchmark states its thread count.
  options.threads = 1;
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
    auto built = spikeforge::bench::build_network(network, options);
    const auto m = spikeforge::bench::timed_run(built, duration);
    std::printf(
        "{\"simulator\": \"spikeforge\", \"network\": \"%s\", \"backend\": \"%s\", \"threads\": %d, "
        "\"seed\": %llu, \"duration_ms\": %.17g, \"build_s\": %.17g, \"run_s\": %.17g, \"cpu_s\": %.17g, "
        "\"s_per_s\": %.17g, "
        "\"rate_hz\": %.17g, \"synapses\": %llu, \"neurons\": %llu, \"spikes\": %llu, "
        "\"bytes_per_synapse\": %.17g, \"events_per_s\": %.17g}\n",
        network.c_str(), options.backend.c_str(), options.threads,
        static_cast<unsigned long long>(options.seed), built.sim->time(), built.build_s, m.run_s, m.cpu_s,
        m.s_per_s(), m.rate_hz(built.neurons), static_cast<unsigned long long>(built.synapses),
        static_cast<unsigned long long>(built.neurons), static_cast<unsigned long long>(m.spikes),
        built.sim->bytes_per_synapse(), m.events_per_s());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
