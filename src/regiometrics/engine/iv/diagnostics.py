r"""ivreg2-style identification, weak-instrument, overidentification and endogeneity tests.

Notation: :math:`y` the outcome, :math:`X_2` the :math:`k_2` endogenous regressors,
:math:`X_1` the :math:`k_1` included exogenous regressors, :math:`Z_1` the :math:`l_1`
excluded instruments, :math:`Z=[Z_1,X_1]` all :math:`L=l_1+k_1` instruments and a tilde
the residual after least squares on :math:`X_1` (:math:`\tilde A = M_{X_1}A`). :math:`d` and
:math:`s` are ivreg2's ``dofminus`` and ``sdofminus``, :math:`G` the number of clusters.
Every statistic and its degrees of freedom follow ``ivreg2`` 4.1 / ``ranktest`` 1.4
(Baum, Schaffer and Stillman 2007; Kleibergen and Paap 2006):

* **Anderson canonical-correlation LM** (underidentification, i.i.d.):
  :math:`(N-d)\,\rho^2_{\min}`, :math:`\chi^2(l_1-k_2+1)`, with :math:`\rho` the canonical
  correlations of :math:`\tilde X_2` and :math:`\tilde Z_1`.
* **Cragg-Donald Wald F**: :math:`\frac{\rho^2_{\min}}{1-\rho^2_{\min}}\,\frac{N-L-d-s}{l_1}`.
* **Kleibergen-Paap rk LM / rk Wald F** (robust or cluster): the rk statistic for the null
  :math:`\mathrm{rank}(\Pi)=k_2-1` of the reduced-form coefficients
  :math:`\Pi=(\tilde Z_1'\tilde Z_1)^{-1}\tilde Z_1'\tilde X_2`, normalised by Cholesky
  roots, with the HC0/CR0 covariance of :math:`\mathrm{vec}\,\Pi` built from
  :math:`\tilde X_2` (LM) or the reduced-form residuals (Wald). ivreg2 reports
  LM :math:`\times (N-d)/N` (no factor when clustered) and
  F = Wald :math:`/N \times (N-L-d-s)/l_1` or, clustered,
  Wald :math:`/(N-1)\times (N-L-s)(G-1)/G/l_1`. Under ``unadjusted`` the rk statistics
  equal the Anderson LM and Cragg-Donald F and are reported as such.
* **Sargan** :math:`(N-d)\,\hat u'P_Z\hat u/\hat u'\hat u` and **Hansen J**
  :math:`\min_b g(b)'S^{-1}g(b)` at the efficient GMM estimate, with :math:`S` from the
  estimator's residuals (first-step 2SLS residuals for ``gmm2s``).
* **C (difference-in-Sargan) endogeneity test** of all :math:`X_2`: :math:`J_E - J_C`,
  both evaluated with the moment covariance :math:`S_E` of the model that treats
  :math:`X_2` as exogenous (Hayashi 2000, p. 220); :math:`\chi^2(k_2)`.
* **Anderson-Rubin** test of :math:`\beta_2=\beta_0`: Wald test of :math:`\tilde Z_1` in the
  regression of :math:`\widetilde{y-X_2\beta_0}` on :math:`\tilde Z_1`; the chi2 form uses
  the large-sample covariance, F = chi2 :math:`\times c/l_1` with
  :math:`c=(N-L-d-s)/(N-d)` on :math:`(l_1, N-L-d-s)` df, or, clustered,
  :math:`c=(N-L-s)(G-1)/((N-1)G)` on :math:`(l_1, G-1)` df.
* **Stock-Wright S**: the GMM criterion of the model without endogenous regressors at
  its OLS fit.
* **First stage** per endogenous regressor: F of :math:`Z_1` (same :math:`c` as AR),
  partial :math:`R^2`, Shea's partial :math:`R^2`
  :math:`[(\tilde X_2'\tilde X_2)^{-1}]_{jj}/[(\hat X_2'\hat X_2)^{-1}]_{jj}` and the
  Sanderson-Windmeijer (2016) conditional F on :math:`l_1-k_2+1` numerator df.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps

from regiometrics.engine.iv._core import (
    Clusters,
    Design,
    VcovType,
    gmm_j,
    lstsq,
    meat,
    moment_cov,
    raw_vcov,
    wald_excluded,
)
from regiometrics.engine.iv.stock_yogo import stock_yogo_values
from regiometrics.engine.linear import vcov as vc


@dataclass(frozen=True)
class RankTest:
    """Raw ``ranktest`` output for the null rank = k2 - 1 (no ivreg2 rescaling)."""

    statistic: float
    df: int
    canonical_correlations: np.ndarray = field(repr=False)


def _psd_sqrt(a: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh((a + a.T) / 2)
    return (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T


def kleibergen_paap(
    yt: np.ndarray,
    zt: np.ndarray,
    *,
    vcov: VcovType,
    clusters: Clusters | None,
    wald: bool,
) -> RankTest:
    r"""Kleibergen-Paap (2006) rk statistic that the :math:`l\times k` matrix :math:`\Pi` in
    :math:`\tilde Y=\tilde Z\Pi+V` has rank :math:`k-1` (:math:`l\ge k`).

    Parameters
    ----------
    yt, zt
        :math:`\tilde Y` (n, k) and :math:`\tilde Z` (n, l), exogenous regressors already
        partialled out.
    vcov
        ``unadjusted`` gives the canonical-correlation statistics :math:`N\rho^2_{\min}`
        (LM) or :math:`N\rho^2_{\min}/(1-\rho^2_{\min})` (Wald); ``robust``/``cluster`` the
        rk statistic with the HC0/CR0 covariance :math:`\hat V` of
        :math:`\mathrm{vec}(\hat\Theta)`.
    wald
        Covariance from the reduced-form residuals (Wald) or from :math:`\tilde Y` itself,
        i.e. under :math:`\Pi=0` (LM), as ``ranktest`` does.

    Notes
    -----
    :math:`\hat\Theta = R_Z'\hat\Pi R_Y'^{-1}` with :math:`R_ZR_Z'=\tilde Z'\tilde Z` and
    :math:`R_YR_Y'=\tilde Y'\tilde Y` (lower Cholesky factors); with the SVD
    :math:`\hat\Theta=USV'` and :math:`q=k-1`,
    :math:`A_\perp=U_{\cdot 2}U_{22}^{-1}(U_{22}U_{22}')^{1/2}`,
    :math:`B_\perp=(V_{22}V_{22}')^{1/2}V_{22}'^{-1}V_{\cdot 2}'`,
    :math:`\lambda=(B_\perp\otimes A_\perp')\mathrm{vec}\hat\Theta`,
    :math:`\Omega=(B_\perp\otimes A_\perp')\hat V(B_\perp\otimes A_\perp')'` and
    rk :math:`=\lambda'\Omega^{-1}\lambda\sim\chi^2(l-k+1)`.
    """
    n, k = yt.shape
    ell = zt.shape[1]
    zz = zt.T @ zt
    pihat = np.linalg.solve(zz, zt.T @ yt)
    ry = np.linalg.cholesky(yt.T @ yt)
    rz = np.linalg.cholesky(zz)
    iry = np.linalg.inv(ry.T)
    irz = np.linalg.inv(rz.T)
    theta = rz.T @ pihat @ iry
    u, cc, vh = np.linalg.svd(theta, full_matrices=True)
    v = vh.T
    df = ell - k + 1
    ev_min = float(cc[k - 1] ** 2)
    if vcov == "unadjusted":
        stat = n * (ev_min / (1.0 - ev_min) if wald else ev_min)
        return RankTest(stat, df, cc)
    e = yt - zt @ pihat if wald else yt
    h = np.einsum("ik,il->ikl", e, zt).reshape(n, k * ell)
    shat = meat(h, vcov, clusters) / n
    t = np.kron(iry.T, irz.T)
    vhat = t @ shat @ t.T * n
    idx = k - 1
    u_blk, u22 = u[:, idx:], u[idx:, idx:]
    v_blk, v22 = v[:, idx:], v[idx:, idx:]
    aq = u_blk @ np.linalg.solve(u22, _psd_sqrt(u22 @ u22.T))
    bq = _psd_sqrt(v22 @ v22.T) @ np.linalg.solve(v22.T, v_blk.T)
    kr = np.kron(bq, aq.T)
    lam = kr @ theta.flatten(order="F")
    omega = kr @ vhat @ kr.T
    omega = (omega + omega.T) / 2
    stat = float(lam @ np.linalg.solve(omega, lam))
    return RankTest(stat, df, cc)


@dataclass(frozen=True)
class FirstStage:
    """First-stage regression of one endogenous regressor on all instruments.

    ``params``/``std_errors``/``pvalues`` are keyed by instrument name (excluded first, then
    included exogenous). Standard errors follow the main model's vcov type and small-sample
    convention. ``f_stat`` is ivreg2's F test of the excluded instruments on
    (``f_df1``, ``f_df2``) df; ``sw_f`` the Sanderson-Windmeijer conditional F.
    """

    endog: str
    params: Mapping[str, float]
    std_errors: Mapping[str, float]
    pvalues: Mapping[str, float]
    vcov: np.ndarray = field(repr=False, compare=False)
    nobs: int
    df_resid: int | None
    rmse: float
    f_stat: float
    f_df1: int
    f_df2: int
    f_pvalue: float
    partial_r2: float
    shea_partial_r2: float
    sw_f: float
    sw_df1: int
    sw_pvalue: float


def _pvalue_f(stat: float, df1: int, df2: int) -> float:
    return float(sps.f.sf(stat, df1, df2)) if math.isfinite(stat) else math.nan


def _pvalue_chi2(stat: float, df: int) -> float:
    return float(sps.chi2.sf(stat, df)) if math.isfinite(stat) and df > 0 else math.nan


def _wald_to_f(d: Design, chi2: float, df1: int) -> tuple[float, int, float]:
    factor, df2 = d.dof.f_factor(d.n_instruments, d.vcov)
    f_stat = chi2 * factor / df1
    return f_stat, df2, _pvalue_f(f_stat, df1, df2)


def anderson_rubin(d: Design, beta0: np.ndarray | None = None) -> dict[str, float]:
    r"""Anderson-Rubin test of :math:`H_0:\beta_2=\beta_0` (default 0), robust to weak IV.

    Returns ``ar_f``, ``ar_p`` (F on :math:`(l_1, \cdot)` df) and ``ar_chi2``,
    ``ar_chi2_p`` (:math:`\chi^2(l_1)`), as ivreg2's ``e(arf)`` and ``e(archi2)``.
    """
    b0 = np.zeros(d.k2) if beta0 is None else np.asarray(beta0, dtype=float)
    target = d.yt - d.x2t @ b0
    chi2, _ = wald_excluded(target, d.z1t, d.vcov, d.clusters, d.dof)
    f_stat, _, p = _wald_to_f(d, chi2, d.l1)
    return {"ar_f": f_stat, "ar_p": p, "ar_chi2": chi2, "ar_chi2_p": _pvalue_chi2(chi2, d.l1)}


def _moment_s(d: Design, z: np.ndarray, resid: np.ndarray) -> np.ndarray:
    return moment_cov(z, resid, d.vcov, d.clusters)


def _j_stat(d: Design, x: np.ndarray, z: np.ndarray, s_raw: np.ndarray) -> float:
    return gmm_j(x, z, d.y, s_raw) * d.dof.j_factor(d.vcov)


def _safe_j(d: Design, x: np.ndarray, z: np.ndarray, s_raw: np.ndarray) -> float:
    """J statistic, ``nan`` when the moment covariance is singular (too few clusters)."""
    if np.linalg.matrix_rank(s_raw) < s_raw.shape[0]:
        return math.nan
    return _j_stat(d, x, z, s_raw)


def overid_stats(d: Design, resid: np.ndarray, s_resid: np.ndarray) -> dict[str, float]:
    """Sargan (homoskedastic) and Hansen J statistics; 0 with ``nan`` p if exactly identified.

    ``resid`` are the reported estimator's residuals; ``s_resid`` the residuals the moment
    covariance S is built from (the 2SLS ones for ``gmm2s``).
    """
    df = d.l1 - d.k2
    z = d.z
    if df == 0:
        return {"sargan": 0.0, "sargan_p": math.nan, "hansen_j": 0.0, "hansen_j_p": math.nan}
    pz_u = z @ lstsq(z, resid)
    sargan = (d.n - d.dof.dofminus) * float(resid @ pz_u) / float(resid @ resid)
    if d.vcov == "unadjusted":
        j = sargan
    else:
        j = _safe_j(d, d.x, z, _moment_s(d, z, s_resid))
    return {
        "sargan": sargan,
        "sargan_p": _pvalue_chi2(sargan, df),
        "hansen_j": j,
        "hansen_j_p": _pvalue_chi2(j, df),
    }


def endogeneity_c(d: Design) -> dict[str, float]:
    r"""Difference-in-Sargan (C) test that all endogenous regressors are exogenous.

    Model E adds :math:`X_2` to the instruments (so it is estimated by OLS); both J
    statistics use E's moment covariance :math:`S_E` (C model: its :math:`Z` block), which
    keeps C non-negative. Under ``unadjusted`` this equals the Durbin-Wu-Hausman statistic
    with the OLS error variance.
    """
    x = d.x
    z_e = np.hstack([d.z_excl, d.x_endog, d.x_exog])
    resid_e = d.y - x @ lstsq(x, d.y)
    s_e = _moment_s(d, z_e, resid_e)
    if np.linalg.matrix_rank(s_e) < s_e.shape[0]:
        return {"endog_c": math.nan, "endog_c_p": math.nan}
    keep = np.r_[np.arange(d.l1), np.arange(d.l1 + d.k2, d.l1 + d.k2 + d.x_exog.shape[1])]
    j_e = _j_stat(d, x, z_e, s_e)
    j_c = _j_stat(d, x, d.z, s_e[np.ix_(keep, keep)])
    c = j_e - j_c
    return {"endog_c": c, "endog_c_p": _pvalue_chi2(c, d.k2)}


def stock_wright(d: Design) -> dict[str, float]:
    r"""Stock-Wright (2000) LM S statistic of :math:`\beta_2 = 0`, :math:`\chi^2(l_1)`.

    The GMM criterion :math:`g'S^{-1}g` of the model without endogenous regressors,
    :math:`g = Z'\hat u`, evaluated at the OLS fit of :math:`y` on :math:`X_1` (not
    re-minimised), with :math:`S` from the same residuals -- ivreg2's ``e(sstat)``.
    """
    x1 = d.x_exog
    resid = d.y - x1 @ lstsq(x1, d.y) if x1.shape[1] else d.y
    s_raw = _moment_s(d, d.z, resid)
    if np.linalg.matrix_rank(s_raw) < s_raw.shape[0]:
        return {"stock_wright_s": math.nan, "stock_wright_s_p": math.nan}
    g = d.z.T @ resid
    s = float(g @ np.linalg.solve(s_raw, g)) * d.dof.j_factor(d.vcov)
    return {"stock_wright_s": s, "stock_wright_s_p": _pvalue_chi2(s, d.l1)}


def identification(d: Design) -> dict[str, float]:
    """Anderson LM, Cragg-Donald F and the Kleibergen-Paap rk LM and rk Wald F."""
    n, dm, sm = d.n, d.dof.dofminus, d.dof.sdofminus
    big_l = d.n_instruments
    iid = kleibergen_paap(d.x2t, d.z1t, vcov="unadjusted", clusters=None, wald=False)
    ev_min = float(iid.canonical_correlations[d.k2 - 1] ** 2)
    anderson = (n - dm) * ev_min
    cd_f = ev_min / (1.0 - ev_min) * (n - big_l - dm - sm) / d.l1
    if d.vcov == "unadjusted":
        kp_lm, kp_f = anderson, cd_f
    else:
        lm = kleibergen_paap(d.x2t, d.z1t, vcov=d.vcov, clusters=d.clusters, wald=False)
        wd = kleibergen_paap(d.x2t, d.z1t, vcov=d.vcov, clusters=d.clusters, wald=True)
        if d.vcov == "cluster":
            g = d.dof.n_clusters
            assert g is not None
            kp_lm = lm.statistic
            kp_f = wd.statistic / (n - 1) * (n - big_l - sm) * (g - 1) / g / d.l1
        else:
            kp_lm = lm.statistic * (n - dm) / n
            kp_f = wd.statistic / n * (n - big_l - sm - dm) / d.l1
    return {
        "anderson_lm": anderson,
        "anderson_lm_p": _pvalue_chi2(anderson, iid.df),
        "kp_rk_lm": kp_lm,
        "kp_rk_lm_p": _pvalue_chi2(kp_lm, iid.df),
        "cd_wald_f": cd_f,
        "kp_rk_wald_f": kp_f,
    }


def first_stages(d: Design) -> dict[str, FirstStage]:
    """First-stage regressions and their weak-instrument statistics, one per endogenous."""
    z = d.z
    names = d.instrument_names + d.exog_names
    big_l = d.n_instruments
    bread = np.linalg.inv(z.T @ z)
    factor = d.dof.vcov_factor(big_l, d.vcov, d.small, d.ssc)
    df_resid = d.dof.df_resid(big_l, d.vcov, d.small, d.ssc)
    xhat2 = d.z1t @ lstsq(d.z1t, d.x2t)
    inv_x = np.linalg.inv(d.x2t.T @ d.x2t)
    inv_xhat = np.linalg.inv(xhat2.T @ xhat2)
    sw_df1 = d.l1 - d.k2 + 1
    out: dict[str, FirstStage] = {}
    for j, name in enumerate(d.endog_names):
        xj = d.x_endog[:, j]
        coef = bread @ (z.T @ xj)
        resid = xj - z @ coef
        v = raw_vcov(bread, z, resid, d.vcov, d.clusters) * factor
        if d.vcov == "cluster" and d.clusters is not None and len(d.clusters.codes) == 3:
            v = vc.psd_fix(v, keep=len(names) - 1 if names[-1] == "_cons" else None)[0]
        se = np.sqrt(np.diag(v))
        tstat = coef / se
        if df_resid is None:
            pv = 2 * sps.norm.sf(np.abs(tstat))
        else:
            pv = 2 * sps.t.sf(np.abs(tstat), df_resid)
        chi2, _ = wald_excluded(d.x2t[:, j], d.z1t, d.vcov, d.clusters, d.dof)
        f_stat, f_df2, f_p = _wald_to_f(d, chi2, d.l1)
        rss = float(resid @ resid)
        partial = 1.0 - rss / float(d.x2t[:, j] @ d.x2t[:, j])
        shea = float(inv_x[j, j] / inv_xhat[j, j])
        if d.k2 == 1:
            sw_f, sw_p = f_stat, f_p
        else:
            others = np.delete(d.x2t, j, axis=1)
            oh = np.delete(xhat2, j, axis=1)
            delta = np.linalg.solve(oh.T @ others, oh.T @ d.x2t[:, j])
            e = d.x2t[:, j] - others @ delta
            sw_chi2, _ = wald_excluded(e, d.z1t, d.vcov, d.clusters, d.dof)
            sw_f, _, sw_p = _wald_to_f(d, sw_chi2, sw_df1)
        rmse_den = d.n - big_l - d.dof.dofminus - d.dof.sdofminus
        out[name] = FirstStage(
            endog=name,
            params=dict(zip(names, map(float, coef))),
            std_errors=dict(zip(names, map(float, se))),
            pvalues=dict(zip(names, map(float, pv))),
            vcov=v,
            nobs=d.n,
            df_resid=df_resid,
            rmse=math.sqrt(rss / rmse_den),
            f_stat=f_stat,
            f_df1=d.l1,
            f_df2=f_df2,
            f_pvalue=f_p,
            partial_r2=partial,
            shea_partial_r2=shea,
            sw_f=sw_f,
            sw_df1=sw_df1,
            sw_pvalue=sw_p,
        )
    return out


def all_diagnostics(
    d: Design, resid: np.ndarray, s_resid: np.ndarray
) -> tuple[dict[str, float], dict[str, FirstStage]]:
    """Every diagnostic of the results dict, plus the first-stage results.

    Keys: ``anderson_lm(_p)``, ``kp_rk_lm(_p)``, ``cd_wald_f``, ``kp_rk_wald_f``,
    ``sargan(_p)``, ``hansen_j(_p)``, ``ar_f``, ``ar_p``, ``ar_chi2(_p)``,
    ``endog_c(_p)``, ``stock_wright_s(_p)``, the ``sy_*`` Stock-Yogo critical values and,
    per endogenous regressor ``x``, ``first_stage_f:x``, ``first_stage_f_p:x``,
    ``partial_r2:x``, ``shea_partial_r2:x``, ``sw_f:x``, ``sw_f_p:x``.
    """
    stats: dict[str, float] = {}
    stats.update(identification(d))
    stats.update(overid_stats(d, resid, s_resid))
    stats.update(anderson_rubin(d))
    stats.update(endogeneity_c(d))
    stats.update(stock_wright(d))
    stats.update(stock_yogo_values(d.k2, d.l1))
    fs = first_stages(d)
    for name, res in fs.items():
        stats[f"first_stage_f:{name}"] = res.f_stat
        stats[f"first_stage_f_p:{name}"] = res.f_pvalue
        stats[f"partial_r2:{name}"] = res.partial_r2
        stats[f"shea_partial_r2:{name}"] = res.shea_partial_r2
        stats[f"sw_f:{name}"] = res.sw_f
        stats[f"sw_f_p:{name}"] = res.sw_pvalue
    return {k: float(v) for k, v in stats.items()}, fs


__all__ = [
    "FirstStage",
    "RankTest",
    "all_diagnostics",
    "anderson_rubin",
    "endogeneity_c",
    "first_stages",
    "identification",
    "kleibergen_paap",
    "overid_stats",
    "stock_wright",
]
