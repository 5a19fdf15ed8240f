"""Regional resilience to a shock: resistance and recovery against a reference (national) path.

Martin (2012, J. Econ. Geogr. 12: 1-32) measures a region's reaction over a phase of the
reference series by the *sensitivity index*

.. math:: \\beta_r = \\frac{\\Delta E_r / E_r}{\\Delta E_N / E_N},

the region's growth over the phase relative to the reference growth (a contraction phase
gives *resistance*, an expansion phase *recovery*). Martin, Sunley, Gardiner & Tyler (2016,
Regional Studies 50: 561-585) use the *expected-change* form

.. math::
    R_r = \\frac{\\Delta E_r - \\Delta E_r^{exp}}{|\\Delta E_r^{exp}|},\\qquad
    \\Delta E_r^{exp} = \\sum_i E_{ir}^{start}\\, g_{iN},

with :math:`g_{iN}` the reference growth of industry i over the phase (one aggregate
"industry" when no industry column is given, so :math:`\\Delta E_r^{exp} = E_r g_N`).
:math:`R_r > 0` means the region did better than the reference path (less contraction,
more recovery). 000 (China-Russia border trade 2004-2021) and 001 (export resilience,
resistance 2008-2009 and recovery 2009-2011) apply this to trade.

Phases come from the user or from :func:`detect_phases`: turning points of the reference
series split it into alternating contraction (peak to trough) and expansion (trough to
peak) phases that share their turning years, as 001's 2008-2009 / 2009-2011 do.

Row shape of :func:`resilience` (one row per entity and phase)
--------------------------------------------------------------
``entity, phase, kind, measure, start, end, value_start, value_end, change, growth,
reference_growth, sensitivity, expected_change, resilience`` where ``measure`` is
``"resistance"`` for contraction and ``"recovery"`` for expansion phases.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from itertools import pairwise
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from regiometrics.errors import DataError
from regiometrics.measure._longframe import (
    check_labels,
    check_option,
    check_positive,
    check_unique,
    numeric_column,
    require_columns,
    scalar,
)

PhaseKind = Literal["contraction", "expansion"]
PhaseInput: TypeAlias = pd.DataFrame | Sequence[tuple[Any, Any] | tuple[Any, Any, str]]

__all__ = ["PhaseKind", "detect_phases", "resilience"]

_MEASURE = {"contraction": "resistance", "expansion": "recovery"}


def _reference_frame(reference: pd.Series) -> pd.Series:
    """Validate a time-indexed reference series; return it sorted, as float."""
    func = "detect_phases"
    if not isinstance(reference, pd.Series):
        raise DataError(
            f"{func}: the reference must be a pandas Series indexed by time, got "
            f"{type(reference).__name__}."
        )
    if reference.index.has_duplicates:
        dup = reference.index[reference.index.duplicated()].unique().tolist()
        raise DataError(
            f"{func}: the reference series has duplicated times {dup}; give one value per "
            "period (sum industries first)."
        )
    ref = pd.to_numeric(reference, errors="coerce").astype(float).sort_index()
    if ref.isna().any():
        raise DataError(
            f"{func}: the reference series is missing or non-numeric at times "
            f"{ref.index[ref.isna()].tolist()}."
        )
    return ref


def detect_phases(reference: pd.Series) -> pd.DataFrame:
    """Split a reference series into contraction and expansion phases at its turning points.

    Parameters
    ----------
    reference
        The reference (national) series indexed by time, e.g. national trade by year.

    Returns
    -------
    DataFrame with columns ``phase`` (1, 2, ...), ``kind`` (``"contraction"`` or
    ``"expansion"``), ``start``, ``end``, ``reference_start``, ``reference_end`` and
    ``reference_growth`` (``reference_end / reference_start - 1``).

    Notes
    -----
    With :math:`d_t = \\operatorname{sign}(R_t - R_{t-1})`, a year in which the sign of the
    change flips is a turning point: a peak after rising years, a trough after falling
    years. A year with no change continues the current direction. Phases run from one
    turning point (or the first year) to the next (or the last year); consecutive phases
    share the turning year, so a contraction ends in the trough where the expansion starts.
    """
    ref = _reference_frame(reference)
    if len(ref) < 2:
        raise DataError(
            "detect_phases: the reference series needs at least two periods to have a "
            f"direction; it has {len(ref)}."
        )
    steps = np.sign(np.diff(ref.to_numpy()))
    if not steps.any():
        raise DataError(
            "detect_phases: the reference series is constant, so it has no contraction or "
            "expansion phases. Give the phases explicitly."
        )
    first = steps[np.flatnonzero(steps)[0]]
    direction = np.empty_like(steps)
    current = first
    for k, s in enumerate(steps):  # zero change keeps the running direction
        current = s if s != 0 else current
        direction[k] = current
    times = ref.index.to_list()
    cuts = (
        [0]
        + [k + 1 for k in range(len(direction) - 1) if direction[k] != direction[k + 1]]
        + [len(times) - 1]
    )
    rows = []
    for number, (a, b) in enumerate(pairwise(cuts), start=1):
        start_value, end_value = float(ref.iloc[a]), float(ref.iloc[b])
        rows.append(
            {
                "phase": number,
                "kind": "expansion" if direction[a] > 0 else "contraction",
                "start": scalar(times[a]),
                "end": scalar(times[b]),
                "reference_start": start_value,
                "reference_end": end_value,
                "reference_growth": end_value / start_value - 1.0 if start_value != 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _phase_table(phases: PhaseInput) -> list[tuple[Any, Any, str | None]]:
    func = "resilience"
    if isinstance(phases, pd.DataFrame):
        require_columns(func, phases, ["start", "end"])
        kinds = phases["kind"] if "kind" in phases.columns else [None] * len(phases)
        table = list(zip(phases["start"], phases["end"], kinds))
    else:
        table = []
        for item in phases:
            if not isinstance(item, tuple | list) or len(item) not in (2, 3):
                raise DataError(
                    f"{func}: each phase must be (start, end) or (start, end, kind); got {item!r}."
                )
            table.append((item[0], item[1], item[2] if len(item) == 3 else None))
    if not table:
        raise DataError(f"{func}: no phases given; pass at least one (start, end) pair.")
    for start, end, kind in table:
        if not start < end:
            raise DataError(f"{func}: phase ({start!r}, {end!r}) must start before it ends.")
        if kind is not None:
            check_option(func, "phase kind", kind, PhaseKind)
    return table


def resilience(
    df: pd.DataFrame,
    *,
    value: str,
    entity: str,
    time: str,
    reference: pd.Series | None = None,
    phases: PhaseInput | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Resistance and recovery of every entity over contraction and expansion phases.

    Parameters
    ----------
    df
        Long frame with one row per entity-year, or per entity-industry-year when
        ``industry`` is given.
    value
        The variable hit by the shock (trade, exports, employment, GDP); must be >= 0 and
        positive at phase starts.
    entity, time
        Label columns.
    reference
        The reference path. ``None`` uses the sum of ``value`` over all entities (the
        national total when the entities cover the nation). Otherwise a Series indexed by
        time, or by (time, industry) when ``industry`` is given.
    phases
        ``None`` detects them from the reference (:func:`detect_phases`). Otherwise a
        sequence of ``(start, end)`` or ``(start, end, kind)`` tuples, or a DataFrame with
        ``start``, ``end`` and optionally ``kind``. Without a kind, a phase over which the
        reference falls is a contraction, otherwise an expansion.
    industry
        Optional industry column: the expected change then uses the reference growth of
        each industry (shift-share expectation of Martin et al. 2016).

    Returns
    -------
    DataFrame, one row per entity and phase; columns in the module docstring.
    ``sensitivity`` is Martin's (2012) :math:`\\beta_r = g_r/g_N` on totals and
    ``resilience`` the expected-change index :math:`(\\Delta E_r -
    \\Delta E_r^{exp})/|\\Delta E_r^{exp}|`.
    """
    func = "resilience"
    require_columns(func, df, [entity, time, value, industry])
    keys = [entity, industry, time]
    for label in (entity, time, industry):
        if label is not None:
            check_labels(func, df, label, keys)
    check_unique(func, df, keys)
    x = numeric_column(func, df, value, keys)
    check_positive(func, df, value, x, keys, strict=False, why="growth rates are taken")
    data = pd.DataFrame(
        {
            "e": df[entity].to_numpy(),
            "t": df[time].to_numpy(),
            "i": df[industry].to_numpy() if industry is not None else 0,
            "x": x,
        }
    )
    # entity x time x industry array of values (industry absent -> 0)
    cube = data.pivot_table(
        index=["e", "t"], columns="i", values="x", aggfunc="sum", fill_value=0.0
    )
    ref_by_industry = _reference_by_industry(data, reference, industry)
    if phases is None:
        table = [
            (p.start, p.end, p.kind)
            for p in detect_phases(ref_by_industry.sum(axis=1)).itertuples()
        ]
    else:
        table = _phase_table(phases)

    times = set(data["t"])
    rows: list[dict[str, Any]] = []
    for number, (start, end, kind) in enumerate(table, start=1):
        for moment in (start, end):
            if moment not in times or moment not in ref_by_industry.index:
                where_missing = "the data" if moment not in times else "the reference series"
                raise DataError(
                    f"{func}: phase {number} ({start!r}-{end!r}) needs {time}={moment!r}, "
                    f"which is not in {where_missing} (its {time} runs from "
                    f"{min(times)!r} to {max(times)!r}). Choose phases inside the data."
                )
        ref_s = ref_by_industry.loc[start]
        ref_e = ref_by_industry.loc[end]
        g_ref = float(ref_e.sum() / ref_s.sum() - 1.0) if ref_s.sum() > 0 else np.nan
        if not np.isfinite(g_ref) or g_ref == 0.0:
            raise DataError(
                f"{func}: the reference does not change over phase {number} ({start!r}-"
                f"{end!r}) (start {ref_s.sum()!r}, end {ref_e.sum()!r}); the sensitivity "
                "index is undefined. Choose phases over which the reference moves."
            )
        if kind is None:
            kind = "contraction" if g_ref < 0 else "expansion"
        rs = ref_s.reindex(cube.columns).to_numpy()
        re_ = ref_e.reindex(cube.columns).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            g_ind = np.where(rs > 0, re_ / rs - 1.0, np.nan)  # NaN: no reference base
        for e in sorted(data["e"].unique(), key=str):
            rows.append(
                _entity_row(func, cube, e, number, kind, start, end, g_ref, g_ind, entity, time)
            )
    out = pd.DataFrame(rows)
    return out.rename(columns={"entity": entity}) if entity != "entity" else out


def _reference_by_industry(
    data: pd.DataFrame, reference: pd.Series | None, industry: str | None
) -> pd.DataFrame:
    """Reference values as a time x industry frame (a single column without industries)."""
    func = "resilience"
    if reference is None:
        return data.pivot_table(index="t", columns="i", values="x", aggfunc="sum", fill_value=0.0)
    if not isinstance(reference, pd.Series):
        raise DataError(
            f"{func}: 'reference' must be a pandas Series, got {type(reference).__name__}."
        )
    if industry is None:
        ref = _reference_frame(reference)
        return ref.to_frame(0)
    if reference.index.nlevels != 2:
        raise DataError(
            f"{func}: with industry='{industry}' the reference must be indexed by (time, "
            "industry); pass reference=None to use the sum over entities."
        )
    ref = reference.astype(float).unstack(1)
    industries = set(data["i"])
    missing = sorted(industries - set(ref.columns), key=str)
    if missing:
        raise DataError(
            f"{func}: the reference has no values for industries {missing}; it must cover "
            "every industry in the data."
        )
    return ref.fillna(0.0)


def _entity_row(
    func: str,
    cube: pd.DataFrame,
    e: Hashable,
    number: int,
    kind: str,
    start: Any,
    end: Any,
    g_ref: float,
    g_ind: np.ndarray,
    entity: str,
    time: str,
) -> dict[str, Any]:
    try:
        xs = cube.loc[(e, start)].to_numpy()
        xe = cube.loc[(e, end)].to_numpy()
    except KeyError:
        have = set(cube.loc[e].index)
        gone = [t for t in (start, end) if t not in have]
        raise DataError(
            f"{func}: {entity} {e!r} has no data in {time} {gone} needed by phase {number} "
            f"({start!r}-{end!r}). Complete the panel or drop the entity."
        ) from None
    total_s, total_e = float(xs.sum()), float(xe.sum())
    if total_s <= 0:
        raise DataError(
            f"{func}: {entity} {e!r} has value 0 at the start of phase {number} ({time} "
            f"{start!r}); its growth rate is undefined. Drop it or choose another phase."
        )
    change = total_e - total_s
    growth = change / total_s
    undefined = (xs > 0) & np.isnan(g_ind)
    if undefined.any():
        raise DataError(
            f"{func}: the reference is 0 at {time} {start!r} for industries "
            f"{list(cube.columns[undefined])} where {entity} {e!r} is active, so their "
            "expected growth is undefined. Check the reference series."
        )
    expected = float(np.dot(xs[xs > 0], g_ind[xs > 0]))
    return {
        "entity": scalar(e),
        "phase": number,
        "kind": kind,
        "measure": _MEASURE[kind],
        "start": scalar(start),
        "end": scalar(end),
        "value_start": total_s,
        "value_end": total_e,
        "change": change,
        "growth": growth,
        "reference_growth": g_ref,
        "sensitivity": growth / g_ref,
        "expected_change": expected,
        "resilience": (change - expected) / abs(expected) if expected != 0 else np.nan,
    }
