"""Rendered tables: snapshots of the bundled example, unit checks, and a pdflatex compile."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from regiometrics.results import Result
from regiometrics.spec import TableSpec
from regiometrics.tables import latex_document, regression_table, render_latex, render_markdown
from regiometrics.tables.latex import escape
from regiometrics.tables.regression import stars
from tests.tables.snapshot_cases import SNAPSHOTS, rendered_tables, stored_snapshots


@pytest.fixture(scope="module")
def tables() -> dict[str, str]:
    return rendered_tables()


def test_snapshots_match(tables):
    """Layout changes must be deliberate: run scripts/update_snapshots.py and review the diff."""
    assert sorted(tables) == stored_snapshots()
    for name, text in tables.items():
        assert text == (SNAPSHOTS / name).read_text(encoding="utf-8"), name


def _result(model_id: str, label: str, p: float) -> Result:
    return Result(
        model_id=model_id, type="fe", dependent="ER", nobs=270,
        params={"DT": 0.4981, "MEDICAL": -0.00001, "_cons": 0.197},
        std_errors={"DT": 0.0251, "MEDICAL": 0.0002, "_cons": 0.003},
        pvalues={"DT": p, "MEDICAL": 0.9, "_cons": 0.001},
        stats={"adj_r2": 0.98765, "r2_within": 0.5},
        info={"effects": ["entity", "time"], "vcov": "cluster", "cluster_by": ["province"],
              "controls": ["MEDICAL"], "label": label},
    )


def test_table4_layout_cells():
    grid = regression_table(
        [_result("m1", "(1)", 0.004), _result("m2", "(2)", 0.07)],
        TableSpec(id="t4", models=["m1", "m2"], rename={"_cons": "Constant"},
                  indicator_labels={"entity_fe": "Province FEs", "time_fe": "Year FEs"}),
    )
    body = [row.cells for section in grid.sections for row in section]
    assert body[0] == ("DT", "0.498***", "0.498*")
    assert body[1] == ("", "(0.025)", "(0.025)")
    assert body[2] == ("MEDICAL", "-0.000", "-0.000")
    assert body[4] == ("Constant", "0.197***", "0.197***")
    assert ("Province FEs", "YES", "YES") in body
    # the control MEDICAL is shown as a row, so no Controls row stands for it
    assert not any(row[0] == "Controls" for row in body)
    assert ("N", "270", "270") in body and ("Adj. R²", "0.988", "0.988") in body
    assert grid.notes[0] == "Standard errors clustered by province in parentheses."
    assert grid.notes[1] == "*** p<0.01, ** p<0.05, * p<0.10."


def test_keep_drop_order():
    results = [_result("m1", "(1)", 0.004)]
    grid = regression_table(results, TableSpec(id="t", models=["m1"], drop=["MEDICAL"]))
    assert [r.cells[0] for r in grid.sections[0] if r.kind == "coef"] == ["DT", "Constant"]
    grid = regression_table(results, TableSpec(id="t", models=["m1"], keep=["MEDICAL", "DT"],
                                               order=["MEDICAL"]))
    assert [r.cells[0] for r in grid.sections[0] if r.kind == "coef"] == ["MEDICAL", "DT"]


@pytest.mark.parametrize(("p", "expected"), [(0.2, ""), (0.09, "*"), (0.04, "**"), (0.001, "***"),
                                             (0.10, ""), (0.05, "*"), (0.01, "**")])
def test_stars_thresholds_are_strict(p, expected):
    assert stars(p, [0.10, 0.05, 0.01]) == expected


def test_latex_escapes_specials():
    assert escape("a_b & 50% R²") == r"a\_b \& 50\% $R^2$"
    assert escape("p<0.01, x>1") == r"p\textless{}0.01, x\textgreater{}1"


def test_markdown_escapes_stars_and_pipes():
    grid = regression_table([_result("m1", "(1)", 0.004)], TableSpec(id="t", models=["m1"]))
    text = render_markdown(grid)
    assert "0.498\\*\\*\\*" in text
    assert text.splitlines()[1].startswith("| :---")


@pytest.mark.latex
def test_latex_compiles_with_pdflatex(tables, tmp_path: Path):
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is not installed in CI; .ci/run installs texlive-latex-base")
        pytest.skip("pdflatex not installed")
    # Chinese tables need a CJK package; test_latex_fit compiles them when one is installed
    # (and notes_style: threeparttable needs its package, which may not be installed)
    body = "".join(text for name, text in sorted(tables.items())
                   if name.endswith(".tex") and not re.search(r"[\u4e00-\u9fff]", text)
                   and "{threeparttable}" not in text)
    grid = regression_table([_result("m1", "(1)", 0.004)], TableSpec(id="t", models=["m1"],
                            notes=["Specials: 100% & $_#{}~^\\"]))
    body += render_latex(grid)
    (tmp_path / "tables.tex").write_text(latex_document(body))
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "tables.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (tmp_path / "tables.pdf").stat().st_size > 1000


def test_group_titles_in_upper_header_rows_span_their_columns():
    from regiometrics.tables.grid import Row, TableGrid

    grid = TableGrid(id="g", header=(Row(("", "Group A", "", "B", "C", ""), "group"),
                                     Row(("Year", "x", "y", "z", "u", "v"), "header")),
                     sections=((Row(("2020", "1", "2", "3", "4", "5")),),))
    lines = render_latex(grid).splitlines()
    i = lines.index(r"\toprule")
    assert lines[i + 1] == r" & \multicolumn{2}{c}{Group A} & B & \multicolumn{2}{c}{C} \\"
    assert lines[i + 2] == r"\cmidrule(lr){2-3} \cmidrule(lr){4-4} \cmidrule(lr){5-6}"
    assert lines[i + 3] == r"Year & x & y & z & u & v \\"
