#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <spikeforge/backend/simulator.hpp>

namespace spikeforge {
namespace {

using model::Distribution;

std::map<std::string, Distribution> quiet_lif() {
  // Far from threshold so that input only shows on the synaptic current.
  return {{"v_thresh", Distribution::constant(100.0)}, {"v_reset", Distribution::constant(-65.0)}};
}

// First index r at which column c of variable v of a state record is non-zero.
std::ptrdiff_t first_nonzero(const StateRecord& rec, std::size_t var, std::size_t col) {
  for (std::size_t r = 0; r < rec.times.size(); ++r) {
    if (rec.at(var, r, col) != 0.0) return static_cast<std::ptrdiff_t>(r);
  }
  return -1;
}

TEST(Delays, SpikeArrivesExactlyDelayLaterForHeterogeneousDelays) {
  model::Network net;
  net.dt = 0.1;
  const double t_spike = 1.0;
  net.add_spike_times("src", {{t_spike}});
  const std::vector<double> delays{0.1, 0.5, 1.3, 2.0, 3.7, 0.3};
  net.add_population("post", static_cast<std::uint32_t>(delays.size()), "lif_curr_exp", quiet_lif());
  std::vector<std::uint32_t> pre(delays.size(), 0), post;
  for (std::uint32_t k = 0; k < delays.size(); ++k) post.push_back(k);
  net.connect("src_post", "src", "post", model::Connector::from_list(pre, post), Distribution::constant(0.25),
              Distribution::array(delays));
  net.record_state("post", {"i_syn_exc"}, {}, 0.0);
  Simulator sim(net);
  sim.run(10.0);
  const auto& rec = sim.state("post");
  ASSERT_EQ(rec.times.size(), 100u) << "one sample per step over 10 ms";
  for (std::size_t k = 0; k < delays.size(); ++k) {
    const auto r = first_nonzero(rec, 0, k);
    ASSERT_GE(r, 0) << "input with delay " << delays[k] << " ms never arrived";
    EXPECT_NEAR(rec.times[static_cast<std::size_t>(r)], t_spike + delays[k], 1e-9)
        << "arrival time (ms) of a spike at " << t_spike << " ms with delay " << delays[k] << " ms";
    EXPECT_DOUBLE_EQ(rec.at(0, static_cast<std::size_t>(r), k), 0.25) << "i_syn_exc (nA) at arrival, delay " << delays[k];
  }
}

TEST(Delays, NeuronSpikeArrivesDelayLaterOnDeltaSynapses) {
  // A driven neuron spikes; its spikes reach two lif_delta neurons with 0.7 and 2.2 ms delays as
  // jumps of v at exactly t_spike + d.
  model::Network net;
  net.dt = 0.1;
  net.add_population("driver", 1, "lif_curr_exp", {{"i_offset", Distribution::constant(2.0)}});
  net.add_population("post", 2, "lif_delta", {{"v_thresh", Distribution::constant(100.0)}, {"v_reset", Distribution::constant(-65.0)}});
  net.connect("d", "driver", "post", model::Connector::from_list({0, 0}, {0, 1}), Distribution::constant(1.5),
              Distribution::array({0.7, 2.2}));
  net.record_spikes("driver");
  net.record_state("post", {"v"}, {}, 0.0);
  Simulator sim(net);
  sim.run(30.0);
  const auto& spikes = sim.spikes("driver");
  ASSERT_GE(spikes.size(), 1u) << "the driver must spike";
  const double t_spike = spikes.times[0];
  const auto& rec = sim.state("post");
  const double delays[2] = {0.7, 2.2};
  for (std::size_t c = 0; c < 2; ++c) {
    std::ptrdiff_t jump = -1;
    for (std::size_t r = 1; r < rec.times.size(); ++r) {
      if (rec.at(0, r, c) - rec.at(0, r - 1, c) > 1.0) { jump = static_cast<std::ptrdiff_t>(r); break; }
    }
    ASSERT_GE(jump, 0) << "no jump on post neuron " << c;
    EXPECT_NEAR(rec.times[static_cast<std::size_t>(jump)], t_spike + delays[c], 1e-9)
        << "jump time (ms) after a spike at " << t_spike << " ms with delay " << delays[c] << " ms";
  }
}

}  // namespace
}  // namespace spikeforge
