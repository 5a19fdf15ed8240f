"""Descriptive statistics of panel variables (N, mean, SD with n-1, min, max)."""

from __future__ import annotations

from regiometrics.data.panel import Panel
from regiometrics.results import DescriptiveRow, Descriptives
from regiometrics.spec.models import DescriptiveSpec


def describe(panel: Panel, spec: DescriptiveSpec) -> Descriptives:
    """Summaries over the non-missing values of each variable (operators allowed: ``L.x``)."""
    pairs: list[tuple[str | None, str]] = (
        [(g, v) for g, vs in spec.groups.items() for v in vs]
        if spec.groups is not None
        else [(None, v) for v in spec.variables or []]
    )
    rows = []
    for group, name in pairs:
        values = panel.variable(name, where=f"descriptives.{spec.id}").dropna()
        rows.append(DescriptiveRow(
            group=group, variable=name, n=int(values.size), mean=float(values.mean()),
            sd=float(values.std(ddof=1)), min=float(values.min()), max=float(values.max()),
        ))
    return Descriptives(id=spec.id, rows=tuple(rows))
