#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include <spikeforge/backend/simulator.hpp>
#include <spikeforge/engine/neuron_group.hpp>
#include <spikeforge/model/neuron_models.hpp>

namespace spikeforge {
namespace {

// The kernels and the model table (owned by the description layer) must name the same
// parameters and state variables, or a parameter set by a user would silently be ignored.
TEST(ModelTable, KernelsAndTableAgreeOnNames) {
  for (const auto& info : model::neuron_models()) {
    std::set<std::string> table_params, kernel_params, table_state, kernel_state;
    for (const auto& p : info.parameters) table_params.emplace(p.name);
    for (auto name : engine::kernel_parameter_names(info.name)) kernel_params.emplace(name);
    EXPECT_EQ(table_params, kernel_params) << "parameters of model " << info.name;
    neurons::ParameterSet defaults;
    for (const auto& p : info.parameters) defaults.emplace(std::string(p.name), std::vector<double>{p.default_value});
    auto group = engine::make_neuron_group(info.name, defaults, 0.1);
    for (const auto& s : info.state) table_state.emplace(s.name);
    for (auto name : group->state_names()) kernel_state.emplace(name);
    EXPECT_EQ(table_state, kernel_state) << "state variables of model " << info.name;
  }
}

// Every model runs through the Simulator with its defaults, driven by a current, and records
// every state variable.
TEST(ModelTable, EveryModelRunsWithDefaults) {
  for (const auto& info : model::neuron_models()) {
    model::Network net;
    net.add_population("p", 3, std::string(info.name));
    const bool izh = info.name == "izhikevich";
    net.add_dc_current("drive", "p", izh ? 10.0 : 1.0);
    std::vector<std::string> vars;
    for (const auto& s : info.state) vars.emplace_back(s.name);
    net.record_state("p", vars, {}, 1.0);
    net.record_spikes("p");
    Simulator sim(net);
    sim.run(200.0);
    EXPECT_GT(sim.spike_count("p"), 3u) << "spikes of model " << info.name << " under a constant drive in 200 ms";
    const auto& rec = sim.state("p");
    ASSERT_EQ(rec.times.size(), 200u) << "samples of model " << info.name;
    for (std::size_t v = 0; v < vars.size(); ++v) {
      for (double x : rec.values[v]) ASSERT_TRUE(std::isfinite(x)) << vars[v] << " of model " << info.name;
    }
    // Initial values come from the table: v starts at v_rest (LIF) or -65 mV (Izhikevich).
    const double v0 = rec.at(0, 0, 0);
    EXPECT_DOUBLE_EQ(v0, izh ? -65.0 : info.find_parameter("v_rest")->default_value) << "initial v of " << info.name;
  }
}

}  // namespace
}  // namespace spikeforge
