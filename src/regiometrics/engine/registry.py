"""One dispatch point from model type to estimator.

Estimator modules are imported on first use, so a run pays only for the model families it
fits (the IV, spatial and Tobit modules pull in scipy.optimize and more).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace
from typing import cast

import numpy as np

from regiometrics.data.panel import Panel
from regiometrics.engine.context import EstimationContext
from regiometrics.errors import IdentificationError, RegiometricsError, SpecError
from regiometrics.results import Result
from regiometrics.spec.iv import IvSpec
from regiometrics.spec.model_kinds import FeSpec, OlsSpec
from regiometrics.spec.models import LinearModel, ModelSpec, SubgroupModel
from regiometrics.spec.spatial import SPATIAL_MODEL_TYPES

Estimator = Callable[[ModelSpec, Panel, EstimationContext], Result]


def _lazy(module: str, name: str, *, context: bool = False) -> Estimator:
    """An estimator that imports ``regiometrics.engine.<module>.<name>`` when first called."""

    def estimator(model: ModelSpec, panel: Panel, ctx: EstimationContext) -> Result:
        fit = getattr(importlib.import_module(f"regiometrics.engine.{module}"), name)
        return fit(model, panel, ctx) if context else fit(model, panel)

    estimator.__doc__ = f"``regiometrics.engine.{module}.{name}`` (imported on first use)."
    return estimator


def _numeric_refusals(fit: Estimator) -> Estimator:
    """``fit`` with a failed linear-algebra step (LAPACK's ``LinAlgError`` is a ValueError)
    raised as IdentificationError naming the model."""
    def checked(model: ModelSpec, panel: Panel, ctx: EstimationContext) -> Result:
        try:
            return fit(model, panel, ctx)
        except ValueError as exc:
            raise IdentificationError(
                f"models.{model.id}: random effects cannot be estimated: {exc}"
            ) from None

    checked.__doc__ = fit.__doc__
    return checked


MODEL_REGISTRY: dict[str, Estimator] = {
    "ols": _lazy("linear.fit", "fit_linear"),
    "fe": _lazy("linear.fit", "fit_linear"),
    "re": _numeric_refusals(_lazy("linear.random_effects", "fit_re")),
    "iv": _lazy("iv.model", "fit_iv_model"),
}
MODEL_REGISTRY.update(dict.fromkeys(("sar", "sem", "sdm", "sdem"),
                                    _lazy("spatial.model", "fit_spatial_model", context=True)))
MODEL_REGISTRY["mediation"] = _lazy("mechanisms.mediation", "fit_mediation")
MODEL_REGISTRY["moderation"] = _lazy("mechanisms.moderation", "fit_moderation")
MODEL_REGISTRY["tobit"] = _lazy("tobit.model", "fit_tobit")


def subgroup_requested(model: ModelSpec) -> bool:
    """Whether the model asks for subgroup fits (``by``, ``split`` or ``periods``)."""
    return any(getattr(model, k, None) is not None for k in ("by", "split", "periods"))


def attach_wild_bootstrap(model: ModelSpec, panel: Panel, result: Result) -> Result:
    """Add the wild cluster bootstrap when the model asks for one (module imported on use)."""
    if not isinstance(model, (OlsSpec, FeSpec, IvSpec)) or model.wild_bootstrap is None:
        return result
    from regiometrics.engine.inference.wild_model import attach_wild_bootstrap as attach

    return attach(model, panel, result)


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
    if getattr(model, "moderator", None) is not None:  # marginal effects for a linear model with a moderator
        estimator = MODEL_REGISTRY["moderation"]
    if subgroup_requested(model):
        from regiometrics.engine.mechanisms.subgroups import fit_subgroups

        ctx = context or EstimationContext()
        return fit_subgroups(
            cast(SubgroupModel, model), sample, lambda m, p: attach_wild_bootstrap(m, p, estimator(m, p, ctx)))
    result = estimator(model, sample, context or EstimationContext())
    test = getattr(model, "hausman", None)
    if test is not None and model.type not in SPATIAL_MODEL_TYPES:
        # spatial models attach their own FE-vs-RE test (engine.spatial.re_model)
        from regiometrics.engine.linear.hausman import hausman

        stats = dict(result.stats)
        stats.update(hausman(cast(LinearModel, model), sample, method=test.method))
        result = replace(result, stats=stats)
    return attach_wild_bootstrap(model, sample, result)
