// spikeforge_thread_stats: runs one benchmark network on the engine with P threads and prints
// where the CPU time went (Engine::thread_stats): the serial part, the partitions' work and the
// per-phase critical path, hence what P idle cores would take. Useful on a shared machine, where
// wall-clock speed-ups cannot be measured. Usage: spikeforge_thread_stats NETWORK THREADS MS
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <string>

#include <spikeforge/engine/engine.hpp>
#include <spikeforge/model/validate.hpp>

#include <spikeforge/model/reference_networks.hpp>

namespace {
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: spikeforge_thread_stats NETWORK THREADS DURATION_MS\n");
    return 2;
  }
  try {
    const std::string name = argv[1];
    const int threads = std::atoi(argv[2]);
    const double duration_ms = std::atof(argv[3]);
    if (threads < 1 || !(duration_ms > 0.0)) throw std::invalid_argument("THREADS must be >= 1 and DURATION_MS > 0");
    const auto net = spikeforge::model::reference::benchmark(name, 1);
    spikeforge::model::validate(net);
    spikeforge::engine::Engine engine(net, 1, false, static_cast<std::size_t>(threads));
    engine.collect_thread_stats(true);
    const double start = thread_cpu_seconds();
    engine.run(static_cast<std::uint64_t>(duration_ms / net.dt + 0.5));
    const double caller_cpu = thread_cpu_seconds() - start;
    const auto& s = engine.thread_stats();
    // With P = 1 nothing is collected: the calling thread's CPU time is the one-thread cost.
    const double all_work = threads == 1 ? caller_cpu : s.serial_s + s.busy_s;
    const double p_cores = threads == 1 ? caller_cpu : s.serial_s + s.critical_s;
    std::printf("{\"network\": \"%s\", \"threads\": %d, \"duration_ms\": %g, \"window_steps\": %llu, "
                "\"windows\": %llu, \"serial_s\": %.4f, \"busy_s\": %.4f, \"critical_s\": %.4f, "
                "\"all_work_s\": %.4f, \"p_cores_s\": %.4f, \"workers\": %zu}\n",
                name.c_str(), threads, duration_ms, static_cast<unsigned long long>(engine.window_steps()),
                static_cast<unsigned long long>(s.windows), s.serial_s, s.busy_s, s.critical_s, all_work, p_cores,
                engine.worker_threads_seen());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spikeforge_thread_stats: %s\n", e.what());
    return 1;
  }
}
