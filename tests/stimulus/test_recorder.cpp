// The Recorder every executor records through: spike probes keep only their selected neurons and
// repeat a source's multiple spikes, state and weight probes sample on their interval, clear()
// empties the records, and bad probes are refused naming the executor and the probe.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <spikeforge/core/error.hpp>
#include <spikeforge/model/network.hpp>
#include <spikeforge/model/resolve.hpp>
#include <spikeforge/stimulus/recorder.hpp>

namespace {

using spikeforge::model::Connector;
using spikeforge::model::Distribution;
using spikeforge::model::Network;
using spikeforge::model::Probe;
using spikeforge::stimulus::Recorder;

Network probed_network() {
  Network net;
  net.dt = 0.1;
  net.add_population("P", 5, "lif_curr_exp");
  net.add_spike_times("S", {{1.0}, {2.0}, {3.0}});
  net.connect("SP", "S", "P", Connector::all_to_all(), Distribution::constant(0.5), Distribution::constant(1.0));
  net.record_spikes("P");                              // probe 0: every neuron
  net.record_spikes("P", {1, 3});                      // probe 1: a subset
  net.record_spikes("S");                              // probe 2: a source
  net.record_state("P", {"v", "i_syn_exc"}, {4, 0}, 0.3);  // probe 3: every 3 steps
  net.record_weights("SP", 0.2);                       // probe 4: every 2 steps
  return net;
}

/// The Recorder of `net`, its probe targets resolved by model::resolve as every executor does.
Recorder recorder_of(const Network& net, const char* who = "test") {
  return Recorder(net, spikeforge::model::resolve(net), 0.1, who);
}

TEST(Recorder, ResolvesTargetsAndSelections) {
  const Recorder rec = recorder_of(probed_network());
  ASSERT_EQ(rec.size(), 5u);
  EXPECT_EQ(rec.population_probes(0), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(rec.source_probes(0), (std::vector<std::size_t>{2}));
  EXPECT_TRUE(rec.is_source(2));
  EXPECT_FALSE(rec.is_source(0));
  EXPECT_EQ(rec.kind(3), Probe::Kind::State);
  EXPECT_EQ(rec.target(4), 0u) << "the weight probe's projection index";
  EXPECT_TRUE(rec.samples());
  EXPECT_EQ(rec.state_record(3).neurons, (std::vector<std::uint32_t>{4, 0}));
  EXPECT_EQ(rec.state_record(3).variables, (std::vector<std::string>{"v", "i_syn_exc"}));
}

TEST(Recorder, SpikeProbesKeepTheirNeuronsAndRepeatMultipleSpikes) {
  Recorder rec = recorder_of(probed_network());
  const std::vector<std::uint32_t> ids{0, 1, 3, 4};
  rec.record_population(0, 0.2, ids.data(), ids.size());
  const std::vector<std::uint32_t> src_ids{0, 2}, counts{2, 1};
  rec.record_source(0, 0.3, src_ids.data(), counts.data(), src_ids.size());

  EXPECT_EQ(rec.spike_record(0).ids, ids);
  EXPECT_EQ(rec.spike_record(0).times, std::vector<double>(4, 0.2));
  EXPECT_EQ(rec.spike_record(1).ids, (std::vector<std::uint32_t>{1, 3})) << "the subset probe keeps neurons 1 and 3";
  EXPECT_EQ(rec.spike_record(2).ids, (std::vector<std::uint32_t>{0, 0, 2})) << "generator 0 sent two spikes";
  EXPECT_EQ(rec.spike_record(2).times, std::vector<double>(3, 0.3));
  EXPECT_EQ(rec.spike_record(3).size(), 0u) << "a state probe records no spikes";

  rec.clear();
  for (std::size_t q = 0; q < 3; ++q) EXPECT_EQ(rec.spike_record(q).size(), 0u) << "probe " << q << " after clear()";
  EXPECT_EQ(rec.population_probes(0).size(), 2u) << "clear() keeps the probes";
}

TEST(Recorder, StateAndWeightProbesSampleOnTheirInterval) {
  Recorder rec = recorder_of(probed_network());
  EXPECT_EQ(rec.next_sample_after(0), 2u);
  EXPECT_EQ(rec.next_sample_after(2), 3u);
  EXPECT_EQ(rec.next_sample_after(3), 4u);
  EXPECT_EQ(rec.next_sample_after(5), 6u);
  for (std::uint64_t step = 0; step <= 6; ++step) {
    rec.sample(
        step,
        [&](std::size_t population, const std::string& var) {
          EXPECT_EQ(population, 0u);
          // value = 100 * variable + 10 * step + neuron
          std::vector<double> v(5);
          for (std::size_t id = 0; id < v.size(); ++id) {
            v[id] = (var == "v" ? 0.0 : 100.0) + 10.0 * static_cast<double>(step) + static_cast<double>(id);
          }
          return v;
        },
        [&](std::size_t projection) {
          EXPECT_EQ(projection, 0u);
          return std::vector<double>{static_cast<double>(step), -1.0};
        });
  }
  const auto& state = rec.state_record(3);
  ASSERT_EQ(state.times.size(), 3u) << "samples at steps 0, 3 and 6";
  EXPECT_DOUBLE_EQ(state.times[1], 0.3);
  EXPECT_DOUBLE_EQ(state.times[2], 0.6000000000000001);
  // Column c is neuron neurons[c] = {4, 0}.
  EXPECT_EQ(state.at(0, 1, 0), 34.0);
  EXPECT_EQ(state.at(0, 1, 1), 30.0);
  EXPECT_EQ(state.at(1, 2, 0), 164.0);
  const auto& weights = rec.weight_record(4);
  ASSERT_EQ(weights.times.size(), 4u) << "samples at steps 0, 2, 4 and 6";
  EXPECT_EQ(weights.weights[3], (std::vector<double>{6.0, -1.0}));
}

TEST(Recorder, RefusesBadProbesNamingThem) {
  Network net = probed_network();
  net.record_spikes("P", {2, 7});
  try {
    Recorder rec = recorder_of(net, "cpu-fixed");
    FAIL() << "neuron 7 of a 5-neuron population must be refused";
  } catch (const spikeforge::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cpu-fixed: probe"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("neuron 7 out of range"), std::string::npos) << e.what();
  }
  // An unknown target never reaches the Recorder: resolving the names refuses it, naming the probe.
  Network unknown = probed_network();
  unknown.record_spikes("nowhere");
  try {
    (void)recorder_of(unknown, "engine");
    FAIL() << "a probe of an unknown target must be refused";
  } catch (const spikeforge::ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("'nowhere': no population or spike source of that name"), std::string::npos)
        << e.what();
  }
}

}  // namespace
