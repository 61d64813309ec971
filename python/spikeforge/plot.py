"""Plot helpers (matplotlib, work with the Agg backend): spike raster coloured by population,
population rate (Hz), membrane traces (mV), weight matrix and histogram, STDP window."""

from __future__ import annotations

import numpy as np

from .analysis import population_rate

__all__ = ["raster", "rate", "traces", "weight_matrix", "weight_histogram", "stdp_window"]


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    return plt.subplots()[1]


def _groups(spikes, sizes):
    """(name, Spikes, size) per group from a Simulator + names, a dict, or one Spikes record."""
    from .results import Spikes
    from .simulator import Simulator
    if isinstance(spikes, Simulator):
        names = sizes if sizes is not None else list(spikes.network.populations)
        groups = {**spikes.network.populations, **spikes.network.spike_sources}
        return [(n, spikes.spikes(n), groups[n].size) for n in names]
    if isinstance(spikes, Spikes):
        spikes = {"": spikes}
    if not isinstance(spikes, dict):
        raise TypeError(f"expected a Simulator, a Spikes record or a dict of them, got {type(spikes).__name__}")
    sizes = sizes or {}
    return [(n, s, int(sizes.get(n, int(s.ids.max()) + 1 if s.ids.size else 0))) for n, s in spikes.items()]


def raster(spikes, populations=None, ax=None, colors=None, markersize: float = 1.0):
    """Spike raster: time (ms) against neuron index, populations stacked and coloured.

    spikes: a Simulator (then `populations` lists the recorded populations to show, default all
    populations), a dict {name: Spikes}, or one Spikes record. With a dict, `populations` may be
    a dict {name: size} so that groups stack by size. Returns the Axes."""
    ax = _axes(ax)
    offset = 0
    cycle = colors or [c["color"] for c in __import__("matplotlib").rcParams["axes.prop_cycle"]]
    for k, (name, s, size) in enumerate(_groups(spikes, populations)):
        ax.plot(s.times, s.ids.astype(np.int64) + offset, ".", ms=markersize, color=cycle[k % len(cycle)],
                label=name or None, rasterized=True)
        offset += size
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    if any(name for name, _, _ in _groups(spikes, populations)):
        ax.legend(loc="upper right", markerscale=8)
    return ax


def rate(spikes, size: int, bin: float = 5.0, t_stop: float | None = None, ax=None, label=None):
    """Population rate (Hz) in bins of `bin` ms of a group of `size` neurons. Returns the Axes."""
    ax = _axes(ax)
    t, r = population_rate(spikes, size, bin=bin, t_stop=t_stop)
    ax.plot(t, r, label=label)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    return ax


def traces(trace, variable: str = "v", neurons=None, ax=None):
    """State traces of a StateTrace (e.g. membrane v in mV) against time (ms), one line per
    recorded neuron (or the columns listed in `neurons`). Returns the Axes."""
    ax = _axes(ax)
    values = trace[variable]
    cols = range(values.shape[1]) if neurons is None else neurons
    for c in cols:
        ax.plot(trace.times, values[:, c], lw=0.8, label=f"neuron {int(trace.neurons[c])}")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(variable)
    return ax


def weight_matrix(weights, ax=None, cmap="viridis"):
    """A weight matrix (n_pre x n_post ndarray, or a Synapses record) as an image. Returns the Axes."""
    ax = _axes(ax)
    m = weights.dense() if hasattr(weights, "dense") else np.asarray(weights, dtype=np.float64)
    im = ax.imshow(m, aspect="auto", interpolation="nearest", cmap=cmap)
    ax.figure.colorbar(im, ax=ax, label="weight")
    ax.set_xlabel("post neuron")
    ax.set_ylabel("pre neuron")
    return ax


def weight_histogram(weights, bins: int = 50, ax=None):
    """Histogram of weights (an array, or a Synapses record). Returns the Axes."""
    ax = _axes(ax)
    w = weights.weight if hasattr(weights, "weight") else np.asarray(weights, dtype=np.float64).ravel()
    ax.hist(w, bins=bins)
    ax.set_xlabel("weight")
    ax.set_ylabel("synapses")
    return ax


def stdp_window(dt, dw, ax=None, **style):
    """STDP window: weight change dw against spike-time difference dt = t_post - t_pre (ms).
    Returns the Axes."""
    ax = _axes(ax)
    dt = np.asarray(dt, dtype=np.float64)
    dw = np.asarray(dw, dtype=np.float64)
    if dt.shape != dw.shape:
        raise ValueError(f"stdp_window: dt has shape {dt.shape}, dw {dw.shape}: must be equal")
    order = np.argsort(dt)
    ax.plot(dt[order], dw[order], **({"marker": "."} | style))
    ax.axhline(0.0, color="0.5", lw=0.5)
    ax.axvline(0.0, color="0.5", lw=0.5)
    ax.set_xlabel("t_post - t_pre (ms)")
    ax.set_ylabel("weight change")
    return ax
