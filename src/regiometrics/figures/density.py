"""Kernel-density evolution figure: one density curve per chosen year on a common grid."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from regiometrics.errors import DataError

__all__ = ["kde_figure"]

_STYLES = ("-", "--", "-.", ":")


def kde_figure(
    curves: pd.DataFrame,
    *,
    title: str | None = None,
    xlabel: str = "",
    ylabel: str = "Density",
    size: tuple[float, float] = (6.0, 4.0),
) -> Figure:
    """Overlay the density curves of several periods.

    Parameters
    ----------
    curves
        Long frame ``time, x, density`` (as from
        :func:`regiometrics.measure.density.kernel_density`), one curve per ``time`` in the
        order of first appearance.
    title, xlabel, ylabel
        Axis texts.
    size
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A standalone figure (no pyplot state); line styles cycle so curves stay distinct
        in greyscale print.
    """
    missing = [c for c in ("time", "x", "density") if c not in curves.columns]
    if missing:
        raise DataError(f"kde_figure: the curves frame lacks columns {missing}")
    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    for k, t in enumerate(pd.unique(curves["time"])):
        part = curves[curves["time"] == t]
        ax.plot(part["x"], part["density"], linestyle=_STYLES[k % len(_STYLES)], label=str(t))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig
