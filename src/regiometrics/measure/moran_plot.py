"""Moran scatter plot figures of a :class:`~regiometrics.measure.moran.MoranScatter`.

The drawing lives in :func:`regiometrics.figures.spatial.moran_scatter_figure` (plain arrays).
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from regiometrics.figures.spatial import moran_scatter_figure
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
    return moran_scatter_figure(
        scatter.z, scatter.wz, slope=scatter.slope, intercept=scatter.intercept,
        moran_i=scatter.I, labels=scatter.entities if label_points else None, title=title,
        xlabel=xlabel, ylabel=ylabel, size=size,
    )


def save_figure(fig: Figure, stem: str | Path) -> tuple[Path, Path]:
    """Write ``fig`` as ``stem.pdf`` and ``stem.png`` (300 dpi); returns both paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    pdf, png = stem.with_suffix(".pdf"), stem.with_suffix(".png")
    fig.savefig(pdf)
    fig.savefig(png, dpi=300)
    return pdf, png
