"""The ``aggregate:`` stage: provinces -> regions (sums and weighted means) before the others."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.errors import DataError, SpecError
from regiometrics.pipeline.context import RunContext, Stage
from regiometrics.spec.aggregate import AggregateSpec


def aggregate_panel(panel: Panel, spec: AggregateSpec) -> Panel:
    """The panel of the units of ``spec.by``, one row per unit-period.

    Notes
    -----
    For unit ``g`` and period ``t`` with members ``i``: ``S_gt = sum_i x_it`` (``sum``) and
    ``M_gt = sum_i w_it x_it / sum_i w_it`` (``mean`` with weight ``w``; equal weights when
    none). A missing value in a member makes the result a DataError naming the entity-periods,
    never a silently smaller total.
    """
    where = "aggregate"
    frame = panel.frame
    panel.require([spec.by], where=f"{where}.by")
    panel.require(list(spec.sum), where=f"{where}.sum")
    panel.require(list(spec.mean) + [w for w in spec.mean.values() if w], where=f"{where}.mean")
    if not spec.sum and not spec.mean:
        raise SpecError(f"{where}: give the columns to aggregate under 'sum' and/or 'mean'")
    units = frame.groupby(panel.entity)[spec.by].nunique(dropna=False)
    if (units > 1).any():
        raise DataError(f"{where}.by: entities in more than one {spec.by!r}: "
                        f"{sorted(map(str, units[units > 1].index))[:10]}; each entity "
                        "belongs to one unit")
    used = list(dict.fromkeys([*spec.sum, *spec.mean, *(w for w in spec.mean.values() if w)]))
    bad = frame[frame[used].isna().any(axis=1)]
    if len(bad):
        pairs = list(zip(bad[panel.entity], bad[panel.time] if panel.time else bad[panel.entity]))
        raise DataError(f"{where}: missing values in {', '.join(used)} at ({panel.entity}, "
                        f"{panel.time}) {pairs[:10]}; fill or filter them before aggregating")
    keys = [spec.by] + ([panel.time] if panel.time else [])
    groups = frame.groupby(keys, sort=True)
    out = groups[list(spec.sum)].sum() if spec.sum else pd.DataFrame(index=groups.size().index)
    for col, weight in spec.mean.items():
        w = frame[weight] if weight else pd.Series(1.0, index=frame.index)
        num = (frame[col] * w).groupby([frame[k] for k in keys]).sum()
        den = w.groupby([frame[k] for k in keys]).sum()
        out[col] = np.where(den != 0, num / den.replace(0, np.nan), np.nan)
    return Panel(out.reset_index(), spec.by, panel.time, source=f"{panel.source} ({where})")


def _run(ctx: RunContext) -> tuple[Panel, dict[str, Any]]:
    spec = ctx.spec.aggregate
    if spec is None:
        return ctx.panel, {}
    panel = aggregate_panel(ctx.panel, spec)
    return panel, {"by": spec.by, "n_units": int(panel.frame[spec.by].nunique()),
                   "sum": list(spec.sum), "mean": dict(spec.mean)}


AGGREGATE_STAGE = Stage(section="aggregate", run=_run,
                        to_json=lambda built: built or None)
