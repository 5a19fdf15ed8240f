"""Markdown (pipe table) renderer."""

from __future__ import annotations

from regiometrics.tables.grid import Row, TableGrid, group_spans


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*")


def _line(row: Row, width: int) -> str:
    texts = row.cells if row.spans is None else tuple(
        x for text, _, n in group_spans(row, width) for x in (text, *[""] * (n - 1)))
    cells = [_escape(c) for c in texts] + [""] * (width - len(texts))
    return "| " + " | ".join(cells) + " |"


def render_markdown(grid: TableGrid) -> str:
    """Title in bold, header rows, one pipe table (sections are not ruled), then notes."""
    width = grid.n_columns
    out = []
    if grid.title:
        out += [f"**{grid.title}**", ""]
    header = list(grid.header) or [Row(tuple("" for _ in range(width)))]
    out.append(_line(header[0], width))
    align = grid.align or ("l" * grid.stub_columns + "c" * (width - grid.stub_columns))
    marks = {"l": ":---", "c": ":---:", "r": "---:", "X": ":---"}
    out.append("| " + " | ".join(marks[a] for a in align) + " |")
    for row in header[1:]:
        out.append(_line(row, width))
    for section in grid.sections:
        out += [_line(r, width) for r in section]
    if grid.notes:
        out.append("")
        out += [_escape(n) for n in grid.notes]
    return "\n".join(out) + "\n"
