"""Spatial panel ML against R's spatialreg/spdep (tests/fixtures/spatial_panel/make_fixtures.R).

Reference: spatialreg 1.2.6 lagsarlm/errorsarlm/impacts and spdep 1.2.7 lm.LMtests on the
stacked N*T data with block-diagonal weights kronecker(I_T, W), data stacked time-major (all
states of 1970, then 1971, ...; states alphabetical).  Fixed effects: demeaned data plus
factor(year) dummies when time effects are present (equal to LSDV ML, cross-checked inside the R
script).  Produc: plm::Produc, 48 states 1970-1986, W = queen contiguity of the 48 contiguous
states from spData::us_states.  Torus: simulated SDM on a 7 x 7 rook torus, where W is doubly
stochastic and R's asymptotic covariance equals Elhorst's information-matrix covariance.

Tolerances: rho/lambda and sigma^2 rtol 1e-6 (R's optimiser stops within a few 1e-8 of
rho/lambda; the likelihood is flat to machine precision there, so ours also moves by ~1e-7
between SciPy releases' Brent implementations); slopes rtol 1e-5, since that shift in the
spatial parameter moves small coefficients (|b| ~ 0.004) by up to ~2e-6 relative;
log-likelihoods rtol 1e-9; closed-form LM statistics rtol 1e-8.
"""

from __future__ import annotations

import numpy as np
import pytest

from regiometrics.engine.spatial.lm_tests import spatial_lm_tests
from regiometrics.engine.spatial.model_tests import durbin_tests
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel

PRODUC_CASES = [
    ("sar_twoways", "sar", "twoways"),
    ("sdm_twoways", "sdm", "twoways"),
    ("sem_twoways", "sem", "twoways"),
    ("sdem_twoways", "sdem", "twoways"),
    ("sar_entity", "sar", "entity"),
    ("sdm_entity", "sdm", "entity"),
    ("sem_entity", "sem", "entity"),
    ("sar_time", "sar", "time"),
    ("sdm_time", "sdm", "time"),
]


def _fit(case, model, effects, **kw):
    return fit_spatial_panel(
        case.y,
        case.X,
        case.W,
        n_entities=case.n_entities,
        n_periods=case.n_periods,
        model=model,
        effects=effects,
        x_names=case.x_names,
        **kw,
    )


def _check_estimates(fit, ref, x_names):
    sp = "rho" if "rho" in ref else "lambda"
    assert fit.spatial_param == sp
    slope_rtol = 1e-5  # follows the precision of the spatial parameter (module docstring)
    np.testing.assert_allclose(fit.params[sp], ref[sp], rtol=1e-6)
    np.testing.assert_allclose(
        [fit.params[x] for x in x_names], [ref["beta"][x] for x in x_names], rtol=slope_rtol
    )
    if "theta" in ref:
        np.testing.assert_allclose(
            [fit.params[f"W.{x}"] for x in x_names], [ref["theta"][x] for x in x_names],
            rtol=slope_rtol,
        )
    np.testing.assert_allclose(fit.sigma2, ref["sigma2"], rtol=1e-6)
    np.testing.assert_allclose(fit.loglik, ref["loglik"], rtol=1e-9)


@pytest.mark.parametrize("key,model,effects", PRODUC_CASES)
def test_produc_estimates_match_spatialreg(produc, key, model, effects):
    """rho/lambda, beta, theta, sigma^2 and log-likelihood equal spatialreg's on Produc."""
    fit = _fit(produc, model, effects)
    _check_estimates(fit, produc.ref[key], produc.x_names)
    assert fit.nobs == 48 * 17


@pytest.mark.parametrize(
    "key,model,effects",
    [c for c in PRODUC_CASES if c[1] in ("sar", "sdm")],
)
def test_produc_exact_effects_match_spatialreg_impacts(produc, key, model, effects):
    """Direct/indirect/total effects at the estimates equal spatialreg::impacts (exact traces)."""
    fit = _fit(produc, model, effects)
    eff = fit.effects(method="delta")
    ref = produc.ref[key]
    for kind in ("direct", "indirect", "total"):
        got = [getattr(eff, kind)[x].estimate for x in produc.x_names]
        want = [ref[kind][x] for x in produc.x_names]
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_sar_twoways_equals_lsdv_with_state_and_year_dummies(produc):
    """The demeaned estimator equals lagsarlm with factor(state) + factor(year) on raw data.

    lagsarlm maximises the concentrated likelihood over rho with ``optimize()`` at spatialreg's
    default ``tol.opt = .Machine$double.eps^0.5`` (about 1.5e-8 absolute), so the reference rho
    is itself known only to about 1e-7 relative (|rho| ~ 0.2); the tolerance follows it.
    """
    fit = _fit(produc, "sar", "twoways")
    rho_rtol = 1e-6  # the reference optimiser's precision, not ours
    np.testing.assert_allclose(fit.params["rho"], produc.ref["sar_twoways_lsdv_rho"], rtol=rho_rtol)


def test_lee_yu_entity_equals_transformation_approach(produc):
    """Entity-FE Lee-Yu: rho, beta and sigma^2 of lagsarlm on forward-orthogonal-deviation data.

    Lee and Yu (2010): with F_{T,T-1} the transformed likelihood has N(T-1) observations; its
    estimates of rho and beta equal the direct approach and sigma^2 is e'e/(N(T-1)), i.e. the
    direct sigma^2 times T/(T-1).
    """
    fit = _fit(produc, "sar", "entity", lee_yu=True)
    ref = produc.ref["sar_entity_leeyu"]
    np.testing.assert_allclose(fit.params["rho"], ref["rho"], rtol=1e-6)
    np.testing.assert_allclose(
        [fit.params[x] for x in produc.x_names],
        [ref["beta"][x] for x in produc.x_names],
        rtol=1e-6,
    )
    np.testing.assert_allclose(fit.sigma2, ref["sigma2"], rtol=1e-6)
    assert "T/(T-1)" in fit.bias_correction


@pytest.mark.parametrize(
    "key,effects,variant",
    [
        ("lm_twoways", "twoways", "elhorst"),
        ("lm_entity", "entity", "elhorst"),
        ("lm_entity_debarsy_ertur", "entity", "debarsy_ertur"),
    ],
)
def test_lm_tests_match_spdep(produc, key, effects, variant):
    """LM/robust LM lag and error equal spdep::lm.LMtests on the within (or Helmert) regression."""
    t = spatial_lm_tests(
        produc.y,
        produc.X,
        produc.W,
        n_entities=48,
        n_periods=17,
        effects=effects,
        variant=variant,
    )
    ref = produc.ref[key]
    pairs = [
        (t.lm_lag, "LMlag"),
        (t.lm_error, "LMerr"),
        (t.robust_lm_lag, "RLMlag"),
        (t.robust_lm_error, "RLMerr"),
    ]
    for got, name in pairs:
        np.testing.assert_allclose(got.statistic, ref[name]["statistic"], rtol=1e-8)
        np.testing.assert_allclose(got.pvalue, ref[name]["pvalue"], rtol=1e-6, atol=1e-15)


@pytest.mark.parametrize(
    "key,model",
    [
        ("sar_twoways", "sar"),
        ("sdm_twoways", "sdm"),
        ("sem_twoways", "sem"),
        ("sdem_twoways", "sdem"),
    ],
)
def test_torus_estimates_and_vcov_match_spatialreg(torus, key, model):
    """On a doubly stochastic W the full covariance (incl. sigma^2) equals spatialreg's resvar."""
    fit = _fit(torus, model, "twoways")
    ref = torus.ref[key]
    _check_estimates(fit, ref, torus.x_names)
    V = np.asarray(ref["vcov"])
    np.testing.assert_allclose(fit.vcov, V, rtol=1e-6, atol=1e-12 * np.abs(V).max())


def test_torus_sdm_effects_match_impacts(torus):
    """SDM effects on the torus panel equal spatialreg::impacts."""
    fit = _fit(torus, "sdm", "twoways")
    eff = fit.effects(method="delta")
    for kind in ("direct", "indirect", "total"):
        np.testing.assert_allclose(
            [getattr(eff, kind)[x].estimate for x in torus.x_names],
            [torus.ref["sdm_twoways"][kind][x] for x in torus.x_names],
            rtol=1e-6,
        )


def test_durbin_wald_and_lr_match_r(torus):
    """Wald (from spatialreg's estimates and resvar) and LR (logLik) tests of SDM vs SAR/SEM."""
    sdm = _fit(torus, "sdm", "twoways")
    t = durbin_tests(sdm, sar=_fit(torus, "sar", "twoways"), sem=_fit(torus, "sem", "twoways"))
    ref = torus.ref
    np.testing.assert_allclose(t.wald_sar.statistic, ref["wald_sdm_vs_sar"], rtol=1e-6)
    np.testing.assert_allclose(t.wald_sem.statistic, ref["wald_sdm_vs_sem"], rtol=1e-6)
    np.testing.assert_allclose(t.lr_sar.statistic, ref["lr_sdm_vs_sar"], rtol=1e-6)
    np.testing.assert_allclose(t.lr_sem.statistic, ref["lr_sdm_vs_sem"], rtol=1e-6)
    assert t.wald_sar.df == t.lr_sem.df == 2
    # theta0 = (0.5, 0.3) != 0 and != -rho * beta: both restrictions are rejected.
    assert t.wald_sar.pvalue < 0.01 and t.wald_sem.pvalue < 0.01


def test_lee_yu_time_effects_rescale_sigma2_only(produc):
    """Time-FE Lee-Yu (Elhorst's implementation): estimates as the direct ML fit (spatialreg),
    sigma^2 multiplied by N/(N-1)."""
    fit = _fit(produc, "sar", "time", lee_yu=True)
    ref = produc.ref["sar_time"]
    np.testing.assert_allclose(fit.params["rho"], ref["rho"], rtol=1e-6)
    np.testing.assert_allclose(fit.sigma2, ref["sigma2"] * 48 / 47, rtol=1e-6)
    np.testing.assert_allclose(fit.loglik, ref["loglik"], rtol=1e-9)
    assert "N/(N-1)" in fit.bias_correction
