"""Hausman test of a spatial fixed-effects panel against its random-effects counterpart.

With ``b`` the FE (consistent) and ``B`` the RE (efficient under H0: the entity effects are
uncorrelated with the regressors) estimates of the coefficients both models share,

    H = (b - B)' (V_b - V_B)^- (b - B)  ~  chi2(df),   df = rank(V_b - V_B),

``^-`` a generalised (Moore-Penrose) inverse, as Stata's ``hausman`` computes it.

Coefficients compared: those ``xsmle ..., hausman`` compares (its ado file drops the FE
``sigma2_e`` and the RE constant and variance parameters): the ``x`` coefficients, the ``W.x``
coefficients of an SDM and ``rho``. Not the constant (absorbed by the fixed effects) nor
``phi``/``sigma^2``.

Variance of the difference: the classical ``V_b - V_B`` from the two fits' inverse information
matrices. xsmle's option instead estimates ``Var(b - B)`` by a White (1982) sandwich from the
two models' observation scores and Hessians (its help: "the robust Hausman test"), so its
statistic differs from this one in finite samples; both are chi2(df) under H0.

When ``V_b - V_B`` is not positive definite (sampling noise can make the efficient estimator
look less precise), the statistic can be negative or rest on fewer dimensions: the result
then says so (``positive_definite=False``, a ``note``; a negative statistic gets p = NaN), as
Stata's ``hausman`` reports "chi2<0 ==> model fitted on these data fails to meet the
asymptotic assumptions of the Hausman test"; nothing is raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from regiometrics.errors import IdentificationError


@dataclass(frozen=True)
class HausmanTest:
    """Result of :func:`spatial_hausman`.

    Attributes
    ----------
    statistic, df, pvalue
        ``H``, ``rank(V_b - V_B)`` and ``P(chi2(df) >= H)`` (NaN when ``H < 0``).
    terms
        The coefficients compared, in the FE model's order.
    positive_definite
        Whether ``V_b - V_B`` is positive definite.
    note
        Empty, or why the test fails its asymptotic assumptions.
    """

    statistic: float
    df: int
    pvalue: float
    terms: tuple[str, ...]
    positive_definite: bool
    note: str = ""


def shared_terms(fe_names: Sequence[str], re_names: Sequence[str]) -> tuple[str, ...]:
    """Coefficients of both models (FE order), without the constant: x, W.x and rho."""
    re_set = set(re_names)
    return tuple(n for n in fe_names if n in re_set and n != "_cons")


def spatial_hausman(
    fe_params: Mapping[str, float],
    fe_vcov: np.ndarray,
    re_params: Mapping[str, float],
    re_vcov: np.ndarray,
    *,
    rtol: float = 1e-10,
) -> HausmanTest:
    """Hausman statistic of FE against RE over their shared coefficients.

    Parameters
    ----------
    fe_params, re_params
        ``{name: estimate}``; the first ``len(params)`` rows/columns of each ``vcov`` follow
        the same order (extra trailing rows, e.g. ``phi``, ``sigma2``, are ignored).
    fe_vcov, re_vcov
        Covariance matrices of the two fits.
    rtol
        Eigenvalues of ``V_b - V_B`` below ``rtol * max|eigenvalue|`` count as zero.

    Raises
    ------
    IdentificationError
        The models share no coefficient.
    """
    terms = shared_terms(list(fe_params), list(re_params))
    if not terms:
        raise IdentificationError(
            "the FE and RE models share no coefficient, so there is nothing to compare; "
            f"FE terms {list(fe_params)}, RE terms {list(re_params)}."
        )
    fi = [list(fe_params).index(t) for t in terms]
    ri = [list(re_params).index(t) for t in terms]
    d = np.array([fe_params[t] - re_params[t] for t in terms])
    Vd = np.asarray(fe_vcov)[np.ix_(fi, fi)] - np.asarray(re_vcov)[np.ix_(ri, ri)]
    Vd = 0.5 * (Vd + Vd.T)
    evals, evecs = np.linalg.eigh(Vd)
    scale = float(np.max(np.abs(evals))) if evals.size else 0.0
    keep = np.abs(evals) > rtol * scale if scale > 0 else np.zeros(evals.size, bool)
    df = int(keep.sum())
    proj = evecs[:, keep].T @ d
    stat = float(np.sum(proj**2 / evals[keep])) if df else 0.0
    positive_definite = bool(df == len(terms) and np.all(evals[keep] > 0))
    note = ""
    if not positive_definite:
        note = (
            f"V_FE - V_RE is not positive definite (eigenvalues {np.round(evals, 12).tolist()}); "
            "the fitted models fail to meet the asymptotic assumptions of the Hausman test"
        )
    pvalue = float(sps.chi2.sf(stat, df)) if stat >= 0 and df > 0 else float("nan")
    return HausmanTest(statistic=stat, df=df, pvalue=pvalue, terms=terms,
                       positive_definite=positive_definite, note=note)
