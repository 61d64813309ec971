// On-chip learning demo (examples/stdp_pattern.json): an output neuron learns with pair STDP to
// respond to a spatial pattern (16 inputs that burst together for 5 ms every 100 ms) and to
// ignore 16 distractor inputs firing irregularly at the same mean rate (20 Hz). fpga-sim and cpu-fixed must learn the same weights, bit
// for bit, and the learned neuron must detect the pattern.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

#include <spikeforge/backend/hardware_backend.hpp>
#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/model/json_io.hpp>

namespace spikeforge {
namespace {

model::Network pattern_network() {
  return model::load_json(std::string(SPIKEFORGE_SOURCE_DIR) + "/examples/stdp_pattern.json");
}

double mean(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size()); }

/// Fraction of output spikes in [t0, t1) that fall in a pattern burst window (50 ... 60 ms of
/// each 100 ms period, plus 5 ms for the response to build up).
struct Response {
  double in_pattern = 0;   ///< fraction of spikes inside the windows
  double detected = 0;     ///< fraction of presentations with at least one spike
  std::size_t spikes = 0;
};

Response response(const SpikeRecord& rec, double t0, double t1) {
  Response r;
  std::size_t inside = 0;
  std::vector<int> hit(static_cast<std::size_t>((t1 - t0) / 100.0), 0);
  for (double t : rec.times) {
    if (t < t0 || t >= t1) continue;
    ++r.spikes;
    const double phase = std::fmod(t, 100.0);
    if (phase >= 50.0 && phase < 65.0) {
      ++inside;
      hit[static_cast<std::size_t>((t - t0) / 100.0)] = 1;
    }
  }
  r.in_pattern = r.spikes ? static_cast<double>(inside) / static_cast<double>(r.spikes) : 0.0;
  r.detected = static_cast<double>(std::accumulate(hit.begin(), hit.end(), 0)) / static_cast<double>(hit.size());
  return r;
}

TEST(Learning, PatternLearnedOnFpgaSimEqualsCpuFixedAndIsDetected) {
  const auto net = pattern_network();
  const double duration = 10000.0;
  SimulatorOptions opt;
  opt.seed = 11;
  opt.backend = "cpu-fixed";
  Simulator fixed(net, opt);
  opt.backend = "fpga-sim";
  Simulator rtl(net, opt);
  fixed.run(duration);
  rtl.run(duration);

  // Bit for bit: every output spike and every learned weight (snapshots every second too).
  EXPECT_EQ(fixed.spikes("out"), rtl.spikes("out")) << "output spikes, tolerance 0";
  for (const char* proj : {"pattern_out", "distractor_out"}) {
    EXPECT_EQ(fixed.synapses(proj), rtl.synapses(proj)) << "learned weights of " << proj << ", tolerance 0";
    EXPECT_EQ(fixed.weight_snapshots(proj), rtl.weight_snapshots(proj)) << "weight snapshots of " << proj;
  }

  // The pattern is learned: its weights near w_max = 0.1 nA, the distractor's near w_min = 0.
  const double w_pattern = mean(rtl.synapses("pattern_out").weight);
  const double w_distractor = mean(rtl.synapses("distractor_out").weight);
  const Response before = response(rtl.spikes("out"), 0.0, 1000.0);
  const Response after = response(rtl.spikes("out"), duration - 2000.0, duration);
  std::printf("mean weight pattern %.3f nA, distractor %.3f nA; spikes in pattern windows: first second %.2f "
              "(%zu spikes), last 2 s %.2f (%zu spikes), presentations detected %.2f\n",
              w_pattern, w_distractor, before.in_pattern, before.spikes, after.in_pattern, after.spikes, after.detected);
  EXPECT_GE(w_pattern, 0.8 * 0.1) << "mean learned pattern weight (nA), expected >= 80 % of w_max";
  EXPECT_LE(w_distractor, 0.3 * 0.1) << "mean learned distractor weight (nA), expected <= 30 % of w_max";
  EXPECT_GE(after.in_pattern, 0.9) << "fraction of output spikes inside pattern presentations after learning";
  EXPECT_GE(after.detected, 0.9) << "fraction of presentations answered by a spike after learning";
  EXPECT_LT(before.in_pattern, 0.6) << "before learning the neuron also fires to the distractors";
}

}  // namespace
}  // namespace spikeforge
