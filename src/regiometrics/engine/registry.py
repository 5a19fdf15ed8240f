"""One dispatch point from model type to estimator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from regiometrics.data.panel import Panel
from regiometrics.engine.hausman import hausman
from regiometrics.engine.iv.model import fit_iv_model
from regiometrics.engine.linear import fit_linear
from regiometrics.engine.mediation_model import fit_mediation
from regiometrics.engine.moderation import fit_moderation
from regiometrics.engine.random_effects import fit_re
from regiometrics.engine.spatial.model import fit_spatial_model
from regiometrics.engine.subgroups import fit_subgroups, subgroup_requested
from regiometrics.engine.tobit import fit_tobit
from regiometrics.errors import IdentificationError, RegiometricsError, SpecError
from regiometrics.results import Result
from regiometrics.spec.models import ModelSpec


@dataclass(frozen=True)
class EstimationContext:
    """What an estimator may need besides the model and the panel.

    ``weights`` maps a spec's weights name to a :class:`~regiometrics.data.weights.SpatialWeights`
    (spatial models); ``results`` holds models already fitted in this run, by id.
    """

    weights: Mapping[str, Any] = field(default_factory=dict)
    results: Mapping[str, Result] = field(default_factory=dict)


Estimator = Callable[[ModelSpec, Panel, EstimationContext], Result]


def _panel_only(fit: Callable[[ModelSpec, Panel], Result]) -> Estimator:
    def estimator(model: ModelSpec, panel: Panel, context: EstimationContext) -> Result:
        return fit(model, panel)

    estimator.__doc__ = fit.__doc__
    return estimator


def _refusals_of_linearmodels(fit: Callable[[ModelSpec, Panel], Result]
                              ) -> Callable[[ModelSpec, Panel], Result]:
    """``fit`` with linearmodels' refusals (a rank-deficient design, more regressor means
    than entities for the between regression) raised as IdentificationError."""
    def checked(model: ModelSpec, panel: Panel) -> Result:
        try:
            return fit(model, panel)
        except ValueError as exc:
            raise IdentificationError(
                f"models.{model.id}: random effects cannot be estimated: {exc}"
            ) from None

    checked.__doc__ = fit.__doc__
    return checked


MODEL_REGISTRY: dict[str, Estimator] = {
    "ols": _panel_only(fit_linear),
    "fe": _panel_only(fit_linear),
    "re": _panel_only(_refusals_of_linearmodels(fit_re)),
    "iv": _panel_only(fit_iv_model),
}
MODEL_REGISTRY.update(dict.fromkeys(("sar", "sem", "sdm", "sdem"), fit_spatial_model))
MODEL_REGISTRY["mediation"] = _panel_only(fit_mediation)
MODEL_REGISTRY["moderation"] = _panel_only(fit_moderation)
MODEL_REGISTRY["tobit"] = _panel_only(fit_tobit)


def estimate(model: ModelSpec, panel: Panel, context: EstimationContext | None = None) -> Result:
    """Fit ``model`` on ``panel`` (after the model's own filter) and attach requested tests.

    Every error names the model (``models.<id>``); a singular matrix met while estimating
    (collinear regressors or instruments, a perfect fit) becomes an IdentificationError.
    """
    where = f"models.{model.id}"
    try:
        return _estimate(model, panel, context)
    except RegiometricsError as exc:
        if str(exc).startswith((f"{where}.", f"{where}:", f"{where} ")):
            raise
        raise type(exc)(f"{where}: {exc}") from None
    except np.linalg.LinAlgError as exc:
        raise IdentificationError(
            f"{where}: the model cannot be estimated ({exc}): some regressors or instruments are "
            "collinear, or one of them fits the dependent variable exactly; check the formula "
            "and the sample"
        ) from None


def _estimate(model: ModelSpec, panel: Panel, context: EstimationContext | None) -> Result:
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
        ctx = context or EstimationContext()
        return fit_subgroups(model, sample, lambda m, p: estimator(m, p, ctx))
    result = estimator(model, sample, context or EstimationContext())
    if model.hausman is not None:
        stats = dict(result.stats)
        stats.update(hausman(model, sample, method=model.hausman.method))
        result = replace(result, stats=stats)
    return result
