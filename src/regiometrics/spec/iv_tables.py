"""Spec of the first-stage table of IV models (``type: first_stage``).

One column per (IV model, endogenous regressor): the first-stage regression of that
regressor on the excluded instruments and the included exogenous regressors, with the
first-stage F of the excluded instruments and the partial R² under it (the layout of the
seed paper 003's Table 5). The second stage is an ordinary ``type: regression`` table,
whose ``stats`` may list the IV diagnostics (``kp_rk_lm``, ``kp_rk_lm_p``, ``cd_wald_f`` ...).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from regiometrics.spec.table_base import CoefficientTableBase

#: First-stage statistics a ``first_stage`` table may list (``nobs`` is the sample size).
FirstStageStat = Literal[
    "nobs", "first_stage_f", "first_stage_f_p", "partial_r2", "shea_partial_r2", "sw_f",
    "sw_f_p", "rmse", "n_clusters",
]
FIRST_STAGE_STATS: tuple[str, ...] = get_args(FirstStageStat)


class FirstStageTableSpec(CoefficientTableBase):
    """A first-stage table of IV models.

    ``models`` are ``type: iv`` model ids; ``endogenous`` restricts the columns to these
    endogenous regressors (default: all of each model). ``show_controls`` adds the
    coefficient rows of the included exogenous regressors (by default only the excluded
    instruments are shown and a Controls YES/NO row says whether there were any).
    ``rename``, ``stats``, ``stat_labels``, ``indicators``, layout and headers work as in a
    regression table; ``stats`` takes the names in :data:`FIRST_STAGE_STATS`.
    """

    type: Literal["first_stage"]
    models: list[str]
    endogenous: list[str] | None = None
    show_controls: bool = False
    stats: list[FirstStageStat] | None = Field(  # type: ignore[assignment]
        default_factory=lambda: ["nobs", "first_stage_f", "partial_r2"])
