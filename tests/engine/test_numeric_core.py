"""The one numeric core: demeaning kernel, entity blocks, sandwich K rule, least squares.

References are brute-force: residuals of least squares on explicit dummy matrices (LSDV),
resamples built row by row, and the general eigensolver.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from regiometrics.engine.linear import vcov as vc
from regiometrics.engine.linear.demean import EntityBlocks, demean, is_balanced_grid
from regiometrics.engine.linear.design import find_collinear
from regiometrics.engine.linear.fit import least_squares
from regiometrics.engine.spatial import logdet as ld
from regiometrics.errors import ConvergenceError


def _dummies(codes: list[np.ndarray]) -> np.ndarray:
    return np.column_stack([np.eye(int(c.max()) + 1)[c] for c in codes])


def _lsdv_resid(values: np.ndarray, codes: list[np.ndarray], w: np.ndarray | None = None):
    D = _dummies(codes)
    sw = np.ones(len(values)) if w is None else np.sqrt(w)
    coef = np.linalg.lstsq(D * sw[:, None], values * sw[:, None], rcond=None)[0]
    return values - D @ coef


def _unbalanced(n_e: int = 30, n_t: int = 7, drop: float = 0.2, seed: int = 0):
    rng = np.random.default_rng(seed)
    e, t = np.repeat(np.arange(n_e), n_t), np.tile(np.arange(n_t), n_e)
    keep = rng.uniform(size=e.size) > drop
    keep[:n_t] = True  # entity 0 complete: every period present
    return e[keep], t[keep], rng.normal(size=(int(keep.sum()), 3)) * [1.0, 50.0, 1e-3]


def test_unbalanced_two_way_equals_lsdv() -> None:
    """Accelerated projections reach the dummy-regression residuals (rtol 1e-10)."""
    e, t, z = _unbalanced()
    assert not is_balanced_grid([e, t])
    scale = np.abs(z).max(axis=0)
    np.testing.assert_allclose(demean(z, [e, t]) / scale, _lsdv_resid(z, [e, t]) / scale,
                               rtol=1e-10, atol=1e-12)


def test_three_effects_equal_lsdv() -> None:
    """k = 3 effects (entity, time, region x time) by the same kernel as k = 2."""
    e, t, z = _unbalanced(n_e=40, n_t=6, drop=0.1, seed=3)
    region_time = (e % 4) * 6 + t
    _, rt = np.unique(region_time, return_inverse=True)
    got = demean(z, [e, t, rt])
    scale = np.abs(z).max(axis=0)
    np.testing.assert_allclose(got / scale, _lsdv_resid(z, [e, t, rt]) / scale, rtol=1e-9,
                               atol=1e-11)


def test_balanced_paths_agree_in_any_row_order() -> None:
    """Grid order, time-major order and shuffled rows give the same one-pass result."""
    rng = np.random.default_rng(5)
    n_e, n_t = 9, 5
    e, t = np.repeat(np.arange(n_e), n_t), np.tile(np.arange(n_t), n_e)
    z = rng.normal(size=(n_e * n_t, 2))
    ref = _lsdv_resid(z, [e, t])
    np.testing.assert_allclose(demean(z, [e, t]), ref, rtol=1e-12, atol=1e-13)
    tm = np.lexsort((e, t))  # time-major
    np.testing.assert_allclose(demean(z[tm], [e[tm], t[tm]]), ref[tm], rtol=1e-12, atol=1e-13)
    perm = rng.permutation(len(e))
    assert is_balanced_grid([e[perm], t[perm]])
    np.testing.assert_allclose(demean(z[perm], [e[perm], t[perm]]), ref[perm], rtol=1e-12,
                               atol=1e-13)
    np.testing.assert_allclose(demean(z, [e]), z - _dummies([e]) @ np.linalg.lstsq(
        _dummies([e]), z, rcond=None)[0], rtol=1e-12, atol=1e-13)


def test_weighted_and_stacked_equal_weighted_lsdv() -> None:
    e, t, z = _unbalanced(seed=8)
    w = np.random.default_rng(1).integers(0, 3, size=len(e)).astype(float)
    w[:7] = 1.0
    ref = _lsdv_resid(z, [e, t], w)
    live = w > 0
    got = demean(z, [e, t], weights=w)
    np.testing.assert_allclose(got[live], ref[live], rtol=1e-9, atol=1e-11 * 50)
    stacked = demean(z, [e, t], weights=np.stack([w, 3 * w]))
    assert stacked.shape == (2, *z.shape)
    np.testing.assert_allclose(stacked[1][live], ref[live], rtol=1e-9, atol=1e-11 * 50)


def test_sweep_cap_raises() -> None:
    e, t, z = _unbalanced()
    with pytest.raises(ConvergenceError, match="did not converge in 2 sweeps"):
        demean(z, [e, t], max_iter=2)


@pytest.mark.parametrize("time_effects", [True, False])
def test_entity_blocks_equal_resample_refit(time_effects: bool) -> None:
    """Cross-products of an entity resample (copies as new entities) on an unbalanced panel."""
    e, t, z = _unbalanced(n_e=25, n_t=6, seed=11)
    blocks = EntityBlocks(z, e, t if time_effects else None)
    rng = np.random.default_rng(2)
    draws = rng.integers(0, 25, size=(4, 25))
    counts = np.stack([np.bincount(d, minlength=25) for d in draws]).astype(float)
    got = blocks.moments(counts)
    for b, draw in enumerate(draws):
        rows = np.concatenate([np.flatnonzero(e == i) for i in draw])
        new_e = np.repeat(np.arange(25), [int((e == i).sum()) for i in draw])
        codes = [new_e, np.unique(t[rows], return_inverse=True)[1]] if time_effects else [new_e]
        r = _lsdv_resid(z[rows], codes)
        np.testing.assert_allclose(got[b], r.T @ r, rtol=1e-9, atol=1e-9 * np.abs(r.T @ r).max())


def test_cluster_k_rule() -> None:
    """fixest: effects nested in a cluster are not counted; stata_xtreg: coefficients only."""
    entity = np.repeat(np.arange(6), 4)
    time = np.tile(np.arange(4), 6)
    region = entity // 2
    assert vc.nested_in_cluster(entity, region) and not vc.nested_in_cluster(time, region)
    assert vc.nested_absorbed([entity, time], [region]) == 5
    assert vc.nested_absorbed([entity, time], [region], kept=2) == 4
    k = {"k_full": 3 + 5 + 3, "n_coef": 3, "fe_codes": [entity, time], "clusters": [region]}
    assert vc.cluster_df_k("fixest", **k) == 6
    assert vc.cluster_df_k("stata_xtreg", **k) == 3
    assert vc.cluster_df_k("none", **k) == 11


def test_least_squares_fast_path_and_fallback() -> None:
    rng = np.random.default_rng(4)
    X = np.column_stack([rng.normal(size=(200, 3)), np.ones(200)])
    y = X @ [1.0, -2.0, 0.5, 3.0] + rng.normal(size=200)
    coef, resid, bread = least_squares(X, y)
    ref = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(coef, ref, rtol=1e-12)
    np.testing.assert_allclose(resid, y - X @ ref, rtol=1e-10, atol=1e-12)
    assert bread is not None
    np.testing.assert_allclose(bread, np.linalg.inv(X.T @ X), rtol=1e-10)
    near = np.column_stack([X, X[:, 0] + 1e-6 * rng.normal(size=200)])  # ill-conditioned
    coef, _, bread = least_squares(near, y)
    assert bread is None
    np.testing.assert_allclose(coef, np.linalg.lstsq(near, y, rcond=None)[0], rtol=1e-12)


def test_find_collinear_screen_keeps_reasons() -> None:
    rng = np.random.default_rng(6)
    X = rng.normal(size=(100, 3))
    assert find_collinear(X, ["a", "b", "c"]) == []
    X[:, 2] = X[:, 0] - 2 * X[:, 1]
    assert find_collinear(X, ["a", "b", "c"]) == [(2, "collinear with a, b")]


def test_symmetric_eigen_form_gives_the_same_log_determinant() -> None:
    rng = np.random.default_rng(7)
    n = 320
    C = sp.random(n, n, density=0.02, random_state=rng, data_rvs=lambda k: np.ones(k))
    C = ((C + C.T) > 0).astype(float).tolil()
    for i in range(n):  # no island: a ring
        C[i, (i + 1) % n] = C[(i + 1) % n, i] = 1.0
    C.setdiag(0.0)
    C = C.tocsr()
    W = (sp.diags(1.0 / np.asarray(C.sum(axis=1)).ravel()) @ C).tocsr()
    assert ld._symmetric_form(W) is not None
    fast = ld.make_filter(W, "eigen")
    ev = np.linalg.eigvals(W.toarray())
    for rho in (-0.6, 0.3, 0.9):
        assert fast.logdet(rho) == pytest.approx(float(np.sum(np.log(1 - rho * ev)).real),
                                                 rel=1e-12, abs=1e-10)
    W2 = W.tolil()
    W2[0, 1] *= 2  # no longer a standardised 0/1 matrix
    assert ld._symmetric_form(W2.tocsr()) is None
