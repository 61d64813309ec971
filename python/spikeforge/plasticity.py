"""Learning rules for projections: `net.connect(..., plasticity=spikeforge.STDP(a_plus=0.01))`.

A rule is a name from the rule table (docs/plasticity.md) and its parameters in ms, Hz and the
weight unit of the target model; parameters left out take the table's defaults."""

from __future__ import annotations

from . import _core

__all__ = ["Plasticity", "STDP", "SymmetricSTDP", "TripletSTDP", "Hebbian", "Oja", "AntiHebbian",
           "ThreeFactorSTDP"]


class Plasticity:
    """Rule `rule` ("stdp_pair", "stdp_symmetric", "stdp_triplet", "hebbian", "oja", "anti_hebbian",
    "stdp_three_factor") with parameters as keywords. Every rule also takes w_min, w_max (hard bounds),
    dale (1: weights keep their sign) and synaptic scaling (scaling_target_rate Hz, scaling_rate 1/s,
    scaling_tau ms, scaling_interval ms). Flags are given as True/False or 1/0."""

    rule = ""

    def __init__(self, rule: str | None = None, **params):
        if rule is not None:
            self.rule = rule
        if not isinstance(self.rule, str) or not self.rule:
            raise TypeError("plasticity: rule: expected a rule name such as 'stdp_pair'")
        self.params = {}
        for key, value in params.items():
            if isinstance(value, bool):
                value = 1.0 if value else 0.0
            try:
                self.params[key] = float(value)
            except (TypeError, ValueError):
                raise TypeError(f"plasticity '{self.rule}': {key}: expected a number, got {type(value).__name__}")

    def _to_core(self) -> _core.Plasticity:
        return _core.Plasticity(self.rule, dict(self.params))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))
        return f"Plasticity('{self.rule}'{', ' if args else ''}{args})"


class STDP(Plasticity):
    """Pair STDP: a_plus, a_minus, tau_plus (ms), tau_minus (ms), multiplicative, nearest.

    Every rule also takes dendritic_delay: 0 (default) pairs spikes at their emission times; 1 pairs
    as NEST's stdp_synapse (the whole delay dendritic: a post spike pairs one delay later, and a pre
    spike transmits the weight after its own update); needs one constant delay per projection."""
    rule = "stdp_pair"

    def __init__(self, **params):
        super().__init__(None, **params)


class SymmetricSTDP(STDP):
    """Symmetric STDP: a_plus exp(-|dt|/tau_plus) - a_minus exp(-|dt|/tau_minus) for both orders."""
    rule = "stdp_symmetric"


class TripletSTDP(STDP):
    """Triplet STDP (Pfister & Gerstner 2006): tau_plus, tau_minus, tau_x, tau_y (ms), a2_plus,
    a3_plus, a2_minus, a3_minus."""
    rule = "stdp_triplet"


class Hebbian(STDP):
    """Hebbian: each post spike adds eta * x_pre (presynaptic trace, tau_pre ms)."""
    rule = "hebbian"


class Oja(STDP):
    """Oja: each post spike adds eta * (x_pre - alpha * y_post * w)."""
    rule = "oja"


class AntiHebbian(STDP):
    """Anti-Hebbian (lateral connections): each post spike adds -eta * x_pre."""
    rule = "anti_hebbian"


class ThreeFactorSTDP(STDP):
    """Reward-modulated STDP: pair STDP into an eligibility (tau_e ms); dw/dt = learning_rate * M * e
    with the modulator M set by Simulator.set_modulator (C++ API)."""
    rule = "stdp_three_factor"
