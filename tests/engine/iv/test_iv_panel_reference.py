"""Two-way fixed-effects 2SLS, LIML and GMM against independent implementations.

Data: plm's Produc (48 US states x 17 years), two-way (state, year) demeaned by
tests/fixtures/iv/make_produc_aer.R, which also stores R's AER::ivreg and sandwich results
on the same demeaned data in produc_aer.json. Model:
log(gsp) ~ log(pc) + unemp + [log(emp) + log(pcap) ~ log(hwy) + log(water) + log(util)].
Second reference: linearmodels' IV2SLS / IVLIML / IVGMM on the same data. The degrees-of-
freedom corrections that differ between the packages are made explicit in each test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from linearmodels.iv import IV2SLS, IVGMM, IVLIML

from regiometrics.engine.iv import fit_iv
from tests.engine.iv.iv_data import load_json

REF = load_json("produc_aer.json")
TERMS = REF["terms"]  # lemp, lpcap, lpc, unemp
N, K = REF["nobs"], len(TERMS)
N_STATE, N_YEAR = REF["n_states"], REF["n_years"]
ABSORBED = N_STATE + N_YEAR - 1  # two-way FE on a balanced panel, constant included


def fit(produc: pd.DataFrame, **kw):
    return fit_iv(produc["lgsp"], produc[["lpc", "unemp"]], produc[["lemp", "lpcap"]],
                  produc[["lhwy", "lwater", "lutil"]], **kw)


def vcov_in(res, terms=TERMS) -> np.ndarray:
    idx = [res.terms.index(t) for t in terms]
    return res.vcov[np.ix_(idx, idx)]


def test_coefficients_match_aer_and_plm(produc):
    res = fit(produc)
    coef = [res.params[t] for t in TERMS]
    np.testing.assert_allclose(coef, REF["coef"], rtol=1e-10)
    # plm's within IV estimator on the raw panel names terms log(emp), log(pcap), ...
    np.testing.assert_allclose(coef, REF["plm_within_coef"], rtol=1e-8)


def test_homoskedastic_vcov_matches_aer(produc):
    """AER: sigma^2 = RSS/(N-K) on the demeaned data = ivreg2 ``small`` with no absorbed df."""
    res = fit(produc, small=True, ssc="ivreg2")
    np.testing.assert_allclose(vcov_in(res), REF["vcov_iid_n_minus_k"], rtol=1e-9)
    assert res.df_resid == N - K


def test_absorbed_df_rescales_homoskedastic_vcov(produc):
    """With the 64 absorbed FE parameters counted, sigma^2 = RSS/(N-K-64): AER * (N-K)/(N-K-64)."""
    expected = np.asarray(REF["vcov_iid_n_minus_k"]) * (N - K) / (N - K - ABSORBED)
    for ssc, how in (("fixest", "dofminus"), ("ivreg2", "dofminus"), ("ivreg2", "sdofminus")):
        res = fit(produc, small=True, ssc=ssc, absorbed_df=ABSORBED, absorbed_as=how)
        np.testing.assert_allclose(vcov_in(res), expected, rtol=1e-9)
        assert res.df_resid == N - K - ABSORBED
    # xtivreg2 without small: sigma^2 = RSS/(N - dofminus)
    res = fit(produc, small=False, absorbed_df=ABSORBED)
    big = np.asarray(REF["vcov_iid_n_minus_k"]) * (N - K) / (N - ABSORBED)
    np.testing.assert_allclose(vcov_in(res), big, rtol=1e-9)


def test_robust_vcov_matches_sandwich_hc0(produc):
    res = fit(produc, vcov="robust", small=False)
    np.testing.assert_allclose(vcov_in(res), REF["vcov_hc0"], rtol=1e-9)
    fix = fit(produc, vcov="robust", small=True, ssc="fixest", absorbed_df=ABSORBED)
    factor = (N - 1) / (N - K - ABSORBED)
    np.testing.assert_allclose(vcov_in(fix), np.asarray(REF["vcov_hc0"]) * factor, rtol=1e-9)


def test_cluster_vcov_matches_sandwich(produc):
    """CR0 = ivreg2 without small; CR1 = G/(G-1)(N-1)/(N-K) = fixest with no absorbed df."""
    states = produc["state"].to_numpy()
    res = fit(produc, vcov="cluster", clusters=states, small=False)
    np.testing.assert_allclose(vcov_in(res), REF["vcov_cl_cr0"], rtol=1e-9)
    res = fit(produc, vcov="cluster", clusters=states, small=True, ssc="fixest")
    np.testing.assert_allclose(vcov_in(res), REF["vcov_cl_cr1"], rtol=1e-9)
    assert res.df_resid == N_STATE - 1


def test_cluster_fixest_excludes_nested_fixed_effects(produc):
    """State FE are nested in state clusters: K counts only the 16 year parameters."""
    states = produc["state"].to_numpy()
    res = fit(produc, vcov="cluster", clusters=states, small=True, ssc="fixest",
              absorbed_df=ABSORBED, absorbed_nested_df=N_STATE)
    expected = np.asarray(REF["vcov_cl_cr1"]) * (N - K) / (N - K - (N_YEAR - 1))
    np.testing.assert_allclose(vcov_in(res), expected, rtol=1e-9)
    ivreg2 = fit(produc, vcov="cluster", clusters=states, small=True, ssc="ivreg2",
                 absorbed_df=ABSORBED, absorbed_as="sdofminus")
    expected = np.asarray(REF["vcov_cl_cr1"]) * (N - K) / (N - K - ABSORBED)
    np.testing.assert_allclose(vcov_in(ivreg2), expected, rtol=1e-9)


@pytest.mark.parametrize("cov_type,vcov", [("unadjusted", "unadjusted"), ("robust", "robust"),
                                           ("clustered", "cluster")])
def test_2sls_matches_linearmodels(produc, cov_type, vcov):
    """linearmodels' debiased covariances are ivreg2's ``small`` ones (N-K, G/(G-1)(N-1)/(N-K))."""
    kw = {"clusters": pd.Categorical(produc["state"]).codes} if vcov == "cluster" else {}
    lm = IV2SLS(produc["lgsp"], produc[["lpc", "unemp"]], produc[["lemp", "lpcap"]],
                produc[["lhwy", "lwater", "lutil"]]).fit(cov_type=cov_type, debiased=True, **kw)
    res = fit(produc, vcov=vcov, clusters=kw.get("clusters"), small=True, ssc="ivreg2")
    terms = list(lm.params.index)
    np.testing.assert_allclose([res.params[t] for t in terms], lm.params, rtol=1e-10)
    np.testing.assert_allclose(vcov_in(res, terms), lm.cov, rtol=1e-9)
    fs = lm.first_stage.diagnostics
    for name in ("lemp", "lpcap"):
        ours = res.first_stage[name]
        assert ours.partial_r2 == pytest.approx(fs.loc[name, "partial.rsquared"], rel=1e-10)
        assert ours.shea_partial_r2 == pytest.approx(fs.loc[name, "shea.rsquared"], rel=1e-9)
        if vcov == "unadjusted":
            assert ours.f_stat == pytest.approx(fs.loc[name, "f.stat"], rel=1e-9)
        elif vcov == "robust":  # linearmodels reports the debiased Wald chi2
            assert ours.f_stat * 3 == pytest.approx(fs.loc[name, "f.stat"], rel=1e-9)


def test_endogeneity_c_matches_linearmodels(produc):
    """Homoskedastic C = Durbin's test; robust C = linearmodels' IVGMM c_stat (same S_E).

    Reference: linearmodels 7.1, stored in tests/fixtures/iv/linearmodels_endogeneity.json by
    the script beside it (versions before 7.1 print other values for both statistics).
    """
    ref = load_json("linearmodels_endogeneity.json")
    durbin = fit(produc, small=False).diagnostics["endog_c"]
    assert durbin == pytest.approx(ref["durbin_stat"], rel=1e-9)
    res = fit(produc, vcov="robust", small=False)
    assert res.diagnostics["endog_c"] == pytest.approx(ref["c_stat"], rel=1e-9)
    assert res.diagnostics["endog_c_p"] == pytest.approx(ref["c_pval"], rel=1e-7)


@pytest.mark.parametrize("cov_type,vcov", [("unadjusted", "unadjusted"), ("robust", "robust"),
                                           ("clustered", "cluster")])
def test_liml_matches_linearmodels(produc, cov_type, vcov):
    kw = {"clusters": pd.Categorical(produc["state"]).codes} if vcov == "cluster" else {}
    lm = IVLIML(produc["lgsp"], produc[["lpc", "unemp"]], produc[["lemp", "lpcap"]],
                produc[["lhwy", "lwater", "lutil"]]).fit(cov_type=cov_type, debiased=False, **kw)
    res = fit(produc, method="liml", vcov=vcov, clusters=kw.get("clusters"), small=False)
    terms = list(lm.params.index)
    assert res.kappa == pytest.approx(lm.kappa, rel=1e-10)
    np.testing.assert_allclose([res.params[t] for t in terms], lm.params, rtol=1e-9)
    np.testing.assert_allclose(vcov_in(res, terms), lm.cov, rtol=1e-8)


@pytest.mark.parametrize("weight", ["robust", "clustered"])
def test_gmm2s_matches_linearmodels(produc, weight):
    """Coefficients and J match; linearmodels' IVGMM covariance re-estimates S from the
    second-step residuals whereas ivreg2 (and this code) keeps the first-step S, so the
    standard errors are checked against ivreg2's printed output instead."""
    codes = pd.Categorical(produc["state"]).codes
    kw = {"clusters": codes} if weight == "clustered" else {}
    lm = IVGMM(produc["lgsp"], produc[["lpc", "unemp"]], produc[["lemp", "lpcap"]],
               produc[["lhwy", "lwater", "lutil"]], weight_type=weight,
               **kw).fit(cov_type=weight, **kw)
    vcov = "cluster" if weight == "clustered" else "robust"
    res = fit(produc, method="gmm2s", vcov=vcov, clusters=kw.get("clusters"), small=False)
    terms = list(lm.params.index)
    np.testing.assert_allclose([res.params[t] for t in terms], lm.params, rtol=1e-9)
    assert res.diagnostics["hansen_j"] == pytest.approx(lm.j_stat.stat, rel=1e-9)
