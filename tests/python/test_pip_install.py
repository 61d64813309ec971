"""`pip install .` from a clean clone into a fresh venv (with build isolation: every build
dependency must come from pyproject.toml), then the installed package runs a network and fires
exactly the spikes the build tree's package fires."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np

import spikeforge as sf

from conftest import SOURCE_DIR, small_network

SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import spikeforge as sf
    net = sf.Network.from_json(sys.stdin.read())
    sim = sf.Simulator(net, seed=5)
    sim.run(50.0, progress=False)
    s = sim.spikes("E")
    print(json.dumps({"file": sf.__file__, "numpy": np.__version__, "times": s.times.tolist(),
                      "ids": s.ids.tolist()}))
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
    ref = sf.Simulator(net, seed=5)
    ref.run(50.0, progress=False)
    s = ref.spikes("E")
    assert len(got["times"]) == s.times.size > 0, f"{len(got['times'])} spikes from the installed package, {s.times.size} here"
    np.testing.assert_array_equal(np.array(got["times"]), s.times)
    np.testing.assert_array_equal(np.array(got["ids"]), s.ids)
