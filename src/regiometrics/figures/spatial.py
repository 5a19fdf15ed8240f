"""Spatial figures: the Moran scatter plot, drawn from plain arrays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure


def moran_scatter_figure(
    z: Sequence[float] | np.ndarray,
    wz: Sequence[float] | np.ndarray,
    *,
    slope: float,
    intercept: float,
    moran_i: float,
    labels: Sequence[object] | None = None,
    title: str | None = None,
    xlabel: str = "z",
    ylabel: str = "Wz",
    size: tuple[float, float] = (5.0, 4.5),
) -> Figure:
    """A Moran scatter plot: standardised values ``z`` (x) against their spatial lag ``wz`` (y).

    Dashed lines at zero split the four quadrants (HH top right, LH top left, LL bottom left,
    HL bottom right); the solid line ``wz = intercept + slope z`` is the least-squares fit,
    whose slope is Moran's I for row-standardised weights (the legend shows ``moran_i``).
    Points are labelled with ``labels`` when given. Returns a standalone figure (no pyplot).
    """
    zv, wzv = np.asarray(z, dtype=float), np.asarray(wz, dtype=float)
    fig = Figure(figsize=size)
    ax = fig.subplots()
    ax.scatter(zv, wzv, s=18, color="0.25", zorder=3)
    ax.axhline(0.0, color="0.5", linestyle="--", linewidth=0.8)
    ax.axvline(0.0, color="0.5", linestyle="--", linewidth=0.8)
    lo, hi = float(np.min(zv)), float(np.max(zv))
    pad = 0.05 * (hi - lo)
    xs = np.array([lo - pad, hi + pad])
    ax.plot(xs, intercept + slope * xs, color="C3", linewidth=1.2,
            label=f"Moran's I = {moran_i:.3f}")
    if labels is not None:
        for name, x, y in zip(labels, zv, wzv, strict=True):
            ax.annotate(str(name), (x, y), xytext=(3, 3), textcoords="offset points", fontsize=6)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="best", frameon=True, framealpha=0.9, edgecolor="none", fontsize=8)
    fig.tight_layout()
    return fig
