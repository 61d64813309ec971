#!/usr/bin/env python3
"""Runs the standard networks in spikeforge, Brian2 (C++ standalone) and NEST, alternately, in one
invocation, and prints a table of s/s, ratios, mean rates and synapse counts (plus JSON and a PNG).

Every simulator runs each network `--repeats` times in the order A B C A B C ..., so slow drifts of
a shared machine hit all of them alike; the table quotes medians. A simulator that cannot run
(missing binary, peer not importable) stays in the table as "unavailable: <reason>".
A wrong network shows as a wrong mean rate: compare the rate column before the times.

With --threads 1,2 every network runs at both thread counts; the table then also checks that
spikeforge with 2 threads is >= 1.6x as fast as with 1 thread on Brunel 10^7 (on wall time: CPU
time sums over threads). A network a peer cannot express (specs.UNSUPPORTED) is listed as
unavailable with the reason and does not fail the run.

Example (the command behind docs/performance.md):
  python3 benchmarks/compare.py --peer-python build/peers-venv/bin/python --repeats 3
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
PEERS = HERE / "peers"

SIMULATORS = ("spikeforge", "brian2", "nest")
DEFAULT_NETWORKS = ("coba", "cuba", "brunel", "brunel_stdp")

sys.path.insert(0, str(PEERS))
import specs  # noqa: E402  (stdlib only: the network names and default durations)

# Simulated ms per run (s/s does not depend on it; longer = less noise, but three repeats of
# NEST on Brunel + STDP must stay affordable).
FULL_DURATION_MS = dict(specs.DEFAULT_DURATION_MS)
QUICK_DURATION_MS = {"coba": 200.0, "cuba": 200.0, "brunel": 50.0, "brunel_stdp": 50.0,
                     "coba_16k": 100.0, "coba_64k": 50.0, "brunel_1e6": 100.0, "brunel_5e7": 20.0,
                     "plastic": 50.0}

# Targets of BENCHMARKS.md as the largest allowed spikeforge_time / peer_time. Brian2 targets are
# per network; every other peer must simply be beaten (< 1).
BRIAN2_TARGET = {"coba": 0.25, "cuba": 0.25, "brunel": 0.2, "brunel_stdp": 0.2}
DEFAULT_PEER_TARGET = 1.0
# Engine-owned bytes per synapse, measured by the engine.
BYTES_PER_SYNAPSE_TARGET = {"brunel_stdp": 12.0, "plastic": 12.0}
BYTES_PER_SYNAPSE_STATIC = 8.0
# 2 threads vs 1 on Brunel 10^7 (BENCHMARKS.md): spikeforge's wall time with 1 thread divided by
# its wall time with 2 threads must reach this.
THREAD_SPEEDUP_TARGET = {"brunel": 1.6}

REQUIRED_KEYS = ("run_s", "s_per_s", "rate_hz", "synapses")


def target_ratio(network: str, simulator: str) -> float | None:
    if simulator == "spikeforge":
        return None
    if simulator == "brian2":
        return BRIAN2_TARGET.get(network, DEFAULT_PEER_TARGET)
    return DEFAULT_PEER_TARGET


def bytes_target(network: str) -> float:
    return BYTES_PER_SYNAPSE_TARGET.get(network, BYTES_PER_SYNAPSE_STATIC)


# ----------------------------------------------------------------------------------------------
# Running one simulator once


def command_for(simulator: str, network: str, duration_ms: float, threads: int, seed: int,
                netbench: Path, peer_python: str, work_dir: Path) -> list[str]:
    common = ["--network", network, "--duration-ms", repr(float(duration_ms)),
              "--threads", str(threads), "--seed", str(seed)]
    if simulator == "spikeforge":
        return [str(netbench), *common]
    if simulator == "brian2":
        return [peer_python, str(PEERS / "brian2_networks.py"), *common,
                "--build-dir", str(work_dir / f"brian2_{network}_t{threads}")]
    if simulator == "nest":
        return [peer_python, str(PEERS / "nest_networks.py"), *common]
    raise ValueError(f"simulator '{simulator}' is unknown; allowed: {', '.join(SIMULATORS)}")


def parse_result(stdout: str) -> dict:
    """The last stdout line that is a JSON object (simulators may log before it)."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            rec = json.loads(line)
            missing = [k for k in REQUIRED_KEYS if k not in rec]
            if missing:
                raise ValueError(f"result lacks the keys {missing}: {line[:200]}")
            return rec
    raise ValueError("no JSON object on stdout")


def _tail(text: str, n: int = 3) -> str:
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return " | ".join(lines[-n:])[:300]


def availability(simulator: str, netbench: Path, peer_python: str) -> str | None:
    """None if `simulator` can run here, else the reason it cannot."""
    if simulator == "spikeforge":
        if not netbench.is_file():
            return f"{netbench} not found (build the spikeforge_netbench target)"
        if not os.access(netbench, os.X_OK):
            return f"{netbench} is not executable"
        return None
    module = {"brian2": "brian2", "nest": "nest"}[simulator]
    try:
        p = subprocess.run([peer_python, "-c", f"import {module}"], capture_output=True,
                           text=True, timeout=300, env={**os.environ, "PYNEST_QUIET": "1"})
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"cannot start {peer_python}: {e}"
    if p.returncode != 0:
        return f"import {module} failed with {peer_python}: {_tail(p.stderr, 1)}"
    return None


def run_once(cmd: list[str], timeout_s: float) -> dict:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                           env={**os.environ, "PYNEST_QUIET": "1"})
    except subprocess.TimeoutExpired:
        return {"status": "failed", "reason": f"timed out after {timeout_s:.0f} s"}
    except OSError as e:
        return {"status": "failed", "reason": str(e)}
    if p.returncode != 0:
        return {"status": "failed",
                "reason": f"exit {p.returncode}: {_tail(p.stderr or p.stdout)}"}
    try:
        rec = parse_result(p.stdout)
    except ValueError as e:
        return {"status": "failed", "reason": f"{e}; stderr: {_tail(p.stderr)}"}
    rec["status"] = "ok"
    return rec


def select_clock(rec: dict, clock: str) -> dict:
    """Adds wall_s_per_s and cpu_s_per_s to a successful record and makes s_per_s the one of
    `clock` ("wall" or "cpu"). A record without cpu_s cannot be compared on CPU time: failed."""
    if rec.get("status") != "ok":
        return rec
    sim_s = rec.get("duration_ms") / 1000.0
    rec["wall_s_per_s"] = rec["run_s"] / sim_s
    if rec.get("cpu_s") is not None:
        rec["cpu_s_per_s"] = rec["cpu_s"] / sim_s
    if clock == "wall":
        rec["s_per_s"] = rec["wall_s_per_s"]
    elif "cpu_s_per_s" in rec:
        rec["s_per_s"] = rec["cpu_s_per_s"]
    else:
        return {**rec, "status": "failed", "reason": "result has no cpu_s (needed by --clock cpu)"}
    rec["clock"] = clock
    return rec


# ----------------------------------------------------------------------------------------------
# Summary, table, JSON and chart: pure functions of the run records


def _threads(rec: dict) -> int:
    return int(rec.get("threads", 1))


def summarise(records: list[dict], networks, simulators, threads=None) -> list[dict]:
    """One row per (network, thread count, simulator): medians over the successful repeats, the
    ratio spikeforge_time / simulator_time at the same thread count and whether the BENCHMARKS.md
    target holds. `threads` defaults to the thread counts found in the records (1 if none)."""
    if threads is None:
        threads = sorted({_threads(r) for r in records}) or [1]
    rows = []
    for net in networks:
        for nthreads in threads:
            rows += _summarise_one(records, net, nthreads, simulators)
    return rows


def _summarise_one(records, net, nthreads, simulators) -> list[dict]:
    rows = []
    medians = {}
    by_sim = {}
    for sim in simulators:
        recs = [r for r in records
                if r["network"] == net and r["simulator"] == sim and _threads(r) == nthreads]
        by_sim[sim] = recs
        ok = [r for r in recs if r.get("status") == "ok"]
        if ok:
            medians[sim] = statistics.median(r["s_per_s"] for r in ok)
    ours = medians.get("spikeforge")
    for sim in simulators:
        recs = by_sim[sim]
        ok = [r for r in recs if r.get("status") == "ok"]
        row = {"network": net, "simulator": sim, "threads": nthreads, "repeats": len(ok)}
        if not ok:
            reasons = [r.get("reason", "") for r in recs if r.get("status") != "ok"]
            status = recs[0].get("status", "failed") if recs else "unavailable"
            row["status"] = status
            row["reason"] = reasons[0] if reasons else "not run"
            if recs and recs[0].get("unsupported"):
                row["unsupported"] = True
        else:
            row["status"] = "ok"
            sps = [r["s_per_s"] for r in ok]
            row["s_per_s"] = statistics.median(sps)
            row["s_per_s_min"] = min(sps)
            row["s_per_s_max"] = max(sps)
            row["rate_hz"] = statistics.median(r["rate_hz"] for r in ok)
            row["synapses"] = int(statistics.median(r["synapses"] for r in ok))
            for key in ("wall_s_per_s", "cpu_s_per_s", "build_s", "bytes_per_synapse",
                        "events_per_s"):
                vals = [r[key] for r in ok if r.get(key) is not None]
                if vals:
                    row[key] = statistics.median(vals)
            if len(ok) < len(recs):
                row["failed_repeats"] = len(recs) - len(ok)
        target = target_ratio(net, sim)
        row["target"] = target
        if sim == "spikeforge":
            bpt = bytes_target(net)
            row["target_bytes_per_synapse"] = bpt
            if "bytes_per_synapse" in row:
                row["pass"] = row["bytes_per_synapse"] <= bpt
            else:
                row["pass"] = None
        elif ours is not None and row.get("s_per_s"):
            row["ratio"] = ours / row["s_per_s"]
            row["pass"] = row["ratio"] <= target
        else:
            row["pass"] = None
        rows.append(row)
    return rows


def thread_speedups(rows: list[dict]) -> list[dict]:
    """spikeforge's 1-thread / 2-thread wall time per network of THREAD_SPEEDUP_TARGET, when both
    thread counts ran (wall time: the CPU time of 2 threads is the sum over both)."""
    out = []
    for net, target in THREAD_SPEEDUP_TARGET.items():
        one = next((r for r in rows if r["network"] == net and r["simulator"] == "spikeforge"
                    and r["threads"] == 1 and r["status"] == "ok"), None)
        two = next((r for r in rows if r["network"] == net and r["simulator"] == "spikeforge"
                    and r["threads"] == 2 and r["status"] == "ok"), None)
        if one is None or two is None:
            continue
        wall1 = one.get("wall_s_per_s", one["s_per_s"])
        wall2 = two.get("wall_s_per_s", two["s_per_s"])
        speedup = wall1 / wall2 if wall2 > 0 else float("inf")
        out.append({"network": net, "wall_s_per_s_1": wall1, "wall_s_per_s_2": wall2,
                    "speedup": speedup, "target": target, "pass": speedup >= target})
    return out


def verdict_lines(rows: list[dict], speedups: list[dict]) -> list[str]:
    """One line per target of BENCHMARKS.md that this run could check, and the peers that could
    not run with their reasons."""
    lines = []
    for r in rows:
        if r.get("pass") is None:
            continue
        word = "holds" if r["pass"] else "MISSED"
        t = f"{r['threads']} thread(s)"
        if r["simulator"] == "spikeforge":
            lines.append(f"target {r['network']} ({t}): spikeforge bytes/synapse "
                         f"{r['bytes_per_synapse']:.2f} <= {r['target_bytes_per_synapse']:g}: {word}")
        else:
            lines.append(f"target {r['network']} ({t}): spikeforge/{r['simulator']} "
                         f"{r['ratio']:.3f} <= {r['target']:g}: {word}")
    for sp in speedups:
        word = "holds" if sp["pass"] else "MISSED"
        lines.append(f"target {sp['network']}: spikeforge 2 threads vs 1 thread (wall) "
                     f"{sp['speedup']:.2f}x >= {sp['target']:g}x: {word}")
    for r in rows:
        if r["status"] != "ok":
            lines.append(f"{r['status']}: {r['simulator']} on {r['network']} ({r['threads']} "
                         f"thread(s)): {r.get('reason', '')}")
    return lines


def _fmt(x, spec):
    return "" if x is None else format(x, spec)


def format_table(rows: list[dict]) -> str:
    """A Markdown table (reads as plain text in a terminal too)."""
    head = ["network", "simulator", "threads", "s/s median (min-max)", "spikeforge/peer", "target",
            "rate Hz", "synapses", "wall s/s", "cpu s/s", "B/syn", "build s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        if r["status"] != "ok":
            cells = [r["network"], r["simulator"], str(r.get("threads", 1)),
                     f"{r['status']}: {r.get('reason', '')}"]
            cells += [""] * (len(head) - len(cells))
        else:
            sps = f"{r['s_per_s']:.4g} ({r['s_per_s_min']:.4g}-{r['s_per_s_max']:.4g})"
            if r.get("failed_repeats"):
                sps += f" [{r['failed_repeats']} failed]"
            if r["simulator"] == "spikeforge":
                verdict = {True: "pass", False: "FAIL", None: "n/a"}[r["pass"]]
                target = f"B/syn <= {r['target_bytes_per_synapse']:g}: {verdict}"
                ratio = "1"
            else:
                verdict = {True: "pass", False: "FAIL", None: "n/a"}[r["pass"]]
                target = f"<= {r['target']:g}: {verdict}"
                ratio = _fmt(r.get("ratio"), ".3f")
            cells = [r["network"], r["simulator"], str(r.get("threads", 1)), sps, ratio, target, f"{r['rate_hz']:.2f}",
                     str(r["synapses"]), _fmt(r.get("wall_s_per_s"), ".4g"),
                     _fmt(r.get("cpu_s_per_s"), ".4g"), _fmt(r.get("bytes_per_synapse"), ".2f"),
                     _fmt(r.get("build_s"), ".3g")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_json(path: Path, records: list[dict], rows: list[dict], config: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"config": config, "summary": rows, "runs": records}
    path.write_text(json.dumps(doc, indent=2) + "\n")


def plot(rows: list[dict], path: Path, title: str = "") -> None:
    """Grouped bars of median s/s per network (log scale); min-max as error bars; a simulator
    that did not run gets a labelled gap instead of a bar."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(dict.fromkeys((r["network"], r.get("threads", 1)) for r in rows))
    several = len({t for _, t in groups}) > 1
    labels = [f"{net}\n{t} thr" if several else net for net, t in groups]
    sims = list(dict.fromkeys(r["simulator"] for r in rows))
    width = 0.8 / max(len(sims), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.8 * len(groups) + 2), 4.5))
    for k, sim in enumerate(sims):
        labelled = False
        for i, (net, nthreads) in enumerate(groups):
            r = next((r for r in rows if r["network"] == net and r["simulator"] == sim
                      and r.get("threads", 1) == nthreads), None)
            x = i + (k - (len(sims) - 1) / 2) * width
            if r is None or r["status"] != "ok":
                ax.text(x, 0.02, f"{sim}: not run", rotation=90, ha="center", va="bottom",
                        fontsize=7, transform=ax.get_xaxis_transform())
                continue
            err = [[r["s_per_s"] - r["s_per_s_min"]], [r["s_per_s_max"] - r["s_per_s"]]]
            ax.bar(x, r["s_per_s"], width, yerr=err, capsize=2, color=f"C{k}",
                   label=None if labelled else sim)
            labelled = True
    ax.set_yscale("log")
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(labels)
    ax.set_ylabel("s per simulated s (lower is faster)")
    if title:
        ax.set_title(title)
    if ax.get_legend_handles_labels()[0]:
        ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ----------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 1)[1])
    ap.add_argument("--networks", default=",".join(DEFAULT_NETWORKS),
                    help="comma-separated; any of " + ", ".join(FULL_DURATION_MS))
    ap.add_argument("--simulators", default=",".join(SIMULATORS))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--duration-ms", type=float, default=None,
                    help="simulated time per run for every network (default: per network)")
    ap.add_argument("--threads", default="1",
                    help="comma-separated thread counts, e.g. 1,2 (each network runs at each)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out-dir", default=str(REPO_ROOT / "build" / "peers-work" / "compare"))
    ap.add_argument("--quick", action="store_true", help="short runs: a smoke test, not a measurement")
    ap.add_argument("--netbench", default=str(REPO_ROOT / "build" / "release" / "benchmarks"
                                              / "spikeforge_netbench"))
    ap.add_argument("--peer-python", default=sys.executable,
                    help="Python with brian2 and nest installed (benchmarks/requirements.txt)")
    ap.add_argument("--timeout-s", type=float, default=3600.0)
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="time the s/s columns and targets use: wall (BENCHMARKS.md) or process "
                         "CPU time (fairer on a loaded machine; one thread only)")
    a = ap.parse_args(argv)

    networks = [n for n in a.networks.split(",") if n]
    simulators = [s for s in a.simulators.split(",") if s]
    for n in networks:
        if n not in FULL_DURATION_MS:
            ap.error(f"--networks: '{n}' is unknown; allowed: {', '.join(FULL_DURATION_MS)}")
    for s in simulators:
        if s not in SIMULATORS:
            ap.error(f"--simulators: '{s}' is unknown; allowed: {', '.join(SIMULATORS)}")
    if a.repeats < 1:
        ap.error(f"--repeats must be >= 1, got {a.repeats}")
    try:
        thread_counts = [int(t) for t in a.threads.split(",") if t]
    except ValueError:
        ap.error(f"--threads: expected comma-separated integers, got '{a.threads}'")
    if not thread_counts or min(thread_counts) < 1:
        ap.error(f"--threads: every thread count must be >= 1, got '{a.threads}'")
    out = Path(a.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    netbench = Path(a.netbench)
    durations = QUICK_DURATION_MS if a.quick else FULL_DURATION_MS

    unavailable = {s: availability(s, netbench, a.peer_python) for s in simulators}
    for s, why in unavailable.items():
        if why:
            print(f"[compare] {s}: unavailable: {why}", file=sys.stderr)

    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    config = {"command": shlex.join([sys.executable, *sys.argv]) if argv is None
              else shlex.join(["compare.py", *argv]),
              "date": stamp, "host": platform.node(), "cpu_count": os.cpu_count(),
              "networks": networks, "simulators": simulators, "repeats": a.repeats,
              "threads": thread_counts, "seed": a.seed, "quick": a.quick, "clock": a.clock,
              "durations_ms": {n: (a.duration_ms or durations[n]) for n in networks}}
    records = []
    for net, nthreads in [(n, t) for n in networks for t in thread_counts]:
        dur = a.duration_ms if a.duration_ms is not None else durations[net]
        for rep in range(a.repeats):
            for sim in simulators:
                base = {"network": net, "simulator": sim, "threads": nthreads, "repeat": rep,
                        "duration_ms": dur}
                unsupported = specs.UNSUPPORTED.get((sim, net))
                if unavailable[sim] or unsupported:
                    if rep == 0:
                        records.append({**base, "status": "unavailable",
                                        "reason": unsupported or unavailable[sim],
                                        "unsupported": bool(unsupported)})
                    continue
                cmd = command_for(sim, net, dur, nthreads, a.seed, netbench, a.peer_python, out)
                print(f"[compare] {net} T{nthreads} #{rep + 1}/{a.repeats} {sim}: {shlex.join(cmd)}",
                      file=sys.stderr, flush=True)
                rec = {**base, **run_once(cmd, a.timeout_s)}
                rec["simulator"], rec["network"], rec["threads"] = sim, net, nthreads
                rec = select_clock(rec, a.clock)
                if rec["status"] == "ok":
                    print(f"[compare]   s/s {rec['s_per_s']:.4g}  rate {rec['rate_hz']:.2f} Hz  "
                          f"synapses {rec['synapses']}", file=sys.stderr, flush=True)
                else:
                    print(f"[compare]   {rec['status']}: {rec['reason']}", file=sys.stderr)
                records.append(rec)
                # Written after every run, so an interrupted comparison keeps what it measured.
                write_json(out / "compare.json", records,
                           summarise(records, networks, simulators, thread_counts), config)

    rows = summarise(records, networks, simulators, thread_counts)
    speedups = thread_speedups(rows)
    table = format_table(rows)
    verdicts = "\n".join(verdict_lines(rows, speedups))
    write_json(out / "compare.json", records, rows, {**config, "thread_speedups": speedups})
    threads_text = ",".join(map(str, thread_counts))
    (out / "compare.md").write_text(f"{stamp}, {threads_text} thread(s), median of {a.repeats}, "
                                    f"s/s and ratios on {a.clock} time\n\n"
                                    f"{table}\n\n{verdicts}\n")
    plot(rows, out / "compare.png",
         title=f"{threads_text} thread(s), {a.clock} time, median of {a.repeats} (lower is faster)")
    print(table)
    print()
    print(verdicts)
    print(f"\nwritten: {out / 'compare.json'}, {out / 'compare.md'}, {out / 'compare.png'}")

    not_run = [r for r in rows if r["status"] != "ok" and not r.get("unsupported")]
    failed = [r for r in rows if r.get("pass") is False] + [sp for sp in speedups if not sp["pass"]]
    if not_run or failed:
        print(f"{len(not_run)} simulator/network pair(s) did not run, "
              f"{len(failed)} target(s) missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
