"""Objective indicator weights: entropy, CRITIC, coefficient of variation, equal, user-given.

Every function takes a normalised matrix (rows = alternatives or entity-years,
columns = indicators, already aligned so that larger means better) and returns a
DataFrame indexed by indicator with a ``weight`` column (non-negative, summing to 1)
plus the method's intermediate quantities. An indicator that does not vary in the
matrix carries no information: it gets weight 0 in every method (the limit of each
formula), and if no indicator varies a DataError is raised.

Row labels of a DataFrame input (e.g. a (entity, time) MultiIndex) are used in error
messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import xlogy

from regiometrics.errors import DataError, SpecError
from regiometrics.options import check_literal

WeightingMethod = Literal["entropy", "critic", "cv", "equal"]
_MAX_LISTED = 10


def _as_frame(matrix: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    if isinstance(matrix, pd.DataFrame):
        frame = matrix
    else:
        arr = np.asarray(matrix, dtype=float)
        if arr.ndim != 2:
            raise DataError(
                f"the indicator matrix must be 2-dimensional; shape {arr.shape} was given."
            )
        frame = pd.DataFrame(arr, columns=[f"x{j}" for j in range(arr.shape[1])])
    if frame.shape[1] == 0:
        raise DataError("the indicator matrix has no columns.")
    if frame.shape[0] < 2:
        raise DataError(f"weights need at least 2 rows; the matrix has {frame.shape[0]}.")
    values = frame.to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        j = int(np.nonzero(bad.any(axis=0))[0][0])
        raise DataError(
            f"indicator {frame.columns[j]!r} has missing or infinite values at rows "
            f"{_rows(frame, bad[:, j])}; normalise with missing='interpolate' or drop them."
        )
    return frame


def _rows(frame: pd.DataFrame, mask: np.ndarray) -> str:
    labels = [str(label) for label in frame.index[mask]]
    extra = len(labels) - _MAX_LISTED
    return ", ".join(labels[:_MAX_LISTED]) + (f" and {extra} more" if extra > 0 else "")


def _varying(values: np.ndarray) -> np.ndarray:
    return values.max(axis=0) > values.min(axis=0)


def _finish(
    frame: pd.DataFrame, score: np.ndarray, varying: np.ndarray, **cols: np.ndarray
) -> pd.DataFrame:
    if not varying.any():
        raise DataError(
            f"no indicator varies across the {frame.shape[0]} rows "
            f"({', '.join(map(repr, frame.columns))}); weights are undefined."
        )
    score = np.where(varying, score, 0.0)
    out = pd.DataFrame(cols, index=pd.Index(frame.columns, name="indicator"))
    out["weight"] = score / score.sum()
    return out


def entropy_weights(matrix: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """Entropy weights (002 sec. 3.1.2; 003 eqs. 6-9).

    Notes
    -----
    With ``n`` rows and non-negative ``y_ij``::

        p_ij = y_ij / sum_i y_ij
        e_j  = -(1 / ln n) * sum_i p_ij ln p_ij        (0 ln 0 = 0)
        d_j  = 1 - e_j
        w_j  = d_j / sum_k d_k

    ``n`` is the number of rows of ``matrix``; :mod:`~regiometrics.measure.composite`
    passes the rows of the normalisation reference set (all entity-years when pooled,
    one year's rows per year, or the base year's rows), and reports it. A constant
    column has ``p_ij = 1/n`` and ``e_j = 1`` exactly, hence weight 0.

    Returns
    -------
    DataFrame indexed by indicator with columns ``entropy``, ``divergence``, ``weight``.

    Raises
    ------
    DataError
        if a value is negative (its share's log is undefined), naming indicator and rows.
    """
    frame = _as_frame(matrix)
    y = frame.to_numpy(dtype=float)
    negative = y < 0
    if negative.any():
        j = int(np.nonzero(negative.any(axis=0))[0][0])
        raise DataError(
            f"entropy weights take logs of shares y_ij / sum_i y_ij, so values must be >= 0; "
            f"indicator {frame.columns[j]!r} is negative at rows {_rows(frame, negative[:, j])}. "
            "Use min-max normalisation (optionally with a shift) rather than z-scores."
        )
    n = y.shape[0]
    varying = _varying(y)
    total = y.sum(axis=0)
    p = np.divide(y, total, out=np.full_like(y, 1.0 / n), where=varying)
    entropy = np.where(varying, -xlogy(p, p).sum(axis=0) / np.log(n), 1.0)
    divergence = 1.0 - entropy
    return _finish(frame, divergence, varying, entropy=entropy, divergence=divergence)


def critic_weights(matrix: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """CRITIC weights (Diakoulaki, Mavrotas and Papayannakis 1995).

    Notes
    -----
    ``C_j = s_j * sum_k (1 - r_jk)`` and ``w_j = C_j / sum_k C_k`` with ``s_j`` the
    sample standard deviation of column j and ``r_jk`` the Pearson correlation. The
    matrix must be direction-aligned (correlations change sign with orientation).
    Constant columns get ``C_j = 0`` and are left out of the other columns' sums; a
    single varying column gets weight 1. The ddof of ``s_j`` cancels in ``w_j``.

    Returns
    -------
    DataFrame indexed by indicator with columns ``std``, ``conflict``, ``information``, ``weight``.
    """
    frame = _as_frame(matrix)
    y = frame.to_numpy(dtype=float)
    varying = _varying(y)
    std = y.std(axis=0, ddof=1)
    conflict = np.zeros(y.shape[1])
    if varying.sum() == 1:
        conflict[varying] = 1.0
    elif varying.any():
        corr = np.corrcoef(y[:, varying], rowvar=False)
        conflict[varying] = (1.0 - corr).sum(axis=0)
    information = std * conflict
    return _finish(frame, information, varying, std=std, conflict=conflict, information=information)


def cv_weights(matrix: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """Coefficient-of-variation weights.

    Notes
    -----
    ``v_j = s_j / mean_j`` and ``w_j = v_j / sum_k v_k`` (sample sd; the ddof cancels).
    Every varying column needs a positive mean, which min-max normalised data have.

    Returns
    -------
    DataFrame indexed by indicator with columns ``mean``, ``std``, ``cv``, ``weight``.
    """
    frame = _as_frame(matrix)
    y = frame.to_numpy(dtype=float)
    varying = _varying(y)
    mean = y.mean(axis=0)
    std = y.std(axis=0, ddof=1)
    bad = varying & (mean <= 0)
    if bad.any():
        names = ", ".join(
            f"{c!r} (mean {m:.4g})" for c, m in zip(frame.columns[bad], mean[bad], strict=True)
        )
        raise DataError(
            f"coefficient-of-variation weights need a positive mean; {names}. "
            "Use min-max normalisation, optionally with a shift."
        )
    cv = np.divide(std, mean, out=np.zeros_like(std), where=varying)
    return _finish(frame, cv, varying, mean=mean, std=std, cv=cv)


def equal_weights(matrix: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """Weight ``1/m`` for each of the ``m`` varying indicators (constant ones get 0)."""
    frame = _as_frame(matrix)
    varying = _varying(frame.to_numpy(dtype=float))
    return _finish(frame, np.ones(frame.shape[1]), varying)


def user_weights(matrix: pd.DataFrame | np.ndarray, weights: Mapping[str, float]) -> pd.DataFrame:
    """User-given weights, rescaled to sum to 1 over the varying indicators.

    ``weights`` must name exactly the matrix's columns with finite non-negative numbers.
    A constant indicator gets weight 0 whatever was given (the others are rescaled).
    """
    frame = _as_frame(matrix)
    if not isinstance(weights, Mapping):
        raise SpecError(
            f"user weights must be a mapping {{indicator: weight}}; {weights!r} was given."
        )
    columns = [str(c) for c in frame.columns]
    missing = [c for c in columns if c not in weights]
    unknown = [k for k in weights if k not in columns]
    if missing or unknown:
        raise SpecError(
            "user weights must name every indicator exactly once; "
            f"missing: {missing}, unknown: {unknown}."
        )
    given = np.array([weights[c] for c in columns], dtype=float)
    if not np.isfinite(given).all() or (given < 0).any() or given.sum() <= 0:
        raise SpecError(
            f"user weights must be finite, non-negative and not all zero; {dict(weights)!r} was given."
        )
    varying = _varying(frame.to_numpy(dtype=float))
    if not (given * varying).any() and varying.any():
        raise DataError(
            "every indicator with a positive user weight is constant; weights are undefined."
        )
    return _finish(frame, given, varying, given=given)


def compute_weights(
    matrix: pd.DataFrame | np.ndarray, method: WeightingMethod | Mapping[str, float]
) -> pd.DataFrame:
    """Dispatch to the weighting ``method`` ('entropy', 'critic', 'cv', 'equal') or user weights."""
    if isinstance(method, Mapping):
        return user_weights(matrix, method)
    check_literal(method, WeightingMethod, "weighting")
    funcs = {
        "entropy": entropy_weights,
        "critic": critic_weights,
        "cv": cv_weights,
        "equal": equal_weights,
    }
    return funcs[method](matrix)
