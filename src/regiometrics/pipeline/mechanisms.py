"""Table and figure builders for mechanism analyses (mediation, moderation, subgroups)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regiometrics.errors import SpecError
from regiometrics.pipeline.context import RunContext
from regiometrics.results import Result
from regiometrics.tables.grid import TableGrid
from regiometrics.tables.marginal import marginal_effects_table
from regiometrics.tables.mediation import mediation_table
from regiometrics.tables.subgroups import subgroup_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _marginal_result(model_id: str, ctx: RunContext, where: str) -> Result:
    result = ctx.results[model_id]
    if "marginal" not in result.effects:
        raise SpecError(f"{where}.model: {model_id!r} has no marginal effects (a subgroup model "
                        "keeps them per group); use a model with treatment and moderator")
    return result


def mediation_grid(table: Any, ctx: RunContext) -> TableGrid:
    """``type: mediation`` table of one mediation model."""
    return mediation_table(ctx.results[table.model], table)


def subgroup_grid(table: Any, ctx: RunContext) -> TableGrid:
    """``type: subgroups`` table of one or more subgroup models."""
    return subgroup_table([ctx.results[m] for m in table.models], table)


def marginal_grid(table: Any, ctx: RunContext) -> TableGrid:
    """``type: marginal_effects`` table of a model with a moderator."""
    return marginal_effects_table(_marginal_result(table.model, ctx, f"tables.{table.id}"), table)


def marginal_figure(figure: Any, ctx: RunContext) -> Figure:
    """``type: marginal_effects`` figure: effect over the stored moderator values, CI band."""
    # imported here so that matplotlib loads only when a figure is drawn
    from regiometrics.figures.marginal import marginal_effect_figure
    result = _marginal_result(figure.model, ctx, f"figures.{figure.id}")
    meta = result.info["marginal"]
    effects = result.effects["marginal"]
    keys = list(effects)
    return marginal_effect_figure(
        [meta["at"][k] for k in keys], [effects[k].estimate for k in keys],
        [effects[k].ci_low for k in keys], [effects[k].ci_high for k in keys],
        xlabel=figure.xlabel or meta["moderator"],
        ylabel=figure.ylabel or f"marginal effect of {meta['treatment']}",
        title=figure.title, width=figure.width, height=figure.height,
    )
