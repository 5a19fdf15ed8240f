"""Indicator systems and their normalisation, the first step of every composite index.

An indicator system is a tuple of :class:`Indicator` (name, direction ``'+'``/``'-'``,
optional dimension). :func:`normalize` turns raw indicator columns of a long panel
(entity, time, indicators) or of a plain matrix (one row per alternative) into
dimensionless, direction-aligned columns.

Conventions
-----------
*Reference set.* Normalisation constants are computed on a *reference set* of rows
chosen by ``scope``:

- ``'pooled'`` (default): all entity-years, so values compare across years;
- ``'per_year'``: the rows of each year separately (values compare within a year only);
- ``'base_year'``: the rows of ``base_year``; every year is scaled with the base year's
  constants (later values may leave [0, 1]).

The same reference set is used downstream by :mod:`regiometrics.measure.composite` for
the entropy sums (``n`` = its number of rows), the TOPSIS ideal points and the PCA.

*Min-max* (002 eq. for positive / reverse indicators, 003 eqs. 4-5)::

    '+':  h_ij = (x_ij - min_R x_j) / (max_R x_j - min_R x_j) + shift
    '-':  h_ij = (max_R x_j - x_ij) / (max_R x_j - min_R x_j) + shift

*z-score*: ``h_ij = s_j (x_ij - mean_R x_j) / sd_R x_j + shift`` with ``s_j = +1`` for
``'+'`` and ``-1`` for ``'-'`` and the sample standard deviation (ddof = 1).

Both are invariant to a positive rescaling of an indicator, and reversing an
indicator's direction while negating its values leaves them unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, TypeAlias, get_args

import numpy as np
import pandas as pd

from regiometrics.errors import DataError, SpecError
from regiometrics.options import check_literal

Direction = Literal["+", "-"]
DirectionInput = Literal["+", "-", "positive", "negative"]
NormalizeMethod = Literal["minmax", "zscore"]
Scope = Literal["pooled", "per_year", "base_year"]
OnConstant = Literal["refuse", "zero_weight"]
MissingPolicy = Literal["refuse", "interpolate"]

_DIRECTIONS: dict[str, Direction] = {"+": "+", "positive": "+", "-": "-", "negative": "-"}
_MAX_LISTED = 10




def parse_direction(value: object, *, indicator: str) -> Direction:
    """Map ``'+'``/``'positive'`` to ``'+'`` and ``'-'``/``'negative'`` to ``'-'``."""
    key = value.strip().lower() if isinstance(value, str) else value
    if not isinstance(key, str) or key not in _DIRECTIONS:
        allowed = ", ".join(repr(d) for d in get_args(DirectionInput))
        raise SpecError(
            f"indicator {indicator!r}: direction {value!r} is not recognised; "
            f"use one of {allowed} ('+' when more is better, '-' when less is better)."
        )
    return _DIRECTIONS[key]


@dataclass(frozen=True)
class Indicator:
    """One indicator of a system: column name, direction and (optionally) its dimension and,
    within the dimension, its sub-dimension (the middle level of a three-level system such as
    002's Table 1: dimension / sub-dimension / indicator). The sub-dimension only labels the
    indicator in tables; weights and sub-indices are by dimension."""

    name: str
    direction: Direction = "+"
    dimension: str | None = None
    subdimension: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise SpecError(
                f"an indicator name must be a non-empty string; {self.name!r} was given."
            )
        object.__setattr__(self, "direction", parse_direction(self.direction, indicator=self.name))
        if self.dimension is not None and not isinstance(self.dimension, str):
            raise SpecError(
                f"indicator {self.name!r}: dimension must be a string; {self.dimension!r} was given."
            )
        if self.subdimension is not None and (
            not isinstance(self.subdimension, str) or self.dimension is None
        ):
            raise SpecError(
                f"indicator {self.name!r}: subdimension must be a string under a dimension "
                f"(give both); subdimension {self.subdimension!r}, dimension "
                f"{self.dimension!r} were given."
            )


IndicatorsLike: TypeAlias = Mapping[str, Any] | Sequence[Indicator | Mapping[str, Any] | str]


def parse_indicators(indicators: IndicatorsLike) -> tuple[Indicator, ...]:
    """Read an indicator system.

    Accepted forms: ``{name: direction}``, ``{name: {direction: ..., dimension: ...,
    subdimension: ...}}``,
    or a list of :class:`Indicator`, of mappings with keys ``name``, ``direction``,
    ``dimension``, or of bare names (direction ``'+'``). Either every indicator has a
    dimension or none has.
    """
    items: list[Indicator] = []
    if isinstance(indicators, Mapping):
        for name, spec in indicators.items():
            if isinstance(spec, Mapping):
                items.append(_indicator_from_mapping({"name": name, **spec}))
            else:
                items.append(Indicator(name, spec))
    elif isinstance(indicators, Sequence) and not isinstance(indicators, str):
        for spec in indicators:
            if isinstance(spec, Indicator):
                items.append(spec)
            elif isinstance(spec, Mapping):
                items.append(_indicator_from_mapping(spec))
            elif isinstance(spec, str):
                items.append(Indicator(spec))
            else:
                raise SpecError(
                    f"an indicator must be a name, a mapping or an Indicator; {spec!r} was given."
                )
    else:
        raise SpecError(
            "indicators must be a mapping {name: direction} or a list of indicators; "
            f"{type(indicators).__name__} was given."
        )
    if not items:
        raise SpecError("the indicator system is empty; list at least one indicator.")
    names = [ind.name for ind in items]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SpecError(f"indicators listed more than once: {', '.join(map(repr, dupes))}.")
    with_dim = [ind.name for ind in items if ind.dimension is not None]
    if with_dim and len(with_dim) != len(items):
        without = [ind.name for ind in items if ind.dimension is None]
        raise SpecError(
            "either every indicator has a dimension or none has; no dimension given for "
            f"{', '.join(map(repr, without))}."
        )
    return tuple(items)


def _indicator_from_mapping(spec: Mapping[str, Any]) -> Indicator:
    unknown = set(spec) - {"name", "direction", "dimension", "subdimension"}
    if unknown:
        raise SpecError(
            f"indicator {spec.get('name')!r}: unknown keys {sorted(unknown)}; "
            "allowed keys are 'name', 'direction', 'dimension', 'subdimension'."
        )
    if "name" not in spec:
        raise SpecError(f"an indicator mapping needs a 'name' key; {dict(spec)!r} was given.")
    return Indicator(spec["name"], spec.get("direction", "+"), spec.get("dimension"),
                     spec.get("subdimension"))


@dataclass(frozen=True)
class NormalizeSettings:
    """How raw indicators are made comparable (see the module docstring for the formulas).

    Attributes
    ----------
    method : 'minmax' or 'zscore'.
    scope : 'pooled', 'per_year' or 'base_year' (the reference set of rows).
    base_year : the year whose rows give the constants when ``scope='base_year'``.
    shift : added after scaling, e.g. 1 (002) or 1e-4, so entropy logs avoid zeros.
    on_constant : an indicator without variation in a reference set: 'refuse' (DataError)
        or 'zero_weight' (its normalised value is ``shift`` and its weight 0).
    missing : 'refuse' (DataError naming entity-years) or 'interpolate' (linear within
        entity over time, first/last observed values carried to the edges).
    log : indicators replaced by their natural log before scaling (values must be > 0).
    """

    method: NormalizeMethod = "minmax"
    scope: Scope = "pooled"
    base_year: Hashable | None = None
    shift: float = 0.0
    on_constant: OnConstant = "refuse"
    missing: MissingPolicy = "refuse"
    log: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_literal(self.method, NormalizeMethod, "normalize.method")
        check_literal(self.scope, Scope, "normalize.scope")
        check_literal(self.on_constant, OnConstant, "normalize.on_constant")
        check_literal(self.missing, MissingPolicy, "normalize.missing")
        if self.scope == "base_year" and self.base_year is None:
            raise SpecError("normalize.scope is 'base_year' but no normalize.base_year was given.")
        if self.scope != "base_year" and self.base_year is not None:
            raise SpecError(
                f"normalize.base_year={self.base_year!r} is only used with scope 'base_year'; "
                f"scope is {self.scope!r}."
            )
        if (
            isinstance(self.shift, bool)
            or not isinstance(self.shift, int | float)
            or not math.isfinite(self.shift)
        ):
            raise SpecError(f"normalize.shift must be a finite number; {self.shift!r} was given.")
        object.__setattr__(self, "shift", float(self.shift))
        log = (self.log,) if isinstance(self.log, str) else tuple(self.log)
        object.__setattr__(self, "log", log)

    @classmethod
    def from_mapping(cls, spec: Mapping[str, Any] | None) -> NormalizeSettings:
        """Build settings from a spec block such as ``{scope: pooled, shift: 0.0001}``."""
        spec = dict(spec or {})
        allowed = {f.name for f in fields(cls)}
        unknown = set(spec) - allowed
        if unknown:
            raise SpecError(
                f"normalize: unknown keys {sorted(unknown)}; allowed keys are {sorted(allowed)}."
            )
        return cls(**spec)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        out = asdict(self)
        out["log"] = list(self.log)
        return out


def coerce_settings(settings: NormalizeSettings | Mapping[str, Any] | None) -> NormalizeSettings:
    """Accept settings as an object, a spec mapping or None (defaults)."""
    if isinstance(settings, NormalizeSettings):
        return settings
    return NormalizeSettings.from_mapping(settings)


@dataclass(frozen=True)
class ReferenceGroup:
    """Rows whose constants (``reference``) are applied to rows ``target`` (boolean masks)."""

    label: str
    time: Hashable | None
    reference: np.ndarray
    target: np.ndarray

    @property
    def n(self) -> int:
        """Number of rows in the reference set (the ``n`` of ``k = 1/ln n``)."""
        return int(self.reference.sum())


@dataclass(frozen=True)
class PanelFrame:
    """Validated indicator data: ``data`` has columns entity, [time], indicators (float)."""

    data: pd.DataFrame
    entity: str
    time: str | None
    indicators: tuple[Indicator, ...]

    @property
    def names(self) -> list[str]:
        return [ind.name for ind in self.indicators]

    def row_labels(self, mask: np.ndarray | pd.Series) -> str:
        """'(entity, time), ...' for the masked rows, at most ten listed."""
        rows = self.data.loc[np.asarray(mask, dtype=bool)]
        if self.time is None:
            labels = [str(e) for e in rows[self.entity]]
        else:
            labels = [
                f"({e}, {t})" for e, t in zip(rows[self.entity], rows[self.time], strict=True)
            ]
        extra = len(labels) - _MAX_LISTED
        text = ", ".join(labels[:_MAX_LISTED])
        return text + (f" and {extra} more" if extra > 0 else "")

    @property
    def row_kind(self) -> str:
        return "entity" if self.time is None else "(entity, time)"


def prepare_frame(
    df: pd.DataFrame,
    indicators: IndicatorsLike,
    *,
    entity: str | None,
    time: str | None,
    settings: NormalizeSettings,
) -> PanelFrame:
    """Validate columns, handle missing values and log transforms; return a :class:`PanelFrame`."""
    inds = parse_indicators(indicators)
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"data must be a pandas DataFrame; {type(df).__name__} was given.")
    names = [ind.name for ind in inds]
    if time is None and settings.scope != "pooled":
        raise SpecError(
            f"normalize.scope={settings.scope!r} needs a time column; pass time=... "
            "or use scope='pooled'."
        )
    if time is None and settings.missing == "interpolate":
        raise SpecError("normalize.missing='interpolate' needs a time column; pass time=....")
    unknown_log = [n for n in settings.log if n not in names]
    if unknown_log:
        raise SpecError(
            f"normalize.log names {', '.join(map(repr, unknown_log))}, which "
            f"{'is' if len(unknown_log) == 1 else 'are'} not among the indicators {names}."
        )
    needed = [c for c in (entity, time) if c is not None] + names
    absent = [c for c in needed if c not in df.columns]
    if absent:
        raise DataError(
            f"columns {', '.join(map(repr, absent))} not found in the data; "
            f"available columns: {list(df.columns)}."
        )
    clash = [n for n in names if n in (entity, time)]
    if clash:
        raise DataError(
            f"{clash[0]!r} is the panel's entity or time column and cannot be an indicator; "
            "remove it from the indicators"
        )
    if entity is None:
        entity = str(df.index.name) if df.index.name is not None else "entity"
        if entity in names:
            raise DataError(f"the row index name {entity!r} is also an indicator; rename one.")
        data = df[names].copy()
        data.insert(0, entity, df.index.to_numpy())
    else:
        data = df[[entity] + ([time] if time else []) + names].copy()
    data = data.reset_index(drop=True)
    keys = [entity] + ([time] if time else [])
    for key in keys:
        if data[key].isna().any():
            raise DataError(f"column {key!r} has missing values; every row needs an {key}.")
    dup = data.duplicated(keys, keep=False)
    if dup.any():
        rows = ", ".join(
            map(str, data.loc[dup, keys].drop_duplicates().itertuples(index=False, name=None))
        )
        raise DataError(f"rows are not unique by {keys}: {rows}; each {keys} must occur once.")
    for name in names:
        if not pd.api.types.is_numeric_dtype(data[name]) or pd.api.types.is_bool_dtype(data[name]):
            raise DataError(
                f"indicator {name!r} is not numeric (dtype {data[name].dtype}); convert it first."
            )
        data[name] = data[name].astype(float)
        if np.isinf(data[name]).any():
            frame = PanelFrame(data, entity, time, inds)
            raise DataError(
                f"indicator {name!r} has infinite values at {frame.row_labels(np.isinf(data[name]))}."
            )
    frame = PanelFrame(data, entity, time, inds)
    frame = _handle_missing(frame, settings)
    for name in settings.log:
        bad = (frame.data[name] <= 0).to_numpy()
        if bad.any():
            raise DataError(
                f"indicator {name!r} is listed under normalize.log but has values <= 0 at "
                f"{frame.row_kind} {frame.row_labels(bad)}; the log needs positive values "
                "(drop it from normalize.log or shift the raw data)."
            )
        frame.data[name] = np.log(frame.data[name])
    return frame


def _handle_missing(frame: PanelFrame, settings: NormalizeSettings) -> PanelFrame:
    data = frame.data
    if not np.isnan(data[frame.names].to_numpy(dtype=float)).any():
        return frame
    if settings.missing == "refuse":
        parts = [
            f"{name!r} at {frame.row_labels(data[name].isna())}"
            for name in frame.names
            if data[name].isna().any()
        ]
        raise DataError(
            f"missing indicator values ({frame.row_kind}): {'; '.join(parts)}. Fill or drop "
            "them, or set normalize.missing='interpolate' to interpolate linearly within entity."
        )
    assert frame.time is not None
    time_kind = data[frame.time]
    if pd.api.types.is_numeric_dtype(time_kind):
        method = "index"
    elif pd.api.types.is_datetime64_any_dtype(time_kind):
        method = "time"
    else:
        method = "linear"
    filled = data.copy()
    for _, rows in data.groupby(frame.entity, sort=False):
        rows = rows.sort_values(frame.time)
        for name in frame.names:
            series = pd.Series(rows[name].to_numpy(), index=rows[frame.time].to_numpy())
            if series.isna().all():
                raise DataError(
                    f"indicator {name!r} is missing in every year for entity "
                    f"{rows[frame.entity].iloc[0]!r}; nothing to interpolate from."
                )
            series = series.interpolate(method=method, limit_area="inside").ffill().bfill()
            filled.loc[rows.index, name] = series.to_numpy()
    return PanelFrame(filled, frame.entity, frame.time, frame.indicators)


def reference_groups(frame: PanelFrame, settings: NormalizeSettings) -> list[ReferenceGroup]:
    """Split the rows into reference sets according to ``settings.scope``."""
    n_rows = len(frame.data)
    if settings.scope == "pooled":
        every = np.ones(n_rows, dtype=bool)
        return [ReferenceGroup("pooled", None, every, every)]
    assert frame.time is not None
    times = frame.data[frame.time]
    if settings.scope == "per_year":
        groups = []
        for year in pd.unique(times):
            mask = (times == year).to_numpy()
            groups.append(ReferenceGroup(str(year), year, mask, mask))
        return groups
    mask = (times == settings.base_year).to_numpy()
    if not mask.any():
        raise DataError(
            f"normalize.base_year={settings.base_year!r} does not occur in column "
            f"{frame.time!r}; years present: {sorted(pd.unique(times).tolist())}."
        )
    return [
        ReferenceGroup(str(settings.base_year), settings.base_year, mask, np.ones(n_rows, bool))
    ]


def normalize_frame(
    frame: PanelFrame, groups: Sequence[ReferenceGroup], settings: NormalizeSettings
) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Normalised indicator columns (same row order as ``frame.data``) and, per reference
    group label, the indicators without variation in that group."""
    names = frame.names
    x = frame.data[names].to_numpy(dtype=float)
    signs = np.array([1.0 if ind.direction == "+" else -1.0 for ind in frame.indicators])
    out = np.full_like(x, np.nan)
    constant: dict[str, tuple[str, ...]] = {}
    for group in groups:
        ref, tgt = x[group.reference], x[group.target]
        lo, hi = ref.min(axis=0), ref.max(axis=0)
        flat_mask = hi == lo
        flat = [name for name, f in zip(names, flat_mask, strict=True) if f]
        if flat and settings.on_constant == "refuse":
            where = "" if group.time is None else f" in year {group.time}"
            many = len(flat) > 1
            raise DataError(
                f"indicator{'s' if many else ''} {', '.join(map(repr, flat))} "
                f"{'do' if many else 'does'} not vary{where} (zero range), so "
                f"{'they carry' if many else 'it carries'} no information; drop "
                f"{'them' if many else 'it'} or set normalize.on_constant='zero_weight'."
            )
        constant[group.label] = tuple(flat)
        if settings.method == "minmax":
            spread = np.where(flat_mask, 1.0, hi - lo)
            scaled = np.where(signs > 0, tgt - lo, hi - tgt) / spread
        else:
            sd = ref.std(axis=0, ddof=1) if len(ref) > 1 else np.ones_like(lo)
            scaled = signs * (tgt - ref.mean(axis=0)) / np.where(flat_mask, 1.0, sd)
        scaled[:, flat_mask] = 0.0
        out[group.target] = scaled + settings.shift
    return pd.DataFrame(out, index=frame.data.index, columns=names), constant


def normalize(
    df: pd.DataFrame,
    indicators: IndicatorsLike,
    *,
    entity: str | None = None,
    time: str | None = None,
    settings: NormalizeSettings | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Normalise indicator columns by direction (min-max or z-score, see module docstring).

    Parameters
    ----------
    df : long panel (columns ``entity``, ``time`` and the indicators) or, with
        ``entity=None``, a plain matrix whose row index labels the alternatives.
    indicators : the indicator system, e.g. ``{"gdp_pc": "+", "unemployment": "-"}``.
    entity, time : column names; ``time`` is needed for scopes other than 'pooled'.
    settings : :class:`NormalizeSettings` or a mapping of its fields.

    Returns
    -------
    DataFrame with the entity (and time) column(s) and one normalised column per
    indicator, in the input row order.
    """
    cfg = coerce_settings(settings)
    frame = prepare_frame(df, indicators, entity=entity, time=time, settings=cfg)
    groups = reference_groups(frame, cfg)
    values, _ = normalize_frame(frame, groups, cfg)
    keys = [frame.entity] + ([frame.time] if frame.time else [])
    return pd.concat([frame.data[keys], values], axis=1)
