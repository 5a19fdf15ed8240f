"""One dispatch point from model type to estimator.

Estimator modules are imported on first use, so a run pays only for the model families it
fits (the IV, spatial, Tobit and random-effects modules pull in scipy.optimize,
linearmodels and more).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace

from regiometrics.data.panel import Panel
from regiometrics.engine.context import EstimationContext
from regiometrics.errors import SpecError
from regiometrics.results import Result
from regiometrics.spec.models import ModelSpec

Estimator = Callable[[ModelSpec, Panel, EstimationContext], Result]


def _lazy(module: str, name: str, *, context: bool = False) -> Estimator:
    """An estimator that imports ``regiometrics.engine.<module>.<name>`` when first called."""

    def estimator(model: ModelSpec, panel: Panel, ctx: EstimationContext) -> Result:
        fit = getattr(importlib.import_module(f"regiometrics.engine.{module}"), name)
        return fit(model, panel, ctx) if context else fit(model, panel)

    estimator.__doc__ = f"``regiometrics.engine.{module}.{name}`` (imported on first use)."
    return estimator


MODEL_REGISTRY: dict[str, Estimator] = {
    "ols": _lazy("linear", "fit_linear"),
    "fe": _lazy("linear", "fit_linear"),
    "re": _lazy("random_effects", "fit_re"),
    "iv": _lazy("iv.model", "fit_iv_model"),
}
MODEL_REGISTRY.update(dict.fromkeys(("sar", "sem", "sdm", "sdem"),
                                    _lazy("spatial.model", "fit_spatial_model", context=True)))
MODEL_REGISTRY["mediation"] = _lazy("mediation_model", "fit_mediation")
MODEL_REGISTRY["moderation"] = _lazy("moderation", "fit_moderation")
MODEL_REGISTRY["tobit"] = _lazy("tobit", "fit_tobit")


def subgroup_requested(model: ModelSpec) -> bool:
    """Whether the model asks for subgroup fits (``by``, ``split`` or ``periods``)."""
    return model.by is not None or model.split is not None or model.periods is not None


def estimate(model: ModelSpec, panel: Panel, context: EstimationContext | None = None) -> Result:
    """Fit ``model`` on ``panel`` (after the model's own filter) and attach requested tests."""
    try:
        estimator = MODEL_REGISTRY[model.type]
    except KeyError:
        raise SpecError(
            f"models.{model.id}.type: no estimator for {model.type!r}; "
            f"available: {', '.join(sorted(MODEL_REGISTRY))}"
        ) from None
    sample = panel.filtered(model.filter, where=f"models.{model.id}.filter")
    if model.moderator is not None:  # marginal effects for a linear model with a moderator
        estimator = MODEL_REGISTRY["moderation"]
    if subgroup_requested(model):
        from regiometrics.engine.subgroups import fit_subgroups

        ctx = context or EstimationContext()
        return fit_subgroups(model, sample, lambda m, p: estimator(m, p, ctx))
    result = estimator(model, sample, context or EstimationContext())
    if model.hausman is not None:
        from regiometrics.engine.hausman import hausman

        stats = dict(result.stats)
        stats.update(hausman(model, sample, method=model.hausman.method))
        result = replace(result, stats=stats)
    return result
