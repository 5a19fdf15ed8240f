"""``type: mediation``: equations as full Results, effects, bootstrap reproducibility, errors.

Reference: separate two-way FE fits of each Baron-Kenny equation by linearmodels
``PanelOLS(entity_effects=True, time_effects=True)`` on Munnell's Produc data (R plm's
``Produc``), an implementation independent of ours; a, b, a*b, c' and c must agree to
rtol 1e-10.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from linearmodels.panel import PanelOLS

from regiometrics.engine.mechanisms.mediation import fit_mediation
from regiometrics.engine.registry import estimate
from regiometrics.errors import SpecError
from regiometrics.spec.loader import spec_from_dict
from tests.mechanisms.mechanism_helpers import model, produc_frame, produc_panel

MEDIATORS = ["lemp", "lpc"]


def med(**extra):
    fields = {"type": "mediation", "treatment": "lpcap", "mediators": MEDIATORS,
              "outcome": "lgsp", "controls": ["unemp"],
              "bootstrap": {"reps": 199, "seed": 2024}}
    return model(**{**fields, **extra})


def panelols(frame: pd.DataFrame, y: str, xs: list[str]) -> pd.Series:
    data = frame.set_index(["state", "year"])
    fit = PanelOLS(data[y], data[xs], entity_effects=True, time_effects=True).fit()
    return fit.params


@pytest.fixture(scope="module")
def parallel():
    return fit_mediation(med(), produc_panel(), progress=False)


@pytest.mark.parametrize("mode", ["parallel", "joint"])
def test_effects_equal_separate_fe_fits(mode):
    """a, b, a*b, direct and total equal products of separate PanelOLS fits (rtol 1e-10)."""
    frame = produc_frame()
    res = fit_mediation(med(mode=mode), produc_panel(frame), progress=False)
    total = panelols(frame, "lgsp", ["lpcap", "unemp"])["lpcap"]
    np.testing.assert_allclose(res.params["total"], total, rtol=1e-10)
    joint = panelols(frame, "lgsp", ["lpcap", *MEDIATORS, "unemp"])
    for m in MEDIATORS:
        a = panelols(frame, m, ["lpcap", "unemp"])["lpcap"]
        out = joint if mode == "joint" else panelols(frame, "lgsp", ["lpcap", m, "unemp"])
        b, direct = out[m], out["lpcap"]
        np.testing.assert_allclose(res.params[f"a[{m}]"], a, rtol=1e-10)
        np.testing.assert_allclose(res.params[f"b[{m}]"], b, rtol=1e-10)
        np.testing.assert_allclose(res.params[f"indirect[{m}]"], a * b, rtol=1e-10)
        np.testing.assert_allclose(res.effects["indirect"][m].estimate, a * b, rtol=1e-10)
        np.testing.assert_allclose(res.params[f"direct[{m}]"], direct, rtol=1e-10)
        np.testing.assert_allclose(res.effects["proportion"][m].estimate, a * b / total,
                                   rtol=1e-10)
    if mode == "parallel":  # OLS omitted-variable identity per mediator: c = c' + a b
        for m in MEDIATORS:
            np.testing.assert_allclose(
                res.params[f"direct[{m}]"] + res.params[f"indirect[{m}]"], total, rtol=1e-10)
        assert set(res.components) == {"total", "mediator:lemp", "mediator:lpc",
                                       "outcome:lemp", "outcome:lpc"}
    else:
        assert set(res.components) == {"total", "mediator:lemp", "mediator:lpc", "outcome"}
        ti = res.effects["indirect"]["_total"].estimate
        np.testing.assert_allclose(ti, sum(res.params[f"indirect[{m}]"] for m in MEDIATORS),
                                   rtol=1e-10)


def test_components_are_full_results_and_sobel(parallel):
    """Each equation is a full FE Result; the Sobel SE is sqrt(b² se_a² + a² se_b²)."""
    comp = parallel.components["outcome:lemp"]
    assert comp.terms == ["lpcap", "lemp", "unemp", "_cons"] and comp.nobs == 816
    assert comp.info["cluster_by"] == ["state"] and "r2_within" in comp.stats
    for m in MEDIATORS:
        a, b = parallel.effects["a"][m], parallel.effects["b"][m]
        se = math.sqrt(b.estimate**2 * a.std_error**2 + a.estimate**2 * b.std_error**2)
        np.testing.assert_allclose(parallel.effects["sobel"][m].std_error, se, rtol=1e-12)
        np.testing.assert_allclose(parallel.std_errors[f"indirect[{m}]"], se, rtol=1e-12)
        assert a.std_error == parallel.components[f"mediator:{m}"].std_errors["lpcap"]


def test_intervals_are_the_chosen_kind_and_bracket_the_draws(parallel):
    for m in MEDIATORS:
        e, pct = parallel.effects["indirect"][m], parallel.effects["indirect_percentile"][m]
        assert (e.ci_low, e.ci_high) == (pct.ci_low, pct.ci_high)
        assert pct.ci_low < pct.estimate < pct.ci_high
        assert parallel.effects["indirect_bc"][m].ci_low != pct.ci_low
    bc = fit_mediation(med(bootstrap={"reps": 199, "seed": 2024, "ci": "bc"}), produc_panel(),
                       progress=False)
    assert bc.effects["indirect"]["lpc"].ci_low == parallel.effects["indirect_bc"]["lpc"].ci_low


def test_same_seed_identical_intervals_other_seed_differs(parallel):
    again = fit_mediation(med(), produc_panel(), progress=False)
    other = fit_mediation(med(bootstrap={"reps": 199, "seed": 7}), produc_panel(), progress=False)
    for kind in ("indirect_percentile", "indirect_bc"):
        for m in MEDIATORS:
            a, b = parallel.effects[kind][m], again.effects[kind][m]
            assert (a.ci_low, a.ci_high, a.std_error) == (b.ci_low, b.ci_high, b.std_error)
            assert other.effects[kind][m].ci_low != a.ci_low


def test_row_resampling_and_common_sample():
    """Missing mediator values drop the row from every equation (one common sample)."""
    frame = produc_frame()
    frame.loc[[3, 50], "lpc"] = np.nan
    res = estimate(med(bootstrap={"reps": 50, "seed": 1, "resample": "row"}),
                   produc_panel(frame))
    assert {c.nobs for c in res.components.values()} == {814}
    assert res.info["bootstrap"]["resample"] == "row" and res.info["n_dropped_missing"] == 2


def test_singletons_dropped_from_every_equation():
    """A state observed in one year is a singleton of the entity effect and leaves all fits."""
    frame = produc_frame()
    lone = frame.state == frame.state.iloc[0]
    frame.loc[lone & (frame.year > 1970), "lemp"] = np.nan
    res = estimate(med(singletons="drop", bootstrap={"reps": 20, "seed": 1}), produc_panel(frame))
    assert {c.nobs for c in res.components.values()} == {816 - 17}
    kept = estimate(med(bootstrap={"reps": 20, "seed": 1}), produc_panel(frame))
    assert kept.nobs == 816 - 16


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"formula": "lgsp ~ lpcap"}, "remove 'formula'"),
        ({"bootstrap": None}, "needs bootstrap"),
        ({"mediators": []}, "needs mediators"),
        ({"effects": []}, r"absorbs fixed effects in every equation; set effects"),
        ({"moderator": "unemp"}, r"models\.med\.moderator: type 'mediation' does not take "
                                 r"'moderator' \(a key of types 'ols', 'fe', 'moderation'\)"),
        ({"bootstrap": {"reps": 10}}, r"models\.med\.bootstrap\.seed: required key is missing"),
        ({"hausman": True}, r"models\.med\.hausman: type 'mediation' takes no Hausman test"),
        ({"estimator": "liml"}, r"models\.med\.estimator: type 'mediation' does not take "
                                r"'estimator' \(a key of type 'iv'\)"),
    ],
)
def test_bad_mediation_specs(fields, message):
    raw = {"data": {"path": "x.csv", "entity": "state", "time": "year"},
           "models": [{"id": "med", "type": "mediation", "treatment": "lpcap",
                       "mediators": ["lemp"], "outcome": "lgsp", "effects": ["entity", "time"],
                       "bootstrap": {"reps": 10, "seed": 1}, **fields}]}
    with pytest.raises(SpecError, match=message):
        spec_from_dict(raw, source="s.yaml")


def test_formula_still_required_for_other_types():
    raw = {"data": {"path": "x.csv", "entity": "state"},
           "models": [{"id": "m1", "type": "fe", "effects": ["entity"]}]}
    with pytest.raises(SpecError, match=r"models\.m1\.formula: type 'fe' needs a formula "
                                        r"\(formula: \"y ~ x \+ z\"\)"):
        spec_from_dict(raw, source="s.yaml")
    raw["models"][0].update(type="fe", formula="y ~ x", mediators=["z"])
    with pytest.raises(SpecError, match=r"models\.m1\.mediators: type 'fe' does not take "
                                        r"'mediators' \(a key of type 'mediation'\)"):
        spec_from_dict(raw, source="s.yaml")


def test_operator_variables_refused():
    with pytest.raises(SpecError, match="uses a panel operator"):
        fit_mediation(med(controls=["L.unemp"]), produc_panel(), progress=False)
