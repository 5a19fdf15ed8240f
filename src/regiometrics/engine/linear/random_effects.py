r"""Random effects: GLS with Swamy-Arora variance components, and its covariance conventions.

RE quasi-demeans every variable (the constant included),
:math:`z^*_{it} = z_{it} - \theta_i \bar z_{i\cdot}`,
:math:`\theta_i = 1 - \sqrt{\sigma_e^2 / (T_i \sigma_u^2 + \sigma_e^2)}`, and runs OLS of
:math:`y^*` on :math:`X^* = [x^*, 1 - \theta_i]`. The variance components
(:math:`\sigma_e^2` from the within regression, :math:`\sigma_u^2` from the between
regression) and the R² measures are :mod:`regiometrics.engine.linear.re_components`'s (the
formulas of linearmodels' ``RandomEffects``, equal to it to 1e-10); the covariance is the
engine's one sandwich
(:mod:`regiometrics.engine.linear.vcov`) on :math:`X^*` and the GLS residuals :math:`e^*`, with
:math:`K` = regressors + constant.

``vcov.correction`` picks one of three conventions; each gives different standard errors or
p-values, and the point estimates differ only on unbalanced panels (variance components):

========================  ===================  ==========================  ================
correction                cluster factor       robust / unadjusted         tests
========================  ===================  ==========================  ================
``fixest`` (default)      G/(G-1) (N-1)/(N-K)  HC1; :math:`e'e/(N-K)`      t, G-1 df
                                                                           (cluster), else
                                                                           N-K
``stata_xtreg``           G/(G-1) (N-1)/(N-K)  HC1; :math:`e'e/(N-K)`      z (normal)
``none``                  1 (CRV0)             HC0; :math:`e'e/N`          z (normal)
========================  ===================  ==========================  ================

* ``stata_xtreg`` is ``xtreg, re vce(cluster id)`` (and ``vce(conventional)``): z statistics
  with normal p-values, and Stata's default variance components, which on an unbalanced
  panel use :math:`\sigma_u^2 = SSR_b/(n - k_b) - \sigma_e^2/\bar T`, :math:`\bar T` the
  harmonic mean of the :math:`T_i`. Checked against the printed Stata 13 log of linearmodels
  (tests/engine/test_random_effects_conventions.py). Stata's ``vce(robust)`` after
  ``xtreg, re`` clusters on the panel variable: write ``type: cluster, by: entity``.
* ``fixest`` applies the project's linear-model convention to the GLS regression (what
  ``feols(y* ~ 0 + x* + c*, vcov = ~entity)`` gives on the quasi-demeaned data, ``c*`` the
  transformed constant), with the small-sample Swamy-Arora components of linearmodels'
  ``small_sample=True`` (the Baltagi-Chang 1994 form on unbalanced panels), equal to plm's
  ``random.method = "swar"`` on balanced panels (tests/engine/test_linear_reference.py).
* ``none`` is the large-sample form (linearmodels' ``debiased=False``): no finite-sample
  factor anywhere and normal tests; components as ``fixest``.

On balanced panels the two component estimators agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats as sps

from regiometrics.data.panel import Panel
from regiometrics.engine.linear import vcov as vc
from regiometrics.engine.linear.design import Design, build_design, sample_info
from regiometrics.engine.linear.fit import CONSTANT
from regiometrics.engine.linear.re_components import re_rsquared, swamy_arora
from regiometrics.errors import IdentificationError
from regiometrics.results import Result
from regiometrics.spec.model_kinds import ReSpec


def re_covariance(
    model: ReSpec, X: np.ndarray, resid: np.ndarray, design: Design
) -> tuple[vc.VcovResult, int | None]:
    """Covariance of the GLS coefficients and the df of their t-tests (``None``: z-tests).

    Parameters
    ----------
    X, resid
        The quasi-demeaned design :math:`X^*` (constant column included) and residuals.
    """
    n, k = X.shape
    correction = model.vcov.correction
    small = correction != "none"
    kind = model.vcov.type
    if kind == "unadjusted":
        cov = vc.unadjusted(X, resid, df_k=k if small else 0)
    elif kind == "robust":
        cov = vc.robust(X, resid, df_k=k, small=small)
    else:
        if len(design.clusters) != 1:
            raise IdentificationError(
                f"models.{model.id}.vcov.by: random effects support one cluster variable"
            )
        cov = vc.cluster(X, resid, design.clusters, df_k=k, small=small)
    if correction != "fixest":
        return cov, None
    return cov, (min(cov.n_clusters) - 1 if cov.n_clusters else n - k)


def fit_re(model: ReSpec, panel: Panel) -> Result:
    """Random-effects GLS of ``model`` on ``panel`` (conventions in the module docstring).

    Returns
    -------
    Result
        ``params`` in formula order with ``_cons`` last; ``stats`` holds ``theta`` (average),
        ``sigma2_eps``, ``sigma2_u``, ``r2`` (overall), ``r2_within``, ``r2_between``,
        ``r2_gls`` and ``n_clusters`` when clustered; ``df_resid`` is ``None`` for z-tests.
    """
    formula = model.parsed
    design = build_design(model, panel, formula)
    if design.time is None:
        raise IdentificationError(f"models.{model.id}: random effects need data.time")
    n_entities = int(design.entity.max()) + 1
    k_between = design.X.shape[1] + 1  # regressors and the constant of the between regression
    if n_entities <= k_between:
        raise IdentificationError(
            f"models.{model.id}: random effects cannot be estimated: the variance of the "
            f"effects comes from the between regression, which has no residual degrees of "
            f"freedom with {n_entities} entities and {k_between} parameters; use fewer "
            "regressors, more entities, or type: fe / ols"
        )
    X = np.column_stack([design.X, np.ones(design.nobs)])
    comp = swamy_arora(design.y, X, design.entity, n_entities,
                       small_sample=model.vcov.correction != "stata_xtreg",
                       where=f"models.{model.id}")
    theta_e = comp.theta
    theta = theta_e[design.entity]
    means = comp.means[design.entity]
    y_star = design.y - theta * means[:, 0]
    X_star = X - theta[:, None] * means[:, 1:]
    coef, *_ = np.linalg.lstsq(X_star, y_star, rcond=None)
    resid = y_star - X_star @ coef
    cov, df = re_covariance(model, X_star, resid, design)
    se = np.sqrt(np.diag(cov.matrix))
    stat = coef / se
    pvals = 2 * (sps.norm.sf(np.abs(stat)) if df is None else sps.t.sf(np.abs(stat), df))
    order = [*design.names, CONSTANT]
    stats = {
        **re_rsquared(design.y, X, design.entity, comp, coef, y_star, resid),
        "theta": float(theta_e.mean()),
        "sigma2_eps": comp.sigma2_e,
        "sigma2_u": comp.sigma2_u,
        "n_entities": float(n_entities),
        "n_periods": float(int(design.time.max()) + 1),
    }
    if cov.n_clusters:
        stats["n_clusters"] = float(min(cov.n_clusters))
    info: dict[str, Any] = {
        **sample_info(model, design),
        "effects": ["entity"],
        "random_effects": True,
        "variance_components": "stata" if model.vcov.correction == "stata_xtreg" else "swar",
        "theta_by_entity": theta_e.tolist() if not _is_balanced(design) else [],
    }
    return Result(
        model_id=model.id,
        type="re",
        dependent=design.dependent,
        nobs=design.nobs,
        params=dict(zip(order, coef.tolist())),
        std_errors=dict(zip(order, se.tolist())),
        pvalues=dict(zip(order, pvals.tolist())),
        stats=stats,
        df_resid=df,
        vcov=cov.matrix,
        info=info,
    )


def _is_balanced(design: Design) -> bool:
    """Whether every entity is observed in every period of the estimation sample."""
    n_e = int(design.entity.max()) + 1
    n_t = int(design.time.max()) + 1 if design.time is not None else 1
    return design.nobs == n_e * n_t
