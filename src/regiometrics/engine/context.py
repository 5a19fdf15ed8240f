"""What an estimator may need besides its model and panel (its own module, so estimators
that take it do not import the registry that dispatches to them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from regiometrics.results import Result


@dataclass(frozen=True)
class EstimationContext:
    """What an estimator may need besides the model and the panel.

    ``weights`` maps a spec's weights name to a :class:`~regiometrics.data.weights.SpatialWeights`
    (spatial models); ``results`` holds models already fitted in this run, by id.
    """

    weights: Mapping[str, Any] = field(default_factory=dict)
    results: Mapping[str, Result] = field(default_factory=dict)
