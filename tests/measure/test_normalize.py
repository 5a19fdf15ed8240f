"""Normalisation: formulas of 002 sec. 3.1.1 / 003 eqs. 4-5 checked by hand, scopes,
shift, z-scores, missing values, constant indicators, logs, and every bad-input message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regiometrics.errors import DataError, SpecError
from regiometrics.measure.normalize import (
    Indicator,
    NormalizeSettings,
    normalize,
    parse_indicators,
)

PANEL = pd.DataFrame(
    {
        "prov": ["A", "A", "B", "B", "C", "C"],
        "year": [2010, 2011, 2010, 2011, 2010, 2011],
        "g": [1.0, 4.0, 2.0, 6.0, 3.0, 5.0],
        "u": [9.0, 7.0, 5.0, 4.0, 8.0, 3.0],
    }
)
DIRS = {"g": "positive", "u": "negative"}


def norm(**settings) -> pd.DataFrame:
    return normalize(PANEL, DIRS, entity="prov", time="year", settings=settings)


def test_pooled_minmax_by_direction_with_shift() -> None:
    """g: (x - 1)/5; u is '-': (9 - x)/6; plus the shift 1 of 002."""
    out = norm(shift=1)
    np.testing.assert_allclose(out["g"], (PANEL["g"] - 1) / 5 + 1, rtol=1e-15)
    np.testing.assert_allclose(out["u"], (9 - PANEL["u"]) / 6 + 1, rtol=1e-15)
    assert list(out.columns) == ["prov", "year", "g", "u"]
    assert out[["prov", "year"]].equals(PANEL[["prov", "year"]])


def test_per_year_minmax_uses_each_years_bounds() -> None:
    out = norm(scope="per_year")
    y10 = PANEL["year"] == 2010
    np.testing.assert_allclose(out.loc[y10, "g"], [0, 0.5, 1], rtol=1e-15)
    np.testing.assert_allclose(out.loc[~y10, "g"], [0, 1, 0.5], rtol=1e-15)
    np.testing.assert_allclose(out.loc[~y10, "u"], [0, 0.75, 1], rtol=1e-15)


def test_base_year_bounds_apply_to_every_year() -> None:
    """2010 bounds: g in [1, 3], u in [5, 9]; 2011 values may leave [0, 1]."""
    out = norm(scope="base_year", base_year=2010)
    np.testing.assert_allclose(out["g"], (PANEL["g"] - 1) / 2, rtol=1e-15)
    np.testing.assert_allclose(out["u"], (9 - PANEL["u"]) / 4, rtol=1e-15)
    assert out["g"].max() == 2.5


def test_zscore_with_sample_sd_and_sign_by_direction() -> None:
    out = norm(method="zscore")
    g, u = PANEL["g"], PANEL["u"]
    np.testing.assert_allclose(out["g"], (g - g.mean()) / g.std(ddof=1), rtol=1e-14)
    np.testing.assert_allclose(out["u"], -(u - u.mean()) / u.std(ddof=1), rtol=1e-14)


def test_log_is_taken_before_scaling() -> None:
    out = normalize(PANEL, {"g": "+"}, entity="prov", time="year", settings={"log": ["g"]})
    lg = np.log(PANEL["g"])
    np.testing.assert_allclose(out["g"], (lg - lg.min()) / (lg.max() - lg.min()), rtol=1e-14)


def test_plain_matrix_uses_row_index_as_entity() -> None:
    matrix = PANEL.set_index("prov").loc[lambda d: d["year"] == 2010, ["g", "u"]]
    out = normalize(matrix, DIRS)
    assert list(out.columns) == ["prov", "g", "u"]
    assert list(out["prov"]) == ["A", "B", "C"]
    np.testing.assert_allclose(out["u"], [0, 1, 0.25], rtol=1e-15)


def test_constant_indicator_zero_weight_gets_the_shift() -> None:
    data = PANEL.assign(c=7.0)
    out = normalize(
        data,
        {"g": "+", "c": "-"},
        entity="prov",
        time="year",
        settings={"on_constant": "zero_weight", "shift": 0.5},
    )
    np.testing.assert_allclose(out["c"], 0.5, rtol=0)


def test_interpolation_is_linear_in_time_within_entity_and_carries_edges() -> None:
    """A: 2010=1, 2011=NaN, 2013=4 -> 2011 = 1 + (4 - 1) * 1/3 = 2; trailing 2014 carried (4).
    B: leading 2010 NaN carried back from 2011 (=6). Min-max then on 1..6 pooled."""
    data = pd.DataFrame(
        {
            "prov": ["A"] * 4 + ["B"] * 2,
            "year": [2010, 2011, 2013, 2014, 2010, 2011],
            "g": [1.0, np.nan, 4.0, np.nan, np.nan, 6.0],
        }
    )
    out = normalize(
        data, {"g": "+"}, entity="prov", time="year", settings={"missing": "interpolate"}
    )
    filled = np.array([1, 2, 4, 4, 6, 6.0])
    np.testing.assert_allclose(out["g"], (filled - 1) / 5, rtol=1e-14)


def test_indicator_forms_parse_to_the_same_system() -> None:
    a = parse_indicators({"g": "+", "u": {"direction": "negative", "dimension": None}})
    b = parse_indicators([Indicator("g"), {"name": "u", "direction": "-"}])
    c = parse_indicators(["g", Indicator("u", "NEGATIVE ")])
    assert a == b == c == (Indicator("g", "+"), Indicator("u", "-"))


# ---------------------------------------------------------------- bad input, with messages


@pytest.mark.parametrize(
    ("indicators", "match"),
    [
        (
            {"g": "up"},
            r"indicator 'g': direction 'up' is not recognised; use one of '\+', '-', 'positive', 'negative'",
        ),
        ({"g": 1}, r"indicator 'g': direction 1 is not recognised"),
        ({}, "the indicator system is empty"),
        ("g", "indicators must be a mapping"),
        ([3.5], "an indicator must be a name, a mapping or an Indicator; 3.5"),
        (["g", {"name": "g"}], "indicators listed more than once: 'g'"),
        (
            [{"name": "g", "dimension": "R"}, "u"],
            "either every indicator has a dimension or none has; no dimension given for 'u'",
        ),
        ([{"name": "g", "sign": "+"}], r"indicator 'g': unknown keys \['sign'\]"),
        ([{"direction": "+"}], "an indicator mapping needs a 'name' key"),
        ([""], "an indicator name must be a non-empty string"),
        ([{"name": "g", "dimension": 3}], "indicator 'g': dimension must be a string; 3"),
    ],
)
def test_bad_indicator_systems(indicators, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        parse_indicators(indicators)


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        (
            {"scope": "yearly"},
            "normalize.scope must be one of 'pooled', 'per_year', 'base_year'; 'yearly' was given",
        ),
        ({"method": "rank"}, "normalize.method must be one of 'minmax', 'zscore'"),
        ({"on_constant": "drop"}, "normalize.on_constant must be one of 'refuse', 'zero_weight'"),
        ({"missing": "ffill"}, "normalize.missing must be one of 'refuse', 'interpolate'"),
        ({"scope": "base_year"}, "scope is 'base_year' but no normalize.base_year was given"),
        ({"base_year": 2010}, "base_year=2010 is only used with scope 'base_year'"),
        ({"shift": float("nan")}, "normalize.shift must be a finite number; nan"),
        ({"shift": "1"}, "normalize.shift must be a finite number; '1'"),
        ({"shfit": 1}, r"normalize: unknown keys \['shfit'\]"),
    ],
)
def test_bad_settings(settings, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        NormalizeSettings.from_mapping(settings)


def test_zero_range_is_refused_by_name() -> None:
    with pytest.raises(
        DataError, match=r"indicator 'c' does not vary \(zero range\).*on_constant='zero_weight'"
    ):
        normalize(PANEL.assign(c=2.0), {"g": "+", "c": "+"}, entity="prov", time="year")


def test_zero_range_within_a_year_is_refused_naming_the_year() -> None:
    data = PANEL.assign(c=[1.0, 2, 1, 3, 1, 4])
    with pytest.raises(DataError, match="indicator 'c' does not vary in year 2010"):
        normalize(data, {"c": "+"}, entity="prov", time="year", settings={"scope": "per_year"})


def test_missing_values_refused_naming_entity_years() -> None:
    data = PANEL.assign(g=[1.0, np.nan, 2, 6, np.nan, 5])
    with pytest.raises(
        DataError,
        match=r"missing indicator values \(\(entity, time\)\): 'g' at \(A, 2011\), \(C, 2010\).*missing='interpolate'",
    ):
        normalize(data, DIRS, entity="prov", time="year")


def test_interpolation_needs_an_observed_value() -> None:
    data = PANEL.assign(g=[np.nan, np.nan, 2, 6, 3, 5])
    with pytest.raises(DataError, match="indicator 'g' is missing in every year for entity 'A'"):
        normalize(data, DIRS, entity="prov", time="year", settings={"missing": "interpolate"})


def test_log_of_non_positive_values_refused_naming_entity_years() -> None:
    data = PANEL.assign(g=[1.0, 0.0, 2, -6, 3, 5])
    with pytest.raises(
        DataError,
        match=r"indicator 'g' is listed under normalize.log but has values <= 0 at \(entity, time\) \(A, 2011\), \(B, 2011\)",
    ):
        normalize(data, DIRS, entity="prov", time="year", settings={"log": "g"})


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"settings": {"scope": "per_year"}, "time": None},
            SpecError,
            "normalize.scope='per_year' needs a time column",
        ),
        (
            {"settings": {"missing": "interpolate"}, "time": None},
            SpecError,
            "missing='interpolate' needs a time column",
        ),
        (
            {"settings": {"log": ["x"]}},
            SpecError,
            r"normalize.log names 'x', which is not among the indicators \['g', 'u'\]",
        ),
        ({"entity": "province"}, DataError, "columns 'province' not found in the data"),
        (
            {"settings": {"scope": "base_year", "base_year": 1999}},
            DataError,
            r"base_year=1999 does not occur in column 'year'; years present: \[2010, 2011\]",
        ),
    ],
)
def test_bad_calls(kwargs, error, match: str) -> None:
    args = {"entity": "prov", "time": "year", **kwargs}
    with pytest.raises(error, match=match):
        normalize(PANEL, DIRS, **args)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (PANEL.assign(g=list("abcdef")), r"indicator 'g' is not numeric \(dtype"),
        (
            PANEL.assign(g=[1, np.inf, 2, 3, 4, 5]),
            r"indicator 'g' has infinite values at \(A, 2011\)",
        ),
        (
            PANEL.assign(year=[2010] * 6),
            r"rows are not unique by \['prov', 'year'\]: \('A', 2010\)",
        ),
        (PANEL.assign(prov=["A", None, "B", "B", "C", "C"]), "column 'prov' has missing values"),
        ([[1, 2]], "data must be a pandas DataFrame; list was given"),
    ],
)
def test_bad_data(data, match: str) -> None:
    with pytest.raises(DataError, match=match):
        normalize(data, DIRS, entity="prov", time="year")


def test_row_index_name_clash_with_indicator() -> None:
    matrix = PANEL[["g", "u"]].rename_axis("g")
    with pytest.raises(DataError, match="the row index name 'g' is also an indicator"):
        normalize(matrix, DIRS)
