"""Checkpoints from Python: a run saved in another process and loaded here continues bit for bit
(spikes, sampled state, learned weights, spike counts), on another thread count; a checkpoint
that does not belong to the simulator raises ValueError naming what differs and changes nothing."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import spikeforge as sf

from conftest import small_network


def _plastic_network():
    net = small_network()
    net.connect("P", "E", sf.FixedProbability(0.3), 4.0, 1.0, name="PE_stdp",
                plasticity=sf.STDP(a_plus=0.5, a_minus=0.6, tau_plus=20.0, tau_minus=20.0, w_min=0.0, w_max=8.0))
    return net


def _save_in_new_process(net_file, state_file, duration, threads):
    """Builds the network from `net_file` in a fresh interpreter, runs `duration` ms, saves."""
    code = textwrap.dedent(f"""
        import spikeforge as sf
        sim = sf.Simulator(sf.Network.load({str(net_file)!r}), seed=5, threads={threads})
        sim.run({duration}, progress=False)
        sim.save_state({str(state_file)!r})
    """)
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))


def test_continuation_in_a_new_process_is_bit_exact(tmp_path):
    net = _plastic_network()
    net_file = tmp_path / "net.json"
    net.save(net_file)
    state = tmp_path / "run.state"
    _save_in_new_process(net_file, state, 40.0, threads=2)

    whole = sf.Simulator(sf.Network.load(net_file), seed=5, threads=1)
    whole.run(80.0, progress=False)
    tail = sf.Simulator(sf.Network.load(net_file), seed=5, threads=1)
    tail.load_state(state)
    assert tail.time == pytest.approx(40.0, abs=1e-9) and tail.steps == 400
    tail.run(40.0, progress=False)

    for pop in ("E", "I", "P"):
        a, b = whole.spikes(pop), tail.spikes(pop)
        after = a.times > 40.0 + 1e-9
        assert b.times.size > 10, f"too few spikes of {pop} after the checkpoint"
        np.testing.assert_array_equal(a.times[after], b.times)
        np.testing.assert_array_equal(a.ids[after], b.ids)
    sa, sb = whole.state("E"), tail.state("E")
    n = sb.times.size
    np.testing.assert_array_equal(sa.times[-n:], sb.times)
    np.testing.assert_array_equal(sa["v"][-n:], sb["v"])
    for pop in ("E", "I"):
        np.testing.assert_array_equal(whole.spike_counts(pop), tail.spike_counts(pop))
    initial = sf.Simulator(sf.Network.load(net_file), seed=5).synapses("PE_stdp").weight
    w_whole, w_tail = whole.synapses("PE_stdp").weight, tail.synapses("PE_stdp").weight
    assert np.count_nonzero(w_whole != initial) > 10, "STDP learned nothing: the weights prove nothing"
    np.testing.assert_array_equal(w_whole, w_tail)


def test_save_from_a_progress_callback(tmp_path):
    state = tmp_path / "mid.state"
    sim = sf.Simulator(small_network(), seed=5)
    saved = []

    def every_call(t, t_end):
        if not saved and t >= 20.0:
            sim.save_state(state)
            saved.append(t)
        return True

    sim.run(50.0, progress=every_call)
    other = sf.Simulator(small_network(), seed=5)
    other.load_state(state)
    assert other.time == pytest.approx(saved[0], abs=1e-9)
    other.run(50.0 - other.time, progress=False)
    a, b = sim.spikes("E"), other.spikes("E")
    after = a.times > saved[0] + 1e-9
    np.testing.assert_array_equal(a.times[after], b.times)


def test_mismatching_checkpoints_are_refused_and_change_nothing(tmp_path):
    state = tmp_path / "run.state"
    sim = sf.Simulator(small_network(), seed=5)
    sim.run(10.0, progress=False)
    sim.save_state(state)

    other = sf.Simulator(small_network(seed=4), seed=5)
    with pytest.raises(ValueError, match="another network description"):
        other.load_state(state)
    with pytest.raises(ValueError, match="seed 5.*seed 6"):
        sf.Simulator(small_network(), seed=6).load_state(state)
    damaged = tmp_path / "damaged.state"
    data = bytearray(state.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged"):
        other.load_state(damaged)
    truncated = tmp_path / "truncated.state"
    truncated.write_bytes(state.read_bytes()[:100])
    with pytest.raises(ValueError, match="truncated"):
        other.load_state(truncated)
    with pytest.raises(ValueError, match="cannot open"):
        other.load_state(tmp_path / "missing.state")
    with pytest.raises(TypeError, match="path"):
        other.load_state(3)
    assert other.time == 0.0 and other.spike_counts("E").sum() == 0


def test_load_state_refused_inside_a_progress_callback(tmp_path):
    state = tmp_path / "run.state"
    sim = sf.Simulator(small_network(), seed=5)
    sim.save_state(state)
    errors = []

    def load_now(t, t_end):
        try:
            sim.load_state(state)
        except ValueError as e:
            errors.append(str(e))
        return False

    sim.run(10.0, progress=load_now)
    assert errors and "progress callback" in errors[0]
