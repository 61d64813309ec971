"""The network description built the Python way: populations, spike sources, projections,
current sources and probes, in ms, mV, nA, nS, pF and Hz; saved to and loaded from the JSON file."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from . import _checks
from . import _core
from .connectors import Connector
from .models import model_info
from .plasticity import Plasticity
from .results import Synapses
from .values import from_distribution, to_distribution

__all__ = ["Network", "Population", "SpikeSource", "Projection"]


@dataclass(frozen=True)
class Population:
    """Handle of a population: its name, size (neurons) and neuron model name."""

    name: str
    size: int
    model: str

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class SpikeSource:
    """Handle of a spike source group: its name, size and kind ("poisson" or "spike_times")."""

    name: str
    size: int
    kind: str

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class Projection:
    """Handle of a projection: its name, pre and post group names and receptor."""

    name: str
    pre: str
    post: str
    receptor: str

    def __str__(self):
        return self.name


def _ref(value, what: str) -> str:
    if isinstance(value, (Population, SpikeSource, Projection)):
        return value.name
    return _checks.name(value, what)


class Network:
    """A network description: what the network is, not how it runs.

    Network(dt=0.1, seed=1): dt is the simulation time step in ms (> 0); seed fixes every random
    draw of the description (connectivity, random parameters, initial values, weights, delays).
    Any backend runs the same description (spikeforge.Simulator).
    """

    def __init__(self, dt: float = 0.1, seed: int = 1):
        self._net = _core.Network()
        self.dt = dt
        self.seed = seed
        self._groups: dict[str, Population | SpikeSource] = {}
        self._projections: dict[str, Projection] = {}

    # -- global settings -------------------------------------------------------------------------
    @property
    def dt(self) -> float:
        """Simulation time step in ms."""
        return self._net.dt

    @dt.setter
    def dt(self, value):
        x = _checks.real(value, "network", "dt", "ms")
        if x <= 0:
            raise ValueError(f"network: dt: {x} ms: must be > 0 ms")
        self._net.dt = x

    @property
    def seed(self) -> int:
        """Seed of everything random in the description."""
        return self._net.seed

    @seed.setter
    def seed(self, value):
        self._net.seed = _checks.seed(value, "network")

    # -- building --------------------------------------------------------------------------------
    def add_population(self, name: str, size: int, model: str, *, initial: dict | None = None,
                       **params) -> Population:
        """Adds `size` neurons of neuron model `model` (see spikeforge.neuron_models()).

        Parameters are keyword arguments in the units of the model table, e.g. for lif_cond_exp:
        cm (pF), tau_m (ms), tau_refrac (ms), v_rest, v_reset, v_thresh, e_rev_e, e_rev_i (mV),
        tau_syn_e, tau_syn_i (ms), i_offset (nA). Missing ones take the table's default.
        `initial` maps state variables to initial values, e.g. {"v": Normal(-65.0, 5.0)} (mV) or
        {"g_exc": Normal(40.0, 15.0)} (nS). Each value is a float, an array of `size` values, or
        Uniform / Normal / LogNormal drawn per neuron from the network seed.
        """
        name = _checks.name(name, "population name")
        obj = f"population '{name}'"
        size = _checks.count(size, obj, "size")
        info = model_info(_checks.name(model, f"{obj}: model"))
        core_params = {}
        for key, value in params.items():
            if key not in info.parameters:
                raise ValueError(f"{obj}: {key}: not a parameter of {info.name}; parameters: "
                                 f"{', '.join(info.parameters)}")
            core_params[key] = to_distribution(value, obj, key, size)
        core_initial = {}
        if initial is not None:
            if not isinstance(initial, dict):
                raise TypeError(f"{obj}: initial: expected a dict of state variable -> value, "
                                f"got {type(initial).__name__}")
            for key, value in initial.items():
                if not isinstance(key, str) or key not in info.state:
                    raise ValueError(f"{obj}: initial: {key!r}: not a state variable of {info.name}; "
                                     f"state variables: {', '.join(info.state)}")
                core_initial[key] = to_distribution(value, obj, f"initial.{key}", size)
        self._check_new_group(name)
        self._net.add_population(name, size, info.name, core_params, core_initial)
        pop = Population(name, size, info.name)
        self._groups[name] = pop
        return pop

    def add_poisson_source(self, name: str, size: int, rate, *, rate_times=None, rate_values=None) -> SpikeSource:
        """Adds `size` Poisson spike generators firing at `rate` Hz (a float, or an array with one
        rate per generator). Optional time-varying rate for all generators: rate_values[k] Hz from
        rate_times[k] ms on (times strictly increasing); `rate` applies before rate_times[0]."""
        name = _checks.name(name, "spike source name")
        obj = f"spike source '{name}'"
        size = _checks.count(size, obj, "size")
        dist = to_distribution(rate, obj, "rate", size)
        if (rate_times is None) != (rate_values is None):
            raise ValueError(f"{obj}: rate_times and rate_values: give both or neither")
        self._check_new_group(name)
        src = self._net.add_poisson_source(name, size, dist)
        if rate_times is not None:
            times = _checks.float_array(rate_times, obj, "rate_times")
            values = _checks.float_array(rate_values, obj, "rate_values")
            if times.size != values.size:
                raise ValueError(f"{obj}: rate_times has {times.size} entries, rate_values {values.size}: "
                                 "must be equal")
            sources = self._net.spike_sources
            sources[-1].rate_times = times
            sources[-1].rate_values = values
            self._net.spike_sources = sources
        handle = SpikeSource(name, src.size, "poisson")
        self._groups[name] = handle
        return handle

    def add_spike_times(self, name: str, times) -> SpikeSource:
        """Adds one spike source per entry of `times`: times[i] is the sorted spike times (ms) of
        source i (a list or array)."""
        name = _checks.name(name, "spike source name")
        obj = f"spike source '{name}'"
        if isinstance(times, (str, bytes)) or not hasattr(times, "__len__"):
            raise TypeError(f"{obj}: times: expected a list of arrays of spike times in ms, "
                            f"got {type(times).__name__}")
        lists = [_checks.float_array(t, obj, f"times[{i}]") for i, t in enumerate(times)]
        self._check_new_group(name)
        src = self._net.add_spike_times(name, lists)
        handle = SpikeSource(name, src.size, "spike_times")
        self._groups[name] = handle
        return handle

    def connect(self, pre, post, connector: Connector, weight=0.0, delay=None, *,
                receptor: str = "excitatory", name: str | None = None, seed: int = 0,
                plasticity: Plasticity | None = None) -> Projection:
        """Connects group `pre` (population or spike source) to population `post`.

        weight: nA for current-based models (sign as given: inhibitory ones negative), nS for
        conductance-based models (>= 0), mV for lif_delta; a float, an array with one value per
        synapse, or Uniform / Normal / LogNormal. delay: ms (>= dt, rounded to whole steps;
        default one step), same kinds of value. receptor: "excitatory" or "inhibitory".
        name: defaults to "<pre>-><post>"; seed: for random weights and delays (0 = derived from
        the network seed). plasticity: a learning rule (spikeforge.STDP(...), TripletSTDP, ...;
        docs/plasticity.md), None for static synapses.
        """
        pre, post = _ref(pre, "projection pre"), _ref(post, "projection post")
        if name is None:
            name = f"{pre}->{post}"
        name = _checks.name(name, "projection name")
        obj = f"projection '{name}'"
        if not isinstance(connector, Connector):
            raise TypeError(f"{obj}: connector: expected a spikeforge connector (FixedProbability, ...), "
                            f"got {type(connector).__name__}")
        receptor = _checks.name(receptor, f"{obj}: receptor")
        if receptor not in ("excitatory", "inhibitory"):
            raise ValueError(f"{obj}: receptor: '{receptor}': must be 'excitatory' or 'inhibitory'")
        if pre not in self._groups:
            raise ValueError(f"{obj}: pre: '{pre}': no population or spike source of that name")
        if post not in self._groups or not isinstance(self._groups[post], Population):
            raise ValueError(f"{obj}: post: '{post}': no population of that name")
        if name in self._projections:
            raise ValueError(f"{obj}: name: already used by another projection")
        core_connector = connector._to_core(self._groups[pre].size, self._groups[post].size, obj)
        n_listed = len(core_connector.pre) if core_connector.kind == _core.Connector.Kind.FromList else None
        w = to_distribution(weight, obj, "weight", n_listed)
        d = to_distribution(self.dt if delay is None else delay, obj, "delay", n_listed)
        seed = _checks.seed(seed, obj)
        if plasticity is not None and not isinstance(plasticity, Plasticity):
            raise TypeError(f"{obj}: plasticity: expected a spikeforge rule (STDP, TripletSTDP, ...), "
                            f"got {type(plasticity).__name__}")
        self._net.connect(name, pre, post, core_connector, w, d, receptor,
                          None if plasticity is None else plasticity._to_core(), seed)
        proj = Projection(name, pre, post, receptor)
        self._projections[name] = proj
        return proj

    def add_dc_current(self, target, amplitude: float, *, start: float = 0.0, stop: float | None = None,
                       neurons=None, name: str | None = None) -> str:
        """Injects a constant current of `amplitude` nA into population `target` (all neurons,
        or the indices in `neurons`) from `start` ms until `stop` ms (None: never stops)."""
        target = self._population(target, "current source target")
        name = _checks.name(name or f"dc({target})", "current source name")
        obj = f"current source '{name}'"
        amp = _checks.real(amplitude, obj, "amplitude", "nA")
        t0 = _checks.real(start, obj, "start", "ms")
        t1 = -1.0 if stop is None else _checks.real(stop, obj, "stop", "ms")
        ids = self._neurons(neurons, target, obj)
        return self._net.add_dc_current(name, target, amp, t0, t1, ids).name

    def add_step_current(self, target, times, amplitudes, *, neurons=None, name: str | None = None) -> str:
        """Injects a piecewise constant current into population `target`: amplitudes[k] nA from
        times[k] ms on (times increasing)."""
        target = self._population(target, "current source target")
        name = _checks.name(name or f"step({target})", "current source name")
        obj = f"current source '{name}'"
        t = _checks.float_array(times, obj, "times")
        a = _checks.float_array(amplitudes, obj, "amplitudes")
        if t.size != a.size:
            raise ValueError(f"{obj}: times has {t.size} entries, amplitudes {a.size}: must be equal")
        ids = self._neurons(neurons, target, obj)
        return self._net.add_step_current(name, target, t, a, ids).name

    def record_spikes(self, target, neurons=None) -> str:
        """Records the spikes (times in ms, neuron indices) of a population or spike source
        (all neurons, or the indices in `neurons`). Returns the probe name."""
        target = _ref(target, "spike probe target")
        if target not in self._groups:
            raise ValueError(f"spike probe: target: '{target}': no population or spike source of that name")
        ids = self._neurons(neurons, target, f"spike probe of '{target}'")
        return self._net.record_spikes(target, ids).name

    def record_state(self, target, variables, neurons=None, interval: float = 0.0) -> str:
        """Records state variables (e.g. "v" in mV, "g_exc" in nS, "i_syn_exc" in nA) of
        population `target` (all neurons or `neurons`) every `interval` ms (0: every step).
        Returns the probe name."""
        target = self._population(target, "state probe target")
        obj = f"state probe of '{target}'"
        if isinstance(variables, str):
            variables = [variables]
        if not isinstance(variables, (list, tuple)) or not all(isinstance(v, str) for v in variables):
            raise TypeError(f"{obj}: variables: expected a list of names")
        info = model_info(self._groups[target].model)
        for v in variables:
            if v not in info.state:
                raise ValueError(f"{obj}: variables: '{v}': not a state variable of {info.name}; "
                                 f"state variables: {', '.join(info.state)}")
        ids = self._neurons(neurons, target, obj)
        dt = _checks.real(interval, obj, "interval", "ms")
        if dt < 0:
            raise ValueError(f"{obj}: interval: {dt} ms: must be >= 0 ms")
        return self._net.record_state(target, list(variables), ids, dt).name

    def record_weights(self, projection, interval: float) -> str:
        """Records every weight of `projection` every `interval` ms. Returns the probe name."""
        projection = _ref(projection, "weight probe projection")
        if projection not in self._projections:
            raise ValueError(f"weight probe: projection: '{projection}': no projection of that name")
        obj = f"weight probe of '{projection}'"
        dt = _checks.real(interval, obj, "interval", "ms")
        if dt <= 0:
            raise ValueError(f"{obj}: interval: {dt} ms: must be > 0 ms")
        return self._net.record_weights(projection, dt).name

    # -- inspection ------------------------------------------------------------------------------
    @property
    def populations(self) -> dict:
        """Populations by name (handles with size and model)."""
        return {k: v for k, v in self._groups.items() if isinstance(v, Population)}

    @property
    def spike_sources(self) -> dict:
        """Spike source groups by name."""
        return {k: v for k, v in self._groups.items() if isinstance(v, SpikeSource)}

    @property
    def projections(self) -> dict:
        """Projections by name."""
        return dict(self._projections)

    @property
    def probes(self) -> list:
        """Probe names, in the order they were added."""
        return [p.name for p in self._net.probes]

    def parameters(self, population) -> dict:
        """The parameters given for a population (units of the model table); defaults not shown."""
        name = self._population(population, "population")
        pop = next(p for p in self._net.populations if p.name == name)
        return {k: from_distribution(v) for k, v in pop.params.items()}

    def synapses(self, projection):
        """The realised synapses of a projection (before any run): a Synapses record with pre,
        post (indices), weight (nA / nS / mV) and delay (ms) arrays."""
        name = _ref(projection, "projection")
        s = _core.build_synapses(self._net, name)
        proj = self._projections[name]
        return Synapses(s["pre"], s["post"], s["weight"], s["delay"], self._groups[proj.pre].size,
                        self._groups[proj.post].size)

    def validate(self) -> None:
        """Checks every value against the model table and the groups' sizes; raises ValueError
        naming the object, the field and the allowed range."""
        _core.validate(self._net)

    def instantiate(self) -> "Network":
        """The same network with nothing left to draw: explicit per-synapse weights and delays,
        per-neuron parameters and initial values."""
        return Network._from_core(_core.instantiate(self._net))

    # -- file ------------------------------------------------------------------------------------
    def to_json(self) -> str:
        """The network file's text (JSON, doubles round-trip exactly)."""
        return _core.to_json(self._net)

    @classmethod
    def from_json(cls, text: str) -> "Network":
        """Parses a network file's text; ValueError names the JSON path of a problem."""
        return cls._from_core(_core.from_json(_checks.name(text, "network file text")))

    def save(self, path) -> None:
        """Writes the network file (JSON) to `path`."""
        _core.save_json(self._net, os.fspath(path))

    @classmethod
    def load(cls, path) -> "Network":
        """Reads a network file (JSON) from `path`."""
        return cls._from_core(_core.load_json(os.fspath(path)))

    @classmethod
    def _from_core(cls, core: _core.Network) -> "Network":
        if not isinstance(core, _core.Network):
            raise TypeError(f"expected a spikeforge._core.Network, got {type(core).__name__}")
        net = cls.__new__(cls)
        net._net = core
        net._groups = {}
        net._projections = {}
        for p in core.populations:
            net._groups[p.name] = Population(p.name, p.size, p.model)
        for s in core.spike_sources:
            kind = "poisson" if s.kind == _core.SpikeSource.Kind.Poisson else "spike_times"
            net._groups[s.name] = SpikeSource(s.name, s.size, kind)
        for j in core.projections:
            net._projections[j.name] = Projection(j.name, j.pre, j.post, j.receptor)
        return net

    @property
    def description(self) -> _core.Network:
        """A copy of the C++ description this builder holds."""
        return _core.Network(self._net)

    def __eq__(self, other):
        if isinstance(other, Network):
            return self._net == other._net
        if isinstance(other, _core.Network):
            return self._net == other
        return NotImplemented

    def __repr__(self):
        pops = ", ".join(f"{p.name}: {p.size} {p.model}" for p in self.populations.values())
        return (f"Network(dt={self.dt} ms, seed={self.seed}, populations=[{pops}], "
                f"projections={len(self._projections)}, probes={len(self._net.probes)})")

    # -- helpers ---------------------------------------------------------------------------------
    def _check_new_group(self, name: str) -> None:
        if name in self._groups:
            raise ValueError(f"'{name}': name already used by another population or spike source")

    def _population(self, value, what: str) -> str:
        name = _ref(value, what)
        if not isinstance(self._groups.get(name), Population):
            raise ValueError(f"{what}: '{name}': no population of that name")
        return name

    def _neurons(self, neurons, target: str, obj: str) -> np.ndarray:
        if neurons is None:
            return np.zeros(0, dtype=np.uint32)
        return _checks.index_array(neurons, obj, "neurons", self._groups[target].size)
