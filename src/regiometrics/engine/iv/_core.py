"""Linear-algebra kernels shared by the IV estimators and diagnostics.

Everything here is a pure numpy function on arrays that have already been validated by
:func:`regiometrics.engine.iv.estimators.fit_iv`. The covariance conventions are those of
Stata's ``ivreg2`` (Baum, Schaffer and Stillman 2003, 2007) with the project's
fixest/reghdfe alternative; see :class:`DofSpec` for the exact factors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import linalg as sla

from regiometrics.engine.linear import vcov as vc

VcovType = Literal["unadjusted", "robust", "cluster"]
SmallSampleConvention = Literal["ivreg2", "fixest"]


def lstsq(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""Least-squares coefficients of ``b`` on ``a`` (``a`` of full column rank).

    Solves the normal equations of the column-scaled design by Cholesky, followed by one
    step of iterative refinement (the "corrected semi-normal equations"), which brings the
    accuracy to that of a QR solve for the well-conditioned designs of regression. It
    avoids LAPACK's QR, whose threaded tall-skinny path is very slow on shared cores.
    """
    if a.shape[1] == 0:
        return np.zeros((0,) + b.shape[1:])
    scale = np.sqrt(np.einsum("ij,ij->j", a, a))
    scale[scale == 0] = 1.0
    a_s = a / scale
    factor = sla.cho_factor(a_s.T @ a_s)
    coef = sla.cho_solve(factor, a_s.T @ b)
    coef = coef + sla.cho_solve(factor, a_s.T @ (b - a_s @ coef))
    return coef / (scale[:, None] if coef.ndim == 2 else scale)


def partial_out(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Residuals ``M_a b`` of the columns of ``b`` after least squares on ``a``."""
    if a.shape[1] == 0:
        return b.copy()
    return b - a @ lstsq(a, b)


def project(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Fitted values ``P_a b`` of the columns of ``b`` on ``a``."""
    return a @ lstsq(a, b)


def dependent_columns(a: np.ndarray, tol: float = 1e-7) -> list[int]:
    """Indices of columns of ``a`` that are (numerically) linear combinations of earlier ones.

    Columns are scanned left to right; a column is dependent when its residual on the
    independent columns kept so far has less than ``tol`` of its own length.
    """
    norms = np.sqrt(np.einsum("ij,ij->j", a, a))
    kept: list[int] = []
    dependent: list[int] = []
    for j in range(a.shape[1]):
        col = a[:, j]
        if norms[j] == 0:
            dependent.append(j)
            continue
        resid = col - project(a[:, kept], col) if kept else col
        if np.sqrt(resid @ resid) < tol * norms[j]:
            dependent.append(j)
        else:
            kept.append(j)
    return dependent


def canonical_correlations(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Canonical correlations of the columns of ``a`` and ``b`` (descending)."""
    ra = np.linalg.cholesky(a.T @ a)
    rb = np.linalg.cholesky(b.T @ b)
    cross = np.linalg.solve(rb, b.T @ a) @ np.linalg.inv(ra).T
    return np.linalg.svd(cross, compute_uv=False)


@dataclass(frozen=True)
class Clusters:
    """One- or two-way cluster codes (0-based integers) and their counts."""

    codes: tuple[np.ndarray, ...]
    counts: tuple[int, ...]

    @property
    def n_clusters(self) -> int:
        """Number of clusters used in small-sample factors (the minimum for two-way)."""
        return min(self.counts)


def make_clusters(raw: np.ndarray) -> Clusters:
    """Factorise cluster labels: ``raw`` is (n,) for one-way or (n, 2) for two-way.

    Labels may be numbers or strings; missing labels get code -1 (the caller rejects them).
    """
    cols = [raw] if raw.ndim == 1 else [raw[:, j] for j in range(raw.shape[1])]
    codes = []
    counts = []
    for col in cols:
        code, uniques = pd.factorize(pd.Series(col), use_na_sentinel=True)
        codes.append(code.astype(np.int64))
        counts.append(len(uniques))
    if len(cols) == 2:
        inter, uniques = pd.factorize(codes[0] * counts[1] + codes[1])
        codes.append(inter.astype(np.int64))
        counts.append(len(uniques))
    return Clusters(codes=tuple(codes), counts=tuple(counts))


def meat(h: np.ndarray, vcov: VcovType, clusters: Clusters | None) -> np.ndarray:
    r"""Outer-product sum of the scores ``h`` (n, p).

    ``robust``: :math:`\sum_i h_i h_i'`; ``cluster``: :math:`\sum_g h_g h_g'` with
    :math:`h_g=\sum_{i\in g} h_i`; two-way (Cameron, Gelbach and Miller 2011):
    :math:`S_1 + S_2 - S_{12}` with :math:`S_{12}` clustered on the intersection.
    ``unadjusted`` is not handled here (it has no score form).
    """
    if vcov == "robust":
        return h.T @ h
    assert clusters is not None
    if len(clusters.codes) == 1:
        return vc.cluster_meat(h, clusters.codes)
    return vc.cluster_meat(h, clusters.codes[:2], intersection=clusters.codes[2])


@dataclass(frozen=True)
class DofSpec:
    r"""Degrees-of-freedom bookkeeping and the covariance scale factors.

    ``dofminus`` is ivreg2's large-sample adjustment (xtivreg2 puts the number of panels
    there), ``sdofminus`` its small-sample-only adjustment (ivreghdfe's default for the
    absorbed fixed effects). ``nested`` counts absorbed parameters of fixed effects nested
    in the cluster variable, dropped from K by the fixest/reghdfe cluster correction.

    With raw covariance :math:`V_0` (:math:`\hat\sigma^2_{ML} (\hat X'\hat X)^{-1}` with
    :math:`\hat\sigma^2_{ML}=RSS/N`, or the HC0/CR0 sandwich), the reported covariance is
    :math:`c\,V_0` with

    ========================  ===========================  ==============================
    convention                unadjusted / robust          cluster (G clusters)
    ========================  ===========================  ==============================
    ivreg2 (default)          N/(N-d)                      1
    ivreg2 ``small``          N/(N-K-d-s)                  (N-1)/(N-K-s) * G/(G-1)
    fixest / reghdfe          N/(N-K_fe) / (N-1)/(N-K_fe)  G/(G-1) * (N-1)/(N-K_fe+n_nest)
    ========================  ===========================  ==============================

    where d = dofminus, s = sdofminus, K_fe = K + d + s (for fixest the unadjusted factor is
    N/(N-K_fe), i.e. :math:`\hat\sigma^2=RSS/(N-K_{fe})`, and the robust one (N-1)/(N-K_fe)).
    """

    n: int
    dofminus: int
    sdofminus: int
    nested: int
    n_clusters: int | None

    def vcov_factor(
        self, k: int, vcov: VcovType, small: bool, ssc: SmallSampleConvention
    ) -> float:
        """Scale applied to the raw covariance of a regression with ``k`` coefficients."""
        n, d, s, g = self.n, self.dofminus, self.sdofminus, self.n_clusters
        if not small:
            return 1.0 if vcov == "cluster" else n / (n - d)
        if ssc == "ivreg2":
            if vcov == "cluster":
                assert g is not None
                return (n - 1) / (n - k - s) * g / (g - 1)
            return n / (n - k - d - s)
        k_fe = k + d + s
        if vcov == "unadjusted":
            return n / (n - k_fe)
        if vcov == "robust":
            return (n - 1) / (n - k_fe)
        assert g is not None
        return g / (g - 1) * (n - 1) / (n - k_fe + self.nested)

    def df_resid(
        self, k: int, vcov: VcovType, small: bool, ssc: SmallSampleConvention
    ) -> int | None:
        """Residual degrees of freedom for t/F inference (``None`` = normal/chi2)."""
        if not small:
            return None
        if vcov == "cluster":
            assert self.n_clusters is not None
            return self.n_clusters - 1
        return self.n - k - self.dofminus - self.sdofminus

    def large_sample_factor(self, vcov: VcovType) -> float:
        """ivreg2's covariance factor without ``small``: N/(N-d), or 1 when clustered."""
        return 1.0 if vcov == "cluster" else self.n / (self.n - self.dofminus)

    def j_factor(self, vcov: VcovType) -> float:
        """Factor turning a sum-form :math:`g'S^{-1}g` into ivreg2's J: (N-d)/N, 1 clustered.

        ivreg2 divides the moment covariance by N-d (by N when clustered) and multiplies
        the quadratic form of the mean moments by N.
        """
        return 1.0 if vcov == "cluster" else (self.n - self.dofminus) / self.n

    def f_factor(self, n_instruments: int, vcov: VcovType) -> tuple[float, int]:
        """ivreg2's chi2-to-F factor for tests of excluded instruments, and the F denominator df.

        Non-cluster: (N-L-d-s)/(N-d) and N-L-d-s; cluster: (N-L-s)/(N-1)*(G-1)/G and G-1,
        with L the number of instruments (excluded plus included exogenous).
        """
        n, d, s, g = self.n, self.dofminus, self.sdofminus, self.n_clusters
        big_l = n_instruments
        if vcov == "cluster":
            assert g is not None
            return (n - big_l - s) / (n - 1) * (g - 1) / g, g - 1
        return (n - big_l - d - s) / (n - d), n - big_l - d - s


def raw_vcov(
    bread: np.ndarray,
    xs: np.ndarray,
    resid: np.ndarray,
    vcov: VcovType,
    clusters: Clusters | None,
) -> np.ndarray:
    r"""Raw (unscaled) covariance :math:`B^{-1} \Omega B^{-1}` of a linear estimator.

    ``bread`` is :math:`B^{-1}`, ``xs`` the "score regressors" (the projected regressors
    :math:`\hat X` for 2SLS, :math:`(I-\kappa M_Z)X` for k-class); the scores are
    ``xs * resid``. For ``unadjusted`` the result is :math:`(RSS/N)\,B^{-1}`.
    """
    if vcov == "unadjusted":
        return float(resid @ resid) / resid.shape[0] * bread
    omega = meat(xs * resid[:, None], vcov, clusters)
    out = bread @ omega @ bread
    return (out + out.T) / 2


def moment_cov(
    z: np.ndarray,
    resid: np.ndarray,
    vcov: VcovType,
    clusters: Clusters | None,
) -> np.ndarray:
    r"""Sum-form covariance of the moments :math:`Z'u`: :math:`(RSS/N) Z'Z` or the meat."""
    if vcov == "unadjusted":
        return float(resid @ resid) / resid.shape[0] * (z.T @ z)
    return meat(z * resid[:, None], vcov, clusters)


def gmm_fit(x: np.ndarray, z: np.ndarray, y: np.ndarray, s_raw: np.ndarray) -> np.ndarray:
    r"""Efficient GMM coefficients with weight :math:`S^{-1}`:
    :math:`(X'Z S^{-1} Z'X)^{-1} X'Z S^{-1} Z'y`."""
    w_zx = np.linalg.solve(s_raw, z.T @ x)
    w_zy = np.linalg.solve(s_raw, z.T @ y)
    zx = z.T @ x
    return np.linalg.solve(zx.T @ w_zx, zx.T @ w_zy)


def gmm_j(x: np.ndarray, z: np.ndarray, y: np.ndarray, s_raw: np.ndarray) -> float:
    r"""Sum-form J statistic :math:`g' S^{-1} g` at the efficient GMM estimate,
    :math:`g = Z'(y - X\tilde\beta)` (multiply by :meth:`DofSpec.j_factor` for ivreg2's J)."""
    beta = gmm_fit(x, z, y, s_raw) if x.shape[1] else np.zeros(0)
    g = z.T @ (y - x @ beta)
    return float(g @ np.linalg.solve(s_raw, g))


def wald_excluded(
    target: np.ndarray,
    zt: np.ndarray,
    vcov: VcovType,
    clusters: Clusters | None,
    dof: DofSpec,
) -> tuple[float, np.ndarray]:
    r"""Large-sample Wald statistic that all coefficients of ``zt`` are zero.

    ``target`` and ``zt`` must already have the included exogenous regressors partialled
    out (Frisch-Waugh-Lovell), so the coefficient, residuals and HC0/CR0 covariance equal
    those of the full regression. The covariance is ivreg2's non-``small`` one.
    Returns the statistic and the coefficients.
    """
    coef = lstsq(zt, target)
    resid = target - zt @ coef
    bread = np.linalg.inv(zt.T @ zt)
    v = raw_vcov(bread, zt, resid, vcov, clusters) * dof.large_sample_factor(vcov)
    return float(coef @ np.linalg.solve(v, coef)), coef


@dataclass(frozen=True)
class Design:
    """Validated arrays of one IV model plus the same arrays with ``x_exog`` partialled out.

    ``yt``, ``x2t`` and ``z1t`` are :math:`M_{X_1} y`, :math:`M_{X_1} X_2` and
    :math:`M_{X_1} Z_1` (Frisch-Waugh-Lovell), used by the rank, weak-instrument and
    first-stage statistics, exactly as ivreg2/ranktest partial out the included exogenous
    regressors.
    """

    y: np.ndarray
    x_endog: np.ndarray
    x_exog: np.ndarray
    z_excl: np.ndarray
    endog_names: tuple[str, ...]
    exog_names: tuple[str, ...]
    instrument_names: tuple[str, ...]
    vcov: VcovType
    clusters: Clusters | None
    dof: DofSpec
    small: bool
    ssc: SmallSampleConvention
    yt: np.ndarray
    x2t: np.ndarray
    z1t: np.ndarray

    @property
    def x(self) -> np.ndarray:
        """All regressors, endogenous first: :math:`X = [X_2, X_1]`."""
        return np.hstack([self.x_endog, self.x_exog])

    @property
    def z(self) -> np.ndarray:
        """All instruments, excluded first: :math:`Z = [Z_1, X_1]`."""
        return np.hstack([self.z_excl, self.x_exog])

    @property
    def n(self) -> int:
        """Number of observations."""
        return int(self.y.shape[0])

    @property
    def k2(self) -> int:
        """Number of endogenous regressors."""
        return int(self.x_endog.shape[1])

    @property
    def l1(self) -> int:
        """Number of excluded instruments."""
        return int(self.z_excl.shape[1])

    @property
    def n_instruments(self) -> int:
        """L: excluded plus included exogenous instruments (a constant counts)."""
        return int(self.z_excl.shape[1] + self.x_exog.shape[1])
