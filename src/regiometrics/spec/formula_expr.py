"""Expressions inside formula terms: functions, ``I()`` arithmetic and factors.

The formula language is the project's own (:mod:`regiometrics.spec.formula`, decision in
DEPENDENCIES.md); this module reads the pieces a term is made of:

* **functions** ``log(x)``, ``log10(x)``, ``log2(x)``, ``exp(x)``, ``sqrt(x)``, ``abs(x)``
  of any expression;
* **arithmetic** inside ``I()``: ``+ - * /`` and powers ``**`` or ``^`` (``I(x^2)`` is
  ``I(x**2)``), numbers and columns;
* **factors** ``C(region)`` or Stata's ``i.region``; the base (omitted) level is the first
  sorted level (of the estimation sample) unless chosen: ``C(region, base='East')``,
  ``C(year, base=2010)``, Stata's ``ib2.region`` / ``ib(East).region`` / ``ib(first)`` /
  ``ib(last)``, formulaic's ``C(region, Treatment('East'))`` /
  ``C(region, contr.treatment(base='East'))``; ``c.x`` marks a continuous variable (Stata) and is
  the same as ``x``. Whether a factor drops its base level in a term follows R's
  marginality rule (:func:`regiometrics.engine.linear.design.term_columns`).

Column names that are not identifiers go in backticks (```GDP growth```). Expressions are
parsed with :mod:`ast` and only the nodes above are accepted: nothing else is evaluated.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from regiometrics.errors import SpecError

FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "log": np.log, "log10": np.log10, "log2": np.log2, "exp": np.exp, "sqrt": np.sqrt,
    "abs": np.abs, "I": lambda v: v,
}
_BACKTICK = re.compile(r"`([^`]+)`")
_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b,
}


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its normalised text, the columns it reads and the tree."""

    text: str
    columns: tuple[str, ...]
    tree: ast.expr
    placeholders: tuple[tuple[str, str], ...] = ()

    def evaluate(self, lookup: Callable[[str], Any]) -> Any:
        """Value of the expression with ``lookup(column)`` giving each column's values."""
        names = dict(self.placeholders)
        return _eval(self.tree, lambda n: lookup(names.get(n, n)))


def _eval(node: ast.AST, lookup: Callable[[str], Any]) -> Any:
    if isinstance(node, ast.BinOp):
        return _BINOPS[type(node.op)](_eval(node.left, lookup), _eval(node.right, lookup))
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, lookup)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return FUNCTIONS[node.func.id](_eval(node.args[0], lookup))
    if isinstance(node, ast.Name):
        return lookup(node.id)
    if isinstance(node, ast.Constant):  # parse_expression admits numeric constants only
        return float(node.value)  # type: ignore[arg-type]
    raise AssertionError(node)  # parse_expression admits nothing else


def _protect(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Backtick-quoted names -> placeholder identifiers (and the mapping back)."""
    names: list[tuple[str, str]] = []

    def repl(m: re.Match[str]) -> str:
        key = f"__col{len(names)}__"
        names.append((key, m.group(1)))
        return key

    return _BACKTICK.sub(repl, text), tuple(names)


def parse_expression(text: str, *, where: str) -> Expression:
    """Parse a function call or ``I()`` expression (see the module docstring).

    Raises
    ------
    SpecError
        Unknown functions, unsupported syntax, or a function without exactly one argument.
    """
    compact = _compact(text)
    source, placeholders = _protect(compact)
    source = source.replace("^", "**")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError:
        raise SpecError(f"{where}: cannot read the expression {text!r}") from None
    columns: list[str] = []
    names = dict(placeholders)

    def check(node: ast.AST, inside_i: bool) -> None:
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            if not inside_i and not isinstance(node.op, ast.Pow | ast.Div | ast.Mult |
                                                      ast.Add | ast.Sub):
                raise SpecError(f"{where}: unsupported operator in {text!r}")
            check(node.left, inside_i)
            check(node.right, inside_i)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            check(node.operand, inside_i)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                fname = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
                raise SpecError(
                    f"{where}: unknown function {fname!r} in {text!r}; available: "
                    f"{', '.join(sorted(FUNCTIONS))}, C() for factors"
                )
            if len(node.args) != 1 or node.keywords:
                raise SpecError(f"{where}: {node.func.id}() takes one argument in {text!r}")
            check(node.args[0], True)
        elif isinstance(node, ast.Name):
            columns.append(names.get(node.id, node.id))
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not \
                isinstance(node.value, bool):
            pass
        else:
            raise SpecError(
                f"{where}: cannot read {ast.unparse(node)!r} in {text!r}; inside I() write "
                "arithmetic (+ - * / ** or ^) of columns and numbers"
            )

    if not isinstance(tree, ast.Call):
        raise SpecError(f"{where}: cannot read {text!r}; wrap arithmetic in I(), e.g. I(x**2)")
    check(tree, False)
    return Expression(text=compact, columns=tuple(dict.fromkeys(columns)), tree=tree,
                      placeholders=placeholders)


def _compact(text: str) -> str:
    """Whitespace removed outside backticks (the term name as reported)."""
    parts = re.split(r"(`[^`]*`)", text.strip())
    return "".join(p if p.startswith("`") else re.sub(r"\s+", "", p) for p in parts)


@dataclass(frozen=True)
class FactorSpec:
    """A categorical variable: column and optional base level (as written)."""

    column: str
    base: str | None = None


_C_RE = re.compile(r"^C\((?P<col>`[^`]+`|[^\W\d]\w*)(?:,(?:base=)?(?P<base>.+))?\)$")
_I_RE = re.compile(r"^i(?:b(?P<base>\((?:[^()]+)\)|[-\w.]+?))?\.(?P<col>`[^`]+`|[^\W\d]\w*)$")


#: formulaic's and patsy's treatment coding with a chosen base: Treatment('B'),
#: Treatment(reference='B'), contr.treatment(base='B')
_CODING_RE = re.compile(
    r"^(?:Treatment|contr\.treatment)\((?:(?:reference|base)=)?(?P<base>[^()]+)\)$")


def parse_factor(text: str, *, where: str) -> FactorSpec | None:
    """``C(x)``, ``C(x, base='B')``, ``i.x``, ``ib2.x``, ``ib(B).x`` -> :class:`FactorSpec`;
    None when ``text`` is not a factor."""
    compact = _compact(text)
    m = _C_RE.match(compact) or _I_RE.match(compact)
    if m is None:
        if compact.startswith("C(") or re.match(r"^ib?[\w(]", compact) and "." in compact and \
                compact.split(".", 1)[0].startswith(("i", "ib")) and compact[:2] in ("i.", "ib"):
            raise SpecError(
                f"{where}: cannot read the factor {text!r}; write C(x), C(x, base='B'), i.x, "
                "ib2.x or ib(B).x"
            )
        return None
    base = m.group("base")
    if base is not None:
        base = base.strip()
        if base.startswith("(") and base.endswith(")"):
            base = base[1:-1]
        coding = _CODING_RE.match(base)  # formulaic / patsy spellings of the base
        if coding:
            base = coding.group("base")
        elif ",base=" not in compact and ("(" in base or base.startswith(
                ("Sum", "Diff", "Helmert", "Poly", "contr."))):
            raise SpecError(
                f"{where}: cannot read the coding in {text!r}; factors use treatment "
                "contrasts, with the base level chosen as C(x, base='B') (formulaic's "
                "C(x, Treatment('B')) and C(x, contr.treatment(base='B')) are read too)"
            )
        base = base.strip("'\"")
    return FactorSpec(column=m.group("col").strip("`"), base=base)


def factor_levels(values: Any, base: str | None, *, where: str, text: str) -> tuple[list[Any], Any]:
    """Sorted distinct non-missing levels and the base level (the first unless chosen; a
    chosen base matches a level's text, so ``base=2010`` finds the integer 2010)."""
    import pandas as pd

    levels = sorted(pd.unique(pd.Series(values).dropna()))
    if not levels:
        raise SpecError(f"{where}: factor {text!r} has no non-missing values")
    if base is None:
        return levels, levels[0]
    for level in levels:
        if str(level) == base or _same_number(level, base):
            return levels, level
    if base in ("first", "last"):  # Stata's ib(first). / ib(last).: lowest / highest level
        return levels, levels[0] if base == "first" else levels[-1]
    shown = ", ".join(map(str, levels[:10])) + (", ..." if len(levels) > 10 else "")
    example = str(levels[-1]) if len(levels) > 1 else str(levels[0])
    column = text[2:].split(",")[0] if text.startswith("C(") else "x"
    raise SpecError(
        f"{where}: base level {base!r} of {text!r} is not among its levels ({shown}) on the "
        f"estimation sample; name a level as written in the data, e.g. ib({example}).{column} or "
        f"C({column}, base='{example}') (Stata's ib(first) and ib(last) are read too)"
    )


def _same_number(level: Any, base: str) -> bool:
    try:
        return float(level) == float(base)
    except (TypeError, ValueError):
        return False


def lookup_from(frame: Mapping[str, Any]) -> Callable[[str], Any]:
    return lambda name: frame[name]
