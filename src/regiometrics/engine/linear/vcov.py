"""The one sandwich: covariance estimators with named small-sample conventions.

Every estimator (OLS/FE, RE, IV, Tobit, subgroup tests, mediation paths, Hausman) builds its
covariance from the pieces here. For a linear model with (possibly within-transformed)
design :math:`X` (n x p), residuals :math:`e` and bread :math:`B = (X'X)^{-1}`:

* unadjusted: :math:`V = s^2 B`, :math:`s^2 = e'e / (n - K)`;
* robust (HC1): :math:`V = \\frac{n}{n-K} B \\left(\\sum_i x_i x_i' e_i^2\\right) B`;
* cluster (CRV1): :math:`V = c\\, B \\left(\\sum_g X_g' e_g e_g' X_g\\right) B`,
  :math:`c = \\frac{G}{G-1}\\frac{n-1}{n-K}`;
* two-way cluster (Cameron, Gelbach and Miller 2011): :math:`V_1 + V_2 - V_{12}` with
  :math:`V_{12}` clustered on the intersection; following fixest, every term uses
  :math:`G = \\min(G_1, G_2)`. :math:`V_1 + V_2 - V_{12}` need not be positive
  semi-definite; when a variance comes out negative, :func:`psd_fix` applies the eigenvalue
  fix of Cameron, Gelbach and Miller (2011, section 2.3) (fixest's trigger, reghdfe's
  treatment of a reported constant), and the result says so in a note.

The meat :math:`\\sum_g s_g s_g'` of any scores :math:`s_i` (linear, IV, likelihood) is
:func:`cluster_meat`. ``K`` is where the conventions (``vcov.correction``) differ, and the
one rule for it is :func:`cluster_df_k`:

* ``fixest`` (reghdfe, fixest): the regressors, the constant and the absorbed fixed effects
  *not nested* in a cluster variable (:func:`nested_absorbed`); t-tests on ``G - 1`` df;
* ``stata_xtreg`` (``xtreg, fe``): the coefficients only (regressors and constant);
* ``none``: no small-sample factor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from regiometrics.engine.linear.demean import group_sums
from regiometrics.errors import IdentificationError


@dataclass(frozen=True)
class VcovResult:
    """A covariance matrix and the facts a table note needs."""

    matrix: np.ndarray
    kind: str
    n_clusters: tuple[int, ...] = ()
    df_k: int = 0
    psd_fixed: bool = False

    @property
    def note(self) -> str | None:
        """The table note of a fixed two-way covariance (reghdfe's warning), or None."""
        return PSD_NOTE if self.psd_fixed else None


#: The note of a result whose two-way cluster covariance was fixed by :func:`psd_fix`.
PSD_NOTE = ("two-way cluster covariance had a negative variance (not positive semi-definite); "
            "negative eigenvalues set to zero (Cameron, Gelbach and Miller 2011)")


def psd_fix(matrix: np.ndarray, *, keep: int | None = None) -> tuple[np.ndarray, bool]:
    r"""Cameron, Gelbach and Miller's (2011, section 2.3) fix of a two-way cluster covariance.

    When a variance on the diagonal is negative (fixest's trigger, ``vcov``: a matrix whose
    variances are all non-negative is left as it is, so its standard errors stay fixest's),
    :math:`V = U \Lambda U'` (symmetric eigendecomposition) becomes
    :math:`U \max(\Lambda, 0) U'` (negative eigenvalues set to zero, as reghdfe's
    ``reghdfe_fix_psd``). With ``keep = k`` (a reported constant in the last row, reghdfe's
    ``report_constant``) the leading :math:`k \times k` block of the slopes is then replaced
    by its own fix: left as it was when its variances are non-negative, so slope standard
    errors equal fixest's (which reports no constant) and only the constant's row changes
    (the whole matrix need then not be exactly semi-definite, as in reghdfe).

    Returns
    -------
    matrix, fixed
        The (possibly fixed) matrix and whether a fix was applied.
    """
    sym = (matrix + matrix.T) / 2
    if sym.size == 0 or not bool((np.diag(sym) < 0).any()):
        return matrix, False
    lam, vec = np.linalg.eigh(sym)
    out = (vec * np.maximum(lam, 0.0)) @ vec.T
    if keep is not None and 0 < keep < sym.shape[0]:
        out[:keep, :keep] = psd_fix(sym[:keep, :keep])[0]
    return (out + out.T) / 2, True


def nested_in_cluster(fe: np.ndarray, cluster: np.ndarray) -> bool:
    """True when every level of ``fe`` (non-negative integer codes) lies within one cluster.

    O(n): map each level to the cluster of its last row and compare with every row.
    """
    if fe is cluster or np.array_equal(fe, cluster):
        return True
    cluster_of = np.empty(int(fe.max()) + 1, dtype=np.asarray(cluster).dtype)
    cluster_of[fe] = cluster
    return bool(np.array_equal(cluster_of[fe], cluster))


def nested_absorbed(
    fe_codes: Sequence[np.ndarray],
    clusters: Sequence[np.ndarray],
    *,
    kept: int = 1,
    counts: Sequence[int] | None = None,
) -> int:
    """Absorbed parameters of the fixed effects nested in some cluster variable.

    An effect with :math:`G_f` levels absorbs :math:`G_f - \\text{kept}` parameters beyond
    those counted elsewhere (``kept = 1``: the constant; ``kept = n_groups`` for effects
    interacted with ``n_groups`` group intercepts), or ``counts[f]`` when the caller has
    counted redundant levels (connected components, :func:`regiometrics.engine.linear.absorb.
    absorbed_counts` without slopes). These are the parameters the ``fixest`` correction leaves
    out of ``K``: the intercepts of a nested effect; its group-specific slopes
    (``entity[time]``) stay in ``K``, as fixest (``fixef.K = "nested"``) and reghdfe count.
    """
    total = 0
    for f, codes in enumerate(fe_codes):
        if any(nested_in_cluster(codes, cl) for cl in clusters):
            total += int(codes.max()) + 1 - kept if counts is None else counts[f]
    return total


def cluster_df_k(
    correction: str,
    *,
    k_full: int,
    n_coef: int,
    fe_codes: Sequence[np.ndarray],
    clusters: Sequence[np.ndarray],
    kept: int = 1,
    counts: Sequence[int] | None = None,
) -> int:
    """The ``K`` of :math:`(n-1)/(n-K)` under clustering, by convention.

    Parameters
    ----------
    correction
        ``fixest``: ``k_full`` minus :func:`nested_absorbed`; ``stata_xtreg``: ``n_coef``;
        ``none``: ``k_full`` (no factor is applied anyway).
    k_full
        Coefficients plus all absorbed parameters.
    n_coef
        The estimated coefficients (regressors and constant or group intercepts).
    """
    if correction == "fixest":
        return k_full - nested_absorbed(fe_codes, clusters, kept=kept, counts=counts)
    if correction == "stata_xtreg":
        return n_coef
    return k_full


def cluster_meat(
    scores: np.ndarray,
    clusters: Sequence[np.ndarray],
    *,
    intersection: np.ndarray | None = None,
) -> np.ndarray:
    """:math:`\\sum_g s_g s_g'` with :math:`s_g` the scores summed within cluster ``g``.

    Two cluster variables: :math:`S_1 + S_2 - S_{12}` (Cameron, Gelbach and Miller), with
    :math:`S_{12}` on the intersection (computed unless given as codes).
    """
    if len(clusters) == 1:
        return _one_meat(scores, clusters[0])
    if len(clusters) != 2:
        raise ValueError("one or two cluster dimensions are supported")
    a, b = clusters
    if intersection is None:
        intersection = np.unique(a * (int(b.max()) + 1) + b, return_inverse=True)[1]
    return _one_meat(scores, a) + _one_meat(scores, b) - _one_meat(scores, intersection)


def _one_meat(scores: np.ndarray, codes: np.ndarray) -> np.ndarray:
    sums = group_sums(scores, codes, int(codes.max()) + 1)
    return sums.T @ sums


def sandwich(bread: np.ndarray, meat: np.ndarray, factor: float = 1.0) -> np.ndarray:
    """:math:`c\\, B M B`, made exactly symmetric."""
    out = factor * (bread @ meat @ bread)
    return (out + out.T) / 2


def cluster_factor(n: int, df_k: int, n_clusters: int, *, small: bool = True) -> float:
    """CRV1 factor :math:`G/(G-1)\\cdot(n-1)/(n-K)`, or 1 without small-sample correction."""
    g = n_clusters
    return (g / (g - 1)) * ((n - 1) / (n - df_k)) if small else 1.0


def _bread(X: np.ndarray, bread: np.ndarray | None) -> np.ndarray:
    return np.linalg.inv(X.T @ X) if bread is None else bread


def unadjusted(
    X: np.ndarray, resid: np.ndarray, *, df_k: int, bread: np.ndarray | None = None
) -> VcovResult:
    """Classical :math:`s^2 (X'X)^{-1}` with :math:`s^2 = e'e/(n-K)`."""
    n = X.shape[0]
    s2 = float(resid @ resid) / (n - df_k)
    return VcovResult(s2 * _bread(X, bread), "unadjusted", df_k=df_k)


def robust(
    X: np.ndarray,
    resid: np.ndarray,
    *,
    df_k: int,
    small: bool = True,
    bread: np.ndarray | None = None,
) -> VcovResult:
    """Heteroskedasticity-robust HC1 (HC0 when ``small`` is false)."""
    n = X.shape[0]
    b = _bread(X, bread)
    scores = X * resid[:, None]
    factor = n / (n - df_k) if small else 1.0
    return VcovResult(factor * b @ (scores.T @ scores) @ b, "robust", df_k=df_k)


def cluster(
    X: np.ndarray,
    resid: np.ndarray,
    clusters: list[np.ndarray],
    *,
    df_k: int,
    small: bool = True,
    bread: np.ndarray | None = None,
    keep: int | None = None,
) -> VcovResult:
    """One- or two-way cluster-robust covariance (CRV1).

    Parameters
    ----------
    clusters
        One or two integer code arrays.
    df_k
        The K of :math:`(n-1)/(n-K)` (see :func:`cluster_df_k`).
    small
        Apply :math:`G/(G-1)\\cdot(n-1)/(n-K)`; otherwise no correction.
    bread
        :math:`(X'X)^{-1}` when the caller has it already.
    keep
        Columns before a reported constant (the last column), for :func:`psd_fix` of a
        two-way covariance; None when the design has no such constant.
    """
    n = X.shape[0]
    b = _bread(X, bread)
    sizes = tuple(int(c.max()) + 1 for c in clusters)
    g = min(sizes)
    if g < 2:
        raise IdentificationError(
            "cluster-robust standard errors need at least 2 clusters; the estimation sample "
            "has 1; use vcov: robust, or cluster by another column"
        )
    meat = cluster_meat(X * resid[:, None], clusters)
    factor = cluster_factor(n, df_k, min(sizes), small=small)
    matrix, fixed = factor * b @ meat @ b, False
    if len(clusters) == 2:
        matrix, fixed = psd_fix(matrix, keep=keep)
    return VcovResult(matrix, "cluster", n_clusters=sizes, df_k=df_k, psd_fixed=fixed)
