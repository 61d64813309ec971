"""spikeforge.Simulator: running in pieces, results, weights in every format, set_weights,
reset, progress reporting, the GIL released during run() and Ctrl-C stopping a run cleanly."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import spikeforge as sf

from conftest import SOURCE_DIR, small_network


def test_run_in_pieces_equals_one_run():
    a = sf.Simulator(small_network(), seed=5)
    a.run(60.0, progress=False)
    b = sf.Simulator(small_network(), seed=5)
    for _ in range(3):
        b.run(20.0, progress=False)
    assert a.time == pytest.approx(60.0, abs=1e-9) and b.steps == 600
    for pop in ("E", "I", "P"):
        sa, sb = a.spikes(pop), b.spikes(pop)
        assert sa.times.size > 0, f"no spikes recorded from {pop}"
        np.testing.assert_array_equal(sa.times, sb.times)
        np.testing.assert_array_equal(sa.ids, sb.ids)
    np.testing.assert_array_equal(a.state("E")["v"], b.state("E")["v"])


def test_results_have_documented_shapes_units_and_dtypes(sim):
    sim.run(50.0, progress=False)
    s = sim.spikes("E")
    t, ids = s  # unpacks like a tuple
    assert t.dtype == np.float64 and ids.dtype == np.uint32
    assert np.all(np.diff(t) >= 0) and t.min() > 0 and t.max() <= 50.0 + 1e-9
    assert ids.max() < 40
    counts = sim.spike_counts("E")
    assert counts.dtype == np.uint64 and counts.size == 40
    np.testing.assert_array_equal(counts, np.bincount(ids, minlength=40))
    assert sim.spike_count("E") == t.size
    assert sim.mean_rate("E") == pytest.approx(t.size / (40 * 0.05), rel=1e-12)
    trace = sim.state("E")
    assert trace.variables == ["v", "g_exc"]
    np.testing.assert_array_equal(trace.neurons, [0, 5, 7])
    np.testing.assert_allclose(trace.times, np.arange(100) * 0.5, atol=1e-9)
    assert trace["v"].shape == (100, 3) and trace.g_exc.shape == (100, 3)
    assert np.all(trace.v >= -80.0) and np.all(trace.v <= -50.0 + 1e-9), "v (mV) outside [e_rev_i, v_thresh]"
    assert np.all(trace.g_exc >= 0.0), "g_exc (nS) negative"
    with pytest.raises(KeyError, match="recorded: v, g_exc"):
        trace["u"]
    with pytest.raises(AttributeError):
        trace.u
    assert "StateTrace(100 samples x 3 neurons" in repr(trace)
    assert sim.bytes_per_synapse > 0
    assert (sim.backend, sim.threads, sim.seed, sim.dt) == ("cpu", 0, 5, 0.1)  # threads 0: every core (the default)
    assert sim.network == small_network() and "Simulator(backend='cpu'" in repr(sim)
    assert sf.backends()[0] == "cpu"


def test_weights_in_every_format_agree(sim):
    s = sim.synapses("EE")
    assert isinstance(s, sf.Synapses) and s.shape == (40, 40) and len(s) > 0
    assert not np.any(s.pre == s.post), "self-connections although disallowed"
    np.testing.assert_allclose(s.weight, 3.0)
    np.testing.assert_allclose(s.delay, 0.5)
    dense = sim.weights("EE", "dense")
    assert dense.shape == (40, 40) and np.count_nonzero(dense) == len(s)
    np.testing.assert_array_equal(sim.weights("EE"), dense)  # auto: small -> dense
    csr = sim.weights("EE", "csr")
    assert isinstance(csr, sf.CSRWeights) and csr.indptr[-1] == len(s)
    rebuilt = np.zeros((40, 40))
    for i in range(40):
        rebuilt[i, csr.indices[csr.indptr[i]:csr.indptr[i + 1]]] = csr.data[csr.indptr[i]:csr.indptr[i + 1]]
    np.testing.assert_array_equal(rebuilt, dense)
    sp = sim.weights("EE", "scipy")
    np.testing.assert_array_equal(sp.toarray(), dense)
    assert sim.weights("EE", "list").weight.size == len(s)
    # Large projections come back sparse by default.
    big = sf.reference.coba()
    sim_big = sf.Simulator(big)
    w = sim_big.weights("EE")
    assert w.shape == (3200, 3200) and hasattr(w, "tocsr"), f"auto format gave {type(w)}"
    assert abs(w.nnz / 3200**2 - 0.02) < 0.001, f"EE density {w.nnz / 3200**2}, expected 0.02 +- 0.001"


def test_set_weights_from_python_changes_the_dynamics(sim):
    n = len(sim.synapses("EE"))
    new = np.linspace(0.5, 4.0, n)
    sim.set_weights("EE", new)
    # Stored as 32-bit floats in the engine (4 bytes per weight).
    np.testing.assert_allclose(sim.synapses("EE").weight, new, rtol=1e-7)
    dense = sim.weights("EE", "dense")
    sim.set_weights("EE", dense * 2.0)
    np.testing.assert_allclose(sim.synapses("EE").weight, 2.0 * new, rtol=1e-7)
    sim.set_weights("EE", 1)
    np.testing.assert_array_equal(sim.synapses("EE").weight, 1.0)
    sim.set_weights("IE", np.zeros(len(sim.synapses("IE")), dtype=np.int32))
    # Without the inhibition E fires more than the same run with it.
    ref = sf.Simulator(small_network(), seed=5)
    sim.set_weights("EE", 3.0)
    sim.run(100.0, progress=False)
    ref.run(100.0, progress=False)
    assert sim.spike_count("E") > ref.spike_count("E"), "removing inhibition did not raise the E spike count"


def test_reset_restarts_with_the_current_weights(sim):
    sim.run(30.0, progress=False)
    first = sim.spikes("E")
    sim.reset()
    assert sim.time == 0.0 and sim.spike_count("E") == 0 and sim.spikes("E").times.size == 0
    sim.run(30.0, progress=False)
    np.testing.assert_array_equal(sim.spikes("E").times, first.times)
    sim.set_weights("PE", 0.0)
    sim.reset()
    sim.run(30.0, progress=False)
    assert sim.spike_count("E") < first.times.size
    # restore_weights: the description's weights again, so the first run repeats exactly.
    sim.reset(restore_weights=True)
    np.testing.assert_array_equal(sim.synapses("PE").weight, 12.0)
    sim.run(30.0, progress=False)
    np.testing.assert_array_equal(sim.spikes("E").times, first.times)
    with pytest.raises(TypeError, match="restore_weights"):
        sim.reset(restore_weights=1)


def test_a_probe_added_after_building_is_refused_with_the_reason(net):
    sim = sf.Simulator(net, seed=5)
    net.record_state("I", ["v"])
    with pytest.raises(ValueError, match="record before building the simulator"):
        sim.state("I")


def test_progress_callback_and_bar(sim, capsys):
    calls = []

    def progress(t, t_end):
        calls.append((t, t_end))
        return t < 25.0

    sim.run(100.0, progress=progress)
    assert calls[0][1] == pytest.approx(100.0)
    assert sim.time == pytest.approx(calls[-1][0]) and 25.0 <= sim.time < 30.0
    assert len(calls) == 25, f"{len(calls)} progress calls, expected one per 1 % up to 25 ms"
    sim.run(10.0, progress=True)
    err = capsys.readouterr().err
    assert "ms" in err and "10.0/10.0" in err, f"no tqdm bar on stderr: {err!r}"
    import re
    factor = re.findall(r"([0-9.e+]+)x real time", err)
    assert factor and float(factor[-1]) > 0, f"no real-time factor in the bar: {err!r}"
    sim.run(10.0, progress=False)
    assert capsys.readouterr().err == ""
    sim.run(10.0)  # default: no bar for a run far shorter than a second of wall time
    assert capsys.readouterr().err == ""

    def failing(t, t_end):
        raise RuntimeError("stop here")

    t0 = sim.time
    with pytest.raises(RuntimeError, match="stop here"):
        sim.run(10.0, progress=failing)
    assert sim.time == pytest.approx(t0 + 0.1), "run did not stop at the first 1 % boundary"
    with pytest.raises(TypeError):
        sim.run(1.0, progress="yes")


def test_run_releases_the_gil():
    sim = sf.Simulator(small_network(), seed=5)
    # Baseline: how fast this thread counts when nothing else runs.
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 0.2:
        n += 1
    baseline = n / 0.2
    stop = threading.Event()
    worker = threading.Thread(target=sim.run, args=(1e6,), kwargs={"progress": lambda t, t_end: not stop.is_set()})
    worker.start()
    time.sleep(0.02)
    with pytest.raises(ValueError, match="in progress"):
        sim.spikes("E")
    n, t0 = 0, time.perf_counter()
    while worker.is_alive() and time.perf_counter() - t0 < 0.5:
        n += 1
    elapsed = time.perf_counter() - t0
    busy = worker.is_alive()
    stop.set()
    worker.join()
    assert busy, "the run finished too early to measure anything"
    rate = n / elapsed
    assert rate > 0.1 * baseline, (f"Python thread counted at {rate:.0f}/s during run(), "
                                   f"baseline {baseline:.0f}/s: expected > 10 % with the GIL released")
    assert 0.0 < sim.time < 1e6


@pytest.fixture
def sigint_default():
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


def test_ctrl_c_stops_the_run_and_the_simulator_stays_usable(sigint_default):
    sim = sf.Simulator(small_network(), seed=5)
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        sim.run(200000.0, progress=False)
    waited = time.perf_counter() - t0
    timer.join()
    stopped = sim.time
    assert 0.0 < stopped < 200000.0, f"stopped at {stopped} ms"
    assert waited < 30.0, f"Ctrl-C took {waited:.1f} s to stop the run"
    # Usable afterwards: it continues from where it stopped and gives what one run would.
    sim.run(100.0, progress=False)
    assert sim.time == pytest.approx(stopped + 100.0)
    ref = sf.Simulator(small_network(), seed=5)
    ref.run(sim.time, progress=False)
    np.testing.assert_array_equal(sim.spikes("E").times, ref.spikes("E").times)
    np.testing.assert_array_equal(sim.spikes("E").ids, ref.spikes("E").ids)


def test_ctrl_c_with_progress_bar(sigint_default, capsys):
    sim = sf.Simulator(small_network(), seed=5)
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sim.run(200000.0, progress=True)
    timer.join()
    assert 0.0 < sim.time < 200000.0
    sim.run(1.0, progress=False)


def test_cpu_fixed_backend_through_python():
    """The core's integer model runs from Python too; its records arrive like the cpu backend's."""
    net = sf.Network(dt=1.0, seed=1)
    net.add_population("A", 8, "lif_curr_exp", i_offset=1.0)
    net.record_spikes("A")
    assert "cpu-fixed" in sf.backends()
    one = sf.Simulator(net, backend="cpu-fixed")
    one.run(60.0, progress=False)
    pieces = sf.Simulator(net, backend="cpu-fixed")
    for _ in range(3):
        pieces.run(20.0, progress=False)
        pieces.spikes("A")  # take the records over between runs
    a, b = one.spikes("A"), pieces.spikes("A")
    assert a.times.size > 0 and one.backend == "cpu-fixed"
    np.testing.assert_array_equal(a.times, b.times)
    np.testing.assert_array_equal(a.ids, b.ids)
    np.testing.assert_array_equal(one.spike_counts("A"), np.bincount(a.ids, minlength=8))
    with pytest.raises(ValueError, match="device"):
        sf.Simulator(net, backend="fpga")


def test_simulator_options_object_and_keywords():
    defaults = sf.SimulatorOptions()
    assert (defaults.backend, defaults.seed, defaults.threads, defaults.double_weights) == ("cpu", 1, 0, False)
    assert (defaults.baud, defaults.timeout_ms, defaults.core_neurons) == (1000000, 2000, 0)
    o = sf.SimulatorOptions(seed=5, threads=2)
    assert "seed=5, threads=2" in repr(o)
    a = sf.Simulator(small_network(), options=o)
    assert (a.backend, a.threads, a.seed) == ("cpu", 2, 5)
    # Keywords override the options object's fields; the object itself is not changed.
    b = sf.Simulator(small_network(), threads=1, options=o)
    assert (b.threads, b.seed, o.threads) == (1, 5, 2)
    assert b.options.threads == 1 and isinstance(b.options, sf.SimulatorOptions)
    for sim in (a, b):
        sim.run(20.0, progress=False)
    np.testing.assert_array_equal(a.spikes("E").ids, b.spikes("E").ids)  # same seed, any thread count
    with pytest.raises(TypeError, match="options"):
        sf.Simulator(small_network(), options={"seed": 5})
    o.threads = 5000
    with pytest.raises(ValueError, match="threads"):
        sf.Simulator(small_network(), options=o)
    with pytest.raises(ValueError, match="threads"):
        sf.Simulator(small_network(), threads=5000)


def test_set_weights_sign_comes_from_the_cpp_simulator(sim):
    # IE is inhibitory onto lif_cond_exp: conductances (nS) >= 0; the check is Simulator::set_weights.
    n = len(sim.synapses("IE"))
    with pytest.raises(sf.ValidationError, match=r"weight\[0\].*must be >= 0 nS for the inhibitory receptor"):
        sim.set_weights("IE", np.full(n, -1.0))
    with pytest.raises(ValueError, match="'XX': no projection of that name"):
        sim.synapses("XX")
    with pytest.raises(ValueError, match="'EE': no population of that name"):
        sim.spike_counts("EE")


def test_reference_networks_come_from_the_library():
    chip = sf.reference.chip()
    assert chip == sf.Network.load(SOURCE_DIR / "examples" / "cuba_chip.json")
    assert chip.dt == 1.0 and chip.populations["E"].size == 204
    brunel = sf.reference.brunel_sized(400, 100, 40, 10, stdp=True)
    rules = {p.name: p.plasticity.rule if p.plasticity else None for p in brunel.description.projections}
    assert rules == {"EE": "stdp_pair", "IE": None, "extE": None, "EI": None, "II": None, "extI": None}
    assert sf.reference.benchmark("cuba", seed=2) == sf.reference.cuba(seed=2)
    assert "brunel_stdp" in sf.reference.benchmark_names()
    with pytest.raises(ValueError, match="'cobra'.*allowed: coba, cuba"):
        sf.reference.benchmark("cobra")
