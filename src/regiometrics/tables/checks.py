"""Checks of a coefficient table's names against the models it shows.

Terms are known only after estimation, so ``keep``, ``drop``, ``order``, ``rename`` and
``stats`` are checked when the grid is built: an unknown name is refused with the key path
(``tables.t4.keep``), the name, the closest valid names and the full list, never printed as
an empty row or an empty table.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from regiometrics.errors import SpecError
from regiometrics.results import Result

CONSTANT = "_cons"
#: A panel or spatial operator prefix of a term: ``L.``, ``L2.``, ``LD.``, ``F.``, ``W.``.
OPERATOR = re.compile(r"^(?P<op>(?:[LFDW]\d*)+\.)(?P<var>.+)$")


def closest(name: str, options: Iterable[str], n: int = 3) -> str:
    """``"; closest: a, b"`` (or nothing) for the options nearest to ``name``."""
    options = sorted(set(options))
    same = [o for o in options if o.casefold() == name.casefold()]   # entity_FE -> entity_fe
    close = list(dict.fromkeys(
        [*same, *difflib.get_close_matches(name, options, n=n, cutoff=0.5)]))[:n]
    return f"; closest: {', '.join(close)}" if close else ""


def variables_of(term: str) -> list[str]:
    """The variables inside a term: ``L2.x:z`` -> ``[x, z]``."""
    out = []
    for part in term.split(":"):
        m = OPERATOR.match(part)
        out.append(m["var"] if m else part)
    return out


def table_terms(results: Sequence[Result]) -> list[str]:
    """Union of the models' terms, in order of appearance."""
    terms: list[str] = []
    for r in results:
        terms += [t for t in r.params.index if t not in terms]
    return terms


def check_names(
    table_id: str, key: str, names: Iterable[str], valid: Sequence[str], what: str
) -> None:
    """Raise a SpecError for the first of ``names`` not in ``valid``."""
    for name in names:
        if name not in valid:
            shown = ", ".join(valid[:30]) + (" ..." if len(valid) > 30 else "")
            raise SpecError(
                f"tables.{table_id}.{key}: {name!r} is not {what}{closest(name, valid)} "
                f"(valid: {shown})"
            )


def check_term_keys(table: object, results: Sequence[Result], *, rename_extra: Sequence[str] = ()
                    ) -> None:
    """Check ``keep``/``drop``/``order`` against the terms and ``rename`` against the terms,
    their variables (a renamed ``x`` also names ``L.x``), dependent variables and controls."""
    terms = table_terms(results)
    tid = table.id  # type: ignore[attr-defined]
    if getattr(table, "keep", None) == []:
        raise SpecError(f"tables.{tid}.keep: an empty list keeps no coefficient; list the terms "
                        f"to show ({', '.join(terms[:10])} ...) or leave keep out")
    for key in ("keep", "drop", "order"):
        names = getattr(table, key, None) or []
        check_names(tid, key, names, terms, "a term of the table's models")
    valid = list(dict.fromkeys([
        *terms, *(v for t in terms for v in variables_of(t)), *(r.dependent for r in results),
        *(c for r in results for c in (r.info.get("controls") or [])), CONSTANT, *rename_extra,
    ]))
    check_names(tid, "rename", getattr(table, "rename", {}) or {}, valid,
                "a term, variable or dependent variable of the table's models")
