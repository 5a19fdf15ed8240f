"""Random-effects SAR/SDM panels against spreg's ML_LagRE, and the exact information matrix.

Reference: pysal spreg 1.9 ``ML_LagRE`` (Elhorst 2003) on plm::Produc with the US-states queen
contiguity; numbers in tests/fixtures/spatial_panel/re_reference.json, written by
make_re_reference.py beside it. spreg stops its phi/rho alternation when phi moves by less than
1e-7, so its estimates sit within ~2e-5 (relative) of the joint maximum this engine finds by
nested Brent searches; the log-likelihoods agree to 1e-10 and ours is never lower.
The (b, rho, sigma^2) block of the information matrix must equal spreg's; the phi row is
checked against the numerical Hessian of an independently written dense log-likelihood.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from regiometrics.engine.spatial.random_effects import fit_spatial_re
from regiometrics.errors import SpecError
from tests.engine.spatial.spatial_helpers import FIXTURES

NAMES = ["_cons", "lpcap", "lpc", "lemp", "unemp"]
RTOL_EST = 5e-5   # spreg's stopping rule |d phi| < 1e-7
RTOL_INFO = 2e-4  # information evaluated at estimates that differ by RTOL_EST


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((FIXTURES / "re_reference.json").read_text())


def _fit(case, model):
    Xc = np.column_stack([np.ones(case.y.size), case.X])
    return fit_spatial_re(case.y, Xc, case.W, n_entities=48, n_periods=17, model=model,
                          x_names=NAMES)


@pytest.mark.parametrize("model", ["sar", "sdm"])
def test_re_matches_spreg_ml_lag_re(produc, ref, model):
    r = ref[model]
    fit = _fit(produc, model)
    ours = list(fit.params.values()) + [fit.info["phi"]]
    # spreg orders constant, x..., W.x..., rho, phi: the same as ours
    np.testing.assert_allclose(ours, r["betas"], rtol=RTOL_EST, atol=1e-7)
    np.testing.assert_allclose(fit.sigma2, r["sig2"], rtol=RTOL_EST)
    np.testing.assert_allclose(fit.loglik, r["logll"], rtol=1e-10)
    assert fit.loglik >= r["logll"] - 1e-9
    assert list(fit.params)[-1] == "rho" and fit.info["random_effects"] == "entity"
    if model == "sdm":
        assert fit.durbin_names == tuple(NAMES[1:])


@pytest.mark.parametrize("model", ["sar", "sdm"])
def test_re_information_block_matches_spreg(produc, ref, model):
    """(b, rho, sigma^2) entries of the information equal spreg's inv(vm1)."""
    fit = _fit(produc, model)
    ours = np.linalg.inv(fit.vcov)
    theirs = np.asarray(ref[model]["info"])
    p = len(fit.params)  # b and rho
    keep = list(range(p)) + [p + 1]  # skip phi
    np.testing.assert_allclose(ours[np.ix_(keep, keep)], theirs[np.ix_(keep, keep)],
                               rtol=RTOL_INFO, atol=1e-6)


def _dense_loglik(theta, y, X, W, N, T):
    """log L(b, rho, phi, sigma^2) of the RE spatial lag model, written out densely."""
    k = X.shape[1]
    b, rho, phi, s2 = theta[:k], theta[k], theta[k + 1], theta[k + 2]
    WT = np.kron(np.eye(T), W)
    P = np.eye(N * T) - (1 - phi) * np.kron(np.ones((T, T)) / T, np.eye(N))
    e = P @ (y - rho * WT @ y - X @ b)
    _, logdet = np.linalg.slogdet(np.eye(N) - rho * W)
    return (-N * T / 2 * np.log(2 * np.pi * s2) + N / 2 * np.log(phi**2) + T * logdet
            - e @ e / (2 * s2))


def test_re_information_phi_row_equals_observed_at_the_mle(produc):
    """At the MLE the observed and expected information agree for (b, phi, sigma^2).

    (For the variance parameters this is exact at the MLE: e.g. -d2L/dphi2 = N/phi^2 +
    |ubar|^2/sigma^2 and the phi score sets |ubar|^2/sigma^2 = N/phi^2.) The score is zero.
    """
    # a small sub-panel keeps the dense N T x N T algebra quick
    N, T = 48, 6
    y, X = produc.y[: N * T], np.column_stack([np.ones(N * T), produc.X[: N * T]])
    fit = fit_spatial_re(y, X, produc.W, n_entities=N, n_periods=T, model="sar", x_names=NAMES)
    theta = np.array(list(fit.params.values()) + [fit.info["phi"], fit.sigma2])
    k = X.shape[1]
    step = 1e-5 * np.maximum(np.abs(theta), 1e-2)

    def f(t):
        return _dense_loglik(t, y, X, produc.W, N, T)

    np.testing.assert_allclose(f(theta), fit.loglik, rtol=1e-12)
    grad = np.array([(f(theta + s) - f(theta - s)) / (2 * s[i])
                     for i, s in enumerate(np.diag(step))])
    np.testing.assert_allclose(grad * step, 0.0, atol=1e-6)
    m = theta.size
    H = np.zeros((m, m))
    for i in range(m):
        for j in range(m):
            ei, ej = np.eye(m)[i] * step[i], np.eye(m)[j] * step[j]
            H[i, j] = (f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej)
                       + f(theta - ei - ej)) / (4 * step[i] * step[j])
    info = np.linalg.inv(fit.vcov)
    for i in (k + 1, k + 2):
        np.testing.assert_allclose(-H[i, [k + 1, k + 2]], info[i, [k + 1, k + 2]], rtol=1e-4)
    np.testing.assert_allclose(-H[np.ix_(range(k), range(k))], info[np.ix_(range(k), range(k))],
                               rtol=1e-4)


def test_re_parameters_and_effects(produc):
    fit = _fit(produc, "sdm")
    info = fit.info
    T = 17
    np.testing.assert_allclose(info["theta"], 1 - info["phi"], rtol=1e-12)
    np.testing.assert_allclose(
        info["phi"] ** 2, fit.sigma2 / (T * info["sigma_mu2"] + fit.sigma2), rtol=1e-10)
    eff = fit.effects(method="delta")
    assert "_cons" not in eff.terms and eff.terms == tuple(NAMES[1:])
    b, th, rho = fit.params["lpcap"], fit.params["W.lpcap"], fit.params["rho"]
    np.testing.assert_allclose(eff.total["lpcap"].estimate, (b + th) / (1 - rho), rtol=1e-10)


def test_re_refuses_error_models(produc):
    with pytest.raises(SpecError, match="random effects are implemented for model 'sar'"):
        fit_spatial_re(produc.y, produc.X, produc.W, n_entities=48, n_periods=17, model="sem")


def test_no_between_variation_gives_phi_one_and_the_pooled_fit(produc):
    """Data without entity-mean residuals: sigma_mu = 0 (phi = 1) and RE = pooled SAR."""
    from regiometrics.engine.spatial.panel_ml import fit_spatial_panel

    N, T = 48, 17
    y = produc.y - np.tile(produc.y.reshape(T, N).mean(axis=0), T)
    X = produc.X - np.tile(produc.X.reshape(T, N, -1).mean(axis=0), (T, 1))
    Xc = np.column_stack([np.ones(N * T), X])
    re = fit_spatial_re(y, Xc, produc.W, n_entities=N, n_periods=T, model="sar", x_names=NAMES)
    pooled = fit_spatial_panel(y, Xc, produc.W, n_entities=N, n_periods=T, model="sar",
                               effects="none", x_names=NAMES)
    assert re.info["phi_at_boundary"] and re.info["phi"] == 1.0 and re.info["sigma_mu"] == 0.0
    np.testing.assert_allclose(list(re.params.values()), list(pooled.params.values()),
                               rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(re.loglik, pooled.loglik, rtol=1e-12)


def test_overwhelming_entity_effects_are_refused(produc):
    from regiometrics.errors import ConvergenceError

    N, T = 48, 17
    mu = np.tile(np.arange(N) * 1e7, T)
    Xc = np.column_stack([np.ones(N * T), produc.X])
    with pytest.raises(ConvergenceError, match="use fixed effects"):
        fit_spatial_re(produc.y + mu, Xc, produc.W, n_entities=N, n_periods=T, model="sar",
                       x_names=NAMES)


def test_re_recovers_a_simulated_random_effects_sdm():
    """Draw from the RE SDM (N = 400 kNN, T = 10): every estimate within 4 SE of the truth."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import splu

    from tests.engine.spatial.spatial_helpers import knn_weights

    N, T, rho, sigma_mu = 400, 10, 0.4, 0.8
    W = knn_weights(N, k=6, seed=3)
    rng = np.random.default_rng(11)
    X = rng.normal(size=(N * T, 2))
    WX = np.vstack([W @ X[t * N:(t + 1) * N] for t in range(T)])
    mu = np.tile(rng.normal(scale=sigma_mu, size=N), T)
    v = 1.0 + X @ [1.0, -0.5] + WX @ [0.3, 0.2] + mu + rng.normal(size=N * T)
    lu = splu((sp.identity(N) - rho * W).tocsc())
    y = np.concatenate([lu.solve(v[t * N:(t + 1) * N]) for t in range(T)])
    fit = fit_spatial_re(y, np.column_stack([np.ones(N * T), X]), W, n_entities=N, n_periods=T,
                         model="sdm", x_names=["_cons", "x1", "x2"])
    truth = {"_cons": 1.0, "x1": 1.0, "x2": -0.5, "W.x1": 0.3, "W.x2": 0.2, "rho": rho}
    for name, value in truth.items():
        assert abs(fit.params[name] - value) < 4 * fit.std_errors[name], name
    phi_true = 1.0 / np.sqrt(T * sigma_mu**2 + 1.0)
    assert abs(fit.info["phi"] - phi_true) < 4 * fit.info["phi_se"]
