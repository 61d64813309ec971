"""Parameters of the standard benchmark networks, shared by the Brian2 and NEST builders.

One table per network, in the units of BENCHMARKS.md (ms, mV, nS, pF, pA, Hz), so the two peers
cannot drift apart (benchmarks/spikeforge_netbench.cpp builds the same tables in C++). Network names are the ones `spikeforge_netbench --network` accepts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

DT_MS = 0.1


@dataclass(frozen=True)
class CondLifSpec:
    """The conductance-based LIF neuron of COBA, also the neuron of the plastic network."""

    c_m_pf: float = 200.0
    g_l_ns: float = 10.0
    e_l_mv: float = -60.0
    v_th_mv: float = -50.0
    v_reset_mv: float = -60.0
    t_ref_ms: float = 5.0
    e_exc_mv: float = 0.0
    e_inh_mv: float = -80.0
    tau_exc_ms: float = 5.0
    tau_inh_ms: float = 10.0


@dataclass(frozen=True)
class CobaSpec(CondLifSpec):
    """Vogels-Abbott 2005 / Brette et al. 2007 benchmark 1: conductance-based exponential synapses."""

    n_exc: int = 3200
    n_inh: int = 800
    p: float = 0.02
    w_exc_ns: float = 6.0
    w_inh_ns: float = 67.0
    delay_ms: float = DT_MS
    # Initial state: V ~ N(-65, 5) mV, g_exc ~ N(4, 1.5)*10 nS, g_inh ~ N(20, 12)*10 nS.
    v0_mean_mv: float = -65.0
    v0_sd_mv: float = 5.0
    g_exc0_mean_ns: float = 40.0
    g_exc0_sd_ns: float = 15.0
    g_inh0_mean_ns: float = 200.0
    g_inh0_sd_ns: float = 120.0
    expected_rate_hz: tuple[float, float] | None = (15.0, 25.0)

    @property
    def n(self) -> int:
        return self.n_exc + self.n_inh


@dataclass(frozen=True)
class CubaSpec:
    """Brette et al. 2007 benchmark 2: current-based exponential synapses (R = 100 MOhm)."""

    n_exc: int = 3200
    n_inh: int = 800
    p: float = 0.02
    c_m_pf: float = 200.0
    tau_m_ms: float = 20.0
    e_l_mv: float = -49.0
    v_th_mv: float = -50.0
    v_reset_mv: float = -60.0
    t_ref_ms: float = 5.0
    tau_exc_ms: float = 5.0
    tau_inh_ms: float = 10.0
    w_exc_pa: float = 16.2   # = 1.62 mV * g_L
    w_inh_pa: float = -90.0  # = -9 mV * g_L
    delay_ms: float = DT_MS
    expected_rate_hz: tuple[float, float] | None = (5.0, 6.0)

    @property
    def n(self) -> int:
        return self.n_exc + self.n_inh

    @property
    def g_l_ns(self) -> float:
        return self.c_m_pf / self.tau_m_ms


@dataclass(frozen=True)
class StdpSpec:
    """Additive pair STDP on E->E, all-to-all pairing (every pre/post pair within the traces).

    NEST `stdp_synapse` notation: potentiation dw = +lambda*w_max*x_pre at each post spike,
    depression dw = -alpha*lambda*w_max*x_post at each pre spike, mu_plus = mu_minus = 0
    (additive), weights clipped to [0, w_max]. Traces jump by 1 and decay with tau_plus/tau_minus.
    alpha > 1 biases towards depression so that E->E weights do not run away during a benchmark.
    """

    tau_plus_ms: float = 20.0
    tau_minus_ms: float = 20.0
    lambda_: float = 0.01
    alpha: float = 1.05
    w_max_mv: float = 0.2  # = 2 J


@dataclass(frozen=True)
class BrunelSpec:
    """Brunel (2000) balanced network with delta synapses and fixed in-degree (no autapses or
    multapses), driven by independent Poisson input of rate eta*nu_thr*C_E per neuron."""

    n_exc: int = 8000
    n_inh: int = 2000
    c_exc: int = 800
    c_inh: int = 200
    tau_m_ms: float = 20.0
    theta_mv: float = 20.0
    v_reset_mv: float = 10.0
    t_ref_ms: float = 2.0
    j_mv: float = 0.1
    g: float = 5.0
    delay_ms: float = 1.5
    eta: float = 2.0
    # Initial V uniform in [0, theta): avoids a synchronous start transient that would dominate
    # short runs; does not change the stationary rate.
    v0_low_mv: float = 0.0
    v0_high_mv: float = 20.0
    stdp: StdpSpec | None = None
    expected_rate_hz: tuple[float, float] | None = None

    @property
    def n(self) -> int:
        return self.n_exc + self.n_inh

    @property
    def nu_thr_hz(self) -> float:
        return 1000.0 * self.theta_mv / (self.j_mv * self.c_exc * self.tau_m_ms)

    @property
    def poisson_rate_hz(self) -> float:
        """Total external rate per neuron, eta * nu_thr * C_E (20 kHz for the standard network)."""
        return self.eta * self.nu_thr_hz * self.c_exc

    @property
    def synapses(self) -> int:
        return self.n * (self.c_exc + self.c_inh)


@dataclass(frozen=True)
class TripletSpec:
    """Minimal all-to-all triplet STDP (Pfister & Gerstner 2006, visual cortex time constants) with
    synaptic scaling as homeostasis, on E->E of the plastic network. Amplitudes are fractions of
    w_max; every trace jumps by 1 and is read before its own spike's increment.

    Post spike: w += r1 (a2_plus + a3_plus o2); pre spike: w -= o1 (a2_minus + a3_minus r2);
    w clipped to [0, w_max]. Scaling: a rate trace y per post neuron (jump 1, decay tau_rate,
    starting at target * tau_rate) estimates r = y / tau_rate; every interval every weight onto the
    neuron is multiplied by max(0, 1 + scaling_rate (target - r) / target * interval).
    Pairing uses emission times (spikeforge's default): the delay shifts transmission only.
    """

    tau_plus_ms: float = 16.8
    tau_minus_ms: float = 33.7
    tau_x_ms: float = 101.0
    tau_y_ms: float = 125.0
    a2_plus: float = 0.0
    a3_plus: float = 6.2e-3
    a2_minus: float = 7e-3
    a3_minus: float = 0.0
    target_rate_hz: float = 5.0
    scaling_rate_per_s: float = 1.0
    tau_rate_ms: float = 1000.0
    interval_ms: float = 100.0


@dataclass(frozen=True)
class PlasticSpec(CondLifSpec):
    """The plastic recurrent network (BENCHMARKS.md network 5, after Zenke & Gerstner 2014):
    20000 E + 5000 I conductance-based LIF (the COBA neuron), p = 0.05 between all populations,
    delay 1.5 ms, external Poisson drive of ext_n sources at ext_rate_hz / ext_n each per neuron,
    triplet STDP with synaptic scaling on E->E (src/model/reference_networks.cpp, model::reference::plastic)."""

    n_exc: int = 20000
    n_inh: int = 5000
    p: float = 0.05
    w_exc_ns: float = 0.5
    w_inh_ns: float = 5.0
    w_ext_ns: float = 0.5
    ext_rate_hz: float = 5000.0
    ext_n: int = 1000
    delay_ms: float = 1.5
    w_max_ns: float = 1.0
    v0_low_mv: float = -60.0
    v0_high_mv: float = -50.0
    triplet: TripletSpec = field(default_factory=TripletSpec)
    expected_rate_hz: tuple[float, float] | None = (3.0, 8.0)

    @property
    def n(self) -> int:
        return self.n_exc + self.n_inh


def _coba_scaled(n: int, in_degree: int = 80) -> CobaSpec:
    n_exc = n * 4 // 5
    return CobaSpec(n_exc=n_exc, n_inh=n - n_exc, p=in_degree / n)


def _brunel_scaled(synapses: float, stdp: StdpSpec | None = None) -> BrunelSpec:
    """Brunel at 10 % connectivity with N chosen so that N * 0.1 N = `synapses`."""
    n = int(round(math.sqrt(10.0 * synapses) / 10.0)) * 10
    n_exc = n * 4 // 5
    c = n // 10
    c_exc = c * 4 // 5
    return BrunelSpec(n_exc=n_exc, n_inh=n - n_exc, c_exc=c_exc, c_inh=c - c_exc, stdp=stdp)


NETWORKS: dict[str, object] = {
    "coba": CobaSpec(),
    "cuba": CubaSpec(),
    "brunel": BrunelSpec(),
    "brunel_stdp": BrunelSpec(stdp=StdpSpec()),
    # Scaling sweep: COBA at fixed in-degree 80, Brunel at 10 % connectivity.
    "coba_16k": _coba_scaled(16000),
    "coba_64k": _coba_scaled(64000),
    "brunel_1e6": _brunel_scaled(1e6),
    "brunel_5e7": _brunel_scaled(5e7),
    "plastic": PlasticSpec(),
}

# Networks a peer cannot express, with the reason (compare.py lists them as unavailable).
UNSUPPORTED: dict[tuple[str, str], str] = {
    ("nest", "plastic"): "NEST has triplet STDP (stdp_triplet_synapse) but no synaptic scaling of "
                         "the weights onto a neuron by its rate, the homeostasis of this network",
}

# Simulated time per run when the caller gives none: long enough that the per-run overheads of
# every simulator are small against the measured time, short enough for three repeats.
DEFAULT_DURATION_MS: dict[str, float] = {
    "coba": 1000.0,
    "cuba": 1000.0,
    "brunel": 1000.0,
    "brunel_stdp": 500.0,
    "coba_16k": 1000.0,
    "coba_64k": 500.0,
    "brunel_1e6": 1000.0,
    "brunel_5e7": 500.0,
    "plastic": 500.0,
}


def spec(name: str):
    try:
        return NETWORKS[name]
    except KeyError:
        raise ValueError(
            f"network '{name}' is unknown; allowed: {', '.join(NETWORKS)}") from None


def kind(name: str) -> str:
    """'coba', 'cuba', 'brunel' or 'plastic': which builder a network name uses."""
    s = spec(name)
    if isinstance(s, PlasticSpec):
        return "plastic"
    if isinstance(s, CobaSpec):
        return "coba"
    if isinstance(s, CubaSpec):
        return "cuba"
    return "brunel"
