"""Inequality measures of a regional panel: Theil T/L, Gini, Dagum's Gini decomposition, imbalance.

All functions read a *long* frame (one row per entity, or per entity-year when ``time`` is
given) and return a DataFrame with **one row per time period** in sorted time order. When
``time`` is ``None`` the whole frame is one period and the ``time`` field is ``None``.

Row shapes (the contract the pipeline puts under ``results.json`` ``measures.<id>``)
-----------------------------------------------------------------------------------
:func:`theil`
    ``time, kind, n, total``.
:func:`theil_decomposition`
    ``time, kind, n, total, between, within, share_between, share_within`` and, for every
    group ``g`` (labels in sorted order, the same columns in every row):
    ``theil:g`` (the group's own index T_g, as in the region columns of 002's Table 5),
    ``within:g`` (its contribution to ``within``), ``share_within:g`` (``within:g / total``),
    ``weight_share:g`` (W_g) and ``value_share:g`` (S_g).
:func:`gini`
    ``time, n, total``.
:func:`dagum_gini`
    ``time, n, total, within, between, transvariation`` and their ``share_*`` (fractions of
    ``total``); per group ``gini:g`` (G_jj), ``within:g``, ``share_within:g``; per pair of
    groups ``g|h`` (``g`` before ``h`` in sorted order) ``gini:g|h`` (G_jh), ``D:g|h``,
    ``between:g|h`` and ``transvariation:g|h``.
:func:`imbalance_index`
    ``time, index, change, national`` and per entity ``k``: ``share:k`` (delta_k) and
    ``part:k`` (delta_k |FT_k - FT_N|).

Contribution rates are fractions (0.62, not 62 %); a table multiplies by 100. A group absent
in a period gives NaN in its columns. Shares are NaN when ``total`` is 0.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import combinations
from typing import Any, Literal

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
    scalar,
    time_groups,
)

TheilKind = Literal["T", "L"]
NationalLevel = Literal["mean", "weighted"]

__all__ = [
    "NationalLevel",
    "TheilKind",
    "dagum_gini",
    "gini",
    "imbalance_index",
    "theil",
    "theil_decomposition",
]


# --------------------------------------------------------------------------- input


def _prepare(
    func: str,
    df: pd.DataFrame,
    *,
    value: str,
    entity: str,
    time: str | None,
    group: str | None,
    weight: str | None,
    strict: bool | None,
    why: str,
) -> pd.DataFrame:
    """Validate and return a frame with columns ``_t, _g, _x, _w`` (``_w`` raw weights)."""
    require_columns(func, df, [entity, time, group, value, weight])
    keys = [entity, time]
    for label in (entity, time, group):
        if label is not None:
            check_labels(func, df, label, keys)
    check_unique(func, df, keys)
    x = numeric_column(func, df, value, keys)
    if strict is not None:  # None: any sign allowed
        check_positive(func, df, value, x, keys, strict=strict, why=why)
    if weight is None:
        w = np.ones(len(df))
    else:
        w = numeric_column(func, df, weight, keys)
        check_positive(func, df, weight, w, keys, strict=True, why="weights")
    out = pd.DataFrame(
        {
            "_t": df[time].to_numpy() if time is not None else np.zeros(len(df)),
            "_g": df[group].to_numpy() if group is not None else np.zeros(len(df)),
            "_x": x,
            "_w": w,
        },
        index=df.index,
    )
    for t, part in time_groups(out, "_t"):
        if strict is not None and part["_x"].sum() <= 0:
            label = "" if time is None else f" in {time}={t}"
            raise DataError(
                f"{func}: all values of '{value}' are zero{label}; the mean must be positive "
                "for a relative inequality measure."
            )
    return out


def _groups(frame: pd.DataFrame) -> list[Hashable]:
    return sorted(pd.unique(frame["_g"]), key=str)


def _time_value(time: str | None, t: Any) -> Any:
    return None if time is None else scalar(t)


# --------------------------------------------------------------------------- Theil


def _theil(x: np.ndarray, w: np.ndarray, kind: str) -> float:
    """Theil index of ``x`` with weights ``w`` summing to one.

    T = sum_i w_i (x_i/mu) ln(x_i/mu);  L = sum_i w_i ln(mu/x_i);  mu = sum_i w_i x_i.
    """
    mu = float(np.dot(w, x))
    if mu == 0.0:  # a group of zeros (T only): no inequality inside it
        return 0.0
    r = x / mu
    if kind == "T":
        return float(np.sum(xlogy(w * r, r)))
    return float(-np.dot(w, np.log(r)))


def theil(
    df: pd.DataFrame,
    *,
    value: str,
    entity: str,
    time: str | None = None,
    weight: str | None = None,
    kind: TheilKind = "T",
) -> pd.DataFrame:
    r"""Theil index (T or L) of ``value`` across entities, per time period.

    Parameters
    ----------
    df
        Long frame, one row per entity(-year).
    value
        The variable whose inequality is measured (per-capita income, an index...).
    entity, time
        Label columns; ``time=None`` treats ``df`` as one cross-section.
    weight
        Optional positive weights (population, output). ``None`` weights entities equally.
    kind
        ``"T"`` (GE(1), Theil's first measure) or ``"L"`` (GE(0), mean log deviation).

    Returns
    -------
    DataFrame with columns ``time, kind, n, total``, one row per period.

    Notes
    -----
    With normalised weights :math:`w_i = p_i / \sum_k p_k` and :math:`\mu = \sum_i w_i x_i`,

    .. math::
        T = \sum_i w_i \frac{x_i}{\mu}\ln\frac{x_i}{\mu}, \qquad
        L = \sum_i w_i \ln\frac{\mu}{x_i}.

    With population weights :math:`w_i x_i/\mu` is entity i's share of the total, so T is
    the population-weighted index of 002 (eq. in Sec. 4) and, unweighted, pysal's ``Theil``.
    T accepts zero values (:math:`0 \ln 0 = 0`); L needs strictly positive values.
    """
    check_option("theil", "kind", kind, TheilKind)
    frame = _prepare(
        "theil", df, value=value, entity=entity, time=time, group=None, weight=weight,
        strict=(kind == "L"), why=f"Theil {kind} takes logarithms of it",
    )
    rows = []
    for t, part in time_groups(frame, "_t"):
        w = part["_w"].to_numpy() / part["_w"].sum()
        rows.append(
            {"time": _time_value(time, t), "kind": kind, "n": len(part),
             "total": _theil(part["_x"].to_numpy(), w, kind)}
        )
    return pd.DataFrame(rows)


def theil_decomposition(
    df: pd.DataFrame,
    *,
    value: str,
    entity: str,
    group: str,
    time: str | None = None,
    weight: str | None = None,
    kind: TheilKind = "T",
) -> pd.DataFrame:
    r"""Exact within/between-group decomposition of the Theil index, per time period.

    Parameters
    ----------
    df, value, entity, time, weight, kind
        As in :func:`theil`.
    group
        Column with each entity's group (e.g. the four regions of 002). Must have no missing
        labels.

    Returns
    -------
    DataFrame, one row per period; columns as in the module docstring.

    Notes
    -----
    For group g let :math:`W_g = \sum_{i\in g} w_i` (weight share), :math:`\mu_g` the group's
    weighted mean, :math:`S_g = W_g\mu_g/\mu` (value share) and :math:`T_g, L_g` the group's
    own index computed with weights :math:`w_i/W_g`. Then exactly

    .. math::
        T = \underbrace{\sum_g S_g T_g}_{\text{within}}
          + \underbrace{\sum_g S_g \ln\frac{\mu_g}{\mu}}_{\text{between}}, \qquad
        L = \sum_g W_g L_g + \sum_g W_g \ln\frac{\mu}{\mu_g}.

    The within part of T weights groups by value shares :math:`S_g`; 002's printed formula
    weights by population shares, which does not add up to T unless group means are equal.
    ``total`` is computed directly (not as the sum), so the identity can be checked.
    Unweighted T agrees with pysal ``inequality.theil.TheilD`` (``T``, ``bg``, ``wg``).
    """
    check_option("theil_decomposition", "kind", kind, TheilKind)
    frame = _prepare(
        "theil_decomposition", df, value=value, entity=entity, time=time, group=group,
        weight=weight, strict=(kind == "L"), why=f"Theil {kind} takes logarithms of it",
    )
    labels = _groups(frame)
    rows = []
    for t, part in time_groups(frame, "_t"):
        x = part["_x"].to_numpy()
        w = part["_w"].to_numpy() / part["_w"].sum()
        mu = float(np.dot(w, x))
        total = _theil(x, w, kind)
        row: dict[str, Any] = {"time": _time_value(time, t), "kind": kind, "n": len(part),
                               "total": total}
        per_group: dict[str, float] = {}
        between = within = 0.0
        g_codes = part["_g"].to_numpy()
        for g in labels:
            sel = g_codes == g
            if not sel.any():
                per_group.update({f"theil:{g}": np.nan, f"within:{g}": np.nan,
                                  f"share_within:{g}": np.nan, f"weight_share:{g}": np.nan,
                                  f"value_share:{g}": np.nan})
                continue
            wg = float(w[sel].sum())
            mug = float(np.dot(w[sel], x[sel])) / wg
            sg = wg * mug / mu
            tg = _theil(x[sel], w[sel] / wg, kind)
            if kind == "T":
                contrib = sg * tg
                between += float(xlogy(sg, mug / mu))
            else:
                contrib = wg * tg
                between += wg * float(np.log(mu / mug))
            within += contrib
            per_group.update({f"theil:{g}": tg, f"within:{g}": contrib,
                              f"share_within:{g}": contrib / total if total > 0 else np.nan,
                              f"weight_share:{g}": wg, f"value_share:{g}": sg})
        row.update({"between": between, "within": within,
                    "share_between": between / total if total > 0 else np.nan,
                    "share_within": within / total if total > 0 else np.nan})
        row.update(per_group)
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- Gini


def _pair_sums(a: np.ndarray, wa: np.ndarray, b: np.ndarray,
               wb: np.ndarray) -> tuple[float, float]:
    """Return (sum_ir wa_i wb_r (a_i - b_r)_+, sum_ir wa_i wb_r (b_r - a_i)_+) in O(n log n)."""
    order = np.argsort(b, kind="stable")
    bs, ws = b[order], wb[order]
    cw = np.concatenate(([0.0], np.cumsum(ws)))
    cwb = np.concatenate(([0.0], np.cumsum(ws * bs)))
    k = np.searchsorted(bs, a, side="left")  # number of b strictly below each a_i
    below_w, below_wb = cw[k], cwb[k]
    pos = a * below_w - below_wb
    neg = (cwb[-1] - below_wb) - a * (cw[-1] - below_w)
    return float(np.dot(wa, pos)), float(np.dot(wa, neg))


def _gini(x: np.ndarray, w: np.ndarray) -> float:
    """G = sum_ij w_i w_j |x_i - x_j| / (2 mu) with weights summing to one."""
    pos, neg = _pair_sums(x, w, x, w)
    return (pos + neg) / (2.0 * float(np.dot(w, x)))


def gini(
    df: pd.DataFrame,
    *,
    value: str,
    entity: str,
    time: str | None = None,
    weight: str | None = None,
) -> pd.DataFrame:
    r"""Gini coefficient of ``value`` across entities, per time period.

    Returns
    -------
    DataFrame with columns ``time, n, total``.

    Notes
    -----
    .. math:: G = \frac{1}{2\mu}\sum_i\sum_j w_i w_j |x_i - x_j|, \qquad \mu=\sum_i w_i x_i,

    with weights normalised to one; unweighted this is :math:`\sum\sum|x_i-x_j|/(2n^2\mu)`,
    the form of pysal's ``Gini`` and R ``ineq::Gini(x, corr = FALSE)``. Values must be
    non-negative. Computed in :math:`O(n\log n)` from sorted cumulative sums.
    """
    frame = _prepare("gini", df, value=value, entity=entity, time=time, group=None,
                     weight=weight, strict=False, why="the Gini coefficient needs it")
    rows = []
    for t, part in time_groups(frame, "_t"):
        w = part["_w"].to_numpy() / part["_w"].sum()
        rows.append({"time": _time_value(time, t), "n": len(part),
                     "total": _gini(part["_x"].to_numpy(), w)})
    return pd.DataFrame(rows)


def dagum_gini(
    df: pd.DataFrame,
    *,
    value: str,
    entity: str,
    group: str,
    time: str | None = None,
    weight: str | None = None,
) -> pd.DataFrame:
    r"""Dagum (1997) decomposition of the Gini coefficient into within, net between, transvariation.

    Parameters
    ----------
    df, value, entity, time, weight
        As in :func:`gini`.
    group
        Column with each entity's group (region).

    Returns
    -------
    DataFrame, one row per period; columns as in the module docstring.

    Notes
    -----
    With (normalised) weights, group weight :math:`p_j=W_j`, mean :math:`\mu_j` and value
    share :math:`s_j = p_j\mu_j/\mu`:

    .. math::
        G_{jj} = \frac{\sum_{i\in j}\sum_{r\in j} w_i w_r|y_i-y_r|}{2W_j^2\mu_j},\qquad
        G_{jh} = \frac{\sum_{i\in j}\sum_{r\in h} w_i w_r|y_i-y_r|}{W_jW_h(\mu_j+\mu_h)},

        G_w = \sum_j G_{jj} p_j s_j,\quad
        G_{nb} = \sum_{j<h} G_{jh}(p_j s_h + p_h s_j) D_{jh},\quad
        G_t = \sum_{j<h} G_{jh}(p_j s_h + p_h s_j)(1 - D_{jh}),

    where, ordering each pair so that :math:`\mu_j\ge\mu_h`, :math:`D_{jh} =
    (d_{jh}-p_{jh})/(d_{jh}+p_{jh})`, :math:`d_{jh}` the weighted mean of
    :math:`(y_{j}-y_{h})_+` over cross-group pairs and :math:`p_{jh}` that of
    :math:`(y_h-y_j)_+`. :math:`G = G_w + G_{nb} + G_t` exactly; ``total`` is computed
    directly from all pairs. Unweighted, :math:`p_j = n_j/n` as in Dagum (1997).
    """
    frame = _prepare("dagum_gini", df, value=value, entity=entity, time=time, group=group,
                     weight=weight, strict=False, why="the Gini coefficient needs it")
    labels = _groups(frame)
    rows = []
    for t, part in time_groups(frame, "_t"):
        x = part["_x"].to_numpy()
        w = part["_w"].to_numpy() / part["_w"].sum()
        mu = float(np.dot(w, x))
        total = _gini(x, w)
        codes = part["_g"].to_numpy()
        members = {g: codes == g for g in labels}
        stats: dict[Hashable, tuple[float, float, float]] = {}
        row: dict[str, Any] = {"time": _time_value(time, t), "n": len(part), "total": total}
        parts: dict[str, float] = {}
        within = 0.0
        for g in labels:
            sel = members[g]
            if not sel.any():
                parts.update({f"gini:{g}": np.nan, f"within:{g}": np.nan,
                              f"share_within:{g}": np.nan})
                continue
            wg = float(w[sel].sum())
            mug = float(np.dot(w[sel], x[sel])) / wg
            pos, neg = _pair_sums(x[sel], w[sel], x[sel], w[sel])
            gjj = (pos + neg) / (2.0 * wg**2 * mug) if mug > 0 else 0.0
            stats[g] = (wg, mug, wg * mug / mu)
            contrib = gjj * wg * stats[g][2]
            within += contrib
            parts.update({f"gini:{g}": gjj, f"within:{g}": contrib,
                          f"share_within:{g}": contrib / total if total > 0 else np.nan})
        between = trans = 0.0
        for g, h in combinations(labels, 2):
            key = f"{g}|{h}"
            if g not in stats or h not in stats:
                parts.update({f"gini:{key}": np.nan, f"D:{key}": np.nan,
                              f"between:{key}": np.nan, f"transvariation:{key}": np.nan})
                continue
            (wj, muj, sj), (wh, muh, sh) = stats[g], stats[h]
            pos, neg = _pair_sums(x[members[g]], w[members[g]], x[members[h]], w[members[h]])
            # two all-zero groups have no differences: G_jh = 0
            gjh = (pos + neg) / (wj * wh * (muj + muh)) if muj + muh > 0 else 0.0
            high, low = (pos, neg) if muj >= muh else (neg, pos)  # d_jh, p_jh (times W_j W_h)
            djh = (high - low) / (high + low) if high + low > 0 else 0.0
            weight_jh = gjh * (wj * sh + wh * sj)
            between += weight_jh * djh
            trans += weight_jh * (1.0 - djh)
            parts.update({f"gini:{key}": gjh, f"D:{key}": djh,
                          f"between:{key}": weight_jh * djh,
                          f"transvariation:{key}": weight_jh * (1.0 - djh)})
        share = (lambda v: v / total) if total > 0 else (lambda v: np.nan)
        row.update({"within": within, "between": between, "transvariation": trans,
                    "share_within": share(within), "share_between": share(between),
                    "share_transvariation": share(trans)})
        row.update(parts)
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- imbalance


def imbalance_index(
    df: pd.DataFrame,
    *,
    value: str,
    weight: str,
    entity: str,
    time: str | None = None,
    national: NationalLevel | pd.Series = "mean",
    normalize: bool = True,
) -> pd.DataFrame:
    r"""Output-share-weighted imbalance index of 004 and its first difference.

    Parameters
    ----------
    df
        Long frame, one row per region(-year).
    value
        The regional level :math:`FT_k` (e.g. external dependence of region k).
    weight
        The regional output (GDP) giving :math:`\delta_k = Y_k / \sum_l Y_l`; must be > 0.
    entity, time
        Label columns.
    national
        The national level :math:`FT_N`: ``"mean"`` (the simple average of the regions, as
        004 states), ``"weighted"`` (the :math:`\delta`-weighted average) or a Series of
        values indexed by time.
    normalize
        Express levels relative to the national one, :math:`FT_k/FT_N`, so that
        :math:`FT_N = 1` (004's convention). Requires :math:`FT_N \ne 0`.

    Returns
    -------
    DataFrame with ``time, index, change, national`` plus ``share:k`` and ``part:k`` per region.

    Notes
    -----
    .. math::
        I_t = \sum_k \delta_{kt}\,|FT_{kt} - FT_{Nt}|,\qquad \Delta I_t = I_t - I_{t-1},

    with :math:`\Delta I` in the row of the later period (NaN for the first period; the
    previous period is the previous row in sorted time order). ``national`` reports
    :math:`FT_N` before normalisation.
    """
    func = "imbalance_index"
    if not isinstance(national, pd.Series):
        check_option(func, "national", national, NationalLevel)
    frame = _prepare(func, df, value=value, entity=entity, time=time, group=entity,
                     weight=weight, strict=None, why="")
    entities = _groups(frame)
    rows = []
    previous = np.nan
    for t, part in time_groups(frame, "_t"):
        x = part["_x"].to_numpy()
        delta = part["_w"].to_numpy() / part["_w"].sum()
        if isinstance(national, pd.Series):
            if time is None or t not in national.index:
                raise DataError(
                    f"{func}: the 'national' series has no value for {time}={t}; it must be "
                    "indexed by every time period of the data."
                )
            level = float(national.loc[t])
        elif national == "mean":
            level = float(x.mean())
        else:
            level = float(np.dot(delta, x))
        if normalize:
            if level == 0:
                raise DataError(
                    f"{func}: the national level is 0 in {time}={t}; cannot normalise to "
                    "FT_N = 1. Pass normalize=False."
                )
            dev = np.abs(x / level - 1.0)
        else:
            dev = np.abs(x - level)
        parts = delta * dev
        index = float(parts.sum())
        row: dict[str, Any] = {"time": _time_value(time, t), "index": index,
                               "change": index - previous, "national": level}
        codes = list(part["_g"])
        for k in entities:
            if k in codes:
                j = codes.index(k)
                row[f"share:{k}"], row[f"part:{k}"] = float(delta[j]), float(parts[j])
            else:
                row[f"share:{k}"] = row[f"part:{k}"] = np.nan
        rows.append(row)
        previous = index
    return pd.DataFrame(rows)
