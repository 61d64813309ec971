"""Values of parameters, initial states, weights and delays: a number, one number per element
(NumPy array), or a seeded random rule (Uniform, Normal, LogNormal) drawn per element."""

from __future__ import annotations

import numbers

import numpy as np

from . import _checks
from . import _core

__all__ = ["Uniform", "Normal", "LogNormal", "to_distribution"]


class _Random:
    """Base of the random rules. `low`/`high` bound the drawn values (out-of-range draws are
    drawn again), in the unit of the field the rule is given for."""

    kind: str = ""

    def __init__(self, a, b, low=None, high=None):
        obj = type(self).__name__
        self.a = _checks.real(a, obj, self._fields[0])
        self.b = _checks.real(b, obj, self._fields[1])
        self.low = None if low is None else _checks.real(low, obj, "low")
        self.high = None if high is None else _checks.real(high, obj, "high")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"{obj}: low = {self.low}, high = {self.high}: low must be < high")

    _fields = ("a", "b")

    def _to_core(self) -> _core.Distribution:
        d = getattr(_core.Distribution, self.kind)(self.a, self.b)
        d.low_bound = self.low
        d.high_bound = self.high
        return d

    def __repr__(self):
        bounds = "" if self.low is None and self.high is None else f", low={self.low}, high={self.high}"
        return f"{type(self).__name__}({self.a}, {self.b}{bounds})"

    def __eq__(self, other):
        return type(self) is type(other) and (self.a, self.b, self.low, self.high) == (
            other.a, other.b, other.low, other.high)


class Uniform(_Random):
    """Uniform(low, high): values uniform in [low, high) (units of the field it is given for,
    e.g. mV for an initial v, nS for a conductance weight, ms for a delay)."""

    kind = "uniform"
    _fields = ("low", "high")

    def __init__(self, low, high):
        super().__init__(low, high)
        if not self.a < self.b:
            raise ValueError(f"Uniform: low = {self.a}, high = {self.b}: low must be < high")
        self.low = self.high = None

    def __repr__(self):
        return f"Uniform({self.a}, {self.b})"


class Normal(_Random):
    """Normal(mean, sd, low=None, high=None): Gaussian values (units of the field, e.g. mV for
    an initial v, nS for a conductance, ms for a delay); draws outside [low, high] are redrawn."""

    kind = "normal"
    _fields = ("mean", "sd")

    def __init__(self, mean, sd, low=None, high=None):
        super().__init__(mean, sd, low, high)
        if self.b < 0:
            raise ValueError(f"Normal: sd = {self.b}: must be >= 0")


class LogNormal(_Random):
    """LogNormal(mu, sigma, low=None, high=None): exp of a Gaussian with mean mu and standard
    deviation sigma (of the log); values in the unit of the field (e.g. nS, nA, ms)."""

    kind = "lognormal"
    _fields = ("mu", "sigma")

    def __init__(self, mu, sigma, low=None, high=None):
        super().__init__(mu, sigma, low, high)
        if self.b < 0:
            raise ValueError(f"LogNormal: sigma = {self.b}: must be >= 0")


def to_distribution(value, obj: str, field: str, n: int | None = None) -> _core.Distribution:
    """The C++ Distribution for a float, an array of `n` values, or a random rule."""
    if isinstance(value, _core.Distribution):
        return value
    if isinstance(value, _Random):
        return value._to_core()
    if isinstance(value, (numbers.Real, np.generic)) and not isinstance(value, (bool, np.bool_)):
        return _core.Distribution.constant(_checks.real(value, obj, field))
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = _checks.float_array(value, obj, field)
        if n is not None and arr.size != n:
            raise ValueError(f"{obj}: {field}: {arr.size} values: must be {n}, one per element")
        return _core.Distribution.array(arr)
    raise TypeError(f"{obj}: {field}: expected a number, an array, Uniform, Normal or LogNormal, "
                    f"got {type(value).__name__}")


def from_distribution(d: _core.Distribution):
    """The Python value for a C++ Distribution (float, array or random rule)."""
    K = _core.Distribution.Kind
    if d.kind == K.Constant:
        return d.a
    if d.kind == K.Array:
        return np.asarray(d.values, dtype=np.float64)
    if d.kind == K.Uniform:
        return Uniform(d.a, d.b)
    cls = Normal if d.kind == K.Normal else LogNormal
    return cls(d.a, d.b, d.low_bound, d.high_bound)
