"""The example notebooks execute without error (nbclient, a real Jupyter kernel) and their key
numbers are right: COBA rates and synapse count, the STDP window's values and integral."""

import json
import math
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import spikeforge

from conftest import SOURCE_DIR

NOTEBOOKS = SOURCE_DIR / "examples" / "notebooks"


def execute(name, tmp_path):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    # The kernel imports the very package these tests import (the build tree's, not an installed one).
    package_root = str(Path(spikeforge.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=env)
    return nb


def last_json(nb):
    """The summary line the notebook prints last."""
    for cell in reversed(nb.cells):
        for out in reversed(cell.get("outputs", [])):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                for line in reversed(out["text"].strip().splitlines()):
                    if line.startswith("{"):
                        return json.loads(line)
    raise AssertionError("notebook printed no JSON summary line")


def count_images(nb):
    return sum(1 for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))


def test_coba_notebook(tmp_path):
    nb = execute("coba_raster_rates.ipynb", tmp_path)
    s = last_json(nb)
    assert 10.0 <= s["rate_e_hz"] <= 40.0, f"E rate {s['rate_e_hz']:.1f} Hz, expected 15-25 Hz (+- slack for 200 ms)"
    assert 10.0 <= s["rate_i_hz"] <= 40.0, f"I rate {s['rate_i_hz']:.1f} Hz, expected 15-25 Hz (+- slack)"
    assert s["time_ms"] == pytest.approx(200.0)
    expected = 0.02 * 4000 * 4000
    assert abs(s["synapses"] - expected) < 0.01 * expected, f"{s['synapses']} synapses, expected {expected} +- 1 %"
    assert s["spikes"] == pytest.approx((s["rate_e_hz"] * 3200 + s["rate_i_hz"] * 800) * 0.2, rel=1e-9)
    assert count_images(nb) >= 1, "the raster figure was not rendered"
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "same description as the C++ example: True" in text


def test_stdp_window_notebook(tmp_path):
    nb = execute("stdp_window.ipynb", tmp_path)
    s = last_json(nb)
    a_plus, a_minus, tau_plus, tau_minus = 0.01, 0.012, 16.8, 33.7
    assert s["max_abs_error"] <= 1e-6 * a_minus, \
        f"measured window off the analytic one by {s['max_abs_error']:.3g}, tolerance {1e-6 * a_minus:.3g}"
    assert s["dw_at_plus_10"] == pytest.approx(a_plus * math.exp(-10 / tau_plus), rel=1e-4)
    assert s["dw_at_minus_10"] == pytest.approx(-a_minus * math.exp(-10 / tau_minus), rel=1e-4)
    assert s["analytic_integral"] < 0, "depression should dominate with these parameters"
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "every post neuron fired once: True" in text
    assert count_images(nb) >= 1


def test_digit_learning_notebook(tmp_path):
    nb = execute("digit_learning.ipynb", tmp_path)
    s = last_json(nb)
    # Hebbian weights under a teacher grow in proportion to each digit's mean image.
    assert s["min_weight_vs_class_mean_correlation"] > 0.95, \
        f"learned weights vs class means: correlation {s['min_weight_vs_class_mean_correlation']:.3f}, expected > 0.95"
    assert s["accuracy"] >= 0.6, f"test accuracy {s['accuracy']:.2f}, expected >= 0.6 (chance 0.1)"
    assert s["accuracy"] <= s["template_accuracy"] + 0.05, "spiking readout better than the noise-free templates?"
    assert s["test_spikes_per_image"] > 1.0
    assert count_images(nb) >= 2
