"""The ``measures:`` block on a small synthetic panel: structure, resilience and imbalance
measures reach results.json and the panel (values worked by hand or equal to the measure
functions to rtol=1e-12), and every bad input is refused with a message naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from regiometrics.errors import DataError, SpecError
from regiometrics.measure.inequality import imbalance_index
from regiometrics.measure.resilience import resilience
from regiometrics.pipeline import compute
from regiometrics.pipeline.measures import measures_json
from regiometrics.spec import spec_from_dict

#: Four regions in two groups, three years. Sector value added Y1..Y3, industry employment
#: a1, a2 (sector A) and b1 (sector B), a national reference series NAT.
PANEL = pd.DataFrame({
    "region": ["r1", "r2", "r3", "r4"] * 3,
    "year": [2000] * 4 + [2001] * 4 + [2002] * 4,
    "group": ["east", "east", "west", "west"] * 3,
    "Y1": [10.0, 20, 30, 40, 12, 18, 30, 35, 11, 21, 33, 41],
    "Y2": [30.0, 30, 30, 30, 28, 31, 29, 33, 30, 32, 31, 30],
    "Y3": [60.0, 50, 40, 30, 61, 52, 45, 31, 66, 55, 44, 35],
    "a1": [1.0, 2, 3, 4, 2, 2, 3, 5, 1, 3, 3, 4],
    "a2": [1.0, 3, 1, 2, 1, 3, 2, 2, 2, 3, 1, 2],
    "b1": [2.0, 1, 4, 2, 2, 2, 4, 1, 3, 1, 5, 2],
    "trade": [100.0, 80, 60, 40, 90, 76, 50, 38, 99, 90, 66, 44],
    "NAT": [300.0] * 4 + [270.0] * 4 + [310.0] * 4,
    "pop": [5.0, 3, 2, 4, 5, 3, 2, 4, 5, 3, 2, 4],
})


def _spec(measures: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {"data": {"path": "panel.csv", "entity": "region", "time": "year"},
            "measures": measures, **more}


def _compute(tmp_path: Path, raw: dict[str, Any], frame: pd.DataFrame = PANEL):
    frame.to_csv(tmp_path / "panel.csv", index=False)
    return compute(spec_from_dict(raw), tmp_path)


def _cell(run, column: str, region: str, year: int) -> float:
    f = run.panel.frame
    return float(f.loc[(f["region"] == region) & (f["year"] == year), column].iloc[0])


# --------------------------------------------------------------------------- values


def test_hierarchy_column_by_hand(tmp_path):
    run = _compute(tmp_path, _spec([
        {"id": "is", "type": "hierarchy", "sectors": ["Y1", "Y2", "Y3"], "column": "IS"}]))
    # r1 2000: (1*10 + 2*30 + 3*60) / 100 = 2.5; r4 2001: (35 + 66 + 93) / 99
    np.testing.assert_allclose(_cell(run, "IS", "r1", 2000), 2.5, rtol=1e-14)
    np.testing.assert_allclose(_cell(run, "IS", "r4", 2001), 194.0 / 99.0, rtol=1e-14)
    rows = measures_json(run.artifacts["measures"])["is"]
    assert rows[0] == {"region": "r1", "year": 2000, "IS": 2.5}
    assert run.artifacts["measures"]["is"].added == {"IS": "IS"}


def test_variety_and_specialization_by_hand(tmp_path):
    run = _compute(tmp_path, _spec([
        {"id": "var", "type": "variety", "industries": {"A": ["a1", "a2"], "B": ["b1"]},
         "columns": {"variety": "V", "unrelated_variety": "UV", "related_variety": "RV"}},
        {"id": "spec", "type": "specialization", "industries": ["a1", "a2", "b1"],
         "columns": {"krugman": "K", "herfindahl": "H"}},
    ]))
    # r1 2000: shares (1/4, 1/4, 1/2): variety 1.5 bits = UV 1 (A 1/2, B 1/2) + RV 1/2 * 1
    for col, want in (("V", 1.5), ("UV", 1.0), ("RV", 0.5)):
        np.testing.assert_allclose(_cell(run, col, "r1", 2000), want, rtol=1e-14)
    # national 2000 totals a1 10, a2 7, b1 9 of 26: K = |1/4-10/26|+|1/4-7/26|+|1/2-9/26|
    k = abs(0.25 - 10 / 26) + abs(0.25 - 7 / 26) + abs(0.5 - 9 / 26)
    np.testing.assert_allclose(_cell(run, "K", "r1", 2000), k, rtol=1e-14)
    np.testing.assert_allclose(_cell(run, "H", "r1", 2000), 0.375, rtol=1e-14)


#: PANEL's industries as long region x industry x year rows (entity: [region, industry]),
#: each with its sector: the shape of 001's province x product panel.
LONG = PANEL.melt(id_vars=["region", "year"], value_vars=["a1", "a2", "b1"],
                  var_name="industry", value_name="emp").assign(
    sector=lambda d: d["industry"].str[0].str.upper())


def _long_spec(**keys: Any) -> dict[str, Any]:
    measure = {"id": "var", "type": "variety", "region": "region", "industry": "industry",
               "value": "emp", "sector": "sector", **keys}
    return {"data": {"path": "panel.csv", "entity": ["region", "industry"], "time": "year"},
            "measures": [measure]}


def test_variety_long_rows_by_hand(tmp_path):
    """The long form gives the wide form's values, and the sector terms on each row."""
    run = _compute(tmp_path, _long_spec(columns={
        "variety": "V", "unrelated_variety": "UV", "related_variety": "RV",
        "sector_share": "P", "sector_variety": "H"}), LONG)
    f = run.panel.frame

    def cell(column: str, region: str, industry: str, year: int) -> float:
        at = (f["region"] == region) & (f["industry"] == industry) & (f["year"] == year)
        return float(f.loc[at, column].iloc[0])

    # r1 2000: a1 1, a2 1, b1 2: V 1.5 = UV 1 + RV 1/2; sector A: P 1/2, H 1; B: P 1/2, H 0
    for industry in ("a1", "a2", "b1"):
        for col, want in (("V", 1.5), ("UV", 1.0), ("RV", 0.5)):
            np.testing.assert_allclose(cell(col, "r1", industry, 2000), want, rtol=1e-14)
    np.testing.assert_allclose(cell("H", "r1", "a2", 2000), 1.0, rtol=1e-14)
    np.testing.assert_allclose(cell("P", "r1", "a2", 2000), 0.5, rtol=1e-14)
    np.testing.assert_allclose(cell("H", "r1", "b1", 2000), 0.0, atol=1e-15)
    # r2 2000: a1 2, a2 3 of 6: H_A = -(2/5 log2 2/5 + 3/5 log2 3/5), P_A = 5/6
    h_a = -(0.4 * np.log2(0.4) + 0.6 * np.log2(0.6))
    np.testing.assert_allclose(cell("H", "r2", "a1", 2000), h_a, rtol=1e-14)
    np.testing.assert_allclose(cell("RV", "r2", "b1", 2000), 5 / 6 * h_a, rtol=1e-14)
    (tmp_path / "wide").mkdir()
    wide = _compute(tmp_path / "wide", _spec([
        {"id": "var", "type": "variety", "industries": {"A": ["a1", "a2"], "B": ["b1"]},
         "columns": {"related_variety": "RV"}}]))
    both = f.merge(wide.panel.frame[["region", "year", "RV"]], on=["region", "year"])
    np.testing.assert_allclose(both["RV_x"], both["RV_y"], rtol=1e-14)
    rows = measures_json(run.artifacts["measures"])["var"]
    assert len(rows) == 4 * 3 * 2 and {"sector", "sector_share", "sector_variety"} <= set(rows[0])


def test_variety_long_form_refusals(tmp_path):
    with pytest.raises(SpecError, match=r"measures\.var: .*not both; remove region"):
        spec_from_dict(_spec([{"id": "var", "type": "variety", "industries": {"A": ["a1"]},
                               "region": "region"}]))
    with pytest.raises(SpecError, match=r"measures\.var: .*missing value, sector"):
        spec_from_dict(_spec([{"id": "var", "type": "variety", "region": "region",
                               "industry": "industry"}]))
    with pytest.raises(SpecError, match=r"columns: 'sector_variety' needs the long form"):
        spec_from_dict(_spec([{"id": "var", "type": "variety", "industries": {"A": ["a1"]},
                               "columns": {"sector_variety": "H"}}]))
    _raises(tmp_path, _long_spec(sector="section"), DataError,
            r"measures\.var\.sector: unknown variable 'section'", LONG)
    _raises(tmp_path, _long_spec(industry="year"), SpecError,
            r"measures\.var\.industry: 'year' is the time column", LONG)
    clash = LONG.assign(sector=np.where(LONG["region"] == "r1", "Z", LONG["sector"]))
    _raises(tmp_path, _long_spec(), DataError,
            r"measures\.var: sector_variety: industries .* more than one 'sector'", clash)


def test_location_quotient_columns_by_hand(tmp_path):
    run = _compute(tmp_path, _spec([
        {"id": "lq", "type": "location_quotients", "industries": ["a1", "a2", "b1"],
         "columns": {"b1": "LQ_B"}}]))
    # r3 2000: b1 share 4/8 against national 9/26
    np.testing.assert_allclose(_cell(run, "LQ_B", "r3", 2000), 0.5 / (9 / 26), rtol=1e-14)
    rows = measures_json(run.artifacts["measures"])["lq"]
    assert len(rows) == 4 * 3 * 3 and {"industry", "share", "reference_share", "lq"} <= set(rows[0])


def test_resilience_reference_column_phases_and_columns(tmp_path):
    run = _compute(tmp_path, _spec([
        {"id": "res", "type": "resilience", "variable": "trade", "reference": "NAT",
         "phases": [[2000, 2001], [2001, 2002, "expansion"]], "index": "sensitivity",
         "columns": {1: "RESIST", 2: "RECOVER"}}]))
    direct = resilience(PANEL, value="trade", entity="region", time="year",
                        reference=pd.Series([300.0, 270.0, 310.0], index=[2000, 2001, 2002]),
                        phases=[(2000, 2001), (2001, 2002, "expansion")])
    rows = pd.DataFrame(measures_json(run.artifacts["measures"])["res"])
    np.testing.assert_allclose(rows["sensitivity"], direct["sensitivity"], rtol=1e-12)
    # r1 resistance by hand: (90/100 - 1) / (270/300 - 1) = 1.0
    for year in (2000, 2001, 2002):
        np.testing.assert_allclose(_cell(run, "RESIST", "r1", year), 1.0, rtol=1e-12)
    # r2 recovery: (90/76 - 1) / (310/270 - 1)
    want = (90 / 76 - 1) / (310 / 270 - 1)
    np.testing.assert_allclose(_cell(run, "RECOVER", "r2", 2002), want, rtol=1e-12)
    assert rows["measure"].tolist()[:4] == ["resistance"] * 4


def test_external_dependence_column_by_hand(tmp_path):
    """Trade (USD) x the year's rate / GDP; rates given by year in the spec."""
    rates = {2000: 8.28, 2001: 8.27, 2002: 8.28}
    run = _compute(tmp_path, _spec([
        {"id": "ed", "type": "external_dependence", "trade": "trade", "gdp": "Y3",
         "exchange_rate": rates, "scale": 0.01, "column": "ED"}]))
    # r2 2001: 0.01 * 76 * 8.27 / 52
    np.testing.assert_allclose(_cell(run, "ED", "r2", 2001), 0.01 * 76 * 8.27 / 52, rtol=1e-14)
    with pytest.raises(DataError, match=r"measures\.ed: external_dependence: no exchange rate "
                       r"for year \[2002\]"):
        _compute(tmp_path, _spec([
            {"id": "ed", "type": "external_dependence", "trade": "trade", "gdp": "Y3",
             "exchange_rate": {2000: 8.28, 2001: 8.27}}]))


def test_imbalance_columns_per_year(tmp_path):
    run = _compute(tmp_path, _spec([
        {"id": "imb", "type": "imbalance", "variable": "trade", "weight": "pop",
         "national": "weighted", "columns": {"index": "IMB", "change": "DIMB"}}]))
    direct = imbalance_index(PANEL, value="trade", weight="pop", entity="region", time="year",
                             national="weighted")
    f = run.panel.frame
    for row in direct.itertuples():
        year = f[f["year"] == row.time]
        np.testing.assert_allclose(year["IMB"], row.index, rtol=1e-12)
    assert f.loc[f["year"] == 2000, "DIMB"].isna().all()


def test_theil_per_capita_equals_share_form(tmp_path):
    """Population-weighted Theil T of trade per head is sum_i s_i ln(s_i / p_i) (s_i trade
    share, p_i population share): 002's formula, worked out here directly."""
    run = _compute(tmp_path, _spec([
        {"id": "th", "type": "theil", "variable": "trade", "per": "pop", "weight": "pop",
         "groups": "group"}]))
    row = measures_json(run.artifacts["measures"])["th"][0]
    part = PANEL[PANEL["year"] == 2000]
    s = part["trade"] / part["trade"].sum()
    p = part["pop"] / part["pop"].sum()
    np.testing.assert_allclose(row["total"], float((s * np.log(s / p)).sum()), rtol=1e-12)
    np.testing.assert_allclose(row["within"] + row["between"], row["total"], rtol=1e-12)


# --------------------------------------------------------------------------- bad input


def _raises(tmp_path, raw, error, match, frame=PANEL):
    with pytest.raises(error, match=match):
        _compute(tmp_path, raw, frame)


def test_unknown_measure_type_and_key():
    with pytest.raises(SpecError, match=r"measures\.m1: unknown type 'thiel'; available: "
                       r"theil, gini.*\(did you mean 'theil'\?\)"):
        spec_from_dict(_spec([{"id": "m1", "type": "thiel", "variable": "trade"}]))
    with pytest.raises(SpecError, match=r"measures\.m1\.group: unknown key 'group'.*"
                       r"did you mean 'groups'"):
        spec_from_dict(_spec([{"id": "m1", "type": "theil", "variable": "x", "group": "g"}]))
    with pytest.raises(SpecError, match=r"measures\.m1\.kind: Input should be 'T' or 'L'"):
        spec_from_dict(_spec([{"id": "m1", "type": "theil", "variable": "x", "kind": "G"}]))
    with pytest.raises(SpecError, match=r"measures\.m1\.columns: unknown output 'RN' of type "
                       r"'misallocation'; available: RM"):
        spec_from_dict(_spec([{"id": "m1", "type": "misallocation", "output": "y",
                               "capital": "k", "labour": "l", "columns": {"RN": "x"}}]))
    with pytest.raises(SpecError, match=r"measures\.s\.columns: the new column names \['K'\] "
                       r"are given twice"):
        spec_from_dict(_spec([{"id": "s", "type": "specialization", "industries": ["a", "b"],
                               "columns": {"krugman": "K", "herfindahl": "K"}}]))
    with pytest.raises(SpecError, match=r"measures\.lq: columns: 'c1' is not one of the "
                       r"industries \(a1, b1\)"):
        spec_from_dict(_spec([{"id": "lq", "type": "location_quotients",
                               "industries": ["a1", "b1"], "columns": {"c1": "LQ"}}]))
    with pytest.raises(SpecError, match=r"measures\.r: columns: phase 3 does not exist; "
                       r"phases are numbered 1\.\.2"):
        spec_from_dict(_spec([{"id": "r", "type": "resilience", "variable": "x",
                               "phases": [[1, 2], [2, 3]], "columns": {3: "R3"}}]))
    with pytest.raises(SpecError, match=r"measures\.r\.phases: .*a phase kind is "
                       r"'contraction' or 'expansion'; got 'boom'"):
        spec_from_dict(_spec([{"id": "r", "type": "resilience", "variable": "x",
                               "phases": [[1, 2, "boom"]]}]))
    with pytest.raises(SpecError, match=r"measures: duplicate measure ids \['a'\]"):
        spec_from_dict(_spec([{"id": "a", "type": "gini", "variable": "x"}] * 2))


def test_table_naming_unknown_or_wrong_measure():
    gini = {"id": "g", "type": "gini", "variable": "trade"}
    with pytest.raises(SpecError, match=r"tables\.t\.measure: unknown measure 'nope'; "
                       r"measures defined: g"):
        spec_from_dict(_spec([gini], tables=[{"id": "t", "type": "theil", "measure": "nope"}]))
    with pytest.raises(SpecError, match=r"tables\.t\.measure: a 'dagum' table needs a measure "
                       r"of type 'dagum_gini'; 'g' is of type 'gini'"):
        spec_from_dict(_spec([gini], tables=[{"id": "t", "type": "dagum", "measure": "g"}]))
    theil = {"id": "th", "type": "theil", "variable": "trade"}
    with pytest.raises(SpecError, match=r"tables\.t\.measure: measure 'th' has no 'groups'"):
        spec_from_dict(_spec([theil], tables=[{"id": "t", "type": "theil", "measure": "th"}]))


def test_unknown_column_names_the_key(tmp_path):
    _raises(tmp_path, _spec([{"id": "th", "type": "theil", "variable": "FTR"}]), DataError,
            r"measures\.th\.variable: unknown variable 'FTR': no such column")
    _raises(tmp_path, _spec([{"id": "th", "type": "theil", "variable": "trade", "groups": "grp"}]),
            DataError, r"measures\.th\.groups: unknown variable 'grp'.*closest columns: group")
    _raises(tmp_path, _spec([{"id": "v", "type": "variety", "industries": {"A": ["a1", "zz"]}}]),
            DataError, r"measures\.v\.industries: unknown variable 'zz'")


def test_column_name_clash_refused(tmp_path):
    _raises(tmp_path, _spec([{"id": "is", "type": "hierarchy", "sectors": ["Y1", "Y2"],
                              "column": "Y3"}]),
            SpecError, r"measures\.is\.column: the panel already has a column 'Y3'")
    twice = [{"id": "k1", "type": "specialization", "industries": ["a1", "b1"],
              "columns": {"krugman": "K"}},
             {"id": "k2", "type": "specialization", "industries": ["a1", "a2"],
              "columns": {"herfindahl": "K"}}]
    _raises(tmp_path, _spec(twice), SpecError,
            r"measures\.k2\.columns: the panel already has a column 'K' \(from the data, an "
            r"index or an earlier measure\)")


def test_bad_values_and_settings(tmp_path):
    bad = PANEL.assign(pop=PANEL["pop"].where(PANEL["region"] != "r2", 0.0))
    _raises(tmp_path, _spec([{"id": "g", "type": "gini", "variable": "trade", "per": "pop"}]),
            DataError, r"measures\.g\.per: 'pop' must be > 0 to divide 'trade'; 3 rows", bad)
    varying = PANEL.assign(NAT=PANEL["NAT"] + np.arange(12) % 2)
    _raises(tmp_path, _spec([{"id": "r", "type": "resilience", "variable": "trade",
                              "reference": "NAT"}]),
            DataError, r"measures\.r\.reference: the reference series 'NAT' must have one "
            r"value per year", varying)
    _raises(tmp_path, _spec([{"id": "r", "type": "resilience", "variable": "trade",
                              "columns": {5: "R5"}}]),
            SpecError, r"measures\.r\.columns: phase 5 does not exist; the reference series "
            r"has 2 phase\(s\): 1: 2000-2001 contraction, 2: 2001-2002 expansion")
    zero = PANEL.assign(trade=PANEL["trade"].where(PANEL["region"] != "r1", 0.0))
    _raises(tmp_path, _spec([{"id": "L", "type": "theil", "kind": "L", "variable": "trade"}]),
            DataError, r"^measures\.L: theil: .*trade", zero)
    no_time = {"data": {"path": "panel.csv", "entity": "region"},
               "measures": [{"id": "m", "type": "misallocation", "output": "Y1",
                             "capital": "Y2", "labour": "Y3"}]}
    _raises(tmp_path, no_time, SpecError,
            r"measures\.m: type 'misallocation' needs a time column; set data\.time",
            PANEL[PANEL["year"] == 2000])


def test_table_years_and_figure_variable_checked(tmp_path):
    dagum = {"id": "d", "type": "dagum_gini", "variable": "trade", "groups": "group"}
    _raises(tmp_path, _spec([dagum], tables=[{"id": "t", "type": "dagum", "measure": "d",
                                              "years": [2000, 1999]}]),
            SpecError, r"tables\.t\.years: \[1999\] not among the periods of measure 'd' "
            r"\(2000\.\.2002\)")
    _raises(tmp_path, _spec([], figures=[{"id": "f", "type": "kde", "variable": "TRADE"}]),
            DataError, r"figures\.f\.variable: unknown variable 'TRADE'")
    _raises(tmp_path, _spec([], figures=[{"id": "f", "type": "kde", "variable": "trade",
                                          "times": [1990]}]),
            DataError, r"figures\.f: kernel_density: year \[1990\] not in the data")
