"""Specification grids: one base model expanded over every combination of choices.

```yaml
grids:
  - id: robustness
    base: fe2
    term: lpcap
    vary:
      controls: [[], [lpc], [lpc, lemp, unemp]]
      effects: [[entity], [entity, time]]
      filter: [null, "year >= 1975"]
```

Each dimension lists alternatives for one key of the base model: ``controls`` (control
sets), ``effects`` (fixed-effect structures; ``[]`` turns an ``fe`` base into pooled OLS and
effects turn an ``ols`` base into ``fe``), ``filter`` (samples; ``null`` is the full sample),
``formula`` (whole formulas), ``weights`` (spatial W matrices by name) and ``index`` (columns,
e.g. index constructions from the ``indices`` block, that replace ``term`` in the formula; the
row then reports that column's coefficient). The grid is the Cartesian product over the
dimensions in the fixed order formula, index, controls, effects, filter, weights, the last
varying fastest, each in the order its alternatives are listed (Simonsohn, Simmons and
Nelson 2020).
"""

from __future__ import annotations

import itertools
import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from regiometrics.errors import SpecError
from regiometrics.spec.base import SpecBase
from regiometrics.spec.effects import parse_effects
from regiometrics.spec.table_base import TableKindBase

#: The grid dimensions, in the order a row lists them.
GRID_DIMENSIONS = ("formula", "index", "controls", "effects", "filter", "weights")


class GridVary(SpecBase):
    """The alternatives of each varied key (see the module notes)."""

    controls: list[list[str]] | None = None
    effects: list[list[str]] | None = None
    filter: list[str | None] | None = None
    formula: list[str] | None = None
    weights: list[str] | None = None
    index: list[str] | None = None

    @field_validator("effects")
    @classmethod
    def _effects_parse(cls, v: list[list[str]] | None) -> list[list[str]] | None:
        if v is None:
            return v
        try:
            return [[e.text for e in parse_effects(option, where=f"alternative {i + 1}, entry")]
                    for i, option in enumerate(v)]
        except SpecError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _not_empty(self) -> GridVary:
        given = {k: getattr(self, k) for k in GRID_DIMENSIONS if getattr(self, k) is not None}
        if not given:
            raise ValueError(f"vary needs at least one of {', '.join(GRID_DIMENSIONS)}")
        for key, options in given.items():
            if not options:
                raise ValueError(f"{key}: give at least one alternative")
        return self

    def dimensions(self) -> dict[str, list[Any]]:
        """The varied keys and their alternatives, in ``GRID_DIMENSIONS`` order."""
        return {k: list(getattr(self, k)) for k in GRID_DIMENSIONS if getattr(self, k) is not None}


class GridSpec(SpecBase):
    """A specification grid: ``base`` model id, the ``term`` reported, and ``vary``."""

    id: str
    base: str
    term: str
    vary: GridVary
    max_specs: int = Field(default=10_000, ge=1)

    @field_validator("id")
    @classmethod
    def _plain_id(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", v):
            raise ValueError("grid ids use letters, digits, '_', '.', '-' only (they name files)")
        return v

    @model_validator(mode="after")
    def _size(self) -> GridSpec:
        n = 1
        for options in self.vary.dimensions().values():
            n *= len(options)
        if n > self.max_specs:
            raise ValueError(f"the grid has {n} specifications, more than max_specs "
                             f"({self.max_specs}); raise max_specs to run it")
        return self

    def combinations(self) -> list[dict[str, Any]]:
        """Every combination of choices, ``{dimension: choice}``, last dimension fastest."""
        dims = self.vary.dimensions()
        return [dict(zip(dims, combo)) for combo in itertools.product(*dims.values())]


def choice_label(dimension: str, choice: Any) -> str:
    """A short text for one choice (figure rows, tables)."""
    if dimension == "filter":
        return "full sample" if choice is None else str(choice)
    if dimension in ("controls", "effects"):
        if not choice:
            return "none"
        return " + ".join(choice)
    return str(choice)


def substitute_term(formula: str, term: str, column: str) -> str:
    """``formula`` with the variable ``term`` replaced by ``column`` (whole names only)."""
    pattern = r"(?<![A-Za-z0-9_.])" + re.escape(term) + r"(?![A-Za-z0-9_])"
    return re.sub(pattern, column, formula)


def grid_model_changes(base: Any, term: str, choices: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Keyword changes to ``base`` (a ModelSpec) for one combination, and the reported term.

    Raises
    ------
    ValueError
        A choice that the base model type cannot take.
    """
    changes: dict[str, Any] = {}
    reported = term
    formula = choices.get("formula", base.formula)
    if "index" in choices:
        column = choices["index"]
        new = substitute_term(formula, term, column)
        if new == formula and column != term:
            raise ValueError(f"term {term!r} does not occur in the formula {formula!r}, so "
                             f"index {column!r} cannot replace it")
        formula, reported = new, column
    if formula != base.formula:
        changes["formula"] = formula
    if "controls" in choices:
        changes["controls"] = list(choices["controls"])
    if "effects" in choices:
        effects = list(choices["effects"])
        if base.type == "fe" and not effects:
            changes["type"] = "ols"  # pooled: no effects key
        else:
            changes["effects"] = effects
            if base.type == "ols" and effects:
                changes["type"] = "fe"
    if "filter" in choices:
        changes["filter"] = choices["filter"]
    if "weights" in choices:
        changes["weights"] = choices["weights"]
    return changes, reported


class SpecCurveFigureSpec(SpecBase):
    """The specification curve of a grid: estimates sorted, with ``level`` intervals, over a
    panel that marks each specification's choices (Simonsohn, Simmons and Nelson 2020)."""

    id: str
    type: Literal["spec_curve"]
    grid: str
    level: float = Field(default=0.95, gt=0, lt=1)
    title: str | None = None
    ylabel: str | None = None


class GridSummaryTableSpec(TableKindBase):
    """A summary of one or more grids (one column each): number of specifications, median,
    minimum and maximum estimate, share positive, share significant at ``alpha`` (positive and
    negative), and, when the base ran a wild bootstrap, the share significant by its p-value."""

    type: Literal["grid_summary"]
    grids: list[str] = Field(min_length=1)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    decimals: int = Field(default=3, ge=0, le=8)
