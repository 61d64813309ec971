"""Connectors: how the neurons of a projection's pre and post groups are paired. Random
connectors draw from their `seed` (0 = derived from the network seed and the projection name)."""

from __future__ import annotations

import numpy as np

from . import _checks
from . import _core

__all__ = ["AllToAll", "OneToOne", "FixedProbability", "FixedInDegree", "FixedOutDegree",
           "FromList", "DenseMatrix"]


class Connector:
    """Base class; subclasses build the C++ connector."""

    def _to_core(self, n_pre: int, n_post: int, obj: str) -> _core.Connector:
        raise NotImplementedError

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not isinstance(v, np.ndarray))
        return f"{type(self).__name__}({fields})"


class AllToAll(Connector):
    """Every pre neuron to every post neuron. allow_self_connections: i -> i synapses when pre and
    post are the same population."""

    def __init__(self, allow_self_connections: bool = True):
        self.allow_self_connections = _flag(allow_self_connections, "AllToAll")

    def _to_core(self, n_pre, n_post, obj):
        return _make("AllToAll", allow_self_connections=self.allow_self_connections)


class OneToOne(Connector):
    """Pre neuron i to post neuron i (both groups of the same size)."""

    def _to_core(self, n_pre, n_post, obj):
        if n_pre != n_post:
            raise ValueError(f"{obj}: connector: OneToOne needs groups of equal size, got {n_pre} and {n_post}")
        return _make("OneToOne")


class FixedProbability(Connector):
    """Each pre/post pair connected independently with probability p (dimensionless, in [0, 1])."""

    def __init__(self, p: float, allow_self_connections: bool = True, seed: int = 0):
        self.p = _checks.real(p, "FixedProbability", "p")
        if not 0.0 <= self.p <= 1.0:
            raise ValueError(f"FixedProbability: p = {self.p}: must be in [0, 1]")
        self.allow_self_connections = _flag(allow_self_connections, "FixedProbability")
        self.seed = _checks.seed(seed, "FixedProbability")

    def _to_core(self, n_pre, n_post, obj):
        return _make("FixedProbability", p=self.p, allow_self_connections=self.allow_self_connections, seed=self.seed)


class FixedInDegree(Connector):
    """Every post neuron receives exactly n synapses from distinct, randomly chosen pre neurons."""

    def __init__(self, n: int, allow_self_connections: bool = True, seed: int = 0):
        self.n = _checks.count(n, "FixedInDegree", "n")
        self.allow_self_connections = _flag(allow_self_connections, "FixedInDegree")
        self.seed = _checks.seed(seed, "FixedInDegree")

    def _to_core(self, n_pre, n_post, obj):
        return _make("FixedInDegree", n=self.n, allow_self_connections=self.allow_self_connections, seed=self.seed)


class FixedOutDegree(Connector):
    """Every pre neuron sends exactly n synapses to distinct, randomly chosen post neurons."""

    def __init__(self, n: int, allow_self_connections: bool = True, seed: int = 0):
        self.n = _checks.count(n, "FixedOutDegree", "n")
        self.allow_self_connections = _flag(allow_self_connections, "FixedOutDegree")
        self.seed = _checks.seed(seed, "FixedOutDegree")

    def _to_core(self, n_pre, n_post, obj):
        return _make("FixedOutDegree", n=self.n, allow_self_connections=self.allow_self_connections, seed=self.seed)


class FromList(Connector):
    """Explicit synapses: synapse k connects pre[k] -> post[k] (indices within the groups).
    Weights (nA, nS or mV by the post model) and delays (ms) may then be arrays of the same length."""

    def __init__(self, pre, post):
        self.pre = _checks.index_array(pre, "FromList", "pre")
        self.post = _checks.index_array(post, "FromList", "post")
        if self.pre.size != self.post.size:
            raise ValueError(f"FromList: pre has {self.pre.size} entries, post {self.post.size}: must be equal")

    def _to_core(self, n_pre, n_post, obj):
        _checks.index_array(self.pre, obj, "connector.pre", n_pre)
        _checks.index_array(self.post, obj, "connector.post", n_post)
        return _make("FromList", pre=self.pre, post=self.post)


class DenseMatrix(Connector):
    """A (n_pre, n_post) matrix: every non-zero entry is a synapse with that weight (nA, nS or
    mV by the post model); the projection's weight argument is then ignored."""

    def __init__(self, matrix):
        self.matrix = _checks.float_array(matrix, "DenseMatrix", "matrix", ndim=2)

    def _to_core(self, n_pre, n_post, obj):
        if self.matrix.shape != (n_pre, n_post):
            raise ValueError(f"{obj}: connector.matrix: shape {self.matrix.shape}: must be ({n_pre}, {n_post})")
        return _make("DenseMatrix", matrix=np.ascontiguousarray(self.matrix).ravel())


def _flag(value, obj: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{obj}: allow_self_connections: expected a bool, got {type(value).__name__}")
    return bool(value)


def _make(kind: str, **fields) -> _core.Connector:
    c = _core.Connector()
    c.kind = getattr(_core.Connector.Kind, kind)
    for key, value in fields.items():
        setattr(c, key, value)
    return c
