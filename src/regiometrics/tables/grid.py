"""A format-neutral table grid; renderers turn it into LaTeX, Markdown, ...

Cells hold plain Unicode text (``R²``, ``0.498***``); each renderer escapes and
styles it for its format. Sections are separated by a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RowKind = Literal["header", "coef", "se", "indicator", "stat", "label", "body"]


@dataclass(frozen=True)
class Row:
    """One table row: the first cell is the row label, then one cell per column."""

    cells: tuple[str, ...]
    kind: RowKind = "body"


@dataclass(frozen=True)
class TableGrid:
    """A rendered-format-free table.

    Attributes
    ----------
    id, title, label
        Table id (file name), caption and LaTeX label.
    header
        Header rows (column titles).
    sections
        Body sections; renderers draw a rule between sections.
    notes
        Lines printed under the table.
    align
        One alignment letter per column (``l``, ``c``, ``r``).
    """

    id: str
    header: tuple[Row, ...]
    sections: tuple[tuple[Row, ...], ...]
    title: str | None = None
    label: str | None = None
    notes: tuple[str, ...] = ()
    align: str = ""
    stub_columns: int = field(default=1)

    @property
    def n_columns(self) -> int:
        rows = [*self.header, *(r for s in self.sections for r in s)]
        return max(len(r.cells) for r in rows)


def group_spans(row: Row, width: int) -> list[tuple[str, int, int]]:
    """``(text, first column, number of columns)`` for a column-group title row.

    A title followed by empty cells spans them, up to the next title or the row's end;
    empty cells before the first title stand alone.
    """
    cells = list(row.cells) + [""] * (width - len(row.cells))
    out, j = [], 0
    while j < width:
        n = 1
        if cells[j]:
            while j + n < width and not cells[j + n]:
                n += 1
        out.append((cells[j], j, n))
        j += n
    return out


def is_group_row(grid: TableGrid, index: int) -> bool:
    """True for a header row above the last one that has empty cells after its stub:
    such a row holds column-group titles (Table 9's matrices, Table 10's models)."""
    row = grid.header[index]
    return index < len(grid.header) - 1 and any(not c for c in row.cells[1:])
