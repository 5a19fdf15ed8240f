"""Builders of the regional-series charts (bar, stacked bar, area) from a run's panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from regiometrics.errors import DataError, SpecError
from regiometrics.pipeline.context import RunContext
from regiometrics.spec.charts import ChartFigureBase

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def chart_data(spec: ChartFigureBase, ctx: RunContext) -> tuple[pd.DataFrame, pd.Series | None]:
    """The plotted numbers: periods x entities of ``spec.variable`` and the national line.

    Notes
    -----
    With ``share``: ``100 x_it / sum_j x_jt``. National line: ``sum_i x_it`` (``sum``),
    ``(1/N) sum_i x_it`` (``mean``) or ``sum_i w_it x_it / sum_i w_it`` (``weighted``), over
    every entity of the panel in period t (not only the ``entities`` shown).
    """
    where = f"figures.{spec.id}"
    panel = ctx.panel
    if panel.time is None:
        raise SpecError(f"{where}: needs a panel with a time column (data.time)")
    panel.require([spec.variable] + ([spec.national_weight] if spec.national_weight else []),
                  where=where)
    frame = panel.frame
    x = panel.numeric(spec.variable, where=f"{where}.variable")
    if x.isna().any():
        bad = frame.loc[x.isna(), [panel.entity, panel.time]].head(10)
        raise DataError(f"{where}: {spec.variable!r} is missing at ({panel.entity}, "
                        f"{panel.time}) {list(map(tuple, bad.to_numpy().tolist()))}")
    wide = x.groupby([frame[panel.time], frame[panel.entity]]).sum().unstack(panel.entity)
    wide = wide.sort_index()
    wide.columns = [str(c) for c in wide.columns]
    national = None
    if spec.national == "sum":
        national = wide.sum(axis=1)
    elif spec.national == "mean":
        national = wide.mean(axis=1)
    elif spec.national == "weighted":
        w = panel.numeric(spec.national_weight or "", where=f"{where}.national_weight")
        num = (x * w).groupby(frame[panel.time]).sum()
        national = (num / w.groupby(frame[panel.time]).sum()).sort_index()
    if spec.share:
        wide = wide.div(wide.sum(axis=1), axis=0) * 100.0
    if spec.entities is not None:
        unknown = [e for e in spec.entities if e not in wide.columns]
        if unknown:
            raise SpecError(f"{where}.entities: {unknown} are not entities of the panel; "
                            f"entities: {', '.join(wide.columns)}")
        wide = wide[list(spec.entities)]
    wide = wide.rename(columns=spec.rename)
    if national is not None:
        national = national.rename(spec.national_label)
    return wide, national


def chart(spec: ChartFigureBase, ctx: RunContext) -> Figure:
    """The figure of :func:`chart_data` (``spec.type``: bar, stacked_bar or area)."""
    # imported here so that matplotlib loads only when a figure is drawn
    from regiometrics.figures.charts import regional_chart
    series, national = chart_data(spec, ctx)
    # the plotted numbers go to results.json figures.<id>.data
    ctx.artifacts.setdefault("figure_data", {})[spec.id] = plotted_json(series, national)
    ylabel = spec.ylabel if spec.ylabel is not None else (
        f"{spec.variable} (% of total)" if spec.share else spec.variable)
    return regional_chart(series, national, kind=spec.type,
                          title=spec.title, xlabel=spec.xlabel, ylabel=ylabel)


def plotted_json(series: pd.DataFrame, national: pd.Series | None) -> dict[str, Any]:
    """``{"periods": [...], "series": {name: [...]}, "national": {name: [...]}}``: every
    plotted value, in plotting order (NaN as None)."""
    def values(s: pd.Series) -> list[float | None]:
        return [None if pd.isna(v) else float(v) for v in s.to_numpy()]
    out: dict[str, Any] = {
        "periods": [v.item() if hasattr(v, "item") else v for v in series.index],
        "series": {str(c): values(series[c]) for c in series.columns},
    }
    if national is not None:
        out["national"] = {str(national.name): values(national)}
    return out


CHART_BUILDERS = {"bar": chart, "stacked_bar": chart, "area": chart}
