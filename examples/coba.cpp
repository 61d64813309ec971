// spikeforge_coba: the main job. Builds the COBA benchmark network (Vogels & Abbott 2005, 4000
// conductance-based LIF neurons), runs it and prints mean rate, spike and synapse counts, build
// time and wall time per simulated second.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/core/log.hpp>

#include <spikeforge/model/reference_networks.hpp>

namespace {

void usage() {
  std::printf(
      "usage: spikeforge_coba [--duration MS] [--seed N] [--network-seed N] [--backend NAME] [--log LEVEL]\n"
      "  --duration MS      simulated time in ms (default 1000)\n"
      "  --seed N           run seed (Poisson and other run-time randomness; default 1)\n"
      "  --network-seed N   seed of the connectivity and initial values (default 1)\n"
      "  --backend NAME     simulation backend (default cpu)\n"
      "  --log LEVEL        trace, debug, info, warn (default), error, off\n");
}

}  // namespace

int main(int argc, char** argv) {
  double duration = 1000.0;
  std::uint64_t network_seed = 1;
  spikeforge::SimulatorOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) { std::fprintf(stderr, "%s needs a value\n", arg.c_str()); std::exit(2); }
      return argv[++i];
    };
    try {
      if (arg == "--duration") duration = std::stod(value());
      else if (arg == "--seed") options.seed = std::stoull(value());
      else if (arg == "--network-seed") network_seed = std::stoull(value());
      else if (arg == "--backend") options.backend = value();
      else if (arg == "--log") spikeforge::set_log_level(value());
      else if (arg == "--help" || arg == "-h") { usage(); return 0; }
      else { std::fprintf(stderr, "unknown option %s\n", arg.c_str()); usage(); return 2; }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bad value for %s: %s\n", arg.c_str(), e.what());
      return 2;
    }
  }

  try {
    const auto t0 = std::chrono::steady_clock::now();
    spikeforge::model::Network net = spikeforge::model::reference::coba(network_seed);
    spikeforge::Simulator sim(net, options);
    const auto t1 = std::chrono::steady_clock::now();
    sim.run(duration);
    const auto t2 = std::chrono::steady_clock::now();
    const double build_s = std::chrono::duration<double>(t1 - t0).count();
    const double run_s = std::chrono::duration<double>(t2 - t1).count();
    std::uint64_t synapses = 0;
    for (const auto& p : net.projections) synapses += sim.synapses(p.name).size();
    const std::uint64_t spikes = sim.spike_count("E") + sim.spike_count("I");
    const double rate = static_cast<double>(spikes) / (4000.0 * sim.time() * 1e-3);
    std::printf("backend            %s\n", options.backend.c_str());
    std::printf("neurons            4000 (3200 E, 800 I)\n");
    std::printf("synapses           %llu\n", static_cast<unsigned long long>(synapses));
    std::printf("simulated time     %.1f ms (dt = %.2f ms)\n", sim.time(), sim.dt());
    std::printf("spike count        %llu\n", static_cast<unsigned long long>(spikes));
    std::printf("mean rate          %.2f Hz (E %.2f Hz, I %.2f Hz)\n", rate, sim.mean_rate("E"), sim.mean_rate("I"));
    std::printf("build time         %.3f s\n", build_s);
    std::printf("run wall time      %.3f s\n", run_s);
    std::printf("wall time per simulated second  %.4f s/s\n", sim.time() > 0 ? run_s / (sim.time() * 1e-3) : 0.0);
    std::printf("synapse memory     %.2f bytes/synapse\n", sim.bytes_per_synapse());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
