"""The specification curve (Simonsohn, Simmons and Nelson 2020; R specr's layout).

Top panel: each specification's estimate, sorted, with its interval, zero marked, estimates
significant at the interval's level in a dark colour; bottom panel: one row per choice of
every varied dimension, a mark where the specification made that choice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure


def spec_curve_figure(
    estimates: Sequence[float],
    ci_low: Sequence[float],
    ci_high: Sequence[float],
    choices: Sequence[Sequence[tuple[str, str]]],
    *,
    title: str | None = None,
    ylabel: str = "Estimate",
) -> Figure:
    """Draw the curve from plain data.

    Parameters
    ----------
    estimates, ci_low, ci_high
        One value per specification (any order; the figure sorts by estimate).
    choices
        Per specification, ``(dimension, choice label)`` pairs.
    """
    est = np.asarray(estimates, dtype=float)
    lo, hi = np.asarray(ci_low, dtype=float), np.asarray(ci_high, dtype=float)
    order = np.argsort(est, kind="stable")
    x = np.arange(len(est))
    seen = list(dict.fromkeys(c for spec in choices for c in spec))
    dims = list(dict.fromkeys(d for d, _ in seen))
    # grouped by dimension, each in the order its choices first occur (the grid's order)
    rows = sorted(seen, key=lambda c: (dims.index(c[0]), seen.index(c)))
    fig = Figure(figsize=(7.0, 3.0 + 0.22 * len(rows)))
    top, bottom = fig.subplots(2, 1, sharex=True,
                               gridspec_kw={"height_ratios": [3, max(1.0, 0.25 * len(rows))]})
    sig = (lo[order] > 0) | (hi[order] < 0)
    colours = np.where(sig, "#1f3b73", "#9aa7bd")
    top.vlines(x, lo[order], hi[order], colors=colours, linewidth=0.8)
    top.scatter(x, est[order], c=colours, s=8, zorder=3)
    top.axhline(0.0, color="0.3", linewidth=0.6, linestyle="--")
    top.set_ylabel(ylabel)
    if title:
        top.set_title(title)
    top.grid(True, axis="y", linewidth=0.4, color="0.88")
    index = {r: k for k, r in enumerate(rows)}
    for pos, j in enumerate(order):
        ys = [index[c] for c in choices[j]]
        bottom.scatter([pos] * len(ys), ys, marker="|", s=40, color=colours[pos], linewidths=1.2)
    bottom.set_yticks(range(len(rows)), [f"{d}: {c}" for d, c in rows], fontsize=7)
    bottom.set_ylim(len(rows) - 0.5, -0.5)
    for k in range(1, len(rows)):
        if rows[k][0] != rows[k - 1][0]:
            bottom.axhline(k - 0.5, color="0.8", linewidth=0.5)
    bottom.set_xlabel("Specification (sorted by estimate)")
    bottom.set_xlim(-0.5, len(est) - 0.5)
    fig.tight_layout()
    return fig
