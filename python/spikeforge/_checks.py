"""Argument checks shared by the builders and the simulator: wrong types raise TypeError, bad
values ValueError, always naming the object and the field, before anything reaches C++."""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

_UINT32_MAX = 2**32 - 1


def name(value, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what}: expected a str, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{what}: must not be empty")
    return value


def real(value, obj: str, field: str, unit: str = "") -> float:
    """A finite float (units as named by the field)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{obj}: {field}: expected a number{_in(unit)}, got {type(value).__name__}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{obj}: {field}: {x}: must be finite")
    return x


def count(value, obj: str, field: str, maximum: int = _UINT32_MAX) -> int:
    """A whole number in [0, maximum]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{obj}: {field}: expected an int, got {type(value).__name__}")
    n = int(value)
    if n < 0 or n > maximum:
        raise ValueError(f"{obj}: {field}: {n}: must be in [0, {maximum}]")
    return n


def path(value, what: str) -> str:
    """A file path: str or os.PathLike (bytes paths are refused), not empty."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{what}: path: expected a str or path-like, got {type(value).__name__}")
    p = os.fspath(value)
    if not isinstance(p, str):
        raise TypeError(f"{what}: path: expected a str path, got {type(p).__name__}")
    if not p:
        raise ValueError(f"{what}: path: must not be empty")
    return p


def seed(value, obj: str) -> int:
    return count(value, obj, "seed", 2**64 - 1)


def float_array(value, obj: str, field: str, ndim: int = 1, finite: bool = True) -> np.ndarray:
    """A float64 array of `ndim` dimensions from numbers (not strings, objects, bools or complex)."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{obj}: {field}: expected an array of numbers, got {type(value).__name__}")
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError) as e:  # ragged nested lists
        raise ValueError(f"{obj}: {field}: not a regular array: {e}") from None
    if raw.dtype.kind not in "iuf" and not (raw.size == 0 and raw.dtype.kind in "O"):
        raise TypeError(f"{obj}: {field}: expected an array of real numbers, got dtype {raw.dtype}")
    if raw.ndim != ndim:
        raise ValueError(f"{obj}: {field}: array of shape {raw.shape}: must have {ndim} dimension(s)")
    arr = raw.astype(np.float64, copy=False)
    if finite and arr.size and not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr.ravel()))[0])
        raise ValueError(f"{obj}: {field}[{bad}]: {arr.ravel()[bad]}: must be finite")
    return arr


def index_array(value, obj: str, field: str, size: int | None = None) -> np.ndarray:
    """A 1-D array of neuron indices, each in [0, size) when size is known."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{obj}: {field}: expected an array of ints, got {type(value).__name__}")
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{obj}: {field}: not a regular array: {e}") from None
    if raw.size == 0:
        return np.zeros(0, dtype=np.uint32)
    if raw.dtype.kind not in "iu":
        raise TypeError(f"{obj}: {field}: expected integer indices, got dtype {raw.dtype}")
    if raw.ndim != 1:
        raise ValueError(f"{obj}: {field}: array of shape {raw.shape}: must be 1-D")
    lo, hi = int(raw.min()), int(raw.max())
    limit = _UINT32_MAX if size is None else size - 1
    if lo < 0 or hi > limit:
        bad = lo if lo < 0 else hi
        allowed = f"[0, {size})" if size is not None else f"[0, {_UINT32_MAX}]"
        raise ValueError(f"{obj}: {field}: index {bad}: must be in {allowed}")
    return raw.astype(np.uint32)


def _in(unit: str) -> str:
    return f" in {unit}" if unit else ""
