"""The COBA benchmark network built in Python equals the library's reference network
(spikeforge::model::reference::coba) and gives the same spikes with the same seed."""

import numpy as np
import pytest

import spikeforge as sf


def python_coba(seed=1, dt=0.1):
    """COBA as a methods section would describe it (Vogels & Abbott 2005)."""
    net = sf.Network(dt=dt, seed=seed)
    params = dict(cm=200.0, tau_m=20.0, tau_refrac=5.0, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0,
                  tau_syn_e=5.0, tau_syn_i=10.0, e_rev_e=0.0, e_rev_i=-80.0)
    initial = {"v": sf.Normal(-65.0, 5.0), "g_exc": sf.Normal(40.0, 15.0), "g_inh": sf.Normal(200.0, 120.0)}
    net.add_population("E", 3200, "lif_cond_exp", initial=initial, **params)
    net.add_population("I", 800, "lif_cond_exp", initial=initial, **params)
    for post in ("E", "I"):
        net.connect("E", post, sf.FixedProbability(0.02), weight=6.0, delay=dt, name="E" + post)
        net.connect("I", post, sf.FixedProbability(0.02), weight=67.0, delay=dt, receptor="inhibitory",
                    name="I" + post)
    return net


def run(net, ms=200.0):
    net.record_spikes("E")
    net.record_spikes("I")
    sim = sf.Simulator(net, seed=1)
    sim.run(ms, progress=False)
    return sim


def test_python_coba_is_the_cpp_coba_description():
    assert python_coba() == sf.reference.coba(seed=1)
    assert python_coba(seed=2) != sf.reference.coba(seed=1)


def test_python_coba_fires_the_same_spikes_as_the_cpp_coba(tmp_path):
    py_sim = run(python_coba())
    cpp_sim = run(sf.reference.coba(seed=1))
    # The C++ description also through its JSON file, as a C++ program would hand it over.
    path = tmp_path / "coba.json"
    sf.reference.coba(seed=1).save(path)
    file_sim = run(sf.Network.load(path))
    for pop in ("E", "I"):
        a, b, c = py_sim.spikes(pop), cpp_sim.spikes(pop), file_sim.spikes(pop)
        assert a.times.size > 1000, f"{pop}: only {a.times.size} spikes in 200 ms"
        np.testing.assert_array_equal(a.times, b.times, err_msg=f"{pop} spike times differ")
        np.testing.assert_array_equal(a.ids, b.ids, err_msg=f"{pop} spike ids differ")
        np.testing.assert_array_equal(a.times, c.times)
        np.testing.assert_array_equal(a.ids, c.ids)
    rate = (py_sim.spike_count("E") + py_sim.spike_count("I")) / (4000 * 0.2)
    assert 10.0 <= rate <= 40.0, f"COBA mean rate {rate:.1f} Hz, expected 15-25 Hz (+- slack for 200 ms)"
    other = run(python_coba(seed=2))
    assert not np.array_equal(other.spikes("E").ids[:200], py_sim.spikes("E").ids[:200]), \
        "a different network seed gave the same spikes"
