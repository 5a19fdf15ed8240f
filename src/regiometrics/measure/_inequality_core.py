"""Numeric kernels and input preparation behind :mod:`regiometrics.measure.inequality`."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import xlogy

from regiometrics.errors import DataError
from regiometrics.measure._longframe import (
    check_labels,
    check_positive,
    check_unique,
    numeric_column,
    require_columns,
    scalar,
    time_groups,
)


def prepare(
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


def groups(frame: pd.DataFrame) -> list[Hashable]:
    return sorted(pd.unique(frame["_g"]), key=str)


def time_value(time: str | None, t: Any) -> Any:
    return None if time is None else scalar(t)


def finish(
    rows: list[dict[str, Any]], head: list[str], per_group: dict[str, list[Any]], shares: list[str]
) -> pd.DataFrame:
    """Frame with ``head`` columns, then ``prefix:label`` columns in label order (NaN where a
    group is absent in a period), plus ``share_<c>`` = c / total for every c in ``shares``."""
    columns = list(head) + [f"{p}:{g}" for p, labels in per_group.items() for g in labels]
    out = pd.DataFrame(rows).reindex(columns=columns)
    if not shares:
        return out
    total = out["total"].to_numpy(dtype=float)
    positive = total > 0
    for col in shares:
        ratio = out[col].to_numpy(dtype=float) / np.where(positive, total, 1.0)
        out[f"share_{col}"] = np.where(positive, ratio, np.nan)
    return out


def theil_index(x: np.ndarray, w: np.ndarray, kind: str) -> float:
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


def pair_sums(a: np.ndarray, wa: np.ndarray, b: np.ndarray, wb: np.ndarray) -> tuple[float, float]:
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


def gini_index(x: np.ndarray, w: np.ndarray) -> float:
    """G = sum_ij w_i w_j |x_i - x_j| / (2 mu) with weights summing to one."""
    mu = float(np.dot(w, x))
    if not mu > 0:
        raise DataError(f"the weighted mean is {mu!r}; the Gini index needs a positive mean "
                        "(all values zero, or too small to represent)")
    pos, neg = pair_sums(x, w, x, w)
    return (pos + neg) / (2.0 * mu)
