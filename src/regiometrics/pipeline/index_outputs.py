"""Builders of the index tables (002 Tables 2-4) and the index-means figure from a run."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from regiometrics.errors import RegiometricsError, SpecError
from regiometrics.measure.typology import index_table, rank_typology
from regiometrics.pipeline.context import RunContext
from regiometrics.spec.index_outputs import (
    IndexMeansFigureSpec,
    IndexValuesTableSpec,
    IndexWeightsTableSpec,
    TypologyTableSpec,
)
from regiometrics.tables.grid import TableGrid
from regiometrics.tables.indices import index_values_table, index_weights_table, typology_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _year(value: int | str, times: list, where: str) -> object:
    """Match a spec's year (YAML int or str) to the panel's time values."""
    for t in times:
        if t == value or str(t) == str(value):
            return t
    raise SpecError(f"{where}: year {value!r} is not in the data; years present: "
                    f"{', '.join(map(str, sorted(times)))}")


def _needs_time(ctx: RunContext, where: str) -> str:
    if ctx.panel.time is None:
        raise SpecError(f"{where}: needs a panel with a time column (data.time)")
    return ctx.panel.time


def weights_grid(spec: IndexWeightsTableSpec, ctx: RunContext) -> TableGrid:
    """002 Table 2 for the index ``spec.index``."""
    result = ctx.artifact("indices", spec.index, where=f"tables.{spec.id}.index")
    if result.method == "pca":
        raise SpecError(f"tables.{spec.id}: index {spec.index!r} is a PCA index; it has "
                        "loadings, not indicator weights (see results.json indices.extra)")
    return index_weights_table(result.weights, spec)


def values_grid(spec: IndexValuesTableSpec, ctx: RunContext) -> TableGrid:
    """002 Table 3: entities x years of ``spec.column`` with a mean row."""
    where = f"tables.{spec.id}"
    time = _needs_time(ctx, where)
    panel = ctx.panel
    panel.require([spec.column], where=f"{where}.column")
    times = pd.unique(panel.frame[time]).tolist()
    years = None if spec.years is None else [
        _year(y, times, f"{where}.years") for y in spec.years
    ]
    try:
        table = index_table(panel.frame, entity=panel.entity, time=time, column=spec.column,
                            years=years, mean_row=spec.mean_row, mean_label=spec.mean_label)
    except RegiometricsError as exc:
        raise type(exc)(f"{where}: {exc}") from None
    return index_values_table(table, spec, entity_label=panel.entity)


def typology_grid(spec: TypologyTableSpec, ctx: RunContext) -> TableGrid:
    """002 Table 4: the rank-band typology of ``spec.x`` by ``spec.y``."""
    where = f"tables.{spec.id}"
    panel = ctx.panel
    panel.require([spec.x, spec.y], where=where)
    year = None
    if spec.year is not None:
        time = _needs_time(ctx, where)
        year = _year(spec.year, pd.unique(panel.frame[time]).tolist(), f"{where}.year")
    try:
        typology = rank_typology(panel.frame, entity=panel.entity, x=spec.x, y=spec.y,
                                 time=panel.time, year=year, bands=spec.bands,
                                 labels=spec.band_labels)
    except RegiometricsError as exc:
        raise type(exc)(f"{where}: {exc}") from None
    ranges = dict(zip(spec.band_labels, typology.bands, strict=True))
    table = typology.table.assign(
        lo_x=[ranges[b][0] for b in typology.table["band_x"]],
        hi_x=[ranges[b][1] for b in typology.table["band_x"]],
        lo_y=[ranges[b][0] for b in typology.table["band_y"]],
        hi_y=[ranges[b][1] for b in typology.table["band_y"]],
    )
    unknown = sorted(set(spec.type_names) - set(table["type"]))
    if unknown:
        raise SpecError(f"{where}.type_names: unknown types {unknown}; types are "
                        f"{', '.join(table['type'])}")
    return typology_table(table, spec)


def index_means(spec: IndexMeansFigureSpec, ctx: RunContext) -> pd.DataFrame:
    """Yearly means (rows = periods) of the figure's columns, or of one column by group."""
    where = f"figures.{spec.id}"
    time = _needs_time(ctx, where)
    panel = ctx.panel
    panel.require(spec.columns + ([spec.by] if spec.by else []), where=where)
    frame = panel.frame
    if spec.by is None:
        means = frame.groupby(time)[spec.columns].mean()
    else:
        means = frame.groupby([time, spec.by])[spec.columns[0]].mean().unstack(spec.by)
        means.columns = [str(c) for c in means.columns]
    return means.sort_index().rename(columns=spec.rename)


def index_means_chart(spec: IndexMeansFigureSpec, ctx: RunContext) -> Figure:
    """The line chart of :func:`index_means`."""
    # imported here so that matplotlib loads only when a figure is drawn
    from regiometrics.figures.index_means import index_means_figure
    return index_means_figure(index_means(spec, ctx), title=spec.title,
                              xlabel=spec.xlabel, ylabel=spec.ylabel)
