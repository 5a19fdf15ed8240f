"""Random effects (GLS, Swamy-Arora variance components) via linearmodels, and the
Hausman test of fixed against random effects.

RE quasi-demeans every variable, :math:`z^*_{it} = z_{it} - \\theta_i \\bar z_{i\\cdot}`,
:math:`\\theta_i = 1 - \\sqrt{\\sigma_e^2 / (T_i \\sigma_u^2 + \\sigma_e^2)}`, and runs OLS.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from linearmodels.panel import RandomEffects

from regiometrics.data.panel import Panel
from regiometrics.engine.design import Design, build_design
from regiometrics.engine.linear import CONSTANT
from regiometrics.errors import IdentificationError
from regiometrics.results import Result
from regiometrics.spec.models import ModelSpec

_LM_COV = {"unadjusted": "unadjusted", "robust": "robust", "cluster": "clustered"}


def fit_re(model: ModelSpec, panel: Panel) -> Result:
    """Random-effects GLS of ``model`` on ``panel`` (linearmodels ``RandomEffects``).

    Variance components use the small-sample (Swamy-Arora) degrees of freedom,
    as R's ``plm(model = "random", random.method = "swar")``. ``stats`` holds ``theta``
    (average), ``sigma2_eps``, ``sigma2_u``, ``r2`` (overall), ``r2_within``, ``r2_between``.
    """
    formula = model.parsed
    design = build_design(model, panel, formula)
    if design.time is None:
        raise IdentificationError(f"models.{model.id}: random effects need data.time")
    index = pd.MultiIndex.from_arrays([design.entity, design.time], names=["entity", "time"])
    exog = pd.DataFrame(design.X, index=index, columns=design.names)
    exog.insert(0, CONSTANT, 1.0)
    dep = pd.Series(design.y, index=index, name=design.dependent)
    fit_kwargs: dict = {"cov_type": _LM_COV[model.vcov.type], "small_sample": True}
    if model.vcov.type == "cluster":
        if len(design.clusters) != 1:
            raise IdentificationError(
                f"models.{model.id}.vcov.by: random effects support one cluster variable"
            )
        fit_kwargs["clusters"] = pd.DataFrame({"c": design.clusters[0]}, index=index)
    res = RandomEffects(dep, exog).fit(**fit_kwargs)
    order = [*design.names, CONSTANT]
    theta = np.asarray(res.theta).ravel()
    vc = res.cov.loc[order, order].to_numpy()
    stats = {
        "r2": float(res.rsquared_overall),
        "r2_within": float(res.rsquared_within),
        "r2_between": float(res.rsquared_between),
        "r2_gls": float(res.rsquared),
        "theta": float(theta.mean()),
        "sigma2_eps": float(res.variance_decomposition["Residual"]),
        "sigma2_u": float(res.variance_decomposition["Effects"]),
        "n_entities": float(int(design.entity.max()) + 1),
        "n_periods": float(int(design.time.max()) + 1),
    }
    return Result(
        model_id=model.id,
        type="re",
        dependent=design.dependent,
        nobs=design.nobs,
        params=res.params[order].to_dict(),
        std_errors=res.std_errors[order].to_dict(),
        pvalues=res.pvalues[order].to_dict(),
        stats=stats,
        df_resid=int(res.df_resid),
        vcov=vc,
        info={
            "effects": ["entity"],
            "random_effects": True,
            "vcov": model.vcov.type,
            "cluster_by": design.cluster_names,
            "n_dropped_missing": design.n_dropped,
            "formula": model.formula,
            "label": model.column_label,
            "controls": list(model.controls),
            "theta_by_entity": theta.tolist() if not _is_balanced(design) else [],
        },
    )


def _is_balanced(design: Design) -> bool:
    """Whether every entity is observed in every period of the estimation sample."""
    n_e = int(design.entity.max()) + 1
    n_t = int(design.time.max()) + 1 if design.time is not None else 1
    return design.nobs == n_e * n_t
