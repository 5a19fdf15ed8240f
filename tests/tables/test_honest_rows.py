"""Rows that say what is true of the models (issue 12) and table names checked against the
models (issue 11 §3): unit checks on hand-made Results, one CLI run for the exit code."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from regiometrics.errors import SpecError
from regiometrics.results import Result
from regiometrics.spec import TableSpec
from regiometrics.tables import regression_table, render_docx, render_html, render_latex
from regiometrics.tables.grid import with_layout
from regiometrics.tables.text import stars_note
from tests.tables.snapshot_cases import ROOT


def _result(model_id: str, *, vcov: str = "cluster", g: int | None = 48, controls=("MEDICAL",),
            params: dict | None = None, mtype: str = "fe", stats: dict | None = None,
            effects=("entity", "time")) -> Result:
    params = params or {"DT": 0.4981, "MEDICAL": -0.00001, "_cons": 0.197}
    info = {"effects": list(effects), "vcov": vcov, "controls": list(controls),
            "cluster_by": ["province"] if vcov == "cluster" else []}
    default_stats = {"adj_r2": 0.98765, "r2_within": 0.5}
    if g is not None and vcov == "cluster":
        default_stats["n_clusters"] = g
    return Result(
        model_id=model_id, type=mtype, dependent="ER", nobs=270, params=params,
        std_errors={k: 0.025 for k in params}, pvalues={k: 0.004 for k in params},
        stats=default_stats if stats is None else stats, info=info, df_resid=40,
    )


def _body(grid) -> list[tuple[str, ...]]:
    return [row.cells for section in grid.sections for row in section]


def _spec(**keys) -> TableSpec:
    return TableSpec(id="t", models=["m1", "m2"], **keys)


# ---------------------------------------------------------------- names checked (issue 11 §3)

@pytest.mark.parametrize(("key", "value", "closest"), [
    ("keep", ["DTT"], "DT"), ("drop", ["MEDICALL"], "MEDICAL"), ("order", ["_con"], "_cons"),
    ("rename", {"MEDICL": "Medical"}, "MEDICAL"),
])
def test_unknown_term_names_are_refused_with_key_path_and_closest(key, value, closest):
    with pytest.raises(SpecError) as err:
        regression_table([_result("m1"), _result("m2")], _spec(**{key: value}))
    text = str(err.value)
    bad = next(iter(value))
    assert text.startswith(f"tables.t.{key}: {bad!r} is not") and f"closest: {closest}" in text


def test_unknown_statistic_is_refused_with_the_closest_name():
    with pytest.raises(SpecError, match=r"tables\.t\.stats: 'r2_whitin' is not a statistic; "
                                        r"closest: r2_within"):
        regression_table([_result("m1"), _result("m2")], _spec(stats=["nobs", "r2_whitin"]))


def test_statistic_no_column_has_is_refused_not_printed_empty():
    spatial = [_result(m, mtype="sdm", stats={"loglik": -10.0}) for m in ("m1", "m2")]
    with pytest.raises(SpecError, match=r"tables\.t\.stats: no model in this table reports 'r2' "
                                        r"\(model types: sdm\)"):
        regression_table(spatial, _spec(stats=["nobs", "r2"]))


def test_statistic_a_model_type_lacks_is_said_in_a_note():
    tobit = _result("m2", mtype="tobit", stats={"loglik": -5.0})
    grid = regression_table([_result("m1"), tobit], _spec(stats=["nobs", "adj_r2"]))
    assert ("Adj. R²", "0.988", "") in _body(grid)
    assert "Adj. R²: not reported for tobit models, column (2)." in grid.notes


def test_default_stats_print_no_empty_row():
    tobit = [_result(m, mtype="tobit", vcov="unadjusted", stats={"loglik": -5.0})
             for m in ("m1", "m2")]
    grid = regression_table(tobit, _spec())
    stats = [r for r in _body(grid) if r[0] in ("N", "Log likelihood", "Adj. R²", "Within R²")]
    assert [r[0] for r in stats] == ["N", "Log likelihood"]
    assert all(all(c for c in r[1:]) for r in stats)


# ---------------------------------------------------------------- honest rows (issue 12)

def test_controls_row_is_true_by_content():
    with_c = _result("m1")
    without = _result("m2", params={"DT": 0.5, "_cons": 0.1}, controls=())
    grid = regression_table([with_c, without], _spec(keep=["DT"]))
    assert ("Controls", "YES", "NO") in _body(grid)
    # shown as a coefficient row: no Controls row stands for it
    grid = regression_table([with_c, without], _spec())
    assert not any(r[0] == "Controls" for r in _body(grid))


def test_controls_given_by_the_table_and_yes_no_words():
    a = _result("m1", controls=())
    b = _result("m2", params={"DT": 0.5, "_cons": 0.1}, controls=())
    grid = regression_table([a, b], _spec(keep=["DT"], controls=["MEDICAL"], yes_no=["是", "否"]))
    assert ("Controls", "是", "否") in _body(grid)


def test_se_row_when_estimators_differ_and_note_when_they_agree():
    grid = regression_table([_result("m1"), _result("m2", vcov="robust")], _spec())
    assert ("S.E.", "Clustered (province)", "Robust") in _body(grid)
    assert grid.notes[0] == "Standard errors in parentheses; the S.E. row gives each column's type."
    grid = regression_table([_result("m1"), _result("m2")], _spec())
    assert not any(r[0] == "S.E." for r in _body(grid))
    assert grid.notes[0] == "Standard errors clustered by province in parentheses."
    grid = regression_table([_result("m1"), _result("m2", vcov="unadjusted")],
                            _spec(se_row="always", language="zh"))
    assert ("标准误", "聚类（province）", "普通") in _body(grid)


@pytest.mark.parametrize(("thresholds", "en", "zh"), [
    ([0.10, 0.05, 0.01], "*** p<0.01, ** p<0.05, * p<0.10.", "*、**、***分别表示在10%、5%、1%的水平上显著"),
    ([0.05, 0.01, 0.001], "*** p<0.001, ** p<0.01, * p<0.05.", "*、**、***分别表示在5%、1%、0.1%的水平上显著"),
    ([0.1, 0.05], "** p<0.05, * p<0.10.", "*、**分别表示在10%、5%的水平上显著"),
])
def test_star_legend_prints_the_thresholds_given(thresholds, en, zh):
    assert stars_note(thresholds) == en and stars_note(thresholds, "zh") == zh


def test_zh_notes_start_with_zhu_and_join_se_and_stars():
    grid = regression_table([_result("m1"), _result("m2")], _spec(language="zh"))
    assert grid.notes[0] == ("注：括号内为聚类到province层面的稳健标准误；*、**、***分别表示在10%、5%、"
                             "1%的水平上显著。")
    assert ("常数项", "0.197***", "0.197***") in _body(grid)


def test_rename_reaches_dependent_variable_lags_and_interactions():
    r = _result("m1", params={"L.DT": 0.3, "DT:MEDICAL": 0.1, "L2.MEDICAL": 0.2, "_cons": 1.0},
                controls=())
    grid = regression_table([r], TableSpec(id="t", models=["m1"],
                                           rename={"DT": "Digital trade", "ER": "Resilience"}))
    labels = [row.cells[0] for row in grid.sections[0] if row.kind == "coef"]
    assert labels == ["L.Digital trade", "Digital trade × MEDICAL", "L2.MEDICAL", "Constant"]
    assert grid.header[-1].cells == ("", "Resilience")


def test_constant_is_not_shown_for_some_fixed_effects_columns_only():
    no_cons = _result("m2", params={"DT": 0.5, "MEDICAL": 0.0}, mtype="iv")
    grid = regression_table([_result("m1"), no_cons], _spec())
    assert not any(r[0] == "Constant" for r in _body(grid))
    assert any("Constant not shown" in n for n in grid.notes)
    pooled = _result("m2", effects=())
    grid = regression_table([_result("m1"), pooled], _spec())
    assert ("Constant", "0.197***", "0.197***") in _body(grid)
    grid = regression_table([_result("m1"), pooled], _spec(constant="hide"))
    assert not any(r[0] == "Constant" for r in _body(grid))


def test_few_clusters_are_noted_with_the_wild_cluster_bootstrap():
    grid = regression_table([_result("m1", g=3), _result("m2")], _spec())
    note = next(n for n in grid.notes if n.startswith("Few clusters"))
    assert "(1): G = 3" in note and "(2)" not in note and "wild cluster bootstrap" in note


@pytest.mark.parametrize(("below", "cell"), [("se", "(0.025)"), ("t", "(19.924)"),
                                              ("p", "(0.004)"), ("ci", "[0.448, 0.549]")])
def test_below_chooses_what_sits_under_the_estimate(below, cell):
    grid = regression_table([_result("m1"), _result("m2")], _spec(below=below))
    assert _body(grid)[1] == ("", cell, cell)


def test_notes_replace_drops_the_automatic_notes():
    grid = regression_table([_result("m1"), _result("m2")],
                            _spec(notes=["Mine."], notes_mode="replace"))
    assert grid.notes == ("Mine.",)


def test_headers_groups_titles_numbers_and_section_order():
    spec = _spec(column_titles=["A", "B"], numbers=False, depvar_row=False,
                 column_groups=[{"title": "Both", "span": 2}],
                 sections=["coefficients", "indicators", "stats", "constant"])
    grid = regression_table([_result("m1"), _result("m2")], spec)
    assert [r.cells for r in grid.header] == [("", "Both"), ("", "A", "B")]
    assert grid.header[0].kind == "group" and grid.header[0].spans == (1, 2)
    assert grid.sections[-1][0].cells[0] == "Constant"
    with pytest.raises(SpecError, match=r"tables\.t\.column_titles: 1 titles for 2 columns"):
        regression_table([_result("m1"), _result("m2")], _spec(column_titles=["A"]))


def test_three_line_style_draws_exactly_three_full_rules_in_every_format():
    spec = _spec(style="three_line", column_groups=[{"title": "Both", "span": 2}])
    grid = with_layout(regression_table([_result("m1"), _result("m2")], spec), spec)
    tex = render_latex(grid)
    full = [line for line in tex.splitlines() if line in (r"\toprule", r"\midrule", r"\bottomrule")]
    assert full == [r"\toprule", r"\midrule", r"\bottomrule"] and r"\cmidrule" in tex
    assert "<tbody style=" not in render_html(grid)
    booktabs = with_layout(grid, _spec())
    assert render_html(booktabs).count("<tbody style=") == len(grid.sections) - 1
    table = docx.Document(io.BytesIO(render_docx(grid))).tables[0]
    tops = [i for i, row in enumerate(table.rows) if _top(row.cells[0])]
    assert tops == [0]


def _top(cell) -> bool:
    borders = cell._tc.get_or_add_tcPr().find(qn("w:tcBorders"))
    return borders is not None and borders.find(qn("w:top")) is not None


def test_latex_options_landscape_font_longtable_fit():
    spec = _spec(landscape=True, font_size="small", longtable=True)
    tex = render_latex(with_layout(regression_table([_result("m1"), _result("m2")], spec), spec))
    assert tex.startswith("\\begin{landscape}\n\\begingroup\n\\small\n")
    assert "\\begin{longtable}{lcc}" in tex and "\\endhead" in tex
    spec = _spec()
    tex = render_latex(with_layout(regression_table([_result("m1"), _result("m2")], spec), spec))
    assert "\\resizebox{\\linewidth}{!}" in tex and "longtable" not in tex
    grid = regression_table([_result("m1"), _result("m2")], spec)
    assert "\\resizebox" not in render_latex(replace(grid, layout=replace(grid.layout, fit="none")))


def test_cli_refuses_an_unknown_statistic_with_exit_code_2(tmp_path: Path):
    spec = yaml.safe_load((ROOT / "specs" / "produc.yaml").read_text())
    spec["data"]["path"] = str(ROOT / "specs" / "data" / "produc.csv")
    spec["tables"][0]["stats"] = ["nobs", "r2_whitin"]
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec))
    cli = shutil.which("regiometrics") or sys.executable
    args = [cli] if cli != sys.executable else [cli, "-m", "regiometrics"]
    proc = subprocess.run([*args, "run", str(path), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 2
    assert "tables.production.stats: 'r2_whitin' is not a statistic; closest: r2_within" \
        in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "production.tex").exists()


def test_an_empty_keep_is_refused_not_printed_as_an_empty_table():
    with pytest.raises(SpecError, match=r"tables\.t\.keep: an empty list keeps no coefficient"):
        regression_table([_result("m1"), _result("m2")], _spec(keep=[]))


def test_a_column_group_spans_exactly_its_columns_in_every_format():
    spec = _spec(column_groups=[{"title": "First", "span": 1}])
    grid = regression_table([_result("m1"), _result("m2")], spec)
    tex = render_latex(grid)
    assert " & First &  \\\\" in tex and r"\cmidrule(lr){2-2}" in tex and "{3-3}" not in tex
    from regiometrics.tables import render_markdown
    assert render_markdown(grid).splitlines()[0] == "|  | First |  |"
    assert 'colspan' not in render_html(grid).split("</tr>")[0]
    with pytest.raises(SpecError, match=r"tables\.t\.column_groups: the spans add up to 3"):
        regression_table([_result("m1"), _result("m2")],
                         _spec(column_groups=[{"title": "A", "span": 3}]))


# ------------------------------------------- journal layouts of the replications (issue 13)

def test_stub_label_sits_on_the_numbers_row():
    spec = _spec(stub_label="Variables", column_groups=[{"title": "All", "span": 2}])
    grid = regression_table([_result("m1"), _result("m2")], spec)
    assert [r.cells[0] for r in grid.header] == ["", "Variables", ""]
    titled = regression_table([_result("m1"), _result("m2")],
                              _spec(stub_label="Variables", column_titles=["(1) IS", "(2) ER"],
                                    numbers=False, depvar_row=False))
    assert [r.cells for r in titled.header] == [("Variables", "(1) IS", "(2) ER")]


def test_controls_row_always_is_printed_beside_the_shown_controls():
    results = [_result("m1", params={"DT": 0.5, "_cons": 0.2}), _result("m2")]
    auto = _body(regression_table(results, _spec()))
    assert "Controls" not in [c[0] for c in auto]  # MEDICAL's row is shown: no Controls row
    always = _body(regression_table(results, _spec(controls_row="always")))
    assert ("Controls", "NO", "YES") in always
    assert "MEDICAL" in [c[0] for c in always]


def test_diagnostics_form_their_own_block_before_the_constant():
    results = [_result(m, stats={"adj_r2": 0.9, "kp_rk_lm": 5.023, "kp_rk_lm_p": 0.025})
               for m in ("m1", "m2")]
    grid = regression_table(results, _spec(
        diagnostics=["kp_rk_lm", "kp_rk_lm_p"], stats=["nobs", "adj_r2"],
        sections=["coefficients", "indicators", "diagnostics", "constant", "stats"]))
    labels = [[r.cells[0] for r in s] for s in grid.sections]
    assert labels[2] == ["Kleibergen-Paap rk LM statistic", ""]
    assert labels[2 + 1][0] == "Constant" and labels[-1] == ["N", "Adj. R²"]
    assert grid.sections[2][1].cells[1:] == ("(0.025)", "(0.025)")
    with pytest.raises(SpecError, match=r"tables\.t\.diagnostics: 'kp_rk_lmm' is not a "
                                        r"statistic; closest: kp_rk_lm"):
        regression_table(results, _spec(diagnostics=["kp_rk_lmm"]))


def test_se_row_never_names_each_columns_standard_errors_in_the_note():
    results = [_result("m1"), _result("m2", vcov="unadjusted")]
    grid = regression_table(results, _spec(se_row="never"))
    assert "S.E." not in [c[0] for c in _body(grid)]
    assert grid.notes[0] == ("Standard errors in parentheses; standard errors by column: "
                             "(1): Clustered (province); (2): Conventional.")
