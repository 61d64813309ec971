"""NIR (neuromorphic intermediate representation) in and out: `read` maps a NIR graph onto
spikeforge populations and projections, `write` turns a network into a NIR graph. The
discretisation of every primitive is stated in docs/nir.md; what cannot be mapped exactly is
refused with the node's (or the network part's) name and the reason.

Units: NIR time is in seconds, spikeforge's in ms (x 1000); NIR voltages are taken as mV and
NIR currents (the I of R I) as nA, so R I is in mV. NIR has no dt: `read` takes it (ms).
Needs the `nir` package (`pip install spikeforge[nir]` or `pip install nir`)."""

from __future__ import annotations

import math
import os

import numpy as np
import scipy.sparse as sp

from . import _core
from .connectors import FromList
from .network import Network

__all__ = ["read", "write", "to_graph", "set_inputs", "spike_raster", "main", "NO_LEAK_TAU_MS",
           "UNREACHABLE_THRESHOLD"]

#: tau_m (ms) standing for "no leak" (IF, I): exp(-dt/tau_m) is exactly 1.0 for any dt < 1e13 ms.
NO_LEAK_TAU_MS = 1e30
#: tau_m (ms) standing for "no memory" (Threshold): exp(-dt/tau_m) is exactly 0.0 for any dt > 1e-27 ms.
NO_MEMORY_TAU_MS = 1e-30
#: v_thresh (mV) of the non-spiking nodes (LI, CubaLI, I): never reached by a finite run.
UNREACHABLE_THRESHOLD = 1e300

_NEURONS = ("LIF", "CubaLIF", "IF", "LI", "CubaLI", "I", "Threshold")
_SPIKING = ("LIF", "CubaLIF", "IF", "Threshold")
_LINEAR = ("Affine", "Linear", "Scale", "Flatten", "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d", "Delay",
           "Identity")


def _nir():
    try:
        import nir
    except ImportError as e:  # loud, never skipped: the module cannot work without it
        raise ImportError("spikeforge.nir needs the 'nir' package: pip install nir "
                          "(or pip install spikeforge[nir])") from e
    return nir


class _Refused(ValueError):
    pass


def _refuse(node: str, reason: str):
    raise _Refused(f"NIR node '{node}': {reason}")


# ------------------------------------------------------------------------------------------------
# reading
# ------------------------------------------------------------------------------------------------
def read(path_or_graph, *, dt: float, inputs: dict | None = None, seed: int = 1,
         time_unit_ms: float = 1000.0) -> Network:
    """Builds a spikeforge Network from a NIR graph (a .nir file path or a nir.NIRGraph).

    dt: the time step in ms (NIR has none; the discretisation of docs/nir.md depends on it).
    inputs: {Input node name: array of shape (steps, *node shape)} of 0/1 spikes; row k is a
    spike emitted in step k (time k dt). Input nodes without an entry start with no spikes;
    set_inputs() replaces them later. time_unit_ms: the length of NIR's time unit in ms, 1000
    for graphs in seconds (the standard); graphs written for "one time unit = one step" (Sinabs'
    IAF: r = 1 means a jump of w per step) are read with time_unit_ms = dt. Every neuron node becomes a population of the node's name,
    every Output node a probe of its name (spikes, or "v" for LI / CubaLI / I)."""
    nir = _nir()
    if isinstance(path_or_graph, (str, os.PathLike)):
        path = os.fspath(path_or_graph)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"NIR file '{path}': no such file")
        try:
            graph = nir.read(path)
        except Exception as e:  # h5py / nir raise many kinds for a broken file
            raise ValueError(f"NIR file '{path}': not a readable NIR graph: {type(e).__name__}: {e}") from e
    elif isinstance(path_or_graph, nir.NIRGraph):
        graph = path_or_graph
    else:
        raise TypeError(f"nir.read: expected a path or a nir.NIRGraph, got {type(path_or_graph).__name__}")
    return _Reader(graph, dt, seed, time_unit_ms).build(inputs or {})


class _Reader:
    def __init__(self, graph, dt, seed, time_unit_ms):
        self.net = Network(dt=dt, seed=seed)  # checks dt > 0
        self.dt = self.net.dt
        self.tu = _positive(time_unit_ms, "nir.read: time_unit_ms")
        self.nodes, self.edges = {}, []
        self._flatten(graph, "")
        self.preds = {k: [] for k in self.nodes}
        for a, b in self.edges:
            for end, what in ((a, "source"), (b, "target")):
                if end not in self.nodes:
                    raise ValueError(f"NIR graph: edge ({a!r}, {b!r}): {what} '{end}' is not a node of the graph")
            self.preds[b].append(a)
        self.shapes = {}
        self.params = {}
        # how the graph factored what spikeforge stores as products (w_in x weights, the split of a
        # node's bias between its Affine inputs, Affine vs Linear): write() uses it to give the
        # same graph back (docs/nir.md, "Round trips")
        self.hints = {"w_in": {}, "affine": {}}

    # Nested graphs are inlined: node "g.x" for node x of subgraph g; the subgraph's Input and
    # Output nodes become pass-through (identity) nodes, edges to/from "g" go to its Input/Output.
    def _flatten(self, graph, prefix):
        nir = _nir()
        if not isinstance(graph.nodes, dict) or not isinstance(graph.edges, (list, tuple)):
            raise ValueError(f"NIR graph '{prefix or '<root>'}': nodes must be a dict and edges a list")
        for name, node in graph.nodes.items():
            full = prefix + str(name)
            if isinstance(node, nir.NIRGraph):
                self._flatten(node, full + ".")
            else:
                self.nodes[full] = node
        for edge in graph.edges:
            if not isinstance(edge, (list, tuple)) or len(edge) != 2:
                raise ValueError(f"NIR graph '{prefix or '<root>'}': edge {edge!r}: must be a (source, target) pair")
            a, b = (self._endpoint(graph, prefix, str(x), side) for x, side in zip(edge, ("out", "in")))
            self.edges.append((a, b))
        if prefix:
            for name, node in list(self.nodes.items()):
                if name.startswith(prefix) and type(node).__name__ in ("Input", "Output") \
                        and name[len(prefix):] in graph.nodes:
                    self.nodes[name] = ("Identity", node)

    def _endpoint(self, graph, prefix, x, side):
        nir = _nir()
        node = graph.nodes.get(x)
        if isinstance(node, nir.NIRGraph):
            kind = "Output" if side == "out" else "Input"
            ends = [k for k, v in node.nodes.items() if type(v).__name__ == kind]
            if len(ends) != 1:
                raise ValueError(f"NIR graph: edge to/from subgraph '{prefix + x}': it has {len(ends)} "
                                 f"{kind} nodes; name one ('{prefix + x}.<node>')")
            return prefix + x + "." + ends[0]
        return prefix + x

    @staticmethod
    def _kind(node):
        return node[0] if isinstance(node, tuple) else type(node).__name__

    # -- shapes ----------------------------------------------------------------------------------
    def shape(self, name, stack=()):
        if name in self.shapes:
            return self.shapes[name]
        if name in stack:
            _refuse(name, "a loop through pass-through nodes only (no neuron on it): no step order exists")
        node, kind = self.nodes[name], self._kind(self.nodes[name])
        if kind == "Input":
            s = tuple(int(x) for x in np.atleast_1d(node.input_type["input"]))
        elif kind in _NEURONS:
            field = {"IF": "r", "I": "r", "LIF": "tau", "LI": "tau", "Threshold": "threshold"}.get(kind, "tau_mem")
            s = tuple(np.shape(self._arr(name, node, field)))
        elif kind in ("Affine", "Linear"):
            w = self._arr(name, node, "weight")
            if w.ndim != 2:
                _refuse(name, f"weight: shape {w.shape}: must be 2-D (out, in)")
            s = (w.shape[0],)
        else:
            s = self._linear(name, stack)[2]
        self.shapes[name] = s
        return s

    def in_shape(self, name, stack=()):
        shapes = {self.shape(p, stack + (name,)) for p in self.preds[name]}
        if not shapes:
            _refuse(name, "has no input edge")
        sizes = {int(np.prod(s)) for s in shapes}
        if len(sizes) != 1:
            _refuse(name, f"its inputs have different sizes {sorted(sizes)}")
        return max(shapes, key=len)

    def _each(self, name, node, field, n, what):
        """A field with one value per element (n of them), or one value for all."""
        a = self._arr(name, node, field).reshape(-1)
        if a.size == 1:
            a = np.full(n, a[0])
        if a.size != n:
            _refuse(name, f"{field}: {a.size} values for {n} {what}")
        return a

    @staticmethod
    def _arr(name, node, field):
        value = getattr(node, field, None)
        if value is None:
            _refuse(name, f"{field}: missing")
        a = np.asarray(value, dtype=np.float64)
        if not np.all(np.isfinite(a)):
            _refuse(name, f"{field}: must be finite")
        return a

    # -- linear nodes: (sparse matrix (n_out, n_in), bias (n_out), out shape, delay steps) -----------
    def _linear(self, name, stack=()):
        if name in self.params:
            return self.params[name]
        node, kind = self.nodes[name], self._kind(self.nodes[name])
        ins = self.in_shape(name, stack)
        n_in = int(np.prod(ins))
        delay = None
        if kind == "Identity":
            m, b, out = sp.identity(n_in, format="csr"), None, ins
        elif kind in ("Affine", "Linear"):
            w = self._arr(name, node, "weight")
            if w.shape[1] != n_in:
                _refuse(name, f"weight: shape {w.shape}: its input size {w.shape[1]} is not the size "
                        f"{n_in} of what feeds it")
            m, out = sp.csr_matrix(w), (w.shape[0],)
            b = self._arr(name, node, "bias").reshape(-1) if kind == "Affine" else None
            if b is not None and b.size != w.shape[0]:
                _refuse(name, f"bias: {b.size} values for {w.shape[0]} outputs")
        elif kind == "Scale":
            s = self._each(name, node, "scale", n_in, "inputs")
            m, b, out = sp.diags(s, format="csr"), None, ins
        elif kind == "Flatten":
            nd = len(ins)
            start, end = int(node.start_dim) % nd, int(node.end_dim) % nd
            out = ins[:start] + (int(np.prod(ins[start:end + 1])),) + ins[end + 1:]
            m, b = sp.identity(n_in, format="csr"), None
        elif kind == "Delay":
            d = self._each(name, node, "delay", n_in, "inputs")
            steps = d * self.tu / self.dt
            delay = np.rint(steps)
            if np.any(d < 0) or np.any(np.abs(steps - delay) > 1e-6 * np.maximum(1.0, steps)):
                _refuse(name, f"delay: {d.tolist()[:4]} s: must be >= 0 and whole multiples of dt = "
                        f"{self.dt} ms = {self.dt / self.tu:g} NIR time units (spikeforge delays are whole steps)")
            m, b, out = sp.identity(n_in, format="csr"), None, ins
        elif kind in ("Conv1d", "Conv2d"):
            m, b, out = self._conv(name, node, kind, ins)
        elif kind in ("SumPool2d", "AvgPool2d"):
            m, b, out = self._pool(name, node, kind, ins)
        else:
            _refuse(name, self._unsupported(kind))
        self.params[name] = (m, b, tuple(int(x) for x in out), delay)
        return self.params[name]

    @staticmethod
    def _unsupported(kind):
        reasons = {
            "Output": "an Output node feeding another node",
        }
        return reasons.get(kind, f"primitive '{kind}' has no spikeforge mapping (docs/nir.md lists the supported ones)")

    @staticmethod
    def _pairs(value, n, name, field):
        if isinstance(value, str):
            _refuse(name, f"{field}: '{value}': only numeric {field} is supported")
        a = np.atleast_1d(np.asarray(value)).astype(np.int64)
        if a.size == 1:
            a = np.full(n, a[0])
        if a.size != n:
            _refuse(name, f"{field}: {a.tolist()}: needs {n} values")
        return a

    def _conv(self, name, node, kind, ins):
        nd = 1 if kind == "Conv1d" else 2
        w = self._arr(name, node, "weight")
        if w.ndim != nd + 2 or len(ins) != nd + 1:
            _refuse(name, f"weight {w.shape} / input {ins}: expected {nd + 2}-D weight and (C, {'L' if nd == 1 else 'H, W'}) input")
        stride = self._pairs(node.stride, nd, name, "stride")
        dil = self._pairs(node.dilation, nd, name, "dilation")
        pad_v = node.padding
        if isinstance(pad_v, str):
            if pad_v == "valid":
                pad = np.zeros(nd, dtype=np.int64)
            elif pad_v == "same" and np.all(stride == 1):
                total = dil * (np.array(w.shape[2:]) - 1)
                if np.any(total % 2):
                    _refuse(name, "padding 'same' with an even kernel is asymmetric: not supported")
                pad = total // 2
            else:
                _refuse(name, f"padding: '{pad_v}': not supported")
        else:
            pad = self._pairs(pad_v, nd, name, "padding")
        groups = int(node.groups)
        c_out, c_in_g = w.shape[0], w.shape[1]
        c_in, space = ins[0], np.array(ins[1:])
        if c_in != c_in_g * groups or c_out % groups:
            _refuse(name, f"channels: input {c_in}, weight {w.shape}, groups {groups}: inconsistent")
        k = np.array(w.shape[2:])
        out_sp = (space + 2 * pad - dil * (k - 1) - 1) // stride + 1
        if np.any(out_sp < 1):
            _refuse(name, f"output size {out_sp.tolist()}: the kernel does not fit the input {ins}")
        opos = np.stack(np.meshgrid(*[np.arange(n) for n in out_sp], indexing="ij"), -1).reshape(-1, nd)
        n_pos = opos.shape[0]
        rows, cols, vals = [], [], []
        for o in range(c_out):
            g = o // (c_out // groups)
            for ci in range(c_in_g):
                c = g * c_in_g + ci
                for kk in np.ndindex(*k):
                    ipos = opos * stride - pad + np.array(kk) * dil
                    ok = np.all((ipos >= 0) & (ipos < space), axis=1)
                    val = w[(o, ci) + kk]
                    if val == 0.0 or not ok.any():
                        continue
                    flat_in = c * int(np.prod(space)) + np.ravel_multi_index(tuple(ipos[ok].T), tuple(space))
                    rows.append(o * n_pos + np.nonzero(ok)[0])
                    cols.append(flat_in)
                    vals.append(np.full(int(ok.sum()), val))
        n_out, n_in = c_out * n_pos, c_in * int(np.prod(space))
        m = sp.csr_matrix((np.concatenate(vals) if vals else [], (np.concatenate(rows) if rows else [],
                          np.concatenate(cols) if cols else [])), shape=(n_out, n_in))
        b = None if getattr(node, "bias", None) is None else \
            np.repeat(self._each(name, node, "bias", c_out, "output channels"), n_pos)
        return m, b, (c_out,) + tuple(out_sp)

    def _pool(self, name, node, kind, ins):
        if len(ins) != 3:
            _refuse(name, f"input shape {ins}: expected (C, H, W)")
        ks = self._pairs(node.kernel_size, 2, name, "kernel_size")
        stride = self._pairs(node.stride, 2, name, "stride")
        pad = self._pairs(node.padding, 2, name, "padding")
        c, space = ins[0], np.array(ins[1:])
        out_sp = (space + 2 * pad - ks) // stride + 1
        opos = np.stack(np.meshgrid(*[np.arange(n) for n in out_sp], indexing="ij"), -1).reshape(-1, 2)
        n_pos = opos.shape[0]
        # AvgPool2d divides by the kernel area, padding included (PyTorch's default).
        val = 1.0 if kind == "SumPool2d" else 1.0 / float(np.prod(ks))
        rows, cols = [], []
        for ch in range(c):
            for kk in np.ndindex(*ks):
                ipos = opos * stride - pad + np.array(kk)
                ok = np.all((ipos >= 0) & (ipos < space), axis=1)
                rows.append(ch * n_pos + np.nonzero(ok)[0])
                cols.append(ch * int(np.prod(space)) + np.ravel_multi_index(tuple(ipos[ok].T), tuple(space)))
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        m = sp.csr_matrix((np.full(rows.size, val), (rows, cols)), shape=(c * n_pos, c * int(np.prod(space))))
        return m, None, (c,) + tuple(out_sp)

    # -- the drive of a node: {(spiking source, delay key): [matrix, delay steps per pre, name]}, bias
    def drive(self, name, memo, stack=()):
        if name in memo:
            return memo[name]
        if name in stack:
            _refuse(name, "a loop through pass-through nodes only (no neuron on it): no step order exists")
        entries, bias = {}, None
        for p in self.preds[name]:
            kind = self._kind(self.nodes[p])
            if kind == "Input" or kind in _NEURONS:
                n = int(np.prod(self.shape(p)))
                sub, sub_bias = {(p, b""): [sp.identity(n, format="csr"), np.zeros(n, dtype=np.int64), None]}, None
            elif kind == "Output":
                _refuse(p, "an Output node feeds another node")
            else:
                m, b, _, delay = self._linear(p)
                inner, inner_bias = self.drive(p, memo, stack + (name,))
                sub = {}
                # via: None while the signal is a source's spikes unweighted (passed through Delay,
                # Flatten, identities), the node's name after one Affine / Linear, else "composite";
                # a projection made of exactly one Affine / Linear node takes that node's name.
                if kind in ("Delay", "Identity", "Flatten"):
                    step_via = lambda via: via  # noqa: E731
                elif kind in ("Affine", "Linear") and len(self.preds[p]) == 1:
                    step_via = lambda via: p if via is None else "composite"  # noqa: E731
                else:
                    step_via = lambda via: "composite"  # noqa: E731
                sub = {}
                for (src, _key), (mat, dly, via) in inner.items():
                    if delay is not None:
                        if np.all(delay == delay[0]):
                            dly = dly + int(delay[0])
                        elif via is None:
                            dly = dly + delay.astype(np.int64)  # per element of the source: per pre neuron
                        else:
                            _refuse(p, "delays that differ between elements of a weighted sum would be per-synapse "
                                    "delays; spikeforge's NIR mapping takes them per source neuron only: put the "
                                    "Delay right after the spiking node")
                    key = (src, dly.tobytes())
                    if key in sub:
                        sub[key][0] = sub[key][0] + m @ mat
                        sub[key][2] = "composite"
                    else:
                        sub[key] = [m @ mat, dly, step_via(via)]
                sub_bias = None if inner_bias is None else m @ inner_bias
                if b is not None:
                    sub_bias = b if sub_bias is None else sub_bias + b
            for key, (mat, dly, via) in sub.items():
                if key in entries:
                    entries[key][0] = entries[key][0] + mat
                    entries[key][2] = "composite"
                else:
                    entries[key] = [mat, dly, via]
            if sub_bias is not None:
                bias = sub_bias if bias is None else bias + sub_bias
        memo[name] = (entries, bias)
        return memo[name]

    # -- building ----------------------------------------------------------------------------------
    def build(self, inputs):
        net = self.net
        for name, node in self.nodes.items():
            kind = self._kind(node)
            if kind not in _NEURONS + _LINEAR + ("Input", "Output"):
                _refuse(name, self._unsupported(kind))
        unknown = set(inputs) - {k for k, v in self.nodes.items() if self._kind(v) == "Input"}
        if unknown:
            raise ValueError(f"nir.read: inputs: {sorted(unknown)}: not Input nodes of the graph")
        for name, node in self.nodes.items():  # spike sources first: populations may refer to them
            if self._kind(node) == "Input":
                net.add_spike_times(name, [[] for _ in range(int(np.prod(self.shape(name))))])
        coeff = {}
        for name, node in self.nodes.items():
            if self._kind(node) in _NEURONS:
                coeff[name] = self._population(name, node)
        memo = {}
        for name in coeff:
            entries, bias = self.drive(name, memo)
            if not entries and bias is None:
                _refuse(name, "has no input edge")
            n = int(np.prod(self.shape(name)))
            gain, bias_fn = coeff[name]
            for (src, _key), (mat, dly, via) in entries.items():
                if mat.shape != (n, int(np.prod(self.shape(src)))):
                    _refuse(name, f"its input from '{src}' has size {mat.shape[0]}, the node has {n} neurons")
                self._project(src, name, mat, dly, gain, via)
            if bias is not None and np.any(bias != 0.0):
                bias_fn(bias)
        for name, node in self.nodes.items():
            if self._kind(node) == "Output":
                self._output(name)
        set_inputs(net, inputs)
        net.nir_hints = self.hints
        return net

    def _population(self, name, node):
        """Adds the population of a neuron node; returns (input gain per neuron, bias handler)."""
        kind = self._kind(node)
        h = self.dt  # ms
        fields = {"LIF": ("tau", "r", "v_leak", "v_threshold", "v_reset"),
                  "LI": ("tau", "r", "v_leak"),
                  "CubaLIF": ("tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"),
                  "CubaLI": ("tau_syn", "tau_mem", "r", "v_leak", "w_in"),
                  "IF": ("r", "v_threshold", "v_reset"), "I": ("r",), "Threshold": ("threshold",)}[kind]
        n = int(np.prod(self.shape(name)))
        p = {f: self._each(name, node, f, n, "neurons") for f in fields}
        for f in ("tau", "tau_syn", "tau_mem", "r"):
            if f in p and np.any(p[f] <= 0):
                _refuse(name, f"{f}: {p[f][p[f] <= 0][0]}: must be > 0")
        net = self.net
        if kind == "Threshold":
            # z = H(x - threshold) of the step's input x = W s + b: lif_delta without memory
            # (exp(-dt/tau_m) = 0 exactly and 1000 tau_m / cm = 1, so v = b + W s each step)
            thr = p["threshold"]
            tau_m = np.full(n, NO_MEMORY_TAU_MS)
            net.add_population(name, n, "lif_delta", tau_m=tau_m, cm=1000.0 * tau_m, v_rest=0.0,
                               v_reset=thr - np.maximum(1.0, np.abs(thr)), v_thresh=thr, tau_refrac=0.0,
                               i_offset=0.0, initial={"v": 0.0})
            return np.ones(n), lambda b, name=name: self._set_param(name, "i_offset", b)
        spiking = kind in _SPIKING
        if spiking and np.any(p["v_reset"] >= p["v_threshold"]):
            _refuse(name, "v_reset >= v_threshold for some neuron: spikeforge's LIF models need v_reset < v_threshold")
        thresh = p["v_threshold"] if spiking else np.full(n, UNREACHABLE_THRESHOLD)
        if kind in ("LIF", "LI", "IF", "I"):
            leaky = kind in ("LIF", "LI")
            tau_m = p["tau"] * self.tu if leaky else np.full(n, NO_LEAK_TAU_MS)
            v_rest = p["v_leak"] if leaky else np.zeros(n)
            v_reset = p["v_reset"] if spiking else v_rest.copy()
            # cm = 1000 tau_m / R for every node: without leak it only keeps R for write()
            net.add_population(name, n, "lif_delta", tau_m=tau_m, cm=1000.0 * tau_m / p["r"],
                               v_rest=v_rest, v_reset=v_reset, v_thresh=thresh, tau_refrac=0.0, i_offset=0.0,
                               initial={"v": v_rest})
            # the step's input held over the step (zero-order hold), integrated exactly: a jump of
            # R w (1 - exp(-dt/tau)) for a leaky node, R w dt for a non-leaky one (dt in s).
            gain = p["r"] * (-np.expm1(-h / tau_m)) if leaky else p["r"] * h / self.tu

            def bias_fn(b, name=name, leaky=leaky):
                if not leaky:
                    _refuse(name, f"a constant input (bias) into a non-leaky node ({kind}): spikeforge has no "
                            "integrate-and-fire model without leak that takes a constant current")
                self._set_param(name, "i_offset", b)
            return gain, bias_fn
        tau_m, tau_s = p["tau_mem"] * self.tu, p["tau_syn"] * self.tu
        v_reset = p["v_reset"] if spiking else p["v_leak"].copy()
        net.add_population(name, n, "lif_curr_exp", tau_m=tau_m, cm=1000.0 * tau_m / p["r"], v_rest=p["v_leak"],
                           v_reset=v_reset, v_thresh=thresh, tau_refrac=0.0, tau_syn_e=tau_s, tau_syn_i=tau_s,
                           i_offset=0.0, initial={"v": p["v_leak"]})
        # tau_syn dI/dt = -I + w_in S: the step's input held over the step moves I by
        # w_in w (1 - exp(-dt/tau_syn)) by the step's end, where spikeforge adds it.
        gain = p["w_in"] * (-np.expm1(-h / tau_s))
        self.hints["w_in"][name] = p["w_in"].copy()

        def bias_fn(b, name=name, w_in=p["w_in"]):
            # I from a constant input b, starting at I = 0: w_in b (1 - exp(-t/tau_syn)) exactly, as
            # i_offset = w_in b plus an initial synaptic current -w_in b decaying with tau_syn.
            c = w_in * b
            self._set_param(name, "i_offset", c)
            self._set_initial(name, {"i_syn_exc": np.maximum(-c, 0.0), "i_syn_inh": np.minimum(-c, 0.0)})
        return gain, bias_fn

    def _set_param(self, pop, key, values):
        from .values import to_distribution
        pops = self.net._net.populations
        for q in pops:
            if q.name == pop:
                params = q.params  # a copy (pybind11 converts the map): assigned back whole
                params[key] = to_distribution(np.asarray(values, dtype=np.float64), f"population '{pop}'", key, q.size)
                q.params = params
        self.net._net.populations = pops

    def _set_initial(self, pop, values):
        from .values import to_distribution
        pops = self.net._net.populations
        for q in pops:
            if q.name == pop:
                initial = q.initial
                for key, v in values.items():
                    initial[key] = to_distribution(np.asarray(v, dtype=np.float64), f"population '{pop}'",
                                                   f"initial.{key}", q.size)
                q.initial = initial
        self.net._net.populations = pops

    def _project(self, src, post, mat, dly, gain, via):
        coo = mat.tocoo()
        keep = coo.data != 0.0
        pre_i, post_i = coo.col[keep], coo.row[keep]
        w = coo.data[keep] * gain[post_i]
        delay = (1 + dly[pre_i]) * self.dt
        base = via if via not in (None, "composite") else f"{src}->{post}"
        if base == via and self._kind(self.nodes[via]) == "Affine":
            m, b, _, _ = self._linear(via)
            self.hints["affine"][via] = b.copy()
        pos = w > 0
        parts = [(pos, "excitatory", base)]
        if np.any(~pos):
            parts.append((~pos, "inhibitory", base if not np.any(pos) else base + ":inh"))
        for sel, receptor, pname in parts:
            if not np.any(sel) and receptor == "excitatory" and len(parts) > 1:
                continue
            self.net.connect(src, post, FromList(pre_i[sel], post_i[sel]), weight=w[sel], delay=delay[sel],
                             receptor=receptor, name=pname)

    def _output(self, name):
        preds = self.preds[name]
        if len(preds) != 1:
            _refuse(name, f"an Output node needs exactly one input edge, it has {len(preds)}")
        src = preds[0]
        while self._kind(self.nodes[src]) == "Identity" and len(self.preds[src]) == 1:
            src = self.preds[src][0]  # a subgraph's Output node passes its input on
        kind = self._kind(self.nodes[src])
        if kind == "Input" or kind in _SPIKING:
            probe = self.net.record_spikes(src)
        elif kind in ("LI", "CubaLI", "I"):
            probe = self.net.record_state(src, ["v"])
        else:
            _refuse(name, f"fed by '{src}' ({kind}): spikeforge records spikes or states of neuron nodes only; "
                    "a weighted sum leaving the graph has no neuron to hold it")
        probes = self.net._net.probes
        for q in probes:
            if q.name == probe:
                q.name = name
        self.net._net.probes = probes


def _positive(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"{what}: expected a number (ms), got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{what}: {value} ms: must be finite and > 0")
    return float(value)


def set_inputs(net: Network, inputs: dict) -> None:
    """Replaces the spikes of Input nodes (spike sources): {name: array (steps, *shape)} of 0/1.
    Row k is emitted at time k dt and acts in step k (from k dt to (k + 1) dt) of the nodes it feeds."""
    sources = net._net.spike_sources
    by_name = {s.name: s for s in sources}
    for name, arr in inputs.items():
        if name not in by_name or by_name[name].kind != _core.SpikeSource.Kind.SpikeTimes:
            raise ValueError(f"nir inputs: '{name}': no Input node (spike-times source) of that name")
        a = np.asarray(arr)
        if a.ndim < 1 or (a.size and not np.all((a == 0) | (a == 1))):
            raise ValueError(f"nir inputs: '{name}': must be an array (steps, *shape) of 0/1 spikes "
                             "(one spike per element and step at most)")
        src = by_name[name]
        a = a.reshape(a.shape[0], -1) if a.ndim > 1 else a.reshape(a.shape[0], 1)
        if a.shape[1] != src.size:
            raise ValueError(f"nir inputs: '{name}': {a.shape[1]} elements per step, the Input node has {src.size}")
        steps, ids = np.nonzero(a)
        order = np.argsort(ids, kind="stable")
        times = steps[order] * net.dt
        bounds = np.searchsorted(ids[order], np.arange(src.size + 1))
        src.spike_times = [times[bounds[i]:bounds[i + 1]].astype(np.float64) for i in range(src.size)]
    net._net.spike_sources = sources


def spike_raster(spikes, size: int, steps: int, dt: float, *, source: bool = False) -> np.ndarray:
    """A (steps, size) 0/1 array from a Spikes record: row k = the spikes of step k, the step from
    k dt to (k + 1) dt, whose neuron spikes are stamped (k + 1) dt. source=True for the spikes of
    a spike source (an Input node), stamped k dt as set_inputs gives them."""
    out = np.zeros((steps, size), dtype=np.uint8)
    k = np.rint(np.asarray(spikes.times) / dt).astype(np.int64) - (0 if source else 1)
    ok = (k >= 0) & (k < steps)
    out[k[ok], np.asarray(spikes.ids)[ok]] = 1
    return out


# ------------------------------------------------------------------------------------------------
# writing
# ------------------------------------------------------------------------------------------------
def write(network: Network, path, *, time_unit_ms: float = 1000.0) -> None:
    """Writes `network` as a NIR graph (.nir file). See to_graph for what is refused."""
    _nir().write(os.fspath(path), to_graph(network, time_unit_ms=time_unit_ms))


def to_graph(network: Network, *, time_unit_ms: float = 1000.0):
    """The NIR graph of a network (the inverse of read's mapping, docs/nir.md). Refused, naming
    the part: Poisson sources, current sources, plasticity, refractory periods, models without a
    NIR equivalent (lif_cond_exp, izhikevich, lif_adaptive_threshold), initial states other than
    the resting state, synaptic time constants that differ between receptors, and delays that
    differ between synapses of one pre neuron."""
    nir = _nir()
    if not isinstance(network, Network):
        raise TypeError(f"nir.write: expected a spikeforge.Network, got {type(network).__name__}")
    net = network.instantiate()
    core = net._net
    dt = net.dt
    h = dt
    hints = getattr(network, "nir_hints", None) or {}
    tu = _positive(time_unit_ms, "nir.write: time_unit_ms")
    nodes, edges = {}, []
    for c in core.current_sources:
        raise ValueError(f"nir.write: current source '{c.name}': NIR has no injected currents")
    for s in core.spike_sources:
        if s.kind != _core.SpikeSource.Kind.SpikeTimes:
            raise ValueError(f"nir.write: spike source '{s.name}': Poisson sources have no NIR equivalent")
        nodes[s.name] = nir.Input(input_type={"input": np.array([s.size])})
    gains, offsets = {}, {}
    for p in core.populations:
        obj = f"nir.write: population '{p.name}'"
        prm = {k: _values(v, p.size) for k, v in net.parameters(p.name).items()}
        init = {k: _values(_from(v), p.size) for k, v in p.initial.items()}
        if p.model not in ("lif_delta", "lif_curr_exp"):
            raise ValueError(f"{obj}: model {p.model}: has no NIR equivalent (NIR has LIF, CubaLIF, IF, LI, CubaLI, I)")
        if np.any(prm["tau_refrac"] != 0):
            raise ValueError(f"{obj}: tau_refrac: {prm['tau_refrac'][0]} ms: NIR neurons have no refractory period")
        if np.any(init.get("v", prm["v_rest"]) != prm["v_rest"]):
            raise ValueError(f"{obj}: initial v: NIR nodes start at rest (v = v_leak); other initial values "
                             "cannot be written")
        tau_m, cm = prm["tau_m"], prm["cm"]
        no_leak = np.all(tau_m >= NO_LEAK_TAU_MS)
        spiking = not np.all(prm["v_thresh"] >= UNREACHABLE_THRESHOLD)
        r = 1000.0 * tau_m / cm
        i_off = prm["i_offset"]
        v_leak = prm["v_rest"]
        if p.model == "lif_delta":
            if np.all(tau_m <= NO_MEMORY_TAU_MS):
                if np.any(cm != 1000.0 * tau_m) or np.any(v_leak != 0):
                    raise ValueError(f"{obj}: a node without memory (tau_m <= {NO_MEMORY_TAU_MS:g} ms) needs "
                                     "cm = 1000 tau_m and v_rest = 0 to be a NIR Threshold")
                gains[p.name] = np.ones(p.size)
                offsets[p.name] = i_off
                node = nir.Threshold(threshold=prm["v_thresh"])
            elif no_leak:
                if np.any(i_off != 0) or np.any(v_leak != 0):
                    raise ValueError(f"{obj}: a non-leaky node (tau_m >= {NO_LEAK_TAU_MS:g} ms) with i_offset or "
                                     "v_rest != 0 has no NIR equivalent")
                gains[p.name] = r * h / tu
                node = (nir.IF(r=r, v_threshold=prm["v_thresh"], v_reset=prm["v_reset"]) if spiking
                        else nir.I(r=r))
            else:
                if np.any(tau_m >= NO_LEAK_TAU_MS):
                    raise ValueError(f"{obj}: tau_m: leaky and non-leaky neurons mixed in one population")
                gains[p.name] = r * (-np.expm1(-h / tau_m))
                offsets[p.name] = i_off
                if spiking:
                    node = nir.LIF(tau=tau_m / tu, r=r, v_leak=v_leak, v_threshold=prm["v_thresh"],
                                   v_reset=prm["v_reset"])
                else:
                    node = nir.LI(tau=tau_m / tu, r=r, v_leak=v_leak)
        else:
            if np.any(prm["tau_syn_e"] != prm["tau_syn_i"]):
                raise ValueError(f"{obj}: tau_syn_e != tau_syn_i: NIR's CubaLIF has one synaptic time constant")
            tau_s = prm["tau_syn_e"]
            i0 = init.get("i_syn_exc", np.zeros(p.size)) + init.get("i_syn_inh", np.zeros(p.size))
            if np.any(i0 != -i_off):
                raise ValueError(f"{obj}: initial synaptic currents: NIR nodes start with I = 0; only the start of "
                                 "a constant input (initial i_syn = -i_offset, as read() writes it) can be written")
            w_in = np.ones(p.size)
            hint = hints.get("w_in", {}).get(p.name)
            if hint is not None and np.shape(hint) == (p.size,) and np.all(np.asarray(hint) > 0):
                w_in = np.asarray(hint, dtype=np.float64)
            gains[p.name] = w_in * -np.expm1(-h / tau_s)
            offsets[p.name] = i_off / w_in
            if spiking:
                node = nir.CubaLIF(tau_syn=tau_s / tu, tau_mem=tau_m / tu, r=r, v_leak=v_leak,
                                   v_threshold=prm["v_thresh"], v_reset=prm["v_reset"], w_in=w_in)
            else:
                node = nir.CubaLI(tau_syn=tau_s / tu, tau_mem=tau_m / tu, r=r, v_leak=v_leak, w_in=w_in)
        nodes[p.name] = node
    sizes = {s.name: s.size for s in core.spike_sources} | {p.name: p.size for p in core.populations}
    groups = {}
    for j in core.projections:
        if j.plasticity is not None:
            raise ValueError(f"nir.write: projection '{j.name}': plasticity ({j.plasticity.rule}) has no NIR equivalent")
        base = j.name[:-4] if j.name.endswith(":inh") else j.name
        groups.setdefault((j.pre, j.post, base), []).append(j.name)
    with_bias = set()
    # the biases as read() found them split between Affine nodes, where they still add up
    affine = hints.get("affine", {})
    for post in offsets:
        hinted = [base for (_, q, base) in groups if q == post and base in affine]
        if hinted and np.allclose(sum(affine[b] for b in hinted), offsets[post], rtol=1e-12, atol=0):
            with_bias.add(post)
    for (pre, post, base), names in groups.items():
        w = np.zeros((sizes[post], sizes[pre]))
        delay_of_pre = np.full(sizes[pre], np.nan)
        for pname in names:
            s = net.synapses(pname)
            steps = np.rint(np.asarray(s.delay) / dt).astype(np.int64)
            for i, d in zip(np.asarray(s.pre), steps):
                if not np.isnan(delay_of_pre[i]) and delay_of_pre[i] != d:
                    raise ValueError(f"nir.write: projection '{pname}': delays differ between synapses of pre "
                                     f"neuron {i}: NIR expresses delays per signal element, not per synapse")
                delay_of_pre[i] = d
            np.add.at(w, (np.asarray(s.post), np.asarray(s.pre)), np.asarray(s.weight, dtype=np.float64))
        w = w / gains[post][:, None]
        name = base if base not in nodes else f"{pre}->{post}"
        if post in with_bias and base in affine:
            nodes[name] = nir.Affine(weight=w, bias=np.asarray(affine[base], dtype=np.float64))
        elif post in offsets and np.any(offsets[post] != 0) and post not in with_bias:
            nodes[name] = nir.Affine(weight=w, bias=offsets[post] * 1.0)
            with_bias.add(post)
        else:
            nodes[name] = nir.Linear(weight=w)
        extra = np.nan_to_num(delay_of_pre, nan=1.0) - 1
        if np.any(extra > 0):
            dname = name + ".delay"
            nodes[dname] = nir.Delay(delay=extra * dt / tu)
            edges += [(pre, dname), (dname, name)]
        else:
            edges.append((pre, name))
        edges.append((name, post))
    for post, off in offsets.items():
        if np.any(off != 0) and post not in with_bias:
            raise ValueError(f"nir.write: population '{post}': i_offset without an incoming projection to carry it "
                             "as an Affine bias")
    for q in core.probes:  # whole-population probes only: an Output node carries every element
        if len(q.neurons):
            continue
        if q.kind == _core.Probe.Kind.Spikes and q.target in nodes:
            nodes[q.name] = nir.Output(output_type={"output": np.array([sizes[q.target]])})
            edges.append((q.target, q.name))
        elif q.kind == _core.Probe.Kind.State and list(q.variables) == ["v"] and \
                type(nodes.get(q.target)).__name__ in ("LI", "CubaLI", "I"):
            nodes[q.name] = nir.Output(output_type={"output": np.array([sizes[q.target]])})
            edges.append((q.target, q.name))
    return nir.NIRGraph(nodes=nodes, edges=edges)


def _from(dist):
    from .values import from_distribution
    return from_distribution(dist)


def _values(v, n):
    a = np.asarray(v, dtype=np.float64).reshape(-1)
    return np.full(n, a[0]) if a.size == 1 else a


# ------------------------------------------------------------------------------------------------
# command line: python3 -m spikeforge.nir (the network file is what `spikeforge run` takes)
# ------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    """Converts between NIR graphs and spikeforge network files (JSON):
    python3 -m spikeforge.nir IN.nir --dt 0.1 [--input NAME=FILE.npy ...] --out OUT.json
    python3 -m spikeforge.nir IN.json --out OUT.nir"""
    import argparse
    ap = argparse.ArgumentParser(prog="python3 -m spikeforge.nir", description=main.__doc__.split("\n")[0])
    ap.add_argument("file", help="a .nir graph (to JSON) or a spikeforge network file .json (to NIR)")
    ap.add_argument("--out", required=True, help="OUT.json or OUT.nir")
    ap.add_argument("--dt", type=float, help="time step in ms (required to read a NIR graph)")
    ap.add_argument("--time-unit-ms", type=float, default=1000.0, help="NIR's time unit in ms (default 1000: seconds)")
    ap.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy",
                    help="spikes of Input node NAME: a .npy array (steps, *shape) of 0/1")
    a = ap.parse_args(argv)
    if a.file.endswith(".json"):
        write(Network.load(a.file), a.out, time_unit_ms=a.time_unit_ms)
        return 0
    if a.dt is None:
        ap.error("--dt: required to read a NIR graph (NIR has no time step)")
    inputs = {}
    for item in a.input:
        name, sep, path = item.partition("=")
        if not sep:
            ap.error(f"--input {item}: expected NAME=FILE.npy")
        inputs[name] = np.load(path)
    read(a.file, dt=a.dt, inputs=inputs, time_unit_ms=a.time_unit_ms).save(a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
