"""LaTeX renderer (booktabs). The packages a table needs are in :data:`PREAMBLE` (the README
prints the same lines).

A table fits the page by default: a ``tabular`` wider than the text is scaled down to the
text width (``fit: shrink``, with graphicx's ``\\resizebox``), a grid with wrapping text
columns (align ``X``) is a ``tabularx`` of the text width, a grid with more than
:data:`~regiometrics.tables.grid.LONG_ROWS` body rows is a ``longtable`` that breaks across
pages, and notes are set at the table's width under it (as a threeparttable would;
``notes_style: threeparttable`` uses the package itself, which the preamble must then load).
``landscape`` turns the page (pdflscape), ``font_size`` sets the size, and ``style:
three_line`` draws exactly three full rules.
"""

from __future__ import annotations

import re
from dataclasses import replace

from regiometrics.tables.grid import LONG_ROWS, Row, TableGrid, group_spans, is_group_row

#: The preamble every rendered table compiles in (the README's ```latex block).
PREAMBLE = (
    "\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\usepackage{array}\n"
    "\\usepackage{tabularx}\n\\usepackage{longtable}\n\\usepackage{pdflscape}\n"
)

_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}
_STARS = re.compile(r"^(?P<num>.*?)(?P<stars>\*+)$")


_GREEK = {"θ": "theta", "σ": "sigma", "ρ": "rho", "λ": "lambda", "χ": "chi", "β": "beta",
          "α": "alpha", "γ": "gamma", "δ": "delta", "μ": "mu", "τ": "tau", "×": "times",
          "Δ": "Delta", "Σ": "Sigma"}
_MATH = re.compile("(?P<sym>[" + "".join(_GREEK) + r"])(?:\\_(?P<sub>[A-Za-z0-9]+))?(?P<sq>²)?")
_SYMBOLS = {"✓": r"$\surd$", "–": "--", "—": "---", "≤": r"$\leq$", "≥": r"$\geq$",
            "−": "--"}
_WRAP = r">{\raggedright\arraybackslash\hspace{0pt}}"  # hspace: the first word may hyphenate


def escape(text: str) -> str:
    """Escape LaTeX special characters; typeset ``R²``, Greek letters with an optional
    ``_sub`` subscript and square (``σ_u`` -> ``$\\sigma_u$``, ``χ²`` -> ``$\\chi^2$``) and ``×``."""
    out = "".join(_ESCAPES.get(ch, ch) for ch in text)
    out = _MATH.sub(lambda m: "$\\" + _GREEK[m["sym"]] + (f"_{{{m['sub']}}}" if m["sub"] else "")
                    + ("^2" if m["sq"] else "") + "$", out)
    for sym, tex in _SYMBOLS.items():
        out = out.replace(sym, tex)
    return out.replace("R²", "$R^2$").replace("²", "$^2$")


def _cell(text: str, kind: str) -> str:
    if kind in ("coef", "stat", "indicator") and (m := _STARS.match(text)):
        return f"{escape(m.group('num'))}$^{{{m.group('stars')}}}$"
    return escape(text)


def _row(row: Row, width: int) -> str:
    cells = [_cell(c, row.kind) for c in row.cells]
    cells += [""] * (width - len(cells))
    return " & ".join(cells) + r" \\"


def _group_row(row: Row, width: int) -> list[str]:
    """A column-group title row: ``\\multicolumn`` per title, ``\\cmidrule`` under each."""
    out, rules = [], []
    for text, first, n in group_spans(row, width):
        cell = _cell(text, row.kind)
        out.append(rf"\multicolumn{{{n}}}{{c}}{{{cell}}}" if n > 1 else cell)
        if text and first > 0:
            rules.append(rf"\cmidrule(lr){{{first + 1}-{first + n}}}")
    return [" & ".join(out) + r" \\"] + ([" ".join(rules)] if rules else [])


def _header_lines(grid: TableGrid, width: int) -> list[str]:
    lines = []
    for i, r in enumerate(grid.header):
        lines += _group_row(r, width) if is_group_row(grid, i) else [_row(r, width)]
    return lines


def _body_lines(grid: TableGrid, width: int) -> list[str]:
    """Sections, with a rule between them unless the style is ``three_line``."""
    lines: list[str] = []
    for k, section in enumerate(grid.sections):
        if k > 0 and grid.layout.style != "three_line":
            lines.append(r"\midrule")
        lines += [_row(r, width) for r in section]
    return lines


def _colspec(grid: TableGrid, width: int, *, long: bool) -> str:
    """Column types; a wrapping column ``X`` becomes tabularx's ``X`` or, in a longtable
    (which tabularx cannot break), a ``p{}`` column sharing 80% of the line width."""
    align = grid.align or ("l" * grid.stub_columns + "c" * (width - grid.stub_columns))
    share = 0.8 / max(1, align.count("X"))
    return "".join(
        (f"{_WRAP}p{{{share:.3f}\\linewidth}}" if long else f"{_WRAP}X") if a == "X" else a
        for a in align
    )


def _notes(grid: TableGrid, width: str) -> list[str]:
    if not grid.notes:
        return []
    return [r"\par\smallskip", rf"\noindent\begin{{minipage}}{{{width}}}\footnotesize\raggedright"] \
        + [escape(n) + r"\par" for n in grid.notes] + [r"\end{minipage}"]


def _is_long(grid: TableGrid) -> bool:
    if grid.layout.longtable is not None:
        return grid.layout.longtable
    return sum(len(s) for s in grid.sections) > LONG_ROWS


def _longtable(grid: TableGrid, width: int) -> list[str]:
    """A longtable: caption and header on the first page, the header repeated on the next."""
    head = _header_lines(grid, width)
    lines = [rf"\begin{{longtable}}{{{_colspec(grid, width, long=True)}}}"]
    if grid.title:
        label = rf"\label{{{grid.label}}}" if grid.label else ""
        lines.append(rf"\caption{{{escape(grid.title)}}}{label} \\")
    lines += [r"\toprule", *head, r"\midrule", r"\endfirsthead", r"\toprule", *head, r"\midrule",
              r"\endhead", r"\bottomrule", r"\endlastfoot"]
    lines += _body_lines(grid, width)
    lines.append(r"\end{longtable}")
    return lines + _notes(grid, r"\linewidth")


def _float(grid: TableGrid, width: int) -> list[str]:
    """A ``table`` float; a wide tabular shrinks to the text width, notes at the table width."""
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if grid.layout.font_size:
        lines.append(f"\\{grid.layout.font_size}")
    if grid.title:
        lines.append(rf"\caption{{{escape(grid.title)}}}")
    if grid.label:
        lines.append(rf"\label{{{grid.label}}}")
    rows = [r"\toprule", *_header_lines(grid, width), r"\midrule", *_body_lines(grid, width),
            r"\bottomrule"]
    spec = _colspec(grid, width, long=False)
    if "X" in spec:
        lines += [rf"\begin{{tabularx}}{{\linewidth}}{{{spec}}}", *rows, r"\end{tabularx}"]
        return lines + _notes(grid, r"\linewidth") + [r"\end{table}"]
    tabular = [rf"\begin{{tabular}}{{{spec}}}", *rows, r"\end{tabular}"]
    if grid.layout.notes_style == "threeparttable":
        tabular = [r"\begin{threeparttable}", *tabular]
        if grid.notes:
            tabular += [r"\begin{tablenotes}[flushleft]", r"\footnotesize"]
            tabular += [rf"\item {escape(n)}" for n in grid.notes] + [r"\end{tablenotes}"]
        tabular.append(r"\end{threeparttable}")
        grid = replace(grid, notes=())  # set inside the threeparttable
    if grid.layout.fit == "none":
        return lines + tabular + _notes(grid, r"\linewidth") + [r"\end{table}"]
    lines += [
        r"\ifdefined\RMtablebox\else\newsavebox{\RMtablebox}\newlength{\RMnoteswidth}\fi",
        r"\sbox{\RMtablebox}{%", *tabular, "}%",
        r"\setlength{\RMnoteswidth}{\wd\RMtablebox}%",
        r"\ifdim\RMnoteswidth<0.6\linewidth\setlength{\RMnoteswidth}{0.6\linewidth}\fi",
        r"\ifdim\RMnoteswidth>\linewidth\setlength{\RMnoteswidth}{\linewidth}\fi",
        r"\ifdim\wd\RMtablebox>\linewidth\resizebox{\linewidth}{!}{\usebox{\RMtablebox}}%",
        r"\else\usebox{\RMtablebox}\fi",
    ]
    return lines + _notes(grid, r"\RMnoteswidth") + [r"\end{table}"]


def render_latex(grid: TableGrid) -> str:
    """The table as LaTeX: a ``table`` float (or a ``longtable``) with booktabs rules."""
    width = grid.n_columns
    if _is_long(grid):
        # a longtable cannot be scaled: with fit: shrink its columns sit closer (4pt, not 6pt)
        size = [f"\\{grid.layout.font_size}"] if grid.layout.font_size else []
        narrow = [r"\setlength{\tabcolsep}{4pt}"] if grid.layout.fit == "shrink" else []
        lines = ["\\begingroup", *size, *narrow, *_longtable(grid, width), "\\endgroup"]
    else:
        lines = _float(grid, width)
    if grid.layout.landscape:
        lines = [r"\begin{landscape}", *lines, r"\end{landscape}"]
    return "\n".join(lines) + "\n"


def latex_document(body: str, *, preamble: str = PREAMBLE) -> str:
    """A standalone ``article`` around rendered tables (for compiling checks)."""
    return "\\documentclass{article}\n" + preamble + "\\begin{document}\n" + body \
        + "\\end{document}\n"
