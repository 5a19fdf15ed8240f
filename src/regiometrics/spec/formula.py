"""Formula parsing: Wilkinson notation plus Stata-style panel operators.

Grammar (whitespace ignored)::

    formula   := dependent "~" rhs
    rhs       := item ("+" item)*  [ "+" "[" endog ("+" endog)* "~" inst ("+" inst)* "]" ]
    item      := term | term "*" term ...  | "0" | "1" | "-1"
    term      := variable (":" variable)*
    variable  := [operator "."] (name | function "(" expression ")") | factor | "c." name
    operator  := "L" [k] | "F" [k] | "D" | "LD" ... (Stata's lowercase l. f. d. too)
    name      := identifier | "`" any text without backticks "`"
    function  := "log" | "log10" | "log2" | "exp" | "sqrt" | "abs" | "I"
    factor    := "C(" name ["," ["base="] level] ")" | "i." name | "ib" level "." name

Stata's ``#`` is ``:`` and ``##`` is ``*``. Expressions and factors are read by
:mod:`regiometrics.spec.formula_expr`.

``a*b`` expands to ``a + b + a:b``. ``0`` or ``-1`` removes the intercept (pooled OLS only).
Names are the formula's own and become result term names (``L.DT``, ``DT:INF``).

An identifier is a letter or ``_`` followed by letters, digits or ``_``; letters may be any
Unicode letters (``Bevölkerung``, ``人均GDP``). Any other column name is written between
backticks (```gdp growth```, ```L.gdp growth``` is its lag); the term name is the column
name itself (``gdp growth``, ``L.gdp growth``), so results stay readable.

A product of ``k`` factors expands to :math:`2^k - 1` terms; a formula expanding to more
than :data:`MAX_TERMS` terms is refused before anything is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from regiometrics.errors import SpecError
from regiometrics.spec.formula_expr import (
    Expression,
    FactorSpec,
    parse_expression,
    parse_factor,
)

_NAME = r"[^\W\d]\w*"  # a Unicode identifier: a letter or '_', then letters, digits, '_'
_NAME_RE = re.compile(_NAME)
_VARIABLE_RE = re.compile(
    rf"^(?:(?P<op>(?:[LFDlfd]\d*)+)\.)?(?:`(?P<quoted>[^`]+)`|(?P<name>{_NAME}))$"
)
_OP_RE = re.compile(r"([LFDlfd])(\d*)")  # Stata reads l.x, d.x, f.x too

#: Most right-hand-side terms a formula may expand to (a product of k factors gives
#: 2^k - 1); beyond this a formula is almost surely a mistake and would take minutes.
MAX_TERMS = 200

#: Characters with a meaning in formulas, replaced inside backticks by private-use code
#: points while the formula is split, and restored in names and messages.
_SPECIAL = "+*:~[]-"
_MASK = {ch: chr(0xE000 + i) for i, ch in enumerate(_SPECIAL)}
_UNMASK = str.maketrans({v: k for k, v in _MASK.items()})


def _show(masked: str) -> str:
    """``repr`` of formula text with the names inside backticks restored."""
    return repr(masked.translate(_UNMASK))


def quote_name(name: str) -> str:
    """``name`` as written in a formula: bare if an identifier, else between backticks."""
    return name if _NAME_RE.fullmatch(name) else f"`{name}`"


def _mask_quoted(text: str, where: str) -> str:
    """``text`` with the formula characters inside backtick-quoted names masked."""
    parts = text.split("`")
    if len(parts) % 2 == 0:
        raise SpecError(
            f"{where}: unmatched backtick in {text!r}; quote a column name whole, "
            "as in `gdp growth`"
        )
    for i in range(1, len(parts), 2):
        if not parts[i]:
            raise SpecError(f"{where}: empty backtick quotes `` in {text!r}")
        parts[i] = "".join(_MASK.get(ch, ch) for ch in parts[i])
    return "`".join(parts)


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
    expr: Expression | None = None
    factor: FactorSpec | None = None

    @property
    def is_plain(self) -> bool:
        return self.lag == 0 and self.diff == 0 and self.expr is None

    @property
    def columns(self) -> tuple[str, ...]:
        """The panel columns the variable reads."""
        return self.expr.columns if self.expr is not None else (self.name,)

    @property
    def source(self) -> str:
        """The variable as formula text that parses back to it (names quoted if needed)."""
        if self.expr is not None or self.factor is not None:
            return self.text
        return _canonical(quote_name(self.name), self.lag, self.diff)


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
        return list(dict.fromkeys(c for v in self.variables() for c in v.columns))


_OPS_PREFIX_RE = re.compile(r"^(?P<op>(?:[LFDlfd]\d*)+)\.(?P<rest>.+)$")
_OP_RANGE_RE = re.compile(r"^(?P<op>[LFDlfd])\((?P<lo>\d+)/(?P<hi>\d+)\)\.(?P<rest>.+)$")
_BACKTICK_NAME_RE = re.compile(r"^`(?P<name>[^`]+)`$")


def parse_variable(text: str, *, where: str = "formula") -> Variable:
    """Parse one factor of a term: ``x``, ``L2.x``, ``log(x)``, ``L.log(x)``, ``I(x**2)``,
    ``C(region)``, ``i.region``, ``c.x`` or a backtick-quoted column (see
    :mod:`regiometrics.spec.formula_expr`)."""
    text = text.strip().translate(_UNMASK)
    if text.startswith("c.") and not text.startswith("c.("):
        text = text[2:]  # Stata's continuous marker
    factor = parse_factor(text, where=where)
    if factor is not None:
        shown = f"C({factor.column})" if factor.base is None else \
            f"C({factor.column},base={factor.base})"
        return Variable(name=factor.column, text=shown, factor=factor)
    m = _VARIABLE_RE.match(text)
    if m:
        lag, diff = _ops(m.group("op") or "")
        name = m.group("name") or m.group("quoted")
        return Variable(name=name, lag=lag, diff=diff, text=_canonical(name, lag, diff))
    ranged = _OP_RANGE_RE.match(text.replace(" ", ""))
    if ranged:
        op, lo, hi = ranged.group("op").upper(), int(ranged.group("lo")), int(ranged.group("hi"))
        one = [f"{op}{k if k > 1 else ''}.{ranged.group('rest')}" if k else ranged.group("rest")
               for k in range(lo, max(lo, hi) + 1)]
        raise SpecError(
            f"{where}: Stata's operator range {text!r} is not read; write each term: "
            f"{' + '.join(one)}"
        )
    ops = _OPS_PREFIX_RE.match(text)
    op_text, rest = (ops.group("op"), ops.group("rest")) if ops else ("", text)
    lag, diff = _ops(op_text)
    quoted = _BACKTICK_NAME_RE.match(rest.strip())
    if quoted:
        name = quoted.group("name")
        return Variable(name=name, lag=lag, diff=diff, text=_canonical(name, lag, diff))
    if "(" in rest:
        if parse_factor(rest, where=where) is not None:
            raise SpecError(f"{where}: a panel operator cannot apply to the factor {rest!r}")
        expr = parse_expression(rest, where=where)
        return Variable(name=expr.text, lag=lag, diff=diff,
                        text=_canonical(expr.text, lag, diff), expr=expr)
    if "^" in rest:
        raise SpecError(
            f"{where}: cannot read {text!r}; for a power write I({rest}) or I({rest.replace('^', '**')})"
            " (in R formulas x^2 means interactions up to order 2, not the square)"
        )
    raise SpecError(
        f"{where}: cannot read variable {text!r}; expected a column name (backtick-quoted if it "
        "has spaces), optionally with a panel operator such as L.x, L2.x, F.x or D.x, a "
        "function log(x), exp(x), sqrt(x), abs(x), I(arithmetic), or a factor C(x) / i.x"
    )


def _ops(op_text: str) -> tuple[int, int]:
    lag = diff = 0
    for letter, digits in _OP_RE.findall(op_text):
        k = int(digits) if digits else 1
        letter = letter.upper()
        if letter == "L":
            lag += k
        elif letter == "F":
            lag -= k
        else:
            diff += k
    return lag, diff


def parse_term(text: str, *, where: str = "formula") -> Term:
    """Parse a product of variables such as ``a:L.b`` (names quoted as in formulas)."""
    masked = _mask_quoted(str(text), where)
    try:
        return Term(tuple(parse_variable(v, where=where) for v in masked.split(":")))
    except SpecError as exc:
        raise SpecError(str(exc).translate(_UNMASK)) from None


def _canonical(name: str, lag: int, diff: int) -> str:
    prefix = ""
    if lag > 0:
        prefix += "L" if lag == 1 else f"L{lag}"
    elif lag < 0:
        prefix += "F" if lag == -1 else f"F{-lag}"
    if diff:
        prefix += "D" if diff == 1 else f"D{diff}"
    return f"{prefix}.{name}" if prefix else name


def _top_level(text: str) -> list[bool]:
    """For each character, whether it stands outside brackets, parentheses and backticks."""
    flags, depth, quoted = [], 0, False
    for ch in text:
        if ch == "`":
            quoted = not quoted
        elif not quoted and ch in "[(":
            depth += 1
        elif not quoted and ch in "])":
            depth -= 1
        flags.append(depth == 0 and not quoted)
    return flags


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets, parentheses and backticks."""
    parts: list[str] = []
    current: list[str] = []
    for ch, top in zip(text, _top_level(text)):
        if ch == sep and top:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _expand_item(item: str, where: str) -> list[Term]:
    item = _stata_interactions(item)
    if "**" in "".join(ch if top else " " for ch, top in zip(item, _top_level(item))):
        base, power = (p.strip() for p in item.split("**", 1))
        raise SpecError(
            f"{where}: cannot read {_show(item.strip())}; for a power write I({base}**{power}) "
            "(outside I() '*' means interactions)"
        )
    factors = _split_top(item, "*")
    if any(not f.strip() for f in factors):
        raise SpecError(f"{where}: empty factor in {_show(item)}")
    if 2 ** len(factors) - 1 > MAX_TERMS:
        raise SpecError(
            f"{where}: {_show(item.strip())} is a product of {len(factors)} factors and expands "
            f"to {2 ** len(factors) - 1} terms (2^{len(factors)} - 1); at most {MAX_TERMS} terms "
            "are allowed; write the interactions you need with ':' instead"
        )
    parsed = [
        tuple(parse_variable(v, where=where) for v in _split_top(f, ":")) for f in factors
    ]
    terms: list[Term] = []
    for size in range(1, len(parsed) + 1):
        for combo in combinations(parsed, size):
            variables: tuple[Variable, ...] = tuple(v for group in combo for v in group)
            terms.append(Term(variables))
    return terms


def _stata_interactions(item: str) -> str:
    """Stata's ``a##b`` (full factorial) -> ``a*b`` and ``a#b`` -> ``a:b``, at top level."""
    out, top, i = [], _top_level(item), 0
    while i < len(item):
        ch = item[i]
        if ch == "#" and top[i]:
            if item[i:i + 2] == "##":
                out.append("*")
                i += 2
                continue
            out.append(":")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _drop_intercept(rhs: str, where: str) -> tuple[str, bool]:
    """Top-level ``- 1`` (or ``-1``) removes the intercept; any other top-level '-' is refused."""
    pieces = _split_top(rhs, "-")
    if len(pieces) == 1:
        return rhs, True
    kept = [pieces[0]]
    for piece in pieces[1:]:
        head, *tail = _split_top(piece, "+")
        if head.strip() != "1":
            raise SpecError(f"{where}: '-' is only allowed as '-1' (no intercept); got {_show(rhs)}")
        kept.extend(tail)
    return "+".join(p for p in kept if p.strip()) or "", False


def _parse_terms(rhs: str, where: str) -> tuple[list[Term], bool]:
    terms: list[Term] = []
    rhs, intercept = _drop_intercept(rhs, where)
    seen: set[str] = set()
    for raw in _split_top(rhs, "+"):
        item = raw.strip()
        if not item:
            raise SpecError(f"{where}: empty term in {_show(rhs)} (two '+' in a row?)")
        if item == "0":
            intercept = False
            continue
        if item == "1":
            continue
        for term in _expand_item(item, where):
            if term.name not in seen:
                seen.add(term.name)
                terms.append(term)
        if len(terms) > MAX_TERMS:
            raise SpecError(
                f"{where}: {_show(rhs.strip())} expands to more than {MAX_TERMS} terms (the "
                "limit); write the interactions you need with ':' instead of long products"
            )
    return terms, intercept


@lru_cache(maxsize=4096)
def parse_formula(text: str, *, where: str = "formula") -> Formula:
    """Parse a model formula (memoised: a :class:`Formula` is immutable, and validation,
    variants and the design each ask for the same one).

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
    try:
        return _parse_formula(_mask_quoted(text, where), text, where)
    except SpecError as exc:
        raise SpecError(str(exc).translate(_UNMASK)) from None


def _parse_formula(text: str, original: str, where: str) -> Formula:
    if text.count("~") < 1:
        raise SpecError(f"{where}: a formula needs 'dependent ~ regressors'; got {_show(text)}")
    lhs, rhs = text.split("~", 1)
    if any(ch == "|" and top for ch, top in zip(rhs, _top_level(rhs))):
        raise SpecError(
            f"{where}: '|' in {_show(text)}: fixed effects are not part of the formula here; "
            "write the part after '|' as effects (effects: [entity, time], any column, "
            "'industry^time'), and an IV part as '[endogenous ~ instruments]' in the formula"
        )
    dependent = parse_variable(lhs, where=where)
    endog: list[Term] = []
    inst: list[Term] = []
    if "[" in rhs or "]" in rhs:
        m = re.search(r"\[([^\]]*)\]", rhs)
        if not m or rhs.count("[") != 1 or rhs.count("]") != 1:
            more = " (all endogenous regressors and all instruments in one: '[x1 + x2 ~ z1 + " \
                "z2]')" if rhs.count("[") > 1 and rhs.count("[") == rhs.count("]") else ""
            raise SpecError(
                f"{where}: the IV part must be one bracket '[endogenous ~ instruments]'{more}; "
                f"got {_show(text)}"
            )
        inner = m.group(1)
        if inner.count("~") != 1:
            raise SpecError(
                f"{where}: inside brackets write 'endogenous ~ instruments'; got [{inner}]"
            )
        e_text, i_text = inner.split("~")
        for side, what in ((e_text, "endogenous regressor"), (i_text, "instrument")):
            if not side.strip():
                raise SpecError(
                    f"{where}: no {what} in [{inner.translate(_UNMASK)}]; write "
                    "'[endogenous ~ instruments]', e.g. [x3 ~ z]"
                )
        endog, _ = _parse_terms(e_text, where)
        inst, _ = _parse_terms(i_text, where)
        rhs = (rhs[: m.start()] + rhs[m.end():]).strip().rstrip("+").strip()
        rhs = re.sub(r"\+\s*\+", "+", rhs).strip().lstrip("+").strip()
    elif "~" in rhs:
        raise SpecError(f"{where}: more than one '~' in {_show(text)}")
    terms, intercept = _parse_terms(rhs, where) if rhs.strip() else ([], True)
    if not terms and not endog:
        raise SpecError(f"{where}: no regressors on the right of '~' in {_show(text)}")
    return Formula(
        dependent=dependent,
        terms=tuple(terms),
        intercept=intercept,
        endogenous=tuple(endog),
        instruments=tuple(inst),
        text=original,
    )
