"""Spec objects for mechanism analyses: mediation, moderation, subgroups (issue 6).

Model keys (fields of the model spec classes in :mod:`regiometrics.spec.model_kinds` and
:mod:`regiometrics.spec.model_base`):

* ``type: mediation`` with ``treatment``, ``mediators``, ``outcome``, ``mode`` and
  ``bootstrap: {reps, seed, resample, ci, level}``; it takes no ``formula``;
* ``type: moderation`` (or ``fe``/``ols`` with these keys) with ``treatment``, ``moderator``,
  ``center`` and ``at: [p10, p50, 3.5]`` or ``range: 20``;
* subgroups for any model: ``by: column``, ``split: {var, at, level}`` or
  ``periods: {name: [start, end]}``, with ``equality_terms``, ``permutations`` and ``seed``.

Table kinds ``mediation``, ``subgroups`` and ``marginal_effects`` and the figure kind
``marginal_effects`` are defined here too.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from regiometrics.spec.base import MAX_DRAWS, SpecBase
from regiometrics.spec.literals import SubgroupTestRow
from regiometrics.spec.table_base import CoefficientTableBase, TableKindBase

MediationMode = Literal["parallel", "joint"]
BootstrapResample = Literal["entity", "row"]
BootstrapCI = Literal["percentile", "bc"]
SplitLevel = Literal["entity", "entity_year"]

#: Named moderator values: percentiles ``p1``..``p99``, ``mean``, ``min``, ``max``.
AT_TOKEN = re.compile(r"^(p([1-9]|[1-9][0-9])|mean|min|max)$")


class BootstrapSpec(SpecBase):
    """Bootstrap of a mediation model: draws, seed, resampling unit, interval kind, level."""

    reps: int = Field(default=1000, ge=2, le=MAX_DRAWS)
    seed: int = Field(ge=0)
    resample: BootstrapResample = "entity"
    ci: BootstrapCI = "percentile"
    level: float = Field(default=0.95, gt=0, lt=1)


class SplitSpec(SpecBase):
    """A two-group split of the sample at a cut-off of ``var``.

    ``at``: ``median`` (default), ``mean`` or a number; rows (``level: entity_year``) or
    entities (``level: entity``, by the entity's mean of ``var``) above the cut-off form the
    ``high`` group, the rest ``low``. ``level`` must be stated.
    """

    var: str
    at: float | Literal["median", "mean"] = "median"
    level: SplitLevel


class MediationTableSpec(CoefficientTableBase):
    """A Baron-Kenny mediation table (003's Table 6) of one ``type: mediation`` model.

    Columns: the total-effect equation (if ``total_column``), then per mediator the mediator
    equation and the outcome equation; rows: coefficients, indicator rows, statistics, the
    indirect effect a*b and its bootstrap interval (and the Sobel p-value if ``sobel``).
    ``ci_label`` and ``indirect_label`` name those rows (``{level}`` is replaced by the
    bootstrap level in percent, e.g. ``"Bootstrap {level}% CI"``).
    """

    type: Literal["mediation"]
    model: str
    total_column: bool = True
    indirect_row: bool = True
    sobel: bool = False
    ci_decimals: int = Field(default=4, ge=0, le=10)
    ci_label: str | None = None
    indirect_label: str | None = None


class SubgroupTableSpec(CoefficientTableBase):
    """Subgroup columns of one or more subgroup models (003's Table 8), side by side.

    Each model contributes one column per group; a row gives the p-value of the test of
    equal coefficients (interaction Wald, F form) and, when run, the permutation p-value.
    ``group_order`` lists a model's groups in the order to print (``[East, Central, West]``,
    ``[high, low]``; default: as estimated); ``test_rows`` chooses the extra rows
    (``equality_p``, ``permutation_p``; default: those that were run), ``test_labels``
    their labels. Column titles default to the (``group_labels``-renamed) group names.
    With ``wild_bootstrap_row`` each group's own wild cluster bootstrap (the model's
    ``wild_bootstrap`` runs in every group) is printed in brackets.
    """

    type: Literal["subgroups"]
    models: list[str]
    group_labels: dict[str, str] = Field(default_factory=dict)
    group_order: list[str] | None = None
    test_rows: list[SubgroupTestRow] | None = None
    test_labels: dict[str, str] = Field(default_factory=dict)


class MarginalEffectsTableSpec(TableKindBase):
    """Marginal effect of the treatment at each stored moderator value of one model."""

    type: Literal["marginal_effects"]
    model: str
    decimals: int = Field(default=3, ge=0, le=8)
    stars: list[float] = Field(default_factory=lambda: [0.10, 0.05, 0.01])


class MarginalEffectsFigureSpec(SpecBase):
    """Line of the treatment's marginal effect over the moderator, with its CI band."""

    id: str
    type: Literal["marginal_effects"]
    model: str
    title: str | None = None
    xlabel: str | None = None
    ylabel: str | None = None
    width: float = Field(default=5.0, gt=0)
    height: float = Field(default=3.5, gt=0)

    @field_validator("model")
    @classmethod
    def _nonempty(cls, v: str) -> str:
        if not v:
            raise ValueError("name the model whose marginal effects to draw")
        return v


def check_mechanism_references(spec: Any, source: str) -> list[str]:
    """Problems with mechanism tables/figures naming models (empty when all is well)."""
    models = {m.id: m for m in spec.models}
    problems = []
    for entry in [*spec.tables, *spec.figures]:
        where = f"{source}: {'figures' if entry in spec.figures else 'tables'}.{entry.id}"
        if isinstance(entry, (MediationTableSpec, MarginalEffectsTableSpec,
                              MarginalEffectsFigureSpec)):
            model = models.get(entry.model)
            if model is None:
                problems.append(f"{where}.model: unknown model {entry.model!r}; models "
                                f"defined: {', '.join(models) or 'none'}")
            elif isinstance(entry, MediationTableSpec) and model.type != "mediation":
                problems.append(f"{where}.model: {entry.model!r} is type {model.type!r}; a "
                                "mediation table needs a model of type 'mediation'")
            elif not isinstance(entry, MediationTableSpec) and getattr(
                    model, "moderator", None) is None:
                problems.append(f"{where}.model: {entry.model!r} has no moderator; marginal "
                                "effects need a model with treatment and moderator")
        if isinstance(entry, SubgroupTableSpec):
            for mid in entry.models:
                model = models.get(mid)
                if model is not None and all(
                    getattr(model, k, None) is None for k in ("by", "split", "periods")
                ):
                    problems.append(f"{where}.models: {mid!r} has no subgroups; give it "
                                    "by, split or periods")
    return problems

