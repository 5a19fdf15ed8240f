"""Full-precision agreement with ivreg2 4.1 results exported from Stata.

Reference: the Stata benchmark fixtures of the R package ivreg2r
(github.com/restatr/ivreg2r, tests/stata-benchmarks/fixtures/*.csv, produced by
generate-helpfile-fixtures.do, generate-fixtures.do and generate-firststage-fixtures.do).
The numbers, file paths and commits are in tests/fixtures/iv/ivreg2r_stata_fixtures.json.
They cover the homoskedastic, robust and one-way cluster cases (Kleibergen-Paap rk LM and
rk Wald F, Cragg-Donald F, Hansen J, AR, Stock-Wright S, the C endogeneity test, first
stage) and ivreg2's ``dofminus``/``sdofminus`` bookkeeping, which is how xtivreg2 and
ivreghdfe account for absorbed fixed effects.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from regiometrics.engine.iv import fit_iv
from tests.engine.iv.iv_data import load_json, with_constant, year_dummies

FIX = load_json("ivreg2r_stata_fixtures.json")["cases"]
RTOL = 1e-8  # the fixtures carry 16 digits; both sides use the same float32-rounded data

KEYMAP = {
    "idstat": "kp_rk_lm", "idp": "kp_rk_lm_p", "cdf": "cd_wald_f", "widstat": "kp_rk_wald_f",
    "sargan": "sargan", "sarganp": "sargan_p", "j": "hansen_j", "jp": "hansen_j_p",
    "arf": "ar_f", "arfp": "ar_p", "archi2": "ar_chi2", "archi2p": "ar_chi2_p",
    "estat": "endog_c", "estatp": "endog_c_p", "sstat": "stock_wright_s", "sstatp": "stock_wright_s_p",
}


def check(res, case: dict) -> None:
    for stata, ours in KEYMAP.items():
        if stata in case:
            assert res.diagnostics[ours] == pytest.approx(case[stata], rel=RTOL), stata
    for term, value in case.get("coef", {}).items():
        assert res.params[term] == pytest.approx(value, rel=RTOL), term
    for term, value in case.get("se", {}).items():
        assert res.std_errors[term] == pytest.approx(value, rel=RTOL), term
    if "rss" in case:
        assert res.rss == pytest.approx(case["rss"], rel=RTOL)
    if "rmse" in case:
        assert res.rmse == pytest.approx(case["rmse"], rel=RTOL)


def gril(frame: pd.DataFrame, excluded: list[str], **kw):
    exog = with_constant(pd.concat(
        [frame[["s", "expr", "tenure", "rns", "smsa"]], year_dummies(frame)], axis=1))
    return fit_iv(frame["lw"], exog, frame[["iq"]], frame[excluded], small=False, **kw)


def test_griliches_homoskedastic(griliches):
    """H03: lw s expr tenure rns smsa _I* (iq=med kww age mrt)."""
    check(gril(griliches, ["med", "kww", "age", "mrt"]), FIX["hf_gril_H03"])


def test_griliches_robust(griliches):
    """H07: the same with robust: KP rk LM 41.5366, rk Wald F 12.1666, Hansen J 74.1649."""
    check(gril(griliches, ["med", "kww", "age", "mrt"], vcov="robust"), FIX["hf_gril_H07"])


def test_griliches_gmm2s_robust(griliches):
    """H06: two-step GMM; J equals the robust-2SLS J, RSS from the GMM residuals."""
    res = gril(griliches, ["med", "kww", "age", "mrt"], vcov="robust", method="gmm2s")
    check(res, FIX["hf_gril_H06"])


def test_griliches_cluster_year(griliches):
    """H27: cluster(year), 7 clusters: KP rk LM 5.7826, rk Wald F 32.6206, CD F 18.2691."""
    case = FIX["hf_gril_H27"]
    res = gril(griliches, ["med", "kww", "age"], vcov="cluster",
               clusters=griliches["year"].to_numpy())
    check(res, case)
    assert res.n_clusters == case["N_clust"]
    assert math.isnan(res.diagnostics["hansen_j"])


def test_griliches_first_stage_cluster(griliches):
    """gril_fs cl: cluster(tenure80) first stage, F(4, 22), partial and Shea R2, RMSE."""
    case = FIX["gril_fs_cl"]
    res = gril(griliches, ["med", "kww", "age", "mrt"], vcov="cluster",
               clusters=griliches["tenure80"].to_numpy())
    fs = res.first_stage["iq"]
    assert (fs.f_df1, fs.f_df2) == (case["df"], case["df_r"])
    assert fs.f_stat == pytest.approx(case["F"], rel=RTOL)
    assert fs.f_pvalue == pytest.approx(case["pvalue"], rel=1e-6)
    assert fs.sw_f == pytest.approx(case["SWF"], rel=RTOL)
    assert fs.partial_r2 == pytest.approx(case["pr2"], rel=1e-9)
    assert fs.shea_partial_r2 == pytest.approx(case["sheapr2"], rel=1e-9)
    assert fs.rmse == pytest.approx(case["rmse"], rel=RTOL)
    assert res.diagnostics["first_stage_f:iq"] == fs.f_stat


def mroz_fit(frame: pd.DataFrame, **kw):
    return fit_iv(frame["lwage"], with_constant(frame[["exper", "expersq"]]), frame[["educ"]],
                  frame[["age", "kidslt6", "kidsge6"]], small=False, **kw)


def test_mroz_endog_c(mroz):
    """H33: endog(educ) C statistic 0.019147, homoskedastic."""
    check(mroz_fit(mroz), FIX["hf_mroz_H33"])


def test_mroz_robust_ar_and_stock_wright(mroz):
    """H54: robust AR F/chi2 on (3, 422) df, Stock-Wright S, KP statistics, Hansen J."""
    res = mroz_fit(mroz, vcov="robust")
    check(res, FIX["hf_mroz_H54"])
    assert res.first_stage["educ"].f_df2 == FIX["hf_mroz_H54"]["ardf_r"]


@pytest.mark.parametrize("case,vcov", [("mroz_dofminus_iid", "unadjusted"),
                                       ("mroz_dofminus_robust", "robust")])
def test_mroz_dofminus_sdofminus(mroz, case, vcov):
    """dofminus(1) sdofminus(1): every statistic's degrees-of-freedom convention."""
    ref = FIX[case]
    res = mroz_fit(mroz, vcov=vcov, absorbed_df=1, absorbed_as="dofminus", partialled_df=1)
    check(res, ref)
    fs = res.first_stage["educ"]
    assert fs.f_df2 == ref["first"]["df_r"]
    assert fs.f_stat == pytest.approx(ref["first"]["F"], rel=RTOL)
    assert fs.f_pvalue == pytest.approx(ref["first"]["pvalue"], rel=1e-6)
    assert fs.sw_f == pytest.approx(ref["first"]["SWF"], rel=RTOL)
    if "rmse" in ref["first"]:
        assert fs.rmse == pytest.approx(ref["first"]["rmse"], rel=RTOL)
        assert fs.shea_partial_r2 == pytest.approx(ref["first"]["sheapr2"], rel=1e-9)
