"""Messages that name the column, the entities, the file and the key path; formulas that
read any column name (issue 11, section 5)."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest

from tests.safety.helpers import PRODUC, base_spec, run_cli, write_study


@pytest.mark.parametrize("column", ["lpcap", "lgsp"])
@pytest.mark.parametrize("model_type", ["fe", "ols"])
def test_infinite_values_name_the_column_and_the_entity_years(tmp_path, capsys, column,
                                                              model_type):
    data = pd.read_csv(PRODUC)
    data.loc[(data["state"] == "ALABAMA") & (data["year"] == 1975), column] = np.inf
    data.loc[(data["state"] == "TEXAS") & (data["year"] == 1980), column] = -np.inf
    spec = base_spec()
    if model_type == "ols":
        spec["models"][0]["type"] = "ols"
        spec["models"][0].pop("effects", None)
    study = write_study(tmp_path, spec, data=data)
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert err == (f"error: {study}: models.m1.formula: column {column!r} has infinite values "
                   "(inf or -inf) in 2 rows, at (state, year) = (ALABAMA, 1975), (TEXAS, 1980); "
                   "replace them by missing values or fix the data (a log of 0 or a division "
                   "by 0?)\n")


def test_islands_are_named_by_entity(tmp_path, capsys):
    from tests.safety.helpers import COORDS

    spec = base_spec(tables=[], weights={"W": {"type": "inverse_distance",
                                               "coords": "coords.csv", "cutoff": 250}})
    spec["models"] = [{"id": "sar", "type": "sar", "weights": "W", "effects": ["entity"],
                       "formula": "lgsp ~ lpcap"}]
    study = write_study(tmp_path, spec)
    (tmp_path / "coords.csv").write_bytes(COORDS.read_bytes())
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert code == 2
    assert err.startswith(f"error: {study}: models.sar.weights: 31 of 48 entities have no "
                          "neighbours in the weights 'W' (islands): 'ALABAMA', 'ARIZONA', ")
    assert err.endswith("give them neighbours (a larger cutoff, type: knn) or drop them from the "
                        "data (data.filter)\n")


def test_header_only_csv_says_the_file_has_no_rows(tmp_path, capsys):
    study = write_study(tmp_path, base_spec(), data=pd.read_csv(PRODUC).head(0))
    for command in (["run", study, "--out", tmp_path / "out"], ["describe", study]):
        code, _, err = run_cli(command, capsys)
        assert code == 2
        assert "data file " in err and str(tmp_path / "produc.csv") in err
        assert err.endswith("has no rows: only a header (state, region, year, pcap, hwy, water, "
                            "util, pc ...); add the data rows\n")


def test_empty_data_file(tmp_path, capsys):
    study = write_study(tmp_path, base_spec())
    (tmp_path / "produc.csv").write_bytes(b"")
    code, _, err = run_cli(["validate", study], capsys)
    assert code == 2
    assert err.endswith("is empty (0 bytes); it needs a header row and data rows\n")


def test_unknown_key_under_an_index_lists_the_allowed_keys(tmp_path, capsys):
    indices = {"DEV": {"method": "equal", "indicatorz": {"hwy": "+"}, "indicators": {"hwy": "+"}}}
    study = write_study(tmp_path, base_spec(indices=indices))
    code, _, err = run_cli(["validate", study], capsys)
    assert code == 2
    assert err == (f"error: {study}: indices.DEV.indicatorz: unknown key 'indicatorz'; allowed "
                   "keys: components, dimension_weights, indicators, method, normalize, "
                   "weighting (did you mean 'indicators'?)\n")


@pytest.mark.parametrize(("formula", "message"), [
    (" lgsp ~ lpcap + + lpc", "empty term in ' lpcap + + lpc' (two '+' in a row?)"),
    ("lgsp lpcap", "a formula needs 'dependent ~ regressors'; got 'lgsp lpcap'"),
    ("lgsp ~ ", "no regressors on the right of '~' in 'lgsp ~ '"),
    ("lgsp ~ lpcap - lpc", "'-' is only allowed as '-1' (no intercept); got ' lpcap - lpc'"),
    ("lgsp ~ logit(lpcap)", "unknown function 'logit' in 'logit(lpcap)'"),
    ("lgsp ~ lpcap^2", "cannot read 'lpcap^2'; for a power write I(lpcap^2)"),
    ("lgsp ~ lpcap + [lpc ~ hwy", "the IV part must be one bracket"),
    ("lgsp ~ lpcap ~ lpc", "more than one '~' in 'lgsp ~ lpcap ~ lpc'"),
    ("lgsp ~ lpcap*", "empty factor in 'lpcap*'"),
    ("lgsp ~ [lpc ~ hwy ~ water]", "inside brackets write 'endogenous ~ instruments'"),
    ("lgsp ~ lpcap + ``", "empty backtick quotes `` in 'lgsp ~ lpcap + ``'"),
    ("lgsp ~ `gdp growth", "unmatched backtick in 'lgsp ~ `gdp growth'"),
    ("lgsp ~ `a+b` + - c", "'-' is only allowed as '-1' (no intercept); got ' `a+b` + - c'"),
])
def test_every_formula_syntax_error_names_the_file_and_the_model(tmp_path, capsys, formula,
                                                                message):
    spec = base_spec(tables=[])
    spec["models"][0]["formula"] = formula
    study = write_study(tmp_path, spec)
    code, _, err = run_cli(["validate", study], capsys)
    assert code == 2
    assert err.startswith(f"error: {study}: models.m1.formula: {message}")


@pytest.mark.parametrize(("change", "where", "message"), [
    ({"controls": ["lpc", "logit(hwy)"]}, "models.m1.controls", "[1]: unknown function 'logit'"),
    ({"id": "v", "base": "m1", "formula": "lgsp ~ + lpc"}, "models.v.formula", "empty term"),
    ({"id": "v", "base": "m1", "swap": {"lpc": 3}}, "models.v.swap", "expected a mapping"),
    ({"id": "v", "base": "m1", "swap": {"lpc": "log(x)"}}, "models.v",
     "unknown variable 'log(x)'"),
])
def test_syntax_errors_in_controls_and_variants_name_the_file_and_key(tmp_path, capsys, change,
                                                                    where, message):
    spec = base_spec(tables=[])
    if "base" in change:
        spec["models"].append(change)
    else:
        spec["models"][0].update(change)
    study = write_study(tmp_path, spec)
    code, _, err = run_cli(["validate", study], capsys)
    assert code == 2
    assert err.startswith(f"error: {study}: {where}")
    assert message in err


def _renamed_panel() -> pd.DataFrame:
    return pd.read_csv(PRODUC).rename(columns={"lpcap": "gdp growth", "lpc": "Bevölkerung",
                                               "unemp": "taux (%)"})


def test_backtick_quoted_and_unicode_column_names(tmp_path, capsys):
    """Same numbers as the plain-named model; term names are the columns' own names."""
    quoted = ("lgsp ~ `gdp growth` + Bevölkerung + L.`gdp growth` + `gdp growth`:Bevölkerung"
              " + `taux (%)`")
    plain = "lgsp ~ lpcap + lpc + L.lpcap + lpcap:lpc + unemp"
    results = {}
    for name, formula, data in (("quoted", quoted, _renamed_panel()),
                                ("plain", plain, pd.read_csv(PRODUC))):
        spec = base_spec()
        spec["models"][0]["formula"] = formula
        spec["models"].append({"id": "lagged", "base": "m1", "lag_regressors": 1})
        spec["tables"][0]["models"] = ["m1", "lagged"]
        folder = tmp_path / name
        study = write_study(folder, spec, data=data)
        code, _, err = run_cli(["run", study, "--out", folder / "out"], capsys)
        assert code == 0, err
        results[name] = json.loads((folder / "out" / "results.json").read_text())["models"]
    m1, lagged = results["quoted"]["m1"], results["quoted"]["lagged"]
    assert list(m1["params"]) == ["gdp growth", "Bevölkerung", "L.gdp growth",
                                  "gdp growth:Bevölkerung", "taux (%)", "_cons"]
    assert list(lagged["params"]) == ["L.gdp growth", "L.Bevölkerung", "L2.gdp growth",
                                      "L.gdp growth:L.Bevölkerung", "L.taux (%)", "_cons"]
    for model in ("m1", "lagged"):
        np.testing.assert_allclose(list(results["quoted"][model]["params"].values()),
                                   list(results["plain"][model]["params"].values()), rtol=1e-12)
        np.testing.assert_allclose(list(results["quoted"][model]["std_errors"].values()),
                                   list(results["plain"][model]["std_errors"].values()),
                                   rtol=1e-12)
    table = (tmp_path / "quoted" / "out" / "t1.md").read_text(encoding="utf-8")
    assert "| gdp growth:Bevölkerung |" in table and "| taux (%) |" in table


def test_a_product_expanding_to_thousands_of_terms_is_refused_quickly(tmp_path, capsys):
    data = pd.read_csv(PRODUC)
    factors = [f"x{i}" for i in range(13)]
    for i, name in enumerate(factors):
        data[name] = np.random.default_rng(i).normal(size=len(data))
    spec = base_spec(tables=[])
    spec["models"][0]["formula"] = "lgsp ~ " + "*".join(factors)
    study = write_study(tmp_path, spec, data=data)
    start = time.perf_counter()
    code, _, err = run_cli(["run", study, "--out", tmp_path / "out"], capsys)
    assert time.perf_counter() - start < 5.0
    assert code == 2
    assert err == (f"error: {study}: models.m1.formula: '{'*'.join(factors)}' is a product of 13 "
                   "factors and expands to 8191 terms (2^13 - 1); at most 200 terms are allowed; "
                   "write the interactions you need with ':' instead\n")
