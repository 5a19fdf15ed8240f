"""Random-effects Tobit (``type: tobit``, ``random: [entity]``; Stata ``xttobit``).

No R implementation is installable here (censReg is not packaged for Debian), so the
likelihood is checked against direct numerical integration (scipy.integrate.quad) at fixed
parameters, against the pooled Tobit as sigma_u -> 0, and by a simulation with known
parameters (recovery within 3 standard errors; coverage in a slow test).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy.special import log_ndtr
from scipy.stats import norm

from regiometrics.data.panel import Panel
from regiometrics.engine.registry import estimate
from regiometrics.engine.tobit.kernel import (
    Censoring,
    fit_re_tobit,
    numeric_hessian,
    pooled_loglik,
    posterior_moments,
    re_loglik,
)
from regiometrics.spec import model_spec

TRUE = {"x1": 1.0, "x2": -0.5, "_cons": 0.6, "sigma_u": 0.8, "sigma_e": 1.0}


def simulate(seed: int, n: int = 300, t: int = 8, left: float = 0.0,
             right: float | None = None) -> pd.DataFrame:
    """y* = 0.6 + x1 - 0.5 x2 + u_i + e_it, u ~ N(0, 0.8^2), e ~ N(0, 1); y censored at 0
    (about 30% of the observations)."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=(n, t))
    x2 = rng.normal(size=(n, t)) + 0.5 * rng.normal(size=(n, 1))
    u = TRUE["sigma_u"] * rng.normal(size=(n, 1))
    ys = TRUE["_cons"] + TRUE["x1"] * x1 + TRUE["x2"] * x2 + u + TRUE["sigma_e"] * rng.normal(
        size=(n, t))
    y = np.maximum(ys, left)
    if right is not None:
        y = np.minimum(y, right)
    return pd.DataFrame({"id": np.repeat(np.arange(n), t), "year": np.tile(np.arange(t), n) + 2000,
                         "y": y.ravel(), "x1": x1.ravel(), "x2": x2.ravel()})


def _arrays(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.column_stack([df["x1"], df["x2"], np.ones(len(df))])
    return df["y"].to_numpy(float), X, df["id"].to_numpy()


def _quad_loglik(theta: np.ndarray, y: np.ndarray, X: np.ndarray, ent: np.ndarray,
                 cens: Censoring) -> float:
    """sum_i log int prod_t f(y_it | x_it b + u) phi(u / s_u) / s_u du, by adaptive quad."""
    k = X.shape[1]
    beta, su, se = theta[:k], np.exp(theta[k]), np.exp(theta[k + 1])
    total = 0.0
    for i in np.unique(ent):
        rows = ent == i
        yi, mi = y[rows], X[rows] @ beta
        lc, rc = cens.lc[rows], cens.rc[rows]

        def log_f(u: float, yi=yi, mi=mi, lc=lc, rc=rc) -> float:
            m = mi + u
            out = np.where(lc, log_ndtr((cens.left - m) / se) if cens.left is not None else 0.0,
                           norm.logpdf(yi, m, se))
            if cens.right is not None:
                out = np.where(rc, log_ndtr((m - cens.right) / se), out)
            return float(out.sum())

        # scale out the peak so quad integrates an O(1) function
        grid = np.linspace(-6 * su, 6 * su, 49)
        vals = np.array([log_f(u) + norm.logpdf(u, 0.0, su) for u in grid])
        peak = vals.max()
        val, _ = integrate.quad(lambda u, peak=peak: np.exp(log_f(u) + norm.logpdf(u, 0.0, su)
                                                            - peak),
                                -10 * su, 10 * su, points=[grid[vals.argmax()]],
                                epsabs=0.0, epsrel=1e-13, limit=200)
        total += np.log(val) + peak
    return total


@pytest.mark.parametrize("right", [None, 2.0])
def test_quadrature_matches_numerical_integration(right: float | None) -> None:
    """Gauss-Hermite log-likelihood (adaptive, 12 points; non-adaptive, 120 points) equals
    scipy.integrate.quad at fixed parameters to 1e-8 (relative)."""
    df = simulate(3, n=15, t=5, right=right)
    y, X, ent = _arrays(df)
    cens = Censoring.of(y, 0.0, right)
    theta = np.array([0.9, -0.4, 0.5, np.log(0.7), np.log(1.1)])
    exact = _quad_loglik(theta, y, X, ent, cens)
    non_adaptive = re_loglik(theta, y, X, ent, cens, points=120)[0]
    adapt = posterior_moments(theta, y, X, ent, cens, points=12)
    adaptive = re_loglik(theta, y, X, ent, cens, points=12, adapt=adapt)[0]
    np.testing.assert_allclose(non_adaptive, exact, rtol=1e-8)
    np.testing.assert_allclose(adaptive, exact, rtol=1e-8)


@pytest.mark.parametrize("adaptive", [False, True])
def test_gradient_is_the_derivative_of_the_loglik(adaptive: bool) -> None:
    """Analytic gradient (nodes held) against central differences of the log-likelihood."""
    df = simulate(4, n=30, t=4, right=2.5)
    y, X, ent = _arrays(df)
    cens = Censoring.of(y, 0.0, 2.5)
    theta = np.array([0.9, -0.4, 0.5, np.log(0.7), np.log(1.1)])
    adapt = posterior_moments(theta, y, X, ent, cens) if adaptive else None
    _, g, scores = re_loglik(theta, y, X, ent, cens, adapt=adapt)
    np.testing.assert_allclose(g, scores.sum(axis=0), rtol=1e-12)
    fd = np.array([(re_loglik(theta + e, y, X, ent, cens, adapt=adapt)[0]
                    - re_loglik(theta - e, y, X, ent, cens, adapt=adapt)[0]) / 2e-6
                   for e in np.eye(5) * 1e-6])
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6)


def test_sigma_u_to_zero_gives_pooled_loglik() -> None:
    """As sigma_u -> 0 the random-effects likelihood is the pooled Tobit likelihood."""
    df = simulate(5, n=40, t=6, right=3.0)
    y, X, ent = _arrays(df)
    cens = Censoring.of(y, 0.0, 3.0)
    beta, log_se = np.array([0.9, -0.4, 0.5]), np.log(1.2)
    pooled = pooled_loglik(np.append(beta, log_se), y, X, cens)[0]
    for points in (2, 12):
        re = re_loglik(np.concatenate([beta, [np.log(1e-9), log_se]]), y, X, ent, cens,
                       points=points)[0]
        np.testing.assert_allclose(re, pooled, rtol=1e-10)


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.DataFrame, object]:
    df = simulate(11)
    res = estimate(model_spec(id="re", type="tobit", formula="y ~ x1 + x2", random=["entity"],
                             vcov={"type": "unadjusted"}), Panel(df, entity="id", time="year"))
    return df, res


def test_simulation_recovers_parameters(simulated: tuple) -> None:
    """N=300, T=8, ~30% censored at 0: every parameter within 3 SEs of its true value."""
    df, res = simulated
    assert 0.2 < (df["y"] <= 0).mean() < 0.4
    for term in ("x1", "x2", "_cons"):
        assert abs(res.params[term] - TRUE[term]) < 3 * res.std_errors[term], term
    for name in ("sigma_u", "sigma_e"):
        assert abs(res.stats[name] - TRUE[name]) < 3 * res.stats[f"{name}_se"], name
    rho = TRUE["sigma_u"] ** 2 / (TRUE["sigma_u"] ** 2 + TRUE["sigma_e"] ** 2)
    assert abs(res.stats["rho"] - rho) < 3 * res.stats["rho_se"]
    assert res.stats["lr_sigma_u"] > 100 and res.stats["lr_sigma_u_p"] < 1e-20
    assert res.stats["n_entities"] == 300 and res.nobs == 2400
    assert res.info["random_entity_effects"] and res.info["effects"] == []


def test_lr_and_delta_method(simulated: tuple) -> None:
    """lr_sigma_u = 2 (ll_RE - ll_pooled) with the pooled fit on the same sample; p halved
    (chi-bar-squared); rho's SE by the delta method from the (log s_u, log s_e) block."""
    df, res = simulated
    pooled = estimate(model_spec(id="p", type="tobit", formula="y ~ x1 + x2"),
                      Panel(df, entity="id", time="year"))
    lr = 2 * (res.stats["loglik"] - pooled.stats["loglik"])
    np.testing.assert_allclose(res.stats["lr_sigma_u"], lr, rtol=1e-10)
    np.testing.assert_allclose(res.stats["lr_sigma_u_p"], 0.5 * norm.sf(np.sqrt(lr)) * 2,
                               rtol=1e-8, atol=1e-300)
    # delta method by finite differences of rho(log su, log se)
    y, X, ent = _arrays(df)
    cens = Censoring.of(y, 0.0, None)
    theta = np.array([res.params["x1"], res.params["x2"], res.params["_cons"],
                      np.log(res.stats["sigma_u"]), np.log(res.stats["sigma_e"])])
    adapt = posterior_moments(theta, y, X, ent, cens)
    H = numeric_hessian(lambda t: re_loglik(t, y, X, ent, cens, adapt=adapt)[1], theta)
    V = np.linalg.inv(-H)[3:, 3:]
    su, se = res.stats["sigma_u"], res.stats["sigma_e"]

    def rho(a: float, b: float) -> float:
        return np.exp(2 * a) / (np.exp(2 * a) + np.exp(2 * b))

    h = 1e-6
    grad = np.array([(rho(np.log(su) + h, np.log(se)) - rho(np.log(su) - h, np.log(se))) / 2 / h,
                     (rho(np.log(su), np.log(se) + h) - rho(np.log(su), np.log(se) - h)) / 2 / h])
    np.testing.assert_allclose(res.stats["rho_se"], np.sqrt(grad @ V @ grad), rtol=1e-4)
    np.testing.assert_allclose(res.stats["sigma_u_se"], su * np.sqrt(V[0, 0]), rtol=1e-4)


def test_time_effects_are_dummies_kept_out_of_params() -> None:
    """random [entity] with effects [time]: period dummies (first period base) in info, not params; the
    slopes equal a fit with the dummies written out as regressors."""
    df = simulate(12, n=120, t=5)
    panel = Panel(df, entity="id", time="year")
    res = estimate(model_spec(id="ret", type="tobit", formula="y ~ x1 + x2",
                             random=["entity"], effects=["time"]), panel)
    assert list(res.params.index) == ["x1", "x2", "_cons"]
    assert list(res.info["time_dummies"]) == [f"year={y}" for y in range(2001, 2005)]
    assert res.info["effects"] == ["time"]
    for y in range(2001, 2005):
        df[f"d{y}"] = (df["year"] == y).astype(float)
    explicit = estimate(model_spec(id="e", type="tobit", random=["entity"],
                                  formula="y ~ x1 + x2 + d2001 + d2002 + d2003 + d2004"),
                        Panel(df, entity="id", time="year"))
    for t in ("x1", "x2", "_cons"):
        np.testing.assert_allclose(res.params[t], explicit.params[t], rtol=1e-6)
        np.testing.assert_allclose(res.std_errors[t], explicit.std_errors[t], rtol=1e-4)
    np.testing.assert_allclose(res.info["time_dummies"]["year=2003"]["estimate"],
                               explicit.params["d2003"], rtol=1e-6)


@pytest.mark.slow
def test_coverage_of_95pct_intervals() -> None:
    """100 replications (N=150, T=6): 95% Wald intervals cover x1, sigma_u, sigma_e in 88-100%."""
    hits = {"x1": 0, "sigma_u": 0, "sigma_e": 0}
    reps = 100
    for r in range(reps):
        df = simulate(1000 + r, n=150, t=6)
        res = estimate(model_spec(id="re", type="tobit", formula="y ~ x1 + x2",
                                 random=["entity"], vcov={"type": "unadjusted"}),
                       Panel(df, entity="id", time="year"))
        hits["x1"] += abs(res.params["x1"] - TRUE["x1"]) < 1.96 * res.std_errors["x1"]
        for s in ("sigma_u", "sigma_e"):
            hits[s] += abs(res.stats[s] - TRUE[s]) < 1.96 * res.stats[f"{s}_se"]
    for name, h in hits.items():
        assert 0.88 <= h / reps <= 1.0, (name, h)


@pytest.mark.parametrize("random", [[], ["entity"]])
def test_right_censoring_only_mirrors_left_censoring(random: list[str]) -> None:
    """Tobit of y censored above at c (left: null) = Tobit of -y censored below at -c, with
    the signs of the coefficients flipped; same sigmas, log-likelihood and SEs."""
    df = simulate(13, n=60, t=5)
    df["y"] = np.minimum(df["y"], 1.5) * 1.0
    df["neg_y"] = -df["y"]
    panel = Panel(df, entity="id", time="year")
    right = estimate(model_spec(id="r", type="tobit", formula="y ~ x1 + x2", left=None,
                               right=1.5, random=random), panel)
    left = estimate(model_spec(id="l", type="tobit", formula="neg_y ~ x1 + x2", left=-1.5,
                              random=random), panel)
    assert right.stats["n_right_censored"] == left.stats["n_left_censored"] > 0
    for t in ("x1", "x2", "_cons"):
        np.testing.assert_allclose(right.params[t], -left.params[t], rtol=1e-6)
        np.testing.assert_allclose(right.std_errors[t], left.std_errors[t], rtol=1e-5)
    np.testing.assert_allclose(right.stats["loglik"], left.stats["loglik"], rtol=1e-10)


def test_pooled_time_effects_equal_explicit_dummies() -> None:
    """effects [time] (pooled Tobit with period dummies) = the dummies written as regressors."""
    df = simulate(14, n=80, t=4)
    for y in range(2001, 2004):
        df[f"d{y}"] = (df["year"] == y).astype(float)
    panel = Panel(df, entity="id", time="year")
    res = estimate(model_spec(id="t", type="tobit", formula="y ~ x1 + x2", effects=["time"]),
                   panel)
    explicit = estimate(model_spec(id="e", type="tobit",
                                  formula="y ~ x1 + x2 + d2001 + d2002 + d2003"), panel)
    for t in ("x1", "x2", "_cons"):
        np.testing.assert_allclose(res.params[t], explicit.params[t], rtol=1e-8)
        np.testing.assert_allclose(res.std_errors[t], explicit.std_errors[t], rtol=1e-8)
    assert res.info["effects"] == ["time"] and not res.info["random_entity_effects"]
    np.testing.assert_allclose(res.info["time_dummies"]["year=2002"]["std_error"],
                               explicit.std_errors["d2002"], rtol=1e-8)


@pytest.mark.parametrize("seed", [2, 3])
def test_no_heterogeneity_gives_the_boundary_sigma_u_zero(seed: int) -> None:
    """Data without entity effects (sigma_u = 0) where the random-effects maximum is at the
    boundary: the pooled estimates, sigma_u = 0, LR = 0 with p = 1 (xttobit's chibar2 = 0)."""
    rng = np.random.default_rng(seed)
    n, t = 100, 5
    x = rng.normal(size=n * t)
    y = np.maximum(0.3 + x + rng.normal(size=n * t), 0.0)
    panel = Panel(pd.DataFrame({"id": np.repeat(np.arange(n), t), "year": np.tile(np.arange(t), n),
                                "y": y, "x": x}), entity="id", time="year")
    re = estimate(model_spec(id="m", type="tobit", formula="y ~ x", random=["entity"],
                            vcov={"type": "unadjusted"}), panel)
    pooled = estimate(model_spec(id="p", type="tobit", formula="y ~ x",
                                vcov={"type": "unadjusted"}), panel)
    assert re.stats["sigma_u"] == 0.0 and re.stats["lr_sigma_u"] == 0.0
    assert re.stats["lr_sigma_u_p"] == 1.0 and re.stats["rho"] == 0.0
    np.testing.assert_allclose(re.params.to_numpy(), pooled.params.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(re.stats["sigma_e"], pooled.stats["sigma"], rtol=1e-12)
    np.testing.assert_allclose(re.stats["loglik"], pooled.stats["loglik"], rtol=1e-12)
    assert "boundary 0" in re.info["notes"][0]


def test_newton_leaves_a_non_concave_start_for_the_maximum() -> None:
    """Produc, ``unemp ~ lpcap`` left-censored at 4: BFGS on the non-adaptive likelihood
    stops where the adaptive likelihood's Hessian is not negative definite (entity effects
    dominate, rho ~ 0.9). Plain Newton steps then went uphill nowhere and the fit was refused
    ("scaled gradient inf"); Levenberg-Marquardt steps reach the maximum, which is the same
    with 12, 30 and 60 quadrature points and has a vanishing gradient."""
    produc = pd.read_csv(Path(__file__).parents[2] / "specs" / "data" / "produc.csv")
    y = produc["unemp"].to_numpy()
    X = np.column_stack([produc["lpcap"].to_numpy(), np.ones(len(produc))])
    entity = pd.factorize(produc["state"])[0]
    cens = Censoring.of(y, 4.0, None)
    fits = [fit_re_tobit(y, X, entity, cens, points=q) for q in (12, 30, 60)]
    for fit in fits[1:]:
        np.testing.assert_allclose(fit.theta, fits[0].theta, rtol=1e-6)
    assert not fits[0].boundary
    assert np.all(np.linalg.eigvalsh(-fits[0].hessian) > 0)
    theta = fits[0].theta
    adapt = posterior_moments(theta, y, X, entity, cens, points=12)
    _, grad, _ = re_loglik(theta, y, X, entity, cens, points=12, adapt=adapt)
    np.testing.assert_allclose(grad, 0.0, atol=1e-6)
