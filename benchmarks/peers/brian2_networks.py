#!/usr/bin/env python3
"""The standard benchmark networks (COBA, CUBA, Brunel static and with pair STDP, the plastic
recurrent network with triplet STDP and synaptic scaling) built in Brian2.

Run time is that of the simulation loop inside the C++ standalone binary: wall time (run_s) taken
around Network::run in the generated main(), and Brian2's own measurement (device._last_run_time,
process CPU time without OpenMP) as cpu_s. Code generation, compilation and synapse creation are
excluded.

Usage: brian2_networks.py --network coba --duration-ms 2000 [--threads 1] [--seed 1] [--build-dir D]
prints one JSON object: simulator, network, run_s, cpu_s, s_per_s, rate_hz, synapses, build_s, compile_s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import specs  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]


def fixed_in_degree(n_pre: int, n_post: int, k: int, rng: np.random.Generator,
                    self_offset: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """k distinct presynaptic partners per target, no multapses.

    With `self_offset` set, pre index q and post index q + self_offset are the same neuron and
    that pair is excluded (no autapses): draw from n_pre - 1 candidates and skip the neuron itself.
    """
    pre = np.empty(n_post * k, dtype=np.int32)
    for j in range(n_post):
        self_idx = None if self_offset is None else j - self_offset
        if self_idx is not None and 0 <= self_idx < n_pre:
            draw = rng.choice(n_pre - 1, size=k, replace=False)
            draw[draw >= self_idx] += 1
        else:
            draw = rng.choice(n_pre, size=k, replace=False)
        pre[j * k:(j + 1) * k] = draw
    post = np.repeat(np.arange(n_post, dtype=np.int32), k)
    return pre, post


def _cond_lif_group(b2, s: specs.CondLifSpec, n: int, name: str, extra_eqs: str = "",
                    extra_reset: str = "", extra_ns: dict | None = None):
    """n conductance-based LIF neurons of `s` (COBA's neuron); `extra_*` add state variables."""
    u = b2
    eqs = """
    dv/dt = (g_l*(e_l - v) + ge*(e_exc - v) + gi*(e_inh - v))/c_m : volt (unless refractory)
    dge/dt = -ge/tau_exc : siemens
    dgi/dt = -gi/tau_inh : siemens
    """ + extra_eqs
    ns = dict(g_l=s.g_l_ns * u.nS, e_l=s.e_l_mv * u.mV, e_exc=s.e_exc_mv * u.mV,
              e_inh=s.e_inh_mv * u.mV, c_m=s.c_m_pf * u.pF, tau_exc=s.tau_exc_ms * u.ms,
              tau_inh=s.tau_inh_ms * u.ms, v_th=s.v_th_mv * u.mV, v_reset=s.v_reset_mv * u.mV,
              **(extra_ns or {}))
    # Exponential Euler: the scheme spikeforge's lif_cond_exp uses (v relaxes exactly towards the
    # step's effective reversal potential).
    return b2.NeuronGroup(n, eqs, threshold="v > v_th", reset="v = v_reset" + extra_reset,
                          refractory=s.t_ref_ms * u.ms, method="exponential_euler", namespace=ns,
                          name=name)


def _build_coba(b2, s: specs.CobaSpec):
    u = b2
    P = _cond_lif_group(b2, s, s.n, "coba")
    P.v = f"({s.v0_mean_mv} + {s.v0_sd_mv}*randn())*mV"
    P.ge = f"({s.g_exc0_mean_ns} + {s.g_exc0_sd_ns}*randn())*nS"
    P.gi = f"({s.g_inh0_mean_ns} + {s.g_inh0_sd_ns}*randn())*nS"
    Ce = b2.Synapses(P[:s.n_exc], P, on_pre=f"ge += {s.w_exc_ns}*nS", delay=s.delay_ms * u.ms)
    Ci = b2.Synapses(P[s.n_exc:], P, on_pre=f"gi += {s.w_inh_ns}*nS", delay=s.delay_ms * u.ms)
    Ce.connect(p=s.p)
    Ci.connect(p=s.p)
    return P, [Ce, Ci]


def _build_cuba(b2, s: specs.CubaSpec):
    u = b2
    # Synaptic input in current units, as BENCHMARKS.md states it (R = 1/g_L = 100 MOhm).
    eqs = """
    dv/dt = (e_l - v)/tau_m + (ie + ii)/c_m : volt (unless refractory)
    die/dt = -ie/tau_exc : amp
    dii/dt = -ii/tau_inh : amp
    """
    ns = dict(e_l=s.e_l_mv * u.mV, tau_m=s.tau_m_ms * u.ms, c_m=s.c_m_pf * u.pF,
              tau_exc=s.tau_exc_ms * u.ms, tau_inh=s.tau_inh_ms * u.ms, v_th=s.v_th_mv * u.mV,
              v_reset=s.v_reset_mv * u.mV)
    P = b2.NeuronGroup(s.n, eqs, threshold="v > v_th", reset="v = v_reset",
                       refractory=s.t_ref_ms * u.ms, method="exact", namespace=ns, name="cuba")
    P.v = f"({s.v_reset_mv} + ({s.v_th_mv} - {s.v_reset_mv})*rand())*mV"
    Ce = b2.Synapses(P[:s.n_exc], P, on_pre=f"ie += {s.w_exc_pa}*pA", delay=s.delay_ms * u.ms)
    Ci = b2.Synapses(P[s.n_exc:], P, on_pre=f"ii += {s.w_inh_pa}*pA", delay=s.delay_ms * u.ms)
    Ce.connect(p=s.p)
    Ci.connect(p=s.p)
    return P, [Ce, Ci]


def _build_brunel(b2, s: specs.BrunelSpec, seed: int):
    u = b2
    ns = dict(tau_m=s.tau_m_ms * u.ms, theta=s.theta_mv * u.mV, v_reset=s.v_reset_mv * u.mV)
    P = b2.NeuronGroup(s.n, "dv/dt = -v/tau_m : volt (unless refractory)",
                       threshold="v > theta", reset="v = v_reset", refractory=s.t_ref_ms * u.ms,
                       method="exact", namespace=ns, name="brunel")
    P.v = f"({s.v0_low_mv} + ({s.v0_high_mv} - {s.v0_low_mv})*rand())*mV"
    rng = np.random.default_rng(seed)
    delay = s.delay_ms * u.ms
    # Input during the refractory period is discarded, as in NEST's iaf_psc_delta and Brunel (2000).
    jump = "v_post += {w}*int(not_refractory_post)"
    J = s.j_mv
    synapses = []

    Pe, Pi = P[:s.n_exc], P[s.n_exc:]
    # E -> E (plastic in the STDP variant), E -> I, I -> all; fixed in-degree per target.
    pre, post = fixed_in_degree(s.n_exc, s.n_exc, s.c_exc, rng, self_offset=0)
    if s.stdp is None:
        Cee = b2.Synapses(Pe, Pe, on_pre=jump.format(w=f"{J}*mV"), delay=delay)
    else:
        st = s.stdp
        a_plus = st.lambda_ * st.w_max_mv
        a_minus = st.alpha * st.lambda_ * st.w_max_mv
        model = f"""
        w : volt
        dxpre/dt = -xpre/({st.tau_plus_ms}*ms) : 1 (event-driven)
        dxpost/dt = -xpost/({st.tau_minus_ms}*ms) : 1 (event-driven)
        """
        # Pairing as NEST's stdp_synapse, where the whole delay D is dendritic: the synapse sees
        # a presynaptic spike at t_pre and a postsynaptic one at t_post + D. Shifting every
        # synaptic event by D keeps all pairings and transmitted weights, so one pre pathway
        # (plasticity, then transmission) runs after D and the post pathway after 2 D.
        on_pre = (f"w = clip(w - {a_minus}*mV*xpost, 0*mV, {st.w_max_mv}*mV)\n"
                  "xpre += 1\n" + jump.format(w="w"))
        on_post = f"xpost += 1\nw = clip(w + {a_plus}*mV*xpre, 0*mV, {st.w_max_mv}*mV)"
        Cee = b2.Synapses(Pe, Pe, model=model, on_pre=on_pre, on_post=on_post,
                          delay={"pre": delay, "post": 2 * delay})
    Cee.connect(i=pre, j=post)
    if s.stdp is not None:
        Cee.w = J * u.mV
    synapses.append(Cee)

    pre, post = fixed_in_degree(s.n_exc, s.n_inh, s.c_exc, rng)
    Cei = b2.Synapses(Pe, Pi, on_pre=jump.format(w=f"{J}*mV"), delay=delay)
    Cei.connect(i=pre, j=post)
    synapses.append(Cei)

    pre, post = fixed_in_degree(s.n_inh, s.n, s.c_inh, rng, self_offset=s.n_exc)
    Ci = b2.Synapses(Pi, P, on_pre=jump.format(w=f"{-s.g * J}*mV"), delay=delay)
    Ci.connect(i=pre, j=post)
    synapses.append(Ci)

    # C_E independent Poisson sources of rate eta*nu_thr per neuron, i.e. eta*nu_thr*C_E in all.
    drive = b2.PoissonInput(P, "v", N=s.c_exc, rate=s.eta * s.nu_thr_hz * u.Hz,
                            weight=f"{J}*mV*int(not_refractory)")
    return P, synapses, drive


def _build_plastic(b2, s: specs.PlasticSpec):
    u = b2
    t = s.triplet
    # The COBA neuron plus the rate estimate y of synaptic scaling (used on E only; jump 1 per
    # spike, decay tau_rate, starting at target * tau_rate so that scaling starts from rest).
    P = _cond_lif_group(b2, s, s.n, "plastic", extra_eqs="dy/dt = -y/tau_rate : 1\n",
                        extra_reset="\ny += 1", extra_ns=dict(tau_rate=t.tau_rate_ms * u.ms))
    P.v = f"({s.v0_low_mv} + ({s.v0_high_mv} - {s.v0_low_mv})*rand())*mV"
    P.y = t.target_rate_hz * t.tau_rate_ms * 1e-3
    Pe, Pi = P[:s.n_exc], P[s.n_exc:]
    delay = s.delay_ms * u.ms
    w_max = s.w_max_ns
    # Triplet STDP with traces per synapse, event-driven; each event reads the traces before its
    # own increment. Pairing uses emission times, as spikeforge does: plasticity runs in the "pre"
    # pathway without delay, transmission in its own pathway after the delay.
    model = f"""
    w : siemens
    dr1/dt = -r1/({t.tau_plus_ms}*ms) : 1 (event-driven)
    dr2/dt = -r2/({t.tau_x_ms}*ms) : 1 (event-driven)
    do1/dt = -o1/({t.tau_minus_ms}*ms) : 1 (event-driven)
    do2/dt = -o2/({t.tau_y_ms}*ms) : 1 (event-driven)
    """
    on_pre = {
        "pre": (f"w = clip(w - o1*({t.a2_minus * w_max} + {t.a3_minus * w_max}*r2)*nS, 0*nS, "
                f"{w_max}*nS)\nr1 += 1\nr2 += 1"),
        "transmit": "ge_post += w",
    }
    on_post = (f"w = clip(w + r1*({t.a2_plus * w_max} + {t.a3_plus * w_max}*o2)*nS, 0*nS, "
               f"{w_max}*nS)\no1 += 1\no2 += 1")
    Cee = b2.Synapses(Pe, Pe, model=model, on_pre=on_pre, on_post=on_post,
                      delay={"pre": 0 * u.ms, "transmit": delay}, name="cee")
    Cee.connect(p=s.p)
    Cee.w = s.w_exc_ns * u.nS
    # Synaptic scaling every interval: w *= max(0, 1 + rate (target - r)/target * interval).
    Cee.run_regularly(
        f"w = clip(w*clip(1 + {t.scaling_rate_per_s}*({t.target_rate_hz} - "
        f"1000*y_post/{t.tau_rate_ms})/{t.target_rate_hz}*{t.interval_ms * 1e-3}, 0, 1e9), "
        f"0*nS, {w_max}*nS)", dt=t.interval_ms * u.ms)
    Cei = b2.Synapses(Pe, Pi, on_pre=f"ge_post += {s.w_exc_ns}*nS", delay=delay)
    Cie = b2.Synapses(Pi, Pe, on_pre=f"gi_post += {s.w_inh_ns}*nS", delay=delay)
    Cii = b2.Synapses(Pi, Pi, on_pre=f"gi_post += {s.w_inh_ns}*nS", delay=delay)
    for S in (Cei, Cie, Cii):
        S.connect(p=s.p)
    # ext_n Poisson sources per neuron (binomial per step): Poisson(ext_rate * dt) events per
    # step, as spikeforge's one Poisson source of rate ext_rate per neuron.
    drive = b2.PoissonInput(P, "ge", N=s.ext_n, rate=s.ext_rate_hz / s.ext_n * u.Hz,
                            weight=s.w_ext_ns * u.nS)
    return P, [Cee, Cei, Cie, Cii], drive


def run(network: str, duration_ms: float | None = None, threads: int = 1, seed: int = 1,
        device: str = "cpp_standalone", build_dir: str | os.PathLike | None = None,
        spec=None) -> dict:
    """Build `network`, simulate it for `duration_ms` and return the measurements.

    device "cpp_standalone" (the benchmark) or "runtime" (numpy code generation, no compiler: for
    smoke tests). `spec` overrides the network's parameter table (e.g. a smaller COBA).
    One standalone network per process: Brian2's device is global state.
    """
    import brian2 as b2

    s = spec if spec is not None else specs.spec(network)
    kind = specs.kind(network)
    if duration_ms is None:
        duration_ms = specs.DEFAULT_DURATION_MS[network]
    if device == "cpp_standalone":
        if build_dir is None:
            build_dir = REPO_ROOT / "build" / "peers-work" / f"brian2_{network}"
        b2.set_device("cpp_standalone", directory=str(build_dir), build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0 if threads <= 1 else threads
    elif device == "runtime":
        b2.prefs.codegen.target = "numpy"
    else:
        raise ValueError(f"device '{device}' is unknown; allowed: cpp_standalone, runtime")
    b2.defaultclock.dt = specs.DT_MS * b2.ms
    b2.seed(seed)

    extra = []
    if kind == "coba":
        P, syn = _build_coba(b2, s)
    elif kind == "cuba":
        P, syn = _build_cuba(b2, s)
    elif kind == "plastic":
        P, syn, drive = _build_plastic(b2, s)
        extra.append(drive)
    else:
        P, syn, drive = _build_brunel(b2, s, seed)
        extra.append(drive)
    # Counting only: recording every spike would add Brian2 work that the others do not do.
    mon = b2.SpikeMonitor(P, record=False)
    net = b2.Network(P, *syn, *extra, mon)

    if device == "cpp_standalone":
        # Brian2's own _last_run_time comes from std::clock() (process CPU time) when OpenMP is
        # off; the wall time of the same loop is taken here, around Network::run in main().
        b2.device.headers.append("<chrono>")
        b2.device.insert_code("before_network_run",
                              "auto sf_wall_start = std::chrono::steady_clock::now();")
        b2.device.insert_code("after_network_run", (
            "{ std::ofstream sf_f(brian::results_dir + \"wall_run_time.txt\"); sf_f.precision(17);"
            " sf_f << std::chrono::duration<double>(std::chrono::steady_clock::now()"
            " - sf_wall_start).count() << std::endl; }"))

    t0, c0 = time.perf_counter(), time.process_time()
    net.run(duration_ms * b2.ms)
    result = {"simulator": "brian2", "network": network, "duration_ms": duration_ms,
              "threads": threads, "seed": seed, "device": device}
    if device == "cpp_standalone":
        b2.device.build(directory=str(build_dir), compile=True, run=True, debug=False, clean=False)
        total = time.perf_counter() - t0
        cpu_s = float(b2.device._last_run_time)
        run_s = float((Path(b2.device.results_dir) / "wall_run_time.txt").read_text())
        binary_s = float(b2.device.timers["run_binary"])
        result["compile_s"] = total - binary_s
        # Synapse creation and initialisation happen in the binary before the timed loop.
        result["build_s"] = binary_s - run_s
    else:
        run_s = time.perf_counter() - t0
        cpu_s = time.process_time() - c0
        result["compile_s"] = 0.0
        result["build_s"] = 0.0
    n_spikes = int(mon.num_spikes)
    result.update(
        run_s=run_s,
        cpu_s=cpu_s,
        s_per_s=run_s / (duration_ms / 1000.0),
        rate_hz=n_spikes / (len(P) * duration_ms / 1000.0),
        synapses=int(sum(len(S) for S in syn)),
        neurons=len(P),
        spikes=n_spikes,
    )
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--network", required=True, choices=list(specs.NETWORKS))
    ap.add_argument("--duration-ms", type=float, default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="cpp_standalone", choices=["cpp_standalone", "runtime"])
    ap.add_argument("--build-dir", default=None)
    a = ap.parse_args(argv)
    res = run(a.network, a.duration_ms, a.threads, a.seed, a.device, a.build_dir)
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
