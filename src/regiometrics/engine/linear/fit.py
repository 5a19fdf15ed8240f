"""Pooled OLS and fixed-effects (within) estimators.

Fixed effects are swept out (see :mod:`regiometrics.engine.linear.demean`) and OLS is run
on the transformed data. The constant is reported as Stata's ``xtreg, fe`` and
``reghdfe`` do: the slopes come from the within regression and the constant from
re-adding the sample means, :math:`\\hat\\alpha = \\bar y - \\bar x'\\hat\\beta`, i.e. the
intercept when the fixed effects are normalised to average zero. Its standard error
comes from the same sandwich on the augmented design :math:`[\\tilde X + \\bar x, 1]`.

Degrees of freedom: :math:`K = k + 1 + \\sum_f (G_f - M_f)` (regressors, constant,
absorbed effects less their redundant levels :math:`M_f`: reghdfe's rules, exact for the
first two effects via connected components, one per effect beyond; see
:mod:`regiometrics.engine.linear.absorb`).

Analytic weights (``aweights``, normalised to sum to :math:`n` as Stata does): the effects
are swept out with weighted means and OLS runs on rows scaled by :math:`\\sqrt{w_i}`, so
every sandwich below is the weighted one, :math:`(X'WX)^{-1} (\\sum_g X_g'W e_g e_g'W X_g)
(X'WX)^{-1}`, with :math:`n` the number of rows in the small-sample factors (fixest, Stata).
R-squared and RSS are weighted. Under clustering with
the ``fixest`` correction the effects nested in the cluster variable are not
counted, and t-tests use :math:`G - 1` degrees of freedom (reghdfe, fixest).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats as sps

from regiometrics.data.panel import Panel
from regiometrics.engine.linear import vcov as vc
from regiometrics.engine.linear.absorb import absorbed_counts
from regiometrics.engine.linear.demean import demean
from regiometrics.engine.linear.design import Design, build_design, find_collinear, sample_info
from regiometrics.errors import IdentificationError
from regiometrics.results import Result
from regiometrics.spec.models import LinearModel

CONSTANT = "_cons"


class OmittedVariableWarning(UserWarning):
    """A regressor was omitted for collinearity or lack of variation (as Stata notes)."""


def least_squares(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    r"""OLS coefficients, residuals and (when computed) the bread :math:`(X'X)^{-1}`.

    Well-conditioned designs (the Cholesky factor :math:`L` of the unit-diagonal Gram
    matrix :math:`D^{-1}X'XD^{-1}` has every :math:`L_{jj} > 10^{-2}`, i.e. no column is
    within about 0.01 of the span of those before it) are solved from the normal
    equations with one step of iterative refinement, :math:`b \leftarrow b +
    (X'X)^{-1}X'(y - Xb)`: one pass over the data instead of an SVD. Any other design goes
    to :func:`numpy.linalg.lstsq` (the bread is then ``None``: the sandwich inverts
    :math:`X'X` itself).
    """
    gram = X.T @ X
    d = np.sqrt(np.diag(gram))
    if np.all(d > 0) and np.all(np.isfinite(gram)):
        scaled = gram / np.outer(d, d)
        try:
            chol = np.linalg.cholesky(scaled)
        except np.linalg.LinAlgError:
            chol = None
        if chol is not None and float(np.diag(chol).min()) > 1e-2:
            inv_scaled = np.linalg.inv(scaled)
            coef = inv_scaled @ ((X.T @ y) / d) / d
            resid = y - X @ coef
            coef = coef + inv_scaled @ ((X.T @ resid) / d) / d
            resid = y - X @ coef
            return coef, resid, inv_scaled / np.outer(d, d)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    return coef, y - X @ coef, None


def _fe_codes(model: LinearModel, design: Design) -> list[np.ndarray]:
    return list(design.fe_codes.values())


def _vcov(
    model: LinearModel,
    X: np.ndarray,
    resid: np.ndarray,
    design: Design,
    fe_codes: list[np.ndarray],
    k_full: int,
    bread: np.ndarray | None = None,
    counts: list[int] | None = None,
) -> tuple[vc.VcovResult, int]:
    """Covariance under the model's vcov spec, and the df for t-based p-values."""
    n = X.shape[0]
    spec = model.vcov
    if spec.type == "unadjusted":
        return vc.unadjusted(X, resid, df_k=k_full, bread=bread), n - k_full
    if spec.type == "robust":
        return (vc.robust(X, resid, df_k=k_full, small=spec.correction != "none", bread=bread),
                n - k_full)
    k_cluster = vc.cluster_df_k(spec.correction, k_full=k_full, n_coef=X.shape[1],
                                fe_codes=fe_codes, clusters=design.clusters,
                                counts=counts)
    result = vc.cluster(
        X, resid, design.clusters, df_k=k_cluster, small=spec.correction != "none", bread=bread,
        keep=X.shape[1] - 1,  # the constant is the last column
    )
    return result, min(result.n_clusters) - 1


def _omit(X: np.ndarray, names: list[str], omitted: list[tuple[int, str]], model_id: str):
    notes = []
    for j, why in omitted:
        notes.append(f"{names[j]} omitted: {why}")
        warnings.warn(f"models.{model_id}: {names[j]} omitted: {why}", OmittedVariableWarning,
                      stacklevel=3)
    keep = [j for j in range(X.shape[1]) if j not in {j for j, _ in omitted}]
    return keep, notes


def fit_linear(model: LinearModel, panel: Panel) -> Result:
    """Pooled OLS (``type: ols``) or within FE (``type: fe``) on a panel.

    Parameters
    ----------
    model
        The model spec: formula, effects, vcov.
    panel
        The (filtered) panel.

    Returns
    -------
    Result
        ``params`` in formula order with ``_cons`` last; ``stats`` holds ``r2``, ``adj_r2``,
        ``r2_within``, ``adj_r2_within`` (FE), ``rss``, ``tss``, ``df_k``, ``n_clusters``.
    """
    formula = model.parsed
    if model.type == "ols" and not formula.intercept:
        raise IdentificationError(
            f"models.{model.id}: a pooled OLS model without intercept is not supported; "
            "remove '0' / '-1' from the formula")
    design = build_design(model, panel, formula)
    n = design.nobs
    fe_codes = _fe_codes(model, design)
    w = design.weights
    if fe_codes:
        Z = demean(np.column_stack([design.y, design.X]), fe_codes, overwrite=w is None,
                   weights=w, slopes=design.slope_list)
        y_t, X_t = Z[:, 0], Z[:, 1:]
        omitted = find_collinear(X_t, design.names, reference=design.X)
    else:
        y_t, X_t = design.y, design.X
        with_const = np.column_stack([np.ones(n), design.X])
        omitted = [(j - 1, why) for j, why in find_collinear(with_const, [CONSTANT, *design.names])
                   if j > 0]
    scale = max(float(np.abs(design.y).max()), 1.0)
    if float(np.ptp(y_t)) <= 1e-12 * scale:
        within = " within the fixed effects" if fe_codes else " in the estimation sample"
        raise IdentificationError(
            f"models.{model.id}: the dependent variable {design.dependent!r} does not vary"
            f"{within}; there is nothing to explain"
        )
    keep, notes = _omit(design.X, design.names, omitted, model.id)
    names = [design.names[j] for j in keep]
    if len(keep) < X_t.shape[1]:
        X_t = X_t[:, keep]
    x_mean = np.average(design.X, axis=0, weights=w)[keep]
    y_mean = float(np.average(design.y, weights=w))
    counts = absorbed_counts(fe_codes, design.slope_list)
    absorbed = sum(counts)
    k_full = len(names) + 1 + absorbed
    if n <= k_full:
        raise IdentificationError(
            f"models.{model.id}: {n} observations for {k_full} parameters (incl. absorbed effects)"
        )
    if fe_codes:
        # Augmented design [X~ + xbar, 1] on y~ + ybar: the within slopes and Stata's constant.
        X_aug = np.empty((n, len(keep) + 1))
        X_aug[:, :-1] = X_t
        X_aug[:, :-1] += x_mean
        X_aug[:, -1] = 1.0
        y_aug = y_t + y_mean
    else:
        X_aug = np.column_stack([X_t, np.ones(n)])
        y_aug = design.y
    if w is not None:  # WLS as OLS on rows scaled by sqrt(w); residuals come back scaled
        root = np.sqrt(w)
        X_aug *= root[:, None]
        y_aug = y_aug * root
    coef, resid, bread = least_squares(X_aug, y_aug)
    # effects nested in a cluster leave K with their intercepts only; their group-specific
    # slopes stay counted (fixest's fixef.K = "nested", reghdfe)
    cov, df_t = _vcov(model, X_aug, resid, design, fe_codes, k_full, bread,
                      absorbed_counts(fe_codes))
    se = np.sqrt(np.diag(cov.matrix))
    tstat = coef / se
    pvals = 2 * sps.t.sf(np.abs(tstat), df_t)
    terms = [*names, CONSTANT]
    rss = float(resid @ resid)
    wts = np.ones(n) if w is None else w
    tss = float((wts * (design.y - y_mean) ** 2).sum())
    r2 = 1 - rss / tss
    stats = {
        "r2": r2,
        "adj_r2": 1 - (1 - r2) * (n - 1) / (n - k_full),
        "rss": rss,
        "tss": tss,
        "df_k": float(k_full),
        "df_resid": float(n - k_full),
        "n_entities": float(int(design.entity.max()) + 1),
    }
    if design.time is not None:
        stats["n_periods"] = float(int(design.time.max()) + 1)
    if fe_codes:
        tss_w = float((wts * (y_t - np.average(y_t, weights=wts)) ** 2).sum())
        r2_w = 1 - rss / tss_w
        stats["r2_within"] = r2_w
        stats["adj_r2_within"] = 1 - (1 - r2_w) * (n - 1 - absorbed) / (n - k_full)
    if cov.n_clusters:
        stats["n_clusters"] = float(min(cov.n_clusters))
    if cov.note:
        notes.append(cov.note)
    info = {
        **sample_info(model, design),
        "omitted": [design.names[j] for j, _ in omitted],
        "notes": notes,
    }
    return Result(
        model_id=model.id,
        type=model.type,
        dependent=design.dependent,
        nobs=n,
        params=dict(zip(terms, coef.tolist())),
        std_errors=dict(zip(terms, se.tolist())),
        pvalues=dict(zip(terms, pvals.tolist())),
        stats=stats,
        df_resid=df_t,
        vcov=cov.matrix,
        info=info,
    )
