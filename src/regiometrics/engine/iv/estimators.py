r"""Linear IV estimators (2SLS, LIML, two-step efficient GMM) on numpy arrays.

Model: :math:`y = X_2\beta_2 + X_1\beta_1 + u` with endogenous :math:`X_2` (n, k2),
included exogenous :math:`X_1` (n, k1) and excluded instruments :math:`Z_1` (n, l1);
:math:`X=[X_2,X_1]`, :math:`Z=[Z_1,X_1]`, :math:`P_Z` the projection on :math:`Z`,
:math:`M_Z=I-P_Z`. Fixed effects are absorbed *before* the call (the caller demeans
:math:`y, X_1, X_2, Z_1`) and declared through ``absorbed_df``.

* 2SLS: :math:`\hat\beta=(X'P_ZX)^{-1}X'P_Zy`.
* LIML: the k-class estimator :math:`(X'(I-\kappa M_Z)X)^{-1}X'(I-\kappa M_Z)y` with
  :math:`\kappa` the smallest eigenvalue of :math:`(W'M_ZW)^{-1}W'M_{X_1}W`,
  :math:`W=[y,X_2]`.
* GMM2S: :math:`(X'Z\hat S^{-1}Z'X)^{-1}X'Z\hat S^{-1}Z'y`, :math:`\hat S` the robust or
  cluster covariance of :math:`Z'u` from the 2SLS residuals (under ``unadjusted`` it is
  2SLS, as in ivreg2).

Covariances are ivreg2's: :math:`\hat\sigma^2 A^{-1}` with :math:`A=\hat X'\hat X`
(:math:`X'(I-\kappa M_Z)X` for LIML), the HC0 or CR0 sandwich :math:`A^{-1}\hat\Omega A^{-1}`
with scores :math:`\hat x_i\hat u_i`, :math:`\hat X=P_ZX` (also for LIML), or
:math:`(X'Z\hat S^{-1}Z'X)^{-1}` for GMM, then scaled by the small-sample factor of
:class:`regiometrics.engine.iv._core.DofSpec`:

* ``small=False`` -- ivreg2's default: z and chi2 inference, :math:`\hat\sigma^2=RSS/(N-d)`,
  robust :math:`\times N/(N-d)`, cluster unscaled.
* ``small=True, ssc="ivreg2"`` -- ivreg2's ``small``: t and F on :math:`N-K-d-s` df
  (cluster: :math:`G-1`), :math:`\times N/(N-K-d-s)`, cluster
  :math:`\times (N-1)/(N-K-s)\cdot G/(G-1)`.
* ``small=True, ssc="fixest"`` (default) -- the project's fixest/reghdfe convention:
  :math:`K_{fe}=K+` ``absorbed_df``; iid :math:`RSS/(N-K_{fe})`, robust
  :math:`\times (N-1)/(N-K_{fe})`, cluster :math:`\times G/(G-1)\cdot(N-1)/(N-K_{fe}+n_{nest})`
  where :math:`n_{nest}` (``absorbed_nested_df``) counts absorbed parameters of fixed
  effects nested in the cluster variable.

``absorbed_df`` counts every absorbed fixed-effect parameter, including the one that
replaces the constant (one-way entity FE: the number of entities; two-way on a connected
panel: entities + periods - 1). ``absorbed_as="dofminus"`` treats them as xtivreg2 does
(ivreg2's ``dofminus``: the large-sample adjustment, which rescales sigma, the LM and J
statistics by :math:`(N-d)/N` except under clustering); ``"sdofminus"`` as ivreghdfe does
by default (small-sample only: enters F statistics and ``small`` corrections).
The diagnostics (see :mod:`regiometrics.engine.iv.diagnostics`) always follow ivreg2's
conventions, whatever ``small``/``ssc`` say.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg as sla
from scipy import stats as sps

from regiometrics.engine.iv._core import (
    Design,
    SmallSampleConvention,
    VcovType,
    gmm_fit,
    meat,
    project,
    raw_vcov,
)
from regiometrics.engine.iv._design import AbsorbedAs, Method, build_design
from regiometrics.engine.iv.diagnostics import FirstStage, all_diagnostics, anderson_rubin
from regiometrics.engine.linear import vcov as vc
from regiometrics.errors import IdentificationError, SpecError
from regiometrics.options import check_literal
from regiometrics.results.result import Result


@dataclass(frozen=True)
class IVResult:
    """Frozen result of :func:`fit_iv`; it keeps no residuals or data.

    ``params``, ``std_errors``, ``tvalues`` and ``pvalues`` are keyed by term (endogenous
    first, then exogenous, in input order). ``df_resid`` is ``None`` for z/chi2 inference
    (``small=False``). ``diagnostics`` holds the ivreg2 statistics (see
    :func:`regiometrics.engine.iv.diagnostics.all_diagnostics`), ``first_stage`` one
    :class:`FirstStage` per endogenous regressor.
    """

    method: str
    vcov_type: str
    small: bool
    ssc: str
    dependent: str
    endog_names: tuple[str, ...]
    exog_names: tuple[str, ...]
    instrument_names: tuple[str, ...]
    params: Mapping[str, float]
    std_errors: Mapping[str, float]
    tvalues: Mapping[str, float]
    pvalues: Mapping[str, float]
    vcov: np.ndarray = field(repr=False, compare=False)
    nobs: int
    df_resid: int | None
    df_model: int
    n_clusters: int | None
    absorbed_df: int
    dofminus: int
    sdofminus: int
    rss: float
    rmse: float
    r2: float
    r2_uncentered: float
    kappa: float
    diagnostics: Mapping[str, float]
    first_stage: Mapping[str, FirstStage]
    psd_fixed: bool = False

    @property
    def terms(self) -> list[str]:
        """Term names in coefficient order."""
        return list(self.params)

    def summary(self, *, level: float = 0.95) -> pd.DataFrame:
        """Coefficient table: estimate, std_error, statistic, p_value, ci_low, ci_high."""
        alpha = 1.0 - level
        if self.df_resid is None:
            q = float(sps.norm.ppf(1 - alpha / 2))
        else:
            q = float(sps.t.ppf(1 - alpha / 2, self.df_resid))
        est = pd.Series(self.params, dtype=float)
        se = pd.Series(self.std_errors, dtype=float)
        return pd.DataFrame(
            {
                "estimate": est,
                "std_error": se,
                "statistic": pd.Series(self.tvalues, dtype=float),
                "p_value": pd.Series(self.pvalues, dtype=float),
                "ci_low": est - q * se,
                "ci_high": est + q * se,
            }
        ).rename_axis("term")

    def to_result(self, model_id: str, *, type: str = "iv") -> Result:
        """The project's uniform :class:`~regiometrics.results.result.Result`.

        ``stats`` = diagnostics plus ``r2``, ``rmse``, ``rss``; the first stages go to
        ``components`` as ``first_stage:<name>``.
        """
        stats = dict(self.diagnostics)
        stats.update({"r2": self.r2, "r2_uncentered": self.r2_uncentered,
                      "rmse": self.rmse, "rss": self.rss})
        if self.method == "liml":
            stats["kappa"] = self.kappa
        info = {
            "method": self.method,
            "vcov": self.vcov_type,
            "small": self.small,
            "ssc": self.ssc,
            "n_clusters": self.n_clusters,
            "endogenous": list(self.endog_names),
            "exogenous": list(self.exog_names),
            "instruments": list(self.instrument_names),
            "absorbed_df": self.absorbed_df,
            "dofminus": self.dofminus,
            "sdofminus": self.sdofminus,
        }
        components = {
            f"first_stage:{name}": Result(
                model_id=f"{model_id}:first_stage:{name}",
                type="iv_first_stage",
                dependent=name,
                nobs=fs.nobs,
                params=dict(fs.params),
                std_errors=dict(fs.std_errors),
                pvalues=dict(fs.pvalues),
                stats={"f": fs.f_stat, "f_p": fs.f_pvalue, "partial_r2": fs.partial_r2,
                       "shea_partial_r2": fs.shea_partial_r2, "sw_f": fs.sw_f,
                       "sw_f_p": fs.sw_pvalue, "rmse": fs.rmse},
                df_resid=fs.df_resid,
                vcov=fs.vcov,
            )
            for name, fs in self.first_stage.items()
        }
        return Result(
            model_id=model_id,
            type=type,
            dependent=self.dependent,
            nobs=self.nobs,
            params=dict(self.params),
            std_errors=dict(self.std_errors),
            pvalues=dict(self.pvalues),
            stats=stats,
            df_resid=self.df_resid,
            vcov=self.vcov,
            info=info,
            components=components,
        )


@dataclass(frozen=True)
class _Fit:
    beta: np.ndarray
    raw_v: np.ndarray
    resid: np.ndarray
    s_resid: np.ndarray
    kappa: float


def _tsls(d: Design) -> _Fit:
    x, z = d.x, d.z
    xhat = project(z, x)
    bread = np.linalg.inv(xhat.T @ xhat)
    beta = bread @ (xhat.T @ d.y)
    resid = d.y - x @ beta
    raw_v = raw_vcov(bread, xhat, resid, d.vcov, d.clusters)
    return _Fit(beta, raw_v, resid, resid, 1.0)


def _liml(d: Design) -> _Fit:
    x, z = d.x, d.z
    w = np.column_stack([d.y, d.x_endog])
    mz_w = w - project(z, w)
    m1_w = np.column_stack([d.yt, d.x2t])
    kappa = float(sla.eigh(m1_w.T @ m1_w, mz_w.T @ mz_w, eigvals_only=True)[0])
    xhat = project(z, x)
    xk = x - kappa * (x - xhat)
    bread = np.linalg.inv(xk.T @ x)
    bread = (bread + bread.T) / 2
    beta = bread @ (xk.T @ d.y)
    resid = d.y - x @ beta
    raw_v = raw_vcov(bread, xhat, resid, d.vcov, d.clusters)
    return _Fit(beta, raw_v, resid, resid, kappa)


def _gmm2s(d: Design) -> _Fit:
    first = _tsls(d)
    if d.vcov == "unadjusted":
        return _Fit(first.beta, first.raw_v, first.resid, first.resid, math.nan)
    x, z = d.x, d.z
    s_raw = meat(z * first.resid[:, None], d.vcov, d.clusters)
    if np.linalg.matrix_rank(s_raw) < s_raw.shape[0]:
        raise IdentificationError(
            f"the {d.vcov} covariance of the {z.shape[1]} moment conditions is singular "
            f"(e.g. fewer clusters than instruments), so the efficient GMM weight does not "
            f"exist; use method='2sls'."
        )
    beta = gmm_fit(x, z, d.y, s_raw)
    zx = z.T @ x
    raw_v = np.linalg.inv(zx.T @ np.linalg.solve(s_raw, zx))
    raw_v = (raw_v + raw_v.T) / 2
    return _Fit(beta, raw_v, d.y - x @ beta, first.resid, math.nan)


_METHODS = {"2sls": _tsls, "liml": _liml, "gmm2s": _gmm2s}


def fit_iv(
    y: object,
    X_exog: object,
    X_endog: object,
    Z: object,
    *,
    method: Method = "2sls",
    vcov: VcovType = "unadjusted",
    clusters: object = None,
    absorbed_df: int = 0,
    absorbed_nested_df: int = 0,
    absorbed_as: AbsorbedAs = "dofminus",
    partialled_df: int = 0,
    small: bool = True,
    ssc: SmallSampleConvention = "fixest",
    dependent: str | None = None,
    exog_names: Sequence[str] | None = None,
    endog_names: Sequence[str] | None = None,
    instrument_names: Sequence[str] | None = None,
) -> IVResult:
    """Estimate a linear IV model and compute ivreg2's diagnostics.

    Parameters
    ----------
    y, X_exog, X_endog, Z
        Outcome (n,), included exogenous regressors (n, k1; ``None`` for none; include a
        column of ones for a constant unless fixed effects were absorbed), endogenous
        regressors (n, k2) and excluded instruments (n, l1 >= k2). pandas objects lend
        their column names.
    method
        ``"2sls"``, ``"liml"`` or ``"gmm2s"`` (two-step efficient GMM).
    vcov, clusters
        ``"unadjusted"``, ``"robust"`` or ``"cluster"``; ``clusters`` holds one label per
        observation, or two columns for two-way clustering (Cameron-Gelbach-Miller).
    absorbed_df, absorbed_nested_df, absorbed_as
        Absorbed fixed-effect parameters, how many of them belong to fixed effects nested
        in the cluster variable, and whether ivreg2 should treat them as ``dofminus``
        (xtivreg2) or ``sdofminus`` (ivreghdfe); see the module docstring.
    partialled_df
        Exogenous regressors the caller partialled out of all variables beforehand
        (ivreg2's ``partial()``, counted in ``sdofminus``; e.g. 1 for a constant removed by
        demeaning without fixed effects).
    small, ssc
        Small-sample convention of the coefficient covariance and t/F inference (module
        docstring). ``small=False`` reproduces ivreg2's default output.
    dependent, exog_names, endog_names, instrument_names
        Names used as result keys (``first_stage_f:<name>`` etc.).

    Returns
    -------
    IVResult
    """
    check_literal(method, Method, "method")
    inputs = build_design(
        y, X_exog, X_endog, Z, vcov=vcov, clusters=clusters, absorbed_df=absorbed_df,
        absorbed_nested_df=absorbed_nested_df, absorbed_as=absorbed_as,
        partialled_df=partialled_df, small=small,
        ssc=ssc, dependent=dependent, exog_names=exog_names, endog_names=endog_names,
        instrument_names=instrument_names,
    )
    d = inputs.design
    if float(np.ptp(d.y)) <= 1e-12 * max(float(np.abs(d.y).max()), 1.0):
        raise IdentificationError(
            f"the dependent variable {inputs.dependent!r} does not vary (after the fixed "
            "effects); there is nothing to explain"
        )
    fit = _METHODS[method](d)
    k = d.x.shape[1]
    v = fit.raw_v * d.dof.vcov_factor(k, d.vcov, d.small, d.ssc)
    terms = d.endog_names + d.exog_names
    psd_fixed = False
    if d.vcov == "cluster" and d.clusters is not None and len(d.clusters.codes) == 3:
        # two-way: Cameron-Gelbach-Miller fix by reghdfe's rule (a constant last is not kept)
        keep = k - 1 if terms[-1] == "_cons" else None
        v, psd_fixed = vc.psd_fix(v, keep=keep)
    df_resid = d.dof.df_resid(k, d.vcov, d.small, d.ssc)
    se = np.sqrt(np.diag(v))
    tvals = fit.beta / se
    if df_resid is None:
        pvals = 2 * sps.norm.sf(np.abs(tvals))
    else:
        pvals = 2 * sps.t.sf(np.abs(tvals), df_resid)
    rss = float(fit.resid @ fit.resid)
    sigma2 = rss / d.n * d.dof.vcov_factor(k, "unadjusted", d.small, d.ssc)
    yc = d.y - d.y.mean()
    diagnostics, first = all_diagnostics(d, fit.resid, fit.s_resid)
    return IVResult(
        method=method,
        vcov_type=vcov,
        small=small,
        ssc=ssc,
        dependent=inputs.dependent,
        endog_names=d.endog_names,
        exog_names=d.exog_names,
        instrument_names=d.instrument_names,
        params=dict(zip(terms, map(float, fit.beta))),
        std_errors=dict(zip(terms, map(float, se))),
        tvalues=dict(zip(terms, map(float, tvals))),
        pvalues=dict(zip(terms, map(float, pvals))),
        vcov=v,
        nobs=d.n,
        df_resid=df_resid,
        df_model=k,
        n_clusters=d.dof.n_clusters,
        absorbed_df=absorbed_df,
        dofminus=d.dof.dofminus,
        sdofminus=d.dof.sdofminus,
        rss=rss,
        rmse=math.sqrt(sigma2),
        r2=1.0 - rss / float(yc @ yc),
        r2_uncentered=1.0 - rss / float(d.y @ d.y),
        kappa=fit.kappa,
        diagnostics=diagnostics,
        first_stage=first,
        psd_fixed=psd_fixed,
    )


def anderson_rubin_test(
    y: object,
    X_exog: object,
    X_endog: object,
    Z: object,
    *,
    beta0: Sequence[float] | np.ndarray | None = None,
    vcov: VcovType = "unadjusted",
    clusters: object = None,
    absorbed_df: int = 0,
    absorbed_as: AbsorbedAs = "dofminus",
    partialled_df: int = 0,
) -> dict[str, float]:
    r"""Weak-instrument-robust Anderson-Rubin (1949) test of :math:`H_0:\beta_2=\beta_0`.

    Same inputs and conventions as :func:`fit_iv`; ``beta0`` defaults to zero (the test
    ivreg2 reports). Returns ``ar_f``, ``ar_p``, ``ar_chi2`` and ``ar_chi2_p``. Inverting
    it over a grid of ``beta0`` gives the AR confidence set.
    """
    inputs = build_design(
        y, X_exog, X_endog, Z, vcov=vcov, clusters=clusters, absorbed_df=absorbed_df,
        absorbed_as=absorbed_as, partialled_df=partialled_df,
    )
    d = inputs.design
    b0 = None
    if beta0 is not None:
        b0 = np.atleast_1d(np.asarray(beta0, dtype=float))
        if b0.shape != (d.k2,):
            raise SpecError(
                f"beta0 has {b0.size} value(s) but there are {d.k2} endogenous regressors "
                f"({', '.join(d.endog_names)}); pass one hypothesised value per regressor."
            )
    return anderson_rubin(d, b0)
