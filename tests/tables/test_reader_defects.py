"""Defects a first-time reader hit in spec files and tables (README walk-through on Produc):
random-effects columns that read as pooled, empty ``()`` under a statistic without a p-value,
English notes in Chinese spatial tables, label keys that named no row, type errors without
the wrong value."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from regiometrics.errors import SpecError
from regiometrics.results import Result
from regiometrics.spec import TableSpec
from regiometrics.spec.spatial import MoranTableSpec, SpatialEffectsTableSpec
from regiometrics.tables import regression_table
from regiometrics.tables.spatial import moran_table, spatial_effects_table
from tests.tables.test_honest_rows import _result
from tests.tables.test_spatial_tables import ENTRY, _moran_rows, _spatial


def _cells(grid) -> list[tuple[str, ...]]:
    return [row.cells for section in grid.sections for row in section]


def _row(grid, first: str) -> tuple[str, ...]:
    return next(c for c in _cells(grid) if c[0] == first)


# ------------------------------------------------------------ random effects in indicator rows

def _re(model_id: str, **info) -> Result:
    r = _result(model_id, mtype="re", effects=("entity",))
    return replace(r, info={**r.info, **info})


def test_random_effects_column_gets_an_entity_re_row():
    """A pooled and an RE column had identical indicator rows (Entity FE NO, Time FE NO)."""
    pooled = _result("ols", mtype="ols", effects=())
    fe = _result("fe")
    re = _re("re", random_effects=True)                       # linear re
    tobit = replace(_result("tobit", mtype="tobit", effects=("time",)),
                    info={**_result("x").info, "effects": ["time"],
                          "random_entity_effects": True})   # tobit random: [entity]
    grid = regression_table([pooled, fe, re, tobit],
                            TableSpec(id="t", models=["ols", "fe", "re", "tobit"]))
    labels = [c[0] for c in _cells(grid)]
    assert labels.index("Entity RE") == labels.index("Time FE") + 1
    assert _row(grid, "Entity FE") == ("Entity FE", "NO", "YES", "NO", "NO")
    assert _row(grid, "Time FE") == ("Time FE", "NO", "YES", "NO", "YES")
    assert _row(grid, "Entity RE") == ("Entity RE", "NO", "NO", "YES", "YES")
    zh = regression_table([pooled, re], TableSpec(id="t", models=["ols", "re"], language="zh",
                                                   indicator_labels={"entity_re": "省份随机效应"}))
    assert _row(zh, "省份随机效应") == ("省份随机效应", "否", "是")


def test_entity_re_row_only_when_asked_or_needed():
    fe, re = _result("fe"), _re("re", random_effects=True)
    labels = [c[0] for c in _cells(regression_table([fe], TableSpec(id="t", models=["fe"])))]
    assert "Entity RE" not in labels                          # no RE column: no new row
    chosen = TableSpec(id="t", models=["fe", "re"], indicators=["entity_fe"])
    assert [c[0] for c in _cells(regression_table([fe, re], chosen))].count("Entity RE") == 0
    asked = TableSpec(id="t", models=["fe"], indicators=["entity_fe", "entity_re"])
    assert _row(regression_table([fe], asked), "Entity RE") == ("Entity RE", "NO")


def test_spatial_effects_table_adds_entity_re_row_for_random_effects_models():
    fe = _spatial("fe", "rho")
    re = _spatial("re", "rho")
    re = replace(re, info={**re.info, "effects": [], "random_effects": ["entity"]})
    grid = spatial_effects_table([fe, re], SpatialEffectsTableSpec(
        id="t10", type="spatial_effects", models=["fe", "re"], terms=["DT"]))
    ind = [r.cells for r in grid.sections[1]]
    assert [c[0] for c in ind] == ["Entity FE", "Time FE", "Entity RE"]
    assert ind[2] == ("Entity RE",) + ("NO",) * 3 + ("YES",) * 3
    grid = spatial_effects_table([fe], SpatialEffectsTableSpec(
        id="t10", type="spatial_effects", models=["fe"], terms=["DT"]))
    assert "Entity RE" not in [r.cells[0] for s in grid.sections for r in s]


# ------------------------------------------------------ statistics without a p-value: no "()"

def test_undefined_p_value_under_a_statistic_is_blank_not_empty_parentheses():
    """Hansen J of an exactly identified model is 0 with no p-value (ivreg2 prints none)."""
    exact = _result("iv1", mtype="iv", stats={"hansen_j": 0.0, "hansen_j_p": math.nan})
    over = _result("iv2", mtype="iv", stats={"hansen_j": 6.986, "hansen_j_p": 0.0082})
    grid = regression_table([exact, over], TableSpec(
        id="t", models=["iv1", "iv2"], stats=["hansen_j", "hansen_j_p", "nobs"]))
    cells = _cells(grid)
    j = cells.index(_row(grid, "Hansen J statistic"))
    assert cells[j] == ("Hansen J statistic", "0.000", "6.986")
    assert cells[j + 1] == ("", "", "(0.008)")


# ------------------------------------------------------------------ Chinese spatial tables

def test_chinese_moran_table_has_chinese_header_and_note():
    grid = moran_table(_moran_rows(), MoranTableSpec(id="t9", type="moran", moran="mi",
                                                     language="zh"), entry=ENTRY)
    assert grid.header[1].cells[0] == "年份"
    assert grid.notes[0] == ("注：全局Moran's I；括号内为z值；显著性依据随机化假设下的p值，"
                             "单侧检验，备择假设为正的空间自相关。")
    perm = moran_table(_moran_rows(), MoranTableSpec(
        id="t9", type="moran", moran="mi", language="zh", inference="perm", below="p"),
        entry=ENTRY.replace(permutations=99, seed=7))
    assert "括号内为p值；显著性依据随机置换（99次，种子7）下的p值" in perm.notes[0]
    own = moran_table(_moran_rows(), MoranTableSpec(id="t9", type="moran", moran="mi",
                                                    language="zh", time_label="时期"),
                      entry=ENTRY)
    assert own.header[1].cells[0] == "时期"
    english = moran_table(_moran_rows(), MoranTableSpec(id="t9", type="moran", moran="mi"),
                          entry=ENTRY)
    assert english.header[1].cells[0] == "Year"


def test_chinese_spatial_effects_note_is_chinese():
    grid = spatial_effects_table([_spatial("geo", "rho")], SpatialEffectsTableSpec(
        id="t10", type="spatial_effects", models=["geo"], language="zh"))
    assert grid.notes[0] == ("注：直接、间接与总效应按LeSage和Pace（2009）分解；括号内为标准误"
                             "（基于估计量渐近分布的模拟，500次，种子3）。")
    delta = spatial_effects_table([_spatial("geo", "rho", method="delta")],
                                  SpatialEffectsTableSpec(id="t10", type="spatial_effects",
                                                          models=["geo"], language="zh"))
    assert "括号内为标准误（Delta方法）" in delta.notes[0]


def test_chinese_note_of_spatial_coefficient_table_names_the_information_matrix():
    sdm = replace(_spatial("geo", "rho"), info={**_spatial("geo", "rho").info,
                                                "vcov": "inverse information matrix (Elhorst 2014)"})
    grid = regression_table([sdm], TableSpec(id="t", models=["geo"], language="zh"))
    assert grid.notes[0].startswith("注：括号内为标准误（信息矩阵的逆，Elhorst 2014）")
    assert "inverse" not in " ".join(grid.notes)


# ----------------------------------------------------------- label keys that name no row

def test_indicator_label_for_no_row_is_refused_with_closest():
    with pytest.raises(SpecError) as err:
        regression_table([_result("m1")], TableSpec(
            id="t4", models=["m1"], indicator_labels={"entity_FE": "Province FE"}))
    msg = str(err.value)
    assert msg.startswith("tables.t4.indicator_labels: 'entity_FE' is not an indicator row")
    assert "closest: entity_fe" in msg
    absorbed = replace(_result("m1"), info={**_result("m1").info, "absorb": ["region"]})
    grid = regression_table([absorbed], TableSpec(
        id="t4", models=["m1"], indicator_labels={"region": "Region FE"}))
    assert _row(grid, "Region FE") == ("Region FE", "YES")


def test_spatial_row_label_for_no_row_is_refused():
    with pytest.raises(SpecError, match=r"tables\.t10\.row_labels: 'entity_FE' is not a row"
                                        r".*closest: entity_fe"):
        spatial_effects_table([_spatial("geo", "rho")], SpatialEffectsTableSpec(
            id="t10", type="spatial_effects", models=["geo"],
            row_labels={"entity_FE": "Province FE"}))


# ------------------------------------------------- notes name columns as the header shows them

def test_notes_name_columns_by_their_titles_when_numbers_are_hidden():
    """With ``column_titles`` and ``numbers: false`` the notes said ``(2)``, a name the
    table never prints."""
    few = _result("m2", g=9)
    ols = _result("m1", mtype="ols", effects=(), stats={"n_clusters": 48})
    titled = TableSpec(id="t", models=["m1", "m2"], column_titles=["Pooled", "Two-way"],
                       numbers=False, stats=["nobs", "r2_within"])
    notes = " ".join(regression_table([ols, few], titled).notes)
    assert "Few clusters (Two-way: G = 9)" in notes
    assert "Within R²: not reported for ols models, column Pooled." in notes
    assert "(2)" not in notes and "(1)" not in notes
    numbered = regression_table([ols, few], titled.replace(numbers=True))
    assert "Few clusters ((2): G = 9)" in " ".join(numbered.notes)


# ------------------------------------------------------------ subgroup notes in Chinese

def test_subgroup_notes_follow_language_and_group_labels():
    import pandas as pd

    import regiometrics as rm
    from tests.spec.test_reader_messages import PRODUC

    df = pd.read_csv(PRODUC)
    model = {"id": "by_unemp", "type": "fe", "formula": "lgsp ~ lpcap + lpc",
             "effects": ["entity", "time"], "vcov": {"type": "cluster", "by": "entity"},
             "split": {"var": "unemp", "at": "median", "level": "entity"},
             "permutations": 19, "seed": 7}
    table = {"id": "t8", "type": "subgroups", "models": ["by_unemp"], "formats": ["markdown"],
             "group_labels": {"low": "低失业", "high": "高失业"}}
    study = rm.run({"models": [model], "tables": [{**table, "language": "zh"}]},
                   data=df, entity="state", time="year")
    text = study.tables["t8"]["markdown"]
    assert ("by_unemp：lpcap、lpc在低失业、高失业组间的系数差异检验，为完全交互回归（各组固定效应）"
            "的Wald F检验；置换检验按个体重新分组19次（种子7）。") in text
    assert "by_unemp：高失业组为个体unemp均值 > 6.74118（按个体划分）。" in text
    assert "equality test" not in text and "entity mean" not in text
    english = rm.run({"models": [model], "tables": [table]}, data=df, entity="state",
                     time="year").tables["t8"]["markdown"]
    assert "equality test of lpcap, lpc across 低失业, 高失业, Wald F" in english
    assert "by_unemp: 高失业: entity mean of unemp > 6.74118 (entity level)." in english
