"""Every LaTeX table of every bundled spec (and every layout-option snapshot) compiles inside
the README's preamble with no overfull box wider than 1pt and no float taller than the page.

The preamble is read from the README's first ```latex block with a ``\\usepackage`` (the
same rule as the team's smoke check), so the README cannot drift from what the tables
need. Chinese tables need a CJK package (xeCJK under xelatex, or CJKutf8 under pdflatex);
they are compiled when one is installed and skipped otherwise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.tables.snapshot_cases import ROOT, rendered_tables

MAX_OVERFULL_PT = 1.0
_CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
_OVERFULL = re.compile(r"Overfull \\[hv]box \(([\d.]+)pt too (?:wide|high)")

pytestmark = pytest.mark.latex


def readme_preamble() -> str:
    """The README's ```latex preamble block (with ``\\documentclass``)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```(?:latex|tex)\n(.*?)```", readme, re.DOTALL)
              if "\\usepackage" in b]
    assert blocks, "README.md has no ```latex block with the preamble the tables need"
    pre = blocks[0]
    return pre if "\\documentclass" in pre else "\\documentclass{article}\n" + pre


def _has(package: str) -> bool:
    if shutil.which("kpsewhich") is None:
        return False
    found = subprocess.run(["kpsewhich", package], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def _cjk_setup() -> tuple[str, str, str] | None:
    """(engine, preamble lines, body wrapper) for Chinese tables, or None if none is installed."""
    if shutil.which("xelatex") and _has("xeCJK.sty"):
        return "xelatex", "\\usepackage{xeCJK}\n", "{}"
    if shutil.which("pdflatex") and _has("CJKutf8.sty"):
        return "pdflatex", "\\usepackage{CJKutf8}\n", "\\begin{CJK}{UTF8}{gbsn}{}\\end{CJK}"
    return None


def overfull_widths(log: str) -> list[float]:
    """Widths (pt) of every overfull box a LaTeX log reports."""
    return [float(w) for w in _OVERFULL.findall(log)]


def _compile(work: Path, name: str, tex: str, engine: str, preamble: str, wrap: str) -> str:
    """Compile one table; return a problem description or ''."""
    stem = re.sub(r"\W", "_", name)
    (work / f"{stem}-table.tex").write_text(tex, encoding="utf-8")
    body = wrap.replace("{}", "\\input{" + f"{stem}-table.tex" + "}", 1) \
        if wrap != "{}" else "\\input{" + f"{stem}-table.tex" + "}"
    (work / f"{stem}.tex").write_text(preamble + "\\begin{document}\n" + body
                                      + "\n\\end{document}\n", encoding="utf-8")
    proc = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", f"{stem}.tex"],
                          cwd=work, capture_output=True, text=True, timeout=180, check=False)
    log = (work / f"{stem}.log").read_text(encoding="utf-8", errors="replace") \
        if (work / f"{stem}.log").exists() else proc.stdout
    if proc.returncode != 0:
        return f"{name}: does not compile: {proc.stdout[-800:]}"
    wide = [w for w in overfull_widths(log) if w > MAX_OVERFULL_PT]
    if wide:
        return f"{name}: overfull box {max(wide):.1f}pt"
    if "Float too large for page" in log:
        return f"{name}: float taller than the page"
    return ""


def test_overfull_parser_reads_widths():
    log = ("Overfull \\hbox (12.5pt too wide) in paragraph at lines 3--4\n"
           "Overfull \\vbox (3.0pt too high) has occurred\nUnderfull \\hbox (badness 10000)\n")
    assert overfull_widths(log) == [12.5, 3.0]


def _jobs(chinese: bool, package: str | None = None) -> list[tuple[str, str]]:
    """Tables in Chinese or not; those needing ``package`` (threeparttable) only when asked."""
    tables = {n: t for n, t in rendered_tables().items() if n.endswith(".tex")}
    assert len(tables) > 29  # the bundled specs' tables and the option cases
    return [(n, t) for n, t in sorted(tables.items()) if bool(_CJK.search(t)) == chinese
            and ("{threeparttable}" in t) == (package == "threeparttable")]


def _check(tmp_path: Path, jobs: list[tuple[str, str]], engine: str, preamble: str,
           wrap: str) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = [p for p in pool.map(
            lambda j: _compile(tmp_path, j[0], j[1], engine, preamble, wrap), jobs) if p]
    assert not problems, "\n".join(problems)


def test_every_table_fits_inside_the_readme_preamble(tmp_path: Path):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed")
    _check(tmp_path, _jobs(chinese=False), "pdflatex", readme_preamble(), "{}")


def test_every_chinese_table_fits_with_a_cjk_package(tmp_path: Path):
    cjk = _cjk_setup()
    if cjk is None:
        pytest.skip("no xeCJK (xelatex) or CJKutf8 (pdflatex) installed; the README says which "
                    "to add for language: zh")
    engine, extra, wrap = cjk
    jobs = _jobs(chinese=True)
    assert jobs, "no Chinese table among the snapshots"
    _check(tmp_path, jobs, engine, readme_preamble() + extra, wrap)


def test_threeparttable_notes_fit_when_the_package_is_installed(tmp_path: Path):
    if shutil.which("pdflatex") is None or not _has("threeparttable.sty"):
        pytest.skip("threeparttable is not installed (notes_style: threeparttable needs it)")
    jobs = _jobs(chinese=False, package="threeparttable")
    assert jobs
    _check(tmp_path, jobs, "pdflatex", readme_preamble() + "\\usepackage{threeparttable}\n", "{}")
