"""Hausman tests of entity fixed effects against random effects.

Classic (Hausman 1978): with :math:`d = \\hat\\beta_{FE} - \\hat\\beta_{RE}` over the
time-varying regressors, :math:`H = d'(V_{FE} - V_{RE})^{-1} d \\sim \\chi^2_k`, both
covariances the classical ones (as R's ``plm::phtest``).

Auxiliary regression (Wooldridge 2010, 10.7.3; ``phtest(method = "aux")``): regress
the RE quasi-demeaned :math:`y^*` on :math:`[X^*, \\tilde X]` with :math:`\\tilde X`
the within-demeaned regressors, and Wald-test that the coefficients of
:math:`\\tilde X` are zero. With a cluster-robust covariance this form stays valid
under heteroskedasticity and serial correlation.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sps

from regiometrics.data.panel import Panel
from regiometrics.engine.linear import vcov as vc
from regiometrics.engine.linear.demean import demean
from regiometrics.engine.linear.design import build_design
from regiometrics.engine.linear.fit import CONSTANT, fit_linear
from regiometrics.engine.linear.random_effects import fit_re
from regiometrics.errors import IdentificationError
from regiometrics.spec.model_kinds import ReSpec
from regiometrics.spec.models import LinearModel


def hausman(model: LinearModel, panel: Panel, *, method: str = "classic") -> dict[str, float]:
    """Hausman statistic, degrees of freedom and p-value for ``model``'s formula.

    Returns
    -------
    dict
        ``hausman_chi2``, ``hausman_df``, ``hausman_p``.
    """
    fe_spec = model.replace(type="fe", effects=["entity"], vcov={"type": "unadjusted"})
    # RE with the model's variance components (stata_xtreg: xtreg's; else plm's swar)
    components = "stata_xtreg" if model.vcov.correction == "stata_xtreg" else "fixest"
    re_spec = model.replace(type="re", vcov={"type": "unadjusted", "correction": components})
    fe = fit_linear(fe_spec, panel)
    assert isinstance(re_spec, ReSpec)
    re = fit_re(re_spec, panel)
    if method == "classic":
        terms = [t for t in fe.params.index if t != CONSTANT]
        d = np.array([fe.params[t] - re.params[t] for t in terms])
        idx_fe = [list(fe.params.index).index(t) for t in terms]
        idx_re = [list(re.params.index).index(t) for t in terms]
        assert fe.vcov is not None and re.vcov is not None
        dv = fe.vcov[np.ix_(idx_fe, idx_fe)] - re.vcov[np.ix_(idx_re, idx_re)]
        stat = float(d @ np.linalg.solve(dv, d))
        k = len(terms)
    else:
        stat, k = _aux(model, panel, re.stats["theta"], re.info.get("theta_by_entity") or None)
    return {"hausman_chi2": stat, "hausman_df": float(k), "hausman_p": float(sps.chi2.sf(stat, k))}


def _aux(model: LinearModel, panel: Panel, theta: float, theta_i: list[float] | None) -> tuple[float, int]:
    design = build_design(model.replace(type="fe", effects=["entity"]), panel)
    n = design.nobs
    Z = np.column_stack([design.y, np.ones(n), design.X])
    means = Z - demean(Z, [design.entity])
    th = np.asarray(theta_i)[design.entity] if theta_i else np.full(n, theta)
    star = Z - th[:, None] * means
    within = demean(design.X, [design.entity])
    scale = np.maximum(np.linalg.norm(design.X, axis=0), 1e-300)
    fixed = [name for name, w, s in zip(design.names, np.linalg.norm(within, axis=0), scale)
             if w <= 1e-9 * s]
    if fixed:
        raise IdentificationError(
            f"models.{model.id}.hausman: {', '.join(repr(f) for f in fixed)} "
            f"{'is' if len(fixed) == 1 else 'are'} time-invariant (constant within every "
            "entity); the auxiliary Hausman test compares within (FE) and RE estimates and "
            "cannot include a regressor FE cannot estimate; drop it from the formula or use "
            "hausman: classic, which tests the time-varying regressors only"
        )
    X = np.column_stack([star[:, 1:], within])
    y = star[:, 0]
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    k = design.X.shape[1]
    if model.vcov.type == "cluster":
        V = vc.cluster(X, resid, [design.entity], df_k=X.shape[1]).matrix
    elif model.vcov.type == "robust":
        V = vc.robust(X, resid, df_k=X.shape[1]).matrix
    else:
        V = vc.unadjusted(X, resid, df_k=X.shape[1]).matrix
    sel = slice(X.shape[1] - k, X.shape[1])
    b = coef[sel]
    return float(b @ np.linalg.solve(V[sel, sel], b)), k
