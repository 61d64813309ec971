"""Plot helpers (Agg backend) draw exactly the data they are given; the analysis helpers match
hand-computed answers (binned rates, per-neuron rates, the analytic pair-STDP window)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import spikeforge as sf  # noqa: E402
import spikeforge.plot as sfplot  # noqa: E402


@pytest.fixture
def ran(sim):
    sim.run(50.0, progress=False)
    return sim


def test_population_rate_known_answer():
    times = np.array([0.5, 1.0, 4.9, 5.0, 9.99, 12.0])
    t, r = sf.population_rate(times, size=2, bin=5.0, t_stop=15.0)
    np.testing.assert_allclose(t, [2.5, 7.5, 12.5])
    # 3, 2 and 1 spikes from 2 neurons in 5 ms bins: 300, 200, 100 Hz.
    np.testing.assert_allclose(r, [300.0, 200.0, 100.0])


def test_firing_rates_and_stdp_window_known_answers():
    spikes = sf.Spikes(np.array([1.0, 2.0, 3.0]), np.array([0, 2, 2], dtype=np.uint32))
    np.testing.assert_allclose(sf.firing_rates(spikes, 3, 100.0), [10.0, 0.0, 20.0])
    dw = sf.pair_stdp_window([-20.0, 0.0, 10.0], a_plus=0.01, a_minus=0.02, tau_plus=10.0, tau_minus=20.0)
    np.testing.assert_allclose(dw, [-0.02 * np.exp(-1.0), 0.0, 0.01 * np.exp(-1.0)], rtol=1e-15)


def test_raster_draws_every_spike_stacked_by_population(ran):
    ax = sfplot.raster(ran, ["E", "I"])
    lines = ax.get_lines()
    assert len(lines) == 2
    e, i = ran.spikes("E"), ran.spikes("I")
    np.testing.assert_array_equal(lines[0].get_xdata(), e.times)
    np.testing.assert_array_equal(lines[0].get_ydata(), e.ids)
    np.testing.assert_array_equal(lines[1].get_ydata(), i.ids.astype(np.int64) + 40)  # I above the 40 E
    assert lines[0].get_color() != lines[1].get_color()
    ax2 = sfplot.raster({"E": e, "I": i}, {"E": 40, "I": 10})
    np.testing.assert_array_equal(ax2.get_lines()[1].get_ydata(), i.ids.astype(np.int64) + 40)
    assert sf.plot is sfplot
    ax3 = sfplot.raster(e)
    assert len(ax3.get_lines()) == 1
    with pytest.raises(TypeError):
        sfplot.raster([1, 2, 3])
    plt.close("all")


def test_rate_traces_weights_and_stdp_plots(ran, tmp_path):
    fig, axes = plt.subplots(2, 3, figsize=(9, 5))
    ax = sfplot.rate(ran.spikes("E"), 40, bin=10.0, t_stop=50.0, ax=axes[0, 0])
    t, r = sf.population_rate(ran.spikes("E"), 40, bin=10.0, t_stop=50.0)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), r)
    trace = ran.state("E")
    ax = sfplot.traces(trace, "v", ax=axes[0, 1])
    assert len(ax.get_lines()) == 3
    np.testing.assert_array_equal(ax.get_lines()[2].get_ydata(), trace.v[:, 2])
    syn = ran.synapses("EE")
    ax = sfplot.weight_matrix(syn, ax=axes[0, 2])
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), syn.dense())
    ax = sfplot.weight_histogram(syn, bins=10, ax=axes[1, 0])
    assert sum(p.get_height() for p in ax.patches) == len(syn)
    dt = np.linspace(-50.0, 50.0, 41)
    dw = sf.pair_stdp_window(dt)
    ax = sfplot.stdp_window(dt, dw, ax=axes[1, 1])
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), dw)
    with pytest.raises(ValueError):
        sfplot.stdp_window(dt, dw[:-1])
    out = tmp_path / "figure.png"
    fig.savefig(out)
    assert out.stat().st_size > 10_000
    plt.close("all")
