#include <gtest/gtest.h>

#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/model/json_io.hpp>
#include <spikeforge/model/synapses.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace spikeforge;
using model::Connector;
using model::Network;
using D = model::Distribution;

namespace {

// A small recurrent network that uses random connectivity, random and heterogeneous weights and
// delays, random parameters and initial values, Poisson and spike-time sources, a current
// source and three neuron models, so that every random draw of the description matters.
Network active_network() {
  Network n;
  n.dt = 0.1;
  n.seed = 2024;
  n.add_population("E", 160, "lif_curr_exp", {{"tau_m", D::uniform(15.0, 25.0)}, {"tau_refrac", D::constant(2.0)}},
                   {{"v", D::uniform(-65.0, -50.0)}});
  n.add_population("I", 40, "lif_cond_exp", {{"v_thresh", D::normal(-50.0, 1.0).clip(-53.0, -47.0)}},
                   {{"v", D::normal(-60.0, 3.0)}});
  n.add_population("Z", 20, "izhikevich", {{"a", D::uniform(0.02, 0.1)}, {"i_offset", D::constant(4.0)}});
  n.add_poisson_source("noise", 100, D::uniform(10.0, 30.0));
  n.add_spike_times("kick", {{5.0, 5.0, 20.0}, {7.5}, {}});
  n.connect("noise_E", "noise", "E", Connector::fixed_in_degree(20), D::lognormal(-0.5, 0.3),
            D::uniform(0.5, 3.0));
  n.connect("EE", "E", "E", Connector::fixed_probability(0.1, false), D::normal(0.15, 0.05).clip(0.0, {}),
            D::normal(1.5, 0.5).clip(0.1, 5.0));
  n.connect("EI", "E", "I", Connector::fixed_out_degree(8), D::uniform(2.0, 6.0), D::constant(1.0));
  n.connect("IE", "I", "E", Connector::fixed_probability(0.3), D::uniform(-0.6, -0.2), D::uniform(0.8, 2.0),
            "inhibitory");
  n.connect("kick_Z", "kick", "Z", Connector::all_to_all(), D::constant(20.0), D::constant(0.3));
  n.connect("EZ", "E", "Z", Connector::fixed_in_degree(10), D::uniform(0.5, 1.5), D::uniform(1.0, 4.0));
  n.add_dc_current("bias", "E", 0.2, 10.0, 150.0, {0, 1, 2, 3, 4});
  n.record_spikes("E");
  n.record_spikes("I");
  n.record_spikes("Z");
  n.record_state("E", {"v", "i_syn_exc"}, {0, 7, 99}, 0.5);
  n.record_state("I", {"g_inh"}, {3}, 0.0);
  return n;
}

struct Recorded {
  std::vector<SpikeRecord> spikes;
  std::vector<StateRecord> states;
};

// Run options set by field, so options added to SimulatorOptions later keep their defaults.
SimulatorOptions run_options() {
  SimulatorOptions options;
  options.seed = 77;
  return options;
}

Recorded simulate(const Network& n, double ms = 200.0) {
  Simulator sim(n, run_options());
  sim.run(ms);
  Recorded r;
  for (const char* p : {"spikes(E)", "spikes(I)", "spikes(Z)"}) r.spikes.push_back(sim.spikes(p));
  for (const char* p : {"state(E)", "state(I)"}) r.states.push_back(sim.state(p));
  return r;
}

void expect_same_run(const Recorded& a, const Recorded& b, const std::string& what) {
  const char* names[] = {"E", "I", "Z"};
  for (std::size_t i = 0; i < a.spikes.size(); ++i) {
    EXPECT_EQ(a.spikes[i].size(), b.spikes[i].size()) << what << ": spike count of " << names[i];
    EXPECT_TRUE(a.spikes[i] == b.spikes[i]) << what << ": spike times and ids of " << names[i] << " must be identical";
  }
  for (std::size_t i = 0; i < a.states.size(); ++i)
    EXPECT_TRUE(a.states[i] == b.states[i]) << what << ": state trace " << i << " must be identical";
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("spikeforge_" + std::to_string(::getpid()) + "_" + name)).string();
}

Network save_and_load(const Network& n, const std::string& name) {
  const std::string path = temp_path(name);
  model::save_json(n, path);
  Network back = model::load_json(path);
  std::filesystem::remove(path);
  return back;
}

}  // namespace

TEST(JsonRuns, SavedDescriptionRunsToIdenticalSpikes) {
  const Network n = active_network();
  const Recorded original = simulate(n);
  for (std::size_t i = 0; i < original.spikes.size(); ++i)
    ASSERT_GT(original.spikes[i].size(), 10u) << "the test network must be active (population " << i << ")";
  std::printf("spikes in 200 ms: E %zu, I %zu, Z %zu\n", original.spikes[0].size(), original.spikes[1].size(),
              original.spikes[2].size());
  const Network loaded = save_and_load(n, "description.json");
  ASSERT_TRUE(loaded == n) << "loaded description equals the saved one";
  expect_same_run(original, simulate(loaded), "description saved and loaded");
}

TEST(JsonRuns, SavedInstantiatedNetworkRunsToIdenticalSpikes) {
  const Network n = active_network();
  const Network inst = model::instantiate(n);
  const Network loaded = save_and_load(inst, "instantiated.json");
  ASSERT_TRUE(loaded == inst) << "loaded instantiated network equals the saved one";
  const Recorded from_file = simulate(loaded);
  expect_same_run(simulate(inst), from_file, "instantiated network saved and loaded");
  // Nothing is drawn differently when the description is written out in full.
  expect_same_run(simulate(n), from_file, "instantiated network against its description");
}

TEST(JsonRuns, ChangedWeightsSavedIntoTheFileRunTheSame) {
  // Weights changed in a simulator (as learning would) and written back into the file give a
  // network that runs exactly as the simulator with the changed weights.
  const Network n = active_network();
  Simulator changed(n, run_options());
  model::SynapseList ee = changed.synapses("EE");
  for (std::size_t k = 0; k < ee.size(); ++k) ee.weight[k] *= (k % 3 == 0) ? 1.7 : 0.6;
  changed.set_weights("EE", ee.weight);
  changed.run(200.0);

  Network saved = model::instantiate(n);
  for (auto& p : saved.projections) {
    if (p.name != "EE") continue;
    const model::SynapseList s = changed.synapses("EE");
    p.connector = Connector::from_list(s.pre, s.post);
    p.weight = D::array(s.weight);
    p.delay = D::array(s.delay);
  }
  const Network loaded = save_and_load(saved, "changed.json");
  ASSERT_TRUE(loaded == saved);
  Simulator again(loaded, run_options());
  again.run(200.0);
  for (const char* p : {"spikes(E)", "spikes(I)", "spikes(Z)"})
    EXPECT_TRUE(changed.spikes(p) == again.spikes(p)) << p << ": spikes with the changed weights, saved and reloaded";
  EXPECT_FALSE(changed.spikes("spikes(E)") == simulate(n).spikes[0])
      << "the changed weights must change the spikes, or this test shows nothing";
}
