"""HTML renderer: a ``<table>`` fragment with a caption, a header, one ``<tbody>`` per section
and the notes in a ``<tfoot>``, styled by a small inline stylesheet: thick top and bottom
rules, a thin rule under the header and (``style: booktabs``) between sections; ``style:
three_line`` draws only the three full rules."""

from __future__ import annotations

from html import escape

from regiometrics.tables.grid import Row, TableGrid, group_spans, is_group_row

_STYLE = (
    "border-collapse:collapse;border-top:2px solid black;border-bottom:2px solid black;"
    "font-family:serif"
)


def _cells(row: Row, width: int, tag: str) -> str:
    cells = list(row.cells) + [""] * (width - len(row.cells))
    out = []
    for j, text in enumerate(cells):
        align = "left" if j == 0 else "center"
        out.append(f'<{tag} style="text-align:{align};padding:2px 8px">{escape(text)}</{tag}>')
    return "<tr>" + "".join(out) + "</tr>"


def _group_cells(row: Row, width: int) -> str:
    out = []
    for text, first, n in group_spans(row, width):
        rule = "border-bottom:1px solid black;" if text and first > 0 else ""
        span = f' colspan="{n}"' if n > 1 else ""
        out.append(f'<th{span} style="text-align:center;padding:2px 8px;{rule}">'
                   f"{escape(text)}</th>")
    return "<tr>" + "".join(out) + "</tr>"


def render_html(grid: TableGrid) -> str:
    """The table as an HTML fragment (paste into a page or open in a word processor)."""
    width = grid.n_columns
    lines = [f'<table id="{escape(grid.id)}" style="{_STYLE}">']
    if grid.title:
        lines.append(f"<caption>{escape(grid.title)}</caption>")
    lines.append('<thead style="border-bottom:1px solid black">')
    for i, row in enumerate(grid.header):
        lines.append(_group_cells(row, width) if is_group_row(grid, i) else _cells(row, width, "th"))
    lines.append("</thead>")
    for k, section in enumerate(grid.sections):
        ruled = k > 0 and grid.layout.style != "three_line"
        rule = ' style="border-top:1px solid black"' if ruled else ""
        lines.append(f"<tbody{rule}>")
        lines += [_cells(row, width, "td") for row in section]
        lines.append("</tbody>")
    if grid.notes:
        lines.append("<tfoot>")
        lines += [f'<tr><td colspan="{width}" style="font-size:small;padding:2px 8px">'
                  f"{escape(note)}</td></tr>" for note in grid.notes]
        lines.append("</tfoot>")
    lines.append("</table>")
    return "\n".join(lines) + "\n"
