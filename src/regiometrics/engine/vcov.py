"""Covariance estimators for linear models, with named small-sample conventions.

For a linear model with (possibly within-transformed) design :math:`X` (n x p),
residuals :math:`e` and bread :math:`B = (X'X)^{-1}`:

* unadjusted: :math:`V = s^2 B`, :math:`s^2 = e'e / (n - K)`;
* robust (HC1): :math:`V = \\frac{n}{n-K} B \\left(\\sum_i x_i x_i' e_i^2\\right) B`;
* cluster (CRV1): :math:`V = c\\, B \\left(\\sum_g X_g' e_g e_g' X_g\\right) B`,
  :math:`c = \\frac{G}{G-1}\\frac{n-1}{n-K}`;
* two-way cluster (Cameron, Gelbach and Miller 2011): :math:`V_1 + V_2 - V_{12}` with
  :math:`V_{12}` clustered on the intersection; following fixest, every term uses
  :math:`G = \\min(G_1, G_2)`.

``K`` is supplied by the caller, which is where the conventions differ: reghdfe and
fixest count the regressors, the constant and the fixed effects *not nested* in the
cluster variable; Stata's ``xtreg, fe`` counts only the regressors and the constant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from regiometrics.engine.demean import group_sums
from regiometrics.errors import IdentificationError


@dataclass(frozen=True)
class VcovResult:
    """A covariance matrix and the facts a table note needs."""

    matrix: np.ndarray
    kind: str
    n_clusters: tuple[int, ...] = ()
    df_k: int = 0


def _meat_cluster(scores: np.ndarray, codes: np.ndarray) -> np.ndarray:
    sums = group_sums(scores, codes, int(codes.max()) + 1)
    return sums.T @ sums


def unadjusted(X: np.ndarray, resid: np.ndarray, *, df_k: int) -> VcovResult:
    """Classical :math:`s^2 (X'X)^{-1}` with :math:`s^2 = e'e/(n-K)`."""
    n = X.shape[0]
    bread = np.linalg.inv(X.T @ X)
    s2 = float(resid @ resid) / (n - df_k)
    return VcovResult(s2 * bread, "unadjusted", df_k=df_k)


def robust(X: np.ndarray, resid: np.ndarray, *, df_k: int, small: bool = True) -> VcovResult:
    """Heteroskedasticity-robust HC1 (HC0 when ``small`` is false)."""
    n = X.shape[0]
    bread = np.linalg.inv(X.T @ X)
    scores = X * resid[:, None]
    factor = n / (n - df_k) if small else 1.0
    return VcovResult(factor * bread @ (scores.T @ scores) @ bread, "robust", df_k=df_k)


def cluster(
    X: np.ndarray,
    resid: np.ndarray,
    clusters: list[np.ndarray],
    *,
    df_k: int,
    small: bool = True,
) -> VcovResult:
    """One- or two-way cluster-robust covariance (CRV1).

    Parameters
    ----------
    clusters
        One or two integer code arrays.
    df_k
        The K of :math:`(n-1)/(n-K)`.
    small
        Apply :math:`G/(G-1)\\cdot(n-1)/(n-K)`; otherwise no correction.
    """
    n = X.shape[0]
    bread = np.linalg.inv(X.T @ X)
    scores = X * resid[:, None]
    sizes = tuple(int(c.max()) + 1 for c in clusters)
    g = min(sizes)
    if g < 2:
        raise IdentificationError(
            "cluster-robust standard errors need at least 2 clusters; the estimation sample "
            "has 1; use vcov: robust, or cluster by another column"
        )
    factor = (g / (g - 1)) * ((n - 1) / (n - df_k)) if small else 1.0
    if len(clusters) == 1:
        meat = _meat_cluster(scores, clusters[0])
    elif len(clusters) == 2:
        a, b = clusters
        both = np.unique(a * (int(b.max()) + 1) + b, return_inverse=True)[1]
        meat = _meat_cluster(scores, a) + _meat_cluster(scores, b) - _meat_cluster(scores, both)
    else:
        raise ValueError("one or two cluster dimensions are supported")
    return VcovResult(factor * bread @ meat @ bread, "cluster", n_clusters=sizes, df_k=df_k)
