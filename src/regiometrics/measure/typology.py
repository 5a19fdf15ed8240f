"""Rank-band typologies and entity-by-year index tables (002 Tables 3 and 4 layouts).

:func:`rank_typology` ranks entities on two sub-indices (rank 1 = highest value),
cuts each ranking into bands (e.g. ranks 1-10 / 11-21 / 22-31) and crosses the two
band sets into a ``k x k`` typology (002 Table 4: reconstruction ability x resistance
and recovery, 3 x 3 = 9 types). :func:`index_table` lays an index out as entities x
selected years with a mean row (002 Table 3).

Both return DataFrames; rendering to LaTeX/Markdown belongs to ``regiometrics.tables``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from regiometrics.errors import DataError, SpecError

Band = tuple[int, int]


def default_bands(n: int, k: int = 3) -> tuple[Band, ...]:
    """Split ranks ``1..n`` into ``k`` contiguous bands of near-equal size.

    Each band gets ``n // k`` ranks; the remaining ranks go one each to the bands
    nearest the middle (ties: the better band first), so 31 entities give
    1-10 / 11-21 / 22-31 as in 002 Table 4 and 32 give 1-11 / 12-22 / 23-32.
    """
    if k < 1 or n < k:
        raise SpecError(f"cannot split {n} ranks into {k} bands; need at least one rank per band.")
    sizes = [n // k] * k
    order = sorted(range(k), key=lambda i: (abs(i - (k - 1) / 2), i))
    for i in order[: n % k]:
        sizes[i] += 1
    ends = np.cumsum(sizes)
    return tuple((int(e - s + 1), int(e)) for s, e in zip(sizes, ends, strict=True))


def _check_bands(bands: Sequence[Sequence[int]], n: int) -> tuple[Band, ...]:
    try:
        parsed = tuple((int(lo), int(hi)) for lo, hi in bands)
    except (TypeError, ValueError) as exc:
        raise SpecError(
            f"bands must be pairs of ranks like [[1, 10], [11, 21]]; {bands!r} was given."
        ) from exc
    expected_lo = 1
    for lo, hi in parsed:
        if lo != expected_lo or hi < lo:
            raise SpecError(
                f"bands must be contiguous rank ranges starting at 1, e.g. [[1, 10], [11, 21], "
                f"[22, {n}]]; {[list(b) for b in parsed]} was given (band {lo}-{hi} is out of order)."
            )
        expected_lo = hi + 1
    if not parsed or parsed[-1][1] != n:
        raise SpecError(
            f"bands must cover ranks 1 to {n} (the number of entities); "
            f"{[list(b) for b in parsed]} was given."
        )
    return parsed


@dataclass(frozen=True)
class Typology:
    """Rank-band typology.

    Attributes
    ----------
    entities : one row per entity: entity, x, y, rank_x, rank_y, band_x, band_y, type.
    table : one row per (band_x, band_y) cell in band order: band_x, band_y, type,
        entities (comma-separated, by rank on x), count, explanation (002 Table 4 layout).
    bands : the rank bands used.
    """

    entities: pd.DataFrame
    table: pd.DataFrame
    bands: tuple[Band, ...]


def rank_typology(
    values: pd.DataFrame,
    *,
    entity: str,
    x: str,
    y: str,
    time: str | None = None,
    year: Hashable | None = None,
    bands: Sequence[Sequence[int]] | None = None,
    labels: Sequence[str] = ("high", "medium", "low"),
) -> Typology:
    """Classify entities by the rank bands of two sub-indices.

    Parameters
    ----------
    values : a frame holding ``entity``, ``x``, ``y`` (and ``time``), e.g. ``IndexResult.values``.
    entity, x, y : column names; ``x`` is the first criterion (rows of the typology).
    time, year : with a time column, ``year`` selects one year; without ``year`` each
        entity's mean over all its years is ranked.
    bands : rank ranges ``[(1, 10), (11, 21), (22, 31)]``; default :func:`default_bands`
        with as many bands as ``labels``.
    labels : one label per band, best first. A type is ``f"{band_x}/{band_y}"``.

    Notes
    -----
    Ranks are descending (1 = highest) with ties sharing the best rank (``method='min'``).
    """
    labels = tuple(labels)
    data = _select(values, entity=entity, columns=[x, y], time=time, year=year)
    n = len(data)
    used = default_bands(n, len(labels)) if bands is None else _check_bands(bands, n)
    if len(used) != len(labels):
        raise SpecError(
            f"{len(used)} bands but {len(labels)} labels {list(labels)}; give one label per band."
        )
    out = data.reset_index()
    for axis, col in (("x", x), ("y", y)):
        rank = out[col].rank(ascending=False, method="min").astype(int)
        out[f"rank_{axis}"] = rank
        out[f"band_{axis}"] = [_band_label(r, used, labels) for r in rank]
    out["type"] = out["band_x"] + "/" + out["band_y"]
    out = out.sort_values(["rank_x", "rank_y"], kind="stable").reset_index(drop=True)
    rows = []
    for (lo_x, hi_x), lab_x in zip(used, labels, strict=True):
        for (lo_y, hi_y), lab_y in zip(used, labels, strict=True):
            members = out.loc[(out["band_x"] == lab_x) & (out["band_y"] == lab_y), entity]
            rows.append(
                {
                    "band_x": lab_x,
                    "band_y": lab_y,
                    "type": f"{lab_x}/{lab_y}",
                    "entities": ", ".join(map(str, members)),
                    "count": len(members),
                    "explanation": f"{x} ranked {lo_x}-{hi_x}, {y} ranked {lo_y}-{hi_y}",
                }
            )
    return Typology(entities=out, table=pd.DataFrame(rows), bands=used)


def _band_label(rank: int, bands: tuple[Band, ...], labels: tuple[str, ...]) -> str:
    for (lo, hi), label in zip(bands, labels, strict=True):
        if lo <= rank <= hi:
            return label
    raise AssertionError(f"rank {rank} outside the validated bands {bands}")  # pragma: no cover


def _select(
    values: pd.DataFrame,
    *,
    entity: str,
    columns: list[str],
    time: str | None,
    year: Hashable | None,
) -> pd.DataFrame:
    needed = [entity, *columns] + ([time] if time else [])
    absent = [c for c in needed if c not in values.columns]
    if absent:
        raise DataError(f"columns {absent} not found; available columns: {list(values.columns)}.")
    if year is not None and time is None:
        raise SpecError(f"year={year!r} needs time= (the name of the time column).")
    data = values
    if year is not None:
        data = values.loc[values[time] == year]
        if data.empty:
            raise DataError(
                f"year {year!r} not found in column {time!r}; years present: "
                f"{sorted(pd.unique(values[time]).tolist())}."
            )
    if time is None or year is not None:
        dup = data[entity].duplicated()
        if dup.any():
            raise DataError(
                f"entities occur more than once ({', '.join(map(str, data.loc[dup, entity].unique()))}); "
                "pass time= to average over years, or year= to pick one."
            )
    table = data.groupby(entity, sort=False)[columns].mean()
    missing = table.isna().any(axis=1)
    if missing.any():
        raise DataError(
            f"missing {columns} values for {', '.join(map(str, table.index[missing]))}; cannot rank them."
        )
    return table


def index_table(
    values: pd.DataFrame,
    *,
    entity: str,
    time: str,
    column: str,
    years: Sequence[Hashable] | None = None,
    mean_row: bool = True,
    mean_label: str = "Mean",
) -> pd.DataFrame:
    """Entities x selected years of one index column, with a mean row (002 Table 3).

    Entities keep their order of first appearance; a missing entity-year stays NaN and
    makes that year's mean NaN (the mean is over entities, unweighted).
    """
    absent = [c for c in (entity, time, column) if c not in values.columns]
    if absent:
        raise DataError(f"columns {absent} not found; available columns: {list(values.columns)}.")
    present = pd.unique(values[time]).tolist()
    chosen = sorted(present) if years is None else list(years)
    unknown = [t for t in chosen if t not in present]
    if unknown:
        raise DataError(
            f"years {unknown} not found in column {time!r}; years present: {sorted(present)}."
        )
    if values.duplicated([entity, time]).any():
        raise DataError(
            f"rows are not unique by ({entity!r}, {time!r}); one value per entity-year is needed."
        )
    order = pd.unique(values[entity])
    table = values.pivot(index=entity, columns=time, values=column).reindex(
        index=order, columns=chosen
    )
    table.columns.name = None
    if mean_row:
        if mean_label in set(map(str, table.index)):
            raise DataError(f"an entity is named {mean_label!r}; pass another mean_label.")
        table.loc[mean_label] = table.mean(axis=0, skipna=False)
    return table
