"""The ``aggregate:`` block: entities -> larger units (provinces -> regions) before any stage."""

from __future__ import annotations

from pydantic import Field

from regiometrics.spec.base import SpecBase


class AggregateSpec(SpecBase):
    """Aggregate the panel to the units of column ``by`` (each entity in exactly one unit).

    ``sum``: columns summed within unit-period. ``mean``: ``{column: weight column}``, the
    weighted mean ``sum_i w_i x_i / sum_i w_i`` (``null`` weight: the plain mean). The
    aggregated panel (entity ``by``, the same time column, these columns only) replaces the
    data for every later stage, model, table and figure.
    """

    by: str
    sum: list[str] = Field(default_factory=list)
    mean: dict[str, str | None] = Field(default_factory=dict)
