"""Moran scatter plot figures (matplotlib), drawn from :class:`~regiometrics.measure.moran.MoranScatter`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from regiometrics.measure.moran import MoranScatter


def plot_moran_scatter(
    scatter: MoranScatter,
    *,
    title: str | None = None,
    xlabel: str = "z",
    ylabel: str = "Wz",
    label_points: bool = True,
    size: tuple[float, float] = (5.0, 4.5),
) -> Figure:
    """A Moran scatter plot: standardised values (x) against their spatial lag (y).

    Dashed lines at zero split the four quadrants (HH top right, LH top left, LL
    bottom left, HL bottom right); the solid line is the least-squares fit, whose
    slope is Moran's I for row-standardised weights. Entities are labelled when
    ``label_points``. Returns a standalone figure (not registered with pyplot).
    """
    fig = Figure(figsize=size)  # no pyplot: no global figure state, no GUI backend
    ax = fig.subplots()
    ax.scatter(scatter.z, scatter.wz, s=18, color="0.25", zorder=3)
    ax.axhline(0.0, color="0.5", linestyle="--", linewidth=0.8)
    ax.axvline(0.0, color="0.5", linestyle="--", linewidth=0.8)
    lo, hi = float(np.min(scatter.z)), float(np.max(scatter.z))
    pad = 0.05 * (hi - lo)
    xs = np.array([lo - pad, hi + pad])
    ax.plot(xs, scatter.intercept + scatter.slope * xs, color="C3", linewidth=1.2,
            label=f"Moran's I = {scatter.I:.3f}")
    if label_points:
        for name, x, y in zip(scatter.entities, scatter.z, scatter.wz, strict=True):
            ax.annotate(str(name), (x, y), xytext=(3, 3), textcoords="offset points", fontsize=6)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def save_figure(fig: Figure, stem: str | Path) -> tuple[Path, Path]:
    """Write ``fig`` as ``stem.pdf`` and ``stem.png`` (300 dpi); returns both paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    pdf, png = stem.with_suffix(".pdf"), stem.with_suffix(".png")
    fig.savefig(pdf)
    fig.savefig(png, dpi=300)
    return pdf, png
