"""Spec-driven ``type: iv`` models against R's AER::ivreg and against fit_iv itself.

Reference: tests/fixtures/iv_spec/make_iv_spec_reference.R (AER 1.2.10, sandwich, plm)
stores AER::ivreg on data two-way demeaned in R, with the raw covariances (RSS/(N-k), HC0,
CR0); the small-sample factors of the FE models (engine/linear/fit.py, reghdfe/ivreghdfe:
K = k + 1 + sum(G_f - 1), effects nested in the cluster not counted) are applied here
explicitly. Data: AER's CigarettesSW (Stock and Watson ch. 12; the two-way 2SLS with both
tax instruments is their Table 12.1 column (3): -1.20 and 0.46) and plm's Produc with
panel operators and a product among the instruments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine import estimate
from regiometrics.engine.iv import fit_iv
from regiometrics.spec import model_spec
from regiometrics.spec.models import ModelSpec
from tests.reference_data import ROOT, load_fixture

REF = load_fixture("iv_spec", "iv_spec_reference.json")


@pytest.fixture(scope="module")
def cig() -> Panel:
    return Panel(pd.read_csv(ROOT / "specs" / "data" / "cigarettes.csv"), "state", "year")


@pytest.fixture(scope="module")
def produc() -> Panel:
    return Panel(pd.read_csv(ROOT / "specs" / "data" / "produc.csv"), "state", "year")


def model(formula: str, **kw) -> ModelSpec:
    return model_spec(id="m", type=kw.pop("type", "iv"), formula=formula, **kw)


def se_from(vcov, factor: float) -> np.ndarray:
    return np.sqrt(np.diag(np.asarray(vcov)) * factor)


CIG_FORMULA = "lpacks ~ lrincome + [lrprice ~ salestax + cigtax]"


def test_cigarettes_twoway_cluster_matches_aer_and_plm(cig):
    ref = REF["cig_twoway"]
    res = estimate(model(CIG_FORMULA, effects=["entity", "time"],
                         vcov={"type": "cluster", "by": "entity"}), cig)
    terms = ref["terms"]  # lrprice, lrincome
    np.testing.assert_allclose([res.params[t] for t in terms], ref["coef"], rtol=1e-10)
    np.testing.assert_allclose([res.params[t] for t in terms], ref["plm_within_coef"], rtol=1e-9)
    n, g, k = ref["nobs"], ref["n_clusters"], len(terms)
    big_k = k + 1 + (2 - 1)  # state FE nested in the state clusters: only the year counts
    factor = g / (g - 1) * (n - 1) / (n - big_k)
    np.testing.assert_allclose([res.std_errors[t] for t in terms],
                               se_from(ref["vcov_cl_cr0"], factor), rtol=1e-9)
    assert res.df_resid == g - 1 and res.nobs == n and "_cons" not in res.params
    assert res.stats["rss"] == pytest.approx(ref["rss"], rel=1e-10)


@pytest.mark.parametrize("vcov", ["unadjusted", "robust"])
def test_cigarettes_twoway_iid_and_robust_count_all_absorbed_effects(cig, vcov):
    ref = REF["cig_twoway"]
    res = estimate(model(CIG_FORMULA, effects=["entity", "time"], vcov={"type": vcov}), cig)
    n, k = ref["nobs"], len(ref["terms"])
    big_k = k + 1 + 47 + 1  # 48 states, 2 years
    if vcov == "unadjusted":
        expected = se_from(ref["vcov_iid_n_minus_k"], (n - k) / (n - big_k))
    else:
        expected = se_from(ref["vcov_hc0"], n / (n - big_k))  # HC1, as the FE models
    np.testing.assert_allclose([res.std_errors[t] for t in ref["terms"]], expected, rtol=1e-9)
    assert res.df_resid == n - big_k


def test_cigarettes_cross_section_robust_is_hc1(cig):
    """The 1995 cross-section with a constant (effects []): sandwich's HC1 exactly."""
    ref = REF["cig_cross"]
    res = estimate(model("lpacks ~ lrincome + [lrprice ~ salestax]", filter="year == 1995",
                         vcov={"type": "robust"}), cig)
    terms = [t.replace("(Intercept)", "_cons") for t in ref["terms"]]
    np.testing.assert_allclose([res.params[t] for t in terms], ref["coef"], rtol=1e-10)
    np.testing.assert_allclose([res.std_errors[t] for t in terms],
                               np.sqrt(np.diag(ref["vcov_hc1"])), rtol=1e-9)
    assert list(res.params.index)[-1] == "_cons" and res.nobs == 48


def test_panel_operators_and_products_in_instruments_match_aer(produc):
    ref = REF["produc_ops"]
    res = estimate(model("lgsp ~ L.lpc + unemp + [lemp ~ L.lemp + L.lpcap:unemp]",
                         effects=["entity", "time"], vcov={"type": "cluster", "by": "entity"}),
                   produc)
    terms = ["lemp", "L.lpc", "unemp"]
    np.testing.assert_allclose([res.params[t] for t in terms], ref["coef"], rtol=1e-10)
    n, g = ref["nobs"], ref["n_clusters"]
    big_k = 3 + 1 + (ref["n_years"] - 1)
    factor = g / (g - 1) * (n - 1) / (n - big_k)
    np.testing.assert_allclose([res.std_errors[t] for t in terms],
                               se_from(ref["vcov_cl_cr0"], factor), rtol=1e-9)
    assert res.nobs == 768 and res.info["n_dropped_missing"] == 48
    assert res.info["instruments"] == ["L.lemp", "L.lpcap:unemp"]
    fs = res.components["first_stage:lemp"]
    assert list(fs.params.index)[:2] == ["L.lemp", "L.lpcap:unemp"]


def test_correction_none_is_ivreg2_default_cr0(produc):
    ref = REF["produc_ops"]
    res = estimate(model("lgsp ~ L.lpc + unemp + [lemp ~ L.lemp + L.lpcap:unemp]",
                         effects=["entity", "time"],
                         vcov={"type": "cluster", "by": "entity", "correction": "none"}), produc)
    np.testing.assert_allclose([res.std_errors[t] for t in ["lemp", "L.lpc", "unemp"]],
                               se_from(ref["vcov_cl_cr0"], 1.0), rtol=1e-9)
    assert res.df_resid is None  # z inference, as ivreg2 without small


def _twoway_demean(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        x = frame[c]
        out[c] = (x - x.groupby(frame["state"]).transform("mean")
                  - x.groupby(frame["year"]).transform("mean") + x.mean())
    return out


def test_spec_model_equals_fit_iv_on_demeaned_data(cig):
    """Everything (coefficients, SEs, every diagnostic, first stages) equals fit_iv called on
    the two-way demeaned data with the absorbed df given by hand: ivreghdfe's convention,
    df_a = 1 (the year effect; state FE nested in the state clusters)."""
    spec_res = estimate(model(CIG_FORMULA, effects=["entity", "time"],
                              vcov={"type": "cluster", "by": "entity"}, estimator="liml"), cig)
    cols = ["lpacks", "lrincome", "lrprice", "salestax", "cigtax"]
    d = _twoway_demean(cig.frame, cols)
    direct = fit_iv(d["lpacks"], d[["lrincome"]], d[["lrprice"]], d[["salestax", "cigtax"]],
                    method="liml", vcov="cluster", clusters=d["state"].to_numpy(),
                    absorbed_df=2, absorbed_as="sdofminus", small=True, ssc="ivreg2")
    for t in direct.params:
        assert spec_res.params[t] == pytest.approx(direct.params[t], rel=1e-9)
        assert spec_res.std_errors[t] == pytest.approx(direct.std_errors[t], rel=1e-9)
    for key, value in direct.diagnostics.items():
        if np.isfinite(value):
            assert spec_res.stats[key] == pytest.approx(value, rel=1e-7, abs=1e-12), key
    fs = spec_res.components["first_stage:lrprice"]
    assert dict(fs.params) == pytest.approx(dict(direct.first_stage["lrprice"].params), rel=1e-9)
    assert fs.stats["first_stage_f"] == pytest.approx(direct.first_stage["lrprice"].f_stat, rel=1e-9)
    assert spec_res.info["method"] == "liml" and spec_res.stats["kappa"] >= 1.0


@pytest.mark.parametrize("vcov", [{"type": "unadjusted"}, {"type": "robust"},
                                  {"type": "cluster", "by": "entity"},
                                  {"type": "cluster", "by": ["entity", "time"]}])
def test_iv_with_near_copy_instrument_reproduces_fe_model(produc, vcov):
    """2SLS with an instrument equal to the regressor up to 1e-7 noise is OLS up to ~1e-7:
    the IV model reproduces the fe model's standard errors, df and fit statistics under each
    vcov, so both use the same small-sample conventions (a factor like (N-1)/(N-K) instead of
    N/(N-K) would differ by 1e-3 here)."""
    rng = np.random.default_rng(7)
    noise = rng.normal(scale=1e-7, size=len(produc.frame))
    panel = Panel(produc.frame.assign(lemp_copy=produc.frame["lemp"] + noise), "state", "year")
    fe = estimate(model("lgsp ~ lpcap + lpc + lemp + unemp", type="fe",
                        effects=["entity", "time"], vcov=vcov), panel)
    iv = estimate(model("lgsp ~ lpcap + lpc + unemp + [lemp ~ lemp_copy]",
                        effects=["entity", "time"], vcov=vcov), panel)
    for t in ("lpcap", "lpc", "lemp", "unemp"):
        assert iv.params[t] == pytest.approx(fe.params[t], rel=1e-5)
        assert iv.std_errors[t] == pytest.approx(fe.std_errors[t], rel=1e-6)
    assert iv.df_resid == fe.df_resid
    for key in ("r2", "adj_r2", "r2_within", "adj_r2_within", "df_k", "n_entities", "n_periods"):
        assert iv.stats[key] == pytest.approx(fe.stats[key], rel=1e-6), key


@pytest.mark.parametrize(("vcov", "raw", "factor"), [
    # xtivreg2, fe small: cluster (N-1)/(N-k) * G/(G-1), k the regressors (no constant)
    ({"type": "cluster", "by": "entity", "correction": "stata_xtreg"}, "vcov_cl_cr0",
     lambda n, k, g: (n - 1) / (n - k) * g / (g - 1)),
    # ivreg2 without small: sigma^2 = RSS/N
    ({"type": "unadjusted", "correction": "none"}, "vcov_iid_n_minus_k",
     lambda n, k, g: (n - k) / n),
    ({"type": "robust", "correction": "none"}, "vcov_hc0", lambda n, k, g: 1.0),
])
def test_other_corrections_against_aer(produc, vcov, raw, factor):
    ref = REF["produc_ops"]
    res = estimate(model("lgsp ~ L.lpc + unemp + [lemp ~ L.lemp + L.lpcap:unemp]",
                         effects=["entity", "time"], vcov=vcov), produc)
    f = factor(ref["nobs"], 3, ref["n_clusters"])
    np.testing.assert_allclose([res.std_errors[t] for t in ["lemp", "L.lpc", "unemp"]],
                               se_from(ref[raw], f), rtol=1e-9)
