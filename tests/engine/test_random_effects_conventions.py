"""Random effects under each ``vcov.correction``: printed Stata output and linearmodels.

References:

* ``stata_xtreg``: the Stata 13 log bashtage/linearmodels
  linearmodels/tests/panel/results/stata-panel-simulated-results.txt, ``xtreg y x1-x5, re
  vce(cluster firm_id)`` and ``re vce(conventional)`` on a balanced panel and two unbalanced
  ones (5% / 20% of values missing), transcribed with its data by
  tests/fixtures/grunfeld/make_stata_printed.py into stata_printed.json (keys
  ``random_effect-cluster--<suffix>``, ``random_effect-conventional--<suffix>``).
* every option: linearmodels ``RandomEffects`` covariances (its own code, not ours):
  ``debiased=True, group_debias=True`` (documented there as Stata's ``xtreg, re
  vce(cluster)``), ``debiased=True`` (HC1, s² on N-K) and ``debiased=False`` (no factor,
  normal tests).

Printed precision: coefficients and z statistics carry 12 significant digits (``%13.12g``),
so SE = b/z to ~1e-10 (rtol 1e-9 below). p-values carry 7 significant digits, and Stata
forms them as 2(1 - Φ(|z|)), whose cancellation leaves an absolute error of a few 1e-16
(a printed 1.776357e-15 is 8 machine epsilons): rtol 1e-6 with atol 2.3e-16.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from linearmodels.panel import RandomEffects
from scipy import stats as sps

from regiometrics.data import Panel
from regiometrics.engine import estimate
from regiometrics.spec import model_spec
from tests.reference_data import FIXTURES, load_fixture

STATA = load_fixture("grunfeld", "stata_printed.json")["simulated"]["results"]
SUFFIXES = ["", "_light", "_heavy"]
CLUSTER = {"type": "cluster", "by": "entity"}


@pytest.fixture(scope="module")
def panel() -> Panel:
    return Panel(pd.read_csv(FIXTURES / "grunfeld" / "simulated_panel.csv.gz"), "firm_id", "year")


def _names(suffix: str) -> list[str]:
    return [f"x{i}{suffix}" for i in range(1, 6)]


def _fit(panel: Panel, suffix: str, vcov: dict, **keys):
    formula = f"y{suffix} ~ " + " + ".join(_names(suffix))
    return estimate(model_spec(id="re", type="re", formula=formula, random=["entity"],
                              vcov=vcov, **keys), panel)


def _get(mapping: dict, terms: list[str]) -> np.ndarray:
    return np.array([mapping[t] for t in terms])


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("vce", "vcov"), [("cluster", CLUSTER), ("conventional",
                                                                   {"type": "unadjusted"})])
def test_stata_xtreg_is_printed_xtreg_re(panel, suffix, vce, vcov):
    ref = STATA[f"random_effect-{vce}--{suffix}"]
    res = _fit(panel, suffix, {**vcov, "correction": "stata_xtreg"})
    terms = list(ref["coef"])
    assert res.nobs == int(ref["stats"]["N"])
    np.testing.assert_allclose(_get(res.params, terms), _get(ref["coef"], terms), rtol=1e-9)
    np.testing.assert_allclose(_get(res.std_errors, terms), _get(ref["se_from_t"], terms),
                               rtol=1e-9)
    z = _get(res.params, terms) / _get(res.std_errors, terms)
    np.testing.assert_allclose(z, _get(ref["t"], terms), rtol=1e-9)
    np.testing.assert_allclose(_get(res.pvalues, terms), _get(ref["p"], terms), rtol=1e-6,
                               atol=2.3e-16)
    assert res.df_resid is None  # z-tests: tables and intervals use the normal
    # Stata's default variance components (harmonic-mean T on the unbalanced panels)
    np.testing.assert_allclose(res.stats["sigma2_u"], ref["stats"]["sigma_u"] ** 2, rtol=1e-9)
    np.testing.assert_allclose(res.stats["sigma2_eps"], ref["stats"]["sigma_e"] ** 2, rtol=1e-9)
    if vce == "cluster":
        assert res.stats["n_clusters"] == ref["stats"]["N_g"]


def test_printed_p_values_are_normal_not_t(panel):
    """The check above can tell z from t: t with G-1 (or N-K) df misses Stata's p."""
    ref = STATA["random_effect-cluster--"]
    z, p = ref["t"]["_cons"], ref["p"]["_cons"]
    np.testing.assert_allclose(2 * sps.norm.sf(abs(z)), p, rtol=1e-6)
    for df in (999, 3000 - 6):
        assert abs(2 * sps.t.sf(abs(z), df) / p - 1) > 1e-2


def _linearmodels(panel: Panel, kind: str, *, debiased: bool, group_debias: bool = False):
    frame = panel.frame.set_index(["firm_id", "year"])
    exog = frame[_names("")].assign(_cons=1.0)
    cov = {"cluster": "clustered", "robust": "robust", "unadjusted": "unadjusted"}[kind]
    extra = {"cluster_entity": True, "group_debias": group_debias} if kind == "cluster" else {}
    return RandomEffects(frame["y"], exog).fit(small_sample=True, cov_type=cov,
                                               debiased=debiased, **extra)


@pytest.mark.parametrize("kind", ["cluster", "robust", "unadjusted"])
def test_each_correction_is_its_documented_convention(panel, kind):
    """fixest: the xtreg factors with t-tests (G-1 df clustered, else N-K); stata_xtreg: the
    same covariance with z-tests; none: no finite-sample factor, z-tests."""
    terms = [*_names(""), "_cons"]
    vcov = {**CLUSTER} if kind == "cluster" else {"type": kind}
    fits = {c: _fit(panel, "", {**vcov, "correction": c}) for c in ("fixest", "stata_xtreg", "none")}
    small = _linearmodels(panel, kind, debiased=True, group_debias=True)
    large = _linearmodels(panel, kind, debiased=False)
    n, k, g = 3000, 6, 1000
    for c in ("fixest", "stata_xtreg"):
        np.testing.assert_allclose(_get(fits[c].std_errors, terms),
                                   small.std_errors[terms].to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(_get(fits["none"].std_errors, terms),
                               large.std_errors[terms].to_numpy(), rtol=1e-10)
    # linearmodels < 7 returns p-values below ~1e-16 as 0 (1 - cdf), hence the atol
    np.testing.assert_allclose(_get(fits["none"].pvalues, terms),
                               large.pvalues[terms].to_numpy(), rtol=1e-8, atol=1e-15)
    factor = g / (g - 1) * (n - 1) / (n - k) if kind == "cluster" else n / (n - k)
    np.testing.assert_allclose(_get(fits["fixest"].std_errors, terms),
                               _get(fits["none"].std_errors, terms) * np.sqrt(factor), rtol=1e-12)
    df = g - 1 if kind == "cluster" else n - k
    assert fits["fixest"].df_resid == df
    assert fits["stata_xtreg"].df_resid is None and fits["none"].df_resid is None
    for c, dist in (("fixest", sps.t(df)), ("stata_xtreg", sps.norm), ("none", sps.norm)):
        z = _get(fits[c].params, terms) / _get(fits[c].std_errors, terms)
        np.testing.assert_allclose(_get(fits[c].pvalues, terms), 2 * dist.sf(np.abs(z)),
                                   rtol=1e-12)
    if kind != "cluster":  # linearmodels' debiased tests are t on N-K, as fixest's here
        np.testing.assert_allclose(_get(fits["fixest"].pvalues, terms),
                                   small.pvalues[terms].to_numpy(), rtol=1e-8, atol=1e-15)
    se = {c: _get(fits[c].std_errors, terms) for c in fits}
    p = {c: _get(fits[c].pvalues, terms) for c in fits}
    assert not np.allclose(se["none"], se["fixest"], rtol=1e-6)
    assert not np.allclose(p["fixest"], p["stata_xtreg"], rtol=1e-6)


def test_unbalanced_components_follow_the_convention(panel):
    """On an unbalanced panel stata_xtreg takes xtreg's variance components, fixest and
    none plm's swar (Baltagi-Chang; Stata's ``xtreg, re sa``): linearmodels with
    ``small_sample`` off and on. The point estimates differ accordingly."""
    frame = panel.frame.dropna(subset=["y_heavy", *_names("_heavy")]).set_index(["firm_id",
                                                                                   "year"])
    exog = frame[_names("_heavy")].assign(_cons=1.0)
    for correction, small_sample in (("stata_xtreg", False), ("fixest", True), ("none", True)):
        res = _fit(panel, "_heavy", {"type": "unadjusted", "correction": correction})
        ref = RandomEffects(frame["y_heavy"], exog).fit(small_sample=small_sample)
        np.testing.assert_allclose(res.stats["sigma2_u"], ref.variance_decomposition["Effects"],
                                   rtol=1e-12)
        terms = list(exog.columns)
        np.testing.assert_allclose(_get(res.params, terms), ref.params[terms].to_numpy(),
                                   rtol=1e-10)
        assert res.info["variance_components"] == ("stata" if correction == "stata_xtreg"
                                                   else "swar")


def test_hausman_uses_the_models_components(panel):
    """The classic Hausman statistic contrasts FE with the RE the table shows."""
    formula = "y_heavy ~ " + " + ".join(_names("_heavy"))
    for correction in ("fixest", "stata_xtreg"):
        vcov = {"type": "unadjusted", "correction": correction}
        res = estimate(model_spec(id="re", type="re", formula=formula, random=["entity"],
                                 vcov=vcov, hausman={"method": "classic"}), panel)
        fe = estimate(model_spec(id="fe", type="fe", formula=formula, effects=["entity"],
                                vcov={"type": "unadjusted"}), panel)
        terms = _names("_heavy")
        d = _get(fe.params, terms) - _get(res.params, terms)
        idx = list(range(len(terms)))
        dv = fe.vcov[np.ix_(idx, idx)] - res.vcov[np.ix_(idx, idx)]
        np.testing.assert_allclose(res.stats["hausman_chi2"], d @ np.linalg.solve(dv, d),
                                   rtol=1e-10)
