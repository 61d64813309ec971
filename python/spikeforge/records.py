"""Records streamed to disk (Simulator.stream_records; docs/recording.md): an HDF5 file with a
group per probe, read here into the same records the simulator returns, whole or in slices, or
lazily through h5py datasets."""

from __future__ import annotations

import os

import numpy as np

from . import _checks
from .results import Spikes, StateTrace, WeightSnapshots

FORMAT = "spikeforge records 1"


def _h5py():
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - h5py is a test requirement
        raise ImportError("spikeforge.read_records needs h5py (pip install spikeforge[hdf5] or pip install h5py)") from e
    return h5py


class RecordFile:
    """An open record file. `probes` lists the probe names; `spikes`, `state` and
    `weight_snapshots` read one probe (by probe name or by the recorded population, source or
    projection, as Simulator does), optionally only rows [start, stop). `file` is the h5py File
    for lazy access: file["probes/spikes(E)/times"] is a dataset read in chunks on slicing."""

    def __init__(self, path):
        h5py = _h5py()
        self.path = _checks.path(path, "read_records")
        if not os.path.isfile(self.path):
            raise ValueError(f"read_records: '{self.path}': no such file")
        try:
            # No lock: the simulator may still be streaming into the file (it flushes after each run).
            self.file = h5py.File(self.path, "r", locking=False)
        except OSError as e:
            raise ValueError(f"read_records: '{self.path}': not an HDF5 file ({e})") from None
        fmt = self.file.attrs.get("format")
        if isinstance(fmt, bytes):
            fmt = fmt.decode()
        if fmt != FORMAT:
            self.file.close()
            raise ValueError(f"read_records: '{self.path}': format {fmt!r}, expected {FORMAT!r} "
                             "(a file written by Simulator.stream_records)")
        self.dt = float(self.file.attrs["dt"])

    def close(self) -> None:
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def probes(self) -> list:
        return list(self.file["probes"].keys())

    def _attr(self, group, name):
        v = group.attrs[name]
        return v.decode() if isinstance(v, bytes) else str(v)

    def _group(self, name, kind: str):
        name = _checks.name(name, f"read_records: {kind} probe")
        probes = self.file["probes"]
        if name in probes and self._attr(probes[name], "kind") == kind:
            return probes[name]
        for g in probes.values():
            if self._attr(g, "kind") == kind and self._attr(g, "target") == name:
                return g
        have = [n for n, g in probes.items() if self._attr(g, "kind") == kind]
        raise ValueError(f"read_records: '{self.path}': no {kind} probe '{name}' "
                         f"({kind} probes: {', '.join(have) or 'none'})")

    @staticmethod
    def _rows(dataset, start, stop):
        return dataset[slice(start, stop)]

    def spikes(self, name, start: int | None = None, stop: int | None = None) -> Spikes:
        """Spikes [start, stop) of a spike probe: times (ms) and ids, in the order they happened."""
        g = self._group(name, "spikes")
        return Spikes(self._rows(g["times"], start, stop), self._rows(g["ids"], start, stop))

    def state(self, name, start: int | None = None, stop: int | None = None) -> StateTrace:
        """Samples [start, stop) of a state probe (samples x neurons per variable)."""
        g = self._group(name, "state")
        variables = [k for k in g.keys() if k not in ("times", "neurons")]
        neurons = g["neurons"][:] if "neurons" in g else np.zeros(0, np.uint32)
        return StateTrace(self._rows(g["times"], start, stop), neurons, variables,
                          {v: self._rows(g[v], start, stop) for v in variables})

    def weight_snapshots(self, name, start: int | None = None, stop: int | None = None) -> WeightSnapshots:
        """Snapshots [start, stop) of a weight probe (snapshots x synapses)."""
        g = self._group(name, "weights")
        times = self._rows(g["times"], start, stop)
        weights = self._rows(g["weights"], start, stop) if "weights" in g else np.zeros((times.size, 0))
        return WeightSnapshots(times, weights)


def read_records(path) -> RecordFile:
    """Opens a file written by Simulator.stream_records (use it in a `with` block, or close())."""
    return RecordFile(path)
