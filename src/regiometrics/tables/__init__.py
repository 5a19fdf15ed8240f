"""Publication tables: a format-neutral grid built from Results, and pure renderers."""

from collections.abc import Callable

from regiometrics.tables.descriptive import descriptive_table
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.html import render_html
from regiometrics.tables.latex import latex_document, render_latex
from regiometrics.tables.markdown import render_markdown
from regiometrics.tables.regression import regression_table


def render_docx(grid: TableGrid) -> bytes:
    """The table as a Word document (see :mod:`regiometrics.tables.docx`; python-docx and
    lxml load only when a docx table is written)."""
    from regiometrics.tables.docx import render_docx as render

    return render(grid)


#: Format name -> (renderer of a grid to text or bytes, file extension).
RENDERERS: dict[str, tuple[Callable[[TableGrid], str | bytes], str]] = {
    "latex": (render_latex, "tex"),
    "markdown": (render_markdown, "md"),
    "html": (render_html, "html"),
    "docx": (render_docx, "docx"),
}

__all__ = [
    "RENDERERS", "Row", "TableGrid", "descriptive_table", "latex_document", "regression_table",
    "render_docx", "render_html", "render_latex", "render_markdown",
]
