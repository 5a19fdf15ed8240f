"""Word (.docx) renderer: thick top and bottom rules, a thin rule under the header and
(``style: booktabs``) between sections; ``style: three_line`` draws only the three full
rules. Caption above and notes below, via python-docx.

The file is written with fixed zip timestamps and document dates, so the same grid gives
the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from regiometrics.tables.grid import Row, TableGrid, group_spans, is_group_row

_FIXED = datetime(2000, 1, 1)
_THICK, _THIN = 12, 4  # eighths of a point


def _border(cell, side: str, size: int) -> None:
    """Set one border of a table cell (``top`` or ``bottom``)."""
    props = cell._tc.get_or_add_tcPr()
    borders = props.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        props.append(borders)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:color"), "000000")
    borders.append(edge)


def _write(cell, text: str, *, first: bool, size: float = 10) -> None:
    para = cell.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.LEFT if first else WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(text)
    run.font.size = Pt(size)


def _row_cells(table, index: int, row: Row, width: int) -> list:
    cells = table.rows[index].cells
    texts = list(row.cells) + [""] * (width - len(row.cells))
    for j, text in enumerate(texts):
        _write(cells[j], text, first=j == 0)
    return list(cells)


def _group_cells(table, index: int, row: Row, width: int) -> list:
    cells = table.rows[index].cells
    for text, first, n in group_spans(row, width):
        cell = cells[first].merge(cells[first + n - 1]) if n > 1 else cells[first]
        _write(cell, text, first=first == 0)
        if text and first > 0:
            _border(cell, "bottom", _THIN)
    return list(table.rows[index].cells)


def _stable_bytes(doc) -> bytes:
    doc.core_properties.created = _FIXED
    doc.core_properties.modified = _FIXED
    doc.core_properties.last_printed = _FIXED
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_docx(grid: TableGrid) -> bytes:
    """The table as a Word document (bytes of a .docx file)."""
    width = grid.n_columns
    rows = [*grid.header, *(r for s in grid.sections for r in s)]
    doc = Document()
    if grid.title:
        doc.add_paragraph().add_run(grid.title).bold = True
    table = doc.add_table(rows=len(rows), cols=width)
    header_cells: list = []
    for i, row in enumerate(grid.header):
        header_cells = (_group_cells if is_group_row(grid, i) else _row_cells)(table, i, row, width)
    index = len(grid.header)
    for k, section in enumerate(grid.sections):
        for r, row in enumerate(section):
            cells = _row_cells(table, index, row, width)
            if k > 0 and r == 0 and grid.layout.style != "three_line":
                for cell in cells:
                    _border(cell, "top", _THIN)
            index += 1
    for cell in table.rows[0].cells:
        _border(cell, "top", _THICK)
    for cell in header_cells:
        _border(cell, "bottom", _THIN)
    for cell in table.rows[-1].cells:
        _border(cell, "bottom", _THICK)
    for note in grid.notes:
        doc.add_paragraph().add_run(note).font.size = Pt(8)
    return _stable_bytes(doc)
