"""Results of a specification grid: one row per combination of choices."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GridRow:
    """One specification: its choices (``{dimension: choice}``), the reported ``term`` and its
    estimate, standard error, p-value and interval (``level`` of the grid), N, and the wild
    bootstrap p-value when the base model runs one (else NaN); ``df_resid`` the degrees of
    freedom of the t reference (``None``: normal)."""

    choices: Mapping[str, Any]
    term: str
    estimate: float
    std_error: float
    pvalue: float
    ci_low: float
    ci_high: float
    nobs: int
    wild_pvalue: float = math.nan
    df_resid: int | None = None


@dataclass(frozen=True)
class GridResult:
    """All specifications of grid ``id`` (base model, reported term, varied dimensions)."""

    id: str
    base: str
    term: str
    dimensions: tuple[str, ...]
    rows: tuple[GridRow, ...]

    def records(self) -> list[dict[str, Any]]:
        """The results.json rows: the choices flattened beside the numbers."""
        out = []
        for row in self.rows:
            rec: dict[str, Any] = dict(row.choices)
            rec.update(term=row.term, estimate=row.estimate, std_error=row.std_error,
                       pvalue=row.pvalue, ci_low=row.ci_low, ci_high=row.ci_high,
                       nobs=row.nobs)
            if not math.isnan(row.wild_pvalue):
                rec["wild_pvalue"] = row.wild_pvalue
            out.append(rec)
        return out
