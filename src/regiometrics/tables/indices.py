"""Composite-index tables in the layouts of seed 002: weights (Table 2), entity x year
values with a mean row (Table 3) and the rank-band typology (Table 4).

Inputs are plain DataFrames (the pipeline converts measure results), so this module
knows nothing of how the index was computed.
"""

from __future__ import annotations

import math

import pandas as pd

from regiometrics.spec.index_outputs import (
    IndexValuesTableSpec,
    IndexWeightsTableSpec,
    TypologyTableSpec,
)
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.regression import fmt
from regiometrics.tables.text import final_notes


def index_weights_table(weights: pd.DataFrame, spec: IndexWeightsTableSpec) -> TableGrid:
    """One row per indicator: dimension (on its first row), indicator, direction, weight.

    Parameters
    ----------
    weights
        Columns ``time`` (``None`` for pooled weights, else one reference year per row set),
        ``dimension``, ``indicator``, ``direction``, ``weight`` and ``dimension_weight``.
    spec
        The table spec; weights are printed x 100 when ``spec.percent``.

    Notes
    -----
    With dimensions, a dimension's own weight ``W_d = sum_{j in d} w_j`` is printed in the
    "Dimension weight" column on the dimension's first row. With per-year weights there is
    one weight column per year and no dimension-weight column.
    """
    scale = 100.0 if spec.percent else 1.0
    times = weights["time"].drop_duplicates().tolist()
    pooled = len(times) == 1
    has_dims = weights["dimension"].notna().any()
    first = weights.drop_duplicates("indicator")
    unit = " (%)" if spec.percent else ""
    cell = {"dimension": "Dimension", "indicator": "Indicator", "direction": "Direction",
            "weight": f"Weight{unit}", "dimension_weight": f"Dimension weight{unit}",
            **spec.header}
    show_dim_weight = has_dims and spec.dimension_weight
    head: tuple[str, ...] = ((cell["dimension"],) if has_dims else ()) + (cell["indicator"],)
    head += (cell["direction"],) if spec.direction else ()
    if not spec.weight_columns:
        pass
    elif pooled:
        head += (cell["weight"],) + ((cell["dimension_weight"],) if show_dim_weight else ())
    else:
        head += tuple(str(t) for t in times)
    rows = []
    previous = object()
    for _, r in first.iterrows():
        dim = r["dimension"]
        lead: tuple[str, ...] = ()
        is_first = dim != previous
        if has_dims:
            lead = (spec.rename.get(str(dim), str(dim)) if is_first else "",)
        previous = dim
        cells = lead + (spec.rename.get(r["indicator"], r["indicator"]),)
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
    stub = (len(head) if not spec.weight_columns
            else len(head) - (len(times) if not pooled else 1 + int(show_dim_weight)))
    return TableGrid(
        id=spec.id,
        title=spec.title,
        label=spec.label or f"tab:{spec.id}",
        header=(Row(head, "header"),),
        sections=(tuple(rows),),
        notes=final_notes(spec, []),
        align="l" * stub + "c" * (len(head) - stub),
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
    body, mean = [], []
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
