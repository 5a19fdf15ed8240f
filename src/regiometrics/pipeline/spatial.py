"""The spatial parts of a run: the ``weights`` and ``moran`` stages, the ``moran`` and
``spatial_effects`` table kinds and the ``moran_scatter`` figure kind.

* ``weights`` stage: builds every matrix of the spec's ``weights:`` block (file paths relative
  to the spec file), aligns it to the panel's entities (sorted; a mismatch lists the names on
  each side), row-standardises it unless ``row_standardize: false`` and writes a summary per
  matrix to results.json ``weights``. Estimators receive the matrices through
  ``EstimationContext.weights``.
* ``moran`` stage: global Moran's I per entry, variable, matrix and period
  (:func:`~regiometrics.measure.moran.moran_panel`), results.json ``moran.<id>`` rows with
  exactly :data:`~regiometrics.measure.moran.MORAN_FIELDS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.data.readers import read_table
from regiometrics.data.weights import (
    SpatialWeights,
    economic_distance,
    inverse_distance,
    knn,
    name_list,
    nested,
)
from regiometrics.data.weights_io import contiguity, read_adjacency_list, read_matrix_file
from regiometrics.errors import DataError, RegiometricsError, SpecError
from regiometrics.measure.moran import moran_panel, moran_scatter
from regiometrics.pipeline.context import FigureBuilder, RunContext, Stage, TableBuilder
from regiometrics.results import jsonable
from regiometrics.spec.models import StudySpec
from regiometrics.tables import TableGrid
from regiometrics.tables.spatial import moran_table, spatial_effects_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# ---------------------------------------------------------------- weights
def _file(base_dir: Path, path: str, key: str) -> Path:
    p = Path(path)
    p = p if p.is_absolute() else base_dir / p
    if not p.is_file():
        raise DataError(f"{key}: file {str(p)!r} does not exist; paths are read relative to "
                        "the spec file")
    return p


def _coords(ws: Any, panel: Panel, base_dir: Path) -> tuple[pd.DataFrame, str]:
    frame = read_table(_file(base_dir, ws.coords, "coords"))
    return frame, ws.entity or panel.entity


def build_one(ws: Any, panel: Panel, base_dir: Path) -> SpatialWeights:
    """The raw (untransformed) matrix a weights spec declares."""
    if ws.type in ("inverse_distance", "knn", "nested"):
        coords, entity = _coords(ws, panel, base_dir)
        if ws.type == "knn":
            return knn(coords, entity=entity, k=ws.k, lon=ws.lon, lat=ws.lat)
        geo = inverse_distance(coords, entity=entity, lon=ws.lon, lat=ws.lat, power=ws.power,
                               cutoff_km=ws.cutoff)
        if ws.type == "inverse_distance":
            return geo
        econ = economic_distance(panel.frame, entity=panel.entity, variable=ws.variable)
        return nested(geo, econ)
    if ws.type == "economic_distance":
        return economic_distance(panel.frame, entity=panel.entity, variable=ws.variable)
    if ws.type == "matrix":
        return read_matrix_file(_file(base_dir, ws.path, "path"), sheet=ws.sheet)
    if ws.type == "adjacency":
        return read_adjacency_list(_file(base_dir, ws.path, "path"), source=ws.source,
                                   target=ws.target, weight=ws.weight, symmetric=ws.symmetric)
    if ws.type == "contiguity":
        return contiguity(_file(base_dir, ws.path, "path"), id_column=ws.id_column, rule=ws.rule)
    raise SpecError(f"unknown weights type {ws.type!r}")  # pragma: no cover - spec validates


def panel_entities(panel: Panel) -> list[Any]:
    """The panel's entity ids, sorted (order of appearance if they do not sort)."""
    ents = [e.item() if isinstance(e, np.generic) else e for e in pd.unique(panel.frame[panel.entity])]
    try:
        return sorted(ents)
    except TypeError:
        return ents


def build_weights(spec: StudySpec, panel: Panel, base_dir: Path) -> dict[str, SpatialWeights]:
    """Every matrix of ``spec.weights``, aligned to the panel's entities, row-standardised
    unless ``row_standardize: false``.

    Raises
    ------
    DataError
        Missing files, bad matrices, or entities that differ from the panel's; the message
        starts with ``weights.<name>`` and lists the names missing on each side.
    """
    ents = panel_entities(panel)
    built: dict[str, SpatialWeights] = {}
    for name, ws in spec.weights.items():
        try:
            w = build_one(ws, panel, base_dir).align(ents)
            built[name] = w.row_standardize() if ws.row_standardize else w
        except RegiometricsError as exc:
            raise type(exc)(f"weights.{name}: {exc}") from None
    return built


def weights_summary(w: SpatialWeights) -> dict[str, Any]:
    """results.json record of one matrix.

    ``nonzero_share`` is the share of the N^2 cells that are non-zero (libpysal's
    ``pct_nonzero`` / 100); ``neighbours`` the min/mean/max number of non-zero weights per row.
    """
    card = np.asarray(w.cardinalities, dtype=float)
    m = w.to_sparse()
    asym = abs(m - m.T)
    return {
        "kind": w.kind,
        "n": w.n,
        "nonzero_share": float(card.sum()) / (w.n * w.n),
        "row_standardized": w.transform == "r",
        "symmetric": bool(asym.nnz == 0 or asym.max() <= 1e-14),
        "n_islands": len(w.islands),
        "islands": list(w.islands),
        "neighbours": {"min": float(card.min()), "mean": float(card.mean()),
                       "max": float(card.max())},
    }


def _run_weights(ctx: RunContext) -> tuple[Panel, dict[str, Any]]:
    return ctx.panel, build_weights(ctx.spec, ctx.panel, ctx.base_dir)


WEIGHTS_STAGE = Stage(
    section="weights",
    run=_run_weights,
    to_json=lambda built: {k: jsonable(weights_summary(w)) for k, w in built.items()},
)


# ------------------------------------------------------------------ Moran
def run_moran(spec: StudySpec, panel: Panel, weights: dict[str, SpatialWeights]) -> dict[str, pd.DataFrame]:
    """``moran.<id>`` rows for every entry of ``spec.moran`` (one row per variable x matrix x
    period, columns :data:`~regiometrics.measure.moran.MORAN_FIELDS`)."""
    out: dict[str, pd.DataFrame] = {}
    for entry in spec.moran:
        where = f"moran.{entry.id}"
        if panel.time is None:
            raise SpecError(f"{where}: Moran's I per period needs data.time")
        panel.require(list(entry.variables), where=f"{where}.variables")
        missing = [n for n in entry.weights if n not in weights]
        if missing:
            raise SpecError(f"{where}.weights: unknown weights {missing}; defined: "
                            f"{', '.join(weights) or 'none'}")
        try:
            out[entry.id] = moran_panel(
                panel.frame, entity=panel.entity, time=panel.time,
                variables=list(entry.variables), weights={n: weights[n] for n in entry.weights},
                permutations=entry.permutations, seed=entry.seed, alternative=entry.alternative,
            )
        except RegiometricsError as exc:
            raise type(exc)(f"{where}: {exc}") from None
    return out


def _run_moran(ctx: RunContext) -> tuple[Panel, dict[str, Any]]:
    return ctx.panel, run_moran(ctx.spec, ctx.panel, ctx.artifacts.get("weights", {}))


MORAN_STAGE = Stage(
    section="moran",
    run=_run_moran,
    to_json=lambda built: {k: jsonable(v.to_dict("records")) for k, v in built.items()},
)


# ------------------------------------------------------- tables, figures
def _moran_grid(table: Any, ctx: RunContext) -> TableGrid:
    rows = ctx.artifact("moran", table.moran, where=f"tables.{table.id}.moran")
    entry = next(m for m in ctx.spec.moran if m.id == table.moran)
    return moran_table(rows, table, entry=entry)


def _effects_grid(table: Any, ctx: RunContext) -> TableGrid:
    return spatial_effects_table([ctx.results[m] for m in table.models], table)


def _moran_scatter(fig: Any, ctx: RunContext) -> Figure:
    # imported here so that matplotlib loads only when a figure is drawn
    from regiometrics.figures.spatial import moran_scatter_figure
    where = f"figures.{fig.id}"
    w = ctx.artifact("weights", fig.weights, where=f"{where}.weights")
    panel = ctx.panel
    if panel.time is None:
        raise SpecError(f"{where}.time: a Moran scatter plot of one period needs data.time")
    panel.require([fig.variable], where=f"{where}.variable")
    frame = panel.frame
    rows = frame[frame[panel.time].astype(str) == str(fig.time)]
    if rows.empty:
        periods = sorted(pd.unique(frame[panel.time]))
        raise DataError(f"{where}.time: no rows with {panel.time} = {fig.time!r}; periods in "
                        f"the data: {name_list(periods)}")
    values = rows.set_index(panel.entity)[fig.variable]
    try:
        scatter = moran_scatter(values, w)
    except RegiometricsError as exc:
        raise type(exc)(f"{where}: {exc}") from None
    title = fig.title if fig.title is not None else (
        f"Moran scatter plot: {fig.variable}, {fig.time} ({fig.weights})")
    return moran_scatter_figure(
        scatter.z, scatter.wz, slope=scatter.slope, intercept=scatter.intercept,
        moran_i=scatter.I, labels=scatter.entities if fig.label_points else None, title=title,
        xlabel=f"{fig.variable} (standardised)", ylabel=f"W {fig.variable}",
    )


#: Registered in :mod:`regiometrics.pipeline.run`.
SPATIAL_STAGES: list[Stage] = [WEIGHTS_STAGE, MORAN_STAGE]
SPATIAL_TABLE_BUILDERS: dict[str, TableBuilder] = {
    "moran": _moran_grid,
    "spatial_effects": _effects_grid,
}
SPATIAL_FIGURE_BUILDERS: dict[str, FigureBuilder] = {"moran_scatter": _moran_scatter}
