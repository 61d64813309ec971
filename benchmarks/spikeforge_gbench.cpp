// spikeforge_gbench: the standard benchmark networks (BENCHMARKS.md) as Google Benchmark cases,
// one per network and thread count, reporting s_per_s, events_per_s, rate_hz, bytes_per_synapse
// and build_s as counters. Networks and measurement are those of spikeforge_netbench.
//
//   spikeforge_gbench [--duration-ms=D] [--iterations=N] [--benchmark_filter=REGEX] [...]
//
// Case names are NETWORK/threads:T. Each case builds its network once, outside the timed region,
// then runs N iterations of D simulated ms each, continuing the same simulation (iteration time =
// wall time of Simulator::run, reported through UseManualTime).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <spikeforge/backend/simulator.hpp>

#include <spikeforge/model/reference_networks.hpp>
#include "measurement.hpp"

namespace {

// Simulated ms per iteration when --duration-ms is not given: a few hundred ms of wall time per
// iteration at the speeds of docs/performance.md, long enough that per-call overheads vanish.
const std::map<std::string, double> kDefaultDurationMs{
    {"coba", 200.0},     {"cuba", 200.0},     {"brunel", 50.0},     {"brunel_stdp", 20.0}, {"coba_16k", 100.0},
    {"coba_64k", 50.0},  {"brunel_1e6", 200.0}, {"brunel_5e7", 10.0}, {"plastic", 20.0}};

double g_duration_ms = 0.0;  // 0: the per-network default
int g_iterations = 3;

void run_network(benchmark::State& state, const std::string& name) {
  spikeforge::SimulatorOptions options;
  options.threads = static_cast<int>(state.range(0));
  options.seed = 1;
  const double duration = g_duration_ms > 0.0 ? g_duration_ms : kDefaultDurationMs.at(name);
  spikeforge::bench::BuiltNetwork built;
  try {
    built = spikeforge::bench::build_network(name, options);
  } catch (const std::exception& e) {
    state.SkipWithError(("building " + name + ": " + e.what()).c_str());
    return;
  }
  spikeforge::bench::RunMeasurement total;
  for (auto _ : state) {
    try {
      const auto m = spikeforge::bench::timed_run(built, duration);
      state.SetIterationTime(m.run_s);
      total += m;
    } catch (const std::exception& e) {
      state.SkipWithError(("running " + name + ": " + e.what()).c_str());
      break;
    }
  }
  using benchmark::Counter;
  state.counters["s_per_s"] = Counter(total.s_per_s());
  state.counters["cpu_s_per_s"] = Counter(total.sim_s > 0.0 ? total.cpu_s / total.sim_s : 0.0);
  state.counters["events_per_s"] = Counter(total.events_per_s());
  state.counters["rate_hz"] = Counter(total.rate_hz(built.neurons));
  state.counters["bytes_per_synapse"] = Counter(built.sim->bytes_per_synapse());
  state.counters["build_s"] = Counter(built.build_s);
  state.counters["synapses"] = Counter(static_cast<double>(built.synapses));
  state.counters["sim_ms"] = Counter(total.sim_s * 1e3);
}

bool take_option(const std::string& arg, const std::string& name, std::string& value) {
  const std::string prefix = "--" + name + "=";
  if (arg.rfind(prefix, 0) != 0) return false;
  value = arg.substr(prefix.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string value;
    try {
      if (take_option(arg, "duration-ms", value)) {
        g_duration_ms = std::stod(value);
        if (!(g_duration_ms > 0.0)) throw std::invalid_argument("must be > 0 ms");
      } else if (take_option(arg, "iterations", value)) {
        g_iterations = std::stoi(value);
        if (g_iterations < 1) throw std::invalid_argument("must be >= 1");
      } else {
        std::fprintf(stderr,
                     "unknown option %s\nusage: spikeforge_gbench [--duration-ms=D] [--iterations=N] "
                     "[Google Benchmark options, e.g. --benchmark_filter=REGEX]\n",
                     arg.c_str());
        return 2;
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bad value for %s: %s\n", arg.c_str(), e.what());
      return 2;
    }
  }
  for (const auto& name : spikeforge::model::reference::benchmark_names()) {
    benchmark::RegisterBenchmark(name.c_str(), run_network, name)
        ->ArgName("threads")
        ->Arg(1)
        ->Arg(2)
        ->Iterations(g_iterations)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
