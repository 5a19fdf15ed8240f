"""``logdet="auto"``: the eigen path up to the measured crossover, the sparse path above.

The crossovers (benchmarks/results/logdet.txt, whole two-way FE SDM fit with effects) are
N = 500 for a W with the symmetric form (row-standardised symmetric 0/1: the symmetric
eigensolver) and N = 300 for any other W (the general eigensolver).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from regiometrics.engine.spatial import logdet as ld
from regiometrics.engine.spatial.panel_data import as_weights
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel
from tests.engine.spatial.spatial_helpers import knn_weights


def _symmetrised(W: sp.csr_matrix) -> sp.csr_matrix:
    C = ((W + W.T) > 0).astype(float)
    return (sp.diags(1.0 / np.asarray(C.sum(axis=1)).ravel()) @ C).tocsr()


def test_crossovers_depend_on_the_eigensolver():
    assert (ld.EIGEN_MAX_N, ld.EIGEN_MAX_N_GENERAL) == (500, 300)
    assert ld.resolve_method("auto", 500, symmetric=True) == "eigen"
    assert ld.resolve_method("auto", 501, symmetric=True) == "splu"
    assert ld.resolve_method("auto", 300, symmetric=False) == "eigen"
    assert ld.resolve_method("auto", 301, symmetric=False) == "splu"
    assert ld.resolve_method("eigen", 5000, symmetric=False) == "eigen"  # asked for: kept


def test_symmetric_form_is_recognised():
    W = as_weights(knn_weights(320, seed=4), 320)  # kNN is not symmetric
    assert not ld.has_symmetric_form(W)
    assert ld.has_symmetric_form(_symmetrised(W))
    assert ld.has_symmetric_form(as_weights(knn_weights(50, seed=4), 50))  # small: no matter


def test_auto_fit_takes_the_faster_path_and_the_same_estimates():
    """At N = 400 auto takes the eigen path for a symmetric-form W and the sparse path for a
    general one; the log-determinant is exact either way, so the estimates equal the other
    path's to the optimiser's tolerance."""
    n, t = 400, 3
    rng = np.random.default_rng(5)
    X = rng.normal(size=(n * t, 2))
    y = X @ np.array([1.0, -0.5]) + rng.normal(size=n * t)
    kw = {"n_entities": n, "n_periods": t, "model": "sar", "effects": "entity"}
    general = as_weights(knn_weights(n, seed=6), n)
    for W, path in ((general, "splu"), (_symmetrised(general), "eigen")):
        auto = fit_spatial_panel(y, X, W, **kw)
        other = fit_spatial_panel(y, X, W, logdet="eigen" if path == "splu" else "splu", **kw)
        assert auto.logdet_method == path
        np.testing.assert_allclose(list(auto.params.values()), list(other.params.values()),
                                   rtol=1e-6)
