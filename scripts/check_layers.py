#!/usr/bin/env python3
"""The layer rules of DESIGN.md as a test: reads every #include of the library, the command-line
tool, the Verilator harness and the Python binding, and fails on an arrow that points up or across.

Layers, lowest first (a layer may include itself and any layer listed before it, except where
ALLOWED says otherwise):

    core < model < stimulus < neurons < plasticity < engine | hw < backend < cli

engine and hw are siblings: neither includes the other. The Python binding (python/src) may
include only the public model/backend API (and core's errors). hdl/tb is the Verilator harness:
hw and core only.

Usage: check_layers.py [ROOT]   (exit 1 and one line per forbidden include)
"""
from __future__ import annotations

import pathlib
import re
import sys

ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "model": {"core", "model"},
    "stimulus": {"core", "model", "stimulus"},
    "neurons": {"core", "model", "stimulus", "neurons"},
    "plasticity": {"core", "model", "stimulus", "neurons", "plasticity"},
    "engine": {"core", "model", "stimulus", "neurons", "plasticity", "engine"},
    "hw": {"core", "model", "stimulus", "neurons", "plasticity", "hw"},
    "backend": {"core", "model", "stimulus", "neurons", "plasticity", "engine", "hw", "backend"},
    "cli": {"core", "model", "stimulus", "neurons", "plasticity", "engine", "hw", "backend", "cli"},
    "tb": {"core", "hw", "tb"},
    "python": {"core", "model", "backend", "python"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
SOURCE_SUFFIXES = {".hpp", ".cpp", ".h", ".cc"}


def layer_of_file(root: pathlib.Path, path: pathlib.Path) -> str | None:
    rel = path.relative_to(root).parts
    if rel[:2] == ("include", "spikeforge") and len(rel) > 3:
        return rel[2]
    if rel[0] == "src" and len(rel) > 2:
        return rel[1]
    if rel[:2] == ("hdl", "tb"):
        return "tb"
    if rel[:2] == ("python", "src"):
        return "python"
    return None


def layer_of_include(root: pathlib.Path, source: pathlib.Path, target: str) -> str | None:
    m = re.match(r"spikeforge/([a-z_]+)/", target)
    if m:
        return m.group(1)
    # A quoted relative include: resolve it and ask which layer holds the file.
    candidate = (source.parent / target).resolve()
    if candidate.is_file():
        try:
            return layer_of_file(root, candidate)
        except ValueError:
            return None
    return None


def check(root: pathlib.Path) -> list[str]:
    problems = []
    roots = [root / "include" / "spikeforge", root / "src", root / "hdl" / "tb", root / "python" / "src"]
    for base in roots:
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
                continue
            layer = layer_of_file(root, path)
            if layer is None:
                continue
            if layer not in ALLOWED:
                problems.append(f"{path.relative_to(root)}: folder '{layer}' is not a layer of DESIGN.md")
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in INCLUDE.finditer(text):
                target = m.group(1)
                to = layer_of_include(root, path, target)
                if to is None or to in ALLOWED[layer]:
                    continue
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{path.relative_to(root)}:{line}: {layer} -> {to} ({target}) is a forbidden arrow; "
                                f"{layer} may include {', '.join(sorted(ALLOWED[layer]))}")
    return problems


def self_test() -> int:
    """The checker itself: a tree with one allowed and two forbidden arrows must give exactly two."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        t = pathlib.Path(tmp)
        (t / "include/spikeforge/model").mkdir(parents=True)
        (t / "include/spikeforge/engine").mkdir(parents=True)
        (t / "include/spikeforge/hw").mkdir(parents=True)
        (t / "include/spikeforge/model/a.hpp").write_text('#include <spikeforge/engine/b.hpp>\n')
        (t / "include/spikeforge/engine/b.hpp").write_text('#include <spikeforge/model/a.hpp>\n')
        (t / "include/spikeforge/hw/c.hpp").write_text('#include "../engine/b.hpp"\n')
        found = check(t)
    ok = len(found) == 2 and any("model -> engine" in f for f in found) and any("hw -> engine" in f for f in found)
    print("layer check self-test:", "ok" if ok else f"FAILED: {found}")
    return 0 if ok else 1


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    problems = check(root.resolve())
    for p in problems:
        print(p)
    print(f"layer check: {len(problems)} forbidden include(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
