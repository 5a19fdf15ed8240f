r"""The ``type: mediation`` model: Baron-Kenny equations as full Results, plus a bootstrap.

For treatment :math:`D`, mediators :math:`M_j`, outcome :math:`Y` and controls :math:`W`,
all under the model's absorbed effects (entity and time fixed effects written below; any
``effects`` an FE model takes: ``industry^time``, further columns, trends ``entity[time]``),
on one common estimation sample (rows complete in every variable of every equation and in
the effect columns):

.. math::

    Y   &= c\,D + W\gamma + \mu_i + \delta_t + e            &\text{(total effect)}\\
    M_j &= a_j D + W\gamma_j + \mu_i + \delta_t + u_j        &\text{(mediator equation)}\\
    Y   &= c'_j D + b_j M_j + W\theta_j + \mu_i + \delta_t + v_j &\text{(outcome equation)}

(``mode: joint`` puts all mediators in one outcome equation). Each equation is fitted by
:func:`~regiometrics.engine.linear.fit.fit_linear` with the model's ``vcov`` and becomes a
component Result. The indirect effect :math:`a_j b_j`, the direct effect :math:`c'_j`, the
total :math:`c` and the proportion mediated :math:`a_j b_j / c` come with the Sobel test
(standard errors from the components' vcov) and bootstrap intervals of :math:`a_j b_j`
from :func:`~regiometrics.engine.mechanisms.mediation_kernel.mediation_fe` (whole entities resampled
by default; percentile and bias-corrected intervals, both kept). Each draw absorbs the same
effects on the resampled panel (a drawn copy of an entity counting as a new entity).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as sps

from regiometrics.data.panel import Panel
from regiometrics.engine.linear.absorb import (
    absorbed_codes,
    absorbed_slopes,
    effect_columns,
    group_codes,
    model_effects,
    slope_columns,
)
from regiometrics.engine.linear.design import cluster_columns, singleton_rows
from regiometrics.engine.linear.fit import fit_linear
from regiometrics.engine.mechanisms.mediation_kernel import IndirectEffect, mediation_fe
from regiometrics.errors import DataError, SpecError
from regiometrics.results import EffectEstimate, Result
from regiometrics.spec.effects import parse_effect
from regiometrics.spec.formula import parse_variable
from regiometrics.spec.model_kinds import FeSpec, MediationSpec


def _common_sample(model: MediationSpec, panel: Panel, names: list[str]) -> Panel:
    """The panel restricted to rows complete in every variable, cluster and effect column.

    With ``singletons: drop`` rows alone in a group of any absorbed effect are removed too
    (iteratively, as reghdfe does), so every equation and the bootstrap share one sample.
    """
    where = f"models.{model.id}"
    for name in names:
        if not parse_variable(name, where=where).is_plain:
            raise SpecError(
                f"{where}: {name!r} uses a panel operator; mediation takes plain columns. "
                "Create the lagged/differenced column in the data first."
            )
    clusters = cluster_columns(model, panel)
    panel.require([*names, *clusters], where=where)
    values = pd.DataFrame({n: panel.numeric(n, where=where) for n in names})
    complete = values.notna().all(axis=1).to_numpy().copy()
    effects = model_effects(model)
    fe_cols = effect_columns(effects, panel, where=f"{where}.effects")
    slope_cols = slope_columns(effects, panel, where=f"{where}.effects")
    used = [*clusters, *(c for cs in fe_cols.values() for c in cs), *slope_cols.values()]
    for col in dict.fromkeys(used):
        complete &= panel.frame[col].notna().to_numpy()
    if not complete.any():
        raise DataError(f"{where}: no row has all of {', '.join(names)} non-missing")
    if model.singletons == "drop":
        sub = panel.frame.loc[complete]
        groups = pd.DataFrame({k: group_codes(sub, c) for k, c in fe_cols.items()},
                              index=sub.index)
        complete[np.flatnonzero(complete)[singleton_rows(groups).to_numpy()]] = False
    return panel.subset(complete)


def _involves_entity(effect: str) -> bool:
    """An effect a resampled copy of an entity gets its own levels of (entity, entity^x,
    entity[time])."""
    return "entity" in parse_effect(effect).parts


def _equation(model: MediationSpec, suffix: str, dependent: str,
              regressors: list[str]) -> FeSpec:
    return FeSpec(
        id=f"{model.id}.{suffix}",
        type="fe",
        formula=f"{dependent} ~ {' + '.join(regressors)}",
        effects=list(model.effects),
        vcov=model.vcov,
        controls=list(model.controls),
    )


def _coef(result: Result, term: str) -> EffectEstimate:
    row = next(r for r in result.tidy_rows() if r.term == term)
    return EffectEstimate(row.estimate, row.std_error, row.p_value, row.ci_low, row.ci_high)


def _boot(e: IndirectEffect, low: float, high: float) -> EffectEstimate:
    return EffectEstimate(e.estimate, e.boot_se, math.nan, low, high)


def fit_mediation(model: MediationSpec, panel: Panel, *, progress: bool = True) -> Result:
    """Fit a ``type: mediation`` model.

    Returns
    -------
    Result
        ``params`` ``total``, ``a[M]``, ``b[M]``, ``indirect[M]`` (Sobel standard error and
        p-value), ``direct[M]``; ``effects`` kinds ``indirect`` (bootstrap SE and the chosen
        interval), ``indirect_percentile``, ``indirect_bc``, ``sobel``, ``a``, ``b``,
        ``direct``, ``total``, ``proportion``; ``components`` ``total``, ``mediator:M`` and
        ``outcome:M`` (``outcome`` in joint mode), each a full FE Result.
    """
    assert model.treatment and model.outcome and model.bootstrap is not None
    t, y, meds, ctrl = model.treatment, model.outcome, list(model.mediators), list(model.controls)
    sample = _common_sample(model, panel, [t, y, *meds, *ctrl])
    if sample.time is None:
        raise SpecError(f"models.{model.id}: mediation needs data.time (a panel: the "
                        "bootstrap resamples entities observed over periods)")
    comps: dict[str, Result] = {"total": fit_linear(_equation(model, "total", y, [t]), sample)}
    for m in meds:
        comps[f"mediator:{m}"] = fit_linear(_equation(model, f"mediator_{m}", m, [t]), sample)
    if model.mode == "parallel":
        for m in meds:
            comps[f"outcome:{m}"] = fit_linear(_equation(model, f"outcome_{m}", y, [t, m]), sample)
        b_of = {m: comps[f"outcome:{m}"] for m in meds}
    else:
        comps["outcome"] = fit_linear(_equation(model, "outcome", y, [t, *meds]), sample)
        b_of = {m: comps["outcome"] for m in meds}
    frame = sample.frame
    bs = model.bootstrap
    absorbed = model_effects(model)
    general: dict[str, object] = {}
    if sorted(absorbed) != ["entity", "time"]:  # else the entity-time block bootstrap
        where = f"models.{model.id}.effects"
        codes = absorbed_codes(absorbed, sample, None, where=where)
        trends = absorbed_slopes(absorbed, sample, None, where=where)
        general = {
            "effects": list(codes.values()),
            "slopes": [trends.get(k) for k in codes],
            "entity_effects": [_involves_entity(k) for k in codes],
        }
    est = mediation_fe(
        frame[t].to_numpy(float), {m: frame[m].to_numpy(float) for m in meds},
        frame[y].to_numpy(float), frame[sample.entity].to_numpy(), frame[sample.time].to_numpy(),
        seed=bs.seed, controls={c: frame[c].to_numpy(float) for c in ctrl}, mode=model.mode,
        reps=bs.reps, resample=bs.resample, ci=bs.ci, level=bs.level,
        se_a={m: comps[f"mediator:{m}"].std_errors[t] for m in meds},
        se_b={m: b_of[m].std_errors[m] for m in meds},
        treatment_name=t, outcome_name=y, progress=progress, **general,  # type: ignore[arg-type]
    )
    total = _coef(comps["total"], t)
    params: dict[str, float] = {"total": total.estimate}
    ses: dict[str, float] = {"total": total.std_error}
    pvals: dict[str, float] = {"total": total.pvalue}
    kinds = ("indirect", "indirect_percentile", "indirect_bc", "sobel", "a", "b", "direct",
             "proportion")
    effects: dict[str, dict[str, EffectEstimate]] = {k: {} for k in kinds}
    effects["total"] = {t: total}
    z = float(sps.norm.ppf(0.5 + bs.level / 2))
    for path in est.paths:
        m = path.mediator
        a, b = _coef(comps[f"mediator:{m}"], t), _coef(b_of[m], m)
        direct = _coef(b_of[m], t)
        ind = path.indirect
        assert path.sobel is not None
        sob = path.sobel
        effects["indirect"][m] = _boot(ind, ind.ci_low, ind.ci_high)
        effects["indirect_percentile"][m] = _boot(ind, *ind.ci_percentile)
        effects["indirect_bc"][m] = _boot(ind, *ind.ci_bc)
        effects["sobel"][m] = EffectEstimate(ind.estimate, sob.std_error, sob.pvalue,
                                             ind.estimate - z * sob.std_error,
                                             ind.estimate + z * sob.std_error)
        effects["a"][m], effects["b"][m], effects["direct"][m] = a, b, direct
        effects["proportion"][m] = EffectEstimate(path.proportion, math.nan, math.nan)
        for key, e in ((f"a[{m}]", a), (f"b[{m}]", b), (f"direct[{m}]", direct)):
            params[key], ses[key], pvals[key] = e.estimate, e.std_error, e.pvalue
        params[f"indirect[{m}]"] = ind.estimate
        ses[f"indirect[{m}]"], pvals[f"indirect[{m}]"] = sob.std_error, sob.pvalue
    if est.total_indirect is not None:
        ti = est.total_indirect
        effects["indirect"]["_total"] = _boot(ti, ti.ci_low, ti.ci_high)
        effects["indirect_percentile"]["_total"] = _boot(ti, *ti.ci_percentile)
        effects["indirect_bc"]["_total"] = _boot(ti, *ti.ci_bc)
    first = comps["total"]
    info = {
        "treatment": t, "mediators": meds, "outcome": y, "mode": model.mode,
        "controls": ctrl, "effects": list(model.effects), "vcov": model.vcov.type,
        "vcov_correction": model.vcov.correction, "cluster_by": first.info.get("cluster_by"),
        "label": model.column_label,
        "bootstrap": {"reps": bs.reps, "seed": bs.seed, "resample": bs.resample, "ci": bs.ci,
                      "level": bs.level, "method": est.method, "n_failed": est.n_failed},
        "n_dropped_missing": len(panel.frame) - len(sample.frame),  # incl. singletons
        "notes": [
            (f"indirect effects: {bs.ci} bootstrap intervals from {bs.reps} resamples of "
             f"{'entities' if bs.resample == 'entity' else 'entity-years'} (seed {bs.seed}); "
             "params indirect[...] carry the Sobel standard error and p-value"),
        ],
    }
    stats = {"nobs": float(est.nobs), "n_entities": float(est.n_entities),
             "n_periods": float(est.n_periods), "bootstrap_reps": float(bs.reps),
             "bootstrap_failed": float(est.n_failed), "level": bs.level}
    return Result(
        model_id=model.id, type="mediation", dependent=y, nobs=est.nobs, params=params,
        std_errors=ses, pvalues=pvals, stats=stats, df_resid=None, vcov=None,
        effects=effects, info=info, components=comps,
    )

