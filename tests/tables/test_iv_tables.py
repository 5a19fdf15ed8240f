"""IV tables: first-stage layout, diagnostics rows in regression tables, builder errors.

Layout reference: the seed paper 003's Table 5 (a two-way FE 2SLS column with the
Kleibergen-Paap rk LM statistic, its p-value and the Cragg-Donald Wald F under it). The
bundled example specs/iv.yaml is snapshot-tested and compiled with the other bundled specs
(test_rendering.py, snapshots/iv/).
"""

from __future__ import annotations

import pytest

from regiometrics.errors import SpecError
from regiometrics.pipeline.iv import first_stage_columns
from regiometrics.results import Result
from regiometrics.spec.iv_tables import FirstStageTableSpec
from regiometrics.spec.models import TableSpec
from regiometrics.tables import regression_table
from regiometrics.tables.first_stage import first_stage_table


def _first_stage(model_id: str, endog: str, label: str, coef: float) -> Result:
    return Result(
        model_id=f"{model_id}:first_stage:{endog}", type="iv_first_stage", dependent=endog,
        nobs=240, params={"IVNQ": coef, "IV2": 0.5, "MEDICAL": 0.1},
        std_errors={"IVNQ": 0.01, "IV2": 0.2, "MEDICAL": 0.05},
        pvalues={"IVNQ": 0.001, "IV2": 0.2, "MEDICAL": 0.04},
        stats={"first_stage_f": 216.1333, "partial_r2": 0.41234, "first_stage_f_p": 1e-12},
        info={"instruments": ["IVNQ", "IV2"], "effects": ["entity", "time"],
              "controls": ["MEDICAL"], "vcov": "cluster", "cluster_by": ["province"],
              "label": label},
    )


def _iv(model_id: str, label: str, endog: list[str], kp_p: float = 0.0250) -> Result:
    return Result(
        model_id=model_id, type="iv", dependent="ER", nobs=240,
        params={"DT": 0.41, "MEDICAL": 0.01}, std_errors={"DT": 0.045, "MEDICAL": 0.02},
        pvalues={"DT": 0.0001, "MEDICAL": 0.5},
        stats={"kp_rk_lm": 5.0231, "kp_rk_lm_p": kp_p, "cd_wald_f": 216.1333},
        info={"label": label, "endogenous": endog, "effects": ["entity", "time"],
              "controls": ["MEDICAL"], "vcov": "cluster", "cluster_by": ["province"]},
        components={f"first_stage:{e}": _first_stage(model_id, e, label, 0.8) for e in endog},
    )


def test_first_stage_layout_003_table5():
    table = FirstStageTableSpec(id="t5", type="first_stage", models=["iv1"],
                                rename={"IVNQ": "IV (Nunn-Qian)"},
                                indicator_labels={"entity_fe": "Province FEs"})
    cols, labels = first_stage_columns(table, {"iv1": _iv("iv1", "(1)", ["DT"])})
    grid = first_stage_table(cols, table, labels=labels)
    assert [r.cells for r in grid.header] == [("", "(1)"), ("", "DT")]
    body = [row.cells for section in grid.sections for row in section]
    assert body[:4] == [("IV (Nunn-Qian)", "0.800***"), ("", "(0.010)"), ("IV2", "0.500"),
                        ("", "(0.200)")]
    assert ("MEDICAL", "0.100**") not in body  # controls only as the YES row by default
    assert ("Controls", "YES") in body and ("Province FEs", "YES") in body
    assert ("First-stage F", "216.133") in body and ("Partial R²", "0.412") in body
    assert ("N", "240") in body
    assert grid.notes[0] == "Standard errors clustered by province in parentheses."


def test_first_stage_columns_per_endogenous_and_show_controls():
    results = {"a": _iv("a", "a", ["DT", "L.DT"]), "b": _iv("b", "(B)", ["DT"])}
    table = FirstStageTableSpec(id="t", type="first_stage", models=["a", "b"], show_controls=True)
    cols, labels = first_stage_columns(table, results)
    assert labels == ["(1)", "(1)", "(B)"]
    assert [c.dependent for c in cols] == ["DT", "L.DT", "DT"]
    grid = first_stage_table(cols, table, labels=labels)
    coef_rows = [r.cells[0] for s in grid.sections for r in s if r.kind == "coef"]
    assert coef_rows == ["IVNQ", "IV2", "MEDICAL"]
    only = FirstStageTableSpec(id="t", type="first_stage", models=["a", "b"], endogenous=["L.DT"])
    cols, labels = first_stage_columns(only, results)
    assert [c.model_id for c in cols] == ["a:first_stage:L.DT"]


def test_first_stage_builder_errors_name_the_table():
    fe = Result(model_id="fe", type="fe", dependent="ER", nobs=1, params={}, std_errors={},
                pvalues={})
    table = FirstStageTableSpec(id="t5", type="first_stage", models=["fe"])
    with pytest.raises(SpecError, match=r"tables\.t5\.models: 'fe' is of type 'fe'"):
        first_stage_columns(table, {"fe": fe})
    table = FirstStageTableSpec(id="t5", type="first_stage", models=["iv1"], endogenous=["GDP"])
    with pytest.raises(SpecError, match=r"tables\.t5\.endogenous: GDP is not an endogenous "
                                        r"regressor of the models iv1 \(they have: DT\)"):
        first_stage_columns(table, {"iv1": _iv("iv1", "(1)", ["DT"])})


def test_diagnostic_rows_in_a_regression_table_print_as_numbers():
    """kp_rk_lm_p after kp_rk_lm prints in parentheses under it (003 Table 5: 5.023 over
    (0.025)); with pvalues_below off it is a plain number; missing stats stay empty."""
    fe = Result(model_id="fe", type="fe", dependent="ER", nobs=240, params={"DT": 0.5},
                std_errors={"DT": 0.1}, pvalues={"DT": 0.01}, stats={"adj_r2": 0.99},
                info={"label": "(2)"})
    grid = regression_table(
        [_iv("iv1", "(1)", ["DT"]), fe],
        TableSpec(id="t5", models=["iv1", "fe"], stats=["kp_rk_lm", "kp_rk_lm_p", "cd_wald_f"],
                  stat_labels={"kp_rk_lm": "Kleibergen-Paap rk LM statistic", "kp_rk_lm_p": "",
                               "cd_wald_f": "Cragg-Donald Wald F statistic"}),
    )
    stats = [r.cells for s in grid.sections for r in s if r.kind == "stat"]
    assert stats == [("Kleibergen-Paap rk LM statistic", "5.023", ""), ("", "(0.025)", ""),
                     ("Cragg-Donald Wald F statistic", "216.133", "")]
    spec = TableSpec(id="t5", models=["iv1"], stats=["kp_rk_lm", "kp_rk_lm_p"],
                     pvalues_below=False)
    plain = regression_table([_iv("iv1", "(1)", ["DT"])], spec)
    assert [r.cells for s in plain.sections for r in s if r.kind == "stat"] == [
        ("Kleibergen-Paap rk LM statistic", "5.023"), ("Kleibergen-Paap rk LM p-value", "0.025")]
