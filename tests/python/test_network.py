"""The Python network builders: values, connectors, sources, probes, the model table, the JSON
file, instantiation and realised synapses, each checked against the C++ description it builds."""

import json
import math

import numpy as np
import pytest

import spikeforge as sf
from spikeforge import _core

from conftest import small_network


def test_values_become_cpp_distributions():
    net = sf.Network(dt=0.1, seed=7)
    size = 5
    net.add_population("A", size, "lif_curr_exp", tau_m=np.linspace(10.0, 20.0, size), cm=250.0,
                       v_thresh=sf.Normal(-50.0, 1.0, low=-55.0, high=-45.0),
                       initial={"v": sf.Uniform(-70.0, -60.0), "i_syn_exc": sf.LogNormal(-3.0, 0.5)})
    pop = net.description.populations[0]
    K = _core.Distribution.Kind
    assert pop.params["tau_m"].kind == K.Array and pop.params["tau_m"].values == list(np.linspace(10, 20, size))
    assert pop.params["cm"].kind == K.Constant and pop.params["cm"].a == 250.0
    vt = pop.params["v_thresh"]
    assert (vt.kind, vt.a, vt.b, vt.low_bound, vt.high_bound) == (K.Normal, -50.0, 1.0, -55.0, -45.0)
    assert pop.initial["v"].kind == K.Uniform and (pop.initial["v"].a, pop.initial["v"].b) == (-70.0, -60.0)
    assert pop.initial["i_syn_exc"].kind == K.LogNormal
    params = net.parameters("A")
    assert params["cm"] == 250.0 and params["v_thresh"] == sf.Normal(-50.0, 1.0, low=-55.0, high=-45.0)
    np.testing.assert_array_equal(params["tau_m"], np.linspace(10.0, 20.0, size))
    assert repr(sf.Uniform(1.0, 2.0)) == "Uniform(1.0, 2.0)" and "Normal" in repr(params["v_thresh"])


def test_population_handles_and_inspection():
    net = small_network()
    assert set(net.populations) == {"E", "I"} and set(net.spike_sources) == {"P"}
    assert net.populations["E"] == sf.Population("E", 40, "lif_cond_exp")
    assert str(net.populations["E"]) == "E"
    assert net.spike_sources["P"].kind == "poisson" and net.spike_sources["P"].size == 20
    assert set(net.projections) == {"PE", "PI", "EE", "EI", "IE"}
    assert net.projections["IE"].receptor == "inhibitory"
    assert net.probes == ["spikes(E)", "spikes(I)", "spikes(P)", "state(E)"]
    assert "Network(dt=0.1 ms" in repr(net)
    net.validate()


def test_connectors_build_the_expected_synapses():
    net = sf.Network(dt=0.1, seed=2)
    a = net.add_population("A", 6, "lif_delta")
    b = net.add_population("B", 4, "lif_delta")
    net.connect(a, b, sf.AllToAll(), 0.5, name="all")
    net.connect(a, a, sf.AllToAll(allow_self_connections=False), 0.5, name="all_noself")
    net.connect(b, b, sf.OneToOne(), 0.5, 0.3, name="one")
    net.connect(a, b, sf.FixedInDegree(3), 0.5, name="in")
    net.connect(a, b, sf.FixedOutDegree(2), 0.5, name="out")
    net.connect(a, b, sf.FromList([0, 5, 2], [3, 0, 1]), [0.1, 0.2, 0.3], [0.1, 0.2, 0.4], name="list")
    m = np.zeros((6, 4))
    m[1, 2], m[4, 0] = 1.5, -2.0
    net.connect(a, b, sf.DenseMatrix(m), name="dense")
    net.connect(a, b, sf.FixedProbability(1.0, seed=11), sf.Normal(1.0, 0.1), sf.Uniform(0.1, 1.0), name="p1",
                seed=99)
    assert len(net.synapses("all")) == 24
    s = net.synapses("all_noself")
    assert len(s) == 30 and not np.any(s.pre == s.post)
    s = net.synapses("one")
    np.testing.assert_array_equal(s.pre, s.post)
    np.testing.assert_allclose(s.delay, 0.3)
    np.testing.assert_array_equal(np.bincount(net.synapses("in").post, minlength=4), [3, 3, 3, 3])
    np.testing.assert_array_equal(np.bincount(net.synapses("out").pre, minlength=6), [2] * 6)
    s = net.synapses("list")
    np.testing.assert_array_equal(s.pre, [0, 5, 2])
    np.testing.assert_array_equal(s.post, [3, 0, 1])
    np.testing.assert_array_equal(s.weight, [0.1, 0.2, 0.3])
    np.testing.assert_array_equal(net.synapses("dense").dense(), m)
    s = net.synapses("p1")
    assert len(s) == 24 and np.all((s.delay >= 0.1) & (s.delay < 1.0))
    assert abs(s.weight.mean() - 1.0) < 0.1, f"mean of Normal(1, 0.1) weights {s.weight.mean()}, tolerance 0.1"
    projections = net.description.projections
    assert projections[-1].seed == 99 and projections[-1].connector.seed == 11
    assert "FixedProbability(p=1.0" in repr(sf.FixedProbability(1.0))


def test_sources_currents_and_probes_reach_the_description():
    net = sf.Network(dt=0.1, seed=2)
    net.add_population("A", 3, "lif_curr_exp")
    net.add_poisson_source("P", 2, [10.0, 20.0], rate_times=[100.0, 200.0], rate_values=[5.0, 0.0])
    st = net.add_spike_times("S", [[1.0, 2.0], np.array([3.0])])
    assert st.size == 2 and st.kind == "spike_times"
    dc = net.add_dc_current("A", 0.5, start=10.0, stop=20.0, neurons=[1])
    step = net.add_step_current("A", [0.0, 5.0], [0.1, 0.0], name="steps")
    net.connect("S", "A", sf.AllToAll(), 0.1)
    net.record_spikes("S")
    net.record_state("A", "v", interval=1.0)
    net.record_weights("S->A", 5.0)
    d = net.description
    src = d.spike_sources[0]
    assert src.rate.values == [10.0, 20.0] and src.rate_times == [100.0, 200.0] and src.rate_values == [5.0, 0.0]
    assert d.spike_sources[1].spike_times == [[1.0, 2.0], [3.0]]
    cur = {c.name: c for c in d.current_sources}
    assert dc in cur and cur[dc].amplitude == 0.5 and cur[dc].stop == 20.0 and cur[dc].neurons == [1]
    assert cur[step].times == [0.0, 5.0] and cur[step].amplitudes == [0.1, 0.0]
    kinds = [p.kind for p in d.probes]
    assert kinds == [_core.Probe.Kind.Spikes, _core.Probe.Kind.State, _core.Probe.Kind.Weights]
    assert d.probes[1].interval == 1.0 and d.probes[2].interval == 5.0
    net.validate()


def test_model_table_matches_the_cpp_table():
    models = sf.neuron_models()
    assert list(models) == ["lif_curr_exp", "lif_cond_exp", "lif_delta", "lif_adaptive_threshold", "izhikevich"]
    lif = sf.model_info("lif_cond_exp")
    assert lif.parameters["cm"].unit == "pF" and lif.parameters["cm"].default == 250.0
    assert lif.parameters["tau_m"].low == 0.0 and lif.parameters["tau_m"].low_open
    assert lif.parameters["tau_m"].allowed == "must be > 0 ms"
    assert lif.state["v"].initial == "v_rest" and lif.weight_unit == "nS"
    assert lif.defaults()["e_rev_i"] == -70.0
    assert sf.model_info("izhikevich").state["u"].initial == "b * v"
    assert "tau_m" in lif.table() and "| cm |" in lif._repr_markdown_()
    for m in models.values():
        assert m.integration and m.parameters and "v" in m.state
    with pytest.raises(ValueError, match="lif_curr_exp"):
        sf.model_info("hodgkin_huxley")


def test_json_round_trip(tmp_path):
    net = small_network()
    path = tmp_path / "net.json"
    net.save(path)
    loaded = sf.Network.load(path)
    assert loaded == net
    assert sf.Network.from_json(net.to_json()) == net
    assert json.loads(net.to_json())["format"] == "spikeforge-network"
    assert loaded.populations == net.populations and loaded.projections == net.projections
    # Instantiated: every synapse explicit; it loads back and builds the same synapses.
    inst = net.instantiate()
    assert inst.description.projections[0].connector.kind == _core.Connector.Kind.FromList
    again = sf.Network.from_json(inst.to_json())
    for name in net.projections:
        a, b = net.synapses(name), again.synapses(name)
        np.testing.assert_array_equal(a.pre, b.pre)
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.delay, b.delay)
    with pytest.raises(ValueError, match="format"):
        sf.Network.from_json('{"format": "something-else", "version": 1}')
    with pytest.raises(sf.Error, match="cannot be opened"):
        sf.Network.load(tmp_path / "missing.json")
    assert issubclass(sf.ValidationError, ValueError) and issubclass(sf.ValidationError, sf.Error)


def test_reference_networks_are_the_benchmark_networks():
    coba = sf.reference.coba()
    assert coba.populations["E"].size == 3200 and coba.populations["I"].size == 800
    assert coba.description.projections[0].connector.p == 0.02
    cuba = sf.reference.cuba(seed=4, dt=0.05)
    assert cuba.seed == 4 and cuba.dt == 0.05 and cuba.populations["E"].model == "lif_curr_exp"


def test_default_projection_names_and_delays():
    net = sf.Network(dt=0.25)
    net.add_population("A", 2, "lif_delta")
    p = net.connect("A", "A", sf.OneToOne(), 1.0)
    assert p.name == "A->A"
    assert net.description.projections[0].delay.a == 0.25
    assert math.isclose(net.dt, 0.25)
