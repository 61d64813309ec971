"""The neuron model table (from the C++ model layer): per model its parameters with unit,
default and allowed range, its state variables, weight unit and sign rules, integration scheme."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import _core

__all__ = ["Parameter", "StateVariable", "NeuronModel", "PlasticityRule", "neuron_models", "model_info",
           "plasticity_rules", "rule_info"]


@dataclass(frozen=True)
class Parameter:
    """One model parameter: name, unit (ms, mV, nA, nS, pF, ... or "" when dimensionless),
    default value, allowed range (low/high, open ends) and its meaning."""

    name: str
    unit: str
    default: float
    low: float
    high: float
    low_open: bool
    high_open: bool
    allowed: str
    meaning: str


@dataclass(frozen=True)
class StateVariable:
    """One state variable: name, unit, initial value when not given (a number, a parameter
    name such as "v_rest", or "b * v") and its meaning."""

    name: str
    unit: str
    initial: object
    meaning: str


@dataclass(frozen=True)
class NeuronModel:
    """One entry of the model table."""

    name: str
    summary: str
    integration: str
    parameters: dict = field(repr=False)
    state: dict = field(repr=False)
    weight_unit: str = ""
    excitatory_sign: str = "any"
    inhibitory_sign: str = "any"

    def defaults(self) -> dict:
        """Default value of every parameter (in its unit)."""
        return {p.name: p.default for p in self.parameters.values()}

    def table(self) -> str:
        """The parameter and state table as plain text."""
        lines = [f"{self.name}: {self.summary}", f"integration: {self.integration}",
                 f"weights: {self.weight_unit} (excitatory {self.excitatory_sign}, "
                 f"inhibitory {self.inhibitory_sign})", "parameters:"]
        for p in self.parameters.values():
            lines.append(f"  {p.name:<12} {p.default:>10g} {p.unit:<6} {p.allowed:<24} {p.meaning}")
        lines.append("state variables:")
        for s in self.state.values():
            lines.append(f"  {s.name:<12} {s.unit:<6} initial {s.initial!s:<12} {s.meaning}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        rows = "\n".join(f"| {p.name} | {p.default:g} | {p.unit} | {p.allowed} | {p.meaning} |"
                         for p in self.parameters.values())
        return (f"**{self.name}**: {self.summary}\n\n| parameter | default | unit | allowed | meaning |\n"
                f"|---|---|---|---|---|\n{rows}\n")


@dataclass(frozen=True)
class PlasticityRule:
    """One entry of the plasticity rule table: parameters (times in ms, rates in Hz, amplitudes in
    the weight unit of the post model), and whether it keeps one eligibility value per synapse."""

    name: str
    summary: str
    parameters: dict = field(repr=False)
    eligibility: bool = False

    def defaults(self) -> dict:
        """Default value of every parameter (in its unit)."""
        return {p.name: p.default for p in self.parameters.values()}


def _parameters(entries) -> dict:
    return {p["name"]: Parameter(p["name"], p["unit"], p["default"], p["range"]["low"], p["range"]["high"],
                                 p["range"]["low_open"], p["range"]["high_open"], p["range"]["text"], p["meaning"])
            for p in entries}


def _load() -> dict:
    table = {}
    for m in _core.neuron_models():
        params = _parameters(m["parameters"])
        state = {s["name"]: StateVariable(s["name"], s["unit"], s["initial"], s["meaning"]) for s in m["state"]}
        table[m["name"]] = NeuronModel(m["name"], m["summary"], m["integration"], params, state, m["weight_unit"],
                                       m["excitatory_sign"], m["inhibitory_sign"])
    return table


_TABLE = _load()
_RULES = {r["name"]: PlasticityRule(r["name"], r["summary"], _parameters(r["parameters"]), r["eligibility"])
          for r in _core.plasticity_rules()}


def neuron_models() -> dict:
    """Every neuron model by name: {"lif_curr_exp": NeuronModel, "lif_cond_exp": ..., ...}."""
    return dict(_TABLE)


def model_info(name: str) -> NeuronModel:
    """The table entry of one model; ValueError listing the models for an unknown name."""
    if not isinstance(name, str):
        raise TypeError(f"neuron model: expected a str, got {type(name).__name__}")
    try:
        return _TABLE[name]
    except KeyError:
        raise ValueError(f"neuron model '{name}': unknown; models: {', '.join(_TABLE)}") from None


def plasticity_rules() -> dict:
    """Every plasticity rule by name: {"stdp_pair": PlasticityRule, "stdp_triplet": ..., ...}."""
    return dict(_RULES)


def rule_info(name: str) -> PlasticityRule:
    """The table entry of one plasticity rule; ValueError listing the rules for an unknown name."""
    if not isinstance(name, str):
        raise TypeError(f"plasticity rule: expected a str, got {type(name).__name__}")
    try:
        return _RULES[name]
    except KeyError:
        raise ValueError(f"plasticity rule '{name}': unknown; rules: {', '.join(_RULES)}") from None
