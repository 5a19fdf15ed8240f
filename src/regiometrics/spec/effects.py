"""Absorbed fixed effects as fixest and reghdfe users write them.

An entry of ``effects`` is one of

* ``entity`` / ``time``: the panel's own entity and time columns;
* any column name (``industry``): one dummy per distinct value;
* an interaction ``industry^time`` (fixest's ``^``; reghdfe's ``industry#year``): one
  dummy per observed combination of the columns (``entity`` and ``time`` may appear in it);
* group-specific slopes ``entity[time]`` (fixest's ``id[t]``; reghdfe's ``id##c.year``):
  one intercept per group *and* one slope per group on the bracketed numeric column, i.e.
  unit-specific linear trends when it is ``time``.

``entity#time`` is accepted as reghdfe spelling of ``entity^time``. Names are column names
(letters, digits, ``_``, non-ASCII letters) or backtick-quoted names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from regiometrics.errors import SpecError

_PART = r"(?:`[^`]+`|[^\W\d][\w.]*)"
_EFFECT_RE = re.compile(
    rf"^\s*(?P<groups>{_PART}(?:\s*[\^#]\s*{_PART})*)\s*(?:\[\s*(?P<slope>{_PART})\s*\])?\s*$",
    re.UNICODE,
)
_PART_RE = re.compile(_PART, re.UNICODE)


@dataclass(frozen=True)
class Effect:
    """One absorbed effect: the columns whose combinations are its groups.

    Attributes
    ----------
    parts
        The names as written (``entity``, ``time`` or columns), in order.
    text
        Normalised text (``industry^time``, ``entity[time]``), as reported in results.json.
    slope
        The column of group-specific slopes (``time`` in ``entity[time]``), or None.
    """

    parts: tuple[str, ...]
    text: str
    slope: str | None = None


def parse_effect(text: str, *, where: str = "effects") -> Effect:
    """Parse ``industry^time`` style text into an :class:`Effect`.

    Raises
    ------
    SpecError
        When the text is not a name or names joined by ``^`` (or ``#``).
    """
    m = _EFFECT_RE.match(text) if isinstance(text, str) else None
    if m is None:
        raise SpecError(
            f"{where}: cannot read fixed effect {text!r}; write entity, time, a column name, "
            "columns joined by '^' for their interaction (e.g. \"industry^time\"), or "
            "group[column] for group-specific slopes (e.g. \"entity[time]\")"
        )
    parts = tuple(p.strip("`") for p in _PART_RE.findall(m.group("groups")))
    if len(set(parts)) != len(parts):
        raise SpecError(f"{where}: {text!r} names a column twice")
    slope = m.group("slope").strip("`") if m.group("slope") else None
    name = "^".join(parts) + (f"[{slope}]" if slope else "")
    return Effect(parts=parts, text=name, slope=slope)


def parse_effects(items: list[str], *, where: str = "effects") -> list[Effect]:
    """Parse every entry; duplicates are refused."""
    out = [parse_effect(item, where=f"{where} {i + 1}") for i, item in enumerate(items)]
    texts = [e.text for e in out]
    dup = sorted({t for t in texts if texts.count(t) > 1})
    if dup:
        raise SpecError(f"{where}: {', '.join(dup)} listed more than once")
    return out


def is_entity_time(items: list[str]) -> bool:
    """True when the effects are a subset of ``[entity, time]`` (what RE, Tobit, spatial and
    the mediation bootstrap support)."""
    return set(items) <= {"entity", "time"}


def with_panel_names(items: list[object], entity: object, time: object) -> list[object]:
    """``effects`` entries with the panel's own entity and time columns written as ``entity``
    and ``time`` (``[state, year]`` is ``[entity, time]`` when those are the panel's keys,
    ``industry^year`` is ``industry^time``, ``state[year]`` is ``entity[time]``), so tables
    label them as the panel's effects. Entries that do not parse are left for validation."""
    names = {}
    if isinstance(entity, str):
        names[entity] = "entity"
    if isinstance(time, str):
        names[time] = "time"
    if not names:
        return items
    out: list[object] = []
    for item in items:
        if not isinstance(item, str) or _EFFECT_RE.match(item) is None:
            out.append(item)
            continue
        effect = parse_effect(item)
        parts = [names.get(p, p) for p in effect.parts]
        slope = names.get(effect.slope, effect.slope) if effect.slope else None
        if len(set(parts)) != len(parts):  # entity^state: leave it for validation to name
            out.append(item)
            continue
        out.append("^".join(parts) + (f"[{slope}]" if slope else ""))
    return out
