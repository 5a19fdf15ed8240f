"""Naive wild cluster bootstrap references: every draw refitted with ``lstsq`` on an explicit
dummy design (WCR for OLS, Davidson-MacKinnon's WRE for IV) and its CRV1 t computed by hand.
Shared by the unweighted and weighted wild bootstrap tests."""

from __future__ import annotations

import math

import numpy as np


def cluster_t(X: np.ndarray, Xhat: np.ndarray, u: np.ndarray, codes: np.ndarray, j: int,
              beta_j: float, beta0: float, c: float) -> float:
    """CRV1 t of coefficient ``j`` against ``beta0`` with small-sample factor ``c`` (the bread
    a pseudo-inverse, so a rank-deficient dummy design gives the identified block's t)."""
    bread = np.linalg.pinv(Xhat.T @ X)
    meat = sum(np.outer(Xhat[codes == g].T @ u[codes == g], Xhat[codes == g].T @ u[codes == g])
               for g in np.unique(codes))
    V = c * bread @ meat @ bread.T
    return (beta_j - beta0) / math.sqrt(V[j, j])


def wcr_tstar(y: np.ndarray, X: np.ndarray, j: int, beta0: float, codes: np.ndarray,
              V: np.ndarray, c: float) -> np.ndarray:
    """Refit per draw (WCR): restricted fit under beta_j = beta0, wild DGP, OLS, cluster t."""
    others = np.delete(X, j, axis=1)
    fit = beta0 * X[:, j] + others @ np.linalg.lstsq(others, y - beta0 * X[:, j], rcond=None)[0]
    ur = y - fit
    out = []
    for v in V.T:
        ys = fit + ur * v[codes]
        b = np.linalg.lstsq(X, ys, rcond=None)[0]
        out.append(cluster_t(X, X, ys - X @ b, codes, j, b[j], beta0, c))
    return np.array(out)


def wre_tstar(y1: np.ndarray, y2: np.ndarray, X1: np.ndarray, Z: np.ndarray, beta0: float,
              codes: np.ndarray, V: np.ndarray, c: float) -> np.ndarray:
    """Refit per draw: WRE DGP (Davidson-MacKinnon 2010) for ``y1 = beta y2 + X1 gamma`` with
    excluded instruments ``Z``, 2SLS, cluster t of ``beta``."""
    W = np.column_stack([Z, X1])
    gamma = np.linalg.lstsq(X1, y1 - beta0 * y2, rcond=None)[0]
    u = y1 - beta0 * y2 - X1 @ gamma
    coef = np.linalg.lstsq(np.column_stack([W, u]), y2, rcond=None)[0]
    pi = coef[:-1]
    vres = y2 - W @ pi
    PW = W @ np.linalg.pinv(W)
    out = []
    for v in V.T:
        y2s = W @ pi + vres * v[codes]
        y1s = beta0 * y2s + X1 @ gamma + u * v[codes]
        X = np.column_stack([y2s, X1])
        Xhat = PW @ X
        b = np.linalg.lstsq(Xhat, y1s, rcond=None)[0]
        out.append(cluster_t(X, Xhat, y1s - X @ b, codes, 0, b[0], beta0, c))
    return np.array(out)
