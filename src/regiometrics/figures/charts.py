"""Bar, stacked-bar and area charts of regional series with a national line (004 Figs 1-2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from regiometrics.spec.literals import ChartKind


def regional_chart(
    series: pd.DataFrame,
    national: pd.Series | None = None,
    *,
    kind: ChartKind = "bar",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str = "",
    size: tuple[float, float] = (6.5, 4.0),
) -> Figure:
    """Periods (index) x series (columns) as grouped bars, stacked bars or stacked areas.

    Parameters
    ----------
    series
        One column per region, the periods as the index (sorted).
    national
        A line drawn over the bars or areas (same index), e.g. the national total.

    Notes
    -----
    Bars of period t sit at ``x = position of t``; grouped bars split the unit width among
    the columns. Every bar's height (and every area's upper edge minus its lower one) is a
    value of ``series``; the national line's y values are ``national``.
    """
    fig = Figure(figsize=size)
    ax = fig.subplots()
    pos = np.arange(len(series.index), dtype=float)
    k = len(series.columns)
    if kind == "bar":
        width = 0.8 / max(k, 1)
        for j, col in enumerate(series.columns):
            ax.bar(pos - 0.4 + width * (j + 0.5), series[col].to_numpy(float), width=width,
                   color=f"C{j % 10}", label=str(col))
    elif kind == "stacked_bar":
        bottom = np.zeros(len(pos))
        for j, col in enumerate(series.columns):
            values = series[col].to_numpy(float)
            ax.bar(pos, values, width=0.7, bottom=bottom, color=f"C{j % 10}", label=str(col))
            bottom = bottom + values
    else:
        ax.stackplot(pos, *(series[c].to_numpy(float) for c in series.columns),
                     labels=[str(c) for c in series.columns],
                     colors=[f"C{j % 10}" for j in range(k)], alpha=0.85)
    if national is not None:
        ax.plot(pos, national.to_numpy(float), color="black", marker="o", markersize=3,
                linewidth=1.4, label=str(national.name or "National"))
    step = max(1, len(pos) // 10)
    ax.set_xticks(pos[::step], [str(t) for t in series.index[::step]])
    ax.set_xlabel(xlabel if xlabel is not None else str(series.index.name or ""))
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(True, axis="y", linewidth=0.4, color="0.85")
    fig.tight_layout()
    return fig
