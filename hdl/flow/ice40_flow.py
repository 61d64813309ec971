#!/usr/bin/env python3
"""iCE40 UP5K bitstream flow (yosys -> nextpnr-ice40 -> icepack) and its CI gate.

Prints the utilisation (logic cells, block RAM, SPRAM, DSP) and the Fmax of every clock from
nextpnr's JSON report. With --gate it fails unless the core was built with the required N,
all SPRAMs and at least one DSP are in use, and the system clock reaches the required Fmax.
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path


def run(cmd, log_path):
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    with open(log_path, "w") as log:
        proc = subprocess.run([str(c) for c in cmd], stdout=log, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        lines = Path(log_path).read_text(errors="replace").splitlines()
        # A design that does not fit dies in the placer; the utilisation it printed before
        # says by how much.
        util = [l for l in lines if re.search(r"ICESTORM_(LC|RAM|SPRAM|DSP):", l)]
        print("\n".join(lines[-40:]))
        if util:
            print("\nutilisation reported before the failure:\n" + "\n".join(util[:4]))
        sys.exit(f"FAILED: {cmd[0]} exited with {proc.returncode}; full log in {log_path}")


def core_n_from_yosys_log(text, core_module):
    """The N that the core was elaborated with, read from yosys's derive messages."""
    found = []
    blocks = re.split(r"Executing AST frontend in derive mode", text)
    for block in blocks[1:]:
        head = block.split("\n", 1)[0]
        if f"\\{core_module}'" not in head:
            continue
        m = re.search(r"Parameter \\N = (\d+)", block.split("Generating RTLIL")[0])
        if m:
            found.append(int(m.group(1)))
    return found


def critical_path(text, clock):
    """Source, sink and delay breakdown of nextpnr's critical path for one clock."""
    lines = text.splitlines()
    head = f"Critical path report for clock '{clock}'"
    try:
        start = next(i for i, l in enumerate(lines) if head in l)
    except StopIteration:
        return f"(no critical path report for clock {clock} in the log)"
    body = []
    for line in lines[start + 1:]:
        if "Critical path report" in line or "Max frequency" in line:
            break
        body.append(line)
    hops = [l for l in body if re.search(r"\b(Source|Sink)\b", l)]
    total = [l for l in body if re.search(r"ns logic|ns routing", l)]
    shown = hops[:2] + (["   ..."] if len(hops) > 4 else []) + hops[-2:]
    return "critical path:\n" + "\n".join(shown + total)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--top", required=True)
    ap.add_argument("--pcf", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--name", default="spikeforge_icebreaker")
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE for the top module")
    ap.add_argument("--freq", default="30")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--gate", action="store_true")
    ap.add_argument("--reuse", action="store_true",
                    help="skip the tools when this directory already holds a result of the same "
                         "sources and options (e.g. from the bitstream target)")
    ap.add_argument("--core-module", default="sf_core")
    ap.add_argument("--require-n", type=int, default=256)
    ap.add_argument("--require-spram", type=int, default=4)
    ap.add_argument("--min-dsp", type=int, default=1)
    ap.add_argument("--min-fmax", type=float, default=30.0)
    ap.add_argument("--clock", default="clk", help="net name of the system clock")
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args()

    for tool in ("yosys", "nextpnr-ice40", "icepack"):
        if shutil.which(tool) is None:
            sys.exit(f"FAILED: {tool} not found on PATH")

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{args.name}.json"
    asc_path = out / f"{args.name}.asc"
    bin_path = out / f"{args.name}.bin"
    report_path = out / f"{args.name}.report.json"
    ylog = out / "yosys.log"
    nlog = out / "nextpnr.log"

    # What the result depends on: the options, and the sources' contents through their times.
    inputs = [Path(p) for p in args.sources] + [Path(args.pcf), Path(__file__)]
    fingerprint = json.dumps({"top": args.top, "param": args.param, "freq": args.freq,
                              "seed": args.seed, "sources": [str(p) for p in inputs]})
    stamp = out / "flow.options"
    outputs = [bin_path, report_path, ylog, nlog]
    fresh = (args.reuse and stamp.exists() and stamp.read_text() == fingerprint and
             all(o.exists() for o in outputs) and
             min(o.stat().st_mtime for o in outputs) >= max(i.stat().st_mtime for i in inputs))
    if fresh:
        print(f"reusing the flow results in {out} (same sources and options)")
    else:
        run_flow(args, json_path, asc_path, bin_path, report_path, ylog, nlog, out)
        stamp.write_text(fingerprint)
    report_and_gate(args, bin_path, report_path, ylog, nlog)


def yosys_quoted(path):
    """A path as one argument of a yosys script command: double-quoted, so spaces and ';' stay
    part of it. yosys has no escape for '"' or a line break inside quotes: such paths are refused."""
    text = str(path)
    if '"' in text or "\n" in text:
        sys.exit(f"FAILED: path {text!r}: must not contain '\"' or a line break (yosys scripts cannot quote them)")
    return f'"{text}"'


def run_flow(args, json_path, asc_path, bin_path, report_path, ylog, nlog, out):
    # Every value that enters the yosys script is checked or quoted: it is a command language.
    for p in args.param:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=-?[0-9]+", p):
            sys.exit(f"FAILED: --param {p!r}: must be NAME=INTEGER")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", args.top):
        sys.exit(f"FAILED: --top {args.top!r}: must be a Verilog module name")
    chparams = "".join(f"chparam -set {p.split('=', 1)[0]} {p.split('=', 1)[1]} {args.top}; "
                       for p in args.param)
    script = (f"read_verilog -DSYNTHESIS {' '.join(yosys_quoted(s) for s in args.sources)}; {chparams}"
              f"synth_ice40 -top {args.top} -spram -dsp -json {yosys_quoted(json_path)}")
    run(["yosys", "-p", script], ylog)
    run(["nextpnr-ice40", "--up5k", "--package", "sg48", "--pcf", args.pcf, "--freq", args.freq,
         "--seed", args.seed, "--json", json_path, "--asc", asc_path, "--report", report_path,
         # The gate below judges Fmax; without this nextpnr stops before writing the report.
         "--timing-allow-fail"],
        nlog)
    run(["icepack", asc_path, bin_path], out / "icepack.log")


def report_and_gate(args, bin_path, report_path, ylog, nlog):
    report = json.loads(report_path.read_text())
    util = report.get("utilization", {})

    def used(cell):
        u = util.get(cell, {})
        return u.get("used", 0), u.get("available", 0)

    rows = [("logic cells", "ICESTORM_LC"), ("block RAM", "ICESTORM_RAM"),
            ("SPRAM", "ICESTORM_SPRAM"), ("DSP", "ICESTORM_DSP")]
    print(f"\nutilisation of {bin_path.name}:")
    for label, cell in rows:
        u, a = used(cell)
        pct = 100.0 * u / a if a else 0.0
        print(f"  {label:12s} {u:5d} / {a:5d}  ({pct:5.1f} %)")
    fmax = report.get("fmax", {})
    for clock, f in fmax.items():
        print(f"  Fmax {clock}: {f.get('achieved', 0):.2f} MHz (target {f.get('constraint', 0):.2f} MHz)")
    ns = core_n_from_yosys_log(ylog.read_text(errors="replace"), args.core_module)
    print(f"  {args.core_module} N: {', '.join(map(str, ns)) if ns else 'not found'}")

    if not args.gate:
        return
    failures = []
    if not ns or any(n != args.require_n for n in ns):
        failures.append(f"{args.core_module} elaborated with N = {ns or 'nothing'}, required "
                        f"N = {args.require_n}")
    spram, _ = used("ICESTORM_SPRAM")
    if spram < args.require_spram:
        failures.append(f"SPRAM used = {spram}, required {args.require_spram}")
    dsp, _ = used("ICESTORM_DSP")
    if dsp < args.min_dsp:
        failures.append(f"DSP used = {dsp}, required at least {args.min_dsp}")
    clocks = [c for c in fmax if c == args.clock or c.endswith("." + args.clock)]
    if not clocks:
        failures.append(f"no Fmax for clock '{args.clock}' in the report (clocks: {list(fmax)})")
    for c in clocks:
        achieved = fmax[c].get("achieved", 0.0)
        if achieved < args.min_fmax:
            failures.append(f"Fmax of {c} = {achieved:.2f} MHz, required >= {args.min_fmax} MHz\n"
                            + critical_path(nlog.read_text(errors="replace"), c))
    if failures:
        print("\nBITSTREAM GATE FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("\nbitstream gate passed")


if __name__ == "__main__":
    main()
