"""Log-determinants and traces: eigenvalue vs sparse LU vs dense numpy, and Monte Carlo traces.

Independent references: numpy.linalg.slogdet and numpy.linalg.inv of the dense I - rho W.
The W is a 6-nearest-neighbour matrix (not symmetric: complex eigenvalues occur).
Monte Carlo tolerances: with p Rademacher probes the Hutchinson estimate of tr(B) has relative
standard deviation sqrt(2 sum_{i!=j} B_ij^2 / p) / tr(B); at N = 300 and p = 400 that is below
1% for the traces used here, and tests allow about 4 standard deviations.
"""

from __future__ import annotations

import numpy as np
import pytest

from regiometrics.engine.spatial.logdet import (
    build_traces,
    make_filter,
    resolve_method,
    series_order,
    sparse_filter_products,
)
from regiometrics.engine.spatial.panel_data import as_weights
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel
from regiometrics.errors import SpecError
from tests.engine.spatial.spatial_helpers import knn_weights, simulate_sdm

N = 300


@pytest.fixture(scope="module")
def W():
    return as_weights(knn_weights(N, seed=3), N)


@pytest.fixture(scope="module")
def filters(W):
    return make_filter(W, "eigen"), make_filter(W, "splu")


@pytest.mark.parametrize("rho", [-0.8, -0.2, 0.0, 0.35, 0.9])
def test_logdet_eigen_and_splu_equal_dense_slogdet(W, filters, rho):
    """log|I - rho W| by eigenvalues and by sparse LU equal numpy's dense slogdet."""
    sign, want = np.linalg.slogdet(np.eye(N) - rho * W.toarray())
    assert sign > 0
    for f in filters:
        np.testing.assert_allclose(f.logdet(rho), want, rtol=1e-10, atol=1e-10)


def test_eigen_bounds_are_reciprocal_extreme_eigenvalues(W, filters):
    ev = np.linalg.eigvals(W.toarray())
    real = ev.real[np.abs(ev.imag) < 1e-10]
    lo, hi = filters[0].bounds
    np.testing.assert_allclose([lo, hi], [1 / real.min(), 1 / real.max()], atol=1e-8)
    assert filters[1].bounds[0] == pytest.approx(-1.0) and filters[1].bounds[1] == pytest.approx(
        1.0
    )


def test_exact_mean_traces_and_derivatives_equal_dense_inverse(W, filters):
    """a = tr(A^-1)/N, b = tr(A^-1 W)/N and their rho-derivatives from eigenvalues."""
    tr = build_traces(filters[0], rho_max=0.9, probes=10, seed=0)
    assert tr.exact
    Wd = W.toarray()
    rhos = np.array([-0.4, 0.3, 0.7])
    a, b = tr.mean_traces(rhos)
    for r, ai, bi in zip(rhos, a, b):
        inv = np.linalg.inv(np.eye(N) - r * Wd)
        np.testing.assert_allclose(ai, np.trace(inv) / N, rtol=1e-10)
        np.testing.assert_allclose(bi, np.trace(inv @ Wd) / N, rtol=1e-10)
        da, db = tr.mean_trace_derivatives(r)
        np.testing.assert_allclose(da, np.trace(inv @ Wd @ inv) / N, rtol=1e-10)
        np.testing.assert_allclose(db, np.trace(inv @ Wd @ inv @ Wd) / N, rtol=1e-10)


def test_monte_carlo_traces_close_to_exact(filters):
    """Power-series traces from Monte Carlo power traces agree with exact ones (MC tolerance)."""
    exact = build_traces(filters[0], rho_max=0.9, probes=10, seed=0)
    mc = build_traces(filters[1], rho_max=0.9, probes=400, seed=7)
    assert not mc.exact and mc.order == series_order(0.9) and mc.power_traces.size == mc.order + 3
    rhos = np.array([-0.5, 0.2, 0.6, 0.85])
    for e, m in zip(exact.mean_traces(rhos), mc.mean_traces(rhos)):
        np.testing.assert_allclose(m, e, rtol=0, atol=5e-3)  # a ~ 1, b ~ rho t_2 + ...
    np.testing.assert_allclose(
        mc.mean_trace_derivatives(0.5), exact.mean_trace_derivatives(0.5), rtol=2e-2
    )


def test_sparse_filter_products_close_to_dense(filters):
    """tr(G), tr(GG), tr(G'G) for G = W A^-1: sparse LU + Monte Carlo vs dense, and G v."""
    dense = filters[0].filter_products(0.5)
    mc = build_traces(filters[1], rho_max=0.9, probes=400, seed=7)
    sparse = sparse_filter_products(filters[1], mc, 0.5, probes=400, seed=7)
    np.testing.assert_allclose(sparse.tr_g, dense.tr_g, rtol=5e-3)
    np.testing.assert_allclose(sparse.tr_gg, dense.tr_gg, rtol=2e-2)
    np.testing.assert_allclose(sparse.tr_gtg, dense.tr_gtg, rtol=5e-2)
    v = np.random.default_rng(0).normal(size=(N, 3))
    np.testing.assert_allclose(sparse.apply(v), dense.apply(v), rtol=1e-9, atol=1e-12)


def test_series_order_bounds_truncation():
    for r in (0.3, 0.6, 0.85):
        q = series_order(r)
        assert r ** (q + 1) / (1 - r) <= 1e-10 < r**q / (1 - r)
    assert series_order(0.0) == 2
    assert series_order(0.99) == 200  # capped; the tail term carries the remainder


def test_series_tail_exact_when_power_traces_are_constant():
    """If t_j = c for j >= 1, a(rho) = 1 + c rho/(1-rho) exactly, whatever the order."""
    from regiometrics.engine.spatial.logdet import TraceSource

    c, q = 0.01, 5
    ts = TraceSource(n=10, power_traces=np.r_[1.0, np.full(q + 2, c)])
    r = np.array([0.5, 0.95])
    a, b = ts.mean_traces(r)
    np.testing.assert_allclose(a, 1 + c * r / (1 - r), rtol=1e-12)
    np.testing.assert_allclose(b, c / (1 - r), rtol=1e-12)
    da, db = ts.mean_trace_derivatives(0.7)
    np.testing.assert_allclose([da, db], [c / 0.3**2, c / 0.3**2], rtol=1e-12)
    np.testing.assert_allclose(ts.mean_trace_gg(0.7), c / 0.3**2, rtol=1e-12)


def test_resolve_method():
    assert resolve_method("auto", 500) == "eigen"
    assert resolve_method("auto", 5000) == "splu"
    assert resolve_method("splu", 10) == "splu"
    with pytest.raises(SpecError, match="logdet method must be one of"):
        resolve_method("chebyshev", 10)  # type: ignore[arg-type]


def test_splu_fit_equals_eigen_fit(W):
    """Both log-determinants are exact, so the ML estimates agree; Monte Carlo traces only move
    the standard errors and effects slightly."""
    y, X = simulate_sdm(W, n_periods=5, rho=0.4, beta=[1.0, -0.5], theta=[0.5, 0.3], seed=11)
    kw = {"n_entities": N, "n_periods": 5, "model": "sdm", "effects": "twoways"}
    fe = fit_spatial_panel(y, X, W, logdet="eigen", **kw)
    fs = fit_spatial_panel(y, X, W, logdet="splu", trace_probes=400, **kw)
    assert (fe.logdet_method, fs.logdet_method) == ("eigen", "splu")
    np.testing.assert_allclose(list(fs.params.values()), list(fe.params.values()), rtol=1e-7)
    np.testing.assert_allclose(fs.loglik, fe.loglik, rtol=1e-12)
    np.testing.assert_allclose(
        list(fs.std_errors.values()), list(fe.std_errors.values()), rtol=2e-2
    )
    ee, es = fe.effects(method="delta"), fs.effects(method="delta")
    assert ee.exact_traces and not es.exact_traces
    for kind in ("direct", "indirect", "total"):
        np.testing.assert_allclose(
            [getattr(es, kind)[t].estimate for t in es.terms],
            [getattr(ee, kind)[t].estimate for t in ee.terms],
            rtol=5e-3,
        )
