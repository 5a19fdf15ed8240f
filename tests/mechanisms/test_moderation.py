"""Moderation: marginal effects with delta-method SEs, centring, moderator values, errors.

Reference: the marginal effect at moderator value v is the treatment coefficient of the
reparametrised regression y ~ D + M + D*(M - v) (same fit, same vcov), so estimate and
standard error must match the delta method to rtol 1e-10 / 1e-8. linearmodels PanelOLS on
the centred data gives the coefficients independently (rtol 1e-10).
"""

from __future__ import annotations

import numpy as np
import pytest
from linearmodels.panel import PanelOLS
from scipy import stats as sps

from regiometrics.engine.linear.fit import fit_linear
from regiometrics.engine.registry import estimate
from regiometrics.errors import SpecError
from regiometrics.spec.loader import spec_from_dict
from tests.mechanisms.mechanism_helpers import model, produc_frame, produc_panel


def mod(**extra):
    fields = {"type": "moderation", "formula": "lgsp ~ lpcap*unemp", "controls": ["lpc", "lemp"],
              "treatment": "lpcap", "moderator": "unemp"}
    return model(**{**fields, **extra})


def test_marginal_effect_equals_reparametrised_regression():
    frame = produc_frame()
    res = estimate(mod(at=["p10", "p50", "p90", 7.5]), produc_panel(frame))
    at = res.info["marginal"]["at"]
    assert list(at) == ["p10", "p50", "p90", "7.5"]
    np.testing.assert_allclose(at["p50"], np.percentile(frame["unemp"], 50), rtol=1e-12)
    for key, value in at.items():
        shifted = frame.assign(u_v=frame["unemp"] - value)
        ref = fit_linear(model(formula="lgsp ~ lpcap + unemp + lpcap:u_v",
                               controls=["lpc", "lemp"]), produc_panel(shifted))
        e = res.effects["marginal"][key]
        np.testing.assert_allclose(e.estimate, ref.params["lpcap"], rtol=1e-10)
        np.testing.assert_allclose(e.std_error, ref.std_errors["lpcap"], rtol=1e-8)
        np.testing.assert_allclose(e.pvalue, ref.pvalues["lpcap"], rtol=1e-6)
        q = sps.t.ppf(0.975, res.df_resid)
        np.testing.assert_allclose([e.ci_low, e.ci_high],
                                   [e.estimate - q * e.std_error, e.estimate + q * e.std_error],
                                   rtol=1e-12)


def test_centring_changes_coefficients_not_marginal_effects():
    frame = produc_frame()
    raw = estimate(mod(at=[4.0, 9.0]), produc_panel(frame))
    cen = estimate(mod(at=[4.0, 9.0], center=True), produc_panel(frame))
    for key in ("4", "9"):
        np.testing.assert_allclose(cen.effects["marginal"][key].estimate,
                                   raw.effects["marginal"][key].estimate, rtol=1e-10)
        np.testing.assert_allclose(cen.effects["marginal"][key].std_error,
                                   raw.effects["marginal"][key].std_error, rtol=1e-8)
    means = cen.info["marginal"]["means"]
    np.testing.assert_allclose(means["unemp"], frame["unemp"].mean(), rtol=1e-12)
    assert any("mean-centred" in n for n in cen.info["notes"])
    c = frame.assign(lpcap=frame.lpcap - frame.lpcap.mean(), unemp=frame.unemp - means["unemp"])
    c["inter"] = c.lpcap * c.unemp
    d = c.set_index(["state", "year"])
    ref = PanelOLS(d.lgsp, d[["lpcap", "unemp", "inter", "lpc", "lemp"]], entity_effects=True,
                   time_effects=True).fit().params
    np.testing.assert_allclose(cen.params["lpcap"], ref["lpcap"], rtol=1e-10)
    np.testing.assert_allclose(cen.params["lpcap:unemp"], ref["inter"], rtol=1e-10)
    # at the mean moderator the marginal effect is the centred main effect
    at_mean = estimate(mod(at=["mean"], center=True), produc_panel(frame))
    np.testing.assert_allclose(at_mean.effects["marginal"]["mean"].estimate, cen.params["lpcap"],
                               rtol=1e-10)


def test_range_and_fe_type_with_moderator():
    frame = produc_frame()
    res = estimate(model(formula="lgsp ~ lpcap*unemp", treatment="lpcap", moderator="unemp",
                         range=5), produc_panel(frame))
    assert res.type == "fe"
    values = list(res.info["marginal"]["at"].values())
    np.testing.assert_allclose(values, np.linspace(frame.unemp.min(), frame.unemp.max(), 5),
                               rtol=1e-12)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"moderator": None}, "needs treatment and moderator"),
        ({"at": ["p10"], "range": 5}, "either 'at'"),
        ({"type": "re"}, r"models\.mod\.moderator: type 're' does not take 'moderator' \(a key "
                         r"of types 'ols', 'fe', 'moderation'\)"),
        ({"at": ["p10", "p100", "median"]}, r"models\.mod: 'at' values \['p100', 'median'\]"),
    ],
)
def test_bad_moderation_specs(fields, message):
    m = {"id": "mod", "type": "moderation", "formula": "lgsp ~ lpcap*unemp",
         "treatment": "lpcap", "moderator": "unemp", **fields}
    with pytest.raises(SpecError, match=message):
        spec_from_dict({"data": {"path": "x.csv", "entity": "state"}, "models": [m]})


def test_missing_interaction_and_bad_at_token():
    with pytest.raises(SpecError, match="needs 'lpcap' and the interaction 'lpcap:unemp'"):
        estimate(mod(formula="lgsp ~ lpcap + unemp"), produc_panel())
    unchecked = mod().model_copy(update={"at": ["p100"]})  # bypasses the spec check
    with pytest.raises(SpecError, match="'p100' is not a moderator value"):
        estimate(unchecked, produc_panel())
