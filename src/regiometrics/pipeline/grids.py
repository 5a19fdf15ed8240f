"""Specification grids: expand a base model over every combination of choices and fit each.

Each combination is the base model with the chosen keys replaced (``ModelSpec.replace``,
validated again), fitted by the same :func:`regiometrics.engine.estimate` as any model, so a
grid row equals a separate fit of that model. Execution is in-process, in the grid's order,
with a progress bar over specifications; the work unit is a batch of specifications
(:func:`run_batch`), which takes only picklable values so that a distributed executor can
send it elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from scipy import stats as sps

from regiometrics.data.panel import Panel
from regiometrics.engine import EstimationContext, estimate
from regiometrics.errors import RegiometricsError, SpecError
from regiometrics.pipeline.executor import Executor, InProcessExecutor
from regiometrics.results import GridResult, GridRow, Result
from regiometrics.spec.grids import GridSpec, grid_model_changes
from regiometrics.spec.models import ModelSpec, StudySpec

#: Specifications per work unit.
BATCH = 25


def grid_models(grid: GridSpec, base: ModelSpec) -> list[tuple[dict[str, Any], str, ModelSpec]]:
    """``(choices, reported term, model)`` for every combination of ``grid``.

    Raises
    ------
    SpecError
        A combination the base model cannot take, named by its choices.
    """
    out = []
    for i, choices in enumerate(grid.combinations()):
        where = f"grids.{grid.id}"
        try:
            changes, term = grid_model_changes(base, grid.term, choices)
            model = base.replace(id=f"{grid.id}_{i + 1}", **changes)
        except (ValueError, RegiometricsError) as exc:
            text = str(exc).splitlines()[0] if not isinstance(exc, RegiometricsError) else str(exc)
            raise SpecError(f"{where}: specification {i + 1} {choices}: {text}") from None
        out.append((choices, term, model))
    return out


def _row(grid: GridSpec, choices: dict[str, Any], term: str, result: Result,
         level: float = 0.95) -> GridRow:
    if term not in result.params:
        raise SpecError(f"grids.{grid.id}.term: {term!r} is not a coefficient of specification "
                        f"{choices} (terms: {', '.join(result.params.index)})")
    est, se = float(result.params[term]), float(result.std_errors[term])
    q = (sps.norm.ppf(0.5 + level / 2) if result.df_resid is None
         else sps.t.ppf(0.5 + level / 2, result.df_resid))
    wild = math.nan
    if result.wild_bootstrap is not None and term in result.wild_bootstrap.terms:
        wild = result.wild_bootstrap.terms[term].pvalue
    return GridRow(choices=choices, term=term, estimate=est, std_error=se,
                   pvalue=float(result.pvalues[term]), ci_low=est - q * se,
                   ci_high=est + q * se, nobs=int(result.nobs), wild_pvalue=wild,
                   df_resid=result.df_resid)


def run_batch(items: Sequence[tuple[dict[str, Any], str, ModelSpec]], grid: GridSpec,
              panel: Panel, weights: Mapping[str, Any]) -> list[GridRow]:
    """Fit a batch of a grid's specifications on ``panel`` (the work unit of an executor;
    ``grid``, ``panel`` and ``weights`` are the shared, scattered values)."""
    context = EstimationContext(weights=weights)
    rows = []
    for choices, term, model in items:
        wild = getattr(model, "wild_bootstrap", None)
        if wild is not None and wild.terms != [term]:
            model = model.replace(wild_bootstrap={**wild.model_dump(),
                                                  "terms": [term]})
        try:
            result = estimate(model, panel, context)
        except RegiometricsError as exc:
            raise type(exc)(f"grids.{grid.id}: specification {choices}: {exc}") from None
        rows.append(_row(grid, choices, term, result))
    return rows


def run_grid(grid: GridSpec, spec: StudySpec, panel: Panel,
             weights: Mapping[str, Any] | None = None, *,
             executor: Executor | None = None) -> GridResult:
    """Every specification of ``grid`` fitted by ``executor`` (default: in-process), rows in
    the grid's order."""
    items = grid_models(grid, spec.model(grid.base))
    batches = [items[i:i + BATCH] for i in range(0, len(items), BATCH)]
    executor = executor or InProcessExecutor()
    outputs = executor.map_batches(run_batch, batches, [grid, panel, dict(weights or {})],
                                   desc=f"grid {grid.id}", total=len(items))
    rows = [row for out in outputs for row in out]
    return GridResult(id=grid.id, base=grid.base, term=grid.term,
                      dimensions=tuple(grid.vary.dimensions()), rows=tuple(rows))


def grid_summary_grid(table: Any, ctx: Any) -> Any:
    """Table builder of ``type: grid_summary``."""
    from regiometrics.tables.grid_summary import grid_summary_table

    found = ctx.artifacts.get("grids", {})
    return grid_summary_table([found[g] for g in table.grids], table)


def spec_curve_chart(spec: Any, ctx: Any) -> Any:
    """Figure builder of ``type: spec_curve`` (intervals at the figure's ``level``)."""
    from regiometrics.figures.spec_curve import spec_curve_figure
    from regiometrics.spec.grids import choice_label

    grid: GridResult = ctx.artifacts["grids"][spec.grid]
    lows, highs = [], []
    for r in grid.rows:
        p = 0.5 + spec.level / 2
        q = sps.norm.ppf(p) if r.df_resid is None else sps.t.ppf(p, r.df_resid)
        lows.append(r.estimate - q * r.std_error)
        highs.append(r.estimate + q * r.std_error)
    choices = [[(d, choice_label(d, r.choices[d])) for d in grid.dimensions] for r in grid.rows]
    return spec_curve_figure([r.estimate for r in grid.rows], lows, highs, choices,
                             title=spec.title, ylabel=spec.ylabel or f"Coefficient on {grid.term}")
