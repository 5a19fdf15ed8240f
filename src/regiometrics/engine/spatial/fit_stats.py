"""R² of a spatial panel fit, in the three forms ``xtreg`` and ``xsmle`` print.

xsmle reports ``R-sq: within, between, overall`` for spatial panels, as ``xtreg`` does:
squared correlations between the dependent variable and the linear prediction of the
model's main equation, ``xb = X beta + W X theta`` (the ``x`` and ``W.x`` terms; neither
the spatial lag ``rho W y`` nor the fixed effects). With ``y_it`` and ``xb_it``:

.. math::

    R^2_{overall} = corr(y_{it}, xb_{it})^2, \\quad
    R^2_{between} = corr(\\bar y_i, \\bar{xb}_i)^2, \\quad
    R^2_{within} = corr(y_{it} - \\bar y_i, xb_{it} - \\bar{xb}_i)^2

(entity means over periods). These are descriptive: they do not enter the likelihood and
are not the share of variance the spatial model explains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp


def _corr2(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    denom = float(np.sqrt((a @ a) * (b @ b)))
    return float((a @ b) / denom) ** 2 if denom > 0 else float("nan")


def spatial_r2(
    y: np.ndarray,
    X: np.ndarray,
    W: sp.spmatrix,
    *,
    n_entities: int,
    n_periods: int,
    x_names: Sequence[str],
    durbin_names: Sequence[str],
    params: Mapping[str, float],
) -> dict[str, float]:
    """``r2`` (overall), ``r2_within`` and ``r2_between`` of a spatial panel fit.

    Parameters
    ----------
    y, X
        Dependent variable and regressors, time-major (period 1's entities in the order of
        ``W``, then period 2's ...), untransformed.
    W
        The n x n weights matrix.
    x_names, durbin_names
        Columns of ``X`` and those with a ``W.x`` term.
    params
        Estimates keyed ``x`` and ``W.x`` (other keys, ``rho``/``lambda``, are ignored).
    """
    n, t = n_entities, n_periods
    beta = np.array([params[name] for name in x_names])
    xb = X @ beta
    if durbin_names:
        cols = [list(x_names).index(d) for d in durbin_names]
        theta = np.array([params[f"W.{d}"] for d in durbin_names])
        wx = np.vstack([W @ X[p * n:(p + 1) * n, cols] for p in range(t)])
        xb = xb + wx @ theta
    y_by = y.reshape(t, n)  # rows: periods, columns: entities
    xb_by = xb.reshape(t, n)
    y_bar, xb_bar = y_by.mean(axis=0), xb_by.mean(axis=0)
    return {
        "r2": _corr2(y, xb),
        "r2_between": _corr2(y_bar, xb_bar),
        "r2_within": _corr2((y_by - y_bar).ravel(), (xb_by - xb_bar).ravel()),
    }
