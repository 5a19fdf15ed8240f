"""Compare a built table with the layout of the printed table it reproduces.

An expected-layout file (YAML) describes one printed table by what a reader sees first::

    table: t4_baseline                  # the table id in the spec
    printed: "Table 4. Baseline regression results"
    header:                             # header rows, cell by cell (stub cell first)
      - [Variables, "(1)", "(2)", "(3)", "(4)"]
      - ["", ER, ER, ER, ER]
    rows: [DT, MEDICAL, EC, Constant, Controls, Province FEs, Year FEs, N, Adj. R²]

``rows`` lists the body's row labels in order, leaving out rows whose label is empty (the
standard errors under a coefficient, a confidence interval's second line). A row's label is
its last stub cell (the variable of a descriptive table, after its group), or the cell in
column ``label_column`` (1-based) when the file gives one (the indicator of an index table,
which has its dimension before and its direction after it). Cells are
compared after collapsing white space; nothing else is normalised, so a difference in a
label, a header cell, the order of rows or the number of columns is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from regiometrics.errors import SpecError
from regiometrics.tables import TableGrid


@dataclass(frozen=True)
class ExpectedLayout:
    """The printed table's header cells and row labels (see the module docstring)."""

    table: str
    printed: str
    header: tuple[tuple[str, ...], ...]
    rows: tuple[str, ...]
    source: str = ""
    label_column: int | None = None


@dataclass(frozen=True)
class LayoutReport:
    """Differences between one built table and its printed layout (empty: they match)."""

    table: str
    printed: str
    differences: tuple[str, ...] = field(default_factory=tuple)

    @property
    def matches(self) -> bool:
        return not self.differences


def _cell(text: Any) -> str:
    return " ".join(str("" if text is None else text).split())


def load_layout(path: Path) -> ExpectedLayout:
    """Read an expected-layout file; a SpecError names the file and the key that is wrong."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot read the expected layout: {exc}") from None
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: an expected layout is a mapping with keys table, printed, "
                        "header, rows")
    unknown = set(raw) - {"table", "printed", "header", "rows", "label_column"}
    if unknown:
        raise SpecError(f"{path}: unknown key(s) {sorted(unknown)}; allowed keys: header, "
                        "label_column, printed, rows, table")
    label_column = raw.get("label_column")
    if label_column is not None and (not isinstance(label_column, int) or label_column < 1):
        raise SpecError(f"{path}: label_column: expected a column number (1, 2, ...), got "
                        f"{label_column!r}")
    for key in ("table", "printed"):
        if not isinstance(raw.get(key), str):
            raise SpecError(f"{path}: {key}: expected a string, got {raw.get(key)!r}")
    header = raw.get("header", [])
    if not isinstance(header, list) or not all(isinstance(r, list) for r in header):
        raise SpecError(f"{path}: header: expected a list of rows, each a list of cells")
    rows = raw.get("rows", [])
    if not isinstance(rows, list):
        raise SpecError(f"{path}: rows: expected a list of row labels")
    return ExpectedLayout(
        table=raw["table"], printed=raw["printed"],
        header=tuple(tuple(_cell(c) for c in r) for r in header),
        rows=tuple(_cell(r) for r in rows), source=str(path), label_column=label_column,
    )


def grid_layout(
    grid: TableGrid, label_column: int | None = None
) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """The header cells and the non-empty body row labels of a built table."""
    width = grid.n_columns
    header = tuple(
        tuple(_cell(c) for c in r.cells) + ("",) * (width - len(r.cells)) for r in grid.header
    )
    stub = label_column - 1 if label_column else max(grid.stub_columns, 1) - 1
    labels = (_cell(r.cells[stub]) if len(r.cells) > stub else ""
              for s in grid.sections for r in s)
    return header, tuple(label for label in labels if label)


def _first_difference(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def compare_layout(grid: TableGrid, expected: ExpectedLayout) -> LayoutReport:
    """Every difference between ``grid`` and the printed layout, in words."""
    header, rows = grid_layout(grid, expected.label_column)
    diffs: list[str] = []
    if len(header) != len(expected.header):
        diffs.append(f"header: printed {len(expected.header)} row(s), built {len(header)}")
    for i, (want, got) in enumerate(zip(expected.header, header), start=1):
        if want != got:
            diffs.append(f"header row {i}: printed {list(want)}, built {list(got)}")
    if rows != expected.rows:
        missing = [r for r in expected.rows if r not in rows]
        extra = [r for r in rows if r not in expected.rows]
        if missing:
            diffs.append(f"rows printed but not built: {missing}")
        if extra:
            diffs.append(f"rows built but not printed: {extra}")
        both_printed = tuple(r for r in expected.rows if r in rows)
        both_built = tuple(r for r in rows if r in expected.rows)
        if both_printed != both_built:
            i = _first_difference(both_built, both_printed)
            diffs.append(f"row order differs from row {i + 1} of the rows both have: printed "
                         f"{list(both_printed)}, built {list(both_built)}")
    return LayoutReport(expected.table, expected.printed, tuple(diffs))


def report_text(reports: list[LayoutReport], figures: dict[str, bool]) -> str:
    """A Markdown report of the layout check: one section per printed table or figure."""
    n_ok = sum(r.matches for r in reports) + sum(figures.values())
    total = len(reports) + len(figures)
    lines = [f"# Layout check: {n_ok} of {total} printed tables and figures match", ""]
    for r in reports:
        lines.append(f"## {r.printed} (`{r.table}`): {'matches' if r.matches else 'differs'}")
        lines += [f"- {d}" for d in r.differences]
        lines.append("")
    for fig, made in figures.items():
        lines.append(f"## figure `{fig}`: {'written' if made else 'missing'}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
