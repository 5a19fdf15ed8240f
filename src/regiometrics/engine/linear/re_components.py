r"""Swamy-Arora variance components of the random-effects model, and its R² measures.

With :math:`G` entities, :math:`T_i` observations of entity :math:`i`, :math:`n = \sum T_i`
and :math:`X` the regressors *with* the constant:

* **Within regression** (entity means removed, the grand means added back):
  :math:`\hat\sigma_e^2 = \tilde e'\tilde e / (n - G - r_w)`, :math:`r_w` the rank of the
  regressors that vary within entities (measured on the columns scaled by their norms before
  the means are removed, so a time-invariant regressor does not count).
* **Between regression** of the entity means :math:`\bar y_i` on :math:`\bar x_i`, residuals
  :math:`u`, rank :math:`r_b`, :math:`df_b = G - r_b`.
* **Effects variance**, two forms:

  - Stata's ``xtreg, re`` default (and every form on a balanced panel):
    :math:`\hat\sigma_u^2 = \max(0, u'u/df_b - \hat\sigma_e^2/\bar T)`, :math:`\bar T` the
    harmonic mean of the :math:`T_i`;
  - ``small_sample`` on an unbalanced panel (Baltagi and Chang 1994; plm's ``swar``, Stata's
    ``xtreg, re sa``): the between regression weights entity :math:`i` by :math:`T_i`
    (residuals :math:`u^T`), and
    :math:`\hat\sigma_u^2 = \max\bigl(0, (\sum_i T_i (u^T_i)^2 - df_b\,\hat\sigma_e^2)
    / (n - \operatorname{tr}[(\bar X'\bar X)^{+} S'S])\bigr)`, with :math:`\bar X` the entity
    means repeated on every row and :math:`S` the entity sums (a pseudo-inverse: means can be
    collinear).

* :math:`\theta_i = 1 - \sqrt{\hat\sigma_e^2 / (T_i \hat\sigma_u^2 + \hat\sigma_e^2)}`.

These are the formulas of linearmodels' ``RandomEffects`` (7.1, unweighted), whose numbers
the tests compare with to 1e-10 (tests/engine/test_random_effects_components.py); every
least-squares solve is LAPACK's ``gelsy`` with ``cond = max(shape) * eps``, as there, so
that ranks are decided alike.

R² measures of the GLS coefficients :math:`b` (constant included), each
:math:`1 - SSR/TSS`, and NaN when TSS is rounding error
(:math:`TSS \le (\max(m, 100)\,\epsilon)^2 \sum y^2` over its :math:`m` terms):

* ``overall``: :math:`y - Xb` on the raw data, TSS about the mean of :math:`y`;
* ``within``: entity-demeaned :math:`\tilde y - \tilde X b`, TSS :math:`\tilde y'\tilde y`;
* ``between``: :math:`\bar y - \bar X b` on the entity means, TSS about their mean;
* ``gls``: the GLS regression itself, :math:`y^* - X^* b`, TSS about the mean of :math:`y^*`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import lstsq as _sp_lstsq

from regiometrics.engine.linear.demean import group_means, group_sums
from regiometrics.errors import IdentificationError

_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class Components:
    """Variance components and the quasi-demeaning weights of a random-effects model.

    Attributes
    ----------
    sigma2_e, sigma2_u
        Idiosyncratic and effects variances.
    theta
        :math:`\\theta_i` per entity code 0..G-1.
    means
        Entity means of ``[y, X]`` (G, 1 + k), reused for the quasi-demeaning.
    """

    sigma2_e: float
    sigma2_u: float
    theta: np.ndarray
    means: np.ndarray


def _lstsq(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, int]:
    """Least squares by ``gelsy`` with ``cond = max(shape) * eps``: coefficients and rank."""
    if x.shape[1] == 0:
        return np.zeros(0), 0
    coef, _, rank, _ = _sp_lstsq(x, y, cond=max(x.shape) * _EPS, lapack_driver="gelsy")
    return coef, int(rank)


def swamy_arora(
    y: np.ndarray, X: np.ndarray, entity: np.ndarray, n_entities: int, *,
    small_sample: bool, where: str,
) -> Components:
    """Variance components of ``y`` on ``X`` (constant column included), module docstring.

    Parameters
    ----------
    entity
        Codes 0..G-1, every code present.
    small_sample
        Baltagi-Chang on unbalanced panels (``False``: Stata's ``xtreg, re`` default).
    where
        Key path for errors (``models.ID``).

    Raises
    ------
    IdentificationError
        When the within or the between regression has no residual degrees of freedom.
    """
    n = y.shape[0]
    counts = np.bincount(entity, minlength=n_entities).astype(float)
    Z = np.column_stack([y, X])
    means = group_means(Z, entity, n_entities)
    within = Z - means[entity]
    scale = np.sqrt((X**2).sum(0))
    scale[scale == 0.0] = 1.0
    _, rank_within = _lstsq(within[:, 1:] / scale, within[:, 0])
    grand = Z.mean(0)
    yw, Xw = within[:, 0] + grand[0], within[:, 1:] + grand[1:]
    coef_w, _ = _lstsq(Xw, yw)
    e = yw - Xw @ coef_w
    ybar, Xbar = means[:, 0], means[:, 1:]
    coef_b, rank_between = _lstsq(Xbar, ybar)
    u = ybar - Xbar @ coef_b
    df_within = n - n_entities - rank_within
    df_between = n_entities - rank_between
    if df_within <= 0:
        raise IdentificationError(
            f"{where}: random effects cannot be estimated: the within regression has no "
            f"residual degrees of freedom ({n} observations of {n_entities} entities, "
            f"{rank_within} regressors varying within entities); use type: ols or more periods"
        )
    if df_between <= 0:
        raise IdentificationError(
            f"{where}: random effects cannot be estimated: the between regression has no "
            f"residual degrees of freedom ({n_entities} entities, entity means of rank "
            f"{rank_between}); use fewer regressors, more entities, or type: fe / ols"
        )
    sigma2_e = float(e @ e) / df_within
    if small_sample and np.ptp(counts) != 0:
        root = np.sqrt(counts)
        coef_t, _ = _lstsq(root[:, None] * Xbar, root * ybar)
        u_t = ybar - Xbar @ coef_t
        ssr = float((counts * u_t) @ u_t)
        row_means = Xbar[entity]
        sums = group_sums(X, entity, n_entities)
        trace = float(np.trace(np.linalg.pinv(row_means.T @ row_means, hermitian=True)
                               @ (sums.T @ sums)))
        sigma2_u = max(0.0, (ssr - df_between * sigma2_e) / (n - trace))
    else:
        t_bar = n_entities / float((1.0 / counts).sum())
        sigma2_u = max(0.0, float(u @ u) / df_between - sigma2_e / t_bar)
    theta = 1.0 - np.sqrt(sigma2_e / (counts * sigma2_u + sigma2_e))
    return Components(sigma2_e=sigma2_e, sigma2_u=sigma2_u, theta=theta, means=means)


def _r2(resid: np.ndarray, centred: np.ndarray, y_ss: float) -> float:
    """``1 - SSR/TSS``; NaN when TSS is rounding error relative to ``y_ss``."""
    tss = float(centred @ centred)
    if tss <= (max(centred.shape[0], 100) * _EPS) ** 2 * y_ss:
        return float("nan")
    return float(1.0 - float(resid @ resid) / tss)


def re_rsquared(
    y: np.ndarray, X: np.ndarray, entity: np.ndarray, comp: Components, coef: np.ndarray,
    y_star: np.ndarray, resid_star: np.ndarray,
) -> dict[str, float]:
    """``r2`` (overall), ``r2_within``, ``r2_between`` and ``r2_gls`` (module docstring).

    ``X`` and ``coef`` include the constant; ``y_star``, ``resid_star`` are the GLS
    regression's dependent variable and residuals.
    """
    y_ss = float(y @ y)
    ybar, Xbar = comp.means[:, 0], comp.means[:, 1:]
    y_within = y - ybar[entity]
    X_within = X - Xbar[entity]
    out = {
        "r2": _r2(y - X @ coef, y - y.mean(), y_ss),
        "r2_within": _r2(y_within - X_within @ coef, y_within, y_ss),
        "r2_between": _r2(ybar - Xbar @ coef, ybar - ybar.mean(), float(ybar @ ybar)),
        "r2_gls": _r2(resid_star, y_star - y_star.mean(), y_ss),
    }
    if X.shape[1] == 1:  # a constant alone explains nothing
        out.update({k: v if np.isnan(v) else 0.0 for k, v in out.items() if k != "r2_gls"})
    return out
