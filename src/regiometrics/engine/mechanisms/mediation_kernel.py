r"""Baron-Kenny mediation under fixed effects, with a cluster bootstrap.

For treatment :math:`D`, mediators :math:`M_j`, outcome :math:`Y` and controls
:math:`W`, all equations absorbing entity and time effects (written below), or any other
absorbed effects passed as ``effects`` (``industry^time``, unit trends ``entity[time]``):

.. math::

    Y   &= c\,D + W\gamma + \mu_i + \delta_t + e                    &\text{(total)}\\
    M_j &= a_j D + W\gamma_j + \mu_i + \delta_t + u_j                &\text{(mediator)}\\
    Y   &= c'D + \textstyle\sum_j b_j M_j + W\theta + \mu_i + \delta_t + v &\text{(outcome)}

In ``"parallel"`` mode the outcome equation holds one mediator at a time (one
``c'`` per mediator, as in the paired columns of a Baron-Kenny table); in ``"joint"``
mode it holds all mediators together. The indirect effect is :math:`a_j b_j`, the
direct effect :math:`c'`, the proportion mediated :math:`a_j b_j / c`; by the
omitted-variable identity of OLS on one sample, :math:`c = c' + \sum_j a_j b_j`
exactly (per mediator in parallel mode). The Sobel test uses
:math:`se(ab) = \sqrt{b^2 se_a^2 + a^2 se_b^2}` with standard errors given by the
caller (from the equations' own vcov).

The bootstrap distribution of :math:`a_j b_j` takes :math:`a_j` and :math:`b_j` from
the same resample (:func:`regiometrics.engine.mechanisms.bootstrap.bootstrap_fe`); intervals are
percentile and bias-corrected.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from regiometrics.engine.mechanisms.bootstrap import (
    BootstrapMethod,
    Equation,
    ResampleScheme,
    bootstrap_fe,
    prepare_twoway,
)
from regiometrics.engine.mechanisms.intervals import (
    QuantileMethod,
    alpha_from_level,
    bc_interval,
    percentile_interval,
)
from regiometrics.errors import SpecError
from regiometrics.options import check_literal

MediationMode = Literal["parallel", "joint"]
IntervalMethod = Literal["percentile", "bc"]


@dataclass(frozen=True)
class SobelTest:
    """Sobel (first-order delta method) test of :math:`ab = 0`."""

    std_error: float
    z: float
    pvalue: float


def sobel_test(a: float, se_a: float, b: float, se_b: float) -> SobelTest:
    r"""Sobel test: :math:`z = ab / \sqrt{b^2 se_a^2 + a^2 se_b^2}`, two-sided normal p."""
    if se_a < 0 or se_b < 0 or not (math.isfinite(se_a) and math.isfinite(se_b)):
        raise SpecError(
            f"Sobel test needs finite non-negative standard errors; got se_a={se_a!r}, "
            f"se_b={se_b!r}."
        )
    se = math.sqrt(b**2 * se_a**2 + a**2 * se_b**2)
    z = a * b / se if se > 0 else math.nan
    return SobelTest(std_error=se, z=z, pvalue=float(2 * sps.norm.sf(abs(z))))


@dataclass(frozen=True)
class IndirectEffect:
    """A product-of-coefficients effect with its bootstrap distribution.

    ``ci_low``/``ci_high`` are the interval chosen by ``ci``; both kinds are kept.
    ``boot_se`` is the standard deviation of the draws.
    """

    estimate: float
    ci_low: float
    ci_high: float
    ci_percentile: tuple[float, float]
    ci_bc: tuple[float, float]
    boot_se: float
    draws: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class MediationPath:
    """Estimates for one mediator.

    ``a`` from the mediator equation, ``b`` and ``direct`` (:math:`c'`) from the
    outcome equation, ``total`` (:math:`c`) from the total-effect equation,
    ``proportion`` = indirect / total; Sobel fields are NaN unless standard errors
    were given. ``a_draws``/``b_draws`` are the bootstrap draws of ``a`` and ``b``.
    """

    mediator: str
    a: float
    b: float
    indirect: IndirectEffect
    direct: float
    total: float
    proportion: float
    sobel: SobelTest | None
    a_draws: np.ndarray = field(repr=False, compare=False)
    b_draws: np.ndarray = field(repr=False, compare=False)
    direct_draws: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class MediationEstimate:
    """Mediation estimates for all mediators, on one set of bootstrap draws.

    ``total_indirect`` (:math:`\\sum_j a_j b_j`) is set in ``"joint"`` mode only.
    ``total_draws`` are the draws of :math:`c`. ``n_failed`` counts draws in which an
    equation was not identified (left out of the intervals).
    """

    mode: MediationMode
    treatment: str
    outcome: str
    controls: tuple[str, ...]
    paths: tuple[MediationPath, ...]
    total: float
    total_indirect: IndirectEffect | None
    reps: int
    seed: int | None
    resample: ResampleScheme
    method: BootstrapMethod
    ci: IntervalMethod
    level: float
    n_failed: int
    nobs: int
    n_entities: int
    n_periods: int
    indices: np.ndarray = field(repr=False, compare=False)
    total_draws: np.ndarray = field(repr=False, compare=False)

    def path(self, mediator: str) -> MediationPath:
        """The path of one mediator by name."""
        for p in self.paths:
            if p.mediator == mediator:
                return p
        raise KeyError(
            f"no mediator '{mediator}'; mediators are {', '.join(p.mediator for p in self.paths)}."
        )


def mediation_fe(
    treatment: ArrayLike,
    mediators: Mapping[str, ArrayLike],
    outcome: ArrayLike,
    entity: ArrayLike,
    time: ArrayLike,
    *,
    seed: int | np.random.Generator,
    controls: Mapping[str, ArrayLike] | None = None,
    mode: MediationMode = "parallel",
    reps: int = 1000,
    resample: ResampleScheme = "entity",
    method: BootstrapMethod = "auto",
    ci: IntervalMethod = "percentile",
    level: float = 0.95,
    quantile_method: QuantileMethod = "stata",
    se_a: Mapping[str, float] | None = None,
    se_b: Mapping[str, float] | None = None,
    treatment_name: str = "treatment",
    outcome_name: str = "outcome",
    chunk_size: int = 250,
    progress: bool = True,
    effects: Sequence[np.ndarray] | None = None,
    slopes: Sequence[np.ndarray | None] | None = None,
    entity_effects: Sequence[bool] | None = None,
) -> MediationEstimate:
    """FE Baron-Kenny mediation with bootstrap intervals of the indirect effects.

    Parameters
    ----------
    treatment, outcome
        Arrays of length n (complete cases; missing values raise ``DataError``).
    mediators
        ``{name: array}``, one or more mediators.
    entity, time
        Panel identifiers of each row.
    seed
        Seed or numpy Generator of the bootstrap draws.
    controls
        ``{name: array}`` of control variables, in every equation.
    mode
        ``"parallel"`` (each mediator alone in the outcome equation) or ``"joint"``.
    reps
        Bootstrap draws.
    resample
        ``"entity"`` (whole entities, the default) or ``"row"`` (entity-years; ignores
        within-entity dependence, kept for comparison).
    method
        Bootstrap computation, see :func:`~regiometrics.engine.mechanisms.bootstrap.bootstrap_fe`.
    ci, level, quantile_method
        Interval reported in ``ci_low``/``ci_high``, its level and quantile definition.
    se_a, se_b
        Standard errors of ``a`` and ``b`` by mediator, for the Sobel test.
    treatment_name, outcome_name
        Names used in results and messages.
    chunk_size, progress
        Draws per step and whether to show a progress bar.
    effects, slopes, entity_effects
        Absorbed effects replacing entity and time effects (None: entity and time): code
        arrays per row, slope values of group-specific trends (or None each), and whether
        each effect involves the entity; see
        :func:`~regiometrics.engine.mechanisms.bootstrap.prepare_twoway`.
    """
    check_literal(mode, MediationMode, "mediation mode")
    check_literal(ci, IntervalMethod, "bootstrap ci")
    check_literal(quantile_method, QuantileMethod, "quantile_method")
    alpha_from_level(level)
    if not mediators:
        raise SpecError("mediation needs at least one mediator; 'mediators' is empty.")
    controls = dict(controls or {})
    names = [treatment_name, outcome_name, *mediators, *controls]
    seen = set()
    for name in names:
        if name in seen:
            raise SpecError(
                f"variable '{name}' appears twice among treatment, outcome, mediators and "
                "controls; each may play one role."
            )
        seen.add(name)
    if (se_a is None) != (se_b is None) or set(se_a or {}) != set(se_b or {}):
        raise SpecError(
            "the Sobel test needs se_a and se_b for the same mediators; got se_a for "
            f"{sorted(se_a or {})} and se_b for {sorted(se_b or {})}."
        )
    unknown = set(se_a or {}) - set(mediators)
    if unknown:
        raise SpecError(
            f"se_a/se_b name {', '.join(sorted(unknown))}, which are not mediators "
            f"({', '.join(mediators)})."
        )
    columns = {treatment_name: treatment, outcome_name: outcome, **mediators, **controls}
    data = prepare_twoway(columns, entity, time, effects=effects, slopes=slopes,
                          entity_effects=entity_effects)
    ctrl = tuple(controls)
    med = tuple(mediators)
    total_eq = Equation(outcome_name, (treatment_name, *ctrl))
    a_eqs = [Equation(m, (treatment_name, *ctrl)) for m in med]
    if mode == "parallel":
        b_eqs = [Equation(outcome_name, (treatment_name, m, *ctrl)) for m in med]
    else:
        b_eqs = [Equation(outcome_name, (treatment_name, *med, *ctrl))] * len(med)
    equations = list(dict.fromkeys([total_eq, *a_eqs, *b_eqs]))
    boot = bootstrap_fe(
        data,
        equations,
        reps=reps,
        seed=seed,
        scheme=resample,
        method=method,
        chunk_size=chunk_size,
        progress=progress,
    )
    point = dict(zip(boot.equations, boot.estimates))
    draws = dict(zip(boot.equations, boot.coefficients))

    def effect(estimate: float, sample: np.ndarray) -> IndirectEffect:
        pct = percentile_interval(sample, level=level, quantile_method=quantile_method)
        bc = bc_interval(sample, estimate, level=level, quantile_method=quantile_method)
        low, high = pct if ci == "percentile" else bc
        return IndirectEffect(
            estimate=estimate,
            ci_low=low,
            ci_high=high,
            ci_percentile=pct,
            ci_bc=bc,
            boot_se=float(np.nanstd(sample, ddof=1)),
            draws=sample,
        )

    total = float(point[total_eq][0])
    paths = []
    indirect_draws = np.zeros(reps)
    for m, a_eq, b_eq in zip(med, a_eqs, b_eqs):
        k = b_eq.regressors.index(m)
        a, b = float(point[a_eq][0]), float(point[b_eq][k])
        a_d, b_d = draws[a_eq][:, 0], draws[b_eq][:, k]
        ab_d = a_d * b_d
        indirect_draws = indirect_draws + ab_d
        sobel = sobel_test(a, se_a[m], b, se_b[m]) if se_a and se_b and m in se_a else None
        paths.append(
            MediationPath(
                mediator=m,
                a=a,
                b=b,
                indirect=effect(a * b, ab_d),
                direct=float(point[b_eq][0]),
                total=total,
                proportion=a * b / total if total != 0 else math.nan,
                sobel=sobel,
                a_draws=a_d,
                b_draws=b_d,
                direct_draws=draws[b_eq][:, 0],
            )
        )
    total_indirect = None
    if mode == "joint":
        total_indirect = effect(sum(p.a * p.b for p in paths), indirect_draws)
    return MediationEstimate(
        mode=mode,
        treatment=treatment_name,
        outcome=outcome_name,
        controls=ctrl,
        paths=tuple(paths),
        total=total,
        total_indirect=total_indirect,
        reps=reps,
        seed=int(seed) if isinstance(seed, (int, np.integer)) else None,
        resample=resample,
        method=boot.method,
        ci=ci,
        level=level,
        n_failed=boot.n_failed,
        nobs=data.nobs,
        n_entities=data.n_entities,
        n_periods=data.n_periods,
        indices=boot.indices,
        total_draws=draws[total_eq][:, 0],
    )
