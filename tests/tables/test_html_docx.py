"""HTML and Word renderers: cells, spans, rules and notes read back from the output."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn

from regiometrics.tables import RENDERERS, render_docx, render_html
from regiometrics.tables.grid import Row, TableGrid

GRID = TableGrid(
    id="t9",
    title="Moran's I <by year> & matrix",
    header=(Row(("", "Geographic", "", "Economic", ""), "group"),
            Row(("Year", "ER", "DT", "ER", "DT"), "header")),
    sections=((Row(("2011", "0.213***", "0.198**", "0.301***", "0.05")),
               Row(("", "(2.91)", "(2.40)", "(3.75)", "(0.80)"))),
              (Row(("N", "30", "30", "30", "30"), "stat"),)),
    notes=("z-values in parentheses.", "*** p<0.01, ** p<0.05, * p<0.10."),
)


def test_html_spans_group_titles_and_escapes_text():
    html = render_html(GRID)
    assert "<caption>Moran&#x27;s I &lt;by year&gt; &amp; matrix</caption>" in html
    assert html.count('colspan="2"') == 2 and ">Geographic</th>" in html
    assert html.count("<tbody") == 2
    assert "<td colspan=\"5\" style=\"font-size:small;padding:2px 8px\">*** p&lt;0.01" in html


def _cell_border(cell, side: str) -> str | None:
    borders = cell._tc.get_or_add_tcPr().find(qn("w:tcBorders"))
    edge = None if borders is None else borders.find(qn(f"w:{side}"))
    return None if edge is None else edge.get(qn("w:sz"))


def test_docx_reads_back_with_three_rules_and_merged_titles():
    data = render_docx(GRID)
    assert data == render_docx(GRID)  # fixed dates and zip times: same grid, same bytes
    doc = docx.Document(io.BytesIO(data))
    table = doc.tables[0]
    assert (len(table.rows), len(table.columns)) == (5, 5)
    assert [c.text for c in table.rows[1].cells] == ["Year", "ER", "DT", "ER", "DT"]
    assert [c.text for c in table.rows[2].cells] == ["2011", "0.213***", "0.198**", "0.301***",
                                                     "0.05"]
    top = table.rows[0].cells
    assert top[1]._tc is top[2]._tc and top[3]._tc is top[4]._tc  # merged group titles
    assert _cell_border(top[0], "top") == "12"                      # thick top rule
    assert _cell_border(table.rows[1].cells[0], "bottom") == "4"    # under the header
    assert _cell_border(table.rows[4].cells[0], "top") == "4"       # between sections
    assert _cell_border(table.rows[4].cells[0], "bottom") == "12"   # thick bottom rule
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == GRID.title and texts[-2:] == list(GRID.notes)


@pytest.mark.parametrize(("fmt", "ext", "kind"), [("html", "html", str), ("docx", "docx", bytes)])
def test_formats_are_registered(fmt, ext, kind):
    render, extension = RENDERERS[fmt]
    assert extension == ext and isinstance(render(GRID), kind)
