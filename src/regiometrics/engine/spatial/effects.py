"""LeSage-Pace (2009) direct, indirect and total effects with standard errors.

For the lag models the reduced form is ``y = (I - rho W)^{-1} (X b + W X theta) + ...``; the
matrix of partial derivatives of ``y`` with respect to regressor ``k`` is

    S_k(W) = (I - rho W)^{-1} (b_k I + theta_k W),

and (LeSage and Pace 2009, sec. 2.7) the average direct effect is ``tr(S_k)/N``, the average
total effect ``1' S_k 1 / N`` and the indirect effect their difference.  With
``a(rho) = tr((I - rho W)^{-1})/N`` and ``b(rho) = tr((I - rho W)^{-1} W)/N`` and a
row-standardised ``W``:

    direct_k = b_k a(rho) + theta_k b(rho),   total_k = (b_k + theta_k) / (1 - rho).

(SAR: ``theta_k = 0``.)  For SEM and SDEM the effects are linear: direct ``b_k``, indirect
``theta_k`` (zero for SEM), total ``b_k + theta_k``.

Inference

* ``method="simulation"``: ``draws`` parameter vectors ``(b, theta, rho)`` from
  ``N(estimate, vcov)`` (the estimated asymptotic distribution), seeded; standard error = the
  standard deviation of the simulated effects; interval = their percentiles.
* ``method="delta"``: ``se = sqrt(diag(J V J'))`` with the analytic Jacobian
  (``d direct_k / d rho = b_k a'(rho) + theta_k b'(rho)``, ``a' = tr(A^{-1} W A^{-1})/N``,
  ``b' = tr((A^{-1} W)^2)/N``; ``d total_k / d rho = (b_k + theta_k)/(1 - rho)^2``).

In both, ``estimate`` is the effect at the ML estimates and the p-value is ``2 Phi(-|est/se|)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
from scipy import stats as sps

from regiometrics.errors import SpecError
from regiometrics.options import check_literal
from regiometrics.results.result import EffectEstimate


class SpatialFit(Protocol):
    """What the effects read from a fitted spatial panel (``panel_ml.SpatialFit``).

    A protocol rather than an import, so this module and ``panel_ml`` (whose fits compute
    their effects here) do not import each other.
    """

    @property
    def params(self) -> Mapping[str, float]: ...

    @property
    def vcov(self) -> np.ndarray: ...

    @property
    def info(self) -> Mapping[str, Any]: ...

    @property
    def x_names(self) -> Sequence[str]: ...

    @property
    def traces(self) -> Any: ...

    @property
    def spatial_param(self) -> str: ...

EffectsMethod = Literal["simulation", "delta"]
EffectKind = Literal["direct", "indirect", "total"]
_KINDS: tuple[EffectKind, ...] = ("direct", "indirect", "total")


@dataclass(frozen=True)
class SpatialEffects:
    """Direct, indirect and total effects of each regressor.

    Attributes
    ----------
    method, draws, seed, level
        How the standard errors were obtained (``draws``/``seed`` only for simulation).
    terms
        Regressor names, in model order.
    direct, indirect, total
        ``{term: EffectEstimate(estimate, std_error, pvalue, ci_low, ci_high)}``.
    exact_traces
        False when ``tr(A^{-1})`` came from Monte Carlo power traces (``logdet="splu"``).
    draws_outside_bounds
        Simulation draws with ``|rho| >= 1`` (kept; reported for transparency).
    """

    method: EffectsMethod
    draws: int | None
    seed: int | None
    level: float
    terms: tuple[str, ...]
    direct: Mapping[str, EffectEstimate]
    indirect: Mapping[str, EffectEstimate]
    total: Mapping[str, EffectEstimate]
    exact_traces: bool = True
    draws_outside_bounds: int = 0
    simulated: np.ndarray | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, dict[str, EffectEstimate]]:
        """``{"direct"|"indirect"|"total": {term: EffectEstimate}}`` (results.json shape)."""
        return {k: dict(getattr(self, k)) for k in _KINDS}


def _parameter_layout(fit: SpatialFit) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Terms with effects, and index arrays of their ``b`` and ``theta`` in ``params``."""
    names = list(fit.params)
    const = set(fit.info.get("constant_columns", ()))
    terms = [x for x in fit.x_names if x not in const]
    bi = np.array([names.index(x) for x in terms], dtype=int)
    ti = np.array([names.index(f"W.{x}") if f"W.{x}" in names else -1 for x in terms], dtype=int)
    return terms, bi, ti


def effect_values(fit: SpatialFit, phi: np.ndarray) -> np.ndarray:
    """Effects for parameter vectors ``phi`` (rows: draws; columns: ``params`` order).

    Returns an array of shape ``(draws, 3, K)``: direct, indirect, total for each term.
    """
    phi = np.atleast_2d(phi)
    _, bi, ti = _parameter_layout(fit)
    b = phi[:, bi]
    th = np.where(ti >= 0, phi[:, np.maximum(ti, 0)], 0.0)
    if fit.spatial_param == "lambda":
        return np.stack([b, th, b + th], axis=1)
    rho = phi[:, -1]
    assert fit.traces is not None
    a, bb = fit.traces.mean_traces(rho)
    direct = b * a[:, None] + th * bb[:, None]
    total = (b + th) / (1.0 - rho)[:, None]
    return np.stack([direct, total - direct, total], axis=1)


def effect_jacobian(fit: SpatialFit) -> np.ndarray:
    """Jacobian ``d effect / d params`` at the estimates, shape ``(3K, P)``.

    Rows: direct for every term, then indirect, then total.
    """
    terms, bi, ti = _parameter_layout(fit)
    K, P = len(terms), len(fit.params)
    phi = np.array(list(fit.params.values()))
    J = np.zeros((3, K, P))
    rows = np.arange(K)
    has_t = ti >= 0
    if fit.spatial_param == "lambda":
        J[0, rows, bi] = 1.0
        J[1, rows[has_t], ti[has_t]] = 1.0
        J[2, rows, bi] = 1.0
        J[2, rows[has_t], ti[has_t]] = 1.0
        return J.reshape(3 * K, P)
    rho = phi[-1]
    assert fit.traces is not None
    a, bb = (float(v[0]) for v in fit.traces.mean_traces(rho))
    da, db = fit.traces.mean_trace_derivatives(rho)
    b = phi[bi]
    th = np.where(has_t, phi[np.maximum(ti, 0)], 0.0)
    J[0, rows, bi] = a
    J[0, rows[has_t], ti[has_t]] = bb
    J[0, :, -1] = b * da + th * db
    J[2, rows, bi] = 1.0 / (1.0 - rho)
    J[2, rows[has_t], ti[has_t]] = 1.0 / (1.0 - rho)
    J[2, :, -1] = (b + th) / (1.0 - rho) ** 2
    J[1] = J[2] - J[0]
    return J.reshape(3 * K, P)


def spatial_effects(
    fit: SpatialFit,
    *,
    method: EffectsMethod = "simulation",
    draws: int = 1000,
    seed: int | None = None,
    level: float = 0.95,
) -> SpatialEffects:
    """Direct, indirect and total effects of ``fit`` with simulated or delta-method errors.

    Parameters
    ----------
    fit
        A fitted model from :func:`~regiometrics.engine.spatial.panel_ml.fit_spatial_panel`.
    method
        ``"simulation"`` (draws from the estimated asymptotic distribution) or ``"delta"``.
    draws, seed
        Number of simulation draws and the seed of :func:`numpy.random.default_rng`
        (required for ``"simulation"``).
    level
        Confidence level of the intervals.
    """
    check_literal(method, EffectsMethod, "effects method")
    if not 0.0 < level < 1.0:
        raise SpecError(f"level must be in (0, 1); {level} was given.")
    terms, _, _ = _parameter_layout(fit)
    K, P = len(terms), len(fit.params)
    phi = np.array(list(fit.params.values()))
    V = np.asarray(fit.vcov)[:P, :P]
    point = effect_values(fit, phi)[0]  # (3, K)
    alpha = 1.0 - level
    zq = float(sps.norm.ppf(1.0 - alpha / 2.0))
    outside = 0
    sims = None
    if method == "delta":
        J = effect_jacobian(fit)
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", J, V, J), 0.0, None)).reshape(3, K)
        lo, hi = point - zq * se, point + zq * se
    else:
        if seed is None:
            raise SpecError(
                "simulated effects need a seed (e.g. seed=12345) so the same inputs give the "
                "same standard errors; or use method='delta'."
            )
        if draws < 2:
            raise SpecError(f"draws must be at least 2; {draws} was given.")
        rng = np.random.default_rng(seed)
        sample = rng.multivariate_normal(phi, V, size=draws, method="eigh")
        if fit.spatial_param == "rho":
            outside = int(np.sum(np.abs(sample[:, -1]) >= 1.0))
        sims = effect_values(fit, sample)  # (draws, 3, K)
        se = sims.std(axis=0, ddof=1)
        lo = np.quantile(sims, alpha / 2.0, axis=0)
        hi = np.quantile(sims, 1.0 - alpha / 2.0, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pv = np.where(se > 0, 2.0 * sps.norm.sf(np.abs(point / se)), np.nan)
    tables = {
        kind: {
            t: EffectEstimate(
                estimate=float(point[r, j]),
                std_error=float(se[r, j]),
                pvalue=float(pv[r, j]),
                ci_low=float(lo[r, j]),
                ci_high=float(hi[r, j]),
            )
            for j, t in enumerate(terms)
        }
        for r, kind in enumerate(_KINDS)
    }
    return SpatialEffects(
        method=method,
        draws=draws if method == "simulation" else None,
        seed=seed if method == "simulation" else None,
        level=level,
        terms=tuple(terms),
        direct=tables["direct"],
        indirect=tables["indirect"],
        total=tables["total"],
        exact_traces=fit.traces.exact if fit.traces is not None else True,
        draws_outside_bounds=outside,
        simulated=sims,
    )
