"""Wild cluster bootstrap of weighted fits and of fits with unit trends (``entity[time]``).

Reference: the naive loop with the same sign vectors (all :math:`2^G` of them), written
here with explicit dummies (entity intercepts, entity x year trends, year effects) on rows
scaled by :math:`\\sqrt{w}`: WLS is OLS on the scaled rows, and the restricted wild DGP
:math:`y^* = \\hat y_r + \\tilde u \\circ v` is the same whether scaled before or after the
multiplication (boottest's treatment of weights). Every draw is refitted with ``lstsq`` and
its CRV1 t computed with the kernel's small-sample factor.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from regiometrics.data import Panel
from regiometrics.engine import estimate
from regiometrics.engine.inference import bootstrap_pvalue, make_draws
from regiometrics.engine.inference.wild_model import _iv_tests, _linear_tests
from regiometrics.spec import model_spec
from tests.engine.wild_naive import wcr_tstar, wre_tstar

TSTAR_RTOL = 1e-8
P_ATOL = 1e-12


def _panel(G: int = 6, T: int = 7, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"prov": np.repeat(np.arange(G), T), "year": np.tile(np.arange(T), G)})
    a = rng.normal(size=G)[df.prov]
    trend = rng.normal(size=G)[df.prov] * df.year / T
    df["z1"] = rng.normal(size=len(df)) + 0.5 * a
    df["z2"] = rng.normal(size=len(df))
    e = rng.normal(size=len(df)) + rng.normal(size=G)[df.prov]
    df["x"] = df.z1 + 0.5 * df.z2 + 0.6 * e + a + trend + rng.normal(size=len(df))
    df["w"] = rng.normal(size=len(df)) + rng.normal(size=T)[df.year]
    df["y"] = 0.2 * df.x - 0.3 * df.w + a + trend + e
    df["aw"] = rng.uniform(0.3, 3.0, len(df))
    df["region"] = df.prov % 3
    return df.drop(index=[1, 9]).reset_index(drop=True)  # unbalanced


def _dummies(df: pd.DataFrame, effects: list[str]) -> np.ndarray:
    """Explicit columns of the absorbed effects (a full-rank-or-not LSDV design)."""
    cols = [np.ones(len(df))]
    ent = pd.get_dummies(df.prov).to_numpy(float)
    for e in effects:
        if e == "entity":
            cols.append(ent[:, 1:])
        elif e == "entity[time]":
            cols += [ent[:, 1:], ent * df.year.to_numpy(float)[:, None]]
        elif e == "time":
            cols.append(pd.get_dummies(df.year, drop_first=True).to_numpy(float))
    return np.column_stack(cols)


def naive_wls_tstar(df, effects, weights, beta0, codes, V, c):
    """WCR per draw on sqrt(w)-scaled rows: restricted fit, wild DGP, refit, cluster t of x."""
    r = np.sqrt(weights) if weights is not None else np.ones(len(df))
    X = np.column_stack([df[["x", "w"]].to_numpy(float), _dummies(df, effects)]) * r[:, None]
    return wcr_tstar(df.y.to_numpy(float) * r, X, 0, beta0, codes, V, c)


def naive_weighted_wre_tstar(df, effects, weights, beta0, codes, V, c):
    """WRE per draw (Davidson-MacKinnon 2010) on sqrt(w)-scaled rows, 2SLS, cluster t."""
    r = np.sqrt(weights)[:, None]
    X1 = np.column_stack([df[["w"]].to_numpy(float), _dummies(df, effects)]) * r
    return wre_tstar(df.y.to_numpy(float) * r[:, 0], df.x.to_numpy(float) * r[:, 0], X1,
                     df[["z1", "z2"]].to_numpy(float) * r, beta0, codes, V, c)


def _signs(G: int) -> np.ndarray:
    return np.array(list(itertools.product([-1.0, 1.0], repeat=G))).T


CASES = [
    ("weighted_twoway", ["entity", "time"], "aw", "entity"),
    ("weighted_twoway_coarse", ["entity", "time"], "aw", "region"),
    ("trends_time", ["entity[time]", "time"], None, "entity"),
    ("weighted_trends_time", ["entity[time]", "time"], "aw", "entity"),
    ("weighted_trends_coarse", ["entity[time]"], "aw", "region"),
    ("weighted_pooled", [], "aw", "entity"),
]


@pytest.mark.parametrize("name,effects,aweights,cluster", CASES)
@pytest.mark.parametrize("beta0", [0.0, 0.35])
def test_wcr_with_weights_and_trends_equals_naive_loop(name, effects, aweights, cluster, beta0):
    df = _panel()
    panel = Panel(df, "prov", "year")
    model = model_spec(id="m", type="fe" if effects else "ols", formula="y ~ x + w",
                       **({"effects": effects} if effects else {}), aweights=aweights,
                       vcov={"type": "cluster", "by": cluster},
                       wild_bootstrap={"draws": 9999, "terms": ["x"], "cluster": cluster})
    result = estimate(model, panel)
    _, G, _, factory = _linear_tests(model, panel, result)
    kernel = factory("x")
    draws = make_draws("rademacher", G, 9999, 1)
    assert draws.enumerated
    kernel.prepare(draws)
    fast = kernel.tstar(beta0)
    codes = pd.factorize(df[{"entity": "prov"}.get(cluster, cluster)], sort=True)[0]
    w = None if aweights is None else df[aweights].to_numpy() * len(df) / df[aweights].sum()
    naive = naive_wls_tstar(df, effects, w, beta0, codes, _signs(G), kernel.small)
    np.testing.assert_allclose(np.sort(fast), np.sort(naive), rtol=TSTAR_RTOL, atol=1e-10)
    t = kernel.t(beta0)
    for kind in ("symmetric", "equal_tail"):
        assert abs(bootstrap_pvalue(t, fast, kind) - bootstrap_pvalue(t, naive, kind)) <= P_ATOL
    # the reported t is the model's own (same clusters, same small-sample convention)
    wb = result.wild_bootstrap
    assert wb.terms["x"].t_stat == pytest.approx(result.params["x"] / result.std_errors["x"],
                                                 rel=1e-8)


@pytest.mark.parametrize("effects", [["entity", "time"], ["entity[time]", "time"]])
def test_weighted_wre_equals_naive_loop(effects):
    df = _panel()
    panel = Panel(df, "prov", "year")
    model = model_spec(id="iv", type="iv", formula="y ~ w + [x ~ z1 + z2]", effects=effects,
                      aweights="aw", vcov={"type": "cluster", "by": "entity"},
                      wild_bootstrap={"draws": 999})
    result = estimate(model, panel)
    _, G, _, factory = _iv_tests(model, panel, result)
    kernel = factory("x")
    kernel.prepare(make_draws("rademacher", G, 9999, 1))
    codes = pd.factorize(df.prov, sort=True)[0]
    w = df.aw.to_numpy() * len(df) / df.aw.sum()
    for beta0 in (0.0, 0.6):
        naive = naive_weighted_wre_tstar(df, effects, w, beta0, codes, _signs(G), kernel.small)
        np.testing.assert_allclose(np.sort(kernel.tstar(beta0)), np.sort(naive),
                                   rtol=TSTAR_RTOL, atol=1e-10)
    assert result.wild_bootstrap.terms["x"].t_stat == pytest.approx(
        result.params["x"] / result.std_errors["x"], rel=1e-8)
