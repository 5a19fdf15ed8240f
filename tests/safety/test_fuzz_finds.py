"""What the generated fuzz suite (tests/fuzz) found, kept as plain regression tests: each
input exits 2 with a message naming the file and the key path."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.safety.helpers import PRODUC, base_spec, run_cli, write_study


def _run_model(tmp_path, capsys, model, **blocks):
    spec = base_spec(models=[{"id": "m1", **model}], tables=[], **blocks)
    study = write_study(tmp_path, spec)
    code, out, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert (code, out) == (2, "")
    assert not (tmp_path / "out").exists()
    return err.removeprefix(f"error: {study}: ")


@pytest.mark.parametrize("model", [
    {"type": "re", "formula": "lgsp ~ lgsp:lgsp", "controls": ["lgsp"]},
    {"type": "iv", "formula": "lgsp ~ [lpc ~ lgsp]"},
    {"type": "ols", "formula": "lgsp ~ lpcap + lgsp"},
])
def test_the_dependent_variable_cannot_also_be_a_regressor(tmp_path, capsys, model):
    assert _run_model(tmp_path, capsys, model) == (
        "models.m1: the dependent variable 'lgsp' is also a regressor or an instrument (in "
        "formula or controls); remove it from the right-hand side\n")


@pytest.mark.parametrize(("model", "where"), [
    ({"type": "ols", "formula": "D.year ~ lgsp"}, "in the estimation sample"),
    ({"type": "fe", "formula": "year ~ lgsp", "effects": ["entity", "time"]},
     "within the fixed effects"),
])
def test_a_dependent_variable_without_variation(tmp_path, capsys, model, where):
    dependent = model["formula"].split(" ~")[0]
    assert _run_model(tmp_path, capsys, model) == (
        f"models.m1: the dependent variable {dependent!r} does not vary {where}; there is "
        "nothing to explain\n")


def test_iv_dependent_variable_without_variation(tmp_path, capsys):
    model = {"type": "iv", "formula": "D.year ~ lpcap + [lpc ~ hwy]"}
    message = _run_model(tmp_path, capsys, model)
    assert message == ("models.m1: the dependent variable 'D.year' does not vary (after the "
                       "fixed effects); there is nothing to explain\n")


def test_a_singular_matrix_is_an_identification_error_naming_the_model(tmp_path, capsys,
                                                                      monkeypatch):
    import numpy as np

    from regiometrics.engine import registry

    def singular(model, panel, context):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setitem(registry.MODEL_REGISTRY, "ols", singular)
    message = _run_model(tmp_path, capsys, {"type": "ols", "formula": "lgsp ~ lpcap"})
    assert message == ("models.m1: the model cannot be estimated (Singular matrix): some "
                       "regressors or instruments are collinear, or one of them fits the "
                       "dependent variable exactly; check the formula and the sample\n")


def test_an_estimator_error_without_a_place_gets_the_model(tmp_path, capsys):
    message = _run_model(tmp_path, capsys, {"type": "fe", "formula": "lgsp ~ year",
                                            "effects": ["entity", "time"]})
    assert message == ("models.m1: every regressor was omitted: year (no variation left after "
                       "the fixed effects (constant within the absorbed groups))\n")


def test_values_too_large_to_estimate_with(tmp_path, capsys):
    data = pd.read_csv(PRODUC)
    data.loc[(data["state"] == "OHIO") & (data["year"] == 1980), "lpcap"] = 1e308
    study = write_study(tmp_path, base_spec(), data=data)
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert err == (f"error: {study}: models.m1.formula: column 'lpcap' has values too large to "
                   "estimate with (beyond 1e+100 in absolute value) in 1 row, e.g. 1e+308 at "
                   "(state, year) = (OHIO, 1980); rescale the column (thousands, logs)\n")


def test_repeated_moran_variables(tmp_path, capsys):
    from tests.safety.helpers import COORDS

    (tmp_path / "coords.csv").write_bytes(COORDS.read_bytes())
    spec = base_spec(weights={"W": {"type": "knn", "coords": "coords.csv", "k": 4}},
                     moran=[{"id": "mi", "variables": ["lgsp", "lpcap", "lgsp"],
                             "weights": ["W"]}])
    study = write_study(tmp_path, spec)
    code, _, err = run_cli(["validate", study], capsys)
    assert (code, err) == (2, f"error: {study}: moran.mi.variables: 'lgsp' listed more than "
                              "once; list each once\n")


def test_yaml_errors_are_one_line_with_line_and_column(tmp_path, capsys):
    study = write_study(tmp_path, "data: {path: produc.csv\nmodels: []\n")
    code, _, err = run_cli(["validate", study], capsys)
    assert code == 2
    assert err.startswith(f"error: {study}: not valid YAML at line 2, column 7: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize(("key", "shown"), [("x y", "['x y']"), ("a.b", "['a.b']"),
                                            ("\r", "['\\r']")])
def test_odd_keys_are_quoted_in_key_paths(tmp_path, capsys, key, shown):
    spec = base_spec(tables=[])
    spec["models"][0][key] = 1
    study = write_study(tmp_path, spec)
    code, _, err = run_cli(["validate", study], capsys)
    assert code == 2
    assert err.startswith(f"error: {study}: models.m1{shown}: unknown key {key!r}; allowed keys:")
    spec = base_spec(tables=[], defaults={key: 1})
    study = write_study(tmp_path, spec)
    code, _, err = run_cli(["validate", study], capsys)
    assert code == 2
    assert err.startswith(f"error: {study}: defaults{shown}: unknown key; allowed keys:")


def test_a_spec_that_is_not_a_mapping(tmp_path, capsys):
    for text, got in (("", "an empty file"), ("- a\n- b\n", "a list"),
                      ("hello\n", "the value 'hello'")):
        study = write_study(tmp_path, text)
        code, _, err = run_cli(["validate", study], capsys)
        assert (code, err) == (2, f"error: {study}: (top level): the spec must be a mapping "
                                  f"with keys data, models, tables; got {got}\n")


@pytest.mark.parametrize("column", ["state", "year"])
def test_the_entity_or_time_column_cannot_be_an_indicator(tmp_path, capsys, column):
    indices = {"DEV": {"method": "equal", "indicators": {"hwy": "+", column: "+"}}}
    study = write_study(tmp_path, base_spec(indices=indices))
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert (code, err) == (2, f"error: {study}: indices.DEV: {column!r} is the panel's entity or "
                              "time column and cannot be an indicator; remove it from the "
                              "indicators\n")


@pytest.mark.parametrize("controls", [True, "lpc", [1, 2]])
def test_controls_that_are_not_a_list_of_names_with_a_variant(tmp_path, capsys, controls):
    spec = base_spec(tables=[])
    spec["models"][0]["controls"] = controls
    spec["models"].append({"id": "v", "base": "m1", "swap": {"lpcap": "hwy"}})
    study = write_study(tmp_path, spec)
    code, _, err = run_cli(["validate", study], capsys)
    assert (code, err) == (2, f"error: {study}: models.m1.controls: expected a list of column "
                              f"names (controls: [x1, x2]); got {controls!r}\n")


def test_random_effects_with_more_regressors_than_entities(tmp_path, capsys):
    data = pd.read_csv(PRODUC)
    data = data[data["state"].isin(sorted(data["state"].unique())[:5])]
    spec = base_spec(models=[{"id": "m1", "type": "re", "formula": "lgsp ~ lpcap*lpc*lemp"}],
                     tables=[])
    study = write_study(tmp_path, spec, data=data)
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert err.startswith(f"error: {study}: models.m1: random effects cannot be estimated: the "
                          "variance of the effects comes from the between regression, which "
                          "has no residual degrees of freedom with 5 entities and 8 parameters")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("seed", -1, "moran.mi.seed: Input should be greater than or equal to 0; got -1"),
    ("permutations", 2**31, "moran.mi.permutations: Input should be less than or equal to "
                            "1000000; got 2147483648"),
])
def test_seeds_are_non_negative_and_draws_bounded(tmp_path, capsys, key, value, message):
    from tests.safety.helpers import COORDS

    (tmp_path / "coords.csv").write_bytes(COORDS.read_bytes())
    spec = base_spec(weights={"W": {"type": "knn", "coords": "coords.csv", "k": 4}},
                     moran=[{"id": "mi", "variables": ["lgsp"], "weights": ["W"], key: value}])
    study = write_study(tmp_path, spec)
    code, _, err = run_cli(["validate", study], capsys)
    assert (code, err) == (2, f"error: {study}: {message}\n")


@pytest.mark.parametrize(("change", "message"), [
    ({"mediators": ["unemp"]}, "mediator 'unemp' is also a control; a mediator must be a "
                               "variable of its own"),
    ({"mediators": ["lpcap"]}, "mediator 'lpcap' is also the treatment; a mediator must be a "
                               "variable of its own"),
    ({"outcome": "unemp"}, "the outcome 'unemp' is also the treatment or a control; each role "
                           "needs its own variable"),
])
def test_mediation_roles_need_their_own_variables(tmp_path, capsys, change, message):
    model = {"id": "med", "type": "mediation", "treatment": "lpcap", "mediators": ["lemp"],
             "outcome": "lgsp", "controls": ["unemp"], "effects": ["entity", "time"],
             "bootstrap": {"reps": 9, "seed": 1}, **change}
    study = write_study(tmp_path, base_spec(models=[model], tables=[]))
    code, _, err = run_cli(["validate", study], capsys)
    assert (code, err) == (2, f"error: {study}: models.med: {message}\n")
