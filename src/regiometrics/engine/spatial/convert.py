"""Turn a :class:`SpatialPanelFit` (and its effects) into the uniform :class:`Result`."""

from __future__ import annotations

import numpy as np

from regiometrics.engine.spatial.effects import SpatialEffects
from regiometrics.engine.spatial.panel_ml import SpatialPanelFit
from regiometrics.results.result import Result

_FE_LABELS = {
    "entity": ("entity",),
    "time": ("time",),
    "twoways": ("entity", "time"),
    "none": (),
}


def to_result(
    fit: SpatialPanelFit,
    *,
    model_id: str,
    dependent: str,
    effects: SpatialEffects | None = None,
) -> Result:
    """The :class:`Result` of a spatial panel fit.

    ``params`` hold ``x``, ``W.x`` and ``rho``/``lambda``; ``stats`` hold ``loglik``, ``sigma2``,
    ``sigma2_se``, ``n_entities``, ``n_periods``; ``effects`` the LeSage-Pace table when given;
    ``info`` says which fixed effects, bias correction, log-determinant and effects inference
    were used (tables print the Lee-Yu sentence from ``info["bias_correction"]``).
    """
    P = len(fit.params)
    info: dict[str, object] = {
        "fixed_effects": _FE_LABELS[fit.fixed_effects],
        "spatial_model": fit.model,
        "lee_yu": fit.lee_yu,
        "bias_correction": fit.bias_correction or "none",
        "logdet": fit.logdet_method,
        "vcov": "inverse information matrix (Elhorst 2014)",
        "traces": fit.info.get("traces", ""),
    }
    if effects is not None:
        info["effects_method"] = effects.method
        if effects.method == "simulation":
            info["effects_draws"] = effects.draws
            info["effects_seed"] = effects.seed
    return Result(
        model_id=model_id,
        type=fit.model,
        dependent=dependent,
        nobs=fit.nobs,
        params=dict(fit.params),
        std_errors=dict(fit.std_errors),
        pvalues=dict(fit.pvalues),
        stats={
            "loglik": fit.loglik,
            "sigma2": fit.sigma2,
            "sigma2_se": float(fit.info.get("sigma2_se", np.nan)),
            "n_entities": float(fit.n_entities),
            "n_periods": float(fit.n_periods),
        },
        df_resid=None,
        vcov=np.asarray(fit.vcov)[:P, :P].copy(),
        effects=effects.as_dict() if effects is not None else {},
        info=info,
    )
