"""``type: iv`` through the registry: the Result contract, cross-sections and run-time errors.

Numbers: the cross-section (no time column) is checked against the AER::ivreg fixture of
tests/fixtures/iv_spec/make_iv_spec_reference.R (Stock-Watson's 1995 cigarette regression);
the contract tests check names and that the first stages are the kernel's.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine import MODEL_REGISTRY, estimate
from regiometrics.errors import DataError, IdentificationError, SpecError
from regiometrics.results import result_to_json
from regiometrics.spec import model_spec
from regiometrics.spec.models import ModelSpec
from tests.reference_data import ROOT, load_fixture

ISSUE5_KEYS = {"anderson_lm", "anderson_lm_p", "kp_rk_lm", "kp_rk_lm_p", "cd_wald_f",
               "kp_rk_wald_f", "sargan", "sargan_p", "hansen_j", "hansen_j_p", "ar_f", "ar_p"}


@pytest.fixture(scope="module")
def cig() -> pd.DataFrame:
    return pd.read_csv(ROOT / "specs" / "data" / "cigarettes.csv")


def iv(formula: str, **kw) -> ModelSpec:
    return model_spec(id=kw.pop("id", "iv1"), type="iv", formula=formula, **kw)


def test_registry_has_iv():
    assert "iv" in MODEL_REGISTRY


def test_stats_carry_the_issue5_names_and_components_the_first_stages(cig):
    res = estimate(iv("lpacks ~ [lrprice + lrincome ~ salestax + cigtax + L10.lrincome]",
                      vcov={"type": "robust"}, label="(1)"),
                   Panel(cig, "state", "year"))
    per = {f"{k}:{x}" for k in ("first_stage_f", "partial_r2") for x in ("lrprice", "lrincome")}
    assert ISSUE5_KEYS | per <= set(res.stats)
    assert set(res.components) == {"first_stage:lrprice", "first_stage:lrincome"}
    fs = res.components["first_stage:lrincome"]
    assert fs.type == "iv_first_stage" and fs.dependent == "lrincome"
    assert list(fs.params.index) == ["salestax", "cigtax", "L10.lrincome", "_cons"]
    assert fs.stats["first_stage_f"] == res.stats["first_stage_f:lrincome"]
    assert fs.stats["partial_r2"] == res.stats["partial_r2:lrincome"]
    assert fs.info["label"] == "(1)" and fs.info["effects"] == []
    assert res.nobs == 48 and res.info["n_dropped_missing"] == 48
    doc = json.loads(json.dumps(result_to_json(res), allow_nan=False))
    assert doc["components"]["first_stage:lrincome"]["params"]["cigtax"] == fs.params["cigtax"]
    assert doc["stats"]["kp_rk_lm_p"] == pytest.approx(res.stats["kp_rk_lm_p"], rel=1e-15)


def test_cross_section_without_time_column_matches_aer(cig):
    ref = load_fixture("iv_spec", "iv_spec_reference.json")["cig_cross"]
    frame = cig[cig["year"] == 1995].drop(columns="year")
    res = estimate(iv("lpacks ~ lrincome + [lrprice ~ salestax]", vcov={"type": "robust"}),
                   Panel(frame, "state"))
    terms = [t.replace("(Intercept)", "_cons") for t in ref["terms"]]
    np.testing.assert_allclose([res.params[t] for t in terms], ref["coef"], rtol=1e-10)
    np.testing.assert_allclose([res.std_errors[t] for t in terms],
                               np.sqrt(np.diag(ref["vcov_hc1"])), rtol=1e-9)
    assert "n_periods" not in res.stats and "r2_within" not in res.stats


def test_instrument_constant_within_entity_is_named(cig):
    frame = cig.assign(phones84=cig.groupby("state")["cigtax"].transform("first"))
    with pytest.raises(IdentificationError,
                       match=r"models\.iv1: instrument 'phones84' has no variation left after the "
                             r"entity and time fixed effects \(it is constant within each state and "
                             r"within each year\); interact it with a time-varying variable"):
        estimate(iv("lpacks ~ lrincome + [lrprice ~ phones84]", effects=["entity", "time"]),
                 Panel(frame, "state", "year"))
    with pytest.raises(IdentificationError, match=r"instrument 'phones84' .* constant within each "
                                                  r"state\); interact"):
        estimate(iv("lpacks ~ lrincome + [lrprice ~ salestax + phones84]", effects=["entity"]),
                 Panel(frame, "state", "year"))
    # interacted with a time-varying variable (Nunn-Qian) it identifies the model
    res = estimate(iv("lpacks ~ lrincome + [lrprice ~ salestax:phones84]", effects=["entity"]),
                   Panel(frame, "state", "year"))
    assert res.info["instruments"] == ["salestax:phones84"]


def test_time_effects_on_a_cross_section_are_refused(cig):
    frame = cig[cig["year"] == 1995].drop(columns="year")
    with pytest.raises(SpecError, match=r"models\.iv1\.effects: time effects need data\.time .*"
                                        r"cross-section"):
        estimate(iv("lpacks ~ [lrprice ~ salestax]", effects=["time"]), Panel(frame, "state"))


def test_kernel_errors_carry_the_model_id(cig):
    frame = cig.assign(salestax2=2.0 * cig["salestax"])
    with pytest.raises(IdentificationError, match=r"models\.iv1: The instruments .* collinear"):
        estimate(iv("lpacks ~ [lrprice ~ salestax + salestax2]", effects=["entity"]),
                 Panel(frame, "state", "year"))
    with pytest.raises(DataError, match=r"models\.iv1\.formula: unknown variable 'salestx'.*"
                                        r"salestax"):
        estimate(iv("lpacks ~ [lrprice ~ salestx]"), Panel(cig, "state", "year"))


def test_gmm_and_liml_options_reach_the_kernel(cig):
    panel = Panel(cig, "state", "year")
    formula = "lpacks ~ lrincome + [lrprice ~ salestax + cigtax]"
    out = {e: estimate(iv(formula, effects=["entity", "time"], vcov={"type": "robust"},
                          estimator=e), panel) for e in ("2sls", "liml", "gmm")}
    assert out["gmm"].info["method"] == "gmm2s" and out["liml"].info["method"] == "liml"
    assert out["liml"].stats["kappa"] >= 1.0
    assert len({round(r.params["lrprice"], 12) for r in out.values()}) == 3


def test_singletons_drop_removes_them_before_estimation(cig):
    """ivreghdfe drops singleton groups of the absorbed effects: the same as estimating on
    the data without those rows (their within-deviation is zero, only N and K change)."""
    frame = cig[~((cig["state"].isin(["AL", "AR"])) & (cig["year"] == 1995))]
    formula = "lpacks ~ lrincome + [lrprice ~ salestax + cigtax]"
    dropped = estimate(iv(formula, effects=["entity", "time"], singletons="drop"),
                       Panel(frame, "state", "year"))
    by_hand = estimate(iv(formula, effects=["entity", "time"]),
                       Panel(frame[~frame["state"].isin(["AL", "AR"])], "state", "year"))
    assert dropped.info["n_singletons"] == 2 and dropped.nobs == 92
    assert dict(dropped.params) == pytest.approx(dict(by_hand.params), rel=1e-10)
    assert dict(dropped.std_errors) == pytest.approx(dict(by_hand.std_errors), rel=1e-10)
    kept = estimate(iv(formula, effects=["entity", "time"]), Panel(frame, "state", "year"))
    assert dict(kept.params) == pytest.approx(dict(by_hand.params), rel=1e-8) and kept.nobs == 94


def test_instrument_constant_within_period_under_time_effects(cig):
    frame = cig.assign(national=cig.groupby("year")["cigtax"].transform("mean"))
    with pytest.raises(IdentificationError,
                       match=r"instrument 'national' has no variation left after the time fixed "
                             r"effects \(it is constant within each year\); interact it with a "
                             r"variable that differs across entities"):
        estimate(iv("lpacks ~ lrincome + [lrprice ~ national]", effects=["time"]),
                 Panel(frame, "state", "year"))
