"""Descriptive statistics as a frozen result (Table 3 layout of the seed paper 003)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DescriptiveRow:
    """Summary of one variable on the analysis sample (non-missing values)."""

    group: str | None
    variable: str
    n: int
    mean: float
    sd: float
    min: float
    max: float


@dataclass(frozen=True)
class Descriptives:
    """A descriptive-statistics table's numbers; ``sd`` uses the n-1 denominator (Stata)."""

    id: str
    rows: tuple[DescriptiveRow, ...]
