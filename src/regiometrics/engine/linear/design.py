"""From a model spec and a panel to arrays: y, X, fixed-effect and cluster codes.

Rows with a missing value in any variable the model uses (including cluster
columns and operator-made lags) are deleted listwise; how many is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.engine.linear.absorb import (
    absorbed_codes,
    absorbed_slopes,
    effect_columns,
    group_codes,
    grouping_effects,
    model_effects,
    slope_columns,
    sorted_codes,
)
from regiometrics.errors import DataError, IdentificationError, SpecError
from regiometrics.spec.formula import Formula, Term, Variable
from regiometrics.spec.formula_expr import factor_levels
from regiometrics.spec.model_kinds import MediationSpec
from regiometrics.spec.models import DesignModel


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
    fe_codes
        One code array per absorbed effect, keyed by its text (``entity``, ``industry^time``).
    weights
        Analytic weights (``aweights``) normalised to sum to ``n`` (Stata), or None.
    fe_slopes
        For effects with group-specific slopes (``entity[time]``), the slope variable.
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
    fe_codes: dict[str, np.ndarray] = field(default_factory=dict)
    weights: np.ndarray | None = None
    fe_slopes: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def slope_list(self) -> list[np.ndarray | None]:
        """Per effect in ``fe_codes`` order: its slope values or None."""
        return [self.fe_slopes.get(k) for k in self.fe_codes]

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


#: Most regressor columns a formula may expand to (factors times levels); beyond it the
#: design is refused before any column is built.
MAX_COLUMNS = 2000


def _variable_key(var: Variable) -> str:
    """A variable's identity for the marginality rule: a factor by its column (``C(r)`` and
    ``i.r`` are the same factor), anything else by its text."""
    return f"factor:{var.factor.column}" if var.factor is not None else var.text


def term_key(term: Term) -> frozenset[str]:
    """A term's identity for the marginality rule: the set of its variables."""
    return frozenset(_variable_key(v) for v in term.variables)


def term_columns(panel: Panel, term: Term, *, where: str,
                 present: frozenset[frozenset[str]] | None = None,
                 sample: pd.Series | None = None) -> dict[str, pd.Series]:
    r"""The columns of a term: one for a product of numeric variables, or one per combination
    of the levels of its factors, times the numeric part.

    Each factor :math:`F` of a term :math:`T` is coded by R's marginality rule (Chambers &
    Hastie 1992, the rule R's ``model.matrix``, formulaic and so fixest follow): by treatment
    contrasts (its base level omitted) when the term :math:`T \setminus F` is in the model
    (the empty term being the intercept, always present), and by one indicator per level
    otherwise. So ``C(region)`` and ``x + C(region):x`` omit the base level, while
    ``C(region):x`` without ``x`` gives every region its own slope, as ``i.region#c.x``
    does in Stata. ``present`` holds the keys (:func:`term_key`) of the model's terms;
    ``None`` means the term alone.

    A factor's levels, and so its default base (the first sorted level), are those on the
    estimation sample ``sample`` (a boolean mask of the panel's rows; all rows when None), as
    in Stata and fixest: a level seen only on rows deleted listwise is neither a column nor
    the base.

    Names: a contrast column is ``C(region)[T.East]``, an indicator column ``C(region)[East]``
    (formulaic / fixest style, for every spelling ``C(region)``, ``i.region``,
    ``ib2.region``), joined by ``:`` with the other parts in the order written
    (``C(region)[T.East]:x``).
    """
    key = term_key(term)
    present = present if present is not None else frozenset({key})
    numeric: pd.Series | None = None
    parts: list[list[tuple[str, pd.Series | None]]] = []
    for var in term.variables:
        if var.factor is None:
            values = panel.variable(var, where=where)
            numeric = values if numeric is None else numeric * values
            parts.append([(var.text, None)])
            continue
        raw = panel.frame[var.factor.column]
        levels, base = factor_levels(raw if sample is None else raw[sample], var.factor.base,
                                     where=where, text=var.text)
        rest = key - {_variable_key(var)}
        contrasts = not rest or rest in present
        missing = raw.isna()
        dummies: list[tuple[str, pd.Series | None]] = []
        for level in levels:
            if contrasts and level == base:
                continue
            col = (raw == level).astype(float).mask(missing)
            label = f"T.{level}" if contrasts else f"{level}"
            dummies.append((f"{var.text}[{label}]", col))
        parts.append(dummies)
    if all(len(p) == 1 and p[0][1] is None for p in parts):
        assert numeric is not None
        return {term.name: numeric.rename(term.name)}
    n_cols = int(np.prod([len(p) for p in parts]))
    if n_cols > MAX_COLUMNS:
        raise SpecError(f"{where}: the term {term.name!r} expands to {n_cols} columns (more than "
                        f"{MAX_COLUMNS}); absorb a many-level factor as a fixed effect "
                        "(effects: [...]) instead")
    out: dict[str, pd.Series] = {}
    for combo in product(*parts):
        name = ":".join(label for label, _ in combo)
        values = numeric if numeric is not None else pd.Series(1.0, index=panel.frame.index)
        for _, col in combo:
            if col is not None:
                values = values * col
        out[name] = values.rename(name)
    return out


def formula_columns(panel: Panel, terms: Sequence[Term], *, where: str,
                    model_terms: Sequence[Term] | None = None,
                    sample: pd.Series | None = None) -> dict[str, pd.Series]:
    """Every regressor column of ``terms`` in order (factors expanded), refusing more than
    :data:`MAX_COLUMNS` before building them.

    ``model_terms`` are the terms the marginality rule of :func:`term_columns` looks for
    (all of an IV model's terms, say); by default ``terms`` themselves. ``sample`` is the
    estimation sample the factors take their levels from (:func:`term_columns`).
    """
    present = frozenset(term_key(t) for t in (model_terms if model_terms is not None
                                               else terms))
    out: dict[str, pd.Series] = {}
    for term in terms:
        cols = term_columns(panel, term, where=where, present=present, sample=sample)
        for name, values in cols.items():
            out.setdefault(name, values)
        if len(out) > MAX_COLUMNS:
            raise SpecError(f"{where}: the formula expands to more than {MAX_COLUMNS} columns; "
                            "absorb many-level factors as fixed effects (effects: [...])")
    return out


def has_factor(terms: Sequence[Term]) -> bool:
    """Whether any term has a factor (whose levels depend on the estimation sample)."""
    return any(v.factor is not None for t in terms for v in t.variables)


def drop_empty_levels(frame: pd.DataFrame, complete: pd.Series,
                      term_names: Sequence[str]) -> list[str]:
    """Factor-level columns (every column that is not a term of its own, ``...[T.level]...``
    or ``...[level]...``) with no non-zero value on the estimation sample: levels seen only
    on rows deleted listwise (as formulaic/fixest never build them)."""
    used = frame.loc[complete]
    own = set(term_names)
    return [c for c in used.columns if c not in own and not used[c].to_numpy().any()]


def cluster_columns(model: DesignModel | MediationSpec, panel: Panel) -> list[str]:
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
        elif ("^" in by or "#" in by) and by not in panel.frame.columns:
            a, b = by.replace("#", "^").split("^", 1)
            raise SpecError(
                f"models.{model.id}.vcov.by: {by!r}: clustering by an interaction of columns is "
                f"not read; add a column joining {a} and {b} to the data (in pandas: "
                f"df['{a}_{b}'] = df['{a}'].astype(str) + '_' + df['{b}'].astype(str)) and "
                "cluster by it"
            )
        else:
            out.append(by)
    return out


def model_weights(model: DesignModel, panel: Panel) -> pd.Series | None:
    """The ``aweights`` column as float (missing stays missing), or None.

    Raises
    ------
    DataError
        Negative weights (naming the column and the first entity-years).
    """
    column = getattr(model, "aweights", None)
    if column is None:
        return None
    where = f"models.{model.id}.aweights"
    w = panel.numeric(column, where=where)
    bad = w < 0
    if bad.any():
        keys = [panel.entity] + ([panel.time] if panel.time else [])
        at = ", ".join(str(tuple(r)) for r in panel.frame.loc[bad[bad].index[:3], keys]
                       .itertuples(index=False, name=None))
        raise DataError(f"{where}: column {column!r} has {int(bad.sum())} negative "
                        f"weights, e.g. at {at}; analytic weights must be >= 0")
    return w


def complete_rows(model: DesignModel, panel: Panel, frame: pd.DataFrame) -> tuple[pd.Series, int,
                                                                                 int, list[str]]:
    """Rows complete in ``frame``, the cluster and effect columns and a positive weight; then
    (``singletons: drop``) without singletons of the effects.

    Returns
    -------
    complete, n_dropped (missing), n_singletons, cluster columns
    """
    cl_cols = cluster_columns(model, panel)
    panel.require(cl_cols, where=f"models.{model.id}.vcov.by")
    panel.require(list(getattr(model, "absorb", None) or []), where=f"models.{model.id}.absorb")
    fe_cols = effect_columns(grouping_effects(model), panel, where=f"models.{model.id}.effects")
    complete = frame.notna().all(axis=1)
    slope_cols = slope_columns(model_effects(model), panel, where=f"models.{model.id}.effects")
    for col in dict.fromkeys([*cl_cols, *(c for cs in fe_cols.values() for c in cs),
                              *slope_cols.values()]):
        complete &= panel.frame[col].notna()
    w = model_weights(model, panel)
    if w is not None:
        complete &= w.notna() & (w > 0)
    n_dropped = int((~complete).sum())
    if not complete.any():
        raise DataError(
            f"models.{model.id}: no row has all of {', '.join(map(str, frame.columns))} "
            "non-missing" + (f" and a positive weight in {getattr(model, 'aweights', '')!r}"
                             if w is not None else "")
        )
    n_singletons = drop_singletons(model, panel, complete, fe_cols)
    return complete, n_dropped, n_singletons, cl_cols


def build_design(model: DesignModel, panel: Panel, formula: Formula | None = None) -> Design:
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
    columns = {formula.dependent.text: panel.variable(formula.dependent, where=where)}
    columns.update(formula_columns(panel, formula.terms, where=where))
    frame = pd.DataFrame(columns)
    complete, n_dropped, n_singletons, cl_cols = complete_rows(model, panel, frame)
    if has_factor(formula.terms):  # levels and bases on the estimation sample
        frame = pd.DataFrame({
            formula.dependent.text: columns[formula.dependent.text],
            **formula_columns(panel, formula.terms, where=where, sample=complete)})
    frame = frame.drop(columns=drop_empty_levels(
        frame, complete, [formula.dependent.text, *formula.term_names]))
    names = [c for c in frame.columns if c != formula.dependent.text]
    used = frame.loc[complete]
    codes = sample_codes(model, panel, complete, cl_cols)
    absorbed = [codes.fe_codes[c] for c in getattr(model, "absorb", None) or []
                if c in codes.fe_codes]
    return Design(
        y=used[formula.dependent.text].to_numpy(dtype=float),
        X=used[names].to_numpy(dtype=float),
        names=names,
        dependent=formula.dependent.text,
        rows=used.index,
        entity=codes.entity,
        time=codes.time,
        clusters=codes.clusters,
        cluster_names=cl_cols,
        n_dropped=n_dropped,
        n_singletons=n_singletons,
        absorbed=absorbed,
        fe_codes=codes.fe_codes,
        weights=codes.weights,
        fe_slopes=codes.fe_slopes,
    )


@dataclass(frozen=True)
class SampleCodes:
    """Integer codes and weights of an estimation sample, shared by the OLS/FE and IV designs.

    ``entity``/``time``: codes 0..G-1 of the panel's keys; ``clusters``: one code array per
    cluster column; ``fe_codes``/``fe_slopes``: the absorbed effects and trends by name;
    ``weights``: analytic weights scaled to sum to N (Stata's aweights), or ``None``.
    """

    entity: np.ndarray
    time: np.ndarray | None
    clusters: list[np.ndarray]
    fe_codes: dict[str, np.ndarray]
    fe_slopes: dict[str, np.ndarray]
    weights: np.ndarray | None


def sample_codes(model: DesignModel, panel: Panel, complete: pd.Series,
                 cl_cols: Sequence[str]) -> SampleCodes:
    """Codes of the rows ``complete`` keeps; refuses clustering with fewer than 2 clusters."""
    sub = panel.frame.loc[complete]
    entity = sorted_codes(sub[panel.entity])
    time = sorted_codes(sub[panel.time]) if panel.time else None
    known: dict[str, np.ndarray] = {panel.entity: entity}
    if panel.time is not None and time is not None:
        known[panel.time] = time
    clusters = [known[c] if c in known else sorted_codes(sub[c]) for c in cl_cols]
    for col, codes in zip(cl_cols, clusters):
        if int(codes.max()) + 1 < 2:
            raise IdentificationError(
                f"models.{model.id}.vcov.by: clustering by {col!r} needs at least 2 clusters, "
                f"but the estimation sample ({len(sub)} rows) has only one {col} "
                f"({sub[col].iloc[0]}); use vcov: robust, or cluster by another column"
            )
    where = f"models.{model.id}.effects"
    fe_codes = absorbed_codes(model_effects(model), panel, complete, where=where, known=known)
    fe_slopes = absorbed_slopes(model_effects(model), panel, complete, where=where)
    w = model_weights(model, panel)
    weights = None
    if w is not None:
        weights = w.loc[complete].to_numpy(dtype=float)
        weights = weights * (len(weights) / weights.sum())
    return SampleCodes(entity, time, clusters, fe_codes, fe_slopes, weights)


def drop_singletons(model: DesignModel, panel: Panel, complete: pd.Series,
                    fe_cols: dict[str, list[str]] | None = None) -> int:
    """With ``singletons: drop``, mark singleton rows of ``complete`` False (in place).

    Singletons are searched across every absorbed effect (interactions included),
    iteratively. Returns the number of rows dropped; refuses a sample with nothing left.
    """
    if getattr(model, "singletons", "keep") != "drop" or not grouping_effects(model):
        return 0
    if fe_cols is None:
        fe_cols = effect_columns(grouping_effects(model), panel,
                                 where=f"models.{model.id}.effects")
    sub = panel.frame.loc[complete]
    groups = pd.DataFrame({name: group_codes(sub, cols) for name, cols in fe_cols.items()},
                          index=sub.index)
    singleton = singleton_rows(groups)
    complete.loc[singleton.index[singleton]] = False
    n_singletons = int(singleton.sum())
    if not complete.any():
        raise DataError(
            f"models.{model.id}: every row is a singleton of the fixed effects "
            f"{grouping_effects(model)} ({n_singletons} rows); use singletons: keep or more data"
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


def sample_info(model: DesignModel, design: Design | Any) -> dict[str, Any]:
    """The ``Result.info`` entries every estimated design reports: effects, vcov and its
    correction, cluster columns, rows dropped (missing values, singletons), the formula, the
    column label and the controls (tables read them for indicator rows and notes)."""
    return {
        "effects": list(model.effects),
        **({"absorb": list(absorb)} if (absorb := getattr(model, "absorb", None)) else {}),
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
