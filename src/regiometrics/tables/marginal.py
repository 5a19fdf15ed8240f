"""Marginal-effects tables: the treatment's effect at chosen moderator values.

One row per stored moderator value: the value's name (``p10``, ``mean`` or the number),
the moderator value, the marginal effect with stars, its delta-method standard error and
the confidence interval (from ``Result.effects['marginal']`` and ``info['marginal']``).
"""

from __future__ import annotations

from regiometrics.results import Result
from regiometrics.spec.mechanisms import MarginalEffectsTableSpec
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.regression import fmt, stars
from regiometrics.tables.text import final_notes, stars_note


def marginal_effects_table(result: Result, table: MarginalEffectsTableSpec) -> TableGrid:
    """The neutral grid of a marginal-effects table from a Result with a moderator."""
    meta = result.info["marginal"]
    d = table.decimals
    level = f"{meta['level'] * 100:g}% CI"
    zh = table.language == "zh"
    header = (Row(("", meta["moderator"],
                   f"{meta['treatment']}的边际效应" if zh else
                   f"Marginal effect of {meta['treatment']}",
                   "标准误" if zh else "Std. error",
                   f"{meta['level'] * 100:g}%置信区间" if zh else level), "header"),)
    rows = []
    for key, e in result.effects["marginal"].items():
        rows.append(Row((key, fmt(meta["at"][key], d),
                         fmt(e.estimate, d) + stars(e.pvalue, table.stars),
                         f"({fmt(e.std_error, d)})", f"[{fmt(e.ci_low, d)}, {fmt(e.ci_high, d)}]"),
                        "coef"))
    formula = (f"b({meta['treatment']}) + b({meta['interaction']}) × {meta['moderator']}")
    notes = [
        (f"{meta['treatment']}的边际效应 = {formula}"
         + ("（变量已中心化）" if meta["centered"] else "")
         + "；标准误由模型协方差矩阵按Delta方法计算") if zh else
        (f"Marginal effect of {meta['treatment']} = {formula}"
         + (" (mean-centred variables)" if meta["centered"] else "")
         + "; delta-method standard errors from the model's covariance matrix."),
        stars_note(table.stars, table.language),
    ]
    return TableGrid(id=table.id, title=table.title, label=table.label or f"tab:{table.id}",
                     header=header, sections=(tuple(rows),), notes=final_notes(table, notes))
