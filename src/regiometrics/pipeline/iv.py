"""Pipeline pieces of IV models: the ``first_stage`` table builder."""

from __future__ import annotations

from typing import Any

from regiometrics.errors import SpecError
from regiometrics.pipeline.context import RunContext
from regiometrics.results import Result
from regiometrics.tables.first_stage import first_stage_table
from regiometrics.tables.grid import TableGrid


def first_stage_columns(table: Any, results: dict[str, Result]) -> tuple[list[Result], list[str]]:
    """The first-stage Results a ``first_stage`` table shows, and their column titles.

    A column title is the IV model's ``label`` (or ``(i)`` by model position); every
    endogenous regressor of a model gets its own column, restricted to ``table.endogenous``
    when given.
    """
    columns: list[Result] = []
    labels: list[str] = []
    seen: set[str] = set()
    for i, model_id in enumerate(table.models):
        result = results[model_id]
        if result.type != "iv":
            raise SpecError(
                f"tables.{table.id}.models: {model_id!r} is of type {result.type!r}; a "
                "first_stage table shows the first stages of type 'iv' models only"
            )
        label = result.info.get("label")
        title = label if label not in (None, model_id) else f"({i + 1})"
        for name in result.info.get("endogenous", []):
            seen.add(name)
            if table.endogenous is not None and name not in table.endogenous:
                continue
            columns.append(result.components[f"first_stage:{name}"])
            labels.append(str(title))
    unknown = [e for e in (table.endogenous or []) if e not in seen]
    if unknown:
        raise SpecError(
            f"tables.{table.id}.endogenous: {', '.join(unknown)} is not an endogenous regressor "
            f"of the models {', '.join(table.models)} (they have: {', '.join(sorted(seen))})"
        )
    return columns, labels


def first_stage_grid(table: Any, ctx: RunContext) -> TableGrid:
    """``TABLE_BUILDERS["first_stage"]``: the grid of a first-stage table."""
    columns, labels = first_stage_columns(table, ctx.results)
    return first_stage_table(columns, table, labels=labels)
