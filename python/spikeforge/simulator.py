"""Running a network: spikeforge.Simulator and its options (spikeforge.SimulatorOptions); the
records it returns are in spikeforge.results."""

from __future__ import annotations

import time

import numpy as np

from . import _checks
from . import _core
from . import export
from .network import Network
from .results import Spikes, StateTrace, Synapses, WeightSnapshots

__all__ = ["Simulator", "SimulatorOptions", "backends"]

SimulatorOptions = _core.SimulatorOptions

# Runs expected to take less wall time than this show no progress bar (tqdm's `delay`).
_PROGRESS_DELAY_S = 1.0
# Above this many matrix entries weights(format="auto") returns a sparse form.
_DENSE_LIMIT = 1 << 20


def backends() -> list:
    """Names of the registered simulation backends ("cpu", ...)."""
    return list(_core.backend_names())


class Simulator:
    """Runs a Network on a backend.

    Simulator(net, backend="cpu", threads=0, seed=1, *, options=None, ...): the options are those
    of spikeforge.SimulatorOptions, given as an options object, as keyword arguments, or both (a
    keyword argument overrides the field of `options`; fields given neither way keep the
    SimulatorOptions defaults). backend is one of spikeforge.backends(); threads is the number of
    worker threads, 0 = automatic (every core when the network is large enough to gain from them,
    else one; results do not depend on it, bit for bit); seed keys run-time randomness (Poisson
    sources). double_weights: plastic projections of the cpu backend keep weights and traces in
    double precision. device (serial port), baud, timeout_ms, core_neurons, core_axons: options of
    the hardware backends ("cpu-fixed", "fpga-sim", "fpga").
    The description is validated first: a bad value raises ValueError naming the object, the field
    and the allowed range. Later changes to `net` do not affect the simulator.
    """

    def __init__(self, network, backend: str | None = None, threads: int | None = None, seed: int | None = None, *,
                 options: SimulatorOptions | None = None, double_weights: bool | None = None,
                 device: str | None = None, baud: int | None = None, timeout_ms: int | None = None,
                 core_neurons: int | None = None, core_axons: int | None = None):
        if isinstance(network, Network):
            self._network = Network._from_core(network.description)
        elif isinstance(network, _core.Network):
            self._network = Network._from_core(_core.Network(network))
        else:
            raise TypeError(f"simulator: network: expected a spikeforge.Network, got {type(network).__name__}")
        if options is None:
            o = SimulatorOptions()
        elif isinstance(options, SimulatorOptions):
            o = SimulatorOptions(options)
        else:
            raise TypeError(f"simulator: options: expected a spikeforge.SimulatorOptions, got {type(options).__name__}")
        given = dict(backend=backend, threads=threads, seed=seed, double_weights=double_weights, device=device,
                     baud=baud, timeout_ms=timeout_ms, core_neurons=core_neurons, core_axons=core_axons)
        for field, value in given.items():
            if value is None:
                continue
            if field in ("backend", "device"):
                if not isinstance(value, str):
                    raise TypeError(f"simulator: {field}: expected a str, got {type(value).__name__}")
            elif field == "double_weights":
                if not isinstance(value, (bool, np.bool_)):
                    raise TypeError(f"simulator: double_weights: expected a bool, got {type(value).__name__}")
                value = bool(value)
            elif field == "seed":
                value = _checks.seed(value, "simulator")
            else:
                limit = SimulatorOptions.max_threads if field == "threads" else 2**31 - 1
                value = _checks.count(value, "simulator", field, limit)
            setattr(o, field, value)
        _checks.name(o.backend, "simulator: backend")
        self._sim = _core.Simulator(self._network._net, o)

    # -- running ---------------------------------------------------------------------------------
    def run(self, duration: float, progress=None) -> None:
        """Simulates `duration` more ms (rounded to whole steps), continuing where the last run
        stopped. The GIL is released while the network runs.

        progress: None shows a tqdm bar only when the run lasts more than about a second of wall
        time; True always shows it; False never; a callable progress(t_ms, t_end_ms) is called about
        every 1 % of the run and stops the run at that step boundary by returning False.
        Ctrl-C stops the run at the next such boundary and raises KeyboardInterrupt; the simulator
        stays usable (time tells where it stopped) and run() continues from there.
        """
        # The range (finite, >= 0, ending at most 2^48 steps from t = 0: model::kMaxSteps) is
        # checked in C++, the same rule as Simulator::run and the command line.
        duration = _checks.real(duration, "simulator run", "duration", "ms")
        if progress is None or progress is True:
            self._run_with_bar(duration, delay=_PROGRESS_DELAY_S if progress is None else 0.0)
        elif progress is False:
            self._sim.run(duration, None)
        elif callable(progress):
            self._sim.run(duration, progress)
        else:
            raise TypeError(f"simulator run: progress: expected None, a bool or a callable, "
                            f"got {type(progress).__name__}")

    def _run_with_bar(self, duration: float, delay: float) -> None:
        try:  # the notebook widget needs ipywidgets; without it the text bar works everywhere
            import ipywidgets  # noqa: F401
            from tqdm.auto import tqdm
        except ImportError:
            from tqdm import tqdm
        start = self.time
        total = round(duration / self.dt) * self.dt
        # Simulated time, wall time and the time left, and the real-time factor (simulated ms per
        # wall ms: above 1 the network runs faster than real time).
        bar = tqdm(total=total, unit="ms", delay=delay, leave=False, dynamic_ncols=True,
                   bar_format="{l_bar}{bar}| {n:.1f}/{total:.1f} ms [{elapsed}<{remaining}{postfix}]")
        began = time.monotonic()

        def update(t, t_end):
            bar.update(t - start - bar.n)
            wall_ms = 1000.0 * (time.monotonic() - began)
            if wall_ms > 0:
                bar.set_postfix_str(f"{(t - start) / wall_ms:.3g}x real time", refresh=False)
            return True

        try:
            self._sim.run(duration, update)
            if time.monotonic() - began >= delay:
                bar.refresh()  # show the final position even when the last update was throttled
        finally:
            bar.close()

    def reset(self, restore_weights: bool = False) -> None:
        """Back to t = 0 and the initial state; recordings and spike counts are cleared (arrays
        handed out earlier stay as they were); a record file being streamed is closed. Synapses
        keep their current weights, or with restore_weights=True the network's initial ones (the
        backend is built again: learning switches and the modulator return to their defaults)."""
        if not isinstance(restore_weights, (bool, np.bool_)):
            raise TypeError(f"simulator reset: restore_weights: expected a bool, got {type(restore_weights).__name__}")
        self._sim.reset(bool(restore_weights))

    # -- checkpoints -----------------------------------------------------------------------------
    def save_state(self, path) -> None:
        """Writes a checkpoint to `path` (str or path-like): everything needed to continue this
        run bit for bit (docs/checkpoints.md). May be called between runs or from a progress
        callback; the file is replaced only once it is complete."""
        self._sim.save_state(_checks.path(path, "simulator save_state"))

    def load_state(self, path) -> None:
        """Continues from the checkpoint at `path`: this simulator must be built from the same
        network (and seed and double_weights) as the one that saved it; the thread count may
        differ. Time, neuron state, input in flight, weights and plasticity state come from the
        file; recordings start empty. A file that does not match raises ValueError naming what
        differs, and nothing changes."""
        self._sim.load_state(_checks.path(path, "simulator load_state"))

    # -- results out ------------------------------------------------------------------------------
    def save_npz(self, path) -> None:
        """Every probe's records in one .npz file ("<probe>.times", "<probe>.ids", "<probe>.<variable>",
        "<probe>.weights", "dt"); np.load reads it."""
        export.save_npz(self, path)

    def to_pandas(self, name):
        """One probe's records (by probe or target name) as a pandas DataFrame: spikes (time_ms,
        id), state samples (time_ms, neuron, a column per variable), weights (time_ms, synapse,
        weight)."""
        return export.to_pandas(self, name)

    def to_neo(self):
        """The run as a neo.Block: a SpikeTrain per recorded neuron, an AnalogSignal per recorded
        state variable, in ms and the model table's units."""
        return export.to_neo(self)

    def network_with_weights(self) -> Network:
        """The network with every projection's current (learned) weights written in: .save(path)
        keeps them in a network file (what `spikeforge run --save-weights` writes)."""
        return export.network_with_weights(self)

    # -- recording to disk ------------------------------------------------------------------------
    def stream_records(self, path) -> None:
        """From now on every probe's data goes to the HDF5 file at `path` (created or replaced)
        during run(), in pieces of at most 10000 steps, instead of staying in memory: memory stays
        bounded however long the run. What the probes hold now is written first. Read the file
        with spikeforge.read_records(path) (docs/recording.md). stop_streaming() closes it;
        reset() does too."""
        self._sim.stream_records(_checks.path(path, "simulator stream_records"))

    def stop_streaming(self) -> None:
        """Closes the record file; later data stays in memory again."""
        self._sim.stop_streaming()

    @property
    def streaming_path(self) -> str:
        """The record file being written ("" when none)."""
        return self._sim.streaming_path

    @property
    def time(self) -> float:
        """Simulated time in ms."""
        return self._sim.time

    @property
    def dt(self) -> float:
        """Time step in ms."""
        return self._sim.dt

    @property
    def steps(self) -> int:
        """Steps simulated since construction or reset."""
        return self._sim.steps

    @property
    def backend(self) -> str:
        """Name of the backend running the network."""
        return self._sim.backend

    @property
    def options(self) -> SimulatorOptions:
        """The options the simulator was built with (a copy)."""
        return self._sim.options

    @property
    def threads(self) -> int:
        """Worker threads the simulator was asked for (results never depend on it)."""
        return self._sim.options.threads

    @property
    def seed(self) -> int:
        """Seed of run-time randomness (Poisson spike trains)."""
        return self._sim.options.seed

    @property
    def network(self) -> Network:
        """The description being simulated (a copy)."""
        return Network._from_core(self._network.description)

    # -- results ---------------------------------------------------------------------------------
    def spikes(self, name) -> Spikes:
        """Spikes of a spike probe, by probe name or by the name of the recorded population or
        source: times (ms) and ids. The arrays are read-only views of the simulator's record
        buffers (no copy); later runs never change or invalidate them."""
        times, ids = self._sim.spikes(self._name(name))
        return Spikes(times, ids)

    def state(self, name) -> StateTrace:
        """State trace of a state probe (by probe or population name): times (ms) and per
        variable a (samples x neurons) array in the model's unit, read-only views (no copy)."""
        d = self._sim.state(self._name(name))
        return StateTrace(d["times"], d["neurons"], d["variables"], d["values"])

    def weight_snapshots(self, name) -> WeightSnapshots:
        """Weight snapshots of a weight probe (by probe or projection name): times (ms) and a
        (snapshots x synapses) array, synapses in the order synapses() lists them."""
        times, weights = self._sim.weight_snapshots(self._name(name))
        return WeightSnapshots(times, weights)

    def synapses(self, projection) -> Synapses:
        """The synapses of a projection with their current weights (nA, nS or mV by the post
        model) and delays (ms), in the backend's order. The arrays own their memory (taken from
        the backend's answer without copying)."""
        name = self._name(projection)
        pre, post, weight, delay = self._sim.synapses(name)
        proj = self._network.projections[name]
        groups = self._network._groups
        return Synapses(pre, post, weight, delay, groups[proj.pre].size, groups[proj.post].size)

    def weights(self, projection, format: str = "auto"):
        """Current weights of a projection (nA, nS or mV by the post model).

        format: "dense" (n_pre x n_post ndarray, 0 where no synapse), "csr" (CSRWeights arrays),
        "scipy" (scipy.sparse.csr_array), "list" (the Synapses record), or "auto": dense up to
        about a million matrix entries, scipy.sparse beyond if scipy is installed, else CSR.
        """
        if not isinstance(format, str):
            raise TypeError(f"weights: format: expected a str, got {type(format).__name__}")
        if format not in ("auto", "dense", "csr", "scipy", "list"):
            raise ValueError(f"weights: format: '{format}': must be auto, dense, csr, scipy or list")
        s = self.synapses(projection)
        if format == "auto":
            if s.shape[0] * s.shape[1] <= _DENSE_LIMIT:
                format = "dense"
            else:
                try:
                    import scipy.sparse  # noqa: F401
                    format = "scipy"
                except ImportError:
                    format = "csr"
        if format == "dense":
            return s.dense()
        if format == "csr":
            return s.csr()
        if format == "scipy":
            return s.to_scipy()
        return s

    def set_weights(self, projection, weights) -> None:
        """Replaces the weights of a projection (nA, nS or mV by the post model): a number for
        every synapse, a 1-D array in the order synapses() lists them, or a (n_pre, n_post)
        matrix read at each synapse's (pre, post). Wrong types raise TypeError; wrong shapes,
        non-finite values or weights of the wrong sign for the receptor raise ValueError."""
        name = self._name(projection)
        obj = f"projection '{name}'"
        if isinstance(weights, (bool, np.bool_)):
            raise TypeError(f"{obj}: weights: expected numbers, got bool")
        if np.isscalar(weights) and not isinstance(weights, (str, bytes)):
            value = _checks.real(weights, obj, "weights")
            n = len(self._sim.synapses(name)[0])
            self._sim.set_weights(name, np.full(n, value))
            return
        raw = np.asarray(weights) if not isinstance(weights, (str, bytes)) else None
        if raw is None or raw.dtype.kind not in "iuf":
            kind = type(weights).__name__ if raw is None else f"dtype {raw.dtype}"
            raise TypeError(f"{obj}: weights: expected real numbers, got {kind}")
        if raw.ndim == 2:
            s = self.synapses(name)
            if raw.shape != s.shape:
                raise ValueError(f"{obj}: weights: matrix of shape {raw.shape}: must be {s.shape}")
            w = _checks.float_array(raw, obj, "weights", ndim=2)[s.pre, s.post]
        else:
            w = _checks.float_array(raw, obj, "weights", ndim=1)
        self._sim.set_weights(name, np.ascontiguousarray(w, dtype=np.float64))

    def set_learning(self, projection, on: bool) -> None:
        """Learning on or off for a plastic projection (ValueError for a static one); its weights
        stay readable and writable between runs."""
        if not isinstance(on, (bool, np.bool_)):
            raise TypeError(f"set_learning: on: expected a bool, got {type(on).__name__}")
        self._sim.set_learning(self._name(projection), bool(on))

    def set_modulator(self, modulator) -> None:
        """The global modulator M of three-factor rules (dimensionless), from the next step on: a
        number, or a callable M(t_ms) asked every step (it runs with the GIL; an exception in it
        stops the run and is raised by run()), or None to go back to the last fixed value."""
        if modulator is None or callable(modulator):
            self._sim.set_modulator_callback(modulator)
        else:
            self._sim.set_modulator(_checks.real(modulator, "simulator", "modulator"))

    def spike_counts(self, population) -> np.ndarray:
        """Spikes per neuron of a population since the last reset (uint64)."""
        return self._sim.spike_counts(self._name(population))

    def spike_count(self, population) -> int:
        """Total spikes of a population since the last reset."""
        return int(self.spike_counts(population).sum())

    def mean_rate(self, population) -> float:
        """Mean firing rate of a population in Hz over the time simulated since the last reset."""
        return self._sim.mean_rate(self._name(population))

    @property
    def bytes_per_synapse(self) -> float:
        """Synapse storage bytes per synapse of the backend."""
        return self._sim.bytes_per_synapse

    def __repr__(self):
        return f"Simulator(backend={self.backend!r}, t={self.time} ms, dt={self.dt} ms, threads={self.threads})"

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _name(value) -> str:
        """The name of a handle (Population, Projection, ...) or a str; the C++ Simulator resolves
        it and raises ValueError naming the kind and the name when there is no such object."""
        return value.name if hasattr(value, "name") and not isinstance(value, str) else _checks.name(value, "name")
