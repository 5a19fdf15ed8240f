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
from regiometrics.measure._inequality_core import (
    finish,
    gini_index,
    groups,
    pair_sums,
    prepare,
    theil_index,
    time_value,
)
from regiometrics.measure._longframe import check_option, time_groups

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


# --------------------------------------------------------------------------- Theil


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
    frame = prepare(
        "theil",
        df,
        value=value,
        entity=entity,
        time=time,
        group=None,
        weight=weight,
        strict=(kind == "L"),
        why=f"Theil {kind} takes logarithms of it",
    )
    rows = []
    for t, part in time_groups(frame, "_t"):
        w = part["_w"].to_numpy() / part["_w"].sum()
        rows.append(
            {
                "time": time_value(time, t),
                "kind": kind,
                "n": len(part),
                "total": theil_index(part["_x"].to_numpy(), w, kind),
            }
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
    frame = prepare(
        "theil_decomposition",
        df,
        value=value,
        entity=entity,
        time=time,
        group=group,
        weight=weight,
        strict=(kind == "L"),
        why=f"Theil {kind} takes logarithms of it",
    )
    labels = groups(frame)
    rows = []
    for t, part in time_groups(frame, "_t"):
        x, codes = part["_x"].to_numpy(), part["_g"].to_numpy()
        w = part["_w"].to_numpy() / part["_w"].sum()
        mu = float(np.dot(w, x))
        row: dict[str, Any] = {
            "time": time_value(time, t),
            "kind": kind,
            "n": len(part),
            "total": theil_index(x, w, kind),
            "between": 0.0,
            "within": 0.0,
        }
        for g in pd.unique(codes):
            sel = codes == g
            wg = float(w[sel].sum())
            mug = float(np.dot(w[sel], x[sel])) / wg
            sg = wg * mug / mu
            tg = theil_index(x[sel], w[sel] / wg, kind)
            if kind == "T":  # within weight S_g, between term S_g ln(mu_g/mu)
                contrib, between = sg * tg, float(xlogy(sg, mug / mu))
            else:  # within weight W_g, between term W_g ln(mu/mu_g)
                contrib, between = wg * tg, wg * float(np.log(mu / mug))
            row["within"] += contrib
            row["between"] += between
            row.update(
                {
                    f"theil:{g}": tg,
                    f"within:{g}": contrib,
                    f"weight_share:{g}": wg,
                    f"value_share:{g}": sg,
                }
            )
        rows.append(row)
    out = finish(
        rows,
        ["time", "kind", "n", "total", "between", "within"],
        {p: labels for p in ("theil", "within", "weight_share", "value_share")},
        ["between", "within", *(f"within:{g}" for g in labels)],
    )
    return _order_theil(out, labels)


def _order_theil(out: pd.DataFrame, labels: list[Hashable]) -> pd.DataFrame:
    """Documented column order: head, shares, then the per-group blocks."""
    head = ["time", "kind", "n", "total", "between", "within", "share_between", "share_within"]
    blocks = [
        f"{p}:{g}"
        for p in ("theil", "within", "share_within", "weight_share", "value_share")
        for g in labels
    ]
    return out[head + blocks]


# --------------------------------------------------------------------------- Gini


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
    frame = prepare(
        "gini",
        df,
        value=value,
        entity=entity,
        time=time,
        group=None,
        weight=weight,
        strict=False,
        why="the Gini coefficient needs it",
    )
    rows = []
    for t, part in time_groups(frame, "_t"):
        w = part["_w"].to_numpy() / part["_w"].sum()
        rows.append(
            {
                "time": time_value(time, t),
                "n": len(part),
                "total": gini_index(part["_x"].to_numpy(), w),
            }
        )
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
    frame = prepare(
        "dagum_gini",
        df,
        value=value,
        entity=entity,
        time=time,
        group=group,
        weight=weight,
        strict=False,
        why="the Gini coefficient needs it",
    )
    labels = groups(frame)
    pairs = [f"{g}|{h}" for g, h in combinations(labels, 2)]
    rows = []
    for t, part in time_groups(frame, "_t"):
        x, codes = part["_x"].to_numpy(), part["_g"].to_numpy()
        w = part["_w"].to_numpy() / part["_w"].sum()
        mu = float(np.dot(w, x))
        row: dict[str, Any] = {
            "time": time_value(time, t),
            "n": len(part),
            "total": gini_index(x, w),
            "within": 0.0,
            "between": 0.0,
            "transvariation": 0.0,
        }
        present = [g for g in labels if (codes == g).any()]
        stats: dict[Hashable, tuple[float, float, float]] = {}  # W_j, mu_j, s_j
        for g in present:
            sel = codes == g
            wg = float(w[sel].sum())
            mug = float(np.dot(w[sel], x[sel])) / wg
            pos, neg = pair_sums(x[sel], w[sel], x[sel], w[sel])
            gjj = (pos + neg) / (2.0 * wg**2 * mug) if mug > 0 else 0.0
            stats[g] = (wg, mug, wg * mug / mu)
            row[f"gini:{g}"], row[f"within:{g}"] = gjj, gjj * wg * stats[g][2]
            row["within"] += row[f"within:{g}"]
        for g, h in combinations(present, 2):
            (wj, muj, sj), (wh, muh, sh) = stats[g], stats[h]
            pos, neg = pair_sums(x[codes == g], w[codes == g], x[codes == h], w[codes == h])
            # two all-zero groups have no differences: G_jh = 0
            gjh = (pos + neg) / (wj * wh * (muj + muh)) if muj + muh > 0 else 0.0
            high, low = (pos, neg) if muj >= muh else (neg, pos)  # d_jh, p_jh (times W_j W_h)
            djh = (high - low) / (high + low) if high + low > 0 else 0.0
            weight_jh = gjh * (wj * sh + wh * sj)
            key = f"{g}|{h}"
            row.update(
                {
                    f"gini:{key}": gjh,
                    f"D:{key}": djh,
                    f"between:{key}": weight_jh * djh,
                    f"transvariation:{key}": weight_jh * (1.0 - djh),
                }
            )
            row["between"] += weight_jh * djh
            row["transvariation"] += weight_jh * (1.0 - djh)
        rows.append(row)
    head = ["time", "n", "total", "within", "between", "transvariation"]
    out = finish(
        rows,
        head,
        {"gini": labels, "within": labels},
        ["within", "between", "transvariation", *(f"within:{g}" for g in labels)],
    )
    pair_cols = [f"{p}:{k}" for p in ("gini", "D", "between", "transvariation") for k in pairs]
    out = out.join(pd.DataFrame(rows).reindex(columns=pair_cols))
    shares = ["share_within", "share_between", "share_transvariation"]
    group_cols = [f"{p}:{g}" for p in ("gini", "within", "share_within") for g in labels]
    return out[head + shares + group_cols + pair_cols]


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
    frame = prepare(
        func,
        df,
        value=value,
        entity=entity,
        time=time,
        group=entity,
        weight=weight,
        strict=None,
        why="",
    )
    entities = groups(frame)
    rows = []
    for t, part in time_groups(frame, "_t"):
        x, codes = part["_x"].to_numpy(), part["_g"].to_numpy()
        delta = part["_w"].to_numpy() / part["_w"].sum()
        if isinstance(national, pd.Series):
            if time is None or t not in national.index:
                raise DataError(
                    f"{func}: the 'national' series has no value for {time}={t}; it must be "
                    "indexed by every time period of the data."
                )
            level = float(national.loc[t])
        else:
            level = float(x.mean()) if national == "mean" else float(np.dot(delta, x))
        if normalize and level == 0:
            raise DataError(
                f"{func}: the national level is 0 in {time}={t}; cannot normalise to "
                "FT_N = 1. Pass normalize=False."
            )
        parts = delta * (np.abs(x / level - 1.0) if normalize else np.abs(x - level))
        row: dict[str, Any] = {
            "time": time_value(time, t),
            "index": float(parts.sum()),
            "national": level,
        }
        row.update({f"share:{k}": d for k, d in zip(codes, delta)})
        row.update({f"part:{k}": v for k, v in zip(codes, parts)})
        rows.append(row)
    out = finish(rows, ["time", "index", "national"], {"share": entities, "part": entities}, [])
    out.insert(2, "change", out["index"].diff())
    return out
