"""Spec-level random effects and the FE-vs-RE Hausman test for spatial panel models.

* ``random: [entity]`` on a ``sar``/``sdm`` model fits entity random intercepts
  (:func:`~regiometrics.engine.spatial.random_effects.fit_spatial_re`); the Result's ``stats``
  add ``phi`` (with ``phi_se``), ``theta = 1 - phi``, ``sigma_mu``, ``sigma_mu2`` and
  ``sigma_e``.
* ``hausman: true`` on a spatial FE model (entity or two-way effects) fits the RE counterpart
  on the same sample and adds ``hausman_chi2``, ``hausman_df``, ``hausman_p`` to ``stats`` and
  ``info["hausman"]``: the coefficients compared, whether ``V_FE - V_RE`` is positive
  definite, a note when it is not, and the RE fit (coefficients, standard errors, ``phi``,
  ``theta``, ``sigma_mu``, ``sigma2``, log-likelihood). With two-way FE the counterpart keeps
  the period effects as fixed (period dummies ``_year[t]``, not compared), so the test is
  about the entity effects only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from regiometrics.engine.spatial.hausman import spatial_hausman
from regiometrics.engine.spatial.panel_ml import SpatialPanelFit
from regiometrics.engine.spatial.random_effects import fit_spatial_re
from regiometrics.errors import SpecError


def re_stats(fit: SpatialPanelFit) -> dict[str, float]:
    """``phi``, ``phi_se``, ``theta``, ``sigma_mu``, ``sigma_mu2``, ``sigma_e`` of an RE fit."""
    keys = ("phi", "phi_se", "theta", "sigma_mu", "sigma_mu2", "sigma_e")
    return {k: float(fit.info[k]) for k in keys}


def fit_re_counterpart(
    fe: SpatialPanelFit, y: np.ndarray, X: np.ndarray, W: Any, *, n: int, t: int,
    names: Sequence[str],
) -> SpatialPanelFit:
    """The RE model with the FE model's regressors (and W.x terms), plus a constant.

    Under two-way FE the period effects stay fixed: ``T - 1`` period dummies are added as
    regressors without ``W.x`` terms.
    """
    if fe.fixed_effects not in ("entity", "twoways"):
        raise SpecError(
            "hausman compares entity fixed effects with entity random effects; this model has "
            f"{fe.fixed_effects!r} effects: add 'entity' to its effects or remove hausman"
        )
    cols = [np.ones((n * t, 1)), X]
    extra = ["_cons", *names]
    if fe.fixed_effects == "twoways":
        period = np.repeat(np.arange(t), n)
        cols.append((period[:, None] == np.arange(1, t)[None, :]).astype(float))
        extra += [f"_year[{p}]" for p in range(1, t)]
    return fit_spatial_re(y, np.hstack(cols), W, n_entities=n, n_periods=t, model=fe.model,
                          x_names=extra, durbin=list(fe.durbin_names) or None)


def hausman_against_re(fe: SpatialPanelFit, re: SpatialPanelFit) -> tuple[dict[str, float],
                                                                          dict[str, Any]]:
    """``(stats, info)`` of the Hausman test of ``fe`` against its RE counterpart ``re``."""
    test = spatial_hausman(fe.params, fe.vcov, re.params, re.vcov)
    stats = {"hausman_chi2": test.statistic, "hausman_df": float(test.df),
             "hausman_p": test.pvalue}
    info = {
        "terms": list(test.terms),
        "positive_definite": test.positive_definite,
        "note": test.note,
        "variance": "classical V_FE - V_RE (inverse information matrices); xsmle's hausman "
                    "uses a White (1982) sandwich instead",
        "random_effects_model": {
            "params": dict(re.params),
            "std_errors": dict(re.std_errors),
            "loglik": re.loglik,
            "sigma2": re.sigma2,
            **re_stats(re),
        },
    }
    return stats, info
