"""The project's reference networks, built by the C++ library (spikeforge/model/reference_networks.hpp)
so that C++ and Python share one definition: COBA and CUBA (Brette et al. 2007), Brunel (2000) with
and without STDP, the plastic recurrent network, and the 256-neuron chip network of
examples/cuba_chip.json. dt in ms."""

from __future__ import annotations

from . import _checks
from . import _core
from .network import Network

__all__ = ["coba", "cuba", "brunel", "brunel_sized", "plastic", "chip", "benchmark_names", "benchmark"]

_ref = _core.reference


def _dt(dt, what: str) -> float:
    x = _checks.real(dt, what, "dt", "ms")
    if x <= 0:
        raise ValueError(f"{what}: dt: {x} ms: must be > 0 ms")
    return x


def coba(seed: int = 1, dt: float = 0.1) -> Network:
    """COBA (Vogels & Abbott 2005): 3200 E + 800 I lif_cond_exp neurons, p = 0.02,
    dg_exc = 6 nS, dg_inh = 67 nS, delay one step (dt ms); mean rate about 15-25 Hz."""
    return Network._from_core(_ref.coba(_checks.seed(seed, "coba"), _dt(dt, "coba")))


def cuba(seed: int = 1, dt: float = 0.1) -> Network:
    """CUBA (Brette et al. 2007 benchmark 2): 3200 E + 800 I lif_curr_exp neurons, p = 0.02,
    w_e = 0.0162 nA, w_i = -0.09 nA, delay one step (dt ms); mean rate about 5-6 Hz."""
    return Network._from_core(_ref.cuba(_checks.seed(seed, "cuba"), _dt(dt, "cuba")))


def brunel(seed: int = 1, stdp: bool = False, dt: float = 0.1) -> Network:
    """Brunel (2000): 8000 E + 2000 I lif_delta neurons, in-degrees 800 and 200, J = 0.1 mV, g = 5,
    delay 1.5 ms, one Poisson source per neuron; with stdp, E->E learns by additive pair STDP."""
    return brunel_sized(8000, 2000, 800, 200, seed, stdp, dt)


def brunel_sized(n_exc: int, n_inh: int, c_exc: int, c_inh: int, seed: int = 1, stdp: bool = False,
                 dt: float = 0.1) -> Network:
    """Brunel (2000) with n_exc E and n_inh I neurons and in-degrees c_exc and c_inh."""
    what = "brunel"
    if not isinstance(stdp, bool):
        raise TypeError(f"{what}: stdp: expected a bool, got {type(stdp).__name__}")
    c_exc = _checks.count(c_exc, what, "c_exc")
    if c_exc == 0:
        raise ValueError(f"{what}: c_exc: 0: must be >= 1 (it sets the external rate)")
    return Network._from_core(_ref.brunel_sized(_checks.count(n_exc, what, "n_exc"), _checks.count(n_inh, what, "n_inh"),
                                                c_exc, _checks.count(c_inh, what, "c_inh"),
                                                _checks.seed(seed, what), stdp, _dt(dt, what)))


def plastic(seed: int = 1, dt: float = 0.1) -> Network:
    """The plastic recurrent network: 20000 E + 5000 I lif_cond_exp neurons, p = 0.05, triplet STDP
    with synaptic scaling on E->E (31 M synapses: large)."""
    return Network._from_core(_ref.plastic(_checks.seed(seed, "plastic"), _dt(dt, "plastic")))


def chip(seed: int = 42) -> Network:
    """The chip network of examples/cuba_chip.json: 204 E + 52 I lif_curr_exp neurons and 256 Poisson
    sources, one 256-neuron hardware core; dt = 1 ms; spike probes on E and I."""
    return Network._from_core(_ref.chip(_checks.seed(seed, "chip")))


def benchmark_names() -> list:
    """Names of the benchmark networks (benchmarks/README.md): coba, cuba, brunel, brunel_stdp, ..."""
    return list(_ref.benchmark_names())


def benchmark(name: str, seed: int = 1, dt: float = 0.1) -> Network:
    """The benchmark network called `name` (benchmark_names()); ValueError for an unknown name."""
    return Network._from_core(_ref.benchmark(_checks.name(name, "benchmark network"),
                                             _checks.seed(seed, "benchmark"), _dt(dt, "benchmark")))
