"""Load a YAML spec file into a :class:`StudySpec`.

YAML is read with ``yaml.safe_load``: a spec file never executes code. Every
problem is raised as :class:`SpecError` naming the file, the key path
(``models.fe2.vcov.by``) and what was expected.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from regiometrics.errors import SpecError
from regiometrics.spec.effects import with_panel_names
from regiometrics.spec.iv_checks import check_first_stage_tables
from regiometrics.spec.measures import MEASURE_KINDS, check_measure_references
from regiometrics.spec.mechanisms import check_mechanism_references
from regiometrics.spec.model_base import ModelSpec
from regiometrics.spec.models import (
    FIGURE_KINDS,
    MODEL_KINDS,
    TABLE_KINDS,
    AnyModelSpec,
    StudySpec,
)
from regiometrics.spec.paths import check_output_ids
from regiometrics.spec.spatial import WEIGHTS_KINDS, check_spatial_references
from regiometrics.spec.variants import expand_variants

#: Keys of a model entry that are its own, never inherited from ``defaults``.
_OWN_KEYS = frozenset({"id", "type", "formula", "label"})
#: Model keys a ``defaults`` block may set: any key of some model type. A model inherits
#: a default only when its own type's class has that key.
DEFAULTABLE_KEYS: tuple[str, ...] = tuple(dict.fromkeys(
    k for cls in MODEL_KINDS.values() for k in cls.model_fields if k not in _OWN_KEYS
))
_MODEL_KEYS: dict[str, frozenset[str]] = {
    kind: frozenset(cls.model_fields) for kind, cls in MODEL_KINDS.items()
}
_MODEL_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyModelSpec)


def load_spec(path: str | Path) -> StudySpec:
    """Read, merge defaults into models, validate and return the study spec.

    Parameters
    ----------
    path
        The YAML spec file.

    Raises
    ------
    SpecError
        Missing file, invalid YAML, unknown keys, wrong types, duplicate ids, tables naming
        unknown models.
    """
    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise SpecError(f"spec file {path} {what}")
    content = path.read_bytes()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        column = exc.start - (content.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError(
            f"{path}: not UTF-8 text: byte 0x{content[exc.start]:02x} at offset {exc.start} "
            f"(line {line}, column {column}) is not valid UTF-8; save the file as UTF-8 "
            "(it looks like Latin-1 or another legacy encoding)"
        ) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: {_yaml_problem(exc)}") from None
    except RecursionError:
        raise SpecError(f"{path}: not valid YAML: nested too deeply") from None
    return spec_from_dict(raw, source=str(path))


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line: where the YAML parser stopped and why."""
    mark = getattr(exc, "problem_mark", None)
    at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"not valid YAML{at}: {problem}" + (f" ({context})" if context else "")
    return " ".join(text.split())


def spec_from_dict(raw: Any, *, source: str = "<spec>") -> StudySpec:
    """Validate a spec given as a mapping (what the YAML file holds)."""
    if not isinstance(raw, dict):
        got = "an empty file" if raw is None else (
            "a list" if isinstance(raw, list) else f"the value {raw!r}")
        raise SpecError(f"{source}: (top level): the spec must be a mapping with keys data, "
                        f"models, tables; got {got}")
    raw = expand_variants(raw, source, _MODEL_KEYS)
    raw = _merge_defaults(raw, source)
    raw = _effects_with_panel_names(raw)
    try:
        spec = StudySpec.model_validate(raw)
    except ValidationError as exc:
        raise SpecError(_describe(exc, raw, source)) from None
    except SpecError as exc:  # raised inside a validator without the file
        raise SpecError(f"{source}: {exc}") from None
    check_output_ids(spec, source)
    _check_references(spec, source)
    check_measure_references(spec, source)
    return spec


def _effects_with_panel_names(raw: dict[str, Any]) -> dict[str, Any]:
    """Models' ``effects`` and ``random`` naming the panel's entity or time column say
    ``entity``/``time`` (:func:`regiometrics.spec.effects.with_panel_names`): with
    ``entity: state``, ``random: [state]`` is ``random: [entity]``."""
    data = raw.get("data")
    models = raw.get("models")
    if not isinstance(data, dict) or not isinstance(models, list):
        return raw
    renamed = []
    for m in models:
        if isinstance(m, dict):
            m = {**m, **{key: with_panel_names(  # random: the entity only ([year] refused)
                m[key], data.get("entity"), data.get("time") if key == "effects" else None)
                for key in ("effects", "random") if isinstance(m.get(key), list)}}
        renamed.append(m)
    return {**raw, "models": renamed}


def _merge_defaults(raw: dict[str, Any], source: str) -> dict[str, Any]:
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise SpecError(f"{source}: defaults: expected a mapping of model keys")
    for key in defaults:
        if key not in DEFAULTABLE_KEYS:
            raise SpecError(
                f"{source}: {_key_path(('defaults', key), raw)}: unknown key; allowed keys: "
                f"{', '.join(DEFAULTABLE_KEYS)}" + _did_you_mean(str(key), DEFAULTABLE_KEYS)
            )
    models = raw.get("models") or []
    if not isinstance(models, list):
        raise SpecError(f"{source}: models: expected a list of models")
    merged = []
    for i, model in enumerate(models):
        if not isinstance(model, dict):
            raise SpecError(f"{source}: models[{i}]: expected a mapping with id, type, formula")
        kind = MODEL_KINDS.get(str(model.get("type")))
        takes = kind.model_fields if kind is not None else {}
        combined = {k: v for k, v in defaults.items() if k in takes}
        for key, value in model.items():
            if key == "vcov" and isinstance(value, dict) and isinstance(combined.get("vcov"), dict):
                combined["vcov"] = {**combined["vcov"], **value}
            else:
                combined[key] = value
        merged.append(combined)
    out = dict(raw)
    out["models"] = merged
    return out


def _did_you_mean(word: str, options: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


#: Top-level blocks whose entries (list items or mapping values) are a union chosen by
#: their ``type`` key; pydantic puts the chosen kind after the entry in an error's location.
_TAGGED: dict[str, Mapping[str, type[BaseModel]]] = {
    "tables": TABLE_KINDS,
    "figures": FIGURE_KINDS,
    "measures": MEASURE_KINDS,
    "weights": WEIGHTS_KINDS,
    "models": MODEL_KINDS,
}


def _tag_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The kind chosen at ``loc[2]`` for an entry of a tagged block, else None."""
    if len(loc) >= 3 and loc[0] in _TAGGED:
        return _TAGGED[loc[0]].get(loc[2]) if isinstance(loc[2], str) else None
    return None


def _untagged(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` without the union tag pydantic inserts after ``tables[i]``, ``weights.W`` ..."""
    return loc[:2] + loc[3:] if _tag_at(loc) is not None else loc


#: Keys shown bare in a key path; any other key is shown quoted, ``models.m1['x y']``.
_PLAIN_KEY = re.compile(r"[\w-]+")


def _key_path(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    parts: list[str] = []
    node: Any = raw
    for item in _untagged(loc):
        if isinstance(item, int) and isinstance(node, list):
            entry = node[item] if item < len(node) else None
            ident = entry.get("id") if isinstance(entry, dict) else None
            plain = isinstance(ident, (str, int)) and not isinstance(ident, bool)
            parts.append(str(ident) if plain and ident != "" else f"[{item}]")
            node = entry
        else:
            plain = isinstance(item, str) and _PLAIN_KEY.fullmatch(item) is not None
            parts.append(item if plain else f"[{str(item)!r}]")
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts).replace(".[", "[")


def _class_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    cls: Any = _tag_at(loc)
    if cls is not None:
        loc = loc[3:]
    else:
        cls = StudySpec
    mapping_key = False  # the next item is a key of a dict-valued field (indices.NAME)
    for item in loc:
        if isinstance(item, int) or mapping_key:
            mapping_key = False
            continue
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            return None
        field = cls.model_fields.get(str(item))
        if field is None:
            return None
        mapping_key = typing.get_origin(field.annotation) is dict
        cls = _model_in(field.annotation)
    return cls if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _describe(exc: ValidationError, raw: dict[str, Any], source: str) -> str:
    return _describe_errors(exc.errors(), raw, source)


def _describe_errors(errors: typing.Sequence[Any], raw: dict[str, Any], source: str) -> str:
    lines = []
    for err in errors:
        loc = tuple(err["loc"])
        where = _key_path(loc, raw) or "(top level)"
        if err["type"] == "extra_forbidden":
            parent = _class_at(loc[:-1])
            allowed = sorted(parent.model_fields) if parent else []
            key = str(loc[-1])
            msg = _foreign_model_key(parent, key) or (
                f"unknown key {key!r}; allowed keys: {', '.join(allowed)}"
                + (_did_you_mean(key, allowed) or _other_type_key(parent, key)))
        elif err["type"] == "missing" and loc[-1] == "formula" and _model_type(
                _class_at(loc[:-1])) is not None:
            msg = (f"type {_model_type(_class_at(loc[:-1]))!r} needs a formula "
                   "(formula: \"y ~ x + z\")")
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found") and loc[:1] and (
            loc[0] in _TAGGED
        ):
            kinds = _TAGGED[str(loc[0])]
            got = (err.get("ctx") or {}).get("tag")
            msg = (f"unknown type {got!r}; available: {', '.join(kinds)}"
                   + _did_you_mean(str(got), kinds) if got is not None
                   else f"required key 'type' is missing; available: {', '.join(kinds)}")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            value = err.get("input")
            if err["type"] == "literal_error" or (
                    err["type"] != "value_error" and isinstance(value, str | int | float)):
                msg = f"{msg}; got {value!r}"   # the wrong value, to find it in the file
            if err["type"] == "list_type" and isinstance(value, str | int | float):
                msg += f"; write a list, e.g. [{value}]"
        lines.append(f"{source}: {where}: {msg}")
    return "\n".join(lines)


def _model_type(cls: type[BaseModel] | None) -> str | None:
    """The ``type`` of model spec class ``cls`` (None: not a model class)."""
    if not (isinstance(cls, type) and issubclass(cls, ModelSpec)):
        return None
    return str(typing.get_args(cls.model_fields["type"].annotation)[0])


def _foreign_model_key(cls: type[BaseModel] | None, key: str) -> str | None:
    """Why model class ``cls`` refuses ``key`` when it is a key of other model types (its
    own explanation if it has one), else None."""
    kind = _model_type(cls)
    if kind is None:
        return None
    assert cls is not None and issubclass(cls, ModelSpec)
    if key in cls.refused:
        return cls.refused[key].format(type=kind, key=key)
    owners = [t for t, c in MODEL_KINDS.items() if key in c.model_fields]
    if not owners:
        return None
    kinds = ", ".join(repr(t) for t in owners)
    return (f"type {kind!r} does not take {key!r} (a key of type{'s' if len(owners) > 1 else ''} "
            f"{kinds}); remove it or change the type")


def model_spec(**keys: Any) -> ModelSpec:
    """The spec of one model from the keys of a YAML model entry, as keyword arguments.

    The class is chosen by ``type`` (:data:`~regiometrics.spec.models.MODEL_KINDS`):
    ``model_spec(id="m", type="fe", formula="y ~ x", effects=["entity"])`` is an
    :class:`~regiometrics.spec.model_kinds.FeSpec`. No ``defaults`` are merged.

    Raises
    ------
    SpecError
        As for a spec file: an unknown type, a key the type does not take, a bad value;
        named ``model_spec(): models.<id>.<key>: ...``.
    """
    return validate_model(keys)


def _other_type_key(cls: type[BaseModel] | None, key: str) -> str:
    """`` (did you mean 'quadrature', a key of type 'tobit'?)`` for a misspelt key of another
    model type, else empty."""
    if _model_type(cls) is None:
        return ""
    close = difflib.get_close_matches(key, DEFAULTABLE_KEYS, n=1)
    if not close:
        return ""
    owners = ", ".join(repr(t) for t, c in MODEL_KINDS.items() if close[0] in c.model_fields)
    return f" (did you mean {close[0]!r}, a key of type{'s' if ',' in owners else ''} {owners}?)"


def validate_model(keys: dict[str, Any], *, source: str = "model_spec()") -> ModelSpec:
    """Validate one model entry (a mapping of YAML model keys) into its type's spec class.

    Raises
    ------
    SpecError
        Named ``<source>: models.<id>.<key>: ...``, as for a spec file.
    """
    raw = {"models": [dict(keys)]}
    try:
        return _MODEL_ADAPTER.validate_python(raw["models"][0])  # type: ignore[no-any-return]
    except ValidationError as exc:
        errors = [{**e, "loc": ("models", 0, *e["loc"])} for e in exc.errors()]
        raise SpecError(_describe_errors(errors, raw, source)) from None


def _check_references(spec: StudySpec, source: str) -> None:
    ids = [m.id for m in spec.models]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SpecError(f"{source}: models: duplicate model ids {dupes}; each id must be unique")
    table_ids = [t.id for t in spec.tables] + [d.id for d in spec.descriptives]
    dupes = sorted({i for i in table_ids if table_ids.count(i) > 1})
    if dupes:
        raise SpecError(f"{source}: tables: duplicate table ids {dupes}; each id must be unique")
    for table in spec.tables:
        for model_id in getattr(table, "models", []):
            if model_id not in ids:
                raise SpecError(
                    f"{source}: tables.{table.id}.models: unknown model {model_id!r}; "
                    f"models defined: {', '.join(ids)}" + _did_you_mean(model_id, ids)
                )
    check_first_stage_tables(spec, source)
    check_spatial_references(spec, source, _did_you_mean)
    if problems := check_mechanism_references(spec, source):
        raise SpecError("\n".join(problems))
