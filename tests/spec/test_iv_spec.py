"""IV models and robustness variants in spec files: expansion, validation and error paths.

The expected values are the spec text a user would otherwise write by hand (the variant
"fe with lagged regressors" must equal the model written out with L. operators).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from regiometrics.errors import SpecError
from regiometrics.spec import spec_from_dict

SRC = "study.yaml"


def study(*models: dict[str, Any], tables: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "data": {"path": "panel.csv", "entity": "province", "time": "year"},
        "defaults": {"effects": ["entity", "time"], "vcov": {"type": "cluster", "by": "entity"}},
        "models": [copy.deepcopy(m) for m in models],
        "tables": tables or [],
    }


IV1 = {"id": "iv1", "type": "iv", "label": "(1)",
       "formula": "ER ~ MEDICAL + [DT ~ L.PORTS:PHONES84]", "controls": ["EC", "OPEN"]}
FE = {"id": "fe", "type": "fe", "formula": "ER ~ DT + L.TAX", "controls": ["EC", "A:B"]}


def models_of(raw: dict[str, Any]) -> dict[str, Any]:
    return {m.id: m for m in spec_from_dict(raw, source=SRC).models}


def test_iv_model_parses_with_estimator_and_defaults():
    m = models_of(study({**IV1, "estimator": "liml"}))["iv1"]
    assert m.type == "iv" and m.estimator == "liml" and m.effects == ["entity", "time"]
    f = m.parsed
    assert [t.name for t in f.endogenous] == ["DT"]
    assert [t.name for t in f.instruments] == ["L.PORTS:PHONES84"]
    assert [t.name for t in f.terms] == ["MEDICAL", "EC", "OPEN"]


def test_lag_regressors_lags_every_regressor_but_not_instruments():
    got = models_of(study(IV1, FE, {"id": "fe_lag", "base": "fe", "lag_regressors": 1},
                          {"id": "iv_lag", "base": "iv1", "lag_regressors": 1}))
    assert got["fe_lag"].formula == "ER ~ L.DT + L2.TAX"
    assert got["fe_lag"].controls == ["L.EC", "L.A:L.B"]
    assert got["fe_lag"].type == "fe" and got["fe_lag"].effects == ["entity", "time"]
    assert got["iv_lag"].formula == "ER ~ L.MEDICAL + [L.DT ~ L.PORTS:PHONES84]"
    assert got["iv_lag"].controls == ["L.EC", "L.OPEN"]
    assert got["iv_lag"].label is None  # a variant is a new column: it needs its own label


def test_swap_replaces_a_column_everywhere_keeping_operators():
    got = models_of(study(IV1, FE, {"id": "pca", "base": "fe", "swap": {"ER": "ER_pca", "TAX": "TAX2",
                                                                          "A": "A2"}},
                          {"id": "iv_pca", "base": "iv1", "swap": {"DT": "DT_pca", "PORTS": "P2"}}))
    assert got["pca"].formula == "ER_pca ~ DT + L.TAX2"
    assert got["pca"].controls == ["EC", "A2:B"]
    assert got["iv_pca"].formula == "ER ~ MEDICAL + [DT_pca ~ L.P2:PHONES84]"


def test_filter_is_added_and_other_keys_override():
    base = {**FE, "filter": "year > 2011", "vcov": {"type": "cluster", "by": "entity"}}
    got = models_of(study(base, IV1,
                          {"id": "f2", "base": "fe", "filter": "province not in ['Beijing']",
                           "vcov": {"by": ["entity", "time"]}, "label": "(4)"},
                          {"id": "iv_gmm", "base": "iv1", "estimator": "gmm", "filter": "year > 2012",
                           "effects": ["entity"]}))
    assert got["f2"].filter == "(year > 2011) and (province not in ['Beijing'])"
    assert got["f2"].vcov.by == ["entity", "time"] and got["f2"].vcov.type == "cluster"
    assert got["f2"].label == "(4)" and got["f2"].formula == FE["formula"]
    assert got["iv_gmm"].filter == "year > 2012" and got["iv_gmm"].estimator == "gmm"
    assert got["iv_gmm"].effects == ["entity"]


def test_variant_inherits_the_base_keys_before_defaults_and_chains():
    base = {**FE, "effects": ["entity"]}
    got = models_of(study(base, {"id": "v1", "base": "fe", "lag_regressors": 1},
                          {"id": "v2", "base": "v1", "swap": {"DT": "DT_pca"}}))
    assert got["v1"].effects == ["entity"]  # the base's own choice, not the defaults'
    assert got["v2"].formula == "ER ~ L.DT_pca + L2.TAX" and got["v2"].effects == ["entity"]


@pytest.mark.parametrize(("variant", "match"), [
    ({"id": "v", "base": "fee"}, (r"study\.yaml: models\.v\.base: unknown model 'fee'; models "
                                  r"defined: fe, v \(did you mean 'fe'\?\)")),
    ({"id": "v", "base": "fe", "swap": {"GDP": "GDP2"}},
     r"models\.v\.swap: 'GDP' is not a variable of the model .*uses A, B, DT, EC, ER, TAX"),
    ({"id": "v", "base": "fe", "swap": ["DT"]}, r"models\.v\.swap: expected a mapping OLD: NEW"),
    ({"id": "v", "base": "fe", "lag_regressors": "yes"},
     r"models\.v\.lag_regressors: expected a whole number of periods"),
    ({"id": "v", "type": "fe", "formula": "ER ~ DT", "swap": {"DT": "X"}},
     r"models\.v\.swap: 'swap' describes a change of another model and needs 'base"),
    ({"base": "fe"}, r"models\[1\]: a variant needs its own 'id'"),
])
def test_bad_variants_name_the_key_path(variant, match):
    with pytest.raises(SpecError, match=match):
        spec_from_dict(study(FE, variant), source=SRC)


def test_variant_cycle_is_refused():
    raw = study({"id": "a", "base": "b", "filter": "year > 1"}, {"id": "b", "base": "a"})
    with pytest.raises(SpecError, match=r"models\.b\.base: the variants form a cycle \(a -> b -> a\)"):
        spec_from_dict(raw, source=SRC)


def test_variant_changing_the_type_keeps_the_keys_the_new_type_takes():
    """An fe base turned into pooled OLS leaves its effects behind; effects the variant
    itself gives are validated like any model's (the usual ols/effects message)."""
    raw = study({**FE, "effects": ["entity"]}, {"id": "v", "base": "fe", "type": "ols"})
    v = spec_from_dict(raw, source=SRC).model("v")
    assert (v.type, v.effects, v.formula) == ("ols", [], FE["formula"])
    raw = study({**FE, "effects": ["entity"]},
                {"id": "v", "base": "fe", "type": "ols", "effects": ["time"]})
    with pytest.raises(SpecError, match=r"models\.v\.effects: type 'ols' is pooled OLS and "
                                        r"takes no effects"):
        spec_from_dict(raw, source=SRC)


@pytest.mark.parametrize(("model", "match"), [
    ({"id": "m", "type": "iv", "formula": "ER ~ DT + MEDICAL"},
     (r"models\.m: type 'iv' needs the endogenous regressors and their excluded instruments "
      r"in brackets")),
    ({"id": "m", "type": "fe", "formula": "ER ~ MEDICAL + [DT ~ IVNQ]"},
     (r"models\.m: the formula 'ER ~ MEDICAL \+ \[DT ~ IVNQ\]' has an IV part .* type 'fe'; "
      r"set type: iv")),
    ({"id": "m", "type": "iv", "formula": "ER ~ MEDICAL + [DT + L.DT ~ IVNQ]"},
     (r"models\.m: the model is underidentified: 2 endogenous regressor\(s\) \(DT, L\.DT\) "
      r"but 1 excluded instrument\(s\) \(IVNQ\)")),
    ({"id": "m", "type": "fe", "formula": "ER ~ DT", "estimator": "liml"},
     r"models\.m\.estimator: type 'fe' does not take 'estimator' \(a key of type 'iv'\); "
     r"remove it or change the type"),
    ({"id": "m", "type": "iv", "formula": "ER ~ DT + [DT ~ IVNQ]"},
     r"DT is both endogenous .* and an exogenous regressor"),
    ({"id": "m", "type": "iv", "formula": "ER ~ [DT ~ IVNQ]", "controls": ["IVNQ"]},
     r"IVNQ is both an excluded instrument and an included regressor"),
    ({"id": "m", "type": "iv", "formula": "ER ~ [DT ~ IVNQ]", "estimator": "3sls"},
     r"models\.m\.estimator: Input should be '2sls', 'liml' or 'gmm'"),
    ({"id": "m", "type": "iv", "formula": "ER ~ [DT ~ IVNQ]", "hausman": True},
     r"'hausman' compares FE with RE and does not apply to type 'iv'"),
])
def test_bad_iv_models_are_refused_with_the_key_path(model, match):
    with pytest.raises(SpecError, match=match):
        spec_from_dict(study(model), source=SRC)


def test_first_stage_table_needs_iv_models():
    tables = [{"id": "t5", "type": "first_stage", "models": ["iv1", "fe"]}]
    with pytest.raises(SpecError, match=r"tables\.t5\.models: 'fe' is of type 'fe'; a first_stage "
                                        r"table shows the first stages of type 'iv' models only"):
        spec_from_dict(study(IV1, FE, tables=tables), source=SRC)
    tables = [{"id": "t5", "type": "first_stage", "models": ["iv9"]}]
    with pytest.raises(SpecError, match=r"tables\.t5\.models: unknown model 'iv9'"):
        spec_from_dict(study(IV1, tables=tables), source=SRC)
    tables = [{"id": "t5", "type": "first_stage", "models": ["iv1"], "stats": ["kp_rk_lm"]}]
    with pytest.raises(SpecError, match=r"tables\.t5\.stats\[0\]: Input should be 'nobs', "
                                        r"'first_stage_f'"):
        spec_from_dict(study(IV1, tables=tables), source=SRC)


def test_variants_change_the_controls_the_base_inherits_from_defaults():
    raw = study({"id": "fe", "type": "fe", "formula": "ER ~ DT"},
                {"id": "fe_lag", "base": "fe", "lag_regressors": 1},
                {"id": "fe_pca", "base": "fe", "swap": {"EC": "EC_pca"}})
    raw["defaults"]["controls"] = ["EC", "OPEN"]
    got = models_of(raw)
    assert got["fe"].controls == ["EC", "OPEN"]
    assert got["fe_lag"].formula == "ER ~ L.DT" and got["fe_lag"].controls == ["L.EC", "L.OPEN"]
    assert got["fe_pca"].controls == ["EC_pca", "OPEN"]


def test_default_estimator_applies_to_iv_models_only():
    raw = study(IV1, FE)
    raw["defaults"]["estimator"] = "liml"
    got = models_of(raw)
    assert got["iv1"].estimator == "liml" and "estimator" not in type(got["fe"]).model_fields


def test_mediation_variant_takes_a_filter_but_not_a_swap():
    med = {"id": "med", "type": "mediation", "treatment": "DT", "mediators": ["IS"],
           "outcome": "ER", "effects": ["entity", "time"], "bootstrap": {"reps": 99, "seed": 1}}
    east = models_of(study(med, {"id": "east", "base": "med", "filter": "east == 1"}))["east"]
    assert (east.type, east.filter, east.mediators) == ("mediation", "east == 1", ["IS"])
    with pytest.raises(SpecError, match=r"models.m2: swap and lag_regressors rewrite a formula"):
        spec_from_dict(study(med, {"id": "m2", "base": "med", "swap": {"DT": "DT_pca"}}))
