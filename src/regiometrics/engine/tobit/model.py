"""The ``type: tobit`` model: pooled Tobit (Stata ``tobit``) and random-effects Tobit
(Stata ``xttobit, re``) on a panel, as a :class:`~regiometrics.results.Result`.

``random`` and ``effects`` choose the model:

* no ``random`` (the default): pooled Tobit; with ``effects: [time]`` period dummies;
* ``random: [entity]``: random-effects Tobit, :math:`u_i \\sim N(0, \\sigma_u^2)` integrated
  out by mean-variance adaptive Gauss-Hermite quadrature with ``quadrature`` points (nodes
  centred on each entity's posterior mean of :math:`u_i` and scaled by its posterior SD, as
  Stata's default ``intmethod(mvaghermite) intpoints(12)``); with ``effects: [time]`` plus
  period dummies.

There are no entity fixed effects (the spec refuses ``effects: [entity]``: incidental
parameters).

Period dummies (first period the base) are estimated but kept out of ``params``: their
estimates and standard errors are under ``info["time_dummies"]`` (named ``year=1987``), and
``info["effects"]`` lists ``["time"]`` so the table's time-FE row says YES and its entity-FE
row NO (the entity effect is random, ``info["random_entity_effects"]`` is True).

Covariance (``vcov``; like every model type the default is ``cluster`` by entity):
``unadjusted``: the inverse of the observed information (OIM; Stata's default).
``robust``: the sandwich :math:`\\frac{n}{n-1} H^{-1} (\\sum_i s_i s_i') H^{-1}` (pooled only; Stata ``vce(robust)``);
``cluster``: :math:`\\frac{G}{G-1} H^{-1} (\\sum_g s_g s_g') H^{-1}` with scores summed within
clusters (Stata ``tobit, vce(cluster id)``); under random effects the clusters must contain
whole entities (the scores are per entity). Inference is normal-based (``df_resid=None``).

Statistics: ``loglik``, ``sigma`` (pooled) or ``sigma_u``, ``sigma_e``, ``rho`` (random
effects) with ``<name>_se`` by the delta method, ``lr_sigma_u`` (likelihood-ratio test of
:math:`\\sigma_u = 0` against the pooled Tobit on the same sample and regressors) and
``lr_sigma_u_p`` (chi-bar-squared p-value: half the chi2(1) tail, 1 when the statistic is 0, as
``xttobit`` prints), ``n_left_censored``, ``n_right_censored``, ``n_uncensored``,
``n_entities``. When the random-effects maximum lies on the boundary :math:`\\sigma_u = 0`
(no entity heterogeneity), the pooled estimates are reported with ``sigma_u = 0``,
``rho = 0``, ``lr_sigma_u = 0``, ``lr_sigma_u_p = 1`` (their SEs NaN) and a note, as
``xttobit`` reports a chi-bar-squared of 0. A sample with no censored observation is estimated (the Tobit is then the
normal linear model by ML) with a :class:`TobitWarning`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats as sps

from regiometrics.data.panel import Panel
from regiometrics.engine.linear import vcov as vc
from regiometrics.engine.linear.design import Design, build_design, find_collinear
from regiometrics.engine.tobit.kernel import Censoring, TobitFit, fit_pooled_tobit, fit_re_tobit
from regiometrics.errors import DataError, IdentificationError, SpecError
from regiometrics.results import Result
from regiometrics.spec.tobit import TobitSpec

CONSTANT = "_cons"
BOUNDARY_NOTE = "sigma_u is estimated at its boundary 0: the random-effects Tobit is the pooled Tobit"


class TobitWarning(UserWarning):
    """A Tobit model was fitted on a sample where the Tobit adds nothing (no censoring)."""


def _time_dummies(design: Design, panel: Panel) -> tuple[np.ndarray, list[str]]:
    assert design.time is not None and panel.time is not None
    levels = np.sort(panel.frame.loc[design.rows, panel.time].unique())
    D = (design.time[:, None] == np.arange(1, len(levels))[None, :]).astype(float)
    return D, [f"{panel.time}={v}" for v in levels[1:]]


def _counts(model: TobitSpec, cens: Censoring, design: Design) -> dict[str, float]:
    n_left, n_right = int(cens.lc.sum()), int(cens.rc.sum())
    n_unc = int(cens.unc.sum())
    limits = f"left={model.left}, right={model.right}"
    if n_unc == 0:
        raise DataError(
            f"models.{model.id}: every one of the {design.nobs} observations of "
            f"{design.dependent!r} is censored ({n_left} at or below left, {n_right} at or "
            f"above right; {limits}); sigma is not identified. Check the limits against the "
            "range of the dependent variable"
        )
    if n_left + n_right == 0:
        warnings.warn(
            f"models.{model.id}: no observation of {design.dependent!r} is censored "
            f"({limits}); the Tobit is then the normal linear model fitted by ML: "
            "check the limits or use type 'ols'/'re'",
            TobitWarning,
            stacklevel=3,
        )
    return {"n_left_censored": float(n_left), "n_right_censored": float(n_right),
            "n_uncensored": float(n_unc)}


def _vcov(model: TobitSpec, fit: TobitFit, design: Design, random: bool) -> tuple[np.ndarray, str]:
    """Covariance of theta and the name of the method (``oim``, ``robust``, ``cluster``)."""
    try:
        bread = np.linalg.inv(-fit.hessian)
    except np.linalg.LinAlgError:
        raise IdentificationError(
            f"models.{model.id}: the Tobit information matrix is singular; drop collinear "
            "regressors"
        ) from None
    kind = model.vcov.type
    if kind == "unadjusted":
        return bread, "oim"
    if kind == "robust":
        n = fit.scores.shape[0]
        return n / (n - 1) * bread @ (fit.scores.T @ fit.scores) @ bread, "robust"
    codes = design.clusters[0]
    if random:  # scores are per entity: one cluster code per entity
        cluster_of = np.full(int(design.entity.max()) + 1, -1)
        cluster_of[design.entity] = codes
        codes = cluster_of
    G = int(codes.max()) + 1
    return G / (G - 1) * bread @ vc.cluster_meat(fit.scores, [codes]) @ bread, "cluster"


def _check_vcov(model: TobitSpec, design: Design, random: bool) -> None:
    """Refuse covariance options the model cannot honour (before any fitting)."""
    if model.vcov.type == "robust" and random:
        raise SpecError(
            f"models.{model.id}.vcov: random-effects Tobit takes vcov unadjusted (OIM) or "
            "cluster (by entity or a grouping of entities), not robust"
        )
    if model.vcov.type != "cluster":
        return
    if len(design.clusters) != 1:
        raise SpecError(f"models.{model.id}.vcov.by: Tobit models take one cluster variable")
    if random:  # the scores are per entity, so clusters must nest entities
        codes = design.clusters[0]
        cluster_of = np.full(int(design.entity.max()) + 1, -1)
        cluster_of[design.entity] = codes
        if not np.array_equal(cluster_of[design.entity], codes):
            raise SpecError(
                f"models.{model.id}.vcov.by: random-effects Tobit clusters must contain whole "
                f"entities; {design.cluster_names[0]!r} splits some entity"
            )


def fit_tobit(model: TobitSpec, panel: Panel) -> Result:
    """Pooled or random-effects Tobit of ``model`` on ``panel`` (see the module docstring).

    Raises
    ------
    DataError
        Every observation censored.
    IdentificationError
        Collinear regressors; random effects on a panel where no entity has two observations.
    ConvergenceError
        The likelihood maximisation failed (the message names the model and what to try).
    """
    design = build_design(model, panel)
    random = "entity" in model.random
    cens = Censoring.of(design.y, model.left, model.right)
    stats = _counts(model, cens, design)
    _check_vcov(model, design, random)
    n_ent = int(design.entity.max()) + 1
    if random and n_ent == design.nobs:
        raise IdentificationError(
            f"models.{model.id}: random-effects Tobit needs entities observed more than once; "
            f"all {n_ent} entities of the estimation sample have a single observation, so "
            "sigma_u and sigma_e are not separately identified. Remove 'random' (pooled Tobit)"
        )
    names = list(design.names)
    X = design.X
    dummy_names: list[str] = []
    if "time" in model.effects:
        D, dummy_names = _time_dummies(design, panel)
        X = np.column_stack([X, D])
    Z = np.column_stack([X, np.ones(design.nobs)])
    all_names = [*names, *dummy_names, CONSTANT]
    check_names = [CONSTANT, *names, *dummy_names]
    omitted = find_collinear(np.column_stack([np.ones(design.nobs), X]), check_names)
    if omitted:
        raise IdentificationError(
            f"models.{model.id}: Tobit regressors are collinear: "
            + "; ".join(f"{check_names[j]} ({why})" for j, why in omitted)
            + ". Remove them from the formula"
        )
    _check_separation(model, X, [*names, *dummy_names], cens)
    pooled = fit_pooled_tobit(design.y, Z, cens, name=model.id)
    k = Z.shape[1]
    if random:
        fit = fit_re_tobit(design.y, Z, design.entity, cens, points=model.quadrature,
                           start=pooled.theta, name=model.id)
    else:
        fit = pooled
    boundary = random and fit.boundary
    if boundary:  # sigma_u = 0: the pooled fit is the random-effects maximum
        fit = pooled
    V, method = _vcov(model, fit, design, random and not boundary)
    se_theta = np.sqrt(np.clip(np.diag(V), 0.0, None))
    beta, se_beta = fit.theta[:k], se_theta[:k]
    p_beta = 2.0 * sps.norm.sf(np.abs(beta / se_beta))
    stats["loglik"] = fit.loglik
    if boundary:
        stats.update({"sigma_u": 0.0, "sigma_u_se": np.nan, "sigma_e": float(np.exp(fit.theta[k])),
                      "sigma_e_se": float(np.exp(fit.theta[k]) * se_theta[k]), "rho": 0.0,
                      "rho_se": np.nan, "lr_sigma_u": 0.0, "lr_sigma_u_p": 1.0})
    elif random:
        stats.update(_variance_components(fit.theta[k:], V[k:, k:]))
        lr = max(2.0 * (fit.loglik - pooled.loglik), 0.0)
        stats["lr_sigma_u"] = lr
        stats["lr_sigma_u_p"] = float(0.5 * sps.chi2.sf(lr, 1)) if lr > 0 else 1.0
    else:
        stats["sigma"] = float(np.exp(fit.theta[k]))
        stats["sigma_se"] = stats["sigma"] * float(se_theta[k])
        stats["log_sigma"] = float(fit.theta[k])
        stats["log_sigma_se"] = float(se_theta[k])
    stats["n_entities"] = float(n_ent)
    if design.time is not None:
        stats["n_periods"] = float(int(design.time.max()) + 1)
    if method == "cluster":
        stats["n_clusters"] = float(int(design.clusters[0].max()) + 1)
    keep = [*range(len(names)), k - 1]  # slopes and constant; the dummies go to info
    shown = [all_names[j] for j in keep]
    dummies = {
        all_names[j]: {"estimate": float(beta[j]), "std_error": float(se_beta[j]),
                       "pvalue": float(p_beta[j])}
        for j in range(len(names), k - 1)
    }
    info = {
        "effects": ["time"] if "time" in model.effects else [],
        "random_entity_effects": random,
        "estimator": "random-effects Tobit (xttobit)" if random else "pooled Tobit (tobit)",
        "left": model.left,
        "right": model.right,
        "quadrature": f"Gauss-Hermite, mean-variance adaptive, {model.quadrature} points" if random else None,
        "vcov": method if method != "oim" else "unadjusted",
        "vcov_method": method,
        "cluster_by": design.cluster_names if method == "cluster" else [],
        "n_dropped_missing": design.n_dropped,
        "formula": model.formula,
        "label": model.column_label,
        "controls": list(model.controls),
        "time_dummies": dummies,
        "notes": [BOUNDARY_NOTE] if boundary else [],
    }
    return Result(
        model_id=model.id,
        type="tobit",
        dependent=design.dependent,
        nobs=design.nobs,
        params={t: float(beta[j]) for t, j in zip(shown, keep)},
        std_errors={t: float(se_beta[j]) for t, j in zip(shown, keep)},
        pvalues={t: float(p_beta[j]) for t, j in zip(shown, keep)},
        stats=stats,
        df_resid=None,
        vcov=V[np.ix_(keep, keep)],
        info=info,
    )


def _check_separation(
    model: TobitSpec, X: np.ndarray, names: list[str], cens: Censoring
) -> None:
    """Refuse a regressor that predicts censoring: constant (``c``) among the uncensored rows
    with ``x - c`` of one sign among the left-censored rows and of the other among the
    right-censored ones. Its coefficient then diverges (the likelihood rises without bound),
    as a dummy that is 1 only for censored observations does."""
    unc = cens.unc
    for j, name in enumerate(names):
        col = X[:, j]
        c = col[unc][0]
        if not np.all(col[unc] == c):
            continue
        dl, dr = col[cens.lc] - c, col[cens.rc] - c
        if (np.all(dl >= 0) and np.all(dr <= 0)) or (np.all(dl <= 0) and np.all(dr >= 0)):
            raise IdentificationError(
                f"models.{model.id}: {name!r} is constant ({c:g}) on the uncensored "
                "observations and differs only on censored ones in one direction, so it predicts "
                "censoring and its Tobit coefficient has no finite estimate; drop it or "
                "restrict the sample"
            )


def _variance_components(log_sig: np.ndarray, V: np.ndarray) -> dict[str, float]:
    """``sigma_u``, ``sigma_e``, ``rho`` and delta-method standard errors from
    ``(log sigma_u, log sigma_e)`` and their covariance ``V``.

    :math:`\\rho = \\sigma_u^2 / (\\sigma_u^2 + \\sigma_e^2)`, so
    :math:`\\partial\\rho/\\partial\\log\\sigma_u = 2\\rho(1-\\rho) = -\\partial\\rho/\\partial\\log\\sigma_e`.
    """
    su, se = float(np.exp(log_sig[0])), float(np.exp(log_sig[1]))
    rho = su**2 / (su**2 + se**2)
    grad = np.array([2 * rho * (1 - rho), -2 * rho * (1 - rho)])
    return {
        "sigma_u": su, "sigma_u_se": su * float(np.sqrt(max(V[0, 0], 0.0))),
        "sigma_e": se, "sigma_e_se": se * float(np.sqrt(max(V[1, 1], 0.0))),
        "rho": rho, "rho_se": float(np.sqrt(max(grad @ V @ grad, 0.0))),
    }


def tobit_frame(result: Result) -> pd.DataFrame:
    """The coefficient rows of a Tobit Result with its period dummies (term, estimate,
    std_error, pvalue), e.g. for inspecting what a table leaves out."""
    rows = [(t, result.params[t], result.std_errors[t], result.pvalues[t]) for t in result.params.index]
    rows += [(t, d["estimate"], d["std_error"], d["pvalue"])
             for t, d in result.info.get("time_dummies", {}).items()]
    return pd.DataFrame(rows, columns=["term", "estimate", "std_error", "pvalue"])
