"""Results out of Python (docs/python.md "Results out"): every probe's records to one .npz file,
a probe's records as a pandas DataFrame, the whole run as a Neo Block, and the network with its
current (learned) weights written back as a network file."""

from __future__ import annotations

import numpy as np

from . import _checks, _core
from .models import model_info


def _kind(probe) -> str:
    return {_core.Probe.Kind.Spikes: "spikes", _core.Probe.Kind.State: "state",
            _core.Probe.Kind.Weights: "weights"}[probe.kind]


def save_npz(sim, path) -> None:
    """Every probe's records in one NumPy .npz file: for probe P, arrays "P.times" and "P.ids"
    (spikes), "P.neurons" and "P.<variable>" (state, samples x neurons), "P.weights" (weight
    snapshots x synapses); "dt" in ms. np.load(path) reads them back."""
    path = _checks.path(path, "simulator save_npz")
    arrays = {"dt": np.float64(sim.dt)}
    for probe in sim.network.description.probes:
        kind, name = _kind(probe), probe.name
        if kind == "spikes":
            s = sim.spikes(name)
            arrays[f"{name}.times"], arrays[f"{name}.ids"] = s.times, s.ids
        elif kind == "state":
            t = sim.state(name)
            arrays[f"{name}.times"], arrays[f"{name}.neurons"] = t.times, t.neurons
            for v in t.variables:
                arrays[f"{name}.{v}"] = t[v]
        else:
            w = sim.weight_snapshots(name)
            arrays[f"{name}.times"], arrays[f"{name}.weights"] = w.times, w.weights
    np.savez(path, **arrays)


def to_pandas(sim, name):
    """One probe's records as a pandas DataFrame: spikes as rows (time_ms, id); state samples as
    rows (time_ms, neuron, one column per variable); weight snapshots as rows (time_ms, synapse,
    weight)."""
    import pandas as pd
    probe = _probe(sim, name)
    kind = _kind(probe)
    if kind == "spikes":
        s = sim.spikes(probe.name)
        return pd.DataFrame({"time_ms": s.times, "id": s.ids})
    if kind == "state":
        t = sim.state(probe.name)
        n = t.neurons.size
        data = {"time_ms": np.repeat(t.times, n), "neuron": np.tile(t.neurons, t.times.size)}
        for v in t.variables:
            data[v] = np.asarray(t[v]).reshape(-1)
        return pd.DataFrame(data)
    w = sim.weight_snapshots(probe.name)
    m = w.weights.shape[1] if w.weights.ndim == 2 else 0
    return pd.DataFrame({"time_ms": np.repeat(w.times, m), "synapse": np.tile(np.arange(m), w.times.size),
                         "weight": np.asarray(w.weights).reshape(-1)})


def to_neo(sim):
    """The run as a neo.Block with one Segment: a SpikeTrain per recorded neuron of every spike
    probe (annotated with the probe, population or source, and neuron index) and an AnalogSignal
    per variable of every state probe (one channel per recorded neuron, sampled at the probe's
    interval). Times in ms; units of the model table."""
    import neo
    import quantities as pq
    units = {"mV": pq.mV, "nA": pq.nA, "nS": pq.nS, "pA": pq.pA}
    block = neo.Block(name="spikeforge run", description=f"{sim.backend} backend, dt = {sim.dt} ms")
    seg = neo.Segment(name="run")
    block.segments.append(seg)
    t_stop = sim.time * pq.ms
    net = sim.network.description
    sizes = {p.name: p.size for p in net.populations}
    sizes.update({s.name: s.size for s in net.spike_sources})
    models = {p.name: p.model for p in net.populations}
    for probe in net.probes:
        kind = _kind(probe)
        if kind == "spikes":
            s = sim.spikes(probe.name)
            neurons = list(probe.neurons) or range(sizes[probe.target])
            order = np.argsort(s.ids, kind="stable")
            ids, times = s.ids[order], s.times[order]
            bounds = np.searchsorted(ids, np.asarray(neurons, dtype=np.uint32))
            ends = np.searchsorted(ids, np.asarray(neurons, dtype=np.uint32), side="right")
            for n, b, e in zip(neurons, bounds, ends):
                seg.spiketrains.append(neo.SpikeTrain(times[b:e] * pq.ms, t_start=0 * pq.ms, t_stop=t_stop,
                                                      name=f"{probe.target}[{n}]", probe=probe.name,
                                                      source=probe.target, neuron=int(n)))
        elif kind == "state":
            t = sim.state(probe.name)
            if t.times.size == 0:
                continue
            info = {name: var.unit for name, var in model_info(models[probe.target]).state.items()}
            period = (t.times[1] - t.times[0]) if t.times.size > 1 else sim.dt
            for v in t.variables:
                unit = units.get(info.get(v, ""), pq.dimensionless)
                seg.analogsignals.append(neo.AnalogSignal(np.asarray(t[v]), units=unit, t_start=t.times[0] * pq.ms,
                                                          sampling_period=period * pq.ms,
                                                          name=f"{probe.target}.{v}", probe=probe.name,
                                                          neurons=np.asarray(t.neurons).tolist()))
    return block


def network_with_weights(sim):
    """The simulated network with every projection's current weights written in (FromList
    connector, weights and delays as arrays): save() it to keep what the run learned."""
    from .network import Network
    return Network._from_core(sim._sim.network_with_weights())


def _probe(sim, name):
    name = _checks.name(name, "simulator: probe")
    probes = sim.network.description.probes
    for p in probes:
        if p.name == name:
            return p
    for p in probes:
        if p.target == name:
            return p
    raise ValueError(f"simulator: probe: '{name}': no probe of that name or target "
                     f"(probes: {', '.join(p.name for p in probes)})")
