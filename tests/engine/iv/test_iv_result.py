"""The IVResult contract: diagnostic key names, first-stage table, Result/JSON conversion.

Key names are the issue-5 contract for results.json ``stats`` (ivreg2 meanings).
Numbers are checked elsewhere; here the reference is the model's own linear algebra:
first-stage coefficients against statsmodels OLS, summary CIs against scipy quantiles.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from regiometrics.engine.iv import fit_iv
from regiometrics.results import result_to_json

CORE_KEYS = {
    "anderson_lm", "anderson_lm_p", "kp_rk_lm", "kp_rk_lm_p", "cd_wald_f", "kp_rk_wald_f",
    "sargan", "sargan_p", "hansen_j", "hansen_j_p", "ar_f", "ar_p", "ar_chi2", "ar_chi2_p",
    "endog_c", "endog_c_p", "stock_wright_s", "stock_wright_s_p",
}
SY_KEYS = {f"sy_2sls_bias_{p}pct" for p in (5, 10, 20, 30)} | {
    f"sy_{m}_size_{p}pct" for m in ("2sls", "liml") for p in (10, 15, 20, 25)}
PER_ENDOG = ("first_stage_f", "first_stage_f_p", "partial_r2", "shea_partial_r2", "sw_f",
             "sw_f_p")


@pytest.fixture(scope="module")
def panel():
    """A small regional panel in the shape of the seed paper's Table 5 (ER on DT, L.DT)."""
    rng = np.random.default_rng(42)
    n = 270
    frame = pd.DataFrame({
        "IVNQ": rng.normal(size=n), "IV2": rng.normal(size=n), "IV3": rng.normal(size=n),
        "MEDICAL": rng.normal(size=n), "EC": rng.normal(size=n),
        "province": np.repeat(np.arange(30), 9),
    })
    err = rng.normal(size=(n, 3))
    frame["DT"] = 0.8 * frame.IVNQ + 0.3 * frame.IV2 + err[:, 0] + 0.5 * err[:, 2]
    frame["L.DT"] = 0.6 * frame.IV3 + 0.4 * frame.IV2 + err[:, 1]
    frame["ER"] = 0.4 * frame.DT + 0.2 * frame["L.DT"] + 0.1 * frame.MEDICAL + err[:, 2]
    return frame


def fit(panel, **kw):
    return fit_iv(panel["ER"], panel[["MEDICAL", "EC"]], panel[["DT", "L.DT"]],
                  panel[["IVNQ", "IV2", "IV3"]], vcov="cluster",
                  clusters=panel["province"].to_numpy(), absorbed_df=38,
                  absorbed_nested_df=30, **kw)


def test_diagnostic_keys_are_the_contract(panel):
    res = fit(panel)
    per = {f"{k}:{name}" for k in PER_ENDOG for name in ("DT", "L.DT")}
    assert set(res.diagnostics) == CORE_KEYS | SY_KEYS | per
    assert res.dependent == "ER"
    assert res.terms == ["DT", "L.DT", "MEDICAL", "EC"]
    assert all(isinstance(v, float) for v in res.diagnostics.values())


def test_first_stage_table_matches_ols(panel):
    res = fit(panel, small=False)
    w = panel[["IVNQ", "IV2", "IV3", "MEDICAL", "EC"]]
    for name in ("DT", "L.DT"):
        ols = sm.OLS(panel[name], w).fit(cov_type="cluster",
                                         cov_kwds={"groups": panel["province"],
                                                   "use_correction": False})
        fs = res.first_stage[name]
        assert list(fs.params) == list(w.columns)
        np.testing.assert_allclose(list(fs.params.values()), ols.params, rtol=1e-10)
        np.testing.assert_allclose(list(fs.std_errors.values()), ols.bse, rtol=1e-9)
        assert fs.df_resid is None and fs.nobs == len(panel)


def test_summary_and_frozen(panel):
    res = fit(panel)  # fixest convention: t with G-1 = 29 df
    table = res.summary(level=0.9)
    q = sps.t.ppf(0.95, 29)
    np.testing.assert_allclose(table["ci_high"], table["estimate"] + q * table["std_error"],
                               rtol=1e-12)
    np.testing.assert_allclose(table["statistic"], table["estimate"] / table["std_error"])
    assert res.df_resid == 29
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.method = "liml"  # type: ignore[misc]


def test_to_result_and_json(panel):
    res = fit(panel, method="liml")
    out = res.to_result("iv1")
    assert out.type == "iv" and out.model_id == "iv1" and out.nobs == len(panel)
    assert out.stats["kp_rk_lm"] == res.diagnostics["kp_rk_lm"]
    assert out.stats["kappa"] == res.kappa and out.info["method"] == "liml"
    assert set(out.components) == {"first_stage:DT", "first_stage:L.DT"}
    rows = out.tidy_rows()
    assert [r.term for r in rows] == res.terms
    record = json.loads(json.dumps(result_to_json(out)))
    assert record["stats"]["sy_2sls_bias_30pct"] is None  # nan -> null: K2 = 3, n = 2
    assert record["stats"]["sy_2sls_size_10pct"] == 13.43
    assert record["components"]["first_stage:DT"]["stats"]["f"] == pytest.approx(
        res.diagnostics["first_stage_f:DT"])
