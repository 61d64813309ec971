#!/usr/bin/env python3
"""The standard benchmark networks (COBA, CUBA, Brunel static and with pair STDP) built in NEST 3.

Models: iaf_cond_exp (COBA), iaf_psc_exp (CUBA), iaf_psc_delta (Brunel), stdp_synapse (E->E in
brunel_stdp). The plastic recurrent network is not built here: NEST has no synaptic scaling
(specs.UNSUPPORTED). Run time is NEST's simulation loop only: nest.Simulate is split into its documented
parts Prepare / Run / Cleanup and only Run is timed, as wall time (run_s) and process CPU time
(cpu_s). Prepare builds the connection infrastructure, which counts as construction, like
Brian2's synapse creation.

Usage: nest_networks.py --network coba --duration-ms 2000 [--threads 1] [--seed 1]
prints one JSON object: simulator, network, run_s, cpu_s, s_per_s, rate_hz, synapses, build_s, ...
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import specs  # noqa: E402


def _import_nest():
    # NEST prints a banner on import; keep stdout for the one JSON line.
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    return nest


def _build_coba(nest, s: specs.CobaSpec):
    P = nest.Create("iaf_cond_exp", s.n, params={
        "C_m": s.c_m_pf, "g_L": s.g_l_ns, "E_L": s.e_l_mv, "V_th": s.v_th_mv,
        "V_reset": s.v_reset_mv, "t_ref": s.t_ref_ms, "E_ex": s.e_exc_mv, "E_in": s.e_inh_mv,
        "tau_syn_ex": s.tau_exc_ms, "tau_syn_in": s.tau_inh_ms, "I_e": 0.0})
    P.V_m = nest.random.normal(mean=s.v0_mean_mv, std=s.v0_sd_mv)
    P.g_ex = nest.random.normal(mean=s.g_exc0_mean_ns, std=s.g_exc0_sd_ns)
    P.g_in = nest.random.normal(mean=s.g_inh0_mean_ns, std=s.g_inh0_sd_ns)
    conn = {"rule": "pairwise_bernoulli", "p": s.p}
    nest.Connect(P[:s.n_exc], P, conn, {"weight": s.w_exc_ns, "delay": s.delay_ms})
    # iaf_cond_exp routes negative weights to the inhibitory conductance.
    nest.Connect(P[s.n_exc:], P, conn, {"weight": -s.w_inh_ns, "delay": s.delay_ms})
    return P, 0


def _build_cuba(nest, s: specs.CubaSpec):
    P = nest.Create("iaf_psc_exp", s.n, params={
        "C_m": s.c_m_pf, "tau_m": s.tau_m_ms, "E_L": s.e_l_mv, "V_th": s.v_th_mv,
        "V_reset": s.v_reset_mv, "t_ref": s.t_ref_ms, "tau_syn_ex": s.tau_exc_ms,
        "tau_syn_in": s.tau_inh_ms, "I_e": 0.0})
    P.V_m = nest.random.uniform(min=s.v_reset_mv, max=s.v_th_mv)
    conn = {"rule": "pairwise_bernoulli", "p": s.p}
    nest.Connect(P[:s.n_exc], P, conn, {"weight": s.w_exc_pa, "delay": s.delay_ms})
    nest.Connect(P[s.n_exc:], P, conn, {"weight": s.w_inh_pa, "delay": s.delay_ms})
    return P, 0


def _build_brunel(nest, s: specs.BrunelSpec):
    params = {"C_m": 1.0, "tau_m": s.tau_m_ms, "t_ref": s.t_ref_ms, "E_L": 0.0,
              "V_reset": s.v_reset_mv, "V_th": s.theta_mv, "I_e": 0.0,
              "refractory_input": False}
    if s.stdp is not None:
        params["tau_minus"] = s.stdp.tau_minus_ms
    P = nest.Create("iaf_psc_delta", s.n, params=params)
    P.V_m = nest.random.uniform(min=s.v0_low_mv, max=s.v0_high_mv)
    Pe, Pi = P[:s.n_exc], P[s.n_exc:]
    J, D = s.j_mv, s.delay_ms

    def indegree(k):
        return {"rule": "fixed_indegree", "indegree": k, "allow_autapses": False,
                "allow_multapses": False}

    if s.stdp is None:
        nest.Connect(Pe, Pe, indegree(s.c_exc), {"weight": J, "delay": D})
    else:
        st = s.stdp
        nest.CopyModel("stdp_synapse", "stdp_ee", {
            "tau_plus": st.tau_plus_ms, "lambda": st.lambda_, "alpha": st.alpha,
            "mu_plus": 0.0, "mu_minus": 0.0, "Wmax": st.w_max_mv})
        nest.Connect(Pe, Pe, indegree(s.c_exc), {"synapse_model": "stdp_ee", "weight": J, "delay": D})
    nest.Connect(Pe, Pi, indegree(s.c_exc), {"weight": J, "delay": D})
    nest.Connect(Pi, P, indegree(s.c_inh), {"weight": -s.g * J, "delay": D})
    # A poisson_generator sends an independent train to each target: the summed drive of C_E
    # sources of rate eta*nu_thr each.
    pg = nest.Create("poisson_generator", params={"rate": s.poisson_rate_hz})
    nest.Connect(pg, P, syn_spec={"weight": J, "delay": D})
    return P, s.n


def run(network: str, duration_ms: float | None = None, threads: int = 1, seed: int = 1,
        spec=None) -> dict:
    """Build `network` in a fresh NEST kernel, simulate `duration_ms`, return the measurements."""
    reason = specs.UNSUPPORTED.get(("nest", network))
    if reason:
        raise NotImplementedError(f"network '{network}' cannot be built in NEST: {reason}")
    nest = _import_nest()
    s = spec if spec is not None else specs.spec(network)
    kind = specs.kind(network)
    if duration_ms is None:
        duration_ms = specs.DEFAULT_DURATION_MS[network]
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": specs.DT_MS, "local_num_threads": threads,
                          "rng_seed": seed, "print_time": False})
    t0 = time.perf_counter()
    if kind == "coba":
        P, device_conns = _build_coba(nest, s)
    elif kind == "cuba":
        P, device_conns = _build_cuba(nest, s)
    else:
        P, device_conns = _build_brunel(nest, s)
    rec = nest.Create("spike_recorder")
    nest.Connect(P, rec)
    device_conns += len(P)
    t1 = time.perf_counter()
    nest.Prepare()
    t2, c2 = time.perf_counter(), time.process_time()
    nest.Run(duration_ms)
    t3, c3 = time.perf_counter(), time.process_time()
    nest.Cleanup()
    t4 = time.perf_counter()

    n_spikes = int(rec.n_events)
    synapses = int(nest.num_connections) - device_conns
    run_s = t3 - t2
    return {
        "simulator": "nest", "network": network, "duration_ms": duration_ms, "threads": threads,
        "seed": seed, "nest_version": nest.__version__,
        "build_s": t2 - t0, "prepare_s": t2 - t1, "simulate_s": t4 - t1,
        "run_s": run_s, "cpu_s": c3 - c2, "s_per_s": run_s / (duration_ms / 1000.0),
        "rate_hz": n_spikes / (len(P) * duration_ms / 1000.0),
        "synapses": synapses, "neurons": len(P), "spikes": n_spikes,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--network", required=True, choices=list(specs.NETWORKS))
    ap.add_argument("--duration-ms", type=float, default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    res = run(a.network, a.duration_ms, a.threads, a.seed)
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
