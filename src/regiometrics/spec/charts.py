"""Figure kinds of regional series: bar, stacked bar and area charts with a national line
(004's Figures 1-2: regional trade, its regional structure, external dependence)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from regiometrics.spec.base import SpecBase
from regiometrics.spec.literals import NationalLine


class ChartFigureBase(SpecBase):
    """One series per entity of ``variable`` over the periods, and optionally a national line.

    ``share: true`` plots each entity's share of the period total (%, 004 Fig. 1B).
    ``national``: a line computed from the same panel, never a column copied across rows:
    ``sum`` (the total over entities, 004 Fig. 1A), ``mean`` (the simple mean) or
    ``weighted`` (the ``national_weight``-weighted mean, e.g. the GDP-weighted mean of
    regional trade dependence, which is national trade / national GDP, 004 Fig. 2).
    ``entities`` chooses and orders the series; ``rename`` labels them.
    """

    if TYPE_CHECKING:  # each kind declares its own one-value Literal
        type: Literal["bar", "stacked_bar", "area"]
    id: str
    variable: str
    share: bool = False
    national: NationalLine | None = None
    national_weight: str | None = None
    national_label: str = "National"
    entities: list[str] | None = None
    rename: dict[str, str] = Field(default_factory=dict)
    title: str | None = None
    xlabel: str | None = None
    ylabel: str | None = None

    @model_validator(mode="after")
    def _weight_with_weighted(self) -> ChartFigureBase:
        if (self.national == "weighted") != (self.national_weight is not None):
            raise ValueError("national: weighted needs national_weight (a column), and "
                             "national_weight goes with national: weighted")
        if self.share and self.national is not None:
            raise ValueError("share: true plots shares of the total; a national line "
                             "(always 100%) has no place there: leave out national")
        return self


class BarFigureSpec(ChartFigureBase):
    """Grouped bars: one bar per entity in each period."""

    type: Literal["bar"]


class StackedBarFigureSpec(ChartFigureBase):
    """Stacked bars: the entities' values stacked in each period."""

    type: Literal["stacked_bar"]


class AreaFigureSpec(ChartFigureBase):
    """Stacked areas over the periods (with ``share: true``, the regional structure)."""

    type: Literal["area"]


CHART_KINDS: dict[str, type[SpecBase]] = {
    "bar": BarFigureSpec, "stacked_bar": StackedBarFigureSpec, "area": AreaFigureSpec,
}
