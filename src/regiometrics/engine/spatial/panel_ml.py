"""Maximum-likelihood spatial panel models with fixed effects (Elhorst 2014, ch. 3).

Models, for a balanced panel stacked time-major (see :mod:`.panel_data`), ``W_T = I_T (x) W``:

* SAR   ``y = rho W_T y + X b + FE + e``
* SDM   ``y = rho W_T y + X b + W_T X theta + FE + e``
* SEM   ``y = X b + FE + u,  u = lambda W_T u + e``
* SDEM  ``y = X b + W_T X theta + FE + u,  u = lambda W_T u + e``

with ``e ~ N(0, sigma^2 I)`` and ``FE`` entity, time or two-way fixed effects (or none).

Estimation (the "direct approach" of Lee and Yu 2010; Elhorst 2014, sec. 3.3): the fixed
effects are concentrated out, which amounts to applying the within transformation ``Q`` to every
column *after* the spatial lag (``Q W_T y``, ``Q W_T X``; ``Q (I - lambda W_T) y`` for the error
models).  This equals least-squares dummy-variable ML: the fixed effects are profiled out exactly.
The log-likelihood is

    log L = -NT/2 log(2 pi sigma^2) + T log|I_N - delta W| - e'e / (2 sigma^2),

``delta`` = ``rho`` or ``lambda``; ``b`` and ``sigma^2 = e'e/NT`` are concentrated out and the
one-dimensional concentrated likelihood in ``delta`` is maximised by bounded Brent search.

Covariance: the inverse of the asymptotic information matrix of ``(b, theta, delta, sigma^2)``
as in Elhorst (2014, eqs. 3.16 and 3.23) and Elhorst's Matlab code (``sar_panel_FE``,
``sem_panel_FE``), with ``G = W (I - delta W)^{-1}`` and demeaned regressors ``Z``:

    lag:    [ Z'Z/s2    Z'G_T Z b/s2                         0         ]
            [   .       T tr(GG + G'G) + b'Z'G_T'G_T Z b/s2  T tr(G)/s2 ]
            [   .         .                                  NT/(2 s4)  ]
    error:  [ Z*'Z*/s2  0                 0          ]    Z* = Q (I - lambda W_T) Z
            [   .       T tr(GG + G'G)    T tr(G)/s2 ]
            [   .         .               NT/(2 s4)  ]

Lee-Yu correction (``lee_yu=True``), as Elhorst (2014) implements Lee and Yu (2010): entity
effects ``sigma^2 * T/(T-1)``; time effects ``sigma^2 * N/(N-1)``; two-way effects
``phi_bc = phi + (I/NT)^{-1} (0', 1/(1-delta), 1/(2 sigma^2))' / N`` and then
``sigma^2_bc * T/(T-1)``, the covariance being re-evaluated at the corrected values.  The
log-likelihood stays the one at the uncorrected ML estimates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import optimize
from scipy import stats as sps

from regiometrics.engine.spatial.effects import SpatialEffects, spatial_effects
from regiometrics.engine.spatial.logdet import (
    FilterProducts,
    LogdetMethod,
    SpatialFilter,
    TraceSource,
    build_traces,
    check_logdet_method,
    has_symmetric_form,
    make_filter,
    resolve_method,
    sparse_filter_products,
)
from regiometrics.engine.spatial.panel_data import (
    FixedEffects,
    SpatialModel,
    as_panel_arrays,
    as_weights,
    check_regressors,
    demean,
    spatial_lag,
)
from regiometrics.errors import ConvergenceError, DataError, IdentificationError, SpecError
from regiometrics.options import check_literal

_LAG_MODELS = ("sar", "sdm")
_DURBIN_MODELS = ("sdm", "sdem")


@dataclass(frozen=True)
class SpatialPanelFit:
    """Estimates of one spatial panel model.

    Attributes
    ----------
    model, fixed_effects, lee_yu
        What was fitted.
    params, std_errors, pvalues
        ``{term: value}`` in the order ``x...``, ``W.x...``, ``rho`` (or ``lambda``); normal
        p-values ``2 Phi(-|est/se|)``.
    vcov, vcov_names
        Covariance of ``params`` followed by ``sigma2`` (inverse information matrix).
    sigma2, loglik, nobs
        Error variance, maximised log-likelihood (at the ML estimates), ``N * T``.
    x_names, durbin_names
        Regressors, and the subset that has a ``W.x`` term.
    spatial_param
        ``"rho"`` (SAR, SDM) or ``"lambda"`` (SEM, SDEM).
    logdet_method
        ``"eigen"`` or ``"splu"``.
    bias_correction
        Empty, or a sentence saying which Lee-Yu correction was applied.
    residuals
        ``e`` of the within-transformed model, time-major.
    traces
        Source of ``tr(A^{-1})`` and ``tr(A^{-1} W)`` for the LeSage-Pace effects.
    """

    model: SpatialModel
    fixed_effects: FixedEffects
    lee_yu: bool
    params: Mapping[str, float]
    std_errors: Mapping[str, float]
    pvalues: Mapping[str, float]
    vcov: np.ndarray = field(repr=False, compare=False)
    vcov_names: tuple[str, ...]
    sigma2: float
    loglik: float
    nobs: int
    n_entities: int
    n_periods: int
    x_names: tuple[str, ...]
    durbin_names: tuple[str, ...]
    spatial_param: Literal["rho", "lambda"]
    logdet_method: Literal["eigen", "splu"]
    bias_correction: str
    residuals: np.ndarray = field(repr=False, compare=False)
    traces: TraceSource | None = field(default=None, repr=False, compare=False)
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def rho(self) -> float:
        """The spatial parameter (``rho`` or ``lambda``)."""
        return float(self.params[self.spatial_param])

    def effects(
        self,
        *,
        method: Literal["simulation", "delta"] = "simulation",
        draws: int = 1000,
        seed: int | None = None,
        level: float = 0.95,
    ) -> SpatialEffects:
        """LeSage-Pace direct, indirect and total effects with standard errors.

        See :func:`regiometrics.engine.spatial.effects.spatial_effects`.
        """
        return spatial_effects(self, method=method, draws=draws, seed=seed, level=level)


def fit_spatial_panel(
    y: object,
    X: object,
    W: object,
    *,
    n_entities: int,
    n_periods: int,
    model: SpatialModel,
    effects: FixedEffects,
    lee_yu: bool = False,
    x_names: Sequence[str] | None = None,
    durbin: Sequence[str] | None = None,
    logdet: LogdetMethod = "auto",
    trace_probes: int = 100,
    trace_seed: int = 0,
) -> SpatialPanelFit:
    """Fit a SAR, SEM, SDM or SDEM panel with fixed effects by maximum likelihood.

    Parameters
    ----------
    y, X
        Stacked time-major data: row ``t * N + i`` is entity ``i`` (row ``i`` of ``W``) in
        period ``t``.  ``X`` is ``(NT, k)`` without a constant under fixed effects.
    W
        ``(N, N)`` row-standardised weights, dense or scipy.sparse.
    n_entities, n_periods
        ``N`` and ``T`` of the balanced panel.
    model
        ``"sar"``, ``"sem"``, ``"sdm"`` or ``"sdem"``.
    effects
        ``"entity"``, ``"time"``, ``"twoways"`` or ``"none"``.
    lee_yu
        Apply the Lee and Yu (2010) bias correction (Elhorst's implementation; see module doc).
    x_names
        Names of the columns of ``X``; default ``x1 ... xk``.
    durbin
        Columns of ``X`` given a ``W.x`` term (SDM, SDEM); default all (under ``effects="none"``
        all non-constant columns).
    logdet
        ``"eigen"`` (exact, N up to a few thousand), ``"splu"`` (sparse LU; Monte Carlo traces)
        or ``"auto"`` (whichever is faster: eigen up to N = 500 for a row-standardised
        symmetric 0/1 W, up to 300 otherwise; see :mod:`regiometrics.engine.spatial.logdet`).
    trace_probes, trace_seed
        Rademacher probes and seed of the Monte Carlo traces used by ``"splu"``.

    Returns
    -------
    SpatialPanelFit

    Raises
    ------
    SpecError
        Unknown ``model``/``effects``/``logdet``, ``lee_yu`` without fixed effects, unknown
        ``durbin`` names.
    DataError
        Shapes that do not describe a balanced panel, non-finite values, a ``W`` that is not
        row-standardised.
    IdentificationError
        Regressors absorbed by the fixed effects or collinear; too few periods.
    """
    check_literal(model, SpatialModel, "model")
    check_literal(effects, FixedEffects, "effects")
    check_logdet_method(logdet)
    if lee_yu and effects == "none":
        raise SpecError(
            "lee_yu=True corrects the bias caused by fixed effects, but effects='none'; "
            "use effects='entity', 'time' or 'twoways', or lee_yu=False."
        )
    N, T = int(n_entities), int(n_periods)
    yv, Xm = as_panel_arrays(y, X, N, T)
    if effects in ("entity", "twoways") and T < 2:
        raise IdentificationError(f"entity fixed effects need at least 2 periods; n_periods = {T}.")
    Wc = as_weights(W, N)
    method = resolve_method(logdet, N, symmetric=logdet != "auto" or has_symmetric_form(Wc))
    design = durbin_design(Xm, Wc, N, T, model, x_names, durbin)
    Z, znames = design.Z, design.znames
    Zd = demean(Z, N, T, effects)
    yd = demean(yv, N, T, effects)
    check_regressors(Zd, znames, effects)

    filt = make_filter(Wc, method)
    lag = model in _LAG_MODELS
    if lag:
        est = _fit_lag(yd, demean(spatial_lag(yv, Wc, N, T), N, T, effects), Zd, filt, T)
    else:
        WZd = demean(spatial_lag(Zd, Wc, N, T), N, T, effects)
        Wyd = demean(spatial_lag(yd, Wc, N, T), N, T, effects)
        est = _fit_error(yd, Wyd, Zd, WZd, filt, T)
    beta, delta, resid = est
    nt = N * T
    sigma2 = float(resid @ resid) / nt
    loglik = -0.5 * nt * (np.log(2.0 * np.pi * sigma2) + 1.0) + T * filt.logdet(delta)

    rho_max = min(0.99, abs(delta) + 0.3)
    traces = build_traces(filt, rho_max=rho_max, probes=trace_probes, seed=trace_seed)

    def products(d: float) -> FilterProducts:
        if filt.method == "eigen":
            return filt.filter_products(d)
        return sparse_filter_products(filt, traces, d, probes=trace_probes, seed=trace_seed)

    def info_at(b: np.ndarray, d: float, s2: float) -> np.ndarray:
        fp = products(d)
        if lag:
            return _lag_information(Zd, b, s2, fp, N, T)
        Zs = Zd - d * WZd
        return _error_information(Zs, s2, fp, N, T)

    correction = ""
    if lee_yu and effects == "entity":
        sigma2 *= T / (T - 1.0)
        correction = "Lee-Yu (2010) correction for entity effects: sigma2 * T/(T-1)."
    elif lee_yu and effects == "time":
        sigma2 *= N / (N - 1.0)
        correction = "Lee-Yu (2010) correction for time effects: sigma2 * N/(N-1)."
    info = info_at(beta, delta, sigma2)
    if lee_yu and effects == "twoways":
        phi = np.concatenate([beta, [delta, sigma2]])
        bias = np.zeros(phi.size)
        bias[-2] = 1.0 / (1.0 - delta)
        bias[-1] = 1.0 / (2.0 * sigma2)
        phi = phi + np.linalg.solve(info / nt, bias) / N
        beta, delta = phi[:-2], float(phi[-2])
        sigma2 = float(phi[-1]) * T / (T - 1.0)
        lo, hi = filt.bounds
        if not lo < delta < hi:
            raise ConvergenceError(
                f"the Lee-Yu corrected {('rho' if lag else 'lambda')} = {delta:.4f} is outside "
                f"the admissible interval ({lo:.4f}, {hi:.4f}); report the uncorrected fit."
            )
        info = info_at(beta, delta, sigma2)
        correction = (
            "Lee-Yu (2010) correction for two-way effects as in Elhorst (2014): "
            "phi + (I/NT)^-1 (0, 1/(1-delta), 1/(2 sigma2))'/N, then sigma2 * T/(T-1)."
        )
    vcov = _invert(info)
    sp_name: Literal["rho", "lambda"] = "rho" if lag else "lambda"
    pnames = znames + (sp_name,)
    values = np.concatenate([beta, [delta]])
    se = np.sqrt(np.clip(np.diag(vcov)[:-1], 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        pv = 2.0 * sps.norm.sf(np.abs(values / se))
    return SpatialPanelFit(
        model=model,
        fixed_effects=effects,
        lee_yu=lee_yu,
        params=dict(zip(pnames, map(float, values))),
        std_errors=dict(zip(pnames, map(float, se))),
        pvalues=dict(zip(pnames, map(float, pv))),
        vcov=vcov,
        vcov_names=pnames + ("sigma2",),
        sigma2=float(sigma2),
        loglik=float(loglik),
        nobs=nt,
        n_entities=N,
        n_periods=T,
        x_names=design.names,
        durbin_names=design.durbin_names,
        spatial_param=sp_name,
        logdet_method=filt.method,
        bias_correction=correction,
        residuals=resid,
        traces=traces if lag else None,
        info={
            "constant_columns": design.constant_columns,
            "bounds": filt.bounds,
            "sigma2_se": float(np.sqrt(max(vcov[-1, -1], 0.0))),
            "traces": "exact (eigenvalues)"
            if traces.exact
            else f"Monte Carlo power traces, {trace_probes} probes, seed {trace_seed}",
        },
    )


@dataclass(frozen=True)
class DurbinDesign:
    """The regressors of a spatial panel: ``X`` (named ``names``; ``constant_columns`` are
    those without variation) and, for SDM/SDEM, ``W.x`` of ``durbin_names``, stacked as
    ``Z = [X, W X_d]`` with column names ``znames``."""

    Z: np.ndarray
    names: tuple[str, ...]
    durbin_names: tuple[str, ...]
    constant_columns: tuple[str, ...]
    znames: tuple[str, ...]


def durbin_design(
    Xm: np.ndarray, Wc: Any, N: int, T: int, model: str, x_names: Sequence[str] | None,
    durbin: Sequence[str] | None,
) -> DurbinDesign:
    """Name the columns of ``Xm`` (default ``x1 ... xk``), choose the ``W.x`` terms
    (``durbin``; default every non-constant column of a Durbin model) and stack them.

    Raises
    ------
    DataError
        ``x_names`` of the wrong length.
    SpecError
        ``durbin`` for a model without ``W.x`` terms, or naming no regressor.
    """
    k = Xm.shape[1]
    names = tuple(x_names) if x_names is not None else tuple(f"x{j + 1}" for j in range(k))
    if len(names) != k:
        raise DataError(f"x_names has {len(names)} names but X has {k} columns.")
    const_cols = tuple(names[j] for j in range(k) if np.ptp(Xm[:, j]) == 0.0)
    dnames = _durbin_names(model, names, durbin, const_cols)
    didx = [names.index(n) for n in dnames]
    Z = np.hstack([Xm, spatial_lag(Xm[:, didx], Wc, N, T)]) if didx else Xm
    znames = names + tuple(f"W.{n}" for n in dnames)
    return DurbinDesign(Z, names, dnames, const_cols, znames)


def _durbin_names(
    model: str, names: tuple[str, ...], durbin: Sequence[str] | None, const: tuple[str, ...]
) -> tuple[str, ...]:
    if model not in _DURBIN_MODELS:
        if durbin:
            raise SpecError(
                f"durbin={list(durbin)} was given for model {model!r}, which has no W.x terms; "
                "use model='sdm' or 'sdem'."
            )
        return ()
    if durbin is None:
        return tuple(n for n in names if n not in const)
    unknown = [d for d in durbin if d not in names]
    if unknown:
        raise SpecError(f"durbin names {unknown} are not regressors; regressors are {list(names)}.")
    return tuple(n for n in names if n in set(durbin))


def _maximise(conc: Any, bounds: tuple[float, float], what: str) -> float:
    res = optimize.minimize_scalar(
        lambda d: -conc(d),
        bounds=bounds,
        method="bounded",
        options={"xatol": 1e-12, "maxiter": 500},
    )
    if not res.success:
        raise ConvergenceError(
            f"the concentrated likelihood in {what} did not converge: {res.message}."
        )
    lo, hi = bounds
    if min(res.x - lo, hi - res.x) < 1e-6:
        raise ConvergenceError(
            f"{what} = {res.x:.6f} is at the edge of the admissible interval ({lo:.4f}, {hi:.4f}); "
            "the model is likely misspecified (check W and the fixed effects)."
        )
    return float(res.x)


def _ols(Z: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(Z, v, rcond=None)[0]


def _fit_lag(
    yd: np.ndarray, wyd: np.ndarray, Zd: np.ndarray, filt: SpatialFilter, T: int
) -> tuple[np.ndarray, float, np.ndarray]:
    """SAR/SDM: ``b(rho) = b0 - rho bd`` and ``SSE(rho) = |e0 - rho ed|^2`` (Anselin 1988)."""
    b0, bd = _ols(Zd, yd), _ols(Zd, wyd)
    e0, ed = yd - Zd @ b0, wyd - Zd @ bd
    s00, s0d, sdd = float(e0 @ e0), float(e0 @ ed), float(ed @ ed)
    nt = yd.size

    def conc(rho: float) -> float:
        sse = s00 - 2.0 * rho * s0d + rho * rho * sdd
        return -0.5 * nt * np.log(sse / nt) + T * filt.logdet(rho)

    rho = _maximise(conc, filt.bounds, "rho")
    return b0 - rho * bd, rho, e0 - rho * ed


def _fit_error(
    yd: np.ndarray, wyd: np.ndarray, Zd: np.ndarray, WZd: np.ndarray, filt: SpatialFilter, T: int
) -> tuple[np.ndarray, float, np.ndarray]:
    """SEM/SDEM: GLS on ``Q (I - lambda W_T)``-filtered data, from cross-product moments."""
    V = np.column_stack([yd, Zd])
    WV = np.column_stack([wyd, WZd])
    m00, m01, m11 = V.T @ V, V.T @ WV, WV.T @ WV
    nt = yd.size

    def solve(lam: float) -> tuple[np.ndarray, float]:
        S = m00 - lam * (m01 + m01.T) + lam * lam * m11
        b = np.linalg.solve(S[1:, 1:], S[1:, 0])
        return b, float(S[0, 0] - S[0, 1:] @ b)

    def conc(lam: float) -> float:
        _, sse = solve(lam)
        return -0.5 * nt * np.log(sse / nt) + T * filt.logdet(lam)

    lam = _maximise(conc, filt.bounds, "lambda")
    ys, Zs = yd - lam * wyd, Zd - lam * WZd
    b = _ols(Zs, ys)
    return b, lam, ys - Zs @ b


def _apply_g(fp: FilterProducts, v: np.ndarray, N: int, T: int) -> np.ndarray:
    """``(I_T (x) G) v`` for time-major ``v`` of shape (NT,)."""
    return fp.apply(v.reshape(T, N).T).T.reshape(-1)


def _lag_information(
    Zd: np.ndarray, b: np.ndarray, s2: float, fp: FilterProducts, N: int, T: int
) -> np.ndarray:
    p = Zd.shape[1]
    gzb = _apply_g(fp, Zd @ b, N, T)
    info = np.zeros((p + 2, p + 2))
    info[:p, :p] = Zd.T @ Zd / s2
    info[:p, p] = info[p, :p] = Zd.T @ gzb / s2
    info[p, p] = T * (fp.tr_gg + fp.tr_gtg) + float(gzb @ gzb) / s2
    info[p, p + 1] = info[p + 1, p] = T * fp.tr_g / s2
    info[p + 1, p + 1] = N * T / (2.0 * s2 * s2)
    return info


def _error_information(Zs: np.ndarray, s2: float, fp: FilterProducts, N: int, T: int) -> np.ndarray:
    p = Zs.shape[1]
    info = np.zeros((p + 2, p + 2))
    info[:p, :p] = Zs.T @ Zs / s2
    info[p, p] = T * (fp.tr_gg + fp.tr_gtg)
    info[p, p + 1] = info[p + 1, p] = T * fp.tr_g / s2
    info[p + 1, p + 1] = N * T / (2.0 * s2 * s2)
    return info


def _invert(info: np.ndarray) -> np.ndarray:
    try:
        v = np.linalg.inv(info)
    except np.linalg.LinAlgError as exc:  # pragma: no cover - guarded by check_regressors
        raise IdentificationError(
            "the information matrix is singular; the parameters are not identified "
            "(check for collinear regressors and W.x terms)."
        ) from exc
    return 0.5 * (v + v.T)
