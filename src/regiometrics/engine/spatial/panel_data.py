"""Stacking, validation, demeaning and spatial lags for balanced spatial panels.

Layout used throughout :mod:`regiometrics.engine.spatial`: a balanced panel of ``N`` entities
and ``T`` periods is stacked **time-major**: row ``t * N + i`` holds entity ``i`` in period
``t`` (all entities of the first period, then all of the second, ...), with entities in the
row order of ``W``.  The stacked weights are then ``I_T (x) W`` (Elhorst 2014, the layout of
spreg's panel models and Elhorst's Matlab code).  :func:`to_time_major` puts a long DataFrame
into this order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from regiometrics.engine.linear.demean import demean as fe_demean
from regiometrics.errors import DataError, IdentificationError

FixedEffects = Literal["entity", "time", "twoways", "none"]
SpatialModel = Literal["sar", "sem", "sdm", "sdem"]




def to_time_major(
    df: pd.DataFrame,
    *,
    entity: str,
    time: str,
    entity_order: Sequence[object] | None = None,
) -> pd.DataFrame:
    """Sort a long panel time-major, entities in ``entity_order`` (the rows of ``W``).

    Parameters
    ----------
    df
        Long data, one row per entity-period.
    entity, time
        Column names of the entity and time identifiers.
    entity_order
        Entity labels in the row order of the weights matrix; default: sorted labels.

    Returns
    -------
    pandas.DataFrame
        ``df`` reordered so that row ``t * N + i`` is entity ``entity_order[i]`` in the
        ``t``-th sorted period, with a fresh ``RangeIndex``.

    Raises
    ------
    DataError
        Unknown columns, duplicated entity-periods, a panel that is not balanced, or entities
        that do not match ``entity_order``.
    """
    for col in (entity, time):
        if col not in df.columns:
            raise DataError(
                f"column {col!r} is not in the data; available columns: {list(df.columns)}."
            )
    dup = df.duplicated([entity, time], keep=False)
    if dup.any():
        pairs = df.loc[dup, [entity, time]].drop_duplicates().head(5).to_numpy().tolist()
        raise DataError(
            f"{int(dup.sum())} rows share an entity-period; e.g. {[tuple(p) for p in pairs]}. "
            "Each (entity, time) pair must appear once: aggregate or drop the duplicates."
        )
    present = list(pd.unique(df[entity]))
    if entity_order is None:
        order = sorted(present)
    else:
        order = list(entity_order)
        missing = [e for e in order if e not in set(present)]
        extra = [e for e in present if e not in set(order)]
        if missing or extra:
            raise DataError(
                "the entities of the data and of the weights matrix differ: "
                f"in the weights but not the data: {missing[:10]}; "
                f"in the data but not the weights: {extra[:10]}. "
                "Filter the data or rebuild the weights so both list the same entities."
            )
    periods = sorted(pd.unique(df[time]))
    full = pd.MultiIndex.from_product([periods, order], names=[time, entity])
    indexed = df.set_index([time, entity])
    absent = full.difference(indexed.index)
    if len(absent):
        ex = [(e, t) for t, e in list(absent)[:5]]
        raise DataError(
            f"the panel is not balanced: {len(absent)} entity-periods are missing, e.g. {ex}. "
            "Spatial panel models need every entity in every period; drop incomplete entities "
            "or periods first."
        )
    return indexed.loc[full].reset_index()[list(df.columns)]


def as_weights(W: object, n_entities: int) -> sp.csr_matrix:
    """Validate ``W`` (dense or sparse, ``(N, N)``, row-standardised) and return it as CSR.

    Raises
    ------
    DataError
        Wrong shape, non-finite or negative weights, a non-zero diagonal, or rows that do not
        sum to one (islands included).
    """
    if sp.issparse(W):
        Wc = sp.csr_matrix(W, dtype=float)
    else:
        arr = np.asarray(W, dtype=float)
        if arr.ndim != 2:
            raise DataError(
                f"W must be a 2-D (N, N) matrix; an array of shape {arr.shape} was given."
            )
        Wc = sp.csr_matrix(arr)
    if Wc.shape != (n_entities, n_entities):
        raise DataError(
            f"W has shape {Wc.shape} but n_entities = {n_entities}; W must be (N, N) with rows "
            "in the order of the entities inside each period."
        )
    if not np.all(np.isfinite(Wc.data)):
        raise DataError("W contains NaN or infinite weights; fix the weights matrix.")
    if (Wc.data < 0).any():
        raise DataError("W contains negative weights; spatial weights must be non-negative.")
    diag = Wc.diagonal()
    if np.any(diag != 0):
        bad = np.flatnonzero(diag)[:10].tolist()
        raise DataError(f"W has non-zero diagonal entries at rows {bad}; set w_ii = 0.")
    rs = np.asarray(Wc.sum(axis=1)).ravel()
    bad_rows = np.flatnonzero(np.abs(rs - 1.0) > 1e-8)
    if bad_rows.size:
        ex = {int(i): float(rs[i]) for i in bad_rows[:5]}
        raise DataError(
            f"W must be row-standardised: {bad_rows.size} rows do not sum to 1 "
            f"(row: sum) {ex}. Row-standardise W; rows summing to 0 are islands, which "
            "must be dropped or given neighbours."
        )
    Wc.sort_indices()
    return Wc


def as_panel_arrays(
    y: object, X: object, n_entities: int, n_periods: int
) -> tuple[np.ndarray, np.ndarray]:
    """Check shapes and finiteness of stacked ``y`` (NT,) and ``X`` (NT, k)."""
    if n_entities < 2 or n_periods < 1:
        raise DataError(
            f"need n_entities >= 2 and n_periods >= 1; got {n_entities} and {n_periods}."
        )
    yv = np.asarray(y, dtype=float)
    if yv.ndim == 2 and yv.shape[1] == 1:
        yv = yv[:, 0]
    Xm = np.asarray(X, dtype=float)
    if Xm.ndim == 1:
        Xm = Xm[:, None]
    nt = n_entities * n_periods
    if yv.ndim != 1 or yv.shape[0] != nt or Xm.ndim != 2 or Xm.shape[0] != nt:
        raise DataError(
            f"y has shape {np.asarray(y).shape} and X has shape {np.asarray(X).shape}, but a balanced panel of "
            f"{n_entities} entities x {n_periods} periods has {nt} rows. Stack the data "
            "time-major (all entities of period 1, then period 2, ...); to_time_major() sorts "
            "a long DataFrame and reports missing entity-periods."
        )
    for name, arr in (("y", yv[:, None]), ("X", Xm)):
        bad = ~np.isfinite(arr)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise DataError(
                f"{name} has {int(bad.sum())} missing or infinite values, the first at row {r} "
                f"(period {r // n_entities}, entity {r % n_entities}), column {c}. "
                "Spatial panels must be balanced: impute or drop the entity everywhere."
            )
    return yv, Xm


def demean(arr: np.ndarray, n_entities: int, n_periods: int, effects: FixedEffects) -> np.ndarray:
    """Within transformation of time-major stacked columns.

    ``entity``: ``z_it - zbar_i``; ``time``: ``z_it - zbar_t``; ``twoways``:
    ``z_it - zbar_i - zbar_t + zbar``; ``none``: unchanged. Computed by the project's one
    demeaning kernel (:func:`regiometrics.engine.linear.demean.demean`, one exact pass here since
    spatial panels are balanced).
    """
    a = np.asarray(arr, dtype=float)
    if effects == "none":
        return a.copy()
    rows = np.arange(n_entities * n_periods)
    entity, time = rows % n_entities, rows // n_entities
    codes = {"entity": [entity], "time": [time], "twoways": [entity, time]}[effects]
    return fe_demean(a.reshape(a.shape[0], -1), codes).reshape(a.shape)


def spatial_lag(arr: np.ndarray, W: sp.csr_matrix, n_entities: int, n_periods: int) -> np.ndarray:
    """``(I_T (x) W) arr`` for time-major stacked columns ``arr`` of shape (NT,) or (NT, k)."""
    a = np.asarray(arr, dtype=float)
    shape = a.shape
    z = a.reshape(n_periods, n_entities, -1)  # (T, N, k)
    k = z.shape[2]
    wide = np.transpose(z, (1, 0, 2)).reshape(n_entities, n_periods * k)
    out = np.asarray(W @ wide).reshape(n_entities, n_periods, k)
    return np.transpose(out, (1, 0, 2)).reshape(shape)


def check_regressors(Xd: np.ndarray, names: Sequence[str], effects: FixedEffects) -> None:
    """Raise :class:`IdentificationError` for regressors absorbed by the fixed effects or collinear.

    ``Xd`` are the demeaned regressors (including ``W.x`` columns).
    """
    absorbed_by = {
        "entity": "the entity fixed effects (it does not vary over time within entities)",
        "time": "the time fixed effects (it does not vary across entities within periods)",
        "twoways": "the two-way fixed effects (it is a sum of an entity and a period term)",
        "none": "nothing: it is identically zero",
    }[effects]
    scale = np.sqrt(np.mean(Xd**2, axis=0))
    for j, s in enumerate(scale):
        if s <= 1e-12 * max(1.0, float(np.max(np.abs(Xd)))):
            hint = (
                " Under fixed effects X must not contain a constant." if effects != "none" else ""
            )
            raise IdentificationError(
                f"regressor {names[j]!r} has no variation left after demeaning: it is absorbed "
                f"by {absorbed_by}. Drop it from the model.{hint}"
            )
    if Xd.shape[1] > 1:
        Z = Xd / scale
        rank = np.linalg.matrix_rank(Z, tol=1e-10 * Z.shape[0] ** 0.5)
        if rank < Z.shape[1]:
            _, _, vt = np.linalg.svd(Z, full_matrices=False)
            null = vt[-1]
            involved = [names[int(j)] for j in np.flatnonzero(np.abs(null) > 1e-6)]
            raise IdentificationError(
                f"the regressors are collinear after demeaning (rank {rank} < {Z.shape[1]}); "
                f"the dependency involves {involved}. Drop one of them."
            )
