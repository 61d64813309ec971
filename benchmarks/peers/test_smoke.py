"""Smoke test of the peer networks: Brian2 (runtime device, no compiler) and NEST build the
benchmark networks and reach the rates BENCHMARKS.md expects, and agree with each other.

Needs the benchmark requirements (benchmarks/requirements.txt); not part of CI, run with
  build/peers-venv/bin/python -m pytest benchmarks/peers/test_smoke.py
A missing brian2 or nest fails here (import error), it is never skipped.
"""

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brian2_networks  # noqa: E402
import nest_networks  # noqa: E402
import specs  # noqa: E402

# COBA at full size: a 400-neuron COBA (in-degree kept at 80) does not sustain its activity,
# its rate falls to ~1 Hz within 100 ms, so a reduced size would test nothing. 200 ms of the
# full network take a few seconds on the runtime device.
SHORT_MS = 200.0


def _check_rate(res, low, high):
    assert low <= res["rate_hz"] <= high, (
        f"{res['simulator']} {res['network']}: mean rate {res['rate_hz']:.2f} Hz, "
        f"expected in [{low}, {high}] Hz")


def _check_agree(a, b, rel):
    diff = abs(a["rate_hz"] - b["rate_hz"]) / max(a["rate_hz"], b["rate_hz"])
    assert diff <= rel, (
        f"{a['network']}: Brian2 rate {a['rate_hz']:.3f} Hz vs NEST {b['rate_hz']:.3f} Hz, "
        f"relative difference {diff:.3f}, tolerance {rel}")


def test_coba_rates_in_range_and_peers_agree():
    s = specs.spec("coba")
    b = brian2_networks.run("coba", SHORT_MS, device="runtime")
    n = nest_networks.run("coba", SHORT_MS)
    # Over the first 200 ms the start transient lowers the rate slightly below 15-25 Hz.
    for res in (b, n):
        _check_rate(res, 12.0, 28.0)
        expected = s.p * s.n_exc * s.n + s.p * s.n_inh * s.n
        assert abs(res["synapses"] - expected) < 5 * expected ** 0.5, (
            f"{res['simulator']} coba synapses {res['synapses']}, expected {expected:.0f} "
            f"+- {5 * expected ** 0.5:.0f} (5 sd of a binomial count)")
    _check_agree(b, n, 0.2)


def test_cuba_rates_in_range_and_peers_agree():
    b = brian2_networks.run("cuba", SHORT_MS, device="runtime")
    n = nest_networks.run("cuba", SHORT_MS)
    for res in (b, n):
        _check_rate(res, 4.5, 7.0)
    _check_agree(b, n, 0.1)


def test_small_brunel_peers_agree():
    # 2000 neurons at 10 % connectivity: same mean-field regime as the 10^4 network.
    s = dataclasses.replace(specs.spec("brunel"), n_exc=1600, n_inh=400, c_exc=160, c_inh=40)
    b = brian2_networks.run("brunel", 300.0, device="runtime", spec=s)
    n = nest_networks.run("brunel", 300.0, spec=s)
    for res in (b, n):
        assert res["synapses"] == s.synapses, (
            f"{res['simulator']} brunel synapses {res['synapses']}, expected {s.synapses} exactly")
        _check_rate(res, 20.0, 150.0)
    _check_agree(b, n, 0.05)


def test_small_brunel_stdp_peers_agree():
    # The plastic variant checks that both peers pair pre and post spikes the same way (NEST's
    # dendritic-delay convention). At full size, Brian2 with its plain pairing (post spikes seen
    # without delay) reached 30.4 Hz against NEST's 34.8 Hz; with the shifted pathways 35.5 Hz.
    s = dataclasses.replace(specs.spec("brunel_stdp"), n_exc=1600, n_inh=400, c_exc=160, c_inh=40)
    b = brian2_networks.run("brunel_stdp", 1000.0, device="runtime", spec=s)
    n = nest_networks.run("brunel_stdp", 1000.0, spec=s)
    for res in (b, n):
        _check_rate(res, 20.0, 150.0)
    _check_agree(b, n, 0.05)


def test_small_plastic_network_rate_and_nest_refuses():
    # 4000 E + 1000 I at p = 0.25 keeps every neuron's in-degree (1000 E, 250 I) and so the
    # mean-field regime of the 25k network (~5 Hz; over its first 300 ms ~5-7 Hz).
    s = dataclasses.replace(specs.spec("plastic"), n_exc=4000, n_inh=1000, p=0.25)
    b = brian2_networks.run("plastic", 300.0, device="runtime", spec=s)
    expected = s.p * s.n * s.n
    assert abs(b["synapses"] - expected) < 5 * expected ** 0.5, (
        f"brian2 plastic synapses {b['synapses']}, expected {expected:.0f} "
        f"+- {5 * expected ** 0.5:.0f} (5 sd of a binomial count)")
    _check_rate(b, 3.0, 9.0)
    # NEST cannot express synaptic scaling: it must say so instead of building another network.
    try:
        nest_networks.run("plastic", 10.0, spec=s)
    except NotImplementedError as e:
        assert "synaptic scaling" in str(e), str(e)
    else:
        raise AssertionError("nest_networks.run('plastic') built a network NEST cannot express")
