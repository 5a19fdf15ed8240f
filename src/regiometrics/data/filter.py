"""A restricted filter language over panel columns, never evaluated as Python.

Allowed: column names, numbers, strings, ``True``/``False``, lists/tuples of
constants, comparisons (``== != < <= > >=``, ``in``, ``not in``, chained),
``and``/``or``/``not`` and parentheses. Anything else (calls, attributes,
arithmetic, subscripts) is refused with a :class:`SpecError`.
"""

from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from regiometrics.errors import SpecError

_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
}


def filter_columns(expression: str) -> list[str]:
    """Column names an expression reads."""
    tree = _parse(expression)
    return sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - {"True", "False"})


def evaluate_filter(expression: str, frame: pd.DataFrame, *, where: str = "filter") -> pd.Series:
    """Boolean mask of the rows of ``frame`` that satisfy ``expression``.

    Raises
    ------
    SpecError
        On syntax outside the allowed language or an unknown column.
    """
    tree = _parse(expression, where)
    mask = _eval(tree.body, frame, expression, where)
    if not isinstance(mask, pd.Series):
        mask = pd.Series(bool(mask), index=frame.index)
    return mask.fillna(False).astype(bool)


def _parse(expression: str, where: str = "filter") -> ast.Expression:
    try:
        return ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise SpecError(f"{where}: cannot parse {expression!r}: {exc.msg}") from None


def _constant(node: ast.AST, expression: str, where: str) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _constant(node.operand, expression, where)
        if isinstance(value, (int, float)):
            return -value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_constant(e, expression, where) for e in node.elts]
    raise SpecError(_refuse(node, expression, where))


def _refuse(node: ast.AST, expression: str, where: str) -> str:
    return (
        f"{where}: {type(node).__name__.lower()} is not allowed in {expression!r}; a filter may use "
        "column names, numbers, strings, lists, comparisons (== != < <= > >= in, not in) "
        "and and/or/not"
    )


def _eval(node: ast.AST, frame: pd.DataFrame, expression: str, where: str) -> Any:
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, frame, expression, where) for v in node.values]
        combine = operator.and_ if isinstance(node.op, ast.And) else operator.or_
        out = values[0]
        for v in values[1:]:
            out = combine(out, v)
        return out
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return ~_as_bool(_eval(node.operand, frame, expression, where))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, frame, expression, where)
        result: Any = None
        for op, comparator in zip(node.ops, node.comparators):
            right = _eval(comparator, frame, expression, where)
            if isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(right, list):
                    raise SpecError(f"{where}: 'in' needs a list on its right in {expression!r}")
                part = _isin(left, right)
                part = ~part if isinstance(op, ast.NotIn) else part
            elif type(op) in _COMPARE:
                try:
                    part = _COMPARE[type(op)](left, right)
                except TypeError:
                    raise SpecError(_type_mismatch(left, right, op, expression, where)) from None
            else:
                raise SpecError(_refuse(op, expression, where))
            result = part if result is None else (result & part)
            left = right
        return result
    if isinstance(node, ast.Name):
        if node.id in ("True", "False"):
            return node.id == "True"
        if node.id not in frame.columns:
            close = difflib.get_close_matches(node.id, [str(c) for c in frame.columns], n=3)
            hint = f"; closest columns: {', '.join(close)}" if close else ""
            raise SpecError(f"{where}: unknown column {node.id!r} in {expression!r}{hint}")
        return frame[node.id]
    return _constant(node, expression, where)


def _type_mismatch(left: Any, right: Any, op: ast.cmpop, expression: str, where: str) -> str:
    """The message for a comparison of a column with a value of another type."""
    symbol = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}.get(type(op), "==")

    def kind(value: Any) -> str:
        if isinstance(value, pd.Series):
            numeric = pd.api.types.is_numeric_dtype(value)
            return f"column {value.name!r} ({'numbers' if numeric else 'text'})"
        return f"{value!r} ({'text' if isinstance(value, str) else 'a number'})"

    return (
        f"{where}: cannot compare {kind(left)} {symbol} {kind(right)} in {expression!r}; "
        "compare text columns with quoted text (region == 'West') and number columns with "
        "numbers (year >= 2010)"
    )


def _isin(left: Any, values: Iterable[Any]) -> Any:
    if isinstance(left, pd.Series):
        return left.isin(list(values))
    return np.bool_(left in list(values))


def _as_bool(value: Any) -> Any:
    return value.astype(bool) if isinstance(value, pd.Series) else bool(value)
