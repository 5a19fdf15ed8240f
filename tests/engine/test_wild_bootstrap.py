"""Wild cluster bootstrap: the fast algebra against a naive refit per draw.

The naive reference below builds every bootstrap sample explicitly (restricted fit with
explicit fixed-effect dummies, ``y* = fit + u~ * v``), refits OLS or 2SLS with the dummies by
least squares and computes the cluster-robust t by its textbook formula, for all ``2**G``
Rademacher sign vectors. It shares nothing with the engine but numpy.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from regiometrics.data import Panel
from regiometrics.engine import estimate
from regiometrics.engine.inference import bootstrap_pvalue, make_draws
from regiometrics.engine.inference.wild_bootstrap import (
    IVWildKernel,
    LinearWildKernel,
    invert_test,
)
from regiometrics.engine.linear.demean import demean
from regiometrics.spec import ModelSpec, model_spec
from tests.engine.wild_naive import wcr_tstar, wre_tstar
from tests.reference_data import load_fixture

P_ATOL = 1e-12       # bootstrap p-values: identical fractions
TSTAR_RTOL = 1e-8    # bootstrap t statistics, fast vs naive


def _panel(G: int = 6, T: int = 7, seed: int = 3, regions: int | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"prov": np.repeat(np.arange(G), T), "year": np.tile(np.arange(T), G)})
    a = rng.normal(size=G)[df.prov]
    df["z1"] = rng.normal(size=len(df)) + 0.5 * a
    df["z2"] = rng.normal(size=len(df))
    e = rng.normal(size=len(df)) + rng.normal(size=G)[df.prov]
    df["x"] = df.z1 + 0.5 * df.z2 + 0.6 * e + a + rng.normal(size=len(df))
    df["w"] = rng.normal(size=len(df)) + rng.normal(size=T)[df.year]
    df["y"] = 0.2 * df.x - 0.3 * df.w + a + e
    if regions:
        df["region"] = df.prov % regions
    return df.drop(index=[1, 9])  # unbalanced


def _dummies(df: pd.DataFrame, effects: list[str]) -> np.ndarray:
    cols = [np.ones(len(df))]
    for e in effects:
        key = {"entity": "prov", "time": "year"}[e]
        cols.append(pd.get_dummies(df[key], drop_first=True).to_numpy(float))
    return np.column_stack(cols)


def naive_ols_tstar(df, effects, regressors, term, beta0, codes, V, c):
    """Refit per draw: restricted residuals, explicit dummies, OLS, cluster t."""
    X = np.column_stack([df[regressors].to_numpy(float), _dummies(df, effects)])
    return wcr_tstar(df.y.to_numpy(float), X, regressors.index(term), beta0, codes, V, c)


def naive_iv_tstar(df, effects, exog, beta0, codes, V, c):
    """Refit per draw: WRE DGP (Davidson-MacKinnon 2010), explicit dummies, 2SLS, cluster t."""
    X1 = np.column_stack([df[exog].to_numpy(float), _dummies(df, effects)])
    return wre_tstar(df.y.to_numpy(float), df.x.to_numpy(float), X1,
                     df[["z1", "z2"]].to_numpy(float), beta0, codes, V, c)


def _signs(G: int) -> np.ndarray:
    return np.array(list(itertools.product([-1.0, 1.0], repeat=G))).T


def _linear_kernel(df, effects, regressors, term, codes, c=1.0):
    y = df.y.to_numpy(float)
    X = df[regressors].to_numpy(float)
    fe = [pd.factorize(df[{"entity": "prov", "time": "year"}[e]], sort=True)[0]
          for e in effects]
    if fe:
        Z = demean(np.column_stack([y, X]), fe)
        y, X = Z[:, 0], Z[:, 1:]
    else:
        X = np.column_stack([X, np.ones(len(y))])
    nested = "time" not in effects  # entity effects lie within provinces and regions
    return LinearWildKernel(X, y, codes, fe_codes=fe, nested=nested,
                            j=regressors.index(term), small=c)


CASES = [
    ("pooled", [], "prov"),
    ("entity_fe", ["entity"], "prov"),
    ("twoway_fe", ["entity", "time"], "prov"),
    ("time_fe_not_nested", ["time"], "prov"),
    ("entity_fe_coarse_clusters", ["entity"], "region"),
    ("twoway_coarse_clusters", ["entity", "time"], "region"),
]


@pytest.mark.parametrize("name,effects,cluster", CASES)
@pytest.mark.parametrize("beta0", [0.0, 0.35])
def test_ols_fe_tstar_equal_naive_refit_over_all_sign_vectors(name, effects, cluster, beta0):
    df = _panel(G=8 if cluster == "region" else 6, regions=4)
    codes = pd.factorize(df[cluster], sort=True)[0]
    kernel = _linear_kernel(df, effects, ["x", "w"], "x", codes, c=1.3)
    V = _signs(int(codes.max()) + 1)
    draws = make_draws("rademacher", int(codes.max()) + 1, 10**6, 1)
    assert draws.enumerated and draws.draws == V.shape[1]
    kernel.prepare(draws)
    fast = kernel.tstar(beta0)
    naive = naive_ols_tstar(df, effects, ["x", "w"], "x", beta0, codes, V, 1.3)
    np.testing.assert_allclose(np.sort(fast), np.sort(naive), rtol=TSTAR_RTOL, atol=1e-10)
    t = kernel.t(beta0)
    for kind in ("symmetric", "equal_tail"):
        assert abs(bootstrap_pvalue(t, fast, kind) - bootstrap_pvalue(t, naive, kind)) <= P_ATOL


@pytest.mark.parametrize("effects", [[], ["entity"], ["entity", "time"]])
@pytest.mark.parametrize("beta0", [0.0, 0.6])
def test_iv_wre_tstar_equal_naive_refit_over_all_sign_vectors(effects, beta0):
    df = _panel(G=6)
    codes = pd.factorize(df.prov, sort=True)[0]
    fe = [pd.factorize(df[{"entity": "prov", "time": "year"}[e]], sort=True)[0]
          for e in effects]
    y1, y2 = df.y.to_numpy(float), df.x.to_numpy(float)
    Z1, X1 = df[["z1", "z2"]].to_numpy(float), df[["w"]].to_numpy(float)
    if fe:
        S = demean(np.column_stack([y1, y2, Z1, X1]), fe)
        y1, y2, Z1, X1 = S[:, 0], S[:, 1], S[:, 2:4], S[:, 4:]
    else:
        X1 = np.column_stack([X1, np.ones(len(y1))])
    kernel = IVWildKernel(y1, y2, Z1, X1, codes, fe_codes=fe, nested="time" not in effects,
                          small=1.1)
    draws = make_draws("rademacher", 6, 9999, 1)
    kernel.prepare(draws)
    fast = kernel.tstar(beta0)
    naive = naive_iv_tstar(df, effects, ["w"], beta0, codes, _signs(6), 1.1)
    np.testing.assert_allclose(np.sort(fast), np.sort(naive), rtol=TSTAR_RTOL, atol=1e-10)
    t = kernel.t(beta0)
    assert abs(bootstrap_pvalue(t, fast, "symmetric")
               - bootstrap_pvalue(t, naive, "symmetric")) <= P_ATOL


def test_iv_wre_time_effects_not_nested_in_clusters():
    df = _panel(G=6)
    codes = pd.factorize(df.prov, sort=True)[0]
    fe = [pd.factorize(df.year, sort=True)[0]]
    S = demean(df[["y", "x", "z1", "z2", "w"]].to_numpy(float), fe)
    kernel = IVWildKernel(S[:, 0], S[:, 1], S[:, 2:4], S[:, 4:], codes, fe_codes=fe,
                          nested=False, small=1.0)
    kernel.prepare(make_draws("rademacher", 6, 9999, 1))
    naive = naive_iv_tstar(df, ["time"], ["w"], 0.1, codes, _signs(6), 1.0)
    np.testing.assert_allclose(np.sort(kernel.tstar(0.1)), np.sort(naive), rtol=TSTAR_RTOL,
                               atol=1e-10)


def _model(**kw) -> ModelSpec:
    base = {"id": "m", "type": "fe", "formula": "y ~ x + w", "effects": ["entity", "time"],
            "wild_bootstrap": {"draws": 9999, "terms": ["x"], "seed": 7}}
    base.update(kw)
    return model_spec(**base)


def test_model_enumerates_small_g_and_p_is_exact_fraction():
    df = _panel(G=6)
    res = estimate(_model(), Panel(df, "prov", "year"))
    wb = res.wild_bootstrap
    assert wb.enumerated and wb.draws == 64 and wb.draws_requested == 9999
    p = wb.terms["x"].pvalue
    assert abs(p * 64 - round(p * 64)) <= P_ATOL
    # the t statistic is the model's own cluster t (same clusters, same fixest convention)
    assert wb.terms["x"].t_stat == pytest.approx(res.params["x"] / res.std_errors["x"], rel=1e-10)
    # enumeration ignores the seed
    other = estimate(_model(wild_bootstrap={"draws": 9999, "terms": ["x"], "seed": 99}),
                     Panel(df, "prov", "year"))
    assert other.wild_bootstrap.terms["x"] == wb.terms["x"]


def test_ci_inverts_the_test():
    """p(beta0) >= alpha just inside each end of the interval and < alpha just outside."""
    df = _panel(G=12, T=6, seed=5)
    codes = pd.factorize(df.prov, sort=True)[0]
    kernel = _linear_kernel(df, ["entity", "time"], ["x", "w"], "x", codes)
    draws = make_draws("webb", 12, 1999, 4)
    kernel.prepare(draws)

    def p(b0):
        return bootstrap_pvalue(kernel.t(b0), kernel.tstar(b0), "symmetric")
    lo, hi = invert_test(p, kernel.estimate, kernel.se, 0.05)
    assert lo < kernel.estimate < hi
    eps = 1e-6 * kernel.se
    assert p(lo + eps) >= 0.05 > p(lo - eps)
    assert p(hi - eps) >= 0.05 > p(hi + eps)


def test_random_draws_reproducible_and_seeded():
    df = _panel(G=30, T=5, seed=11)
    panel = Panel(df, "prov", "year")
    spec = {"draws": 999, "terms": ["x"], "seed": 3, "weights": "webb"}
    a = estimate(_model(wild_bootstrap=spec), panel).wild_bootstrap
    b = estimate(_model(wild_bootstrap=spec), panel).wild_bootstrap
    c = estimate(_model(wild_bootstrap={**spec, "seed": 4}), panel).wild_bootstrap
    assert a.terms == b.terms and not a.enumerated and a.draws == 999
    assert c.terms["x"].ci_low != a.terms["x"].ci_low


@pytest.mark.parametrize("kind,values", [
    ("rademacher", {-1.0, 1.0}),
    ("webb", {-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)}),
    ("mammen", {-(math.sqrt(5) - 1) / 2, (math.sqrt(5) + 1) / 2}),
    ("normal", None),
])
def test_weight_distributions_have_mean_zero_variance_one(kind, values):
    V = make_draws(kind, 50, 4000, 2).matrix()
    assert V.shape == (50, 4000)
    assert abs(V.mean()) < 0.01 and abs(V.var() - 1) < 0.01   # 200,000 draws: sd ~ 0.003
    if values is not None:
        assert set(np.unique(V).round(12)) == {round(x, 12) for x in values}


def test_enumeration_covers_every_sign_vector_once():
    V = make_draws("rademacher", 5, 32, 1).matrix()
    assert {tuple(c) for c in V.T} == {tuple(c) for c in _signs(5).T}
    assert not make_draws("rademacher", 5, 31, 1).enumerated
    assert not make_draws("webb", 5, 10**6, 1).enumerated


def test_iv_model_end_to_end_matches_own_t():
    df = _panel(G=8)
    m = model_spec(id="iv", type="iv", formula="y ~ w + [x ~ z1 + z2]", effects=["entity"],
                  wild_bootstrap={"draws": 999})
    res = estimate(m, Panel(df, "prov", "year"))
    wb = res.wild_bootstrap
    assert wb.method == "WRE" and list(wb.terms) == ["x"] and wb.enumerated
    assert wb.terms["x"].t_stat == pytest.approx(res.params["x"] / res.std_errors["x"], rel=1e-8)
    assert wb.terms["x"].ci_low < res.params["x"] < wb.terms["x"].ci_high


def test_unrestricted_bootstrap_is_centred_at_estimate():
    df = _panel(G=10)
    res = estimate(_model(wild_bootstrap={"draws": 4999, "terms": ["x"], "impose_null": False,
                                          "weights": "webb"}), Panel(df, "prov", "year"))
    wb = res.wild_bootstrap
    assert wb.method == "WCU"
    t = wb.terms["x"]
    # WCU interval: estimate -/+ q * se with the same bootstrap quantile on both sides
    se = res.std_errors["x"]
    assert (res.params["x"] - t.ci_low) / se == pytest.approx((t.ci_high - res.params["x"]) / se,
                                                              rel=1e-6)


# --------------------------------------------------------------------------- wildboottest

WILDBOOTTEST = load_fixture("wild_bootstrap", "wildboottest.json")


@pytest.mark.parametrize("name", list(WILDBOOTTEST["cases"]))
def test_same_draws_as_wildboottest_package(produc, name):
    """wildboottest 0.3.2 (PyPI) on Produc with regiometrics' draws: tests/fixtures/
    wild_bootstrap/make_wildboottest.py. Same t, same sorted t*, same p-values."""
    case = WILDBOOTTEST["cases"][name]
    regressors = ["lpcap", "lpc", "lemp", "unemp"]
    y = produc.lgsp.to_numpy(float)
    X = produc[regressors].to_numpy(float)
    fe = [pd.factorize(produc.state, sort=True)[0]] if case["demean"] else []
    if fe:
        Z = demean(np.column_stack([y, X]), fe)
        y, X = Z[:, 0], Z[:, 1:]
    else:
        X = np.column_stack([X, np.ones(len(y))])
    codes = pd.factorize(produc[case["cluster"]], sort=True)[0]
    G, n, k = int(codes.max()) + 1, len(y), X.shape[1]
    kernel = LinearWildKernel(X, y, codes, fe_codes=fe, nested=True, j=0,
                              small=G / (G - 1) * (n - 1) / (n - k))  # wildboottest's CRV1 ssc
    draws = make_draws(case["weights"], G, case["draws"], case["seed"])
    assert draws.enumerated == case["enumerated"] and draws.draws == case["n_draws"]
    kernel.prepare(draws)
    tstar = kernel.tstar(0.0)
    assert kernel.t(0.0) == pytest.approx(case["t_stat"], rel=1e-10)
    np.testing.assert_allclose(np.sort(tstar), case["t_boot_sorted"], rtol=TSTAR_RTOL, atol=1e-10)
    t, theirs = kernel.t(0.0), np.array(case["t_boot_sorted"])
    for kind, key in (("symmetric", "pvalue_symmetric"), ("equal_tail", "pvalue_equal_tail")):
        ours = bootstrap_pvalue(t, tstar, kind)
        # identical under one tie rule ...
        assert abs(ours - bootstrap_pvalue(case["t_stat"], theirs, kind)) <= P_ATOL
        # ... and wildboottest's own p (strict '<' in floating point) differs at most by the
        # enumerated draws +-1, which reproduce +-t exactly and are ties in exact arithmetic
        assert abs(ours - case[key]) <= 2 / case["n_draws"] + P_ATOL


# --------------------------------------------------------------------------- fwildclusterboot

FWC = load_fixture("wild_bootstrap", "fwildclusterboot_g5.json")


def test_printed_fwildclusterboot_bootstrap_t_full_enumeration():
    """fwildclusterboot (boottest's R port) t* printed for G = 5, all 32 sign vectors: the
    fixture names the source and the data generator, regenerated here from its seed."""
    state = np.random.RandomState(12312)
    N = 10_000
    X = state.normal(0, 1, N * 3).reshape((N, 3))
    X[:, 0] = 1
    beta = state.normal(0, 1, 3)
    beta[1] = 0.005
    Y = X @ beta + state.normal(0, 1, N)
    clusters = state.choice(list(range(5)), N)
    kernel = LinearWildKernel(X, Y, clusters, fe_codes=[], nested=True, j=1, small=1.0)
    kernel.prepare(make_draws("rademacher", 5, 9999, 1))
    np.testing.assert_allclose(np.sort(kernel.tstar(0.0)), np.sort(FWC["WCR11_t_boot"]),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.sort(kernel.tstar(kernel.estimate)),
                               np.sort(FWC["WCU11_t_boot"]), rtol=1e-12, atol=1e-12)
    # the identity draw reproduces the sample t (first printed value, up to its sign)
    assert abs(kernel.t(0.0)) == pytest.approx(abs(FWC["WCR11_t_boot"][0]), rel=1e-12)


def test_subgroup_fits_each_run_their_own_bootstrap(produc):
    df = produc.assign(half=(produc.region <= 4).map({True: "east", False: "west"}))
    m = model_spec(id="sg", type="fe", formula="lgsp ~ lpcap + lpc + lemp + unemp",
                  effects=["entity", "time"], by="half",
                  wild_bootstrap={"terms": ["lpcap"], "draws": 999})
    res = estimate(m, Panel(df, "state", "year"))
    for name, comp in res.components.items():
        wb = comp.wild_bootstrap
        assert wb is not None and wb.n_clusters == df.loc[df.half == name, "state"].nunique()
        assert wb.terms["lpcap"].t_stat == pytest.approx(
            comp.params["lpcap"] / comp.std_errors["lpcap"], rel=1e-10)


def test_iv_refuses_exogenous_terms_and_other_estimators():
    df = _panel(G=8)
    panel = Panel(df, "prov", "year")
    m = model_spec(id="iv", type="iv", formula="y ~ w + [x ~ z1 + z2]", effects=["entity"],
                  wild_bootstrap={"terms": ["w"]})
    with pytest.raises(Exception, match=r"models.iv.wild_bootstrap.terms: the WRE bootstrap "
                                        r"tests the endogenous regressor 'x'"):
        estimate(m, panel)
    with pytest.raises(Exception, match="needs estimator: 2sls"):
        model_spec(id="iv", type="iv", formula="y ~ w + [x ~ z1 + z2]", estimator="liml",
                  wild_bootstrap={})


@pytest.mark.parametrize("pvalue", ["symmetric", "equal_tail"])
def test_model_interval_inverts_the_naive_refit_test(pvalue):
    """The reported interval's ends, checked with the naive refit p-value function (all 2^8
    sign vectors): p >= alpha just inside each end, p < alpha just outside."""
    df = _panel(G=8, T=6, seed=9)
    res = estimate(_model(wild_bootstrap={"draws": 9999, "terms": ["x"], "pvalue": pvalue,
                                          "level": 0.90}), Panel(df, "prov", "year"))
    test = res.wild_bootstrap.terms["x"]
    codes = pd.factorize(df.prov, sort=True)[0]
    V = _signs(8)
    ident = int(np.where((V == 1).all(axis=0))[0][0])

    def naive_p(b0: float) -> float:
        tstar = naive_ols_tstar(df, ["entity", "time"], ["x", "w"], "x", b0, codes, V, 1.0)
        return bootstrap_pvalue(tstar[ident], tstar, pvalue)  # identity draw: the sample t
    eps = 1e-5 * res.std_errors["x"]
    assert naive_p(test.ci_low + eps) >= 0.10 > naive_p(test.ci_low - eps)
    assert naive_p(test.ci_high - eps) >= 0.10 > naive_p(test.ci_high + eps)
    assert test.pvalue == naive_p(0.0)
