"""Line chart of yearly means of indices (the trend figure every index paper shows)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def index_means_figure(
    means: pd.DataFrame,
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str = "Mean",
    size: tuple[float, float] = (6.0, 4.0),
) -> Figure:
    """One line per column of ``means`` (index = time, sorted), markers at each period.

    Parameters
    ----------
    means
        Time periods as the index, one column per series (an index, a sub-index or a group),
        values ``bar{I}_t = (1/N_t) sum_i I_it``.
    """
    fig = Figure(figsize=size)
    ax = fig.subplots()
    for k, column in enumerate(means.columns):
        ax.plot(means.index, means[column], marker="o", markersize=3, linewidth=1.4,
                color=f"C{k % 10}", label=str(column))
    ax.set_xlabel(xlabel if xlabel is not None else str(means.index.name or ""))
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(means.columns) > 1:
        ax.legend(frameon=False, fontsize=8)
    locator = ax.xaxis.get_major_locator()
    if pd.api.types.is_integer_dtype(means.index) and isinstance(locator, MaxNLocator):
        locator.set_params(integer=True)  # the default AutoLocator is a MaxNLocator
    ax.grid(True, linewidth=0.4, color="0.85")
    fig.tight_layout()
    return fig
