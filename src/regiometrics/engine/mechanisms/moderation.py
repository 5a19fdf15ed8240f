r"""Moderation: a treatment interacted with a moderator, and the treatment's marginal effect.

For :math:`y = \beta_D D + \beta_M M + \beta_{DM} D M + W\gamma + \dots` the marginal effect
of :math:`D` at moderator value :math:`m` is

.. math:: \theta(m) = \beta_D + \beta_{DM}\, m, \qquad
          \operatorname{Var}\theta(m) = V_{DD} + 2 m V_{D,DM} + m^2 V_{DM,DM}

(delta method, exact for this linear combination) with :math:`V` the model's own vcov;
t-based p-values and 95% intervals on the model's degrees of freedom. With ``center: true``
:math:`D` and :math:`M` are mean-centred on the estimation sample before the product is
formed (so :math:`\beta_D` is the effect at the mean moderator); marginal effects are still
reported at moderator values in the original units (:math:`m - \bar M` enters the formula).
Named values ``pNN`` are percentiles of the moderator on the estimation sample (numpy's
linear interpolation), ``mean``, ``min``, ``max``; ``range: K`` gives K evenly spaced values
from the minimum to the maximum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats as sps

from regiometrics.data.panel import Panel
from regiometrics.engine.linear.design import build_design
from regiometrics.engine.linear.fit import fit_linear
from regiometrics.errors import IdentificationError, SpecError
from regiometrics.results import EffectEstimate, Result
from regiometrics.spec.models import ModeratedModel

#: Moderator values used when the spec gives neither ``at`` nor ``range``.
DEFAULT_AT = ("p10", "p50", "p90")



def _minus(m: float) -> Callable[[pd.Series], pd.Series]:
    """``col -> col - m`` (centring by a sample mean)."""
    return lambda col: col - m

def marginal_effects(
    result: Result, treatment: str, interaction: str, values: Sequence[float], *,
    level: float = 0.95,
) -> list[EffectEstimate]:
    r""":math:`\theta(m) = \beta_D + \beta_{DM} m` at each ``m`` with delta-method SE and CI.

    ``values`` are in the units the interaction was formed in (centred if it was).
    """
    if result.vcov is None:
        raise IdentificationError(f"models.{result.model_id}: no vcov to compute marginal effects")
    names = list(result.params.index)
    for term in (treatment, interaction):
        if term not in names:
            raise IdentificationError(
                f"models.{result.model_id}: term {term!r} was not estimated (omitted?); "
                "marginal effects need both the treatment and the interaction"
            )
    i, j = names.index(treatment), names.index(interaction)
    v = np.asarray(result.vcov)
    m = np.asarray(values, dtype=float)
    est = result.params[treatment] + result.params[interaction] * m
    se = np.sqrt(v[i, i] + 2 * m * v[i, j] + m**2 * v[j, j])
    dist = sps.norm if result.df_resid is None else sps.t(result.df_resid)
    q = float(dist.ppf(0.5 + level / 2))
    p = 2 * dist.sf(np.abs(est / se))
    return [EffectEstimate(float(e), float(s), float(pp), float(e - q * s), float(e + q * s))
            for e, s, pp in zip(est, se, p)]


def _interaction(model: ModeratedModel) -> str:
    t, mod = model.treatment, model.moderator
    assert t is not None and mod is not None
    terms = model.parsed.terms
    for term in terms:
        if sorted(v.text for v in term.variables) == sorted([t, mod]) and len(term.variables) == 2:
            if not any(x.name == t for x in terms):
                break
            return term.name
    raise SpecError(
        f"models.{model.id}.formula: {model.formula!r} needs {t!r} and the interaction "
        f"'{t}:{mod}'; write e.g. '{model.parsed.dependent.text} ~ {t}*{mod} + ...'"
    )


def moderator_values(model: ModeratedModel, observed: np.ndarray) -> dict[str, float]:
    """Key -> moderator value (original units) from ``at``/``range`` and the observed values."""
    if model.range is not None:
        grid = np.linspace(observed.min(), observed.max(), model.range)
        return {f"{x:.6g}": float(x) for x in grid}
    out: dict[str, float] = {}
    for item in model.at if model.at is not None else DEFAULT_AT:
        if isinstance(item, str):
            token = item.strip()
            if token == "mean":
                out[token] = float(observed.mean())
            elif token in ("min", "max"):
                out[token] = float(getattr(observed, token)())
            elif token.startswith("p") and token[1:].isdigit() and 1 <= int(token[1:]) <= 99:
                out[token] = float(np.percentile(observed, int(token[1:])))
            else:
                raise SpecError(
                    f"models.{model.id}.at: {item!r} is not a moderator value; use numbers, "
                    "percentiles p1..p99, mean, min or max"
                )
        else:
            out[f"{float(item):.6g}"] = float(item)
    return out


def fit_moderation(model: ModeratedModel, panel: Panel) -> Result:
    """Fit a linear model with ``treatment x moderator`` and add ``effects['marginal']``.

    ``info['marginal']`` records the treatment, moderator, interaction term, whether and
    around which means the variables were centred, and ``at`` (key -> moderator value).
    """
    assert model.treatment is not None and model.moderator is not None
    t, mod = model.treatment, model.moderator
    interaction = _interaction(model)
    design = build_design(model, panel)
    observed = panel.variable(mod, where=f"models.{model.id}.moderator").loc[design.rows]
    means: dict[str, float] = {}
    fitted_panel = panel
    if model.center:
        for name in (t, mod):
            if name not in panel.frame.columns:
                raise SpecError(
                    f"models.{model.id}.center: {name!r} must be a data column to be centred "
                    "(panel operators are not centred); add the column to the data"
                )
            means[name] = float(panel.numeric(name).loc[design.rows].mean())
            fitted_panel = fitted_panel.map_column(name, _minus(means[name]))
    result = fit_linear(model, fitted_panel)
    at = moderator_values(model, observed.to_numpy(dtype=float))
    shift = means.get(mod, 0.0)
    effects = marginal_effects(result, t, interaction, [v - shift for v in at.values()])
    info = dict(result.info)
    info["marginal"] = {
        "treatment": t, "moderator": mod, "interaction": interaction,
        "centered": model.center, "means": means, "at": at, "level": 0.95,
    }
    if model.center:
        listed = ", ".join(f"{k} = {v:.4g}" for k, v in means.items())
        info["notes"] = [*info.get("notes", []),
                         f"{t} and {mod} mean-centred before forming the product ({listed})"]
    return replace(result, effects={**result.effects, "marginal": dict(zip(at, effects))},
                   info=info)
