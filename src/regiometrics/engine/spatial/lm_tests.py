"""LM and robust LM tests for a spatial lag or spatial error on fixed-effects residuals.

The non-spatial fixed-effects model ``y = X b + FE + e`` is fitted by OLS on the within-
transformed data (``Q y``, ``Q X``), residuals ``e``.  With ``W_T = I_T (x) W`` and
``Wy = Q W_T y`` (the period dummies remove the period means of ``W_T y``, exactly as in the
LSDV regression), Elhorst's (2010, 2014) panel versions of Anselin's (1988) and Anselin et al.'s
(1996) statistics are

    LM_lag   = (e'Wy/s2)^2 / J,                    J = (Q W_T X b)' M (Q W_T X b)/s2 + T_W
    LM_err   = (e'W_T e/s2)^2 / T_W,              T_W = T tr(W'W + WW)
    RLM_lag  = (e'Wy/s2 - e'W_T e/s2)^2 / (J - T_W)
    RLM_err  = (e'W_T e/s2 - T_W/J e'Wy/s2)^2 / (T_W (1 - T_W/J))

with ``s2 = e'e/NT`` and ``M = I - QX (X'QX)^{-1} X'Q``; each is chi-squared(1) under its null.

``variant="debarsy_ertur"`` gives the versions of Debarsy and Ertur (2010) built on the Lee and
Yu (2010) transformation approach: the same statistics with ``s2 = e'e/n*`` and
``T_W = T* tr(W*'W* + W*W*)``, where for entity effects ``n* = N(T-1)``, ``T* = T-1``, ``W* = W``;
for time effects ``n* = (N-1)T``, ``T* = T`` and ``W* = F'WF`` (``F`` the ``N x (N-1)``
orthonormal complement of the unit vector; ``tr(W*W*) = tr(WW) - 1``,
``tr(W*'W*) = tr(W'W) - |W'1|^2/N``); two-way effects combine both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats as sps

from regiometrics.engine.spatial.panel_data import (
    FixedEffects,
    as_panel_arrays,
    as_weights,
    check_regressors,
    demean,
    spatial_lag,
)
from regiometrics.options import check_literal

LMVariant = Literal["elhorst", "debarsy_ertur"]


@dataclass(frozen=True)
class LMStatistic:
    """One chi-squared(1) LM statistic."""

    statistic: float
    df: int
    pvalue: float


@dataclass(frozen=True)
class SpatialLMTests:
    """LM and robust LM tests for spatial lag and spatial error dependence."""

    lm_lag: LMStatistic
    lm_error: LMStatistic
    robust_lm_lag: LMStatistic
    robust_lm_error: LMStatistic
    fixed_effects: FixedEffects
    variant: LMVariant
    sigma2: float
    nobs: int


def _stat(value: float) -> LMStatistic:
    return LMStatistic(statistic=float(value), df=1, pvalue=float(sps.chi2.sf(value, 1)))


def spatial_lm_tests(
    y: object,
    X: object,
    W: object,
    *,
    n_entities: int,
    n_periods: int,
    effects: FixedEffects,
    variant: LMVariant = "elhorst",
    x_names: Sequence[str] | None = None,
) -> SpatialLMTests:
    """LM, robust LM tests for spatial lag/error on the non-spatial FE model's residuals.

    Parameters
    ----------
    y, X, W, n_entities, n_periods, effects
        As in :func:`~regiometrics.engine.spatial.panel_ml.fit_spatial_panel` (time-major).
    variant
        ``"elhorst"`` (direct approach, ``s2 = e'e/NT``) or ``"debarsy_ertur"`` (Lee-Yu
        transformation approach degrees of freedom); see the module docstring.
    x_names
        Column names of ``X`` for error messages.
    """
    check_literal(effects, FixedEffects, "effects")
    check_literal(variant, LMVariant, "variant")
    N, T = int(n_entities), int(n_periods)
    yv, Xm = as_panel_arrays(y, X, N, T)
    Wc = as_weights(W, N)
    names = list(x_names) if x_names is not None else [f"x{j + 1}" for j in range(Xm.shape[1])]
    Xd = demean(Xm, N, T, effects)
    yd = demean(yv, N, T, effects)
    check_regressors(Xd, names, effects)
    b = np.linalg.lstsq(Xd, yd, rcond=None)[0]
    e = yd - Xd @ b
    wy = demean(spatial_lag(yv, Wc, N, T), N, T, effects)
    we = spatial_lag(e, Wc, N, T)
    wxb = demean(spatial_lag(Xd @ b, Wc, N, T), N, T, effects)
    proj = Xd @ np.linalg.lstsq(Xd, wxb, rcond=None)[0]
    mwxb = wxb - proj

    tr_ww = float(Wc.multiply(Wc.T).sum())
    tr_wtw = float(Wc.multiply(Wc).sum())
    n_eff, t_eff = N * T, T
    if variant == "debarsy_ertur":
        if effects in ("entity", "twoways"):
            n_eff, t_eff = N * (T - 1), T - 1
        if effects in ("time", "twoways"):
            n_eff = n_eff // N * (N - 1)
            colsum = np.asarray(Wc.sum(axis=0)).ravel()
            tr_ww -= 1.0
            tr_wtw -= float(colsum @ colsum) / N
    s2 = float(e @ e) / n_eff
    tw = t_eff * (tr_ww + tr_wtw)
    jj = float(mwxb @ mwxb) / s2 + tw
    g_lag = float(e @ wy) / s2
    g_err = float(e @ we) / s2
    return SpatialLMTests(
        lm_lag=_stat(g_lag**2 / jj),
        lm_error=_stat(g_err**2 / tw),
        robust_lm_lag=_stat((g_lag - g_err) ** 2 / (jj - tw)),
        robust_lm_error=_stat((g_err - tw / jj * g_lag) ** 2 / (tw * (1.0 - tw / jj))),
        fixed_effects=effects,
        variant=variant,
        sigma2=s2,
        nobs=N * T,
    )
