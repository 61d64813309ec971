"""Bad input from Python: wrong types raise TypeError, bad values (negative sizes, NaN, ids out of
range, wrong shapes, unknown names) raise ValueError with the C++ message naming object, field and
allowed range; fuzz loops of random bad calls never crash the process and raise only those."""

import math
import random
from pathlib import Path

import numpy as np
import pytest

import spikeforge as sf
from spikeforge import _core

from conftest import small_network

TYPE, VALUE = TypeError, ValueError


def builder_cases():
    """(callable on a fresh network, expected exception, message fragment)."""
    lif = "lif_cond_exp"
    return [
        (lambda n: n.add_population("X", -1, lif), VALUE, "size: -1"),
        (lambda n: n.add_population("X", 2**40, lif), VALUE, "size"),
        (lambda n: n.add_population("X", 3.5, lif), TYPE, "size"),
        (lambda n: n.add_population("X", "10", lif), TYPE, "size"),
        (lambda n: n.add_population("X", True, lif), TYPE, "size"),
        (lambda n: n.add_population(7, 10, lif), TYPE, "name"),
        (lambda n: n.add_population("X", 10, "hh"), VALUE, "unknown"),
        (lambda n: n.add_population("X", 10, lif, tau_m=math.nan), VALUE, "tau_m"),
        (lambda n: n.add_population("X", 10, lif, tau_m="20"), TYPE, "tau_m"),
        (lambda n: n.add_population("X", 10, lif, tau_m=np.ones(3)), VALUE, "3 values"),
        (lambda n: n.add_population("X", 10, lif, tau_m=np.ones((10, 2))), VALUE, "shape"),
        (lambda n: n.add_population("X", 10, lif, tau_m=np.array(["a"] * 10)), TYPE, "dtype"),
        (lambda n: n.add_population("X", 10, lif, tau_m=np.ones(10, dtype=complex)), TYPE, "dtype"),
        (lambda n: n.add_population("X", 10, lif, bogus=1.0), VALUE, "not a parameter"),
        (lambda n: n.add_population("X", 10, lif, initial={"w": 1.0}), VALUE, "not a state variable"),
        (lambda n: n.add_population("X", 10, lif, initial=[1.0]), TYPE, "initial"),
        (lambda n: n.add_population("E", 10, lif), VALUE, "already used"),
        (lambda n: n.add_poisson_source("Q", 5, -np.inf), VALUE, "finite"),
        (lambda n: n.add_poisson_source("Q", 5, None), TYPE, "rate"),
        (lambda n: n.add_poisson_source("Q", 5, 1.0, rate_times=[1.0]), VALUE, "both"),
        (lambda n: n.add_spike_times("S", 5), TYPE, "times"),
        (lambda n: n.add_spike_times("S", [[1.0, math.nan]]), VALUE, "finite"),
        (lambda n: n.connect("E", "E", 0.5, 1.0), TYPE, "connector"),
        (lambda n: n.connect("E", "Z", sf.AllToAll(), 1.0), VALUE, "no population"),
        (lambda n: n.connect("E", "P", sf.AllToAll(), 1.0), VALUE, "no population"),
        (lambda n: n.connect("E", "I", sf.AllToAll(), 1.0, receptor="gaba"), VALUE, "receptor"),
        (lambda n: n.connect("E", "I", sf.AllToAll(), "1"), TYPE, "weight"),
        (lambda n: n.connect("E", "I", sf.AllToAll(), math.nan), VALUE, "weight"),
        (lambda n: n.connect("E", "I", sf.AllToAll(), 1.0, delay=math.inf), VALUE, "delay"),
        (lambda n: n.connect("E", "I", sf.OneToOne(), 1.0), VALUE, "equal size"),
        (lambda n: n.connect("E", "I", sf.FromList([0, 1], [0, 99]), 1.0), VALUE, "index 99"),
        (lambda n: n.connect("E", "I", sf.FromList([0, 1], [0, 1]), [1.0, 2.0, 3.0]), VALUE, "3 values"),
        (lambda n: n.connect("E", "I", sf.DenseMatrix(np.ones((3, 3))), 1.0), VALUE, "shape"),
        (lambda n: n.connect("E", "I", sf.AllToAll(), 1.0, name="EE"), VALUE, "already used"),
        (lambda n: n.record_spikes("E", neurons=[0, 40]), VALUE, "index 40"),
        (lambda n: n.record_spikes("E", neurons=[-1]), VALUE, "index -1"),
        (lambda n: n.record_spikes("E", neurons=[0.5]), TYPE, "integer"),
        (lambda n: n.record_spikes("nobody"), VALUE, "no population"),
        (lambda n: n.record_state("E", ["u"]), VALUE, "not a state variable"),
        (lambda n: n.record_state("E", [1]), TYPE, "variables"),
        (lambda n: n.record_state("E", "v", interval=-1.0), VALUE, "interval"),
        (lambda n: n.record_weights("EE", 0.0), VALUE, "interval"),
        (lambda n: n.record_weights("nothing", 1.0), VALUE, "no projection"),
        (lambda n: n.add_dc_current("E", "1 nA"), TYPE, "amplitude"),
        (lambda n: n.add_dc_current("E", 1.0, neurons=[[0, 1]]), VALUE, "1-D"),
        (lambda n: n.add_step_current("E", [0.0, 1.0], [1.0]), VALUE, "must be equal"),
        (lambda n: setattr(n, "dt", -0.1), VALUE, "dt"),
        (lambda n: setattr(n, "dt", "0.1"), TYPE, "dt"),
        (lambda n: setattr(n, "seed", -3), VALUE, "seed"),
        (lambda n: sf.FixedProbability(1.5), VALUE, "p"),
        (lambda n: sf.FixedProbability(0.1, allow_self_connections=1), TYPE, "allow_self"),
        (lambda n: sf.FixedInDegree(-2), VALUE, "n"),
        (lambda n: sf.FromList([0, 1], [0]), VALUE, "must be equal"),
        (lambda n: sf.Normal(0.0, -1.0), VALUE, "sd"),
        (lambda n: sf.Uniform(2.0, 1.0), VALUE, "low"),
        (lambda n: sf.LogNormal("a", 1.0), TYPE, "mu"),
        (lambda n: sf.Network.from_json(5), TYPE, "text"),
        (lambda n: sf.Network.from_json("{not json"), VALUE, ""),
        (lambda n: sf.model_info(3), TYPE, "str"),
        (lambda n: sf.population_rate(np.ones(3), 0), VALUE, "size"),
        (lambda n: sf.pair_stdp_window([1.0], tau_plus=0.0), VALUE, "tau_plus"),
    ]


@pytest.mark.parametrize("case", range(len(builder_cases())))
def test_builder_rejects_bad_input(case):
    call, exc, fragment = builder_cases()[case]
    with pytest.raises(exc) as info:
        call(small_network())
    assert type(info.value) in (exc, sf.ValidationError) or issubclass(type(info.value), exc)
    assert fragment in str(info.value), f"message {str(info.value)!r} does not mention {fragment!r}"


def test_validation_errors_carry_the_cpp_message():
    net = small_network()
    net.add_population("Bad", 3, "lif_cond_exp", tau_m=sf.Normal(20.0, 5.0))
    with pytest.raises(ValueError, match=r"population 'Bad': tau_m: .*") as info:
        sf.Simulator(net)
    assert isinstance(info.value, sf.ValidationError)
    net = small_network()
    net.add_population("Bad", 3, "lif_cond_exp", v_reset=-40.0, v_thresh=-50.0)
    with pytest.raises(ValueError, match="population 'Bad'"):
        sf.Simulator(net)
    net = small_network()
    net.connect("E", "I", sf.AllToAll(), -1.0, name="neg")
    with pytest.raises(ValueError, match=r"projection 'neg': weight.*>= 0 nS"):
        sf.Simulator(net)
    with pytest.raises(ValueError, match="backend"):
        sf.Simulator(small_network(), backend="gpu")
    with pytest.raises(ValueError, match=r"threads: -1: must be in \[0, 1024\]"):
        sf.Simulator(small_network(), threads=-1)
    with pytest.raises(ValueError, match=r"threads: 1025: must be in \[0, 1024\]"):
        sf.Simulator(small_network(), threads=1025)
    with pytest.raises(TypeError):
        sf.Simulator("network.json")


def simulator_cases(sim):
    n_ee = len(sim.synapses("EE"))
    return [
        (lambda: sim.run(-1.0), VALUE),
        (lambda: sim.run(math.nan), VALUE),
        (lambda: sim.run("10"), TYPE),
        (lambda: sim.run(None), TYPE),
        (lambda: sim.run(1e300), VALUE),
        (lambda: sim.spikes("X"), VALUE),
        (lambda: sim.spikes(3), TYPE),
        (lambda: sim.state("I"), VALUE),
        (lambda: sim.weight_snapshots("EE"), VALUE),
        (lambda: sim.synapses("nope"), VALUE),
        (lambda: sim.weights("EE", format="coo"), VALUE),
        (lambda: sim.weights("EE", format=1), TYPE),
        (lambda: sim.set_weights("EE", np.ones(n_ee + 1)), VALUE),
        (lambda: sim.set_weights("EE", np.ones(0)), VALUE),
        (lambda: sim.set_weights("EE", np.ones((n_ee, 1))), VALUE),
        (lambda: sim.set_weights("EE", np.ones((3, 3))), VALUE),
        (lambda: sim.set_weights("EE", np.full(n_ee, np.nan)), VALUE),
        (lambda: sim.set_weights("EE", np.full(n_ee, -1.0)), VALUE),
        (lambda: sim.set_weights("EE", math.inf), VALUE),
        (lambda: sim.set_weights("EE", "3"), TYPE),
        (lambda: sim.set_weights("EE", True), TYPE),
        (lambda: sim.set_weights("EE", np.array(["a"] * n_ee)), TYPE),
        (lambda: sim.set_weights("EE", np.ones(n_ee, dtype=complex)), TYPE),
        (lambda: sim.set_weights("EE", [object()] * n_ee), TYPE),
        (lambda: sim.set_weights("EE", None), TYPE),
        (lambda: sim.set_weights("XX", 1.0), VALUE),
        (lambda: sim.spike_counts("P"), VALUE),
        (lambda: sim.mean_rate(None), TYPE),
    ]


def test_simulator_rejects_bad_input(sim):
    for k, (call, exc) in enumerate(simulator_cases(sim)):
        with pytest.raises(exc):
            call()
    # Still intact afterwards.
    sim.run(5.0, progress=False)
    np.testing.assert_allclose(sim.synapses("EE").weight, 3.0)


BAD_VALUES = [None, "x", b"x", object(), [], [[1, 2], [3]], -1, -(2**31), 2**70, math.nan, math.inf, -math.inf,
              True, 1.5, 1e300, np.array([]), np.array([1.0, math.nan]), np.ones((2, 2)), np.array(["a"]),
              np.array([1 + 2j]), np.full(3, -5, dtype=np.int64), {"a": 1}, (1, 2, 3), sf.AllToAll(),
              sf.Normal(0.0, 1.0), np.array([2**40]), np.array([-1]), np.float32("nan")]


def test_fuzz_python_api_never_crashes():
    rng = random.Random(1234)
    base = small_network()
    sim = sf.Simulator(base, seed=1)
    sim.run(2.0, progress=False)

    def pick():
        return rng.choice(BAD_VALUES)

    calls = [
        lambda n: n.add_population(pick(), pick(), "lif_cond_exp"),
        lambda n: n.add_population("Z", pick(), pick()),
        lambda n: n.add_population("Z", 4, "lif_curr_exp", tau_m=pick()),
        lambda n: n.add_population("Z", 4, "izhikevich", initial={"v": pick()}),
        lambda n: n.add_poisson_source("Q", pick(), pick()),
        lambda n: n.add_spike_times("S", pick()),
        lambda n: n.connect("E", "I", pick(), pick()),
        lambda n: n.connect("E", "I", sf.FixedProbability(0.1), pick(), pick()),
        lambda n: n.connect(pick(), "I", sf.AllToAll(), 1.0),
        lambda n: n.connect("E", "I", sf.FromList(pick(), pick()), 1.0),
        lambda n: n.connect("E", "I", sf.DenseMatrix(pick())),
        lambda n: n.record_spikes("E", pick()),
        lambda n: n.record_state("E", pick(), pick(), pick()),
        lambda n: n.record_weights(pick(), pick()),
        lambda n: n.add_dc_current("E", pick(), start=pick()),
        lambda n: n.add_step_current("I", pick(), pick()),
        lambda n: sf.FixedProbability(pick(), seed=pick()),
        lambda n: sf.FixedInDegree(pick()),
        lambda n: sf.Normal(pick(), pick()),
        lambda n: sim.run(pick(), progress=False),
        lambda n: sim.set_weights(rng.choice(["EE", "IE", "PE", pick()]), pick()),
        lambda n: sim.spikes(pick()),
        lambda n: sim.state(pick()),
        lambda n: sim.weights(pick(), pick()),
        lambda n: sim.spike_counts(pick()),
        lambda n: sf.Simulator(n, backend=pick()),
        lambda n: sf.Simulator(n, threads=pick(), seed=pick()),
        lambda n: sf.population_rate(pick(), pick(), pick()),
    ]
    outcomes = {"raised": 0, "accepted": 0}
    for i in range(1500):
        call = rng.choice(calls)
        net = small_network(record_state=False)
        try:
            call(net)
            outcomes["accepted"] += 1
        except (TypeError, ValueError, KeyError):
            outcomes["raised"] += 1
        except Exception as e:  # anything else is the wrong exception
            pytest.fail(f"fuzz call {i} raised {type(e).__name__}: {e}")
    assert outcomes["raised"] > 1000, outcomes
    # The simulator survived every bad call and still runs.
    t = sim.time
    sim.run(1.0, progress=False)
    assert sim.time == pytest.approx(t + 1.0)


def mutations():
    """Bad values written straight into the C++ description, past every Python check."""
    D = _core.Distribution

    def pop(net, **changes):
        pops = net.populations
        for k, v in changes.items():
            if k in ("params", "initial"):
                getattr(pops[0], k).update(v)
                setattr(pops[0], k, getattr(pops[0], k) | v)
            else:
                setattr(pops[0], k, v)
        net.populations = pops

    def proj(net, index=2, **changes):
        projs = net.projections
        for k, v in changes.items():
            if k.startswith("connector."):
                c = projs[index].connector
                setattr(c, k.split(".")[1], v)
                projs[index].connector = c
            else:
                setattr(projs[index], k, v)
        net.projections = projs

    def probe(net, index=0, **changes):
        probes = net.probes
        for k, v in changes.items():
            setattr(probes[index], k, v)
        net.probes = probes

    def fromlist(net, pre, post):
        c = _core.Connector()
        c.kind, c.pre, c.post = _core.Connector.Kind.FromList, pre, post
        proj(net, connector=c)

    return [
        lambda n: pop(n, params={"tau_m": D.constant(math.nan)}),
        lambda n: pop(n, params={"tau_m": D.constant(-1.0)}),
        lambda n: pop(n, params={"cm": D.array([1.0, 2.0])}),
        lambda n: pop(n, params={"nonsense": D.constant(1.0)}),
        lambda n: pop(n, initial={"v": D.normal(math.nan, 1.0)}),
        lambda n: pop(n, initial={"q": D.constant(1.0)}),
        lambda n: pop(n, model="nonexistent"),
        lambda n: pop(n, name=""),
        lambda n: proj(n, **{"connector.p": 1.5}),
        lambda n: proj(n, **{"connector.p": math.nan}),
        lambda n: proj(n, **{"connector.kind": _core.Connector.Kind.FixedInDegree, "connector.n": 1000}),
        lambda n: proj(n, **{"connector.kind": _core.Connector.Kind.FixedOutDegree, "connector.n": 1000}),
        lambda n: proj(n, **{"connector.kind": _core.Connector.Kind.OneToOne}, index=1),
        lambda n: proj(n, **{"connector.kind": _core.Connector.Kind.DenseMatrix, "connector.matrix": [1.0]}),
        lambda n: fromlist(n, [0, 1], [0]),
        lambda n: fromlist(n, [0, 10**6], [0, 1]),
        lambda n: proj(n, pre="missing"),
        lambda n: proj(n, post="P"),
        lambda n: proj(n, receptor="dopamine"),
        lambda n: proj(n, delay=D.constant(0.0)),
        lambda n: proj(n, delay=D.constant(math.nan)),
        lambda n: proj(n, delay=D.normal(1.0, 1.0)),
        lambda n: proj(n, weight=D.constant(-1.0)),
        lambda n: proj(n, weight=D.array([1.0, 2.0])),
        lambda n: proj(n, weight=D.uniform(2.0, 1.0)),
        lambda n: probe(n, neurons=[10**6]),
        lambda n: probe(n, target="missing"),
        lambda n: probe(n, index=3, variables=["nothing"]),
        lambda n: probe(n, index=3, interval=-1.0),
        lambda n: probe(n, index=3, interval=math.nan),
        lambda n: setattr(n, "dt", 0.0),
        lambda n: setattr(n, "dt", math.nan),
        lambda n: setattr(n, "dt", -1.0),
    ]


def test_fuzz_cpp_description_never_crashes():
    rng = random.Random(99)
    cases = mutations()
    for i in range(200):
        core = small_network().description
        chosen = rng.sample(range(len(cases)), rng.randint(1, 3))
        for k in chosen:
            cases[k](core)
        with pytest.raises(ValueError) as info:
            sim = _core.Simulator(core, _core.SimulatorOptions(backend="cpu", threads=1, seed=1))
            sim.run(2.0, None)
        assert ":" in str(info.value), f"mutations {chosen}: message {info.value!r} names no field"


# -- the bad-input corpus (tests/bad_inputs), the run-length rule, callbacks ----------------------

BAD_INPUTS = Path(__file__).resolve().parents[1] / "bad_inputs"


def corpus_networks():
    """(network file, message fragments) of every `run {bad}/<file>.json` case of the CLI table."""
    cases = []
    for line in (BAD_INPUTS / "cli_cases.tsv").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        status, args, fragments = line.split("\t")
        words = args.split()
        path = BAD_INPUTS / words[1][len("{bad}/"):] if len(words) > 1 else None
        # Network files that exist and are bad; base.json is the valid file the option cases use.
        if words[0] == "run" and words[1].startswith("{bad}/") and path.is_file() and path.name != "base.json":
            cases.append((path, fragments.split(" | ")))
    return cases


def test_corpus_has_every_network_file():
    files = {p.name for p in BAD_INPUTS.glob("*.json")} - {"base.json"}
    assert files == {path.name for path, _ in corpus_networks()}
    assert len(files) >= 13


@pytest.mark.parametrize("path,fragments", corpus_networks(), ids=lambda x: getattr(x, "name", ""))
def test_corpus_network_is_refused_before_anything_runs(path, fragments, monkeypatch):
    monkeypatch.setenv("SPIKEFORGE_MEMORY_LIMIT", "4G")
    with pytest.raises(sf.ValidationError) as info:
        sim = sf.Simulator(sf.Network.load(path))
        sim.run(1.0, progress=False)
    for fragment in fragments:
        assert fragment in str(info.value), f"{path.name}: {fragment!r} not in {info.value}"


def test_the_base_network_of_the_corpus_runs():
    sim = sf.Simulator(sf.Network.load(BAD_INPUTS / "base.json"))
    sim.run(10.0, progress=False)
    assert sim.steps == 100


def test_run_length_is_the_shared_rule():
    sim = sf.Simulator(small_network(record_state=False))
    for duration in (1e30, -1.0):
        with pytest.raises(sf.ValidationError, match=r"simulator run: duration: .*must be finite, >= 0 and at most "
                                                     r"28147497671065\.6 ms \(a run ends at most 2\^48 steps"):
            sim.run(duration, progress=False)
    with pytest.raises(ValueError, match="inf: must be finite"):
        sim.run(math.inf, progress=False)
    assert sim.steps == 0


def test_modulator_callback_returning_a_non_number_is_named():
    net = sf.Network(dt=0.1)
    net.add_population("E", 4, "lif_curr_exp")
    net.add_spike_times("S", [[1.0], [2.0]])
    net.connect("S", "E", sf.AllToAll(), 0.5, 1.0, plasticity=sf.ThreeFactorSTDP(), name="SE")
    sim = sf.Simulator(net)

    def my_modulator(t):
        return "high"

    sim.set_modulator(my_modulator)
    with pytest.raises(TypeError, match=r"modulator callback \S*my_modulator: M\([0-9.]+ ms\) returned a str: must return "
                                        r"a finite number"):
        sim.run(5.0, progress=False)
    sim.set_modulator(lambda t: np.float32(0.5))  # NumPy scalars are numbers
    sim.run(5.0, progress=False)
    sim.set_modulator(lambda t: True)
    with pytest.raises(TypeError, match="returned a bool"):
        sim.run(5.0, progress=False)


def test_calls_from_the_progress_callback_are_same_thread():
    sim = sf.Simulator(small_network(record_state=False))
    seen, refused = [], []

    def progress(t, t_end):
        seen.append(len(sim.spikes("E").times))  # the engine is between steps: allowed
        for call in (lambda: sim.run(1.0), sim.reset):
            try:
                call()
            except ValueError as e:
                refused.append(str(e))
        return True

    sim.run(10.0, progress=progress)
    assert sim.time == pytest.approx(10.0)
    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] > 0
    assert refused and all("from inside the progress callback" in m for m in refused), refused
    assert not any("another thread" in m for m in refused), refused
    assert any("runs cannot nest" in m for m in refused) and any("reset()" in m for m in refused)


def test_calls_from_the_modulator_callback_are_refused_with_the_reason():
    net = sf.Network(dt=0.1)
    net.add_population("E", 4, "lif_curr_exp")
    net.add_spike_times("S", [[1.0], [2.0]])
    net.connect("S", "E", sf.AllToAll(), 0.5, 1.0, plasticity=sf.ThreeFactorSTDP(), name="SE")
    net.record_spikes("E")
    sim = sf.Simulator(net)
    messages = []

    def modulator(t):
        try:
            sim.spikes("E")
        except ValueError as e:
            messages.append(str(e))
        return 0.0

    sim.set_modulator(modulator)
    sim.run(1.0, progress=False)
    assert messages and all("inside the modulator callback" in m for m in messages), messages
