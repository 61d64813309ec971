#!/usr/bin/env python3
"""Smoke run of spikeforge_gbench (the ctest `gbench_smoke`): a few cases with short simulated
durations, then checks that every case ran and that every counter is present and sane.

Usage: check_gbench.py PATH/TO/spikeforge_gbench
Exits 1 naming the case, the counter, its value and the allowed range when a check fails.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

COUNTERS = ("s_per_s", "cpu_s_per_s", "events_per_s", "rate_hz", "bytes_per_synapse", "build_s",
            "synapses", "sim_ms")

# (filter, simulated ms per iteration, iterations) and per case: rate band in Hz over the run,
# expected recurrent synapse count (+- 5 sd of a binomial count for fixed-probability networks),
# bytes-per-synapse limit of BENCHMARKS.md.
# CUBA settles at 5-6 Hz; over its first 200 ms the netbench smoke test sees 4-6 Hz. COBA is
# 15-25 Hz, a little lower over its first 200 ms (12-28 Hz, as benchmarks/peers/test_smoke.py).
# The plastic network reaches ~5 Hz; its first 100 ms include the start from uniform V (~4-6 Hz).
RUNS = (
    ("^(cuba|coba)/threads:1/|^cuba/threads:2/", 100.0, 2),
    ("^plastic/threads:1/", 50.0, 2),
)
CASES = {
    "cuba/threads:1": dict(rate=(4.0, 7.0), synapses=0.02 * 4000 * 4000, bytes=8.0),
    "cuba/threads:2": dict(rate=(4.0, 7.0), synapses=0.02 * 4000 * 4000, bytes=8.0),
    "coba/threads:1": dict(rate=(12.0, 28.0), synapses=0.02 * 4000 * 4000, bytes=8.0),
    "plastic/threads:1": dict(rate=(2.0, 10.0), synapses=0.05 * 25000 * 25000, bytes=12.0),
}


def run(binary: str, flt: str, duration_ms: float, iterations: int) -> list[dict]:
    cmd = [binary, f"--benchmark_filter={flt}", f"--duration-ms={duration_ms}",
           f"--iterations={iterations}", "--benchmark_format=json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {p.stderr[-2000:]}")
    try:
        return json.loads(p.stdout)["benchmarks"]
    except (ValueError, KeyError) as e:
        raise SystemExit(f"FAIL: {' '.join(cmd)} printed no Google Benchmark JSON ({e}): "
                         f"{p.stdout[-1000:]}")


def check(results: list[dict]) -> list[tuple[str, str]]:
    """(case, message) for every failed check."""
    errors = []
    # Google Benchmark appends /iterations:N/manual_time to the registered NETWORK/threads:T.
    seen = {r["name"].split("/iterations:")[0]: r for r in results}
    for name, want in CASES.items():
        def fail(msg: str) -> None:
            errors.append((name, msg))

        r = seen.get(name)
        if r is None:
            fail(f"case did not run (ran: {sorted(seen)})")
            continue
        if r.get("error_occurred"):
            fail(f"error: {r.get('error_message')}")
            continue
        missing = [c for c in COUNTERS if c not in r]
        if missing:
            fail(f"counters {missing} missing")
            continue
        lo, hi = want["rate"]
        if not lo <= r["rate_hz"] <= hi:
            fail(f"rate_hz {r['rate_hz']:.3f}, expected in [{lo}, {hi}] Hz")
        n = want["synapses"]
        tol = 5.0 * n ** 0.5
        if abs(r["synapses"] - n) > tol:
            fail(f"synapses {r['synapses']:.0f}, expected {n:.0f} +- {tol:.0f}")
        if not 0.0 < r["bytes_per_synapse"] <= want["bytes"]:
            fail(f"bytes_per_synapse {r['bytes_per_synapse']:.3f}, expected in (0, {want['bytes']}]")
        positive = [c for c in ("s_per_s", "cpu_s_per_s", "events_per_s", "build_s") if not r[c] > 0.0]
        for c in positive:
            fail(f"{c} {r[c]}, expected > 0")
        if positive:
            continue
        want_ms = want_sim_ms(name) * r["iterations"]
        if abs(r["sim_ms"] - want_ms) > 1e-6 * want_ms:
            fail(f"sim_ms {r['sim_ms']}, expected {want_ms} (iterations x duration)")
        # A second route to the event count: rate x synapses / s_per_s. Every neuron of these
        # networks has the same expected out-degree, so the two agree up to the spread of
        # out-degrees weighted by spike counts (< 3 %); counting the external Poisson input as
        # events, or missing a projection, would be off by far more.
        approx = r["rate_hz"] * r["synapses"] / r["s_per_s"]
        if abs(r["events_per_s"] - approx) > 0.03 * approx:
            fail(f"events_per_s {r['events_per_s']:.4g}, expected rate_hz * synapses / s_per_s = "
                 f"{approx:.4g} within 3 %")
        # The reported time per iteration (ms) is the measured Simulator::run time behind s_per_s.
        per_iter_ms = r["s_per_s"] * r["sim_ms"] / r["iterations"]
        if r.get("time_unit") != "ms" or abs(r["real_time"] - per_iter_ms) > 1e-6 * per_iter_ms + 1e-9:
            fail(f"real_time {r['real_time']} {r.get('time_unit')} per iteration, expected "
                 f"s_per_s * sim_ms / iterations = {per_iter_ms:.6g} ms")
    # Same spikes for any thread count (BENCHMARKS.md, determinism): the same network run with 1
    # and 2 threads must count exactly the same spikes, so the same mean rate to the last bit.
    one, two = seen.get("cuba/threads:1"), seen.get("cuba/threads:2")
    if one and two and "rate_hz" in one and "rate_hz" in two and one["rate_hz"] != two["rate_hz"]:
        errors.append(("cuba/threads:2", f"rate_hz {two['rate_hz']!r}, expected exactly the 1-thread "
                                         f"rate {one['rate_hz']!r} (identical spikes for any thread count)"))
    return errors


def want_sim_ms(name: str) -> float:
    return next(d for flt, d, _ in RUNS if re.search(flt, name + "/"))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    results = []
    for flt, duration, iterations in RUNS:
        results += run(argv[1], flt, duration, iterations)
    for r in results:
        print(f"{r['name']}: " + ", ".join(f"{c} {r.get(c, float('nan')):.4g}" for c in COUNTERS))
    errors = check(results)
    for name, msg in errors:
        print(f"FAIL: {name}: {msg}")
    failed = {name for name, _ in errors}
    print(f"{len(CASES) - len(failed)} passed, {len(failed)} failed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
