// cpu (double precision) and cpu-fixed (the core's integer arithmetic) on the 256-neuron CUBA-like
// network of examples/cuba_chip.json: both in an irregular regime, same population rates within
// 5 %, and per-neuron rates correlated. Plus the same network on the Verilated full-size core.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include <spikeforge/backend/hardware_backend.hpp>
#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/model/json_io.hpp>

namespace spikeforge {
namespace {

model::Network chip_network() { return model::load_json(std::string(SPIKEFORGE_SOURCE_DIR) + "/examples/cuba_chip.json"); }

struct Stats {
  double mean_rate = 0;             ///< Hz over all neurons
  double cv = 0;                    ///< mean CV of ISI over neurons with >= 5 spikes
  std::vector<double> rates;        ///< Hz per neuron (E then I)
};

Stats stats_of(const Simulator& sim, double seconds) {
  Stats s;
  std::vector<std::vector<double>> times;
  for (const char* pop : {"E", "I"}) {
    const auto& rec = sim.spikes(pop);
    const auto size = sim.network().find_population(pop)->size;
    std::vector<std::vector<double>> t(size);
    for (std::size_t k = 0; k < rec.size(); ++k) t[rec.ids[k]].push_back(rec.times[k]);
    for (auto& x : t) times.push_back(std::move(x));
  }
  double cv_sum = 0;
  int cv_n = 0;
  for (const auto& t : times) {
    s.rates.push_back(static_cast<double>(t.size()) / seconds);
    if (t.size() < 5) continue;
    std::vector<double> isi;
    for (std::size_t k = 1; k < t.size(); ++k) isi.push_back(t[k] - t[k - 1]);
    const double m = std::accumulate(isi.begin(), isi.end(), 0.0) / static_cast<double>(isi.size());
    double v = 0;
    for (double x : isi) v += (x - m) * (x - m);
    v /= static_cast<double>(isi.size());
    cv_sum += std::sqrt(v) / m;
    ++cv_n;
  }
  s.mean_rate = std::accumulate(s.rates.begin(), s.rates.end(), 0.0) / static_cast<double>(s.rates.size());
  s.cv = cv_n ? cv_sum / cv_n : 0.0;
  return s;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    sab += (a[k] - ma) * (b[k] - mb);
    saa += (a[k] - ma) * (a[k] - ma);
    sbb += (b[k] - mb) * (b[k] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

TEST(FloatVsFixed, CubaChipNetworkAgreesStatistically) {
  const auto net = chip_network();
  const double seconds = 20.0;
  SimulatorOptions cpu_opt;
  cpu_opt.seed = 5;
  SimulatorOptions fixed_opt = cpu_opt;
  fixed_opt.backend = "cpu-fixed";
  Simulator cpu(net, cpu_opt);
  Simulator fixed(net, fixed_opt);
  cpu.run(seconds * 1000.0);
  fixed.run(seconds * 1000.0);
  const Stats a = stats_of(cpu, seconds), b = stats_of(fixed, seconds);
  const double corr = correlation(a.rates, b.rates);
  std::printf("cpu: %.3f Hz, CV %.3f; cpu-fixed: %.3f Hz, CV %.3f; rate difference %.2f %%; correlation %.3f\n",
              a.mean_rate, a.cv, b.mean_rate, b.cv, 100.0 * (b.mean_rate - a.mean_rate) / a.mean_rate, corr);
  for (const auto* s : {&a, &b}) {
    const char* which = s == &a ? "cpu" : "cpu-fixed";
    EXPECT_GE(s->mean_rate, 5.0) << which << " mean rate (Hz), expected in [5, 20]";
    EXPECT_LE(s->mean_rate, 20.0) << which << " mean rate (Hz), expected in [5, 20]";
    EXPECT_GT(s->cv, 0.5) << which << " mean CV of ISI, expected > 0.5 (irregular)";
  }
  EXPECT_NEAR(b.mean_rate, a.mean_rate, 0.05 * a.mean_rate)
      << "population mean rate of cpu-fixed vs cpu (Hz), tolerance 5 %";
  for (const char* pop : {"E", "I"}) {
    EXPECT_NEAR(fixed.mean_rate(pop), cpu.mean_rate(pop), 0.05 * cpu.mean_rate(pop))
        << "mean rate of population " << pop << " (Hz), tolerance 5 %";
  }
  EXPECT_GE(corr, 0.7) << "per-neuron rate correlation cpu vs cpu-fixed, expected >= 0.7";
}

TEST(FloatVsFixed, CubaChipNetworkOnTheFullVerilatedCore) {
  // The same example on the N = NA = 256 RTL core: bit for bit with cpu-fixed (short: the
  // Verilated full core runs a few hundred steps per second).
  const auto net = chip_network();
  SimulatorOptions opt;
  opt.seed = 5;
  opt.backend = "cpu-fixed";
  Simulator fixed(net, opt);
  opt.backend = "fpga-sim";
  Simulator rtl(net, opt);
  fixed.run(150.0);
  rtl.run(150.0);
  EXPECT_EQ(dynamic_cast<const HardwareBackend&>(rtl.backend()).image().geometry.n, 256);
  EXPECT_GT(fixed.spike_count("E") + fixed.spike_count("I"), 50u) << "spikes in 150 ms";
  EXPECT_EQ(fixed.spikes("E"), rtl.spikes("E")) << "spikes of E, tolerance 0";
  EXPECT_EQ(fixed.spikes("I"), rtl.spikes("I")) << "spikes of I, tolerance 0";
}

}  // namespace
}  // namespace spikeforge
