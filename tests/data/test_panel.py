"""Panel: readers, validation errors, Stata-style operators, the restricted filter."""

import sys

import numpy as np
import pandas as pd
import pytest

from regiometrics.data import Panel, read_table
from regiometrics.errors import DataError, SpecError


@pytest.fixture
def gappy() -> Panel:
    """Entity A skips 2002; entity B is complete 2000-2002."""
    df = pd.DataFrame({
        "e": ["A"] * 4 + ["B"] * 3,
        "t": [2000, 2001, 2003, 2004, 2000, 2001, 2002],
        "x": [1.0, 2, 4, 8, 10, 20, 40],
        "region": ["east"] * 4 + ["west"] * 3,
    })
    return Panel(df.sample(frac=1, random_state=0), "e", "t")  # row order must not matter


def _by_key(panel: Panel, text: str) -> dict:
    values = panel.variable(text)
    keys = zip(panel.frame["e"], panel.frame["t"])
    return {k: (None if np.isnan(v) else v) for k, v in zip(keys, values)}


def test_lag_is_by_time_value_not_previous_row(gappy):
    lag = _by_key(gappy, "L.x")
    assert lag[("A", 2001)] == 1.0
    assert lag[("A", 2003)] is None  # 2002 missing: Stata gives missing, not the 2001 value
    assert lag[("A", 2004)] == 4.0
    assert lag[("B", 2000)] is None


def test_second_lag_lead_and_difference(gappy):
    assert _by_key(gappy, "L2.x")[("A", 2003)] == 2.0
    assert _by_key(gappy, "L2.x")[("B", 2002)] == 10.0
    assert _by_key(gappy, "F.x")[("A", 2001)] is None
    assert _by_key(gappy, "F.x")[("B", 2001)] == 40.0
    diff = _by_key(gappy, "D.x")
    assert diff[("A", 2004)] == 4.0 and diff[("A", 2003)] is None and diff[("B", 2002)] == 20.0
    assert _by_key(gappy, "LD.x")[("B", 2002)] == 10.0


def test_duplicate_entity_time_rows_are_listed():
    df = pd.DataFrame({"e": ["A", "A", "B"], "t": [2000, 2000, 2000], "x": [1, 2, 3]})
    with pytest.raises(DataError, match=r"2 rows share an entity-time pair.*\(A, 2000\)"):
        Panel(df, "e", "t")


def test_unknown_entity_column_suggests_closest():
    df = pd.DataFrame({"province": ["A"], "year": [2000]})
    with pytest.raises(DataError, match=r"entity column 'provinces' not found; closest columns: province"):
        Panel(df, "provinces", "year")


def test_unknown_variable_names_closest_columns(gappy):
    with pytest.raises(DataError, match=r"unknown variable 'xx'.*closest columns: x"):
        gappy.require(["xx"], where="models.m1.formula")


def test_non_numeric_regressor_shows_examples():
    df = pd.DataFrame({"e": ["A", "A", "B"], "t": [1, 2, 1], "x": ["1.5", "n/a", "2"]})
    with pytest.raises(DataError, match=r"column 'x' has non-numeric values \(1 rows\), e.g. 'n/a' at \('A', 2\)"):
        Panel(df, "e", "t").numeric("x")


def test_filter_language(gappy):
    kept = gappy.filtered("region == 'east' and t >= 2001 and e not in ['B']")
    assert sorted(kept.frame["t"]) == [2001, 2003, 2004]
    assert len(gappy.filtered("not (x > 5) or e in ('B',)").frame) == 6


@pytest.mark.parametrize(
    ("expression", "match"),
    [
        ("__import__('os').system('echo hi')", "call is not allowed"),
        ("x.real > 1", "attribute is not allowed"),
        ("x + 1 > 2", "binop is not allowed"),
        ("regoin == 'east'", "unknown column 'regoin'.*closest columns: region"),
        ("x >", "cannot parse"),
    ],
)
def test_filter_refuses_anything_but_the_restricted_language(gappy, expression, match):
    with pytest.raises(SpecError, match=match):
        gappy.filtered(expression)


def test_filter_keeping_nothing_is_an_error(gappy):
    with pytest.raises(DataError, match="keeps no rows"):
        gappy.filtered("x > 1000")


@pytest.mark.parametrize("ext", ["csv", "xlsx", "dta", "parquet"])
def test_readers_roundtrip(tmp_path, ext):
    df = pd.DataFrame({"e": ["A", "B"], "t": [2000, 2000], "x": [1.5, 2.5]})
    path = tmp_path / f"panel.{ext}"
    {"csv": lambda: df.to_csv(path, index=False),
     "xlsx": lambda: df.to_excel(path, index=False),
     "dta": lambda: df.to_stata(path, write_index=False),
     "parquet": lambda: df.to_parquet(path)}[ext]()
    back = read_table(path)
    np.testing.assert_allclose(back["x"].to_numpy(), [1.5, 2.5], rtol=0)
    assert list(back["e"]) == ["A", "B"]


def test_parquet_without_a_usable_pyarrow_says_why_and_how_to_fix(tmp_path, monkeypatch):
    path = tmp_path / "panel.parquet"
    pd.DataFrame({"e": ["A"], "t": [2000], "x": [1.5]}).to_parquet(path)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    expected = r"panel\.parquet: reading parquet needs pyarrow.*pyarrow>=14,<26"
    with pytest.raises(DataError, match=expected):
        read_table(path)


def test_missing_data_file(tmp_path):
    with pytest.raises(DataError, match=r"does not exist; data.path is read relative to the spec file"):
        read_table(tmp_path / "panel.csv")


def test_unknown_extension(tmp_path):
    path = tmp_path / "panel.sav"
    path.write_text("x")
    with pytest.raises(DataError, match=r"unknown extension '.sav'"):
        read_table(path)
