"""Descriptive-statistics table in the layout of the seed paper 003's Table 3:
``Types of variables | Variables | N | Mean | SD | Min | Max``."""

from __future__ import annotations

from regiometrics.results import Descriptives
from regiometrics.spec.models import DescriptiveSpec
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.regression import fmt
from regiometrics.tables.text import final_notes

_EN = {"group": "Types of variables", "variable": "Variables", "n": "N", "mean": "Mean",
       "sd": "SD", "min": "Min", "max": "Max"}
_ZH = {"group": "变量类型", "variable": "变量", "n": "观测值", "mean": "均值", "sd": "标准差",
       "min": "最小值", "max": "最大值"}


def descriptive_table(desc: Descriptives, spec: DescriptiveSpec) -> TableGrid:
    """Grid with one row per variable; the group label shown on a group's first row."""
    grouped = any(r.group for r in desc.rows)
    words = {**(_ZH if spec.language == "zh" else _EN),
             **{str(k): v for k, v in spec.header.items()}}
    keys = (("group",) if grouped else ()) + ("variable", "n", "mean", "sd", "min", "max")
    head = tuple(words[k] for k in keys)
    rows = []
    previous = None
    for r in desc.rows:
        name = spec.rename.get(r.variable, r.variable)
        numbers = (str(r.n), *(fmt(v, spec.decimals) for v in (r.mean, r.sd, r.min, r.max)))
        lead = ((r.group if r.group != previous else "",) if grouped else ())
        previous = r.group
        rows.append(Row((*lead, name, *numbers), "body"))
    stub = 2 if grouped else 1
    return TableGrid(
        id=spec.id,
        title=spec.title,
        label=spec.label or f"tab:{spec.id}",
        header=(Row(head, "header"),),
        sections=(tuple(rows),),
        align="l" * stub + "c" * 5,
        stub_columns=stub,
        notes=final_notes(spec, []),
    )
