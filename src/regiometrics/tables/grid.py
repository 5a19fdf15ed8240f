"""A format-neutral table grid; renderers turn it into LaTeX, Markdown, ...

Cells hold plain Unicode text (``R²``, ``0.498***``); each renderer escapes and
styles it for its format. Sections are separated by a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RowKind = Literal["header", "group", "coef", "se", "indicator", "stat", "label", "body"]


@dataclass(frozen=True)
class Layout:
    """How a grid is set on the page (read by the renderers; Markdown ignores most of it).

    Attributes
    ----------
    style
        ``booktabs``: top, header and bottom rules plus a rule between sections;
        ``three_line``: exactly the three full rules (column-group rules allowed).
    fit
        ``shrink``: a LaTeX table wider than the text is scaled down to the text width.
    landscape, font_size, longtable
        LaTeX: a landscape page (``pdflscape``), a size command (``small`` ...), a table
        that breaks across pages (``longtable``; ``None``: when it has more than
        :data:`LONG_ROWS` body rows).
    language
        ``en`` or ``zh`` (LaTeX in Chinese needs a CJK set-up, see the README).
    notes_style
        LaTeX notes: ``minipage`` (at the table's width, no package) or ``threeparttable``.
    """

    style: str = "booktabs"
    fit: str = "shrink"
    landscape: bool = False
    font_size: str | None = None
    longtable: bool | None = None
    language: str = "en"
    notes_style: str = "minipage"


#: Body rows above which a LaTeX table breaks across pages unless ``longtable`` says otherwise.
LONG_ROWS = 40


@dataclass(frozen=True)
class Row:
    """One table row: the first cell is the row label, then one cell per column.

    ``spans`` (group rows only) gives the number of columns each cell covers, stub included;
    without it a title spans the empty cells after it.
    """

    cells: tuple[str, ...]
    kind: RowKind = "body"
    spans: tuple[int, ...] | None = None


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
        One alignment letter per column (``l``, ``c``, ``r``, or ``X`` for a text column
        that wraps: LaTeX sets it as a paragraph column sharing the text width).
    layout
        Page layout (rules, fit, size); see :class:`Layout`.
    """

    id: str
    header: tuple[Row, ...]
    sections: tuple[tuple[Row, ...], ...]
    title: str | None = None
    label: str | None = None
    notes: tuple[str, ...] = ()
    align: str = ""
    stub_columns: int = field(default=1)
    layout: Layout = field(default_factory=Layout)

    @property
    def n_columns(self) -> int:
        rows = [*self.header, *(r for s in self.sections for r in s)]
        return max(len(r.cells) for r in rows)


def group_spans(row: Row, width: int) -> list[tuple[str, int, int]]:
    """``(text, first column, number of columns)`` for a column-group title row.

    A title followed by empty cells spans them, up to the next title or the row's end;
    empty cells before the first title stand alone.
    """
    if row.spans is not None:
        out, j = [], 0
        for text, n in zip(row.cells, row.spans, strict=True):
            out.append((text, j, n))
            j += n
        return out
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
    """True for a header row of kind ``group``: column-group titles spanning the empty cells
    after them (Table 9's matrices, Table 10's models, a table's ``column_groups``)."""
    return grid.header[index].kind == "group"


def with_layout(grid: TableGrid, spec: object) -> TableGrid:
    """``grid`` with the page layout a table spec asks for (defaults for keys it lacks)."""
    from dataclasses import replace

    keys = {k: getattr(spec, k) for k in ("style", "fit", "landscape", "font_size", "longtable",
                                          "language", "notes_style") if hasattr(spec, k)}
    return replace(grid, layout=Layout(**keys))
