"""Helpers for the spatial panel tests: weights from adjacency lists, kNN W, SDM simulation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "spatial_panel"


def weights_from_adjacency(path: Path) -> tuple[list[str], np.ndarray]:
    """Row-standardised W from an adjacency CSV (entity, neighbours separated by ';')."""
    adj = pd.read_csv(path)
    ids = list(adj["entity"])
    pos = {e: i for i, e in enumerate(ids)}
    W = np.zeros((len(ids), len(ids)))
    for i, nbrs in enumerate(adj["neighbours"]):
        for n in str(nbrs).split(";"):
            W[i, pos[n]] += 1.0
    return ids, W / W.sum(axis=1, keepdims=True)


def knn_weights(n: int, *, k: int = 6, seed: int = 0):
    """Row-standardised k-nearest-neighbour W on uniform random points (scipy.sparse CSR)."""
    import scipy.sparse as sp
    from scipy.spatial import cKDTree

    pts = np.random.default_rng(seed).uniform(size=(n, 2))
    _, idx = cKDTree(pts).query(pts, k=k + 1)
    rows = np.repeat(np.arange(n), k)
    return sp.csr_matrix((np.full(n * k, 1.0 / k), (rows, idx[:, 1:].ravel())), shape=(n, n))


def simulate_sdm(W, *, n_periods: int, rho: float, beta, theta, sigma: float = 1.0, seed: int = 0):
    """Two-way FE SDM draw, time-major: y_t = (I - rho W)^{-1}(X_t b + W X_t theta + mu + a_t + e_t).

    Regressors are correlated with the entity effects, so pooled OLS would be biased.
    """
    rng = np.random.default_rng(seed)
    Wd = np.asarray(W.todense()) if hasattr(W, "todense") else np.asarray(W)
    n = Wd.shape[0]
    beta, theta = np.asarray(beta, float), np.asarray(theta, float)
    mu = rng.normal(size=n)
    alpha = rng.normal(size=n_periods)
    A = np.eye(n) - rho * Wd
    X = np.empty((n * n_periods, beta.size))
    y = np.empty(n * n_periods)
    for t in range(n_periods):
        Xt = rng.normal(size=(n, beta.size)) + 0.5 * mu[:, None]
        rhs = Xt @ beta + Wd @ Xt @ theta + mu + alpha[t] + sigma * rng.normal(size=n)
        X[t * n : (t + 1) * n] = Xt
        y[t * n : (t + 1) * n] = np.linalg.solve(A, rhs)
    return y, X
