"""Closed forms of the Kleibergen-Paap (2006) rk statistics and other exact identities.

With one endogenous regressor the rk Wald statistic is the robust (HC0/CR0) Wald test that
all reduced-form coefficients of the excluded instruments are zero, and the rk LM statistic
is the robust score test :math:`g'S^{-1}g`, :math:`g=\\tilde Z'\\tilde x`,
:math:`S=\\sum \\tilde x_i^2\\tilde z_i\\tilde z_i'` (Kleibergen and Paap 2006, sec. 3;
Baum, Schaffer and Stillman 2007, sec. 7). The reference Wald tests here come from
statsmodels' OLS with HC0 / cluster covariances, an independent implementation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from linearmodels.iv import IV2SLS

from regiometrics.engine.iv import anderson_rubin_test, fit_iv, kleibergen_paap
from regiometrics.engine.iv._core import make_clusters, partial_out


def simulated(seed: int, n: int = 300, k2: int = 1, l1: int = 3, clusters: int = 30):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, l1))
    w = np.column_stack([np.ones(n), rng.normal(size=n)])
    v = rng.normal(size=(n, k2)) * (1 + np.abs(z[:, :1]))  # heteroskedastic first stage
    pi = rng.uniform(0.2, 0.6, size=(l1, k2))
    x = z @ pi + w @ rng.normal(size=(2, k2)) + v
    u = 0.5 * v[:, 0] + rng.normal(size=n) * (1 + np.abs(z[:, -1]))
    y = x @ np.ones(k2) + w @ np.array([1.0, -0.5]) + u
    g = rng.integers(0, clusters, size=n)
    return y, w, x, z, g


def sm_wald(target, regressors, cov_type, groups=None):
    kw = {"groups": groups, "use_correction": False} if cov_type == "cluster" else {}
    ols = sm.OLS(target, regressors).fit(cov_type=cov_type, cov_kwds=kw or None)
    b = ols.params
    return float(b @ np.linalg.solve(ols.cov_params(), b))


@pytest.mark.parametrize("vcov", ["robust", "cluster"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rk_wald_equals_robust_first_stage_wald(seed, vcov):
    _y, w, x, z, g = simulated(seed)
    xt, zt = partial_out(w, x), partial_out(w, z)
    clusters = make_clusters(g) if vcov == "cluster" else None
    rk = kleibergen_paap(xt, zt, vcov=vcov, clusters=clusters, wald=True)
    ref = sm_wald(xt[:, 0], zt, "HC0" if vcov == "robust" else "cluster", g)
    assert rk.statistic == pytest.approx(ref, rel=1e-9)
    assert rk.df == z.shape[1]


@pytest.mark.parametrize("vcov", ["robust", "cluster"])
def test_rk_lm_equals_robust_score_statistic(vcov):
    y, w, x, z, g = simulated(7)
    xt, zt = partial_out(w, x)[:, 0], partial_out(w, z)
    h = zt * xt[:, None]
    if vcov == "cluster":
        h = pd.DataFrame(h).groupby(g).sum().to_numpy()
    gvec = zt.T @ xt
    ref = float(gvec @ np.linalg.solve(h.T @ h, gvec))
    res = fit_iv(y, w, x, z, vcov=vcov, clusters=g if vcov == "cluster" else None, small=False)
    assert res.diagnostics["kp_rk_lm"] == pytest.approx(ref, rel=1e-9)


@pytest.mark.parametrize("vcov", ["unadjusted", "robust", "cluster"])
def test_one_endogenous_rk_wald_f_is_first_stage_f(vcov):
    """k2 = 1: KP rk Wald F (CD F when unadjusted) equals the first-stage F of ivreg2."""
    y, w, x, z, g = simulated(11)
    res = fit_iv(y, w, x, z, vcov=vcov, clusters=g if vcov == "cluster" else None,
                 small=False, absorbed_df=5, absorbed_as="sdofminus")
    d = res.diagnostics
    assert d["kp_rk_wald_f"] == pytest.approx(d["first_stage_f:endog1"], rel=1e-9)
    assert d["sw_f:endog1"] == d["first_stage_f:endog1"]
    assert d["shea_partial_r2:endog1"] == pytest.approx(d["partial_r2:endog1"], rel=1e-9)


def test_homoskedastic_stats_are_canonical_correlation_stats():
    """Anderson LM = N rho_min^2 and CD = rho^2/(1-rho^2), rho from numpy's SVD of Q_x'Q_z."""
    y, w, x, z, _ = simulated(5, k2=2, l1=4)
    xt, zt = partial_out(w, x), partial_out(w, z)
    rho = np.linalg.svd(np.linalg.qr(xt)[0].T @ np.linalg.qr(zt)[0], compute_uv=False)
    n = len(y)
    res = fit_iv(y, w, x, z, small=False)
    d = res.diagnostics
    assert d["anderson_lm"] == pytest.approx(n * rho.min() ** 2, rel=1e-10)
    cd = rho.min() ** 2 / (1 - rho.min() ** 2)
    assert d["cd_wald_f"] == pytest.approx(cd * (n - 6) / 4, rel=1e-10)
    assert d["kp_rk_lm"] == d["anderson_lm"] and d["kp_rk_wald_f"] == d["cd_wald_f"]
    cf = fit_iv(y, w, x[:, :1], z, small=False).diagnostics
    f_classic = sm.OLS(x[:, 0], np.column_stack([z, w])).fit().f_test(
        np.eye(6)[:4]).fvalue
    assert cf["cd_wald_f"] == pytest.approx(float(np.squeeze(f_classic)), rel=1e-9)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), scales=st.lists(st.floats(0.01, 100.0), min_size=6,
                                                   max_size=6))
def test_rk_statistics_invariant_to_rescaling(seed, scales):
    """rk statistics do not depend on the units of the instruments or endogenous variables."""
    y, w, x, z, _g = simulated(seed, k2=2, l1=4, n=200)
    base = fit_iv(y, w, x, z, vcov="robust", small=False).diagnostics
    s = np.asarray(scales)
    scaled = fit_iv(y, w, x * s[:2], z * s[2:], vcov="robust", small=False).diagnostics
    for key in ("kp_rk_lm", "kp_rk_wald_f", "anderson_lm", "cd_wald_f", "hansen_j", "ar_f"):
        assert scaled[key] == pytest.approx(base[key], rel=1e-7), key


def test_two_way_clustering_with_singleton_dimension_is_one_way():
    """If the second dimension has one observation per cluster, S2 = S12 and they cancel."""
    y, w, x, z, g = simulated(3, k2=2, l1=3)
    one = fit_iv(y, w, x, z, vcov="cluster", clusters=g, small=False)
    two = fit_iv(y, w, x, z, vcov="cluster", clusters=np.column_stack([g, np.arange(len(y))]),
                 small=False)
    np.testing.assert_allclose(two.vcov, one.vcov, rtol=1e-10)
    for key in ("kp_rk_lm", "kp_rk_wald_f", "hansen_j", "ar_chi2"):
        assert two.diagnostics[key] == pytest.approx(one.diagnostics[key], rel=1e-9), key


def test_two_way_clustering_matches_linearmodels():
    y, w, x, z, g = simulated(9, k2=1, l1=2, n=400)
    g2 = np.random.default_rng(0).integers(0, 12, size=len(y))
    lm = IV2SLS(y, w, x, z).fit(cov_type="clustered", debiased=False,
                                clusters=pd.DataFrame({"a": g, "b": g2}))
    labels = np.column_stack([np.array([f"region{i}" for i in g], dtype=object), g2])
    res = fit_iv(y, w, x, z, vcov="cluster", clusters=labels, small=False)
    order = [1, 2, 0]  # linearmodels: exog first, then endog
    np.testing.assert_allclose(res.vcov[np.ix_(order, order)], lm.cov, rtol=1e-9)
    assert res.n_clusters == min(len(np.unique(g)), 12)


@pytest.mark.parametrize("vcov", ["unadjusted", "robust"])
def test_anderson_rubin_is_reduced_form_wald(vcov):
    """AR chi2 = Wald test of Z in the regression of y - x*b0 on [Z, W] (statsmodels)."""
    y, w, x, z, _ = simulated(4)
    b0 = 0.7
    ar = anderson_rubin_test(y, w, x, z, beta0=[b0], vcov=vcov)
    target = y - x[:, 0] * b0
    ols = sm.OLS(target, np.column_stack([z, w])).fit(
        cov_type="HC0" if vcov == "robust" else "nonrobust")
    cov = ols.cov_params()[:3, :3]
    if vcov == "unadjusted":  # ivreg2's large-sample sigma^2 = RSS/N
        cov = cov * (len(y) - 5) / len(y)
    b = ols.params[:3]
    assert ar["ar_chi2"] == pytest.approx(float(b @ np.linalg.solve(cov, b)), rel=1e-9)
    assert ar["ar_f"] == pytest.approx(ar["ar_chi2"] / 3 * (len(y) - 5) / len(y), rel=1e-12)


def test_anderson_rubin_zero_at_exactly_identified_estimate():
    y, w, x, z, _ = simulated(8, l1=1)
    res = fit_iv(y, w, x, z)
    ar = anderson_rubin_test(y, w, x, z, beta0=[res.params["endog1"]], vcov="robust")
    assert ar["ar_chi2"] == pytest.approx(0.0, abs=1e-18)
    assert res.diagnostics["hansen_j"] == 0.0
