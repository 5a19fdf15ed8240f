"""Random-effects spatial lag (SAR) and spatial Durbin (SDM) panels by maximum likelihood.

Model (Elhorst 2003; 2014, sec. 3.4; ``xsmle ..., re model(sar|sdm)``), stacked time-major
with ``W_T = I_T (x) W``:

    y = rho W_T y + X b [+ W_T X theta] + (iota_T (x) mu) + e,
    mu ~ N(0, sigma_mu^2 I_N),  e ~ N(0, sigma^2 I_NT),

``X`` including the constant. With ``A = I_N - rho W`` the error components ``u = A_T y - X b``
have covariance ``sigma^2 Omega``, ``Omega = (1/phi^2) Jbar_T (x) I_N + E_T (x) I_N``
(``Jbar_T = iota iota'/T``, ``E_T = I_T - Jbar_T``), where

    phi^2 = sigma^2 / (T sigma_mu^2 + sigma^2),   0 < phi <= 1,

and ``Omega^{-1/2} = P_phi = I_NT - (1 - phi) Jbar_T (x) I_N`` is the GLS quasi-demeaning
``v*_it = v_it - (1 - phi) vbar_i`` (``theta = 1 - phi`` is Baltagi's GLS weight). ``P_phi``
commutes with ``W_T``, so ``P_phi W_T y = W_T y*``. The log-likelihood is

    log L = -NT/2 log(2 pi sigma^2) + N/2 log(phi^2) + T log|A|
            - (1 / 2 sigma^2) (y* - rho W_T y* - X* b)'(y* - rho W_T y* - X* b).

Estimation: ``b`` and ``sigma^2 = e'e/NT`` are concentrated out; for a given ``phi`` the
concentrated likelihood in ``rho`` is the FE one on quasi-demeaned data (Anselin 1988:
``b(rho) = b0 - rho bd``), maximised by bounded Brent search, and the profile likelihood in
``phi`` is maximised by an outer Brent search on ``(0, 1]``. This is the joint ML that Elhorst's
iteration (and spreg's ``Panel_RE_Lag``/``ML_LagRE``) alternates towards. The SDM is the SAR
with the ``W.x`` columns as extra regressors.

Covariance: the inverse of the expected information of ``(b, rho, phi, sigma^2)`` with
``G = W A^{-1}``, ``Z*`` the quasi-demeaned regressors and ``s2 = sigma^2``:

    [ Z*'Z*/s2   Z*'G_T Z* b/s2                          0             0          ]
    [   .        T tr(GG + G'G) + |G_T Z* b|^2/s2       -2 tr(G)/phi   T tr(G)/s2  ]
    [   .          .                                      2N/phi^2     -N/(phi s2)  ]
    [   .          .                                        .          NT/(2 s2^2)  ]

(derived from ``I_{ab} = 1/2 tr(S^-1 S_a S^-1 S_b)`` for the variance parameters and
``I_{rho,a} = tr(S^-1 S_a G_T)``, ``S = s2 Omega``). The ``(b, rho, sigma^2)`` block is the one
of the FE model on ``Z*``. spreg's (and Elhorst's printed) matrix uses ``N (1 + 1/phi^2)``,
``-tr(G)/s2`` and an asymmetric ``-N/s2`` / ``-N/s2^2`` in the ``phi`` row and column, so the
standard errors differ from spreg's (the point estimates and log-likelihood agree).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import optimize
from scipy import stats as sps

from regiometrics.engine.spatial.logdet import (
    FilterProducts,
    LogdetMethod,
    build_traces,
    has_symmetric_form,
    make_filter,
    resolve_method,
    sparse_filter_products,
)
from regiometrics.engine.spatial.panel_data import (
    as_panel_arrays,
    as_weights,
    check_regressors,
    spatial_lag,
)
from regiometrics.engine.spatial.panel_ml import (
    SpatialPanelFit,
    _apply_g,
    _invert,
    _maximise,
    _ols,
    durbin_design,
)
from regiometrics.errors import ConvergenceError, IdentificationError, SpecError

_PHI_LOW = 1e-6


def entity_means(arr: np.ndarray, n_entities: int, n_periods: int) -> np.ndarray:
    """``vbar_i`` repeated over the periods, for time-major columns of shape (NT,) or (NT, k)."""
    a = np.asarray(arr, dtype=float)
    z = a.reshape(n_periods, n_entities, -1)
    return np.broadcast_to(z.mean(axis=0), z.shape).reshape(a.shape)


def quasi_demean(arr: np.ndarray, means: np.ndarray, phi: float) -> np.ndarray:
    """``v* = v - (1 - phi) vbar_i`` (``phi = 1``: unchanged; ``phi -> 0``: within)."""
    return arr - (1.0 - phi) * means


def fit_spatial_re(
    y: object,
    X: object,
    W: object,
    *,
    n_entities: int,
    n_periods: int,
    model: str,
    x_names: Sequence[str] | None = None,
    durbin: Sequence[str] | None = None,
    logdet: LogdetMethod = "auto",
    trace_probes: int = 100,
    trace_seed: int = 0,
) -> SpatialPanelFit:
    """Fit a random-effects SAR or SDM panel by maximum likelihood (see the module docstring).

    Parameters
    ----------
    y, X
        Stacked time-major data (row ``t * N + i`` is entity ``i`` in period ``t``); ``X``
        includes the constant column when the model has one (xsmle's default).
    W
        ``(N, N)`` row-standardised weights, dense or scipy.sparse.
    n_entities, n_periods
        ``N`` and ``T`` of the balanced panel (``T >= 2``).
    model
        ``"sar"`` or ``"sdm"``.
    x_names, durbin, logdet, trace_probes, trace_seed
        As in :func:`~regiometrics.engine.spatial.panel_ml.fit_spatial_panel` (``durbin``
        defaults to every non-constant column).

    Returns
    -------
    SpatialPanelFit
        With ``fixed_effects="none"``; ``params`` hold ``x`` (constant included), ``W.x`` and
        ``rho``; ``vcov`` is over ``params`` then ``phi`` and ``sigma2``; ``info`` carries
        ``random_effects="entity"``, ``phi``, ``phi_se``, ``theta = 1 - phi``, ``sigma_mu2``,
        ``sigma_mu``, ``sigma_e`` and ``phi_at_boundary`` (``sigma_mu = 0``).

    Raises
    ------
    SpecError
        ``model`` other than SAR/SDM; unknown ``durbin`` names.
    DataError
        Shapes that do not describe a balanced panel, non-finite values, a ``W`` that is not
        row-standardised.
    IdentificationError
        Fewer than two periods; collinear regressors.
    ConvergenceError
        ``rho`` at the edge of its interval, or ``phi -> 0`` (the random-effect variance is
        unbounded: the data call for fixed effects).
    """
    if model not in ("sar", "sdm"):
        raise SpecError(
            f"random effects are implemented for model 'sar' and 'sdm', not {model!r}; use "
            "fixed effects for SEM/SDEM."
        )
    N, T = int(n_entities), int(n_periods)
    yv, Xm = as_panel_arrays(y, X, N, T)
    if T < 2:
        raise IdentificationError(f"random effects need at least 2 periods; n_periods = {T}.")
    Wc = as_weights(W, N)
    design = durbin_design(Xm, Wc, N, T, model, x_names, durbin)
    Z, znames = design.Z, design.znames
    check_regressors(Z, znames, "none")
    wy = spatial_lag(yv, Wc, N, T)
    ybar, wybar, Zbar = (entity_means(v, N, T) for v in (yv, wy, Z))
    method = resolve_method(logdet, N, symmetric=logdet != "auto" or has_symmetric_form(Wc))
    filt = make_filter(Wc, method)
    nt = N * T

    def rho_given(phi: float) -> tuple[float, float, np.ndarray, np.ndarray, np.ndarray]:
        ys, wys = quasi_demean(yv, ybar, phi), quasi_demean(wy, wybar, phi)
        Zs = quasi_demean(Z, Zbar, phi)
        b0, bd = _ols(Zs, ys), _ols(Zs, wys)
        e0, ed = ys - Zs @ b0, wys - Zs @ bd
        s00, s0d, sdd = float(e0 @ e0), float(e0 @ ed), float(ed @ ed)

        def conc(rho: float) -> float:
            sse = s00 - 2.0 * rho * s0d + rho * rho * sdd
            return -0.5 * nt * np.log(sse / nt) + T * filt.logdet(rho)

        rho = _maximise(conc, filt.bounds, "rho")
        profile = conc(rho) + N * np.log(phi)
        return profile, rho, b0 - rho * bd, e0 - rho * ed, Zs

    res = optimize.minimize_scalar(
        lambda p: -rho_given(p)[0],
        bounds=(_PHI_LOW, 1.0),
        method="bounded",
        options={"xatol": 1e-10, "maxiter": 500},
    )
    if not res.success:  # pragma: no cover - bounded Brent on a closed interval
        raise ConvergenceError(f"the profile likelihood in phi did not converge: {res.message}.")
    phi = float(res.x)
    if phi < 10 * _PHI_LOW:
        raise ConvergenceError(
            f"phi = {phi:.2e}: the random-effect variance is unbounded relative to sigma^2 "
            "(the between variation is not that of a random intercept); use fixed effects."
        )
    at_boundary = 1.0 - phi < 1e-6
    if at_boundary:
        phi = 1.0
    _, rho, beta, resid, Zs = rho_given(phi)
    sigma2 = float(resid @ resid) / nt
    loglik = (-0.5 * nt * (np.log(2.0 * np.pi * sigma2) + 1.0) + T * filt.logdet(rho)
              + N * np.log(phi))
    traces = build_traces(filt, rho_max=min(0.99, abs(rho) + 0.3), probes=trace_probes,
                          seed=trace_seed)
    fp = (filt.filter_products(rho) if filt.method == "eigen"
          else sparse_filter_products(filt, traces, rho, probes=trace_probes, seed=trace_seed))
    vcov = _invert(re_lag_information(Zs, beta, phi, sigma2, fp, N, T))
    pnames = znames + ("rho",)
    values = np.concatenate([beta, [rho]])
    se = np.sqrt(np.clip(np.diag(vcov)[:-2], 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        pv = 2.0 * sps.norm.sf(np.abs(values / se))
    sigma_mu2 = sigma2 * (1.0 / phi**2 - 1.0) / T
    return SpatialPanelFit(
        model=model,  # type: ignore[arg-type]
        fixed_effects="none",
        lee_yu=False,
        params=dict(zip(pnames, map(float, values))),
        std_errors=dict(zip(pnames, map(float, se))),
        pvalues=dict(zip(pnames, map(float, pv))),
        vcov=vcov,
        vcov_names=pnames + ("phi", "sigma2"),
        sigma2=sigma2,
        loglik=float(loglik),
        nobs=nt,
        n_entities=N,
        n_periods=T,
        x_names=design.names,
        durbin_names=design.durbin_names,
        spatial_param="rho",
        logdet_method=filt.method,
        bias_correction="",
        residuals=resid,
        traces=traces,
        info={
            "random_effects": "entity",
            "constant_columns": design.constant_columns,
            "bounds": filt.bounds,
            "sigma2_se": float(np.sqrt(max(vcov[-1, -1], 0.0))),
            "phi": phi,
            "phi_se": float(np.sqrt(max(vcov[-2, -2], 0.0))),
            "theta": 1.0 - phi,
            "sigma_mu2": float(sigma_mu2),
            "sigma_mu": float(np.sqrt(sigma_mu2)),
            "sigma_e": float(np.sqrt(sigma2)),
            "phi_at_boundary": at_boundary,
            "traces": "exact (eigenvalues)"
            if traces.exact
            else f"Monte Carlo power traces, {trace_probes} probes, seed {trace_seed}",
        },
    )


def re_lag_information(
    Zs: np.ndarray, b: np.ndarray, phi: float, s2: float, fp: FilterProducts, N: int, T: int
) -> np.ndarray:
    """Expected information of ``(b, rho, phi, sigma^2)`` (matrix in the module docstring).

    ``Zs`` are the quasi-demeaned regressors ``Z*``; ``fp`` the products of ``G = W A^{-1}``
    at ``rho``.
    """
    p = Zs.shape[1]
    gzb = _apply_g(fp, Zs @ b, N, T)
    info = np.zeros((p + 3, p + 3))
    info[:p, :p] = Zs.T @ Zs / s2
    info[:p, p] = info[p, :p] = Zs.T @ gzb / s2
    info[p, p] = T * (fp.tr_gg + fp.tr_gtg) + float(gzb @ gzb) / s2
    info[p, p + 1] = info[p + 1, p] = -2.0 * fp.tr_g / phi
    info[p, p + 2] = info[p + 2, p] = T * fp.tr_g / s2
    info[p + 1, p + 1] = 2.0 * N / phi**2
    info[p + 1, p + 2] = info[p + 2, p + 1] = -N / (phi * s2)
    info[p + 2, p + 2] = N * T / (2.0 * s2 * s2)
    return info
