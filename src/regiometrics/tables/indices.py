"""Composite-index tables in the layouts of seed 002: weights (Table 2), entity x year
values with a mean row (Table 3) and the rank-band typology (Table 4).

Inputs are plain DataFrames (the pipeline converts measure results), so this module
knows nothing of how the index was computed.
"""

from __future__ import annotations

import math

import pandas as pd

from regiometrics.errors import SpecError
from regiometrics.spec.index_outputs import (
    IndexValuesTableSpec,
    IndexWeightsTableSpec,
    TypologyTableSpec,
)
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.regression import fmt
from regiometrics.tables.text import final_notes


def index_weights_table(weights: pd.DataFrame, spec: IndexWeightsTableSpec) -> TableGrid:
    """One row per indicator: [target], dimension and [sub-dimension] (on their first rows),
    indicator, [explanation], direction, weight.

    Parameters
    ----------
    weights
        Columns ``time`` (``None`` for pooled weights, else one reference year per row set),
        ``dimension``, ``subdimension`` (optional), ``indicator``, ``direction``, ``weight``
        and ``dimension_weight``.
    spec
        The table spec; weights are printed x 100 when ``spec.percent``.

    Notes
    -----
    With dimensions, a dimension's own weight ``W_d = sum_{j in d} w_j`` is printed in the
    "Dimension weight" column on the dimension's first row. With per-year weights there is
    one weight column per year and no dimension-weight column. A hierarchy level's label is
    printed on the first row of each run of equal values (a sub-dimension restarts with its
    dimension), as merged cells print in a journal.
    """
    scale = 100.0 if spec.percent else 1.0
    times = weights["time"].drop_duplicates().tolist()
    pooled = len(times) == 1
    has_dims = weights["dimension"].notna().any()
    has_sub = "subdimension" in weights and weights["subdimension"].notna().any()
    first = weights.drop_duplicates("indicator")
    unknown = sorted(set(spec.explanations) - set(first["indicator"]))
    if unknown:
        raise SpecError(f"tables.{spec.id}.explanations: {unknown} are not indicators of index "
                        f"{spec.index!r}; its indicators: {', '.join(first['indicator'])}")
    unit = " (%)" if spec.percent else ""
    cell = {"target": "", "dimension": "Dimension", "subdimension": "Sub-dimension",
            "indicator": "Indicator", "explanation": "Explanation", "direction": "Direction",
            "weight": f"Weight{unit}", "dimension_weight": f"Dimension weight{unit}",
            **{str(k): v for k, v in spec.header.items()}}
    show_dim_weight = has_dims and spec.dimension_weight
    levels = (["target"] if spec.target is not None else []) + (
        ["dimension"] if has_dims else []) + (["subdimension"] if has_sub else [])
    texts = ["indicator"] + (["explanation"] if spec.explanations else [])
    head: tuple[str, ...] = tuple(cell[k] for k in levels + texts)
    head += (cell["direction"],) if spec.direction else ()
    if not spec.weight_columns:
        pass
    elif pooled:
        head += (cell["weight"],) + ((cell["dimension_weight"],) if show_dim_weight else ())
    else:
        head += tuple(str(t) for t in times)
    rows = []
    previous: dict[str, object] = {}
    for i, (_, r) in enumerate(first.iterrows()):
        dim = r["dimension"]
        is_first = i == 0 or dim != previous.get("dimension")
        lead: list[str] = []
        for level in levels:
            if level == "target":
                lead.append(str(spec.target) if i == 0 else "")
                continue
            value = r[level]
            new = is_first or value != previous.get(level)
            lead.append(spec.rename.get(str(value), str(value))
                        if new and isinstance(value, str) else "")
        previous = {"dimension": dim, "subdimension": r.get("subdimension")}
        cells = (*lead, spec.rename.get(r["indicator"], r["indicator"]))
        if spec.explanations:
            cells += (spec.explanations.get(r["indicator"], ""),)
        cells += (str(r["direction"]),) if spec.direction else ()
        if not spec.weight_columns:
            pass
        elif pooled:
            cells += (fmt(scale * r["weight"], spec.decimals),)
            if show_dim_weight:
                cells += (fmt(scale * r["dimension_weight"], spec.decimals) if is_first else "",)
        else:
            own = weights[weights["indicator"] == r["indicator"]]
            per_year = dict(zip(own["time"], own["weight"], strict=True))
            cells += tuple(fmt(scale * per_year[t], spec.decimals) for t in times)
        rows.append(Row(cells, "body"))
    stub = len(levels) + len(texts) + int(spec.direction)
    align = "l" * stub + "c" * (len(head) - stub)
    if spec.explanations:  # the text columns wrap within the text width (tabularx)
        align = "X" * (len(levels) + len(texts)) + align[len(levels) + len(texts):]
    return TableGrid(
        id=spec.id,
        title=spec.title,
        label=spec.label or f"tab:{spec.id}",
        header=(Row(head, "header"),),
        sections=(tuple(rows),),
        notes=final_notes(spec, []),
        align=align,
        stub_columns=stub,
    )


def index_values_table(
    table: pd.DataFrame, spec: IndexValuesTableSpec, *, entity_label: str
) -> TableGrid:
    """Entities (rows) x years (columns) of one column, with the mean row in its own section.

    Parameters
    ----------
    table
        Index = entities (and the mean label last when ``spec.mean_row``), columns = years,
        as :func:`regiometrics.measure.typology.index_table` returns.
    """
    years = [str(c) for c in table.columns]
    head = Row((spec.entity_label or entity_label, *years), "header")
    body: list[Row] = []
    mean: list[Row] = []
    for name, values in table.iterrows():
        cells = (spec.rename.get(str(name), str(name)),
                 *(fmt(_float(v), spec.decimals) for v in values))
        is_mean = spec.mean_row and str(name) == spec.mean_label and name == table.index[-1]
        (mean if is_mean else body).append(Row(cells, "body"))
    sections = (tuple(body),) + ((tuple(mean),) if mean else ())
    return TableGrid(
        id=spec.id,
        title=spec.title,
        label=spec.label or f"tab:{spec.id}",
        header=(head,),
        sections=sections,
        notes=final_notes(spec, []),
        align="l" + "c" * len(years),
    )


def typology_table(table: pd.DataFrame, spec: TypologyTableSpec) -> TableGrid:
    """One row per type: name, the entities in it, the rank bands that define it.

    Parameters
    ----------
    table
        One row per (band_x, band_y) cell with columns ``type``, ``entities``, ``count`` and
        the rank ranges ``lo_x, hi_x, lo_y, hi_y``.
    """
    x_name = spec.rename.get(spec.x, spec.x)
    y_name = spec.rename.get(spec.y, spec.y)
    rows = []
    for _, r in table.iterrows():
        if r["count"] == 0 and not spec.empty_types:
            continue
        name = spec.type_names.get(r["type"], r["type"])
        why = f"{x_name} ranked {r['lo_x']}-{r['hi_x']}; {y_name} ranked {r['lo_y']}-{r['hi_y']}"
        rows.append(Row((name, r["entities"], why), "body"))
    return TableGrid(
        id=spec.id,
        title=spec.title,
        label=spec.label or f"tab:{spec.id}",
        header=(Row(tuple({"type": "Type", "entities": "Entities", "explanation": "Explanation",
                           **spec.header}[k] for k in ("type", "entities", "explanation")),
                    "header"),),
        sections=(tuple(rows),),
        notes=final_notes(spec, []),
        align="lXX",
        stub_columns=1,
    )


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
