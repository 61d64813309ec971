"""The project's reference benchmark networks exactly as the C++ examples build them
(examples/benchmark_networks.hpp): COBA and CUBA of Brette et al. (2007), dt in ms."""

from __future__ import annotations

from . import _checks
from . import _core
from .network import Network

__all__ = ["coba", "cuba"]


def coba(seed: int = 1, dt: float = 0.1) -> Network:
    """COBA (Vogels & Abbott 2005): 3200 E + 800 I lif_cond_exp neurons, p = 0.02,
    dg_exc = 6 nS, dg_inh = 67 nS, delay one step (dt ms); mean rate about 15-25 Hz."""
    return Network._from_core(_core.coba_network(_checks.seed(seed, "coba"), _checks.real(dt, "coba", "dt", "ms")))


def cuba(seed: int = 1, dt: float = 0.1) -> Network:
    """CUBA (Brette et al. 2007 benchmark 2): 3200 E + 800 I lif_curr_exp neurons, p = 0.02,
    w_e = 0.0162 nA, w_i = -0.09 nA, delay one step (dt ms); mean rate about 5-6 Hz."""
    return Network._from_core(_core.cuba_network(_checks.seed(seed, "cuba"), _checks.real(dt, "cuba", "dt", "ms")))
