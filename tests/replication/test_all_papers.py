"""CI for every replication: each paper listed by `regiometrics replicate` runs on its seeded
synthetic data with ``--strict`` (exit 0: every printed table's layout matches), every table
compiles with pdflatex without a box wider than the page (1pt), and a second run gives
byte-identical results.json and tables."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from regiometrics.cli import main
from regiometrics.pipeline.replicate import find_paper, list_papers
from regiometrics.tables.latex import latex_document

PAPER_IDS = [p.id for p in list_papers()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each paper run twice into separate folders (computed once for the module)."""
    root = tmp_path_factory.mktemp("papers")
    out: dict[str, tuple[Path, Path]] = {}
    for paper in PAPER_IDS:
        first, second = root / paper / "a", root / paper / "b"
        for folder in (first, second):
            assert main(["replicate", paper, "--out", str(folder), "--strict"]) == 0, paper
        out[paper] = (first, second)
    return out


def test_the_five_seed_papers_are_listed_in_order():
    assert [p[:3] for p in PAPER_IDS] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("paper", PAPER_IDS)
def test_paper_runs_strict_and_twice_identically(runs, paper):
    first, second = runs[paper]
    report = (first / "layout_check.md").read_text()
    n_ok, total = report.split(":", 1)[1].split("printed")[0].split(" of ")
    paper_spec = find_paper(paper)
    assert int(n_ok) == int(total) == len(paper_spec.layouts) + len(paper_spec.figures), report
    doc = json.loads((first / "results.json").read_text())
    assert doc == json.loads((second / "results.json").read_text())
    assert (first / "results.json").read_bytes() == (second / "results.json").read_bytes()
    for tex in sorted(first.glob("*.tex")):
        assert tex.read_bytes() == (second / tex.name).read_bytes(), tex.name


@pytest.mark.latex
@pytest.mark.parametrize("paper", PAPER_IDS)
def test_paper_tables_compile(runs, paper, tmp_path):
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is not installed in CI")
        pytest.skip("pdflatex not installed")
    tex = sorted(runs[paper][0].glob("*.tex"))
    assert tex, paper
    body = "\n\\clearpage\n".join(p.read_text() for p in tex)
    (tmp_path / "t.tex").write_text(latex_document(body))
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=180,
                          check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    log = (tmp_path / "t.log").read_text(errors="replace")
    too_wide = [float(w) for w in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]
    assert not [w for w in too_wide if w > 1.0], f"{paper}: overfull boxes {too_wide}"
