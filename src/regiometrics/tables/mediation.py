"""Mediation tables (seed paper 003, Table 6): paired columns per mediator, bootstrap CI row.

Columns: the total-effect equation (outcome on treatment), then per mediator the mediator
equation (mediator on treatment) and the outcome equation (outcome on treatment and
mediator); in joint mode the mediator equations and one outcome equation. Below the usual
coefficient, indicator and statistic rows come the indirect effect a*b and its bootstrap
confidence interval (in the column of the equation that estimates b), and optionally the
Sobel p-value. Every number is read from the mediation Result (results.json).
"""

from __future__ import annotations

import math
from dataclasses import replace

from regiometrics.results import Result
from regiometrics.spec.mechanisms import MediationTableSpec
from regiometrics.spec.models import TableSpec
from regiometrics.spec.table_base import CoefficientTableBase
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.regression import fmt, regression_table
from regiometrics.tables.text import label


def as_regression_spec(table: object, models: list[str], **changes: object) -> TableSpec:
    """A regression TableSpec with every shared option of a coefficient table (layout,
    headers, notes ...) of a mechanism table, plus ``changes``."""
    shared = {k: getattr(table, k) for k in CoefficientTableBase.model_fields}
    return TableSpec.model_validate({**shared, "models": models, **changes})


def _columns(result: Result, total: bool) -> tuple[list[str], dict[str, int]]:
    """Component keys in column order, and the column of each mediator's CI cell."""
    meds = list(result.info["mediators"])
    keys = ["total"] if total else []
    where: dict[str, int] = {}
    if result.info["mode"] == "parallel":
        for m in meds:
            keys += [f"mediator:{m}", f"outcome:{m}"]
            where[m] = len(keys) - 1
    else:
        for m in meds:
            keys.append(f"mediator:{m}")
            where[m] = len(keys) - 1
        keys.append("outcome")
    return keys, where


def _interval(low: float, high: float, decimals: int) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f"[{low:.{decimals}f}, {high:.{decimals}f}]"


def mediation_table(result: Result, table: MediationTableSpec) -> TableGrid:
    """The neutral grid of a Baron-Kenny mediation table from a ``type: mediation`` Result."""
    keys, where = _columns(result, table.total_column)
    comps = [result.components[k] for k in keys]
    width = len(keys)
    boot = result.info["bootstrap"]
    lang = table.language
    rows = []

    def row(text: str, cells: dict[int, str]) -> Row:
        return Row((text, *(cells.get(j, "") for j in range(width))), "body")

    level = f"{boot['level'] * 100:g}"
    indirect = {m: e for m, e in result.effects["indirect"].items() if m in where}
    if table.indirect_row:
        rows.append(row((table.indirect_label or label(lang, "indirect")).format(level=level),
                        {where[m]: fmt(e.estimate, table.decimals) for m, e in indirect.items()}))
    rows.append(row((table.ci_label or label(lang, "boot_ci")).format(level=level),
                    {where[m]: _interval(e.ci_low, e.ci_high, table.ci_decimals)
                     for m, e in indirect.items()}))
    if table.sobel:
        rows.append(row(label(lang, "sobel"), {where[m]: fmt(e.pvalue, table.decimals)
                                               for m, e in result.effects["sobel"].items()}))
    kind = "percentile" if boot["ci"] == "percentile" else "bias-corrected"
    unit = "entities (clusters)" if boot["resample"] == "entity" else "entity-years"
    if lang == "zh":
        note = (f"间接效应a×b的置信区间为{'百分位' if kind == 'percentile' else '偏差校正'}"
                f"Bootstrap区间（{boot['reps']}次重抽样，种子{boot['seed']}）")
    else:
        note = (f"Indirect effect a×b with its {kind} bootstrap confidence interval from "
                f"{boot['reps']} resamples of {unit}, seed {boot['seed']}.")
    grid = regression_table(comps, as_regression_spec(table, [c.model_id for c in comps]),
                            extra=rows, extra_notes=[note])
    return replace(grid, id=table.id, label=table.label or f"tab:{table.id}")
