"""Results out of Python: .npz, pandas, Neo and the network with learned weights, each checked
against the simulator's own records."""

import numpy as np
import pytest

import spikeforge as sf

from conftest import small_network


@pytest.fixture(scope="module")
def run():
    net = small_network()
    net.connect("P", "E", sf.FixedProbability(0.3), 4.0, 1.0, name="PE_stdp",
                plasticity=sf.STDP(a_plus=0.5, a_minus=0.6, tau_plus=20.0, tau_minus=20.0, w_min=0.0, w_max=8.0))
    net.record_weights("PE_stdp", interval=10.0)
    sim = sf.Simulator(net, seed=5)
    sim.run(60.0, progress=False)
    return net, sim


def test_npz_holds_every_probe(tmp_path, run):
    net, sim = run
    sim.save_npz(tmp_path / "run.npz")
    with np.load(tmp_path / "run.npz") as f:
        assert float(f["dt"]) == pytest.approx(0.1)
        for pop in ("E", "I", "P"):
            np.testing.assert_array_equal(f[f"spikes({pop}).times"], sim.spikes(pop).times)
            np.testing.assert_array_equal(f[f"spikes({pop}).ids"], sim.spikes(pop).ids)
        np.testing.assert_array_equal(f["state(E).v"], sim.state("E")["v"])
        np.testing.assert_array_equal(f["state(E).neurons"], [0, 5, 7])
        np.testing.assert_array_equal(f["weights(PE_stdp).weights"], sim.weight_snapshots("PE_stdp").weights)


def test_pandas_frames(run):
    net, sim = run
    df = sim.to_pandas("E")
    s = sim.spikes("E")
    assert list(df.columns) == ["time_ms", "id"] and len(df) == s.times.size > 50
    np.testing.assert_array_equal(df["id"].to_numpy(), s.ids)
    st = sim.to_pandas("state(E)")
    trace = sim.state("E")
    assert len(st) == trace.times.size * 3
    row = st[(st.neuron == 5)].iloc[7]
    assert row.time_ms == trace.times[7] and row.v == trace["v"][7, 1] and row.g_exc == trace["g_exc"][7, 1]
    w = sim.to_pandas("weights(PE_stdp)")
    snaps = sim.weight_snapshots("PE_stdp")
    assert len(w) == snaps.weights.size
    np.testing.assert_array_equal(w["weight"].to_numpy(), snaps.weights.reshape(-1))
    with pytest.raises(ValueError, match="no probe of that name or target"):
        sim.to_pandas("nothing")


def test_neo_block(run):
    import quantities as pq
    net, sim = run
    block = sim.to_neo()
    seg = block.segments[0]
    trains = [t for t in seg.spiketrains if t.annotations["probe"] == "spikes(E)"]
    assert len(trains) == 40
    s = sim.spikes("E")
    for n in (0, 13, 39):
        expected = s.times[s.ids == n]
        train = next(t for t in trains if t.annotations["neuron"] == n)
        np.testing.assert_allclose(train.rescale(pq.ms).magnitude, expected, rtol=0, atol=0)
        assert float(train.t_stop.rescale(pq.ms)) == pytest.approx(60.0)
    assert sum(len(t) for t in trains) == s.times.size
    v = next(a for a in seg.analogsignals if a.name == "E.v")
    assert v.units == pq.mV and v.shape == sim.state("E")["v"].shape
    np.testing.assert_array_equal(v.magnitude, sim.state("E")["v"])
    assert float(v.sampling_period.rescale(pq.ms)) == pytest.approx(0.5)


def test_learned_weights_go_back_into_a_network_file(tmp_path, run):
    net, sim = run
    learned = sim.synapses("PE_stdp")
    initial = sf.Simulator(net, seed=5).synapses("PE_stdp").weight
    assert np.count_nonzero(learned.weight != initial) > 10
    path = tmp_path / "learned.json"
    sim.network_with_weights().save(path)
    again = sf.Simulator(sf.Network.load(path), seed=5)
    back = again.synapses("PE_stdp")
    np.testing.assert_array_equal(back.pre, learned.pre)
    np.testing.assert_array_equal(back.post, learned.post)
    np.testing.assert_array_equal(back.weight, learned.weight.astype(np.float32).astype(np.float64))
