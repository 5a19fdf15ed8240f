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

from regiometrics.errors import SpecError
from regiometrics.results import Result
from regiometrics.spec.mechanisms import SubgroupTableSpec
from regiometrics.tables.checks import closest
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.mediation import as_regression_spec
from regiometrics.tables.regression import fmt, regression_table
from regiometrics.tables.text import label


def _groups(result: Result, table: SubgroupTableSpec) -> list[str]:
    """The result's group names in the order to print: those named in ``group_order`` (by
    name or label) first, as given, then the others as estimated."""
    names = list(result.components)
    if not table.group_order:
        return names
    by_label = {table.group_labels.get(n, n): n for n in names}
    chosen = [n for g in table.group_order if (n := by_label.get(g, g)) in names]
    return chosen + [n for n in names if n not in chosen]


def _check_group_order(results: Sequence[Result], table: SubgroupTableSpec) -> None:
    known = [x for r in results for n in r.components for x in (n, table.group_labels.get(n, n))]
    for g in table.group_order or []:
        if g not in known:
            raise SpecError(f"tables.{table.id}.group_order: {g!r} is not a group of "
                            f"{', '.join(r.model_id for r in results)}{closest(g, known)} "
                            f"(groups: {', '.join(dict.fromkeys(known))})")


def subgroup_table(results: Sequence[Result], table: SubgroupTableSpec) -> TableGrid:
    """The neutral grid of a subgroup table from subgroup Results (``by``/``split``/``periods``)."""
    _check_group_order(results, table)
    comps: list[Result] = []
    names: list[str] = []
    starts: list[int] = []
    for r in results:
        starts.append(len(comps))
        for name in _groups(r, table):
            comps.append(r.components[name])
            names.append(table.group_labels.get(name, name))
    width = len(comps)
    lang = table.language
    rows = []
    wanted = ["equality_p", "permutation_p"] if table.test_rows is None else table.test_rows
    for key in wanted:
        cells = [""] * width
        for r, start in zip(results, starts):
            if key in r.stats:
                cells[start] = fmt(r.stats[key], table.decimals)
        if any(cells):
            rows.append(Row((table.test_labels.get(key, label(lang, key)), *cells), "stat"))
        elif table.test_rows is not None:
            raise SpecError(f"tables.{table.id}.test_rows: no model in this table ran {key!r} "
                            "(permutation_p needs permutations: N and a seed on the model)")
    named = table.group_labels
    notes = []
    for r in results:
        notes += [_test_note(r, lang, named)] if r.info.get("equality") else []
        notes += [_rule_note(r, lang, named)] if "rule" in r.info.get("subgroups", {}) else []
    spec = as_regression_spec(table, [c.model_id for c in comps],
                              column_titles=table.column_titles or names)
    grid = regression_table(comps, spec, extra=rows, extra_notes=notes)
    return replace(grid, id=table.id, label=table.label or f"tab:{table.id}")


def _test_note(r: Result, lang: str, named: dict[str, str]) -> str:
    """What the equality (and permutation) test is, in the table's language, naming the
    groups as the header does (``group_labels``)."""
    eq, name = r.info["equality"], r.info.get("label", r.model_id)
    groups = [named.get(str(g), str(g)) for g in r.components]
    p = eq.get("permutations")
    if lang == "zh":
        text = (f"{name}：{'、'.join(eq['terms'])}在{'、'.join(groups)}组间的系数差异检验，"
                "为完全交互回归（各组固定效应）的Wald F检验")
        if p:
            level = "个体" if p["level"] == "entity" else "观测"
            text += f"；置换检验按{level}重新分组{p['reps']}次（种子{p['seed']}）"
        return text + "。"
    text = (f"{name}: equality test of {', '.join(eq['terms'])} across "
            f"{', '.join(groups)}, Wald F on the fully interacted regression with "
            "group-specific fixed effects")
    if p:
        text += (f"; permutation test with {p['reps']} reassignments of {p['level']} groups "
                 f"(seed {p['seed']})")
    return text + "."


def _rule_note(r: Result, lang: str, named: dict[str, str]) -> str:
    """The split rule: ``high: entity mean of unemp > 6.74 (entity level)``, the group named
    as the header names it."""
    sub, name = r.info["subgroups"], r.info.get("label", r.model_id)
    if lang == "zh" and {"split", "cut", "level"} <= set(sub):
        what = f"个体{sub['split']}均值" if sub["level"] == "entity" else str(sub["split"])
        by = "按个体" if sub["level"] == "entity" else "按观测"
        return (f"{name}：{named.get('high', 'high')}组为{what} > {float(sub['cut']):.6g}"
                f"（{by}划分）。")
    if {"split", "cut", "level"} <= set(sub):
        what = f"entity mean of {sub['split']}" if sub["level"] == "entity" else sub["split"]
        return (f"{name}: {named.get('high', 'high')}: {what} > {float(sub['cut']):.6g} "
                f"({sub['level']} level).")
    return f"{name}: {sub['rule']} ({sub['level']} level)."
