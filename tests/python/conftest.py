"""Shared set-up of the Python tests: the spikeforge package must import (a missing or broken
build fails every test, it is never skipped), plus small networks used by several tests."""

import os
from pathlib import Path

import pytest

import spikeforge as sf

SOURCE_DIR = Path(os.environ.get("SPIKEFORGE_SOURCE_DIR", Path(__file__).resolve().parents[2]))

_expected = os.environ.get("SPIKEFORGE_PYTHON_PACKAGE_DIR")
if _expected and not Path(sf.__file__).resolve().is_relative_to(Path(_expected).resolve()):
    raise ImportError(f"spikeforge imported from {sf.__file__}, not from the build tree {_expected}")


def small_network(seed=3, record_state=True):
    """40 E + 10 I conductance LIF neurons driven by 20 Poisson sources (10 ms into a run they
    fire a few hundred spikes)."""
    net = sf.Network(dt=0.1, seed=seed)
    params = dict(cm=200.0, tau_m=20.0, tau_refrac=5.0, v_rest=-60.0, v_reset=-60.0, v_thresh=-50.0,
                  tau_syn_e=5.0, tau_syn_i=10.0, e_rev_e=0.0, e_rev_i=-80.0)
    net.add_population("E", 40, "lif_cond_exp", initial={"v": sf.Uniform(-60.0, -50.0)}, **params)
    net.add_population("I", 10, "lif_cond_exp", initial={"v": sf.Uniform(-60.0, -50.0)}, **params)
    net.add_poisson_source("P", 20, 400.0)
    net.connect("P", "E", sf.FixedProbability(0.5), 12.0, 1.0, name="PE")
    net.connect("P", "I", sf.FixedProbability(0.5), 12.0, 1.0, name="PI")
    net.connect("E", "E", sf.FixedProbability(0.1, allow_self_connections=False), 3.0, 0.5, name="EE")
    net.connect("E", "I", sf.FixedProbability(0.2), 3.0, sf.Uniform(0.2, 2.0), name="EI")
    net.connect("I", "E", sf.FixedProbability(0.2), 20.0, 0.8, receptor="inhibitory", name="IE")
    net.record_spikes("E")
    net.record_spikes("I")
    net.record_spikes("P")
    if record_state:
        net.record_state("E", ["v", "g_exc"], neurons=[0, 5, 7], interval=0.5)
    return net


@pytest.fixture
def net():
    return small_network()


@pytest.fixture
def sim(net):
    return sf.Simulator(net, seed=5)
