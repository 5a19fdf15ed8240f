"""From a model spec and a panel to arrays: y, X, fixed-effect and cluster codes.

Rows with a missing value in any variable the model uses (including cluster
columns and operator-made lags) are deleted listwise; how many is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.errors import DataError, IdentificationError, SpecError
from regiometrics.spec.formula import Formula, Term
from regiometrics.spec.models import ModelSpec


@dataclass(frozen=True)
class Design:
    """Arrays for one model on its estimation sample.

    Attributes
    ----------
    y, X
        Dependent variable (n,) and regressors (n, k), no constant column.
    names
        Term names of the columns of ``X``.
    rows
        Row labels of the panel frame that were used.
    entity, time
        Integer codes 0..G-1 on the estimation sample (``time`` is None without a time column).
    absorbed
        Codes of the model's ``absorb`` columns on the estimation sample, one array each.
    clusters
        Cluster code arrays (one or two), empty unless the vcov clusters.
    cluster_names
        The columns the clusters come from.
    n_dropped
        Rows deleted listwise for missing values.
    n_singletons
        Rows deleted as singletons of an absorbed fixed effect (``singletons: drop``).
    """

    y: np.ndarray
    X: np.ndarray
    names: list[str]
    dependent: str
    rows: pd.Index
    entity: np.ndarray
    time: np.ndarray | None
    clusters: list[np.ndarray] = field(default_factory=list)
    cluster_names: list[str] = field(default_factory=list)
    absorbed: list[np.ndarray] = field(default_factory=list)
    n_dropped: int = 0
    n_singletons: int = 0

    @property
    def nobs(self) -> int:
        return int(self.y.shape[0])


def term_values(panel: Panel, term: Term, *, where: str) -> pd.Series:
    """Values of a term: the product of its (operator-evaluated) variables."""
    out: pd.Series | None = None
    for var in term.variables:
        values = panel.variable(var, where=where)
        out = values if out is None else out * values
    assert out is not None
    return out.rename(term.name)


def cluster_columns(model: ModelSpec, panel: Panel) -> list[str]:
    """Columns the model's vcov clusters on (``entity``/``time`` map to the panel's own)."""
    if model.vcov.type != "cluster":
        return []
    out = []
    for by in model.vcov.by:
        if by == "entity":
            out.append(panel.entity)
        elif by == "time":
            if panel.time is None:
                raise SpecError(f"models.{model.id}.vcov.by: 'time' needs data.time to be set")
            out.append(panel.time)
        else:
            out.append(by)
    return out


def build_design(model: ModelSpec, panel: Panel, formula: Formula | None = None) -> Design:
    """Evaluate a model's formula on a panel and delete incomplete rows.

    Raises
    ------
    DataError
        Unknown variables (with the closest column names), non-numeric regressors,
        or no complete rows.
    """
    formula = formula or model.parsed
    where = f"models.{model.id}.formula"
    panel.require(formula.columns(), where=where)
    if "time" in model.effects and panel.time is None:
        raise SpecError(f"models.{model.id}.effects: time effects need data.time to be set")
    columns = {formula.dependent.text: panel.variable(formula.dependent, where=where)}
    for term in formula.terms:
        columns[term.name] = term_values(panel, term, where=where)
    frame = pd.DataFrame(columns)
    cl_cols = cluster_columns(model, panel)
    panel.require(cl_cols, where=f"models.{model.id}.vcov.by")
    absorb = list(getattr(model, "absorb", []) or [])
    panel.require(absorb, where=f"models.{model.id}.absorb")
    complete = frame.notna().all(axis=1)
    for col in [*cl_cols, *absorb]:
        complete &= panel.frame[col].notna()
    n_dropped = int((~complete).sum())
    if not complete.any():
        raise DataError(
            f"models.{model.id}: no row has all of {', '.join(frame.columns)} non-missing"
        )
    n_singletons = drop_singletons(model, panel, complete)
    used = frame.loc[complete]
    sub = panel.frame.loc[complete]
    entity = pd.factorize(sub[panel.entity], sort=True)[0].astype(np.int64)
    time = (
        pd.factorize(sub[panel.time], sort=True)[0].astype(np.int64) if panel.time else None
    )
    known = {panel.entity: entity, **({panel.time: time} if panel.time else {})}
    clusters = [known[c] if c in known else pd.factorize(sub[c], sort=True)[0].astype(np.int64)
                for c in cl_cols]
    absorbed = [pd.factorize(sub[c], sort=True)[0].astype(np.int64) for c in absorb]
    for col, codes in zip(cl_cols, clusters):
        if int(codes.max()) + 1 < 2:
            raise IdentificationError(
                f"models.{model.id}.vcov.by: clustering by {col!r} needs at least 2 clusters, "
                f"but the estimation sample ({len(sub)} rows) has only one {col} "
                f"({sub[col].iloc[0]}); use vcov: robust, or cluster by another column"
            )
    return Design(
        y=used[formula.dependent.text].to_numpy(dtype=float),
        X=used[[t.name for t in formula.terms]].to_numpy(dtype=float),
        names=[t.name for t in formula.terms],
        dependent=formula.dependent.text,
        rows=used.index,
        entity=entity,
        time=time,
        clusters=clusters,
        cluster_names=cl_cols,
        absorbed=absorbed,
        n_dropped=n_dropped,
        n_singletons=n_singletons,
    )


def drop_singletons(model: ModelSpec, panel: Panel, complete: pd.Series) -> int:
    """With ``singletons: drop``, mark singleton rows of ``complete`` False (in place).

    Returns the number of rows dropped; refuses a sample with nothing left.
    """
    absorb = list(getattr(model, "absorb", []) or [])
    if model.singletons != "drop" or not (model.effects or absorb):
        return 0
    keys = {"entity": panel.entity, "time": panel.time}
    singleton = singleton_rows(
        panel.frame.loc[complete, [keys[e] for e in model.effects] + absorb])
    complete.loc[singleton.index[singleton]] = False
    n_singletons = int(singleton.sum())
    if not complete.any():
        raise DataError(
            f"models.{model.id}: every row is a singleton of the fixed effects "
            f"{model.effects} ({n_singletons} rows); use singletons: keep or more data"
        )
    return n_singletons


def singleton_rows(groups: pd.DataFrame) -> pd.Series:
    """Rows that are alone in a group of some fixed effect, found iteratively (reghdfe).

    A row alone in its entity (or period) is fitted exactly by its own dummy and carries
    no information on the slopes; dropping it can leave another group with one row, so
    the check repeats until no group of any column has exactly one row.

    Parameters
    ----------
    groups
        One column per absorbed fixed effect, rows = candidate estimation sample.

    Returns
    -------
    Series of bool, True for rows to drop.
    """
    dropped = pd.Series(False, index=groups.index)
    while True:
        alive = groups.loc[~dropped]
        alone = pd.Series(False, index=alive.index)
        for column in alive.columns:
            alone |= alive.groupby(column, sort=False)[column].transform("size").eq(1)
        if not alone.any():
            return dropped
        dropped.loc[alone.index[alone]] = True


def sample_info(model: ModelSpec, design: Design | Any) -> dict[str, Any]:
    """The ``Result.info`` entries every estimated design reports: effects, vcov and its
    correction, cluster columns, rows dropped (missing values, singletons), the formula, the
    column label and the controls (tables read them for indicator rows and notes)."""
    return {
        "effects": list(model.effects),
        **({"absorb": list(model.absorb)} if getattr(model, "absorb", None) else {}),
        "vcov": model.vcov.type,
        "vcov_correction": model.vcov.correction,
        "cluster_by": design.cluster_names,
        "n_dropped_missing": design.n_dropped,
        "n_singletons": design.n_singletons,
        "formula": model.formula,
        "label": model.column_label,
        "controls": list(model.controls),
    }


def _clearly_full_rank(X: np.ndarray, tol: float, reference: np.ndarray | None) -> bool:
    """True when no column of ``X`` comes near an omission threshold (see find_collinear)."""
    if X.shape[1] == 0:
        return False
    gram = X.T @ X
    sq = np.diag(gram).copy()
    base = np.einsum("ij,ij->j", reference, reference) if reference is not None else sq
    if not np.all(np.isfinite(gram)) or not np.all(sq > (1e3 * tol) ** 2 * base) or \
            not np.all(sq > 0):
        return False
    d = np.sqrt(sq)
    try:
        chol = np.linalg.cholesky(gram / np.outer(d, d))
    except np.linalg.LinAlgError:
        return False
    return bool(np.all(np.diag(chol) > 1e3 * 1e-7))


def find_collinear(
    X: np.ndarray, names: list[str], *, tol: float = 1e-9, reference: np.ndarray | None = None
) -> list[tuple[int, str]]:
    """Columns to omit, Stata style: a column is omitted when it has no variation left
    or is a linear combination of the columns kept before it.

    Parameters
    ----------
    X
        The (transformed) design.
    reference
        The untransformed design, used only to tell "no variation left after the
        fixed effects" from "collinear with other regressors" in the reason.

    Returns
    -------
    list of (column index, reason)

    Notes
    -----
    A screen on the Gram matrix comes first: with :math:`C = D^{-1}X'XD^{-1}` (unit
    diagonal) and its Cholesky factor :math:`L`, :math:`L_{jj}` is the norm of the residual
    of column :math:`j` on the columns before it, relative to its own norm. When every
    column keeps at least 1000 times the thresholds below (norm and residual), nothing is
    omitted and the column-by-column least-squares checks are skipped: one pass over the
    data instead of one solve per column.
    """
    if _clearly_full_rank(X, tol, reference):
        return []
    omitted: list[tuple[int, str]] = []
    kept: list[int] = []
    for j in range(X.shape[1]):
        col = X[:, j]
        norm = float(np.linalg.norm(col))
        base = float(np.linalg.norm(reference[:, j])) if reference is not None else norm
        if norm <= tol * max(base, 1e-300) or norm == 0.0:
            reason = (
                "no variation left after the fixed effects (constant within the absorbed groups)"
                if reference is not None
                else "constant, collinear with the intercept"
            )
            omitted.append((j, reason))
            continue
        if kept:
            Q = X[:, kept]
            coef, *_ = np.linalg.lstsq(Q, col, rcond=None)
            resid = col - Q @ coef
            if np.linalg.norm(resid) <= 1e-7 * norm:
                weights = np.abs(coef) * np.linalg.norm(Q, axis=0)
                partners = [names[k] for k, w in zip(kept, weights) if w > 1e-7 * norm]
                omitted.append((j, f"collinear with {', '.join(partners)}"))
                continue
        kept.append(j)
    if len(omitted) == X.shape[1] and X.shape[1] > 0:
        raise IdentificationError(
            "every regressor was omitted: "
            + "; ".join(f"{names[j]} ({why})" for j, why in omitted)
        )
    return omitted
