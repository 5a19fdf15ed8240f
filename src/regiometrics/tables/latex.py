"""LaTeX renderer (booktabs). Needs ``\\usepackage{booktabs}`` in the preamble."""

from __future__ import annotations

import re

from regiometrics.tables.grid import Row, TableGrid, group_spans, is_group_row

_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}
_STARS = re.compile(r"^(?P<num>.*?)(?P<stars>\*+)$")


_GREEK = {"θ": "theta", "σ": "sigma", "ρ": "rho", "λ": "lambda", "χ": "chi", "β": "beta",
          "α": "alpha", "γ": "gamma", "δ": "delta", "μ": "mu", "τ": "tau", "×": "times"}
_MATH = re.compile(r"(?P<sym>[%s])(?:\\_(?P<sub>[A-Za-z0-9]+))?(?P<sq>²)?" % "".join(_GREEK))


def escape(text: str) -> str:
    """Escape LaTeX special characters; typeset ``R²``, Greek letters with an optional
    ``_sub`` subscript and square (``σ_u`` -> ``$\\sigma_u$``, ``χ²`` -> ``$\\chi^2$``) and ``×``."""
    out = "".join(_ESCAPES.get(ch, ch) for ch in text)
    out = _MATH.sub(lambda m: "$\\" + _GREEK[m["sym"]] + (f"_{{{m['sub']}}}" if m["sub"] else "")
                    + ("^2" if m["sq"] else "") + "$", out)
    return out.replace("R²", "$R^2$").replace("²", "$^2$")


def _cell(text: str, kind: str) -> str:
    if kind in ("coef", "stat", "indicator") and (m := _STARS.match(text)):
        return f"{escape(m.group('num'))}$^{{{m.group('stars')}}}$"
    return escape(text)


def _row(row: Row, width: int) -> str:
    cells = [_cell(c, row.kind) for c in row.cells]
    cells += [""] * (width - len(cells))
    return " & ".join(cells) + r" \\"


def _group_row(row: Row, width: int) -> tuple[str, str]:
    """A column-group title row: ``\\multicolumn`` per title, ``\\cmidrule`` under each."""
    out, rules = [], []
    for text, first, n in group_spans(row, width):
        cell = _cell(text, row.kind)
        out.append(rf"\multicolumn{{{n}}}{{c}}{{{cell}}}" if n > 1 else cell)
        if text and first > 0:
            rules.append(rf"\cmidrule(lr){{{first + 1}-{first + n}}}")
    return " & ".join(out) + r" \\", " ".join(rules)


def render_latex(grid: TableGrid) -> str:
    """The table as a LaTeX ``table`` environment with a booktabs ``tabular``."""
    width = grid.n_columns
    align = grid.align or ("l" * grid.stub_columns + "c" * (width - grid.stub_columns))
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if grid.title:
        lines.append(rf"\caption{{{escape(grid.title)}}}")
    if grid.label:
        lines.append(rf"\label{{{grid.label}}}")
    lines += [rf"\begin{{tabular}}{{{align}}}", r"\toprule"]
    for i, r in enumerate(grid.header):
        if is_group_row(grid, i):
            text, rules = _group_row(r, width)
            lines += [text] + ([rules] if rules else [])
        else:
            lines.append(_row(r, width))
    for section in grid.sections:
        lines.append(r"\midrule")
        lines += [_row(r, width) for r in section]
    lines += [r"\bottomrule", r"\end{tabular}"]
    if grid.notes:
        lines.append(r"\par\smallskip")
        lines.append(r"\begin{minipage}{0.95\linewidth}\footnotesize")
        lines += [escape(n) + r"\par" for n in grid.notes]
        lines.append(r"\end{minipage}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def latex_document(body: str) -> str:
    """A minimal standalone document around rendered tables (for compiling checks)."""
    return (
        "\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage[margin=2cm]{geometry}\n"
        "\\begin{document}\n" + body + "\\end{document}\n"
    )
