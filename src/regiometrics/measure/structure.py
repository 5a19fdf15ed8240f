r"""Industrial structure of regions: hierarchy coefficient, specialization, variety, LQs, openness.

Inputs are long frames. :func:`hierarchy_coefficient` and :func:`external_dependence` read
one row per entity(-year) with the sector outputs / trade / GDP as columns; the others read
*region x industry (x year)* rows with an ``industry`` label and a ``value`` (employment,
output, exports). An industry without a row in a region counts as 0.

Row shapes
----------
:func:`hierarchy_coefficient`   ``entity, time, IS``
:func:`specialization`          ``entity, time, krugman, herfindahl``
:func:`variety`                 ``entity, time, variety, unrelated_variety, related_variety``
:func:`sector_variety`          ``entity, time, sector, sector_share, sector_variety``, and
                                the three variety columns of the region
:func:`location_quotients`      ``entity, time, industry, share, reference_share, lq``
:func:`external_dependence`     ``entity, time, external_dependence``

The ``entity``/``time``/``industry`` columns keep the caller's column names; ``time`` is
omitted when no time column is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import xlogy

from regiometrics.errors import DataError
from regiometrics.measure._longframe import (
    check_labels,
    check_option,
    check_positive,
    check_unique,
    numeric_column,
    require_columns,
    where,
)

SpecializationReference = Literal["total", "rest"]

__all__ = [
    "SpecializationReference",
    "external_dependence",
    "hierarchy_coefficient",
    "location_quotients",
    "sector_variety",
    "specialization",
    "variety",
]


def _keys(entity: str, time: str | None) -> list[str]:
    return [entity] if time is None else [entity, time]


def _entity_frame(
    func: str, df: pd.DataFrame, entity: str, time: str | None, columns: Sequence[str | None]
) -> None:
    require_columns(func, df, [entity, time, *columns])
    for label in _keys(entity, time):
        check_labels(func, df, label, _keys(entity, time))
    check_unique(func, df, _keys(entity, time))


# --------------------------------------------------------------------------- IS


def hierarchy_coefficient(
    df: pd.DataFrame,
    *,
    sectors: Sequence[str],
    entity: str,
    time: str | None = None,
    total: str | None = None,
) -> pd.DataFrame:
    r"""Industrial-structure hierarchy coefficient of 003, eq. (11).

    Parameters
    ----------
    df
        One row per entity(-year).
    sectors
        Columns of sector value added in hierarchy order (primary, secondary, tertiary);
        sector ``j`` (1-based position) gets weight ``j``.
    entity, time
        Label columns.
    total
        Column with regional GDP :math:`Y`; ``None`` uses the sum of ``sectors``.

    Returns
    -------
    DataFrame ``entity, time, IS``.

    Notes
    -----
    .. math:: IS_{it} = \sum_{j=1}^{J} j\,\frac{Y_{it,j}}{Y_{it}},

    between 1 (all primary) and J (all in the top sector) when :math:`Y = \sum_j Y_j`.
    """
    func = "hierarchy_coefficient"
    if isinstance(sectors, str) or len(sectors) < 2:
        raise DataError(
            f"{func}: 'sectors' must list at least two columns in hierarchy "
            f"order (e.g. ['Y1', 'Y2', 'Y3']); got {sectors!r}."
        )
    _entity_frame(func, df, entity, time, [*sectors, total])
    keys = _keys(entity, time)
    parts = np.column_stack([numeric_column(func, df, c, keys) for c in sectors])
    for j, c in enumerate(sectors):
        check_positive(func, df, c, parts[:, j], keys, strict=False, why="it is value added")
    y = numeric_column(func, df, total, keys) if total else parts.sum(axis=1)
    check_positive(
        func,
        df,
        total or "sum of sectors",
        y,
        keys,
        strict=True,
        why="it divides the sector values",
    )
    out = df[keys].reset_index(drop=True).copy()
    out["IS"] = parts @ np.arange(1, len(sectors) + 1) / y
    return out


# --------------------------------------------------------------------------- region x industry


@dataclass(frozen=True)
class _Cube:
    """Region-year x industry matrix of values built from validated long rows."""

    keys: pd.DataFrame  # one row per region(-year): the entity (and time) labels
    industries: np.ndarray  # column labels of ``values``
    values: np.ndarray  # (region-years, industries); 0 where an industry has no row
    row: np.ndarray  # for each input row: its region-year row in ``values``
    col: np.ndarray  # for each input row: its industry column in ``values``
    period: np.ndarray  # for each region-year row: its time period code


def _cube(
    func: str, df: pd.DataFrame, entity: str, industry: str, value: str, time: str | None
) -> _Cube:
    require_columns(func, df, [entity, time, industry, value])
    keys = [entity, industry] if time is None else [entity, industry, time]
    for label in keys:
        check_labels(func, df, label, keys)
    check_unique(func, df, keys)
    x = numeric_column(func, df, value, keys)
    check_positive(func, df, value, x, keys, strict=False, why="it is an industry size")
    region_keys = _keys(entity, time)
    row, labels = pd.MultiIndex.from_frame(df[region_keys]).factorize(sort=True)
    col, industries = pd.factorize(df[industry], sort=True)
    values = np.zeros((len(labels), len(industries)))
    values[row, col] = x
    totals = values.sum(axis=1)
    if (totals <= 0).any():
        raise DataError(
            f"{func}: '{value}' sums to 0 over all industries for "
            f"{where(df, totals[row] <= 0, region_keys)}; shares are undefined. Drop these "
            "entity-years."
        )
    key_frame = labels.to_frame(index=False)
    key_frame.columns = region_keys  # factorize drops the level names
    period = (
        pd.factorize(key_frame[time], sort=True)[0]
        if time is not None
        else np.zeros(len(labels), dtype=int)
    )
    return _Cube(key_frame, np.asarray(industries), values, row, col, period)


def _period_sums(cube: _Cube) -> np.ndarray:
    """For each region-year row, the industry totals over all regions of its period."""
    sums = np.zeros((cube.period.max() + 1, cube.values.shape[1]))
    np.add.at(sums, cube.period, cube.values)
    return sums[cube.period]


def specialization(
    df: pd.DataFrame,
    *,
    entity: str,
    industry: str,
    value: str,
    time: str | None = None,
    reference: SpecializationReference = "total",
) -> pd.DataFrame:
    r"""Krugman specialization index and Herfindahl concentration of each region's industries.

    Parameters
    ----------
    df
        Region x industry (x year) rows.
    entity, industry, value, time
        Column names.
    reference
        Industry shares the region is compared with: ``"total"`` (all regions, the
        national structure) or ``"rest"`` (all other regions, Krugman's 1991 original).

    Returns
    -------
    DataFrame ``entity, time, krugman, herfindahl``.

    Notes
    -----
    With :math:`s_{ir} = E_{ir}/E_r` and reference shares :math:`\bar s_i`,

    .. math:: K_r = \sum_i |s_{ir} - \bar s_i| \in [0, 2], \qquad H_r = \sum_i s_{ir}^2.
    """
    func = "specialization"
    check_option(func, "reference", reference, SpecializationReference)
    cube = _cube(func, df, entity, industry, value, time)
    values = cube.values
    shares = values / values.sum(axis=1, keepdims=True)
    ref = _period_sums(cube)
    if reference == "rest":
        counts = np.bincount(cube.period)
        if (counts < 2).any():
            t = cube.keys[time].iloc[np.flatnonzero(counts[cube.period] < 2)[0]] if time else None
            raise DataError(
                f"{func}: reference='rest' needs at least two regions in each period; "
                f"{'the data have' if time is None else f'{time}={t} has'} one."
            )
        ref = ref - values
    ref_shares = ref / ref.sum(axis=1, keepdims=True)
    out = cube.keys.copy()
    out["krugman"] = np.abs(shares - ref_shares).sum(axis=1)
    out["herfindahl"] = (shares**2).sum(axis=1)
    return out


def variety(
    df: pd.DataFrame,
    *,
    entity: str,
    industry: str,
    value: str,
    time: str | None = None,
    sector: str | None = None,
    sector_digits: int | None = None,
    base: float = 2.0,
) -> pd.DataFrame:
    r"""Total, unrelated and related variety (Frenken, Van Oort & Verburg 2007).

    Parameters
    ----------
    df
        Region x industry (x year) rows at the fine level of the hierarchy (e.g. 4-digit).
    entity, industry, value, time
        Column names.
    sector, sector_digits
        The coarse level, exactly one of: a column giving each industry's sector, or the
        number of leading characters of the industry code that make the sector code
        (``sector_digits=2`` maps ``"1311"`` to ``"13"``).
    base
        Logarithm base; 2 as in Frenken et al.

    Returns
    -------
    DataFrame ``entity, time, variety, unrelated_variety, related_variety``.

    Notes
    -----
    With fine shares :math:`p_i`, sector shares :math:`P_g = \sum_{i\in S_g} p_i`:

    .. math::
        UV = \sum_g P_g \log\frac{1}{P_g},\qquad
        RV = \sum_g P_g H_g,\quad H_g = \sum_{i\in S_g}\frac{p_i}{P_g}\log\frac{P_g}{p_i},

    and the entropy decomposition :math:`\text{variety} = \sum_i p_i\log(1/p_i) = UV + RV`
    holds exactly (``variety`` is computed directly, not as the sum).
    """
    func = "variety"
    cube, g_code, _ = _sector_cube(func, df, entity, industry, value, time, sector,
                                   sector_digits, base)
    p, big_p = _sector_shares(cube, g_code)
    log_base = np.log(base)
    parent = big_p[:, g_code]  # P_g of each industry's sector
    with np.errstate(divide="ignore", invalid="ignore"):
        related_terms = np.where(p > 0, p * np.log(parent / p), 0.0)
    out = cube.keys.copy()
    out["variety"] = -xlogy(p, p).sum(axis=1) / log_base
    out["unrelated_variety"] = -xlogy(big_p, big_p).sum(axis=1) / log_base
    out["related_variety"] = related_terms.sum(axis=1) / log_base
    return out


def sector_variety(
    df: pd.DataFrame,
    *,
    entity: str,
    industry: str,
    value: str,
    sector: str,
    time: str | None = None,
    base: float = 2.0,
) -> pd.DataFrame:
    r"""Each region's variety within every sector, beside its total, unrelated and related variety.

    The sector terms of Frenken, Van Oort & Verburg's (2007) decomposition: the entropy of
    a region's industries inside one sector (the related variety around an industry of that
    sector, 001) and the sector's share of the region.

    Parameters
    ----------
    df
        Region x industry (x year) rows at the fine level (e.g. HS-2 chapters), each with
        its sector (e.g. HS section) in column ``sector``.
    entity, industry, value, sector, time
        Column names.
    base
        Logarithm base; 2 as in Frenken et al.

    Returns
    -------
    DataFrame ``entity, time, sector, sector_share, sector_variety, variety,
    unrelated_variety, related_variety``: one row per region(-year) and sector present in
    the data, sorted by entity, time and sector; the last three repeat the region(-year)'s
    values of :func:`variety`.

    Notes
    -----
    With fine shares :math:`p_i` of the region and sector shares
    :math:`P_g = \sum_{i\in S_g} p_i`,

    .. math::
        \text{sector\_share}_g = P_g,\qquad
        \text{sector\_variety}_g = H_g = \sum_{i\in S_g}\frac{p_i}{P_g}\log\frac{P_g}{p_i},

    so that :math:`RV = \sum_g P_g H_g`. :math:`H_g` is undefined (NaN) where the region
    has nothing in sector :math:`g` (:math:`P_g = 0`); such sectors add 0 to RV.
    """
    func = "sector_variety"
    cube, g_code, sectors = _sector_cube(func, df, entity, industry, value, time, sector,
                                         None, base)
    p, big_p = _sector_shares(cube, g_code)
    log_base = np.log(base)
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = np.where(p > 0, p * np.log(big_p[:, g_code] / p), 0.0)  # terms of P_g H_g
        h = np.where(big_p > 0, (inside @ _one_hot(g_code)) / big_p, np.nan) / log_base
    totals = variety(df, entity=entity, industry=industry, value=value, time=time,
                     sector=sector, base=base)
    n_rows, n_sectors = big_p.shape
    keys = _keys(entity, time)
    out = cube.keys.iloc[np.repeat(np.arange(n_rows), n_sectors)].reset_index(drop=True)
    out[sector] = np.tile(sectors, n_rows)
    out["sector_share"] = big_p.ravel()
    out["sector_variety"] = h.ravel()
    present = np.zeros_like(big_p, dtype=bool)  # region-sector pairs with a row in the data
    present[cube.row, g_code[cube.col]] = True
    out = out[present.ravel()].merge(totals, on=keys, how="left", validate="many_to_one")
    return out.sort_values([*keys, sector], kind="stable").reset_index(drop=True)


def _sector_cube(
    func: str,
    df: pd.DataFrame,
    entity: str,
    industry: str,
    value: str,
    time: str | None,
    sector: str | None,
    sector_digits: int | None,
    base: float,
) -> tuple[_Cube, np.ndarray, np.ndarray]:
    """The region x industry cube, each industry's sector code and the sector labels."""
    if (sector is None) == (sector_digits is None):
        raise DataError(
            f"{func}: give exactly one of 'sector' (a column) or 'sector_digits' "
            "(leading characters of the industry code) for the coarse level."
        )
    if not base > 1:
        raise DataError(f"{func}: 'base' must be > 1, got {base!r}.")
    cube = _cube(func, df, entity, industry, value, time)
    if sector is not None:
        require_columns(func, df, [sector])
        check_labels(func, df, sector, [entity, industry, time])
        pairs = pd.DataFrame({"i": cube.col, "g": df[sector].to_numpy()}).drop_duplicates()
        clash = pairs["i"][pairs["i"].duplicated()].unique()
        if len(clash):
            raise DataError(
                f"{func}: industries {cube.industries[clash][:8].tolist()} are assigned to "
                f"more than one '{sector}'; the hierarchy must map every industry to one sector."
            )
        sector_of = pairs.set_index("i")["g"].reindex(range(len(cube.industries))).to_numpy()
    else:
        if not isinstance(sector_digits, int) or sector_digits < 1:
            raise DataError(
                f"{func}: 'sector_digits' must be a positive integer, got {sector_digits!r}."
            )
        codes = pd.Series(cube.industries).astype(str)
        short = codes.str.len() <= sector_digits
        if short.any():
            raise DataError(
                f"{func}: industry codes {sorted(set(codes[short]))[:8]} have no more than "
                f"{sector_digits} characters, so they cannot be split into sector and "
                "industry. Use a 'sector' column instead."
            )
        sector_of = codes.str[:sector_digits].to_numpy()
    g_code, sectors = pd.factorize(sector_of, sort=True)
    return cube, g_code, np.asarray(sectors)


def _sector_shares(cube: _Cube, g_code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fine shares p_i and sector shares P_g of every region(-year) row."""
    p = cube.values / cube.values.sum(axis=1, keepdims=True)
    return p, p @ _one_hot(g_code)


def _one_hot(g_code: np.ndarray) -> np.ndarray:
    """Industry x sector 0/1 matrix: row i has its 1 in column ``g_code[i]``."""
    out = np.zeros((len(g_code), g_code.max() + 1))
    out[np.arange(len(g_code)), g_code] = 1.0
    return out


def location_quotients(
    df: pd.DataFrame,
    *,
    entity: str,
    industry: str,
    value: str,
    time: str | None = None,
) -> pd.DataFrame:
    r"""Location quotients of every region-industry(-year).

    Returns
    -------
    DataFrame ``entity, time, industry, share, reference_share, lq`` with one row per
    region-industry(-year) row of the input, sorted by entity, time and industry.

    Notes
    -----
    .. math:: LQ_{ir} = \frac{E_{ir}/E_r}{E_{iN}/E_N},

    with the reference :math:`N` the sum over all regions of the period.
    """
    func = "location_quotients"
    cube = _cube(func, df, entity, industry, value, time)
    shares = cube.values / cube.values.sum(axis=1, keepdims=True)
    national = _period_sums(cube)
    ref_shares = national / national.sum(axis=1, keepdims=True)
    out = cube.keys.iloc[cube.row].reset_index(drop=True)
    out[industry] = cube.industries[cube.col]
    out["share"] = shares[cube.row, cube.col]
    out["reference_share"] = ref_shares[cube.row, cube.col]
    out["lq"] = out["share"] / out["reference_share"]
    return out.sort_values([*_keys(entity, time), industry], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- openness


def external_dependence(
    df: pd.DataFrame,
    *,
    trade: str,
    gdp: str,
    entity: str,
    time: str,
    exchange_rate: str | pd.Series | Mapping[object, float],
    scale: float = 1.0,
) -> pd.DataFrame:
    r"""External (foreign-trade) dependence: trade converted at the year's exchange rate / GDP.

    Parameters
    ----------
    df
        One row per entity-year.
    trade
        Total imports + exports in foreign currency (004: 100 million US dollars).
    gdp
        GDP in domestic currency (004: 100 million RMB); must be > 0.
    entity, time
        Label columns.
    exchange_rate
        Domestic currency per unit of foreign currency for each year: a column of ``df``,
        or a Series / mapping from time to rate. Must be > 0.
    scale
        Unit factor applied to converted trade when trade and GDP units differ (e.g.
        ``1e-4`` for trade in 10 thousand USD against GDP in 100 million RMB).

    Returns
    -------
    DataFrame ``entity, time, external_dependence`` (a ratio; x100 for percent).

    Notes
    -----
    .. math:: ED_{rt} = \frac{\text{scale}\cdot TRADE_{rt}\cdot e_t}{GDP_{rt}}.
    """
    func = "external_dependence"
    rate_column = exchange_rate if isinstance(exchange_rate, str) else None
    _entity_frame(func, df, entity, time, [trade, gdp, rate_column])
    keys = [entity, time]
    x = numeric_column(func, df, trade, keys)
    check_positive(func, df, trade, x, keys, strict=False, why="it is a trade volume")
    y = numeric_column(func, df, gdp, keys)
    check_positive(func, df, gdp, y, keys, strict=True, why="it divides trade")
    if rate_column is not None:
        rate = numeric_column(func, df, rate_column, keys)
        check_positive(func, df, rate_column, rate, keys, strict=True, why="exchange rate")
    else:
        mapping = pd.Series(exchange_rate, dtype=float)
        missing = sorted(set(df[time]) - set(mapping.index), key=str)
        if missing:
            raise DataError(
                f"{func}: no exchange rate for {time} {missing[:8]}; give a rate for every "
                "year in the data."
            )
        rate = mapping.reindex(df[time]).to_numpy(dtype=float)
        bad = ~(rate > 0)
        if bad.any():
            raise DataError(
                f"{func}: exchange rates must be positive numbers; {time} "
                f"{sorted(set(df[time][bad]), key=str)[:8]} have {rate[bad][:8].tolist()}."
            )
    out = df[keys].reset_index(drop=True).copy()
    out["external_dependence"] = scale * x * rate / y
    return out
