"""Records streamed to an HDF5 file during run(): read back with h5py (a second, independent
reader) and with spikeforge.read_records, they equal what the simulator keeps in memory; memory
stays bounded while a run streams millions of spikes; bad paths and files are refused clearly."""

import resource

import h5py
import numpy as np
import pytest

import spikeforge as sf

from conftest import small_network


def _with_weight_probe(net):
    net.connect("P", "E", sf.FixedProbability(0.3), 4.0, 1.0, name="PE_stdp",
                plasticity=sf.STDP(a_plus=0.5, a_minus=0.6, tau_plus=20.0, tau_minus=20.0, w_min=0.0, w_max=8.0))
    net.record_weights("PE_stdp", interval=10.0)
    return net


def test_streamed_records_equal_the_records_in_memory(tmp_path):
    path = tmp_path / "run.h5"
    net = _with_weight_probe(small_network())
    memory = sf.Simulator(net, seed=5)
    memory.run(150.0, progress=False)
    streamed = sf.Simulator(net, seed=5)
    streamed.run(30.0, progress=False)          # recorded in memory, written when streaming starts
    streamed.stream_records(path)
    assert streamed.streaming_path == str(path)
    streamed.run(60.0, progress=False)
    streamed.run(60.0, progress=False)
    assert streamed.spikes("E").times.size == 0, "streamed data must not also stay in memory"

    with h5py.File(path, "r", locking=False) as f:  # an independent reader of the layout
        assert f.attrs["format"] in ("spikeforge records 1", b"spikeforge records 1")
        assert f.attrs["dt"] == pytest.approx(0.1)
        for pop in ("E", "I", "P"):
            g = f[f"probes/spikes({pop})"]
            expected = memory.spikes(pop)
            assert expected.times.size > 50
            np.testing.assert_array_equal(g["times"][:], expected.times)
            np.testing.assert_array_equal(g["ids"][:], expected.ids)
            assert g["times"].attrs["unit"] in ("ms", b"ms")
        g = f["probes/state(E)"]
        np.testing.assert_array_equal(g["neurons"][:], [0, 5, 7])
        np.testing.assert_array_equal(g["v"][:], memory.state("E")["v"])
        np.testing.assert_array_equal(g["g_exc"][:], memory.state("E")["g_exc"])
        w = f["probes/weights(PE_stdp)/weights"]
        expected = memory.weight_snapshots("PE_stdp")
        assert w.shape == expected.weights.shape and w.shape[0] == 15
        np.testing.assert_array_equal(w[:], expected.weights)

    with sf.read_records(path) as f:
        assert set(f.probes) == {"spikes(E)", "spikes(I)", "spikes(P)", "state(E)", "weights(PE_stdp)"}
        whole = f.spikes("E")
        np.testing.assert_array_equal(whole.times, memory.spikes("E").times)
        part = f.spikes("spikes(E)", 10, 20)  # rows 10..19 only, read from the file's chunks
        np.testing.assert_array_equal(part.ids, memory.spikes("E").ids[10:20])
        np.testing.assert_array_equal(f.state("E")["v"], memory.state("E")["v"])
        np.testing.assert_array_equal(f.weight_snapshots("PE_stdp").weights, expected.weights)
        with pytest.raises(ValueError, match="no spikes probe 'X'.*spikes\\(E\\)"):
            f.spikes("X")


def test_reset_closes_the_file_and_memory_recording_resumes(tmp_path):
    path = tmp_path / "a.h5"
    sim = sf.Simulator(small_network(), seed=5)
    sim.stream_records(path)
    sim.run(20.0, progress=False)
    sim.reset()
    assert sim.streaming_path == ""
    sim.run(20.0, progress=False)
    assert sim.spikes("E").times.size > 0
    with sf.read_records(path) as f:
        np.testing.assert_array_equal(f.spikes("E").times, sim.spikes("E").times)


def test_memory_stays_bounded_while_streaming(tmp_path):
    # 2000 generators at 500 Hz for 5 s: 5 million spikes, 60 MB as records in memory.
    net = sf.Network(dt=0.1, seed=1)
    net.add_poisson_source("P", 2000, 500.0)
    net.record_spikes("P")
    sim = sf.Simulator(net, seed=1)
    sim.stream_records(tmp_path / "big.h5")
    sim.run(100.0, progress=False)  # allocations of the first pieces (buffers, HDF5 chunk cache)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    sim.run(5000.0, progress=False)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    sim.stop_streaming()
    with sf.read_records(tmp_path / "big.h5") as f:
        n = f.file["probes/spikes(P)/times"].shape[0]
    assert 4.8e6 < n < 5.4e6, n
    assert grown_mb < 20, f"peak memory grew by {grown_mb:.1f} MB while streaming {n} spikes"


def test_bad_paths_and_files_are_refused(tmp_path):
    sim = sf.Simulator(small_network(), seed=5)
    with pytest.raises(sf.Error, match="record file '/nonexistent_dir/x.h5': cannot be created"):
        sim.stream_records("/nonexistent_dir/x.h5")
    assert sim.streaming_path == ""
    with pytest.raises(TypeError, match="path"):
        sim.stream_records(5)
    with pytest.raises(ValueError, match="no such file"):
        sf.read_records(tmp_path / "missing.h5")
    (tmp_path / "text.h5").write_text("not hdf5")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        sf.read_records(tmp_path / "text.h5")
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f.attrs["format"] = "something else"
    with pytest.raises(ValueError, match="format 'something else'"):
        sf.read_records(tmp_path / "other.h5")
