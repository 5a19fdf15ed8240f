"""First-stage table of IV models, in the layout of the seed paper 003's Table 5.

One column per first-stage regression (an endogenous regressor of an IV model): the
excluded instruments' coefficients over their standard errors, YES/NO rows for controls
and fixed effects, then N, the first-stage F of the excluded instruments and their partial
R². Every number is read from the first-stage Results that an IV model's Result carries
in ``components`` (and so from results.json).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from regiometrics.results import Result
from regiometrics.spec.iv_tables import FirstStageTableSpec
from regiometrics.spec.models import TableSpec
from regiometrics.spec.table_base import CoefficientTableBase
from regiometrics.tables.grid import TableGrid
from regiometrics.tables.regression import regression_table

DEFAULT_FIRST_STAGE_LABELS = {
    "nobs": "N", "first_stage_f": "First-stage F", "first_stage_f_p": "First-stage F p-value",
    "partial_r2": "Partial R²", "shea_partial_r2": "Shea partial R²",
    "sw_f": "Sanderson-Windmeijer F", "sw_f_p": "Sanderson-Windmeijer F p-value",
    "rmse": "RMSE", "n_clusters": "Clusters",
}
FIRST_STAGE_NOTE = (
    "First stage: each endogenous regressor on the excluded instruments and the included "
    "exogenous regressors. F: test of the excluded instruments (ivreg2); partial R²: of the "
    "excluded instruments."
)


FIRST_STAGE_NOTE_ZH = (
    "第一阶段：各内生解释变量对排除的工具变量及包含的外生解释变量回归；F为排除的工具变量的联合"
    "检验（ivreg2）；偏R²为排除的工具变量的偏R²。"
)


def first_stage_table(
    columns: Sequence[Result], table: FirstStageTableSpec, *, labels: Sequence[str]
) -> TableGrid:
    """Build the grid of a first-stage table.

    Parameters
    ----------
    columns
        First-stage Results (``type`` ``iv_first_stage``), one per column; ``info`` holds
        ``instruments`` (excluded instrument names), ``effects`` and ``controls``.
    table
        The table spec.
    labels
        Column titles (one per column), e.g. the IV model's label for each of its first stages.
    """
    if len(labels) != len(columns):
        raise ValueError(f"{len(labels)} labels for {len(columns)} columns")
    instruments: list[str] = []
    for r in columns:
        instruments += [t for t in r.info.get("instruments", []) if t not in instruments]
    keep = None if table.show_controls else instruments
    labels_by_stat = {**DEFAULT_FIRST_STAGE_LABELS, **table.stat_labels} \
        if table.language == "en" else dict(table.stat_labels)  # zh: text.STAT_LABELS
    shared = {k: getattr(table, k) for k in CoefficientTableBase.model_fields}
    spec = TableSpec.model_validate({
        **shared, "models": [r.model_id for r in columns], "keep": keep, "order": instruments,
        "stat_labels": labels_by_stat, "notes": [
            FIRST_STAGE_NOTE_ZH if table.language == "zh" else FIRST_STAGE_NOTE, *table.notes]
        if table.notes_mode == "append" else list(table.notes),
    })
    labelled = [replace(r, info={**r.info, "label": lab}) for r, lab in zip(columns, labels)]
    return regression_table(labelled, spec)
