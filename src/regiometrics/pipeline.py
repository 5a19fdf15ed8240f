"""The one place that runs a study: data -> models -> tables -> files.

A run computes everything in memory first, writes into a temporary folder inside
the output folder, and moves the files into place only when every model and
table succeeded. It never writes outside the output folder and never touches the
input data.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from regiometrics import __version__
from regiometrics.data.panel import Panel
from regiometrics.data.readers import read_table
from regiometrics.engine import estimate
from regiometrics.engine.describe import describe
from regiometrics.errors import RegiometricsError, SpecError
from regiometrics.measure.composite import IndexResult, build_index
from regiometrics.results import Descriptives, Result, jsonable, result_to_json
from regiometrics.spec.loader import load_spec
from regiometrics.spec.models import StudySpec
from regiometrics.tables import RENDERERS, TableGrid, descriptive_table, regression_table


@dataclass(frozen=True)
class StudyRun:
    """Everything a run produced, before anything is written."""

    spec: StudySpec
    panel: Panel
    results: dict[str, Result]
    descriptives: dict[str, Descriptives]
    indices: dict[str, IndexResult] = field(default_factory=dict)
    grids: dict[str, tuple[TableGrid, list[str]]] = field(default_factory=dict)


def load_panel(spec: StudySpec, base_dir: Path) -> Panel:
    """Read the data file named by the spec (relative to the spec file) and apply the filter."""
    path = Path(spec.data.path)
    if not path.is_absolute():
        path = base_dir / path
    frame = read_table(path, sheet=spec.data.sheet)
    panel = Panel(frame, spec.data.entity, spec.data.time, source=str(path))
    return panel.filtered(spec.data.filter)


_WEIGHTED_SUMS = {"entropy": "entropy", "critic": "critic", "cv": "cv", "equal": "equal"}


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
            result = build_index(
                frame, ispec.indicators, name=name, method=method,
                weighting=weighting, dimension_weights=ispec.dimension_weights,
                components=ispec.components, normalize=ispec.normalize,
                entity=panel.entity, time=panel.time,
            )
        except RegiometricsError as exc:
            raise type(exc)(f"{where}: {exc}") from None
        keys = [panel.entity] + ([panel.time] if panel.time else [])
        values = result.values.rename(columns={"entity": panel.entity, "time": panel.time})
        frame = frame.merge(values, on=keys, how="left", validate="one_to_one")
        built[name] = result
    return Panel(frame, panel.entity, panel.time, panel.source), built


def indices_csv(run: "StudyRun") -> str:
    """entity, time, one column per index (and per dimension sub-index)."""
    keys = [run.panel.entity] + ([run.panel.time] if run.panel.time else [])
    columns = [c for r in run.indices.values() for c in r.index_columns]
    return run.panel.frame[keys + columns].to_csv(index=False, float_format="%.17g")


def compute(spec: StudySpec, base_dir: Path) -> StudyRun:
    """Build indices, fit every model and build every table grid (no files written)."""
    panel, indices = build_indices(spec, load_panel(spec, base_dir))
    results = {m.id: estimate(m, panel) for m in spec.models}
    descriptives = {d.id: describe(panel, d) for d in spec.descriptives}
    grids: dict[str, tuple[TableGrid, list[str]]] = {}
    for table in spec.tables:
        grids[table.id] = (
            regression_table([results[m] for m in table.models], table),
            list(table.formats),
        )
    for d in spec.descriptives:
        grids[d.id] = (descriptive_table(descriptives[d.id], d), list(d.formats))
    return StudyRun(spec, panel, results, descriptives, indices=indices, grids=grids)


def results_document(run: StudyRun) -> dict[str, Any]:
    """The results.json content."""
    return {
        "regiometrics_version": __version__,
        "python": platform.python_version(),
        "data": {
            "path": run.spec.data.path,
            "entity": run.panel.entity,
            "time": run.panel.time,
            "filter": run.spec.data.filter,
            "n_rows": len(run.panel.frame),
            "n_entities": run.panel.n_entities,
            "n_periods": run.panel.n_periods,
            "balanced": run.panel.is_balanced,
        },
        "indices": {k: jsonable(v.to_dict()) for k, v in run.indices.items()},
        "models": {k: result_to_json(v) for k, v in run.results.items()},
        "descriptives": {
            k: [jsonable(asdict(r)) for r in v.rows] for k, v in run.descriptives.items()
        },
        "tables": {k: {"formats": f} for k, (_, f) in run.grids.items()},
        "spec": jsonable(run.spec.model_dump()),
    }


def rendered_files(run: StudyRun) -> dict[str, str]:
    """File name -> content for every output."""
    files = {"results.json": json.dumps(results_document(run), indent=2, allow_nan=False) + "\n"}
    if run.indices:
        files["indices.csv"] = indices_csv(run)
    for table_id, (grid, formats) in run.grids.items():
        for fmt_name in formats:
            render, ext = RENDERERS[fmt_name]
            files[f"{table_id}.{ext}"] = render(grid)
    return files


def write_outputs(files: dict[str, str], out_dir: Path) -> list[Path]:
    """Write all files into a temporary folder inside ``out_dir``, then move them in."""
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".regiometrics-", dir=out_dir))
    try:
        for name, content in files.items():
            (tmp / name).write_text(content, encoding="utf-8")
        written = []
        for name in files:
            os.replace(tmp / name, out_dir / name)
            written.append(out_dir / name)
        return written
    except BaseException:
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_study(spec_path: str | Path, out_dir: str | Path) -> list[Path]:
    """Load, compute and write a study. Nothing is written if anything fails.

    Returns
    -------
    list of Path
        The files written.
    """
    spec_path = Path(spec_path)
    spec = load_spec(spec_path)
    out_dir = Path(out_dir)
    data_path = (spec_path.parent / spec.data.path).resolve()
    try:
        run = compute(spec, spec_path.parent)
        files = rendered_files(run)
    except RegiometricsError as exc:
        raise type(exc)(f"{spec_path}: {exc}") from None
    if any((out_dir / name).resolve() == data_path for name in files):
        raise SpecError(f"{spec_path}: an output would overwrite the input data {data_path}")
    return write_outputs(files, out_dir)
