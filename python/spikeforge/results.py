"""The records a Simulator returns: spike trains (times in ms, neuron ids), state traces, weight
snapshots and synapse lists, as NumPy arrays that share memory with the simulator's buffers."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Spikes", "StateTrace", "WeightSnapshots", "Synapses", "CSRWeights"]


class Spikes(NamedTuple):
    """Spikes of one probe in the order they happened: times (ms, float64) and ids (neuron
    indices within the group, uint32). Read-only views, valid for as long as you keep them."""

    times: np.ndarray
    ids: np.ndarray


class WeightSnapshots(NamedTuple):
    """Weight snapshots of one projection: times (ms) and weights (snapshots x synapses, in the
    order Simulator.synapses lists them; nA, nS or mV by the post model)."""

    times: np.ndarray
    weights: np.ndarray


class CSRWeights(NamedTuple):
    """Weights as compressed sparse rows: row i (pre neuron i) holds columns (post neurons)
    indices[indptr[i]:indptr[i+1]] with weights data[...] (nA, nS or mV by the post model)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    shape: tuple


class Synapses:
    """The synapses of one projection: pre and post neuron indices (uint32), weight (nA for
    current-based, nS for conductance-based post models, mV for lif_delta) and delay (ms)."""

    def __init__(self, pre, post, weight, delay, n_pre: int, n_post: int):
        self.pre, self.post, self.weight, self.delay = pre, post, weight, delay
        self.shape = (int(n_pre), int(n_post))

    def __len__(self):
        return int(self.pre.size)

    def __repr__(self):
        return f"Synapses({len(self)} synapses, shape={self.shape})"

    def dense(self, absent: float = 0.0) -> np.ndarray:
        """A (n_pre, n_post) matrix of weights; `absent` where no synapse exists; the weights of
        several synapses between one pair add up."""
        m = np.full(self.shape, absent, dtype=np.float64)
        if len(self):
            m[self.pre, self.post] = 0.0
            np.add.at(m, (self.pre, self.post), self.weight)
        return m

    def csr(self) -> CSRWeights:
        """CSR arrays by pre neuron. When the synapses are already ordered by pre neuron (the cpu
        backend's storage order) indices and data are the post and weight arrays themselves."""
        pre = self.pre
        if pre.size and np.any(pre[1:] < pre[:-1]):
            order = np.argsort(pre, kind="stable")
            indices, data = self.post[order], self.weight[order]
        else:
            indices, data = self.post, self.weight
        indptr = np.zeros(self.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(pre, minlength=self.shape[0]), out=indptr[1:])
        return CSRWeights(indptr, indices, data, self.shape)

    def to_scipy(self):
        """scipy.sparse.csr_array of the weights (needs scipy)."""
        import scipy.sparse
        c = self.csr()
        return scipy.sparse.csr_array((c.data, c.indices, c.indptr), shape=c.shape)


class StateTrace:
    """State trace of one probe: times (ms), neurons (indices), and per variable a (samples x
    neurons) array, by trace["v"] or trace.v (units of the model table: mV, nS, nA, ...)."""

    def __init__(self, times, neurons, variables, values):
        self.times, self.neurons, self.variables = times, neurons, list(variables)
        self._values = dict(values)

    def __getitem__(self, variable: str) -> np.ndarray:
        try:
            return self._values[variable]
        except KeyError:
            raise KeyError(f"state trace: no variable '{variable}' (recorded: {', '.join(self.variables)})") from None

    def __getattr__(self, variable: str):
        values = self.__dict__.get("_values", {})
        if variable in values:
            return values[variable]
        raise AttributeError(variable)

    def __repr__(self):
        return f"StateTrace({self.times.size} samples x {self.neurons.size} neurons: {', '.join(self.variables)})"
