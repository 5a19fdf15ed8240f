"""One dispatch point from model type to estimator."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from regiometrics.data.panel import Panel
from regiometrics.engine.hausman import hausman
from regiometrics.engine.linear import fit_linear
from regiometrics.engine.random_effects import fit_re
from regiometrics.errors import SpecError
from regiometrics.results import Result
from regiometrics.spec.models import ModelSpec

Estimator = Callable[[ModelSpec, Panel], Result]

MODEL_REGISTRY: dict[str, Estimator] = {
    "ols": fit_linear,
    "fe": fit_linear,
    "re": fit_re,
}


def estimate(model: ModelSpec, panel: Panel) -> Result:
    """Fit ``model`` on ``panel`` (after the model's own filter) and attach requested tests."""
    try:
        estimator = MODEL_REGISTRY[model.type]
    except KeyError:
        raise SpecError(
            f"models.{model.id}.type: no estimator for {model.type!r}; "
            f"available: {', '.join(sorted(MODEL_REGISTRY))}"
        ) from None
    sample = panel.filtered(model.filter, where=f"models.{model.id}.filter")
    result = estimator(model, sample)
    if model.hausman is not None:
        stats = dict(result.stats)
        stats.update(hausman(model, sample, method=model.hausman.method))
        result = replace(result, stats=stats)
    return result
