"""Spatial panel models (``type: sar | sem | sdm | sdem``) from a spec: panel -> Result.

The estimator reads the formula's dependent variable and regressors (panel operators
``L.x``, ``D.x`` and interactions allowed), stacks the balanced panel time-major with entities
in the row order of the named weights matrix, and fits

* SAR   ``y = rho W y + X b + FE + e``
* SDM   ``y = rho W y + X b + W X theta + FE + e``
* SEM   ``y = X b + FE + u,  u = lambda W u + e``
* SDEM  ``y = X b + W X theta + FE + u,  u = lambda W u + e``

by maximum likelihood (:func:`~regiometrics.engine.spatial.panel_ml.fit_spatial_panel`), with
entity, time or two-way fixed effects from ``effects`` (none: pooled) and the Lee-Yu (2010)
correction when ``lee_yu: true``. The Result has ``rho``/``lambda`` in ``params``, Durbin
terms named ``W.x``, the LeSage-Pace direct/indirect/total effects in ``effects`` (inference
from ``effects_inference``: simulation with draws and seed, or the delta method), and with
``spatial_tests: true`` these statistics in ``stats`` (each with a ``_p`` p-value and, for the
Durbin tests, ``_df``):

* ``lm_lag``, ``lm_error``, ``robust_lm_lag``, ``robust_lm_error``: LM tests on the
  non-spatial FE model's residuals (Elhorst 2014; Anselin et al. 1996);
* SDM only: ``wald_sar`` (``theta = 0``), ``wald_sem`` (``theta + rho b = 0``) and
  ``lr_sar``, ``lr_sem`` (``2 (logL_SDM - logL_restricted)``, the SAR and SEM fitted on the
  same sample with the same fixed effects).

``random: [entity]`` (SAR, SDM) fits entity random intercepts instead of fixed effects, with a
constant (:mod:`~regiometrics.engine.spatial.random_effects`); ``hausman: true`` on an entity or
two-way FE model fits that RE counterpart and attaches the Hausman test
(:mod:`~regiometrics.engine.spatial.re_model`).

Every fit also carries ``r2``, ``r2_within`` and ``r2_between`` in ``stats``: xtreg-style squared
correlations of ``y`` with the linear prediction ``X b + W X theta``, as xsmle prints them
(:mod:`~regiometrics.engine.spatial.fit_stats`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.data.weights import SpatialWeights, name_list
from regiometrics.engine.linear.design import term_values
from regiometrics.engine.spatial.convert import to_result
from regiometrics.engine.spatial.fit_stats import spatial_r2
from regiometrics.engine.spatial.lm_tests import spatial_lm_tests
from regiometrics.engine.spatial.model_tests import durbin_tests
from regiometrics.engine.spatial.panel_data import FixedEffects, to_time_major
from regiometrics.engine.spatial.panel_ml import SpatialPanelFit, fit_spatial_panel
from regiometrics.engine.spatial.random_effects import fit_spatial_re
from regiometrics.engine.spatial.re_model import fit_re_counterpart, hausman_against_re, re_stats
from regiometrics.errors import DataError, RegiometricsError, SpecError
from regiometrics.results import Result
from regiometrics.spec.spatial import EffectsInferenceSpec, SpatialModelSpec

if TYPE_CHECKING:
    from regiometrics.engine.context import EstimationContext

_MAX_LISTED = 20


def fixed_effects_of(effects: Sequence[str]) -> FixedEffects:
    """Spec ``effects`` -> ``"entity"``, ``"time"``, ``"twoways"`` or ``"none"``."""
    has_e, has_t = "entity" in effects, "time" in effects
    if has_e and has_t:
        return "twoways"
    return "entity" if has_e else ("time" if has_t else "none")


def spatial_weights_for(model: SpatialModelSpec, context: EstimationContext) -> SpatialWeights:
    """The model's weights matrix from the run's weights stage (SpecError if not declared)."""
    where = f"models.{model.id}.weights"
    if model.weights is None:
        raise SpecError(f"{where}: type {model.type!r} needs a weights matrix; name one declared "
                        "under the top-level 'weights:' block")
    if model.weights not in context.weights:
        known = ", ".join(context.weights) or "none"
        raise SpecError(f"{where}: unknown weights {model.weights!r}; weights defined: {known}")
    return context.weights[model.weights]


def stacked_data(
    model: SpatialModelSpec, panel: Panel, w: SpatialWeights
) -> tuple[pd.DataFrame, str, list[str]]:
    """The model's columns as a balanced, time-major frame (entities in the order of ``w``).

    Returns the frame (columns entity, time, dependent, regressors), the dependent's name and
    the regressor names.

    Raises
    ------
    DataError
        Unknown columns, entities that differ from the weights' (names listed), or missing
        entity-periods or missing values (entity-periods listed).
    """
    where = f"models.{model.id}"
    if panel.time is None:
        raise SpecError(f"{where}: spatial panel models need data.time (the period column)")
    formula = model.parsed
    panel.require(formula.columns(), where=f"{where}.formula")
    if not formula.terms:
        raise SpecError(f"{where}.formula: give at least one regressor")
    dependent = formula.dependent.text
    cols = {dependent: panel.variable(formula.dependent, where=f"{where}.formula")}
    for term in formula.terms:
        cols[term.name] = term_values(panel, term, where=f"{where}.formula")
    names = [t.name for t in formula.terms]
    if fixed_effects_of(model.effects) == "none" and formula.intercept:
        cols["_cons"] = pd.Series(1.0, index=panel.frame.index)
        names.append("_cons")
    frame = pd.DataFrame(cols)
    frame.insert(0, panel.time, panel.frame[panel.time].to_numpy())
    frame.insert(0, panel.entity, panel.frame[panel.entity].to_numpy())
    # entities: the panel's, matched to the weights' ids by string form
    by_text = {str(e): e for e in w.entities}
    present = {str(e) for e in frame[panel.entity]}
    extra = [e for e in pd.unique(frame[panel.entity]) if str(e) not in by_text]
    missing = [e for e in w.entities if str(e) not in present]
    if extra or missing:
        raise DataError(
            f"{where}: the entities of the model's sample and of the weights {model.weights!r} "
            f"differ; in the sample but not the weights: {name_list(extra) or '-'}; in the "
            f"weights but not the sample: {name_list(missing) or '-'}. Filter the data or "
            "rebuild the weights so both list the same entities."
        )
    frame[panel.entity] = frame[panel.entity].map(lambda e: by_text[str(e)])
    periods = sorted(pd.unique(frame[panel.time]))
    full = pd.MultiIndex.from_product([list(w.entities), periods])
    complete = frame.dropna(subset=[dependent, *names]).set_index([panel.entity, panel.time])
    absent = full.difference(complete.index)
    if len(absent):
        pairs = [(e.item() if isinstance(e, np.generic) else e,
                  t.item() if isinstance(t, np.generic) else t) for e, t in absent]
        raise DataError(
            f"{where}: spatial panel models need a balanced panel, but {len(absent)} "
            f"entity-periods ({panel.entity}, {panel.time}) are missing or have missing values "
            f"in {', '.join([dependent, *names])}: {pairs[:_MAX_LISTED]}"
            + (" ..." if len(pairs) > _MAX_LISTED else "")
            + ". Drop those entities or periods (data.filter / the model's filter) or fill them."
        )
    stacked = to_time_major(frame, entity=panel.entity, time=panel.time,
                            entity_order=list(w.entities))
    return stacked, dependent, names


def random_effects_of(model: SpatialModelSpec) -> bool:
    """Whether the spec asks for entity random effects (``random: [entity]``)."""
    return "entity" in (getattr(model, "random", None) or ())


def _fit(model: SpatialModelSpec, kind: str, y: np.ndarray, X: np.ndarray, w: SpatialWeights,
         n: int, t: int, names: list[str]) -> SpatialPanelFit:
    if random_effects_of(model):
        return fit_spatial_re(y, X, w.to_sparse(), n_entities=n, n_periods=t, model=kind,
                              x_names=names)
    return fit_spatial_panel(
        y, X, w.to_sparse(), n_entities=n, n_periods=t, model=kind,  # type: ignore[arg-type]
        effects=fixed_effects_of(model.effects), lee_yu=model.lee_yu, x_names=names,
    )


def _test_stats(model: SpatialModelSpec, fit: SpatialPanelFit, y: np.ndarray, X: np.ndarray,
                w: SpatialWeights, n: int, t: int, names: list[str]) -> dict[str, float]:
    lm = spatial_lm_tests(y, X, w.to_sparse(), n_entities=n, n_periods=t,
                          effects=fixed_effects_of(model.effects), x_names=names)
    out: dict[str, float] = {}
    for key in ("lm_lag", "lm_error", "robust_lm_lag", "robust_lm_error"):
        stat = getattr(lm, key)
        out[key], out[f"{key}_p"] = stat.statistic, stat.pvalue
    if fit.model == "sdm":
        sar = _fit(model, "sar", y, X, w, n, t, names)
        sem = _fit(model, "sem", y, X, w, n, t, names)
        tests = durbin_tests(fit, sar=sar, sem=sem)
        for key in ("wald_sar", "wald_sem", "lr_sar", "lr_sem"):
            stat = getattr(tests, key)
            out[key], out[f"{key}_p"], out[f"{key}_df"] = stat.statistic, stat.pvalue, stat.df
    return out


def _check_rows(model: SpatialModelSpec, w: SpatialWeights) -> None:
    """Refuse islands and rows not summing to one, naming the entities (not row numbers)."""
    where = f"models.{model.id}.weights"
    if w.islands:
        raise DataError(
            f"{where}: {len(w.islands)} of {w.n} entities have no neighbours in the weights "
            f"{model.weights!r} (islands): {name_list(w.islands)}; a spatial panel model needs "
            "every entity to have a neighbour: give them neighbours (a larger cutoff, type: "
            "knn) or drop them from the data (data.filter)"
        )
    sums = np.asarray(w.to_sparse().sum(axis=1)).ravel()
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-8)
    if bad.size:
        shown = ", ".join(f"{w.entities[i]!r}: {sums[i]:.6g}" for i in bad[:5])
        raise DataError(
            f"{where}: the rows of the weights {model.weights!r} must sum to 1 for a spatial "
            f"panel model; {bad.size} do not ({shown}{' ...' if bad.size > 5 else ''}); "
            "remove row_standardize: false from the weights"
        )


def fit_spatial_model(model: SpatialModelSpec, panel: Panel, context: EstimationContext) -> Result:
    """Fit a ``sar``/``sem``/``sdm``/``sdem`` model spec on a panel (see the module docstring).

    Raises
    ------
    SpecError
        No or unknown weights name.
    DataError
        Unbalanced panel (entity-periods listed), entities that differ from the weights',
        weights that are not row-standardised (islands).
    """
    where = f"models.{model.id}"
    w = spatial_weights_for(model, context)
    _check_rows(model, w)
    frame, dependent, names = stacked_data(model, panel, w)
    n, t = w.n, frame[panel.time].nunique()  # type: ignore[index]
    y = frame[dependent].to_numpy(float)
    X = frame[names].to_numpy(float)
    inference = model.effects_inference or EffectsInferenceSpec()
    try:
        fit = _fit(model, model.type, y, X, w, n, t, names)
        effects = fit.effects(method=inference.method, draws=inference.draws,
                              seed=inference.seed)
        stats = _test_stats(model, fit, y, X, w, n, t, names) if model.spatial_tests else {}
        stats.update(spatial_r2(y, X, w.to_sparse(), n_entities=n, n_periods=t,
                                x_names=fit.x_names, durbin_names=fit.durbin_names,
                                params=fit.params))
        extra: dict[str, Any] = {}
        if random_effects_of(model):
            stats.update(re_stats(fit))
            extra["random_effects"] = ["entity"]
        if getattr(model, "hausman", None) is not None:
            re = fit_re_counterpart(fit, y, X, w.to_sparse(), n=n, t=t, names=names)
            h_stats, extra["hausman"] = hausman_against_re(fit, re)
            stats.update(h_stats)
    except RegiometricsError as exc:
        raise type(exc)(f"{where} (weights {model.weights!r}): {exc}") from None
    result = to_result(fit, model_id=model.id, dependent=dependent, effects=effects)
    info: dict[str, Any] = dict(result.info)
    info.update(extra)
    info.update({"effects": list(model.effects), "weights": model.weights,
                 "weights_kind": w.kind})
    if model.label is not None:
        info["label"] = model.label
    if model.controls:
        info["controls"] = list(model.controls)
    return replace(result, stats={**result.stats, **stats}, info=info)
