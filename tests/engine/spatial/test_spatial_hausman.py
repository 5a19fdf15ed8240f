"""Spatial Hausman test (FE against RE) on plm::Produc, checked by hand from the two fits.

No printed xsmle output on public data with ``hausman`` was found; xsmle's statistic uses a
White (1982) sandwich for Var(b_FE - b_RE), so it is not the one computed here (see
regiometrics.engine.spatial.hausman).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from regiometrics.engine.spatial.hausman import shared_terms, spatial_hausman
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel
from regiometrics.engine.spatial.random_effects import fit_spatial_re
from regiometrics.errors import IdentificationError

NAMES = ["lpcap", "lpc", "lemp", "unemp"]


@pytest.mark.parametrize("model", ["sar", "sdm"])
def test_hausman_by_hand(produc, model):
    fe = fit_spatial_panel(produc.y, produc.X, produc.W, n_entities=48, n_periods=17,
                           model=model, effects="entity", x_names=NAMES)
    Xc = np.column_stack([np.ones(produc.y.size), produc.X])
    re = fit_spatial_re(produc.y, Xc, produc.W, n_entities=48, n_periods=17, model=model,
                        x_names=["_cons", *NAMES])
    test = spatial_hausman(fe.params, fe.vcov, re.params, re.vcov)
    expected_terms = NAMES + ([f"W.{n}" for n in NAMES] if model == "sdm" else []) + ["rho"]
    assert list(test.terms) == expected_terms
    # by hand: FE rows are x, W.x, rho (then sigma2); RE rows _cons, x, W.x, rho (then phi, s2)
    k = len(expected_terms)
    d = np.array(list(fe.params.values())) - np.array(list(re.params.values())[1:])
    V = fe.vcov[:k, :k] - re.vcov[1:k + 1, 1:k + 1]
    chi2 = float(d @ np.linalg.solve(V, d))
    # full rank, so the generalised inverse is the inverse whatever the signs of V's eigenvalues
    np.testing.assert_allclose(test.statistic, chi2, rtol=1e-8)
    assert test.df == k
    np.testing.assert_allclose(test.pvalue, stats.chi2.sf(chi2, k), rtol=1e-8)
    # on Produc V_FE - V_RE is indefinite for both models (as often with Produc): reported
    assert test.positive_definite == bool(np.all(np.linalg.eigvalsh(V) > 0))
    assert (test.note == "") == test.positive_definite


def test_hausman_not_positive_definite_is_reported_not_raised():
    """V_b - V_B with a negative eigenvalue: statistic computed, flagged, no exception."""
    fe = {"a": 1.0, "b": 2.0, "rho": 0.3}
    re = {"_cons": 5.0, "a": 0.9, "b": 2.2, "rho": 0.25}
    Vfe = np.diag([0.02, 0.01, 0.004, 9.0])  # trailing sigma2 row ignored
    Vre = np.diag([1.0, 0.01, 0.03, 0.001, 7.0, 8.0])
    t = spatial_hausman(fe, Vfe, re, Vre)
    assert t.terms == ("a", "b", "rho")
    assert not t.positive_definite and "not positive definite" in t.note
    d = np.array([0.1, -0.2, 0.05])
    ev = np.array([0.01, -0.02, 0.003])
    np.testing.assert_allclose(t.statistic, float(np.sum(d**2 / ev)), rtol=1e-10)
    assert t.df == 3
    assert t.statistic < 0 and np.isnan(t.pvalue)


def test_hausman_singular_difference_uses_the_rank():
    fe = {"a": 1.0, "b": 2.0}
    re = {"a": 0.5, "b": 2.0}
    t = spatial_hausman(fe, np.diag([0.02, 0.01]), re, np.diag([0.01, 0.01]))
    assert t.df == 1 and not t.positive_definite
    np.testing.assert_allclose(t.statistic, 0.25 / 0.01, rtol=1e-10)
    np.testing.assert_allclose(t.pvalue, stats.chi2.sf(25.0, 1), rtol=1e-10)


def test_hausman_without_shared_terms():
    assert shared_terms(["x", "rho"], ["_cons", "z"]) == ()
    with pytest.raises(IdentificationError, match="share no coefficient"):
        spatial_hausman({"x": 1.0}, np.eye(1), {"_cons": 1.0, "z": 2.0}, np.eye(2))
