"""spikeforge: spiking neural networks described once, run on the CPU engine or the
neuromorphic core. Units everywhere: ms, mV, nA, nS, pF, Hz."""

from . import _core
from ._core import Error, UnsupportedError, ValidationError
from .analysis import firing_rates, pair_stdp_window, population_rate
from .connectors import (AllToAll, DenseMatrix, FixedInDegree, FixedOutDegree, FixedProbability, FromList,
                         OneToOne)
from .models import NeuronModel, PlasticityRule, model_info, neuron_models, plasticity_rules, rule_info
from .network import Network, Population, Projection, SpikeSource
from .plasticity import (AntiHebbian, Hebbian, Oja, Plasticity, STDP, SymmetricSTDP, ThreeFactorSTDP,
                         TripletSTDP)
from .records import RecordFile, read_records
from .results import CSRWeights, Spikes, StateTrace, Synapses, WeightSnapshots
from .simulator import Simulator, SimulatorOptions, backends
from .values import LogNormal, Normal, Uniform
from . import reference

__version__ = "0.1.0"


def __getattr__(name):
    # spikeforge.plot imports matplotlib: loaded on first use, not with the package.
    # spikeforge.nir imports the `nir` package (and h5py): also loaded on first use.
    if name in ("plot", "nir"):
        import importlib
        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module 'spikeforge' has no attribute '{name}'")

__all__ = [
    "Network", "Population", "Projection", "SpikeSource", "Simulator", "SimulatorOptions", "Spikes", "StateTrace", "Synapses",
    "CSRWeights", "WeightSnapshots", "AllToAll", "OneToOne", "FixedProbability", "FixedInDegree",
    "FixedOutDegree", "FromList", "DenseMatrix", "Uniform", "Normal", "LogNormal", "neuron_models",
    "model_info", "NeuronModel", "backends", "population_rate", "firing_rates", "pair_stdp_window",
    "Error", "ValidationError", "UnsupportedError", "reference", "plot", "nir", "read_records", "RecordFile",
    "PlasticityRule", "plasticity_rules", "rule_info", "Plasticity", "STDP", "SymmetricSTDP", "TripletSTDP", "Hebbian", "Oja", "AntiHebbian", "ThreeFactorSTDP",
]
