"""Wald and LR tests of the spatial Durbin model against SAR and SEM (Elhorst 2014, sec. 2.7).

With SDM parameters ``(b, theta, rho)`` and covariance ``V`` (from the information matrix):

* SDM vs SAR, ``H0: theta = 0``:  ``Wald = theta' V_tt^{-1} theta``;
  ``LR = 2 (logL_SDM - logL_SAR)``.
* SDM vs SEM, common-factor ``H0: theta + rho b = 0`` (for each regressor with a ``W.x``
  term): ``g = theta + rho b``, ``R = dg/dphi = [rho I | I | b]``,
  ``Wald = g' (R V R')^{-1} g``; ``LR = 2 (logL_SDM - logL_SEM)``.

Each statistic is chi-squared with as many degrees of freedom as ``W.x`` terms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from regiometrics.engine.spatial.panel_ml import SpatialPanelFit
from regiometrics.errors import SpecError


@dataclass(frozen=True)
class ChiSquareTest:
    """A chi-squared test statistic."""

    statistic: float
    df: int
    pvalue: float


@dataclass(frozen=True)
class DurbinTests:
    """Wald and LR tests of SDM against SAR and SEM (``None`` where not computed)."""

    wald_sar: ChiSquareTest
    wald_sem: ChiSquareTest
    lr_sar: ChiSquareTest | None
    lr_sem: ChiSquareTest | None


def _chi2(value: float, df: int) -> ChiSquareTest:
    return ChiSquareTest(statistic=float(value), df=df, pvalue=float(sps.chi2.sf(value, df)))


def _same_sample(sdm: SpatialPanelFit, other: SpatialPanelFit, label: str, model: str) -> None:
    if other.model != model:
        raise SpecError(f"{label} must be a {model!r} fit; a {other.model!r} fit was given.")
    if (other.nobs, other.fixed_effects, other.x_names) != (
        sdm.nobs,
        sdm.fixed_effects,
        sdm.x_names,
    ):
        raise SpecError(
            f"the {model.upper()} fit must use the same data, regressors and fixed effects as "
            f"the SDM: SDM has nobs={sdm.nobs}, effects={sdm.fixed_effects!r}, "
            f"x={list(sdm.x_names)}; {model.upper()} has nobs={other.nobs}, "
            f"effects={other.fixed_effects!r}, x={list(other.x_names)}."
        )


def durbin_tests(
    sdm: SpatialPanelFit,
    *,
    sar: SpatialPanelFit | None = None,
    sem: SpatialPanelFit | None = None,
) -> DurbinTests:
    """Wald tests of ``sdm`` against SAR and SEM, and LR tests when the restricted fits are given.

    Parameters
    ----------
    sdm
        A fitted ``model="sdm"``.
    sar, sem
        Fits of the restricted models on the same data and fixed effects (for the LR tests).
    """
    if sdm.model != "sdm":
        raise SpecError(f"durbin_tests needs an 'sdm' fit; a {sdm.model!r} fit was given.")
    names = list(sdm.params)
    d = list(sdm.durbin_names)
    if not d:
        raise SpecError("the SDM has no W.x terms, so there is nothing to test.")
    bi = [names.index(x) for x in d]
    ti = [names.index(f"W.{x}") for x in d]
    P = len(names)
    V = np.asarray(sdm.vcov)[:P, :P]
    phi = np.array(list(sdm.params.values()))
    theta = phi[ti]
    wald_sar = float(theta @ np.linalg.solve(V[np.ix_(ti, ti)], theta))
    rho = phi[-1]
    g = theta + rho * phi[bi]
    R = np.zeros((len(d), P))
    R[np.arange(len(d)), bi] = rho
    R[np.arange(len(d)), ti] = 1.0
    R[:, -1] = phi[bi]
    wald_sem = float(g @ np.linalg.solve(R @ V @ R.T, g))
    lr_sar = lr_sem = None
    if sar is not None:
        _same_sample(sdm, sar, "sar", "sar")
        lr_sar = _chi2(2.0 * (sdm.loglik - sar.loglik), len(d))
    if sem is not None:
        _same_sample(sdm, sem, "sem", "sem")
        lr_sem = _chi2(2.0 * (sdm.loglik - sem.loglik), len(d))
    return DurbinTests(
        wald_sar=_chi2(wald_sar, len(d)),
        wald_sem=_chi2(wald_sem, len(d)),
        lr_sar=lr_sar,
        lr_sem=lr_sem,
    )
