"""Simulations with known parameters: recovery of rho and theta, effect standard errors by
simulation vs the delta method, the Lee-Yu sigma^2 correction, and (slow) CI coverage.

No external reference exists for these properties; the data are drawn from the model.
"""

from __future__ import annotations

import numpy as np
import pytest

from regiometrics.engine.spatial.panel_ml import fit_spatial_panel
from tests.engine.spatial.spatial_helpers import knn_weights, simulate_sdm

RHO, BETA, THETA = 0.4, [1.0, -0.5], [0.5, 0.3]


@pytest.fixture(scope="module")
def sdm_fit():
    N, T = 300, 10
    W = knn_weights(N, seed=5)
    y, X = simulate_sdm(W, n_periods=T, rho=RHO, beta=BETA, theta=THETA, seed=21)
    return fit_spatial_panel(
        y, X, W, n_entities=N, n_periods=T, model="sdm", effects="twoways", x_names=["a", "b"]
    )


def test_two_way_sdm_recovers_rho_beta_theta(sdm_fit):
    """Every estimate lies within 4 standard errors of the truth (N = 300, T = 10)."""
    truth = dict(zip(["a", "b", "W.a", "W.b", "rho"], [*BETA, *THETA, RHO]))
    for name, value in truth.items():
        err = abs(sdm_fit.params[name] - value)
        assert err < 4 * sdm_fit.std_errors[name], (name, sdm_fit.params[name], value)
    # the direct approach's sigma^2 estimates (T-1)/T sigma^2 (Lee and Yu 2010)
    np.testing.assert_allclose(sdm_fit.sigma2, 0.9, rtol=0.05)
    assert sdm_fit.std_errors["rho"] < 0.05  # informative enough for the check to bite


def test_simulated_effect_ses_agree_with_delta_method(sdm_fit):
    """Simulated (20000 draws) and delta-method SEs of every effect agree within 5%.

    The Monte Carlo error of a standard deviation from 20000 draws is about 0.5%; the rest of
    the allowance covers the non-linearity of the effects in rho, which the delta method
    linearises.
    """
    delta = sdm_fit.effects(method="delta")
    sim = sdm_fit.effects(method="simulation", draws=20000, seed=2024)
    assert sim.draws == 20000 and sim.seed == 2024 and delta.draws is None
    for kind in ("direct", "indirect", "total"):
        d, s = getattr(delta, kind), getattr(sim, kind)
        for t in delta.terms:
            assert d[t].estimate == s[t].estimate
            np.testing.assert_allclose(s[t].std_error, d[t].std_error, rtol=0.05)


def test_effects_simulation_is_reproducible(sdm_fit):
    a = sdm_fit.effects(method="simulation", draws=200, seed=7)
    b = sdm_fit.effects(method="simulation", draws=200, seed=7)
    c = sdm_fit.effects(method="simulation", draws=200, seed=8)
    assert a.indirect["a"].std_error == b.indirect["a"].std_error
    assert a.indirect["a"].std_error != c.indirect["a"].std_error
    np.testing.assert_array_equal(a.simulated, b.simulated)


def test_effects_true_values_inside_delta_intervals(sdm_fit):
    """True effects (from the true parameters, exact traces) lie in the 99.9% delta intervals."""
    eff = sdm_fit.effects(method="delta", level=0.999)
    a, b = sdm_fit.traces.mean_traces(RHO)
    for j, t in enumerate(eff.terms):
        direct = BETA[j] * a[0] + THETA[j] * b[0]
        total = (BETA[j] + THETA[j]) / (1 - RHO)
        for kind, value in (("direct", direct), ("indirect", total - direct), ("total", total)):
            e = getattr(eff, kind)[t]
            assert e.ci_low < value < e.ci_high, (kind, t, e, value)


def test_lee_yu_corrects_sigma2_bias_with_short_panels():
    """With T = 3 the direct-approach sigma^2 is biased by about (T-1)/T; Lee-Yu removes it.

    40 replications of a two-way FE SAR (N = 60, sigma^2 = 1): the uncorrected mean is about
    2/3 and the corrected mean is within 4 Monte Carlo standard errors of 1.
    """
    N, T, reps = 60, 3, 40
    W = knn_weights(N, seed=9)
    raw, bc = [], []
    for r in range(reps):
        y, X = simulate_sdm(W, n_periods=T, rho=0.3, beta=[1.0], theta=[0.0], seed=100 + r)
        kw = {"n_entities": N, "n_periods": T, "model": "sar", "effects": "twoways"}
        raw.append(fit_spatial_panel(y, X, W, **kw).sigma2)
        bc.append(fit_spatial_panel(y, X, W, lee_yu=True, **kw).sigma2)
    raw_m, bc_m = np.mean(raw), np.mean(bc)
    mc_se = np.std(bc, ddof=1) / np.sqrt(reps)
    assert abs(raw_m - 2 / 3) < 0.1
    assert abs(bc_m - 1.0) < 4 * mc_se


@pytest.mark.slow
def test_delta_interval_coverage_of_indirect_effect():
    """95% delta-method intervals for the indirect effect cover the truth in 90-99% of 200 draws."""
    N, T, reps = 150, 8, 200
    W = knn_weights(N, seed=13)
    hits = 0
    for r in range(reps):
        y, X = simulate_sdm(W, n_periods=T, rho=RHO, beta=BETA, theta=THETA, seed=1000 + r)
        fit = fit_spatial_panel(y, X, W, n_entities=N, n_periods=T, model="sdm", effects="twoways")
        a, b = fit.traces.mean_traces(RHO)
        truth = (BETA[0] + THETA[0]) / (1 - RHO) - (BETA[0] * a[0] + THETA[0] * b[0])
        e = fit.effects(method="delta").indirect["x1"]
        hits += e.ci_low < truth < e.ci_high
    assert 0.90 <= hits / reps <= 0.99
