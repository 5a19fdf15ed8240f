"""Publication tables: a format-neutral grid built from Results, and pure renderers."""

from regiometrics.tables.descriptive import descriptive_table
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.latex import latex_document, render_latex
from regiometrics.tables.markdown import render_markdown
from regiometrics.tables.regression import regression_table

RENDERERS = {"latex": (render_latex, "tex"), "markdown": (render_markdown, "md")}

__all__ = [
    "RENDERERS", "Row", "TableGrid", "descriptive_table", "latex_document", "regression_table",
    "render_latex", "render_markdown",
]
