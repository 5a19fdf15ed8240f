"""Robustness variants: a model declared as "model X with one change".

A model entry with ``base: <model id>`` starts from that model's entry (its own keys, before
``defaults`` are merged) and applies, in this order:

* every other key it gives, overriding the base's (``vcov`` mappings are merged, as with
  ``defaults``); a variant that changes ``type`` keeps only the base's keys the new type
  takes (``base: fe`` with ``type: ols`` leaves the base's ``effects`` behind);
* ``swap: {OLD: NEW}`` and ``lag_regressors`` change the ``controls`` too, including those
  the base inherits from ``defaults``;
* ``swap: {OLD: NEW}`` -- the column ``OLD`` is replaced by ``NEW`` wherever the formula
  (dependent, regressors, endogenous regressors, instruments) or ``controls`` read it,
  keeping panel operators (``L.OLD`` becomes ``L.NEW``);
* ``lag_regressors: k`` -- every regressor ``x`` (exogenous, endogenous and controls, not the
  instruments or the dependent variable) becomes ``Lk.x`` (``L.x`` already lagged becomes
  ``L2.x``; in a product each factor is lagged);
* ``filter: "..."`` -- *added* to the base's filter: ``(base) and (new)``.

Variants may build on variants; an unknown base, a cycle or a swap of a variable the model
does not use raise :class:`SpecError` naming ``models.<id>.base`` / ``models.<id>.swap``.
The expansion runs before validation, so the expanded model is checked like any other.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from typing import Any

from regiometrics.errors import SpecError
from regiometrics.spec.formula import (
    Formula,
    Term,
    Variable,
    parse_formula,
    parse_term,
    parse_variable,
    quote_name,
)

#: Keys that describe the change and are consumed by the expansion.
VARIANT_KEYS = ("base", "swap", "lag_regressors")


def _ops(lag: int, diff: int) -> str:
    prefix = ""
    if lag > 0:
        prefix += f"L{lag}"
    elif lag < 0:
        prefix += f"F{-lag}"
    if diff:
        prefix += f"D{diff}"
    return prefix


def _rebuild(var: Variable, *, name: str | None = None, lag: int = 0) -> Variable:
    new_name = quote_name(name or var.name)
    ops = _ops(var.lag + lag, var.diff)
    return parse_variable(f"{ops}.{new_name}" if ops else new_name)


def _term_text(term: Term, *, swap: dict[str, str], lag: int) -> str:
    return ":".join(_rebuild(v, name=swap.get(v.name), lag=lag).source for v in term.variables)


def _formula_text(f: Formula, *, swap: dict[str, str], lag: int) -> str:
    rhs = [_term_text(t, swap=swap, lag=lag) for t in f.terms]
    if f.endogenous:
        endog = " + ".join(_term_text(t, swap=swap, lag=lag) for t in f.endogenous)
        inst = " + ".join(_term_text(t, swap=swap, lag=0) for t in f.instruments)
        rhs.append(f"[{endog} ~ {inst}]")
    if not f.intercept:
        rhs.append("0")
    return f"{_rebuild(f.dependent, name=swap.get(f.dependent.name)).source} ~ {' + '.join(rhs)}"


def _control_text(text: str, *, swap: dict[str, str], lag: int, where: str) -> str:
    variables = parse_term(text, where=where).variables
    return ":".join(_rebuild(v, name=swap.get(v.name), lag=lag).source for v in variables)


def _used_columns(model: dict[str, Any], where: str) -> set[str]:
    used = set(parse_formula(str(model.get("formula", "")), where=f"{where}.formula").columns())
    for c in model.get("controls") or []:
        used |= {v.name for v in parse_term(c, where=f"{where}.controls").variables}
    return used


def _apply(model: dict[str, Any], change: dict[str, Any], where: str,
           default_controls: Any = None,
           model_keys: Mapping[str, Collection[str]] | None = None) -> dict[str, Any]:
    out = dict(model)
    new_type = change.get("type", out.get("type"))
    takes = (model_keys or {}).get(str(new_type))
    if new_type != out.get("type") and takes is not None:
        out = {k: v for k, v in out.items() if k in takes}
    for key, value in change.items():
        if key in VARIANT_KEYS or key == "filter":
            continue
        if key == "vcov" and isinstance(value, dict) and isinstance(out.get("vcov"), dict):
            out["vcov"] = {**out["vcov"], **value}
        else:
            out[key] = value
    swap = change.get("swap") or {}
    if not isinstance(swap, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in swap.items()):
        raise SpecError(f"{where}.swap: expected a mapping OLD: NEW of column names; got {swap!r}")
    lag = change.get("lag_regressors", 0)
    if isinstance(lag, bool) or not isinstance(lag, int) or lag < 0:
        raise SpecError(f"{where}.lag_regressors: expected a whole number of periods >= 1 "
                        f"(1 turns every regressor x into L.x); got {lag!r}")
    if (swap or lag) and "formula" not in out:
        raise SpecError(f"{where}: swap and lag_regressors rewrite a formula and the base model "
                        "has none; set its keys (treatment, mediators, outcome ...) directly")
    if (swap or lag) and "controls" not in out and isinstance(default_controls, list):
        out["controls"] = list(default_controls)  # the controls the base inherits, changed too
    if swap:
        used = _used_columns(out, where)
        missing = [old for old in swap if old not in used]
        if missing:
            raise SpecError(
                f"{where}.swap: {', '.join(map(repr, missing))} is not a variable of the model "
                f"(formula {out['formula']!r}, controls {list(out.get('controls') or [])}); it "
                f"uses {', '.join(sorted(used))}" + _did_you_mean(missing[0], used)
            )
    if swap or lag:
        parsed = parse_formula(str(out["formula"]), where=f"{where}.formula")
        out["formula"] = _formula_text(parsed, swap=swap, lag=lag)
        if out.get("controls"):
            out["controls"] = [_control_text(c, swap=swap, lag=lag, where=f"{where}.controls")
                               for c in out["controls"]]
    extra = change.get("filter")
    if extra is not None:
        if not isinstance(extra, str):
            raise SpecError(f"{where}.filter: expected a filter expression (text); got {extra!r}")
        out["filter"] = f"({out['filter']}) and ({extra})" if out.get("filter") else extra
    return out


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, sorted(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def expand_variants(raw: dict[str, Any], source: str,
                    model_keys: Mapping[str, Collection[str]] | None = None) -> dict[str, Any]:
    """Replace every ``base:`` model entry by the full model it describes.

    ``model_keys`` maps a model type to the keys it takes (a variant changing the type
    keeps only those of its base's keys).

    ``raw`` is the spec mapping as read from YAML (before ``defaults`` are merged); the
    return value is a new mapping (``raw`` is not changed). Entries that are not mappings
    are left for the validator to report.
    """
    models = raw.get("models")
    if isinstance(models, list):
        for i, m in enumerate(models):
            ident = m.get("id") if isinstance(m, dict) else None
            if ident is not None and not isinstance(ident, str):
                raise SpecError(
                    f"{source}: models[{i}].id: expected a model name (text, e.g. id: fe1); "
                    f"got {ident!r}"
                )
            controls = m.get("controls") if isinstance(m, dict) else None
            if controls is not None and not (
                isinstance(controls, list) and all(isinstance(c, str) for c in controls)
            ):
                place = f"models.{ident}" if ident else f"models[{i}]"
                raise SpecError(
                    f"{source}: {place}.controls: expected a list of column names "
                    f"(controls: [x1, x2]); got {controls!r}"
                )
    if not isinstance(models, list) or not any(isinstance(m, dict) and "base" in m for m in models):
        if isinstance(models, list):
            for i, m in enumerate(models):
                if isinstance(m, dict):
                    _refuse_orphan_keys(m, source, i)
        return raw
    by_id = {m.get("id"): m for m in models if isinstance(m, dict) and m.get("id") is not None}
    defaults = raw.get("defaults")
    default_controls = defaults.get("controls") if isinstance(defaults, dict) else None
    done: dict[str, dict[str, Any]] = {}

    def resolve(model_id: str, chain: tuple[str, ...]) -> dict[str, Any]:
        if model_id in done:
            return done[model_id]
        entry = by_id[model_id]
        where = f"{source}: models.{model_id}"
        if "base" not in entry:
            _refuse_orphan_keys(entry, source, model_id)
            done[model_id] = dict(entry)
            return done[model_id]
        base = entry["base"]
        if not isinstance(base, str) or base not in by_id:
            raise SpecError(
                f"{where}.base: unknown model {base!r}; models defined: "
                f"{', '.join(map(str, by_id))}" + _did_you_mean(str(base), map(str, by_id))
            )
        if base in chain:
            cycle = " -> ".join((*chain[chain.index(base):], base))
            raise SpecError(f"{where}.base: the variants form a cycle ({cycle}); one of them "
                            "must be a model of its own")
        parent = resolve(base, (*chain, base))
        expanded = _apply(parent, entry, where, default_controls, model_keys)
        expanded["id"] = model_id
        if "label" not in entry:
            expanded.pop("label", None)
        done[model_id] = expanded
        return expanded

    out_models = []
    for i, m in enumerate(models):
        if isinstance(m, dict) and m.get("id") in by_id and by_id[m["id"]] is m:
            out_models.append(resolve(m["id"], (m["id"],)))
        elif isinstance(m, dict) and "base" in m and m.get("id") is None:
            raise SpecError(f"{source}: models[{i}]: a variant needs its own 'id'")
        else:
            out_models.append(m)
    return {**raw, "models": out_models}


def _refuse_orphan_keys(entry: dict[str, Any], source: str, ident: Any) -> None:
    for key in ("swap", "lag_regressors"):
        if key in entry:
            raise SpecError(
                f"{source}: models.{entry.get('id', ident)}.{key}: '{key}' describes a change "
                "of another model and needs 'base: <model id>' beside it"
            )
