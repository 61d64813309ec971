"""Plasticity from Python: the rule table, learning rules on projections (the measured pair-STDP
window equals the analytic curve), learning on/off, the three-factor modulator as a value or a
Python callable, and the errors of each."""

import math

import numpy as np
import pytest

import spikeforge as sf

T0 = 150.0  # ms, pre spike of every trial


def forced_pairs(delta_t, rule, w0=0.5, dt=0.1):
    """One trial per entry of delta_t: pre spike at T0, post spike forced at T0 + delta_t (ms) by a
    100 mV drive onto a lif_delta neuron; the plastic synapse (<= 1 mV) never fires it."""
    net = sf.Network(dt=dt, seed=1)
    n = len(delta_t)
    net.add_spike_times("pre", [[T0]] * n)
    net.add_spike_times("drive", [[T0 + d - dt] for d in delta_t])
    net.add_population("post", n, "lif_delta", tau_refrac=dt, v_thresh=-50.0, v_rest=-65.0, v_reset=-65.0)
    net.connect("drive", "post", sf.OneToOne(), 100.0, dt, name="drive_post")
    net.connect("pre", "post", sf.OneToOne(), w0, dt, name="syn", plasticity=rule)
    net.record_spikes("post")
    return net


def test_rule_table():
    rules = sf.plasticity_rules()
    assert {"stdp_pair", "stdp_triplet", "stdp_three_factor", "hebbian", "oja"} <= set(rules)
    pair = sf.rule_info("stdp_pair")
    assert pair.parameters["tau_plus"].unit == "ms" and pair.parameters["tau_plus"].allowed == "must be > 0 ms"
    assert "w_max" in pair.defaults() and not pair.eligibility
    assert sf.rule_info("stdp_three_factor").eligibility
    with pytest.raises(ValueError, match="stdp_pair"):
        sf.rule_info("bcm")


def test_measured_pair_stdp_window_is_the_analytic_window():
    delta_t = np.arange(-100.0, 101.0, 1.0)
    a_plus, a_minus, tau_plus, tau_minus = 0.01, 0.012, 16.8, 33.7
    rule = sf.STDP(a_plus=a_plus, a_minus=a_minus, tau_plus=tau_plus, tau_minus=tau_minus, w_min=0.0, w_max=1.0)
    sim = sf.Simulator(forced_pairs(delta_t, rule), double_weights=True)
    sim.run(T0 + 120.0, progress=False)
    np.testing.assert_array_equal(sim.spike_counts("post"), np.ones(delta_t.size, dtype=np.uint64))
    s = sim.spikes("post")
    np.testing.assert_allclose(s.times, T0 + delta_t[s.ids], atol=1e-9)
    dw = sim.synapses("syn").weight - 0.5
    want = sf.pair_stdp_window(delta_t, a_plus, a_minus, tau_plus, tau_minus)
    worst = np.max(np.abs(dw - want))
    assert worst <= 1e-6 * a_minus, f"max |dw - analytic| = {worst:.3g}, tolerance {1e-6 * a_minus:.3g}"


def test_learning_off_keeps_the_weights():
    delta_t = [-10.0, 10.0]
    sim = sf.Simulator(forced_pairs(delta_t, sf.STDP(a_plus=0.01, a_minus=0.01)))
    sim.set_learning("syn", False)
    sim.run(T0 + 50.0, progress=False)
    np.testing.assert_array_equal(sim.synapses("syn").weight, 0.5)
    sim.reset()
    sim.set_learning("syn", True)
    sim.run(T0 + 50.0, progress=False)
    w = sim.synapses("syn").weight
    assert w[0] < 0.5 < w[1], f"weights after post-before-pre and pre-before-post pairs: {w}"
    with pytest.raises(ValueError, match="static"):
        sim.set_learning("drive_post", True)
    with pytest.raises(TypeError):
        sim.set_learning("syn", "yes")


def three_factor_sim():
    rule = sf.ThreeFactorSTDP(a_plus=0.01, a_minus=0.0, tau_e=200.0, learning_rate=0.01)
    return sf.Simulator(forced_pairs([5.0] * 4, rule), double_weights=True)


def test_three_factor_modulator_value_and_callback():
    sim = three_factor_sim()
    sim.set_modulator(0.0)
    sim.run(T0 + 100.0, progress=False)
    np.testing.assert_array_equal(sim.synapses("syn").weight, 0.5)  # M = 0: eligibility only
    sim.reset()  # keeps the current weights: put them back to w0 for each trial
    sim.set_weights("syn", 0.5)
    sim.set_modulator(1.0)
    sim.run(T0 + 100.0, progress=False)
    gained = sim.synapses("syn").weight - 0.5
    assert np.all(gained > 0), f"M = 1 after pre-before-post pairs should potentiate, dw = {gained}"
    # A callable modulator, asked every step: M = 1 only from T0 + 50 ms on gives less than M = 1 throughout.
    calls = []
    sim.reset()
    sim.set_weights("syn", 0.5)
    sim.set_modulator(lambda t: calls.append(t) or (1.0 if t >= T0 + 50.0 else 0.0))
    sim.run(T0 + 100.0, progress=False)
    partial = sim.synapses("syn").weight - 0.5
    assert len(calls) == pytest.approx(2500, abs=2), f"modulator asked {len(calls)} times in 2500 steps"
    assert np.all(partial > 0) and np.all(partial < gained), f"late modulation dw {partial}, full {gained}"


def test_modulator_errors_stop_the_run():
    sim = three_factor_sim()

    def broken(t):
        if t > 20.0:
            raise RuntimeError("modulator failed")
        return 0.0

    sim.set_modulator(broken)
    with pytest.raises(RuntimeError, match="modulator failed"):
        sim.run(100.0, progress=False)
    assert 20.0 < sim.time < 100.0
    sim.set_modulator(lambda t: math.nan)
    with pytest.raises(ValueError, match="must be finite"):
        sim.run(10.0, progress=False)
    sim.set_modulator(None)
    sim.set_modulator(0.5)
    sim.run(10.0, progress=False)
    with pytest.raises(ValueError):
        sim.set_modulator(math.inf)
    with pytest.raises(TypeError):
        sim.set_modulator("high")


def test_plastic_network_file_round_trip_and_validation(tmp_path):
    net = forced_pairs([1.0], sf.TripletSTDP(tau_x=90.0))
    path = tmp_path / "plastic.json"
    net.save(path)
    loaded = sf.Network.load(path)
    assert loaded == net
    assert loaded.description.projections[1].plasticity.rule == "stdp_triplet"
    assert loaded.description.projections[1].plasticity.params["tau_x"] == 90.0
    bad = forced_pairs([1.0], sf.Plasticity("bcm"))
    with pytest.raises(ValueError, match="syn"):
        sf.Simulator(bad)
    bad = forced_pairs([1.0], sf.STDP(tau_plus=-1.0))
    with pytest.raises(ValueError, match="tau_plus"):
        sf.Simulator(bad)
    with pytest.raises(TypeError):
        forced_pairs([1.0], "stdp_pair")
    with pytest.raises(TypeError):
        sf.STDP(tau_plus="long")
