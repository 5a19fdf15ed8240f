"""Theil (002 Table 5 layout) and Dagum tables: snapshots, cells traced to the pysal
reference numbers, and a pdflatex compile."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from regiometrics.errors import DataError
from regiometrics.figures.density import kde_figure
from regiometrics.tables import latex_document
from regiometrics.tables.measures import dagum_table, theil_table
from tests.tables.snapshot_measures import (
    DAGUM_SPEC,
    SNAPSHOTS,
    THEIL_SPEC,
    dagum_rows,
    rendered_measure_tables,
    theil_rows,
)

ROOT = Path(__file__).resolve().parents[2]
PYSAL = ROOT / "tests" / "fixtures" / "measures" / "mexico_inequality_pysal.json"


@pytest.fixture(scope="module")
def tables() -> dict[str, str]:
    return rendered_measure_tables()


def test_measure_snapshots_match(tables):
    """Layout changes must be deliberate: run scripts/update_measure_snapshots.py, review."""
    assert sorted(tables) == sorted(p.name for p in SNAPSHOTS.iterdir())
    for name, text in tables.items():
        assert text == (SNAPSHOTS / name).read_text(encoding="utf-8"), name


def test_theil_table_cells_are_pysal_numbers():
    """Overall, within and between of each decade equal pysal's TheilD (T, wg, bg) on the
    Mexico data (fixture made by tests/fixtures/measures/make_mexico_reference.py), printed
    to the table's 4 decimals; contributions are part / overall x 100 to 2 decimals."""
    ref = json.loads(PYSAL.read_text())
    grid = theil_table(theil_rows(), THEIL_SPEC)
    assert grid.header[1].cells == ("Year", "Overall", "1", "2", "3", "4", "5", "Within",
                                    "Between", "Within", "Between")
    body = grid.sections[0]
    assert [r.cells[0] for r in body] == [str(y) for y in ref["years"]]
    for row, t, wg, bg in zip(body, ref["theil_T"], ref["theil_within"], ref["theil_between"]):
        assert row.cells[1] == f"{t:.4f}"
        assert row.cells[-4:] == (f"{wg:.4f}", f"{bg:.4f}", f"{100 * wg / t:.2f}",
                                  f"{100 * bg / t:.2f}")


def test_dagum_table_cells_and_pairs_switch():
    rows = dagum_rows()
    first = rows.iloc[0]
    grid = dagum_table(rows, DAGUM_SPEC)
    head = grid.header[1].cells
    assert head[:7] == ("Year", "Overall", "H1", "H2", "H3", "H4", "H5")
    assert head[7] == "H1-H2" and len(head) == 2 + 5 + 10 + 3
    cells = grid.sections[0][0].cells
    assert cells[1] == f"{first['total']:.4f}" and cells[3] == f"{first['gini:2']:.4f}"
    assert cells[7] == f"{first['gini:1|2']:.4f}"
    shares = [float(c) for c in cells[-3:]]
    np.testing.assert_allclose(sum(shares), 100.0, atol=0.015)  # three 2-decimal roundings
    narrow = dagum_table(rows, DAGUM_SPEC.replace(pairs=False))
    assert narrow.header[1].cells[7:] == ("Within", "Net between", "Transvariation")


def test_kde_figure_needs_curve_columns():
    with pytest.raises(DataError, match=r"kde_figure: the curves frame lacks columns "
                       r"\['density'\]"):
        kde_figure(theil_rows().rename(columns={"total": "x"}))


@pytest.mark.latex
def test_measure_tables_compile_with_pdflatex(tables, tmp_path: Path):
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is not installed in CI; .ci/run installs texlive-latex-base")
        pytest.skip("pdflatex not installed")
    body = "".join(text for name, text in sorted(tables.items()) if name.endswith(".tex"))
    (tmp_path / "tables.tex").write_text(latex_document(body))
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "tables.tex"],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (tmp_path / "tables.pdf").stat().st_size > 1000
