"""Marginal-effect plot: the treatment's effect over the moderator with its confidence band."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure


def marginal_effect_figure(
    values: Sequence[float],
    estimate: Sequence[float],
    ci_low: Sequence[float],
    ci_high: Sequence[float],
    *,
    xlabel: str = "moderator",
    ylabel: str = "marginal effect",
    title: str | None = None,
    width: float = 5.0,
    height: float = 3.5,
) -> Figure:
    """Line of ``estimate`` against moderator ``values``, shaded ``[ci_low, ci_high]``, zero line.

    Points are drawn in order of ``values``; all four sequences have one entry per value.
    """
    x = np.asarray(values, dtype=float)
    arrays = [np.asarray(a, dtype=float) for a in (estimate, ci_low, ci_high)]
    if any(a.shape != x.shape for a in arrays) or x.ndim != 1 or x.size == 0:
        raise ValueError("values, estimate, ci_low and ci_high need the same non-zero length")
    order = np.argsort(x, kind="stable")
    x = x[order]
    est, lo, hi = (a[order] for a in arrays)
    fig = Figure(figsize=(width, height))
    ax = fig.add_subplot()
    ax.fill_between(x, lo, hi, color="tab:blue", alpha=0.2, linewidth=0, label="95% CI")
    ax.plot(x, est, color="tab:blue", marker="o" if x.size <= 10 else None, label="marginal effect")
    ax.axhline(0.0, color="0.4", linewidth=0.8, linestyle="--")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, loc="best")
    fig.tight_layout()
    return fig
