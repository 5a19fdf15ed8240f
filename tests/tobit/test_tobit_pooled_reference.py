"""Pooled Tobit (``type: tobit``, ``effects: []``) against R's AER::tobit (survival::survreg).

Data: Affairs (Fair 1978) as shipped with R's AER package; model of Kleiber and Zeileis (2008),
Applied Econometrics with R, sec. 5.5: ``tobit(affairs ~ age + yearsmarried + religiousness +
occupation + rating)``, left-censored at 0, and the same with right = 4. Reference numbers:
tests/fixtures/tobit/affairs_reference.json, written by make_affairs_reference.R beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine.registry import estimate
from regiometrics.spec import model_spec
from regiometrics.spec.models import ModelSpec

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "tobit"
REF = json.loads((FIX / "affairs_reference.json").read_text())
FORMULA = "affairs ~ age + yearsmarried + religiousness + occupation + rating"
TERMS = ["age", "yearsmarried", "religiousness", "occupation", "rating", "_cons"]


@pytest.fixture(scope="module")
def panel() -> Panel:
    return Panel(pd.read_csv(FIX / "affairs.csv"), entity="id")


def _model(**kw: object) -> ModelSpec:
    kw.setdefault("vcov", {"type": "unadjusted"})  # OIM, as survreg's vcov
    return model_spec(id="tob", type="tobit", formula=FORMULA, **kw)


@pytest.mark.parametrize(("case", "right"), [("left0", None), ("left0_right4", 4.0)])
def test_pooled_tobit_matches_aer(panel: Panel, case: str, right: float | None) -> None:
    """Coefficients, OIM standard errors, log sigma (and its SE), sigma, log-likelihood."""
    ref = REF[case]
    res = estimate(_model(right=right), panel)
    np.testing.assert_allclose([res.params[t] for t in TERMS],
                               [ref["params"][t] for t in TERMS], rtol=1e-6)
    np.testing.assert_allclose([res.std_errors[t] for t in TERMS],
                               [ref["std_errors"][t] for t in TERMS], rtol=1e-6)
    np.testing.assert_allclose(res.stats["log_sigma"], ref["log_sigma"], rtol=1e-6)
    np.testing.assert_allclose(res.stats["log_sigma_se"], ref["log_sigma_se"], rtol=1e-6)
    np.testing.assert_allclose(res.stats["sigma"], ref["sigma"], rtol=1e-6)
    np.testing.assert_allclose(res.stats["loglik"], ref["loglik"], rtol=1e-8)
    assert res.nobs == ref["nobs"] and res.df_resid is None
    y = pd.read_csv(FIX / "affairs.csv")["affairs"]
    assert res.stats["n_left_censored"] == (y <= 0).sum()
    assert res.stats["n_right_censored"] == ((y >= right).sum() if right else 0)
    assert res.stats["n_uncensored"] == res.nobs - res.stats["n_left_censored"] - res.stats[
        "n_right_censored"]
    assert res.info["vcov"] == "unadjusted" and res.info["vcov_method"] == "oim"


def test_pooled_tobit_robust_is_sandwich_with_stata_scaling(panel: Panel) -> None:
    """vcov robust = R's sandwich(tobit fit) times n/(n-1) (Stata's ML robust convention)."""
    ref = REF["left0"]
    res = estimate(_model(vcov={"type": "robust"}), panel)
    n = ref["nobs"]
    np.testing.assert_allclose([res.std_errors[t] for t in TERMS],
                               [ref["robust_std_errors"][t] * np.sqrt(n / (n - 1)) for t in TERMS],
                               rtol=1e-6)
    assert res.info["vcov"] == "robust"


def test_cluster_by_singleton_ids_equals_robust(panel: Panel) -> None:
    """With one observation per cluster, G/(G-1) = n/(n-1): cluster equals robust exactly."""
    rob = estimate(_model(vcov={"type": "robust"}), panel)
    cl = estimate(_model(vcov={"type": "cluster", "by": "entity"}), panel)
    np.testing.assert_allclose(cl.std_errors.to_numpy(), rob.std_errors.to_numpy(),
                               rtol=1e-10)
    assert cl.stats["n_clusters"] == 601 and cl.info["cluster_by"] == ["id"]


def test_cluster_groups_scores(panel: Panel) -> None:
    """Clustered by occupation (7 groups): G/(G-1) H^-1 (sum_g s_g s_g') H^-1 built by hand."""
    from regiometrics.engine.tobit.kernel import Censoring, pooled_loglik

    res = estimate(_model(vcov={"type": "cluster", "by": "occupation"}), panel)
    df = panel.frame
    X = np.column_stack([df[t].to_numpy(float) for t in TERMS[:-1]] + [np.ones(len(df))])
    theta = np.append([res.params[t] for t in TERMS], res.stats["log_sigma"])
    _, _, H, scores = pooled_loglik(theta, df["affairs"].to_numpy(float), X,
                                    Censoring.of(df["affairs"].to_numpy(float), 0.0, None))
    codes = pd.factorize(df["occupation"], sort=True)[0]
    S = np.vstack([scores[codes == g].sum(axis=0) for g in range(codes.max() + 1)])
    B = np.linalg.inv(-H)
    G = S.shape[0]
    V = G / (G - 1) * B @ S.T @ S @ B
    np.testing.assert_allclose([res.std_errors[t] for t in TERMS], np.sqrt(np.diag(V))[:-1],
                               rtol=1e-6)
