r"""Gaussian kernel density of a variable for chosen years, on one common grid (no plotting).

Chinese regional studies show the evolution of an index by overlaying kernel densities of
several years; a common grid makes the curves comparable and lets the figure code draw
them directly. The returned long frame has one row per (time, grid point):

``time, x, density, bandwidth`` (``bandwidth`` is the kernel standard deviation h used for
that year).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import gaussian_kde

from regiometrics.errors import DataError
from regiometrics.measure._longframe import (
    check_labels,
    check_option,
    check_positive,
    numeric_column,
    require_columns,
    scalar,
)

BandwidthRule = Literal["scott", "silverman"]

__all__ = ["BandwidthRule", "kernel_density"]


def kernel_density(
    df: pd.DataFrame,
    *,
    value: str,
    time: str,
    times: Sequence[Any] | None = None,
    entity: str | None = None,
    weight: str | None = None,
    bandwidth: BandwidthRule | float = "scott",
    grid_size: int = 200,
    grid: Sequence[float] | np.ndarray | None = None,
    cut: float = 3.0,
) -> pd.DataFrame:
    r"""Gaussian kernel density estimate of ``value`` for each chosen period.

    Parameters
    ----------
    df
        Long frame, one row per entity-year.
    value, time
        The variable and the period column.
    times
        Periods to estimate (e.g. ``[2013, 2017, 2021]``); ``None`` uses every period.
    entity
        Optional entity column, only used to name rows in error messages.
    weight
        Optional positive observation weights (e.g. population).
    bandwidth
        ``"scott"`` (:math:`h = \hat\sigma\,n^{-1/5}`), ``"silverman"``
        (:math:`h = \hat\sigma\,(3n/4)^{-1/5}`), both as in ``scipy.stats.gaussian_kde``
        with :math:`\hat\sigma` the (weighted) standard deviation with ddof = 1 and
        :math:`n` the (effective) number of observations; or a positive number, the
        kernel standard deviation :math:`h` itself (as Stata's ``kdensity, bwidth()``).
    grid_size
        Number of grid points when ``grid`` is not given.
    grid
        Explicit increasing evaluation points, shared by all periods.
    cut
        Without ``grid``, the grid runs from :math:`\min_t(\min x_t - \text{cut}\,h_t)` to
        :math:`\max_t(\max x_t + \text{cut}\,h_t)` over the chosen periods.

    Returns
    -------
    DataFrame ``time, x, density, bandwidth``; ``len(times) * len(grid)`` rows.

    Notes
    -----
    .. math:: \hat f_t(x) = \sum_i \frac{w_i}{h_t}\,\phi\!\left(\frac{x - x_{it}}{h_t}\right),
              \qquad \sum_i w_i = 1.
    """
    func = "kernel_density"
    require_columns(func, df, [entity, time, value, weight])
    keys = [entity, time]
    check_labels(func, df, time, keys)
    x = numeric_column(func, df, value, keys)
    if weight is not None:
        w = numeric_column(func, df, weight, keys)
        check_positive(func, df, weight, w, keys, strict=True, why="weights")
    else:
        w = np.ones(len(df))
    if isinstance(bandwidth, str):
        check_option(func, "bandwidth", bandwidth, BandwidthRule)
    elif not (isinstance(bandwidth, int | float) and np.isfinite(bandwidth) and bandwidth > 0):
        raise DataError(
            f"{func}: 'bandwidth' must be 'scott', 'silverman' or a positive "
            f"number (the kernel standard deviation); got {bandwidth!r}."
        )
    available = [scalar(v) for v in sorted(pd.unique(df[time]), key=lambda v: (str(type(v)), v))]
    chosen = available if times is None else list(times)
    missing = [t for t in chosen if t not in set(available)]
    if missing:
        raise DataError(
            f"{func}: {time} {missing} not in the data; available periods are {available}."
        )
    if not chosen:
        raise DataError(f"{func}: no periods chosen; give at least one in 'times'.")

    period = df[time].to_numpy()
    estimates = []
    for t in chosen:
        sel = period == t
        xs, ws = x[sel], w[sel]
        if sel.sum() < 2 or np.ptp(xs) == 0:
            raise DataError(
                f"{func}: '{value}' in {time}={t} has {int(sel.sum())} observation(s) and "
                f"no spread; a kernel density needs at least two distinct values."
            )
        kde = gaussian_kde(
            xs, bw_method=bandwidth if isinstance(bandwidth, str) else None, weights=ws
        )
        if not isinstance(bandwidth, str):
            sigma = float(np.sqrt(kde.covariance[0, 0])) / kde.factor
            kde.set_bandwidth(bandwidth / sigma)
        h = float(np.sqrt(kde.covariance[0, 0]))
        estimates.append((t, kde, h, xs.min(), xs.max()))

    if grid is None:
        if not (isinstance(grid_size, int) and grid_size >= 2):
            raise DataError(f"{func}: 'grid_size' must be an integer >= 2, got {grid_size!r}.")
        lo = min(xmin - cut * h for _, _, h, xmin, _ in estimates)
        hi = max(xmax + cut * h for _, _, h, _, xmax in estimates)
        points = np.linspace(lo, hi, grid_size)
    else:
        points = np.asarray(grid, dtype=float)
        if points.ndim != 1 or len(points) < 2 or np.any(np.diff(points) <= 0):
            raise DataError(
                f"{func}: 'grid' must be a 1-D increasing sequence of at least two points."
            )
    frames = [
        pd.DataFrame({"time": scalar(t), "x": points, "density": kde(points), "bandwidth": h})
        for t, kde, h, _, _ in estimates
    ]
    return pd.concat(frames, ignore_index=True)
