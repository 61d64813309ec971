#!/usr/bin/env python3
"""An independent NumPy simulator of NIR graphs under the discretisation stated in docs/nir.md,
the second implementation spikeforge.nir is checked against (tests/python/test_nir.py).

It shares no code with spikeforge: it walks the NIR graph itself every step (Affine / Linear /
Scale / Flatten / Conv2d / SumPool2d / AvgPool2d / Delay evaluated on the signal, convolutions by
shifted slices), and takes every neuron's one-step propagator from scipy.linalg.expm of the
node's continuous-time ODE (augmented with its constant input), not from closed forms.

The stated semantics it implements, per step k of length dt (h = dt / time_unit_ms NIR units):
- Step k advances the state from time k dt to (k + 1) dt. Input row k acts in step k; a neuron's
  spike of step k acts on the next neuron node in step k + 1; a Delay node adds its whole steps.
- LIF / LI:  v <- expm over h of tau v' = v_leak - v + R b  (b: the bias reaching the node), then
  v += g (W x) with g the zero-order-hold gain of tau v' = -v + R u over h for u = 1.
- IF / I:    v += R h (W x) (no bias).
- Threshold: v = b + W x (no memory).
- CubaLIF / CubaLI: (v, I) <- expm over h of tau_mem v' = v_leak - v + R I, tau_syn I' = -I + w_in b,
  then I += g (W x) with g the zero-order-hold gain of tau_syn I' = -I + w_in u over h.
- then spiking nodes fire where v >= v_threshold (Threshold: threshold) and set v = v_reset.
- spikeforge's cpu engine stores each synapse's weight as a 32-bit float: where a neuron node is
  fed by one Affine / Linear node straight from a spiking node, the reference rounds g W to float32
  too (elsewhere it stays in double).

Usage as a script: python3 scripts/nir_reference.py graph.nir --dt 0.1 --steps 100 --seed 1
(random 0/1 input at 10 % density; prints the spike counts per node)."""

from __future__ import annotations

import argparse

import numpy as np
from scipy.linalg import expm

NEURONS = {"LIF", "LI", "IF", "I", "CubaLIF", "CubaLI", "Threshold"}


def _size(node):
    return np.asarray(node.threshold if type(node).__name__ == "Threshold" else node.r).size


_EXPM = {}


def _expm(a):
    """expm, remembered per matrix (the same neurons are simulated on many inputs)."""
    key = a.tobytes() + bytes(a.shape)
    if key not in _EXPM:
        _EXPM[key] = expm(a)
    return _EXPM[key]


def _zoh(a, b, h):
    """Exact step of x' = a x + b u over h from x with u constant: returns (decay, gain)."""
    m = _expm(np.array([[a, b], [0.0, 0.0]]) * h)
    return m[0, 0], m[0, 1]


class Reference:
    def __init__(self, graph, dt, time_unit_ms=1000.0):
        self.g, self.h = graph, dt / time_unit_ms
        self.kind = {k: type(v).__name__ for k, v in graph.nodes.items()}
        self.preds = {k: [] for k in graph.nodes}
        for a, b in graph.edges:
            self.preds[b].append(a)

    # -- linear part: the value a node passes on at step k (spikes of its sources, delayed) --------
    def signal(self, name, k, hist, with_bias):
        kind, node = self.kind[name], self.g.nodes[name]
        if kind == "Input" or kind in NEURONS:
            lag = 0 if kind == "Input" else 1  # Input row k acts in step k, a neuron's spike one step later
            s = hist[name][k - lag] if k >= lag else np.zeros_like(hist[name][0])
            return s.astype(np.float64) if with_bias is False else np.zeros(hist[name][0].shape)
        if kind == "Delay":
            d = np.rint(np.asarray(node.delay, dtype=np.float64) / self.h).astype(int).reshape(-1)
            (p,) = self.preds[name]
            if with_bias is True:
                return self.signal(p, k, hist, True)
            if np.all(d == d[0]):
                return self.signal(p, k - int(d[0]), hist, with_bias) if k - int(d[0]) >= 0 else \
                    0.0 * self.signal(p, 0, hist, with_bias)
            return np.array([self.signal(p, k - di, hist, with_bias).reshape(-1)[i] if k - di >= 0 else 0.0
                             for i, di in enumerate(d)])
        x = sum(self.signal(p, k, hist, with_bias) for p in self.preds[name])
        bias = with_bias is not False
        if kind in ("Affine", "Linear"):
            y = np.asarray(node.weight, dtype=np.float64) @ x.reshape(-1)
            return y + np.asarray(node.bias, dtype=np.float64) if kind == "Affine" and bias else y
        if kind == "Scale":
            return np.asarray(node.scale, dtype=np.float64) * x
        if kind == "Flatten":
            return x.reshape(-1)
        if kind == "Conv2d":
            return self.conv2d(node, x, bias)
        if kind == "Conv1d":
            return self.conv1d(node, x, bias)
        if kind in ("SumPool2d", "AvgPool2d"):
            return self.pool2d(node, x, kind == "AvgPool2d")
        raise ValueError(f"reference: node '{name}': {kind} not implemented")

    @staticmethod
    def conv2d(node, x, bias):
        w = np.asarray(node.weight, dtype=np.float64)
        x = x.reshape((w.shape[1] * int(node.groups),) + tuple(np.asarray(node.input_shape)))
        if int(node.groups) != 1 or np.any(np.asarray(node.dilation) != 1):
            raise ValueError("reference: Conv2d with groups or dilation not implemented")
        s, p = np.broadcast_to(node.stride, 2), np.broadcast_to(node.padding, 2)
        xp = np.pad(x, ((0, 0), (p[0], p[0]), (p[1], p[1])))
        ho = (xp.shape[1] - w.shape[2]) // s[0] + 1
        wo = (xp.shape[2] - w.shape[3]) // s[1] + 1
        out = np.zeros((w.shape[0], ho, wo))
        for ky in range(w.shape[2]):
            for kx in range(w.shape[3]):
                sl = xp[:, ky:ky + s[0] * (ho - 1) + 1:s[0], kx:kx + s[1] * (wo - 1) + 1:s[1]]
                out += np.einsum("oc,chw->ohw", w[:, :, ky, kx], sl)
        if bias and node.bias is not None:
            out += np.asarray(node.bias, dtype=np.float64).reshape(-1, 1, 1)
        return out

    @staticmethod
    def conv1d(node, x, bias):
        w = np.asarray(node.weight, dtype=np.float64)
        if int(node.groups) != 1:
            raise ValueError("reference: Conv1d with groups not implemented")
        x = x.reshape(w.shape[1], -1)
        s, p, d = int(np.ravel(node.stride)[0]), int(np.ravel(node.padding)[0]), int(np.ravel(node.dilation)[0])
        xp = np.pad(x, ((0, 0), (p, p)))
        lo = (xp.shape[1] - d * (w.shape[2] - 1) - 1) // s + 1
        out = np.zeros((w.shape[0], lo))
        for j in range(lo):
            for t in range(w.shape[2]):
                out[:, j] += w[:, :, t] @ xp[:, j * s + t * d]
        if bias and node.bias is not None:
            out += np.asarray(node.bias, dtype=np.float64).reshape(-1, 1)
        return out

    @staticmethod
    def pool2d(node, x, average):
        k, s, p = (np.broadcast_to(v, 2) for v in (node.kernel_size, node.stride, node.padding))
        x = x.reshape(tuple(int(d) for d in node.input_type["input"]))
        xp = np.pad(x, ((0, 0), (p[0], p[0]), (p[1], p[1])))
        ho = (xp.shape[1] - k[0]) // s[0] + 1
        wo = (xp.shape[2] - k[1]) // s[1] + 1
        out = np.zeros((x.shape[0], ho, wo))
        for ky in range(k[0]):
            for kx in range(k[1]):
                out += xp[:, ky:ky + s[0] * (ho - 1) + 1:s[0], kx:kx + s[1] * (wo - 1) + 1:s[1]]
        return out / (k[0] * k[1]) if average else out

    # -- neurons -----------------------------------------------------------------------------------
    def run(self, inputs, steps):
        g, h = self.g, self.h
        hist, state, out = {}, {}, {}
        for name, kind in self.kind.items():
            if kind == "Input":
                hist[name] = np.asarray(inputs[name], dtype=np.float64).reshape(steps, -1)
        neurons = [k for k, v in self.kind.items() if v in NEURONS]
        coef = {}
        for name in neurons:
            hist[name] = np.zeros((steps, _size(g.nodes[name])))
        for name in neurons:
            node, kind = g.nodes[name], self.kind[name]
            n = _size(node)
            out[name] = np.zeros((steps, n))
            # the constant input (biases), evaluated through the graph with no spikes at all
            zero = {k: np.zeros((1, v.shape[1])) for k, v in hist.items()}
            b = sum(self.signal(p, 0, zero, True) for p in self.preds[name])
            b = np.zeros(n) if np.isscalar(b) else np.asarray(b, dtype=np.float64).reshape(-1)
            par = {f: np.broadcast_to(np.asarray(getattr(node, f), dtype=np.float64).reshape(-1), (n,))
                   for f in ("threshold", "r", "tau", "tau_mem", "tau_syn", "v_leak", "w_in", "v_threshold", "v_reset")
                   if getattr(node, f, None) is not None}
            c = {"P": [], "g": np.zeros(n)}
            for i in range(n):
                r = par["r"][i] if "r" in par else 1.0
                if kind == "Threshold":  # stateless: v = b + W x every step
                    c["P"].append(np.array([[0.0, b[i]], [0.0, 1.0]]))
                    c["g"][i] = 1.0
                elif kind in ("LIF", "LI"):
                    tau, vl = par["tau"][i], par["v_leak"][i]
                    m = _expm(np.array([[-1.0 / tau, (vl + r * b[i]) / tau], [0.0, 0.0]]) * h)
                    c["P"].append(m)
                    c["g"][i] = _zoh(-1.0 / tau, r / tau, h)[1]
                elif kind in ("IF", "I"):
                    if b[i] != 0:
                        raise ValueError(f"reference: {name}: bias into a non-leaky node")
                    c["P"].append(np.eye(2))
                    c["g"][i] = r * h
                else:
                    tm, ts, vl, wi = par["tau_mem"][i], par["tau_syn"][i], par["v_leak"][i], par["w_in"][i]
                    a = np.array([[-1.0 / tm, r / tm, vl / tm], [0.0, -1.0 / ts, wi * b[i] / ts], [0.0, 0.0, 0.0]])
                    c["P"].append(_expm(a * h))
                    c["g"][i] = _zoh(-1.0 / ts, wi / ts, h)[1]
            c["P"] = np.array(c["P"])
            coef[name] = c
            state[name] = (par.get("v_leak", np.zeros(n)).copy(), np.zeros(n))
        # single Affine / Linear feeding a neuron straight from a spiking node: float32 weights
        single = {}
        for name in neurons:
            ps = self.preds[name]
            if len(ps) == 1 and self.kind[ps[0]] in ("Affine", "Linear") and len(self.preds[ps[0]]) == 1 and \
                    self.kind[self.preds[ps[0]][0]] in NEURONS | {"Input"}:
                w = np.asarray(g.nodes[ps[0]].weight, dtype=np.float64) * coef[name]["g"][:, None]
                single[name] = (self.preds[ps[0]][0], w.astype(np.float32).astype(np.float64))
        for k in range(steps):
            drive = {}
            for name in neurons:
                if name in single:
                    src, w = single[name]
                    lag = 0 if self.kind[src] == "Input" else 1
                    x = hist[src][k - lag] if k >= lag else np.zeros(hist[src].shape[1])
                    drive[name] = w @ x
                else:
                    x = sum(self.signal(p, k, hist, False) for p in self.preds[name])
                    drive[name] = coef[name]["g"] * np.asarray(x, dtype=np.float64).reshape(-1)
            for name in neurons:
                kind, c = self.kind[name], coef[name]
                v, i_syn = state[name]
                P = c["P"]
                if kind in ("CubaLIF", "CubaLI"):
                    v, i_syn = (P[:, 0, 0] * v + P[:, 0, 1] * i_syn + P[:, 0, 2],
                                P[:, 1, 1] * i_syn + P[:, 1, 2])
                    i_syn = i_syn + drive[name]
                else:
                    v = P[:, 0, 0] * v + P[:, 0, 1] + drive[name]
                if kind in ("LIF", "IF", "CubaLIF", "Threshold"):
                    node = g.nodes[name]
                    thr = np.broadcast_to(np.asarray(node.threshold if kind == "Threshold" else node.v_threshold,
                                                     dtype=np.float64).reshape(-1), v.shape)
                    rst = np.broadcast_to(np.asarray(0.0 if kind == "Threshold" else node.v_reset,
                                                     dtype=np.float64).reshape(-1), v.shape)
                    spk = v >= thr
                    v = np.where(spk, rst, v)
                    hist[name][k] = spk
                    out[name][k] = spk
                else:
                    out[name][k] = v
                state[name] = (v, i_syn)
        return out


def simulate(graph, inputs, steps, dt, time_unit_ms=1000.0):
    """{neuron node: (steps, n) array}: spikes (0/1) of LIF / IF / CubaLIF, v of LI / I / CubaLI."""
    return Reference(graph, dt, time_unit_ms).run(inputs, steps)


def main():
    import nir
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("graph")
    ap.add_argument("--dt", type=float, required=True, help="ms")
    ap.add_argument("--time-unit-ms", type=float, default=1000.0)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    graph = nir.read(a.graph)
    rng = np.random.default_rng(a.seed)
    inputs = {k: (rng.random((a.steps,) + tuple(np.atleast_1d(v.input_type["input"]))) < 0.1).astype(np.uint8)
              for k, v in graph.nodes.items() if type(v).__name__ == "Input"}
    for name, x in simulate(graph, inputs, a.steps, a.dt, a.time_unit_ms).items():
        print(name, int(x.sum()) if type(graph.nodes[name]).__name__ in ("LIF", "IF", "CubaLIF", "Threshold") else x[-1][:4])


if __name__ == "__main__":
    main()
