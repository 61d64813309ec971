"""`pip install .` from a clean clone into a fresh venv (with build isolation: every build
dependency must come from pyproject.toml); the installed package, with the NumPy 2 pip brings,
runs networks: the same spikes in one run as in pieces, COBA at its benchmark rate."""

import json
import os
import subprocess
import sys
import textwrap

from conftest import SOURCE_DIR, small_network

SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import spikeforge as sf
    net = sf.Network.from_json(sys.stdin.read())
    one = sf.Simulator(net, seed=5)
    one.run(50.0, progress=False)
    pieces = sf.Simulator(net, seed=5)
    for _ in range(5):
        pieces.run(10.0, progress=False)
    a, b = one.spikes("E"), pieces.spikes("E")
    coba = sf.Simulator(sf.reference.coba(seed=1))
    coba.run(100.0, progress=False)
    print(json.dumps({"file": sf.__file__, "numpy": np.__version__, "spikes": int(a.times.size),
                      "same": bool(np.array_equal(a.times, b.times) and np.array_equal(a.ids, b.ids)),
                      "shares": bool(np.shares_memory(a.times, one.spikes("E").times)),
                      "coba_rate": (coba.spike_count("E") + coba.spike_count("I")) / (4000 * 0.1)}))
""")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    return r


def test_pip_install_from_a_clean_clone_into_a_fresh_venv(tmp_path):
    clone, venv = tmp_path / "clone", tmp_path / "venv"
    run(["git", "clone", "--quiet", "--no-hardlinks", str(SOURCE_DIR), str(clone)])
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", "2")
    run([str(python), "-m", "pip", "install", "--quiet", str(clone)], env=env, cwd=tmp_path, timeout=1800)
    net = small_network(record_state=False)
    out = run([str(python), "-c", SCRIPT], env=env, cwd=tmp_path, input=net.to_json(), timeout=300).stdout
    got = json.loads(out.strip().splitlines()[-1])
    assert got["file"].startswith(str(venv)), f"imported {got['file']}, not the venv's package"
    assert int(got["numpy"].split(".")[0]) >= 2, f"pip installed NumPy {got['numpy']}, expected >= 2"
    assert got["spikes"] > 0 and got["same"], f"installed package: {got}"
    assert got["shares"], "installed package copied the spike record"
    assert 10.0 <= got["coba_rate"] <= 40.0, f"COBA rate {got['coba_rate']:.1f} Hz, expected 15-25 Hz (+- slack)"
