"""Subgroup tables (seed paper 003, Table 8): one column per group, equality-test p-values.

Columns are the groups of one or more subgroup models side by side (header: group names,
column numbers, dependent variable). Under the statistics come the p-value of the Wald test
of equal coefficients across the groups of each model (F form, on the fully interacted
regression with the model's vcov) and, when run, the permutation p-value; both sit in the
first column of the model's block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from regiometrics.results import Result
from regiometrics.spec.mechanisms import SubgroupTableSpec
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.mediation import as_regression_spec
from regiometrics.tables.regression import fmt, regression_table


def subgroup_table(results: Sequence[Result], table: SubgroupTableSpec) -> TableGrid:
    """The neutral grid of a subgroup table from subgroup Results (``by``/``split``/``periods``)."""
    comps: list[Result] = []
    names: list[str] = []
    starts: list[int] = []
    for r in results:
        starts.append(len(comps))
        for name, comp in r.components.items():
            comps.append(comp)
            names.append(table.group_labels.get(name, name))
    grid = regression_table(comps, as_regression_spec(table, [c.model_id for c in comps]))
    width = len(comps)
    header = (Row(("", *names), "header"),
              Row(("", *(f"({j + 1})" for j in range(width))), "header"), *grid.header[1:])
    rows, notes = [], []
    for label, key in (("Equality test p-value", "equality_p"),
                       ("Permutation p-value", "permutation_p")):
        cells = [""] * width
        for r, start in zip(results, starts):
            if key in r.stats:
                cells[start] = fmt(r.stats[key], table.decimals)
        if any(cells):
            rows.append(Row((label, *cells), "stat"))
    for r in results:
        eq = r.info.get("equality")
        if eq:
            text = (f"{r.info.get('label', r.model_id)}: equality test of "
                    f"{', '.join(eq['terms'])} across {', '.join(r.components)}, Wald F on the "
                    "fully interacted regression with group-specific fixed effects")
            if "permutations" in eq:
                p = eq["permutations"]
                text += f"; permutation test with {p['reps']} reassignments of {p['level']} groups (seed {p['seed']})"
            notes.append(text + ".")
        sub = r.info.get("subgroups", {})
        if "rule" in sub:
            notes.append(f"{r.info.get('label', r.model_id)}: {sub['rule']} ({sub['level']} level).")
    sections = (*grid.sections, tuple(rows)) if rows else grid.sections
    return replace(grid, id=table.id, label=table.label or f"tab:{table.id}", header=header,
                   sections=sections, notes=(*grid.notes, *notes, *table.notes))
