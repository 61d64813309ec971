"""Small computations on results: binned population rate (Hz), per-neuron rates (Hz), and the
analytic pair-STDP window (weight change against spike-time difference in ms)."""

from __future__ import annotations

import numpy as np

from . import _checks

__all__ = ["population_rate", "firing_rates", "pair_stdp_window"]


def population_rate(spikes, size: int, bin: float = 5.0, t_start: float = 0.0, t_stop: float | None = None):
    """Mean rate of a group of `size` neurons in bins of `bin` ms from t_start to t_stop (ms;
    default: the last spike). `spikes` is a Spikes record or an array of spike times in ms.
    Returns (bin centres in ms, rate in Hz)."""
    times = _checks.float_array(spikes.times if hasattr(spikes, "times") else spikes, "population_rate", "times")
    size = _checks.count(size, "population_rate", "size")
    bin = _checks.real(bin, "population_rate", "bin", "ms")
    if size == 0 or bin <= 0:
        raise ValueError("population_rate: size must be > 0 and bin > 0 ms")
    t_start = _checks.real(t_start, "population_rate", "t_start", "ms")
    stop = float(times.max()) if t_stop is None and times.size else (t_stop if t_stop is not None else t_start + bin)
    stop = _checks.real(stop, "population_rate", "t_stop", "ms")
    n_bins = max(1, int(np.ceil((stop - t_start) / bin - 1e-9)))
    edges = t_start + bin * np.arange(n_bins + 1)
    counts, _ = np.histogram(times, bins=edges)
    return 0.5 * (edges[:-1] + edges[1:]), counts / (size * bin * 1e-3)


def firing_rates(spikes, size: int, duration: float) -> np.ndarray:
    """Rate of each of `size` neurons (Hz) over `duration` ms from a Spikes record."""
    size = _checks.count(size, "firing_rates", "size")
    duration = _checks.real(duration, "firing_rates", "duration", "ms")
    if duration <= 0:
        raise ValueError(f"firing_rates: duration: {duration} ms: must be > 0 ms")
    ids = _checks.index_array(spikes.ids, "firing_rates", "ids", size)
    return np.bincount(ids, minlength=size)[:size] / (duration * 1e-3)


def pair_stdp_window(dt, a_plus: float = 0.01, a_minus: float = 0.0105, tau_plus: float = 20.0,
                     tau_minus: float = 20.0) -> np.ndarray:
    """Weight change of additive pair STDP for spike-time differences dt = t_post - t_pre (ms):
    a_plus * exp(-dt / tau_plus) for dt > 0, -a_minus * exp(dt / tau_minus) for dt < 0, 0 at 0
    (time constants in ms; amplitudes in the weight's unit)."""
    dt = _checks.float_array(np.atleast_1d(dt), "pair_stdp_window", "dt")
    for field, v in (("tau_plus", tau_plus), ("tau_minus", tau_minus)):
        if _checks.real(v, "pair_stdp_window", field, "ms") <= 0:
            raise ValueError(f"pair_stdp_window: {field}: {v} ms: must be > 0 ms")
    a_plus = _checks.real(a_plus, "pair_stdp_window", "a_plus")
    a_minus = _checks.real(a_minus, "pair_stdp_window", "a_minus")
    return np.where(dt > 0, a_plus * np.exp(-np.abs(dt) / tau_plus),
                    np.where(dt < 0, -a_minus * np.exp(-np.abs(dt) / tau_minus), 0.0))
