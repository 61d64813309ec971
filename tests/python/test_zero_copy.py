"""Zero-copy results: the arrays handed out are the simulator's record buffers themselves
(same address, capsule base, read-only), and stay unchanged and valid after further runs,
resets and the simulator's deletion (docs/python.md, "Arrays and memory")."""

import gc

import numpy as np
import pytest

import spikeforge as sf

from conftest import small_network


def address(a):
    return a.__array_interface__["data"][0]


def test_spike_arrays_are_the_engine_buffers(sim):
    sim.run(40.0, progress=False)
    times_addr = sim._sim._pending_buffer_address("E", "spike_times")
    ids_addr = sim._sim._pending_buffer_address("E", "spike_ids")
    assert times_addr != 0 and ids_addr != 0
    s = sim.spikes("E")
    assert address(s.times) == times_addr, "spike times were copied"
    assert address(s.ids) == ids_addr, "spike ids were copied"
    assert type(s.times.base).__name__ == "PyCapsule" and not s.times.flags.owndata
    assert not s.times.flags.writeable and not s.ids.flags.writeable
    with pytest.raises(ValueError):
        s.times[0] = 1.0
    # Asking again without running hands out the same memory.
    again = sim.spikes("E")
    assert np.shares_memory(again.times, s.times) and address(again.times) == address(s.times)
    # The engine no longer holds them: its next buffer starts empty.
    assert sim._sim._pending_buffer_address("E", "spike_times") == 0


def test_state_arrays_are_the_engine_buffers(sim):
    sim.run(20.0, progress=False)
    v_addr = sim._sim._pending_buffer_address("E", "v")
    trace = sim.state("E")
    assert address(trace["v"]) == v_addr, "membrane trace was copied"
    assert trace["v"].base is not None and not trace["v"].flags.writeable


def test_arrays_stay_valid_and_unchanged_after_more_runs():
    sim = sf.Simulator(small_network(), seed=5)
    sim.run(10.0, progress=False)
    first = sim.spikes("E")
    first_v = sim.state("E")["v"]
    kept_t, kept_i, kept_v = first.times.copy(), first.ids.copy(), first_v.copy()
    n_shared, prev = 0, first
    for _ in range(30):
        sim.run(10.0, progress=False)
        now = sim.spikes("E")
        # Earlier spikes are a prefix of the new arrays; the old views did not move or change.
        np.testing.assert_array_equal(now.times[:kept_t.size], kept_t)
        n_shared += np.shares_memory(now.times, prev.times)
        prev = now
        np.testing.assert_array_equal(first.times, kept_t)
        np.testing.assert_array_equal(first.ids, kept_i)
    gc.collect()
    np.testing.assert_array_equal(first.times, kept_t)
    np.testing.assert_array_equal(first_v, kept_v)
    assert sim.spikes("E").times.size > kept_t.size
    # Appends that fit the buffer's capacity extend it in place, so some later arrays share memory.
    assert n_shared >= 1, "no array shared the buffer of the one before"
    sim.reset()
    np.testing.assert_array_equal(first.times, kept_t)
    del sim
    gc.collect()
    np.testing.assert_array_equal(first.times, kept_t)  # the capsule keeps the buffer alive
    np.testing.assert_array_equal(first_v, kept_v)


def test_synapse_arrays_own_their_memory_and_csr_shares_it(sim):
    s = sim.synapses("EE")
    for a in (s.pre, s.post, s.weight, s.delay):
        assert type(a.base).__name__ == "PyCapsule" and not a.flags.writeable
    assert np.all(np.diff(s.pre.astype(np.int64)) >= 0), "cpu backend order is not by pre neuron"
    csr = s.csr()
    assert np.shares_memory(csr.indices, s.post) and np.shares_memory(csr.data, s.weight)


def test_weight_snapshots_are_stacked_in_one_block():
    net = small_network(record_state=False)
    net.record_weights("EE", 5.0)
    sim = sf.Simulator(net)
    sim.run(20.0, progress=False)
    snap = sim.weight_snapshots("EE")
    n = len(sim.synapses("EE"))
    np.testing.assert_allclose(snap.times, [0.0, 5.0, 10.0, 15.0])
    assert snap.weights.shape == (4, n)
    np.testing.assert_allclose(snap.weights, 3.0)
    sim.set_weights("EE", 2.0)
    sim.run(10.0, progress=False)
    later = sim.weight_snapshots("EE")
    assert later.weights.shape == (6, n)
    np.testing.assert_allclose(later.weights[4:], 2.0)
    np.testing.assert_allclose(snap.weights, 3.0)  # the earlier block is untouched
