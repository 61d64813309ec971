// A small network using every model, source, connector, current and probe kind, valid as built;
// tests change one field at a time to trigger a single error.
#pragma once

#include <spikeforge/model/network.hpp>

namespace spikeforge::model::fixtures {

inline Network every_kind_network() {
  using D = Distribution;
  Network n;
  n.dt = 0.1;
  n.seed = 42;
  n.add_population("E", 80, "lif_curr_exp", {{"tau_m", D::uniform(15.0, 25.0)}},
                   {{"v", D::uniform(-65.0, -55.0)}});
  n.add_population("I", 20, "lif_curr_exp", {{"v_thresh", D::normal(-50.0, 1.0).clip(-55.0, -45.0)}});
  n.add_population("C", 10, "lif_cond_exp", {{"e_rev_i", D::constant(-80.0)}},
                   {{"g_exc", D::normal(40.0, 15.0)}});
  n.add_population("Z", 5, "izhikevich", {{"a", D::array({0.02, 0.02, 0.02, 0.1, 0.02})}, {"d", D::constant(2.0)}});
  n.add_population("D", 10, "lif_delta", {{"v_rest", D::constant(0.0)}, {"v_reset", D::constant(10.0)},
                                          {"v_thresh", D::constant(20.0)}});
  n.add_population("A", 10, "lif_adaptive_threshold", {{"theta_plus", D::constant(0.1)}});
  n.add_poisson_source("P", 10, D::constant(5.0));
  n.add_spike_times("T", {{1.0, 2.0}, {}, {0.5}});
  n.connect("EE", "E", "E", Connector::fixed_probability(0.1, false), D::constant(0.1), D::constant(1.5));
  n.connect("IE", "I", "E", Connector::fixed_in_degree(5), D::constant(-0.2), D::constant(0.1), "inhibitory");
  n.connect("PC", "P", "C", Connector::fixed_out_degree(3), D::lognormal(0.0, 0.5), D::uniform(0.1, 2.0));
  n.connect("TZ", "T", "Z", Connector::from_list({0, 1, 2}, {0, 1, 4}), D::array({1.0, 2.0, 3.0}), D::constant(1.0));
  std::vector<double> m(25, 0.0);
  m[1] = 0.5;
  m[7] = 1.5;
  n.connect("ZZ", "Z", "Z", Connector::dense(m), D::constant(0.0), D::constant(1.0));
  n.connect("PD", "P", "D", Connector::all_to_all(), D::normal(0.1, 0.05).clip(0.0, {}), D::constant(1.5));
  n.connect("AA", "A", "A", Connector::one_to_one(), D::constant(-0.1), D::constant(0.2), "inhibitory");
  n.add_dc_current("dc", "E", 0.5, 10.0, 50.0, {0, 1});
  n.add_step_current("st", "I", {0.0, 10.0}, {0.1, 0.0});
  n.record_spikes("E");
  n.record_spikes("T", {0, 2});
  n.record_state("C", {"v", "g_exc"}, {0, 1}, 1.0);
  n.record_weights("EE", 10.0);
  return n;
}

}  // namespace spikeforge::model::fixtures
