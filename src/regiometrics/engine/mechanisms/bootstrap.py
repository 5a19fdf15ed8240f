r"""Entity (cluster) and row bootstrap of fixed-effects OLS (two-way, or any absorbed effects).

Every linear two-way FE equation ``v_0 ~ v_1 + ... + v_k + entity + time`` on one
panel is a function of the two-way-demeaned cross-products ``Z~'Z~`` of the panel's
variables ``Z = [v_0, v_1, ...]`` (Frisch-Waugh-Lovell):

.. math:: \hat\beta = (X~'X~)^{-1} X~'y~ .

A bootstrap draw therefore only needs the ``p x p`` cross-product matrix of the
resample; all equations of a model (e.g. the mediator and outcome equations of a
mediation analysis) are then solved from the same draw.

Three ways to get the cross-products of a draw (``method``):

``"blocks"`` (balanced panels, entity resampling)
    Let ``e_i`` be the ``T x p`` block of entity ``i`` after two-way demeaning of the
    full sample and ``c`` the draw's entity counts (``sum c = N``; a drawn entity counts
    as a new entity, so a copy keeps its own entity effect). The two-way demeaned
    resample is ``e_i - m`` with time means ``m = sum_i c_i e_i / N`` and

    .. math:: Z~'Z~ = \sum_i c_i e_i' e_i - N m'm ,

    since subtracting any common ``T x p`` matrix from every block leaves the
    two-way demeaned resample unchanged (the full-sample two-way demeaned blocks are
    used instead of entity-demeaned ones to keep ``m`` small and avoid cancellation).
    With the draws' counts as a ``B x N`` matrix both sums are matrix products, so
    ``B`` draws cost two matmuls, not ``B`` refits.
``"iterated"`` (any panel, entity or row resampling)
    A resample is the original panel with frequency weights (entity counts ``c_i`` on
    every row of entity ``i``, or row counts). Entity resampling of an unbalanced panel:
    the same per-entity blocks, with each draw's time effects partialled out through a
    ``T x T`` system (Frisch-Waugh-Lovell, :class:`~regiometrics.engine.linear.demean.EntityBlocks`),
    exact and free of row passes. Row resampling: weighted alternating projections
    (:func:`~regiometrics.engine.linear.demean.demean` with stacked weights) give the demeaned
    data of each draw (a small stack of draws per numpy call).
``"refit"`` (reference)
    The naive loop: build the resampled panel row by row (drawn entities relabelled
    as new entities), demean it, and ``lstsq`` every equation. Slow; it exists to show
    that the fast paths give the same numbers.

Any absorbed effects (``industry^time``, further columns, unit trends ``entity[time]``;
:attr:`TwoWayData.fe_codes`): a resample is again the original panel with frequency
weights (entity counts on every row of the entity, or row counts), and each draw's data
are demeaned by the one kernel (:func:`~regiometrics.engine.linear.demean.demean`) with
those weights, the same effects and a stack of draws per call. This is exact: a drawn copy
of an entity is identical to the original, so giving each copy its own levels of the
effects that involve the entity (its intercept, its trend) or one shared level with weight
:math:`c_i` gives the same least-squares projection. The ``"refit"`` method builds each
resampled panel with such per-copy levels and demeans it unweighted, the reference.

All methods read the same draws, :func:`draw_indices`, so a seed gives identical
resamples whatever the method.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from tqdm.auto import tqdm

from regiometrics.engine.linear.demean import EntityBlocks, demean
from regiometrics.errors import DataError, IdentificationError, SpecError
from regiometrics.options import check_literal

ResampleScheme = Literal["entity", "row"]
BootstrapMethod = Literal["auto", "blocks", "iterated", "refit"]

#: Smallest eigenvalue of the unit-diagonal cross-product matrix below which an
#: equation counts as collinear (in the sample: an error; in a draw: a failed draw).
COLLINEARITY_TOL = 1e-10
#: A regressor has no variation (in the sample, or in a draw) when its two-way-demeaned
#: sum of squares is below this share of its centred sum of squares (in a draw: of its
#: two-way-demeaned sum of squares in the full sample).
VARIATION_TOL = 1e-10




@dataclass(frozen=True)
class TwoWayData:
    """Validated panel columns with integer entity and time codes.

    Attributes
    ----------
    values
        ``n x p`` float array, one column per variable in ``names``.
    names
        Variable names, in column order.
    entity, time
        ``n`` integer codes, ``0..n_entities-1`` and ``0..n_periods-1``.
    entity_labels, time_labels
        The original labels of the codes (for messages).
    balanced
        Every entity is observed in every period (exactly once).
    fe_codes, fe_slopes, fe_entity
        Absorbed effects other than entity and time (empty: entity and time effects): one
        code array per effect, its slope values (``entity[time]``) or None, and whether the
        effect involves the entity (a resampled copy then gets its own levels of it).
    """

    values: np.ndarray
    names: tuple[str, ...]
    entity: np.ndarray
    time: np.ndarray
    entity_labels: np.ndarray
    time_labels: np.ndarray
    balanced: bool
    fe_codes: tuple[np.ndarray, ...] = ()
    fe_slopes: tuple[np.ndarray | None, ...] = ()
    fe_entity: tuple[bool, ...] = ()

    @property
    def twoway(self) -> bool:
        """True for entity and time effects (the default), False for other effects."""
        return not self.fe_codes

    @property
    def effects(self) -> list[np.ndarray]:
        """The code arrays the demeaning kernel absorbs."""
        return list(self.fe_codes) if self.fe_codes else [self.entity, self.time]

    @property
    def slopes(self) -> list[np.ndarray | None] | None:
        return list(self.fe_slopes) if self.fe_codes else None

    @property
    def n_entities(self) -> int:
        return len(self.entity_labels)

    @property
    def n_periods(self) -> int:
        return len(self.time_labels)

    @property
    def nobs(self) -> int:
        return self.values.shape[0]

    def column(self, name: str) -> int:
        return self.names.index(name)


def prepare_twoway(
    columns: Mapping[str, ArrayLike],
    entity: ArrayLike,
    time: ArrayLike,
    *,
    effects: Sequence[np.ndarray] | None = None,
    slopes: Sequence[np.ndarray | None] | None = None,
    entity_effects: Sequence[bool] | None = None,
) -> TwoWayData:
    """Validate variables and panel identifiers into a :class:`TwoWayData`.

    ``effects`` (integer codes 0..G-1 per row), with ``slopes`` and ``entity_effects`` as in
    :class:`TwoWayData`, replace the entity and time effects; None keeps them.

    Raises :class:`DataError` when lengths differ, a value is missing or not finite,
    or an entity-time pair occurs twice.
    """
    ent = np.asarray(entity)
    tim = np.asarray(time)
    n = ent.shape[0]
    if ent.ndim != 1 or tim.shape != ent.shape:
        raise DataError(
            f"entity and time must be 1-d arrays of equal length; got shapes {ent.shape} "
            f"and {tim.shape}."
        )
    cols = []
    for name, col in columns.items():
        arr = np.asarray(col, dtype=float)
        if arr.shape != (n,):
            raise DataError(
                f"variable '{name}' has shape {arr.shape}, expected ({n},) like entity and time."
            )
        bad = ~np.isfinite(arr)
        if bad.any():
            where = ", ".join(f"{e}-{t}" for e, t in zip(ent[bad][:5], tim[bad][:5]))
            raise DataError(
                f"variable '{name}' is missing or not finite in {int(bad.sum())} rows "
                f"(entity-time {where}); drop or impute these rows before estimation so "
                "every equation uses the same sample."
            )
        cols.append(arr)
    ecode, elab = pd.factorize(ent, sort=True)
    tcode, tlab = pd.factorize(tim, sort=True)
    if (ecode < 0).any() or (tcode < 0).any():
        raise DataError("entity and time identifiers must not be missing.")
    cell = ecode.astype(np.int64) * len(tlab) + tcode
    uniq, first, counts = np.unique(cell, return_index=True, return_counts=True)
    if (counts > 1).any():
        dup = first[np.argmax(counts > 1)]
        raise DataError(
            f"entity-time pair {ent[dup]}-{tim[dup]} occurs {int(counts.max())} times; "
            "a panel needs one row per entity and period (aggregate or drop duplicates)."
        )
    if len(elab) < 2:
        raise DataError(f"a two-way FE bootstrap needs at least 2 entities; got {len(elab)}.")
    values = np.column_stack(cols) if cols else np.empty((n, 0))
    fe_codes: tuple[np.ndarray, ...] = ()
    fe_slopes: tuple[np.ndarray | None, ...] = ()
    fe_entity: tuple[bool, ...] = ()
    if effects is not None:
        if not effects:
            raise SpecError("a fixed-effects bootstrap needs at least one absorbed effect.")
        fe_codes = tuple(np.asarray(c, dtype=np.intp) for c in effects)
        if any(c.shape != (n,) for c in fe_codes):
            raise DataError(f"every effect needs one code per row ({n} rows).")
        fe_slopes = tuple(slopes) if slopes is not None else (None,) * len(fe_codes)
        fe_entity = (tuple(entity_effects) if entity_effects is not None
                     else (False,) * len(fe_codes))
    return TwoWayData(
        values=values,
        names=tuple(columns),
        entity=ecode.astype(np.intp),
        time=tcode.astype(np.intp),
        entity_labels=np.asarray(elab),
        time_labels=np.asarray(tlab),
        balanced=len(uniq) == len(elab) * len(tlab),
        fe_codes=fe_codes,
        fe_slopes=fe_slopes,
        fe_entity=fe_entity,
    )


def demean_data(
    data: TwoWayData,
    values: np.ndarray | None = None,
    *,
    weights: np.ndarray | None = None,
    tol: float = 1e-13,
    max_iter: int = 10_000,
) -> np.ndarray:
    """``values`` (default: the data's) with the data's effects removed by the one kernel,
    optionally with (stacked) frequency weights; see :func:`twoway_demean`."""
    z = data.values if values is None else values
    return demean(z, data.effects, weights=weights, slopes=data.slopes, tol=tol,
                  max_iter=max_iter)


def twoway_demean(
    values: np.ndarray,
    entity: np.ndarray,
    time: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    tol: float = 1e-13,
    max_iter: int = 10_000,
) -> np.ndarray:
    r"""Remove entity and time effects from each column by alternating projections.

    The project's one demeaning kernel (:func:`regiometrics.engine.linear.demean.demean`) with
    the entity and time codes: accelerated weighted alternating projections until a sweep
    changes no value by more than ``tol`` times the column's scale. The limit is the
    residual of the weighted least-squares projection on entity and time dummies; for a
    balanced unweighted panel one pass is exact (``z_it - z_i. - z_.t + z_..``).

    Parameters
    ----------
    values
        ``n x p`` array.
    entity, time
        ``n`` integer codes starting at 0.
    weights
        Optional non-negative frequency weights (rows with weight 0 are ignored): ``n``
        weights, or a ``B x n`` stack demeaned together (one bootstrap draw per row).
    tol, max_iter
        Convergence tolerance (relative) and sweep cap.

    Returns
    -------
    numpy.ndarray
        ``n x p``, or ``B x n x p`` for stacked weights.

    Raises
    ------
    ConvergenceError
        If the means have not vanished after ``max_iter`` sweeps.
    """
    return demean(values, [entity, time], weights=weights, tol=tol, max_iter=max_iter)


@dataclass(frozen=True)
class Equation:
    """One two-way FE equation ``dependent ~ regressors`` by variable name."""

    dependent: str
    regressors: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.dependent} ~ {' + '.join(self.regressors)}"


def _solve_moments(
    moments: np.ndarray, dep: int, regs: Sequence[int], floor: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``(X'X) b = X'y`` for a stack ``B x p x p`` of cross-products.

    Returns the ``B x k`` coefficients and a ``B`` mask of unidentified draws (NaN
    coefficients): a regressor's sum of squares at or below its ``floor`` (one per
    variable), or collinear regressors. The system is scaled to unit diagonal before
    solving.
    """
    r = np.asarray(regs)
    xx = moments[:, r[:, None], r[None, :]]
    xy = moments[:, r, dep]
    diag = np.einsum("bii->bi", xx)
    bad = (diag <= np.maximum(floor[r], 0.0)).any(axis=1)
    d = np.sqrt(np.where(diag > 0, diag, 1.0))
    a = xx / (d[:, :, None] * d[:, None, :])
    bad |= np.linalg.eigvalsh(a)[:, 0] < COLLINEARITY_TOL
    a[bad] = np.eye(len(r))
    beta = np.linalg.solve(a, (xy / d)[:, :, None])[:, :, 0] / d
    beta[bad] = np.nan
    return beta, bad


def fe_coefficients(data: TwoWayData, equations: Sequence[Equation]) -> tuple[np.ndarray, ...]:
    """Two-way FE OLS coefficients of each equation on the full sample.

    Raises
    ------
    IdentificationError
        If a regressor has no variation left after removing entity and time effects,
        or the regressors of an equation are collinear.
    """
    return _fit(data, demean_data(data), equations)


def _fit(
    data: TwoWayData, demeaned: np.ndarray, equations: Sequence[Equation]
) -> tuple[np.ndarray, ...]:
    """:func:`fe_coefficients` from the demeaned full sample."""
    left = (demeaned**2).sum(axis=0)
    floor = VARIATION_TOL * ((data.values - data.values.mean(axis=0)) ** 2).sum(axis=0)
    moments = (demeaned.T @ demeaned)[None]
    out = []
    for eq in equations:
        for name in eq.regressors:
            j = data.column(name)
            if left[j] <= floor[j]:
                raise IdentificationError(
                    f"'{name}' has no variation left after removing the fixed effects "
                    f"(equation {eq}); it is constant within entities or moves the same way "
                    "in every entity. Remove it from the model."
                )
        beta, bad = _solve_moments(moments, data.column(eq.dependent), _columns(data, eq), floor)
        if bad[0]:
            raise IdentificationError(
                f"the regressors of equation {eq} are collinear once the fixed effects "
                "are removed; drop one of them."
            )
        out.append(beta[0])
    return tuple(out)


def _columns(data: TwoWayData, eq: Equation) -> list[int]:
    return [data.column(name) for name in eq.regressors]


def draw_indices(n_units: int, reps: int, *, seed: int | np.random.Generator) -> np.ndarray:
    """``reps x n_units`` matrix of units (entities or rows) drawn with replacement.

    Drawn all at once from ``numpy.random.default_rng(seed)``, so the draws do not
    depend on how they are later split into chunks.
    """
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_units, size=(reps, n_units))


def _counts(indices: np.ndarray, n_units: int) -> np.ndarray:
    """Per-draw counts ``B x n_units`` of each unit in ``indices``."""
    b = indices.shape[0]
    flat = (indices + n_units * np.arange(b)[:, None]).ravel()
    return np.bincount(flat, minlength=b * n_units).reshape(b, n_units).astype(float)


@dataclass(frozen=True)
class BootstrapDraws:
    """Bootstrap distribution of two-way FE coefficients.

    Attributes
    ----------
    equations
        The equations, in the order of ``coefficients``.
    estimates
        Full-sample coefficients of each equation (:func:`fe_coefficients`).
    coefficients
        One ``reps x k`` array per equation (columns in regressor order); a draw whose
        regressors are collinear is NaN in every equation.
    indices
        ``reps x n_units`` drawn entity codes (``scheme="entity"``) or row numbers.
    scheme, method
        Resampling scheme and the method actually used (``"auto"`` resolved).
    n_failed
        Draws in which some equation was not identified.
    """

    equations: tuple[Equation, ...]
    estimates: tuple[np.ndarray, ...]
    coefficients: tuple[np.ndarray, ...]
    indices: np.ndarray
    scheme: ResampleScheme
    method: BootstrapMethod
    n_failed: int


def bootstrap_fe(
    data: TwoWayData,
    equations: Sequence[Equation],
    *,
    reps: int,
    seed: int | np.random.Generator,
    scheme: ResampleScheme = "entity",
    method: BootstrapMethod = "auto",
    chunk_size: int = 250,
    progress: bool = True,
    tol: float = 1e-13,
    max_iter: int = 10_000,
) -> BootstrapDraws:
    """Bootstrap two-way FE OLS coefficients of several equations on the same draws.

    The full-sample fit comes first, so an unidentified model raises
    :class:`IdentificationError` before any draw is made.

    Parameters
    ----------
    data
        Validated panel (:func:`prepare_twoway`).
    equations
        Equations whose coefficients are drawn; all use the same resamples.
    reps
        Number of draws (at least 2).
    seed
        Seed or Generator for :func:`draw_indices`.
    scheme
        ``"entity"`` resamples whole entities (clusters) with replacement, a drawn entity
        counting as a new entity; ``"row"`` resamples entity-years, keeping their labels
        (wrong when errors are correlated within entities; kept to show that).
    method
        ``"blocks"`` (balanced panel and entity scheme only), ``"iterated"``, ``"refit"``
        (naive reference loop) or ``"auto"`` (blocks where possible, else iterated).
    chunk_size
        Draws processed per step (and per progress-bar update).
    progress
        Show a tqdm progress bar.
    tol, max_iter
        Passed to :func:`twoway_demean` for the iterated and refit methods.
    """
    check_literal(scheme, ResampleScheme, "bootstrap resample")
    check_literal(method, BootstrapMethod, "bootstrap method")
    if not isinstance(reps, (int, np.integer)) or reps < 2:
        raise SpecError(f"bootstrap reps must be an integer of at least 2; got {reps!r}.")
    if chunk_size < 1:
        raise SpecError(f"chunk_size must be a positive integer; got {chunk_size!r}.")
    if method == "auto":
        method = ("blocks" if scheme == "entity" and data.balanced and data.twoway
                  else "iterated")
    if method == "blocks" and not data.twoway:
        raise SpecError("method 'blocks' works with entity and time effects only; use "
                        "method 'iterated' (or 'auto') for other absorbed effects.")
    if method == "blocks" and scheme != "entity":
        raise SpecError(
            "method 'blocks' works only with resample 'entity'; use method 'iterated' "
            "(or 'auto') for row resampling."
        )
    if method == "blocks" and not data.balanced:
        present = np.bincount(data.entity, minlength=data.n_entities)
        short = data.entity_labels[present < data.n_periods][:5]
        raise DataError(
            f"method 'blocks' needs a balanced panel; entities {', '.join(map(str, short))} "
            f"are observed in fewer than all {data.n_periods} periods. Use method 'iterated' "
            "(or 'auto')."
        )
    units = data.n_entities if scheme == "entity" else data.nobs
    indices = draw_indices(units, int(reps), seed=seed)
    deps = [data.column(eq.dependent) for eq in equations]
    regs = [_columns(data, eq) for eq in equations]
    out = [np.full((reps, len(r)), np.nan) for r in regs]
    demeaned = demean_data(data, tol=tol, max_iter=max_iter)
    estimates = _fit(data, demeaned, equations)
    step = {"blocks": _BlocksStep, "iterated": _IteratedStep, "refit": _RefitStep}[method](
        data, demeaned, scheme, deps, regs, tol, max_iter
    )
    with tqdm(total=reps, disable=not progress, desc="bootstrap", unit="draw") as bar:
        for start in range(0, reps, chunk_size):
            chunk = indices[start : start + chunk_size]
            for beta, res in zip(out, step(chunk)):
                beta[start : start + len(chunk)] = res
            bar.update(len(chunk))
    bad = np.zeros(reps, dtype=bool)
    for beta in out:
        bad |= np.isnan(beta).any(axis=1)
    for beta in out:
        beta[bad] = np.nan
    return BootstrapDraws(
        equations=tuple(equations),
        estimates=estimates,
        coefficients=tuple(out),
        indices=indices,
        scheme=scheme,
        method=method,
        n_failed=int(bad.sum()),
    )


class _Step:
    """One chunk of draws -> one ``chunk x k`` coefficient array per equation."""

    def __init__(
        self,
        data: TwoWayData,
        demeaned: np.ndarray,
        scheme: ResampleScheme,
        deps: list[int],
        regs: list[list[int]],
        tol: float,
        max_iter: int,
    ) -> None:
        self.data, self.demeaned, self.scheme = data, demeaned, scheme
        self.deps, self.regs = deps, regs
        self.tol, self.max_iter = tol, max_iter
        self.floor = VARIATION_TOL * (demeaned**2).sum(axis=0)

    def __call__(self, chunk: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    def solve(self, moments: np.ndarray) -> list[np.ndarray]:
        return [_solve_moments(moments, d, r, self.floor)[0] for d, r in zip(self.deps, self.regs)]


class _BlocksStep(_Step):
    """Cross-products of entity resamples of a balanced panel from per-entity blocks."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.blocks = EntityBlocks(self.demeaned, self.data.entity, self.data.time)

    def __call__(self, chunk: np.ndarray) -> list[np.ndarray]:
        return self.solve(self.blocks.moments(_counts(chunk, self.data.n_entities)))


class _IteratedStep(_Step):
    """Cross-products of draws on any panel.

    Entity resampling with entity and time effects: exactly, from per-entity blocks with the
    time effects of each draw solved from a ``T x T`` system
    (:class:`~regiometrics.engine.linear.demean.EntityBlocks`). Row resampling, or other
    absorbed effects: the draws' frequency weights (entity counts on the entity's rows, or
    row counts) in the weighted demeaning kernel, a stack of draws per call, starting from
    the full-sample demeaned data (they differ from the raw data by a combination of the
    effects, which every draw's projection removes).
    """

    #: Upper bound on draws x rows x variables demeaned in one stack (memory).
    STACK_ELEMENTS = 100_000

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        if self.scheme == "entity" and self.data.twoway:
            self.blocks = EntityBlocks(self.demeaned, self.data.entity, self.data.time)

    def __call__(self, chunk: np.ndarray) -> list[np.ndarray]:
        d = self.data
        units = d.n_entities if self.scheme == "entity" else d.nobs
        counts = _counts(chunk, units)
        if self.scheme == "entity" and d.twoway:
            return self.solve(self.blocks.moments(counts))
        if self.scheme == "entity":
            counts = counts[:, d.entity]  # entity counts on every row of the entity
        n, p = d.values.shape
        stack = max(1, self.STACK_ELEMENTS // (n * p))
        moments = np.empty((len(chunk), p, p))
        for start in range(0, len(chunk), stack):
            w = counts[start : start + stack]
            z = demean_data(d, self.demeaned, weights=w, tol=self.tol, max_iter=self.max_iter)
            moments[start : start + stack] = np.matmul((z * w[:, :, None]).transpose(0, 2, 1), z)
        return self.solve(moments)


class _RefitStep(_Step):
    """The naive loop: build each resampled panel, demean it, lstsq every equation.

    Entity resampling relabels each drawn copy as a new entity: its own levels of every
    effect that involves the entity (entity intercepts, ``entity^x``, ``entity[time]``).
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        data = self.data
        order = np.argsort(data.entity, kind="stable")
        sizes = np.bincount(data.entity, minlength=data.n_entities)
        self.rows = np.split(order, np.cumsum(sizes)[:-1])
        self.sizes = sizes

    def __call__(self, chunk: np.ndarray) -> list[np.ndarray]:
        d = self.data
        out = [np.full((len(chunk), len(r)), np.nan) for r in self.regs]
        for b, draw in enumerate(chunk):
            if self.scheme == "entity":
                rows = np.concatenate([self.rows[i] for i in draw])
                ent = np.repeat(np.arange(len(draw)), self.sizes[draw])
            else:
                rows = draw
                ent = d.entity[rows]
            if d.twoway:
                z = twoway_demean(
                    d.values[rows], ent, d.time[rows], tol=self.tol, max_iter=self.max_iter
                )
            else:
                codes = []
                for c, own in zip(d.fe_codes, d.fe_entity):
                    key = ent.astype(np.int64) * (int(c.max()) + 1) + c[rows] if own else c[rows]
                    codes.append(pd.factorize(key)[0])
                slopes = [None if v is None else v[rows] for v in d.fe_slopes]
                z = demean(d.values[rows], codes, slopes=slopes, tol=self.tol,
                           max_iter=self.max_iter)
            varies = (z**2).sum(axis=0) > self.floor
            for beta, dep, r in zip(out, self.deps, self.regs):
                coef, _, rank, _ = np.linalg.lstsq(z[:, r], z[:, dep], rcond=None)
                if rank == len(r) and varies[r].all():
                    beta[b] = coef
        return out
