"""The ``indices:`` stage: composite indices built before any model, saved as indices.csv."""

from __future__ import annotations

from typing import Any, cast

from regiometrics.data.panel import Panel
from regiometrics.errors import RegiometricsError, SpecError
from regiometrics.measure.composite import ComponentRule, IndexResult, Method, build_index
from regiometrics.measure.weighting import WeightingMethod
from regiometrics.pipeline.context import RunContext, Stage
from regiometrics.results import jsonable
from regiometrics.spec.models import StudySpec

_WEIGHTED_SUMS: dict[str, WeightingMethod] = {
    "entropy": "entropy", "critic": "critic", "cv": "cv", "equal": "equal"}


def build_indices(spec: StudySpec, panel: Panel) -> tuple[Panel, dict[str, IndexResult]]:
    """Compute the spec's indices on the (filtered) panel and add them as columns."""
    built: dict[str, IndexResult] = {}
    frame = panel.frame
    for name, ispec in spec.indices.items():
        where = f"indices.{name}"
        if name in frame.columns:
            raise SpecError(f"{where}: the data already have a column {name!r}; choose another name")
        method = "weighted_sum" if ispec.method in _WEIGHTED_SUMS else ispec.method
        weighting = ispec.weighting
        if ispec.method in _WEIGHTED_SUMS:
            if weighting is not None:
                raise SpecError(f"{where}.weighting: method {ispec.method!r} fixes the weights; "
                                "use method 'topsis' to combine a weighting with TOPSIS")
            weighting = _WEIGHTED_SUMS[ispec.method]
        try:
            # the spec's strings go in as the measure's literals: build_index checks them
            # (check_literal) and names a wrong one
            result = build_index(
                frame, ispec.indicators, name=name, method=cast(Method, method),
                weighting=cast("WeightingMethod | dict[str, float] | None", weighting),
                dimension_weights=ispec.dimension_weights,
                components=cast("ComponentRule | int", ispec.components),
                normalize=ispec.normalize,
                entity=panel.entity, time=panel.time,
            )
        except RegiometricsError as exc:
            raise type(exc)(f"{where}: {exc}") from None
        keys = [panel.entity] + ([panel.time] if panel.time else [])
        values = result.values.rename(columns={"entity": panel.entity, "time": panel.time})
        frame = frame.merge(values, on=keys, how="left", validate="one_to_one")
        built[name] = result
    return panel.with_frame(frame), built


def indices_csv(panel: Panel, indices: dict[str, IndexResult]) -> str:
    """entity, time, one column per index (and per dimension sub-index)."""
    keys = [panel.entity] + ([panel.time] if panel.time else [])
    columns = [c for r in indices.values() for c in r.index_columns]
    return panel.frame[keys + columns].to_csv(index=False, float_format="%.17g")


def _run(ctx: RunContext) -> tuple[Panel, dict[str, Any]]:
    return build_indices(ctx.spec, ctx.panel)


def _files(ctx: RunContext) -> dict[str, str | bytes]:
    indices = ctx.artifacts.get("indices", {})
    return {"indices.csv": indices_csv(ctx.panel, indices)} if indices else {}


INDICES_STAGE = Stage(
    section="indices",
    run=_run,
    to_json=lambda built: {k: jsonable(v.to_dict()) for k, v in built.items()},
    files=_files,
)
