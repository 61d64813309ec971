// Regression by checksum: a 64-bit hash of the complete spike trains (and final weights where a
// projection learns) of the reference networks on every backend that runs them, against values
// recorded before the engine, compiler and recorder were restructured. A change of any spike time,
// neuron index or weight bit changes the hash. Run with SPIKEFORGE_PRINT_CHECKSUMS=1 to print
// the current values (only to record them after a deliberate change of results, stated in the
// commit).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/model/json_io.hpp>

#include "../../examples/benchmark_networks.hpp"

namespace spikeforge {
namespace {

/// FNV-1a over 64-bit words.
struct Fnv {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(std::uint64_t word) {
    for (int b = 0; b < 8; ++b) {
      h ^= (word >> (8 * b)) & 0xffU;
      h *= 0x100000001b3ULL;
    }
  }
};

/// Every spike of every spike probe as (probe, step, id), then every weight of every plastic
/// projection (bit pattern of the double), in the backend's synapse order.
std::uint64_t checksum(const Simulator& sim, std::uint64_t* spikes_out = nullptr) {
  Fnv f;
  const auto& net = sim.network();
  std::uint64_t spikes = 0;
  for (std::size_t q = 0; q < net.probes.size(); ++q) {
    if (net.probes[q].kind != model::Probe::Kind::Spikes) continue;
    const auto& rec = sim.spikes(q);
    f.add(q);
    f.add(rec.size());
    spikes += rec.size();
    for (std::size_t k = 0; k < rec.size(); ++k) {
      f.add(static_cast<std::uint64_t>(std::llround(rec.times[k] / net.dt)));
      f.add(rec.ids[k]);
    }
  }
  for (const auto& proj : net.projections) {
    if (!proj.plasticity) continue;
    const auto syn = sim.weights(proj.name);
    f.add(syn.size());
    for (double w : syn.weight) f.add(std::bit_cast<std::uint64_t>(w));
  }
  if (spikes_out) *spikes_out = spikes;
  return f.h;
}

model::Network with_spike_probes(model::Network net) {
  net.probes.clear();
  for (const auto& p : net.populations) net.record_spikes(p.name);
  return net;
}

void expect_checksum(const model::Network& net, const std::string& backend, int threads, double duration_ms,
                     std::uint64_t expected, const std::string& label) {
  SimulatorOptions opt;
  opt.backend = backend;
  opt.seed = 1;
  opt.threads = threads;
  Simulator sim(net, opt);
  sim.run(duration_ms);
  std::uint64_t spikes = 0;
  const std::uint64_t h = checksum(sim, &spikes);
  if (std::getenv("SPIKEFORGE_PRINT_CHECKSUMS")) {
    std::printf("checksum %s %s threads=%d: 0x%016llxULL (%llu spikes)\n", label.c_str(), backend.c_str(), threads,
                static_cast<unsigned long long>(h), static_cast<unsigned long long>(spikes));
  }
  EXPECT_GT(spikes, 100U) << label << " on " << backend << ": a near-silent run proves nothing";
  EXPECT_EQ(h, expected) << label << " on " << backend << " with " << threads << " threads: spike trains or weights"
                         << " changed (" << spikes << " spikes)";
}

model::Network chip_network() {
  return with_spike_probes(model::load_json(std::string(SPIKEFORGE_SOURCE_DIR) + "/examples/cuba_chip.json"));
}

TEST(RegressionChecksums, Coba) {
  const auto net = with_spike_probes(examples::coba_network());
  expect_checksum(net, "cpu", 1, 200.0, 0x3d3eb5c38cf81682ULL, "COBA");
  expect_checksum(net, "cpu", 2, 200.0, 0x3d3eb5c38cf81682ULL, "COBA");
}

TEST(RegressionChecksums, Cuba) {
  const auto net = with_spike_probes(examples::cuba_network());
  expect_checksum(net, "cpu", 1, 200.0, 0x28166f838faa6765ULL, "CUBA");
  expect_checksum(net, "cpu", 2, 200.0, 0x28166f838faa6765ULL, "CUBA");
}

TEST(RegressionChecksums, Brunel) {
  const auto net = with_spike_probes(examples::brunel_network_sized(2000, 500, 200, 50, 1, false));
  expect_checksum(net, "cpu", 1, 200.0, 0xa6512a816cb0f7c9ULL, "Brunel");
  expect_checksum(net, "cpu", 2, 200.0, 0xa6512a816cb0f7c9ULL, "Brunel");
}

TEST(RegressionChecksums, BrunelStdp) {
  const auto net = with_spike_probes(examples::brunel_network_sized(2000, 500, 200, 50, 1, true));
  expect_checksum(net, "cpu", 1, 200.0, 0x44c0eafafb4f0a14ULL, "Brunel+STDP");
  expect_checksum(net, "cpu", 2, 200.0, 0x44c0eafafb4f0a14ULL, "Brunel+STDP");
}

TEST(RegressionChecksums, ChipNetwork) {
  const auto net = chip_network();
  expect_checksum(net, "cpu", 1, 500.0, 0xfc4f3a6ca114ee70ULL, "chip");
  expect_checksum(net, "cpu-fixed", 1, 500.0, 0x756cc1d592da7fd2ULL, "chip");
  expect_checksum(net, "fpga-sim", 1, 500.0, 0x756cc1d592da7fd2ULL, "chip");
}

TEST(RegressionChecksums, ChipNetworkLearning) {
  // The chip network with pair STDP on E -> E (what the core learns on chip; a plastic projection
  // on the core connects all to all, with the same mean input as the static p = 0.1, w = 0.1).
  auto net = chip_network();
  for (auto& proj : net.projections) {
    if (proj.name != "E_E") continue;
    proj.connector = model::Connector::all_to_all();
    proj.weight = model::Distribution::uniform(0.0, 0.02);
    proj.plasticity = model::Plasticity{"stdp_pair",
                                        {{"a_plus", 0.002}, {"a_minus", 0.0024}, {"tau_plus", 20.0},
                                         {"tau_minus", 20.0}, {"w_min", 0.0}, {"w_max", 0.04}}};
  }
  expect_checksum(net, "cpu", 1, 500.0, 0x683712a13dcf984dULL, "chip+STDP");
  expect_checksum(net, "cpu-fixed", 1, 500.0, 0x0db180626c093e7bULL, "chip+STDP");
  expect_checksum(net, "fpga-sim", 1, 500.0, 0x0db180626c093e7bULL, "chip+STDP");
}

}  // namespace
}  // namespace spikeforge
