"""Formula parsing: Wilkinson notation plus Stata-style panel operators.

Grammar (whitespace ignored)::

    formula   := dependent "~" rhs
    rhs       := item ("+" item)*  [ "+" "[" endog ("+" endog)* "~" inst ("+" inst)* "]" ]
    item      := term | term "*" term ...  | "0" | "1" | "-1"
    term      := variable (":" variable)*
    variable  := [operator "."] name
    operator  := "L" [k] | "F" [k] | "D" | "LD" ...

``a*b`` expands to ``a + b + a:b``. ``0`` or ``-1`` removes the intercept (pooled OLS only).
Names are the formula's own and become result term names (``L.DT``, ``DT:INF``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from regiometrics.errors import SpecError

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_VARIABLE_RE = re.compile(rf"^(?:(?P<op>(?:[LFD]\d*)+)\.)?(?P<name>{_NAME})$")
_OP_RE = re.compile(r"([LFD])(\d*)")


@dataclass(frozen=True)
class Variable:
    """A column, possibly under panel operators.

    Attributes
    ----------
    name
        Column name in the panel.
    lag
        Net time shift: positive for lags (``L2.`` gives 2), negative for leads (``F.`` gives -1).
    diff
        Order of differencing (``D.`` gives 1), applied after the shift.
    text
        The variable as written, normalised (``L.x``, ``L2.x``, ``F.x``, ``D.x``).
    """

    name: str
    lag: int = 0
    diff: int = 0
    text: str = ""

    @property
    def is_plain(self) -> bool:
        return self.lag == 0 and self.diff == 0


@dataclass(frozen=True)
class Term:
    """A product of one or more variables (``a`` or ``a:b``)."""

    variables: tuple[Variable, ...]

    @property
    def name(self) -> str:
        return ":".join(v.text for v in self.variables)


@dataclass(frozen=True)
class Formula:
    """A parsed formula.

    Attributes
    ----------
    dependent
        The dependent variable.
    terms
        Right-hand-side terms in order of appearance, duplicates removed.
    intercept
        Whether an intercept is requested (``0``/``-1`` remove it).
    endogenous, instruments
        IV part ``[endog ~ instruments]``; empty tuples when absent.
    text
        The formula as given.
    """

    dependent: Variable
    terms: tuple[Term, ...]
    intercept: bool = True
    endogenous: tuple[Term, ...] = ()
    instruments: tuple[Term, ...] = ()
    text: str = ""

    @property
    def term_names(self) -> list[str]:
        return [t.name for t in self.terms]

    def variables(self) -> list[Variable]:
        """Every variable the formula needs, dependent first, without duplicates."""
        seen: dict[str, Variable] = {self.dependent.text: self.dependent}
        for term in (*self.terms, *self.endogenous, *self.instruments):
            for v in term.variables:
                seen.setdefault(v.text, v)
        return list(seen.values())

    def columns(self) -> list[str]:
        """Panel columns the formula reads."""
        return list(dict.fromkeys(v.name for v in self.variables()))


def parse_variable(text: str, *, where: str = "formula") -> Variable:
    """Parse ``L2.x`` style text into a :class:`Variable`."""
    text = text.strip()
    m = _VARIABLE_RE.match(text)
    if not m:
        raise SpecError(
            f"{where}: cannot read variable {text!r}; expected a column name, optionally "
            "with a panel operator such as L.x, L2.x, F.x or D.x"
        )
    lag = diff = 0
    op_text = m.group("op") or ""
    for letter, digits in _OP_RE.findall(op_text):
        k = int(digits) if digits else 1
        if letter == "L":
            lag += k
        elif letter == "F":
            lag -= k
        else:
            diff += k
    name = m.group("name")
    return Variable(name=name, lag=lag, diff=diff, text=_canonical(name, lag, diff))


def _canonical(name: str, lag: int, diff: int) -> str:
    prefix = ""
    if lag > 0:
        prefix += "L" if lag == 1 else f"L{lag}"
    elif lag < 0:
        prefix += "F" if lag == -1 else f"F{-lag}"
    if diff:
        prefix += "D" if diff == 1 else f"D{diff}"
    return f"{prefix}.{name}" if prefix else name


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside square brackets."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _expand_item(item: str, where: str) -> list[Term]:
    factors = [f for f in item.split("*")]
    if any(not f.strip() for f in factors):
        raise SpecError(f"{where}: empty factor in {item!r}")
    parsed = [
        tuple(parse_variable(v, where=where) for v in f.split(":")) for f in factors
    ]
    terms: list[Term] = []
    for size in range(1, len(parsed) + 1):
        for combo in combinations(parsed, size):
            variables: tuple[Variable, ...] = tuple(v for group in combo for v in group)
            terms.append(Term(variables))
    return terms


def _parse_terms(rhs: str, where: str) -> tuple[list[Term], bool]:
    terms: list[Term] = []
    intercept = True
    rhs = rhs.replace("-1", "+0").replace("- 1", "+0")
    if "-" in rhs:
        raise SpecError(f"{where}: '-' is only allowed as '-1' (no intercept); got {rhs!r}")
    for raw in _split_top(rhs, "+"):
        item = raw.strip()
        if not item:
            raise SpecError(f"{where}: empty term in {rhs!r} (two '+' in a row?)")
        if item == "0":
            intercept = False
            continue
        if item == "1":
            continue
        for term in _expand_item(item, where):
            if term.name not in {t.name for t in terms}:
                terms.append(term)
    return terms, intercept


def parse_formula(text: str, *, where: str = "formula") -> Formula:
    """Parse a model formula.

    Parameters
    ----------
    text
        E.g. ``"ER ~ DT + L.DT + DT:INF + [DT ~ IVNQ]"``.
    where
        Location for error messages (``spec.yaml: models.m1.formula``).

    Raises
    ------
    SpecError
        With the location and what was expected.
    """
    if text.count("~") < 1:
        raise SpecError(f"{where}: a formula needs 'dependent ~ regressors'; got {text!r}")
    lhs, rhs = text.split("~", 1)
    dependent = parse_variable(lhs, where=where)
    endog: list[Term] = []
    inst: list[Term] = []
    if "[" in rhs or "]" in rhs:
        m = re.search(r"\[([^\]]*)\]", rhs)
        if not m or rhs.count("[") != 1 or rhs.count("]") != 1:
            raise SpecError(
                f"{where}: the IV part must be one bracket '[endogenous ~ instruments]'; got {text!r}"
            )
        inner = m.group(1)
        if inner.count("~") != 1:
            raise SpecError(f"{where}: inside brackets write 'endogenous ~ instruments'; got [{inner}]")
        e_text, i_text = inner.split("~")
        endog, _ = _parse_terms(e_text, where)
        inst, _ = _parse_terms(i_text, where)
        rhs = (rhs[: m.start()] + rhs[m.end():]).strip().rstrip("+").strip()
        rhs = re.sub(r"\+\s*\+", "+", rhs).strip().lstrip("+").strip()
    elif "~" in rhs:
        raise SpecError(f"{where}: more than one '~' in {text!r}")
    terms, intercept = _parse_terms(rhs, where) if rhs.strip() else ([], True)
    if not terms and not endog:
        raise SpecError(f"{where}: no regressors on the right of '~' in {text!r}")
    return Formula(
        dependent=dependent,
        terms=tuple(terms),
        intercept=intercept,
        endogenous=tuple(endog),
        instruments=tuple(inst),
        text=text,
    )
