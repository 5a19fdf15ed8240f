"""Keys shared by table kinds, declared once.

:class:`TableKindBase` holds what every table has (id, caption, formats, LaTeX label, notes);
:class:`CoefficientTableBase` adds what every coefficient table has (estimates with standard
errors in parentheses): row selection and labels, indicator rows, statistic rows, stars.
"""

from __future__ import annotations

from pydantic import Field

from regiometrics.spec.base import SpecBase
from regiometrics.spec.literals import IndicatorRow, TableFormat


class TableKindBase(SpecBase):
    """``id`` (file name), ``title`` (caption), ``formats``, ``label`` (LaTeX), ``notes``."""

    id: str
    title: str | None = None
    formats: list[TableFormat] = Field(default_factory=lambda: ["latex", "markdown"])
    label: str | None = None
    notes: list[str] = Field(default_factory=list)


class CoefficientTableBase(TableKindBase):
    """Coefficient tables: ``keep``/``drop``/``rename`` terms, ``indicators`` (YES/NO rows) and
    their labels, ``stats`` rows and labels, ``decimals`` and ``stars`` thresholds."""

    keep: list[str] | None = None
    drop: list[str] = Field(default_factory=list)
    rename: dict[str, str] = Field(default_factory=dict)
    indicators: list[IndicatorRow] = Field(
        default_factory=lambda: ["controls", "entity_fe", "time_fe"]
    )
    indicator_labels: dict[str, str] = Field(default_factory=dict)
    stats: list[str] = Field(default_factory=lambda: ["nobs", "adj_r2"])
    stat_labels: dict[str, str] = Field(default_factory=dict)
    decimals: int = Field(default=3, ge=0, le=8)
    stars: list[float] = Field(default_factory=lambda: [0.10, 0.05, 0.01])
