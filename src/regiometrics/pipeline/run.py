"""Run a study: data -> stages -> models -> tables and figures -> files.

A run computes everything in memory first, writes into a temporary folder inside
the output folder, and moves the files into place only when every model, table and
figure succeeded. It never writes outside the output folder and never touches the
input data.
"""

from __future__ import annotations

import io
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regiometrics import __version__
from regiometrics.data.panel import Panel
from regiometrics.data.readers import read_table
from regiometrics.engine import EstimationContext, estimate
from regiometrics.engine.describe import describe
from regiometrics.errors import OutputError, RegiometricsError
from regiometrics.pipeline.aggregate import AGGREGATE_STAGE
from regiometrics.pipeline.charts import CHART_BUILDERS
from regiometrics.pipeline.context import FigureBuilder, RunContext, Stage, TableBuilder
from regiometrics.pipeline.entities import composite_entity
from regiometrics.pipeline.executor import Executor, make_executor
from regiometrics.pipeline.grids import grid_summary_grid, run_grid, spec_curve_chart
from regiometrics.pipeline.index_outputs import (
    index_means_chart,
    typology_grid,
    values_grid,
    weights_grid,
)
from regiometrics.pipeline.indices import INDICES_STAGE
from regiometrics.pipeline.iv import first_stage_grid
from regiometrics.pipeline.manifest import build_manifest, manifest_text, sha256_bytes
from regiometrics.pipeline.measures import (
    MEASURES_STAGE,
    dagum_grid,
    imbalance_grid,
    kde_builder,
    resilience_grid,
    theil_grid,
)
from regiometrics.pipeline.mechanisms import (
    marginal_figure,
    marginal_grid,
    mediation_grid,
    subgroup_grid,
)
from regiometrics.pipeline.spatial import (
    SPATIAL_FIGURE_BUILDERS,
    SPATIAL_STAGES,
    SPATIAL_TABLE_BUILDERS,
)
from regiometrics.results import Descriptives, Result, jsonable, result_to_json
from regiometrics.spec.loader import load_spec
from regiometrics.spec.models import FIGURE_KINDS, TABLE_KINDS, StudySpec
from regiometrics.spec.paths import input_files, is_plain_name
from regiometrics.tables import RENDERERS, TableGrid, descriptive_table, regression_table
from regiometrics.tables.grid import with_layout

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Pre-model stages in the order they run.
STAGES: list[Stage] = [AGGREGATE_STAGE, INDICES_STAGE]  # aggregation first: all else on units
STAGES.append(MEASURES_STAGE)  # after indices: a measure may use an index column
STAGES += SPATIAL_STAGES


def _regression_grid(table: Any, ctx: RunContext) -> TableGrid:
    return regression_table([ctx.results[m] for m in table.models], table)


#: Table kind -> grid builder (keys match ``TABLE_KINDS``).
TABLE_BUILDERS: dict[str, TableBuilder] = {
    "regression": _regression_grid,
    "index_weights": weights_grid,
    "index_values": values_grid,
    "typology": typology_grid,
    "theil": theil_grid,
    "imbalance": imbalance_grid,
    "resilience": resilience_grid,
    "dagum": dagum_grid,
    "first_stage": first_stage_grid,
}
TABLE_BUILDERS.update(SPATIAL_TABLE_BUILDERS)
TABLE_BUILDERS["mediation"] = mediation_grid
TABLE_BUILDERS["subgroups"] = subgroup_grid
TABLE_BUILDERS["marginal_effects"] = marginal_grid
TABLE_BUILDERS["grid_summary"] = grid_summary_grid
#: Figure kind -> figure builder (keys match ``FIGURE_KINDS``).
FIGURE_BUILDERS: dict[str, FigureBuilder] = {
    "index_means": index_means_chart,
    "kde": kde_builder,
}
FIGURE_BUILDERS.update(SPATIAL_FIGURE_BUILDERS)
FIGURE_BUILDERS["marginal_effects"] = marginal_figure
FIGURE_BUILDERS["spec_curve"] = spec_curve_chart
FIGURE_BUILDERS.update(CHART_BUILDERS)

_missing = (set(TABLE_KINDS) ^ set(TABLE_BUILDERS)) | (set(FIGURE_KINDS) ^ set(FIGURE_BUILDERS))
assert not _missing, f"table/figure kinds without a builder (or the reverse): {_missing}"


@dataclass(frozen=True)
class StudyRun:
    """Everything a run produced, before anything is written."""

    spec: StudySpec
    panel: Panel
    results: dict[str, Result]
    descriptives: dict[str, Descriptives]
    artifacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)
    extra_files: dict[str, str | bytes] = field(default_factory=dict)
    grids: dict[str, tuple[TableGrid, list[str]]] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)



def load_panel(spec: StudySpec, base_dir: Path) -> Panel:
    """Read the data file named by the spec (relative to the spec file) and apply the filter."""
    path = Path(spec.data.path)
    if not path.is_absolute():
        path = base_dir / path
    frame = read_table(path, sheet=spec.data.sheet)
    entity = spec.data.entity
    if isinstance(entity, list):
        frame, entity = composite_entity(frame, entity, source=str(path))
    panel = Panel(frame, entity, spec.data.time, source=str(path))
    return panel.filtered(spec.data.filter)


def prepare(spec: StudySpec, base_dir: Path, *, panel: Panel | None = None) -> RunContext:
    """Load the panel (or take ``panel``, already read, and apply the spec's filter) and run
    the pre-model stages (indices, measures, weights, Moran)."""
    panel = load_panel(spec, base_dir) if panel is None else panel.filtered(spec.data.filter)
    ctx = RunContext(spec=spec, panel=panel, base_dir=Path(base_dir))
    for stage in STAGES:
        ctx.panel, built = stage.run(ctx)
        ctx.artifacts[stage.section] = built
    return ctx


def compute(
    spec: StudySpec, base_dir: Path, *, executor: Executor | None = None,
    panel: Panel | None = None,
) -> StudyRun:
    """Run the stages, fit every model and build every table and figure (no files written).

    ``executor`` runs the specification grids (default: in-process; see
    :mod:`regiometrics.pipeline.executor`); ``panel``: the data already in memory (the Python
    API's DataFrame) instead of the spec's ``data.path``.
    """
    ctx = prepare(spec, base_dir, panel=panel)
    estimation = EstimationContext(weights=ctx.artifacts.get("weights", {}), results=ctx.results)
    for model in spec.models:
        ctx.results[model.id] = estimate(model, ctx.panel, estimation)
    if spec.grids:
        ctx.artifacts["grids"] = {
            g.id: run_grid(g, spec, ctx.panel, estimation.weights, executor=executor)
            for g in spec.grids}
    ctx.descriptives = {d.id: describe(ctx.panel, d) for d in spec.descriptives}
    grids: dict[str, tuple[TableGrid, list[str]]] = {}
    for table in spec.tables:
        grid = with_layout(TABLE_BUILDERS[table.type](table, ctx), table)
        grids[table.id] = (grid, list(table.formats))
    for d in spec.descriptives:
        grids[d.id] = (with_layout(descriptive_table(ctx.descriptives[d.id], d), d),
                       list(d.formats))
    figures = {f.id: FIGURE_BUILDERS[f.type](f, ctx) for f in spec.figures}
    sections = {
        s.section: s.to_json(ctx.artifacts[s.section]) for s in STAGES if s.to_json is not None
    }
    sections = {k: v for k, v in sections.items() if v is not None}  # e.g. no aggregation
    extra: dict[str, str | bytes] = {}
    for stage in STAGES:
        if stage.files is not None:
            extra.update(stage.files(ctx))
    return StudyRun(
        spec, ctx.panel, ctx.results, ctx.descriptives, artifacts=ctx.artifacts,
        sections=sections, extra_files=extra, grids=grids, figures=figures,
    )


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
        **run.sections,
        "models": {k: result_to_json(v) for k, v in run.results.items()},
        **({"grids": {k: g.records() for k, g in run.artifacts["grids"].items()}}
           if run.artifacts.get("grids") else {}),
        "descriptives": {
            k: [jsonable(asdict(r)) for r in v.rows] for k, v in run.descriptives.items()
        },
        "tables": {k: {"formats": f} for k, (_, f) in run.grids.items()},
        "figures": {k: {"files": [f"{k}.pdf", f"{k}.png"],
                        **({"data": data} if (data := run.artifacts.get("figure_data", {})
                                              .get(k)) is not None else {})}
                    for k in run.figures},
        "spec": jsonable(run.spec.model_dump()),
    }


def figure_bytes(fig: Figure) -> dict[str, bytes]:
    """PDF and 300-dpi PNG of ``fig``, with no creation date so reruns give identical files."""
    out = {}
    for ext, kwargs in (("pdf", {"metadata": {"CreationDate": None}}),
                        ("png", {"dpi": 300, "metadata": {"Software": None}})):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, **kwargs)
        out[ext] = buf.getvalue()
    return out


def rendered_files(run: StudyRun) -> dict[str, str | bytes]:
    """File name -> content (text or bytes) for every output."""
    files: dict[str, str | bytes] = {
        "results.json": json.dumps(results_document(run), indent=2, allow_nan=False) + "\n"
    }
    files.update(run.extra_files)
    for table_id, (grid, formats) in run.grids.items():
        for fmt_name in formats:
            render, ext = RENDERERS[fmt_name]
            files[f"{table_id}.{ext}"] = render(grid)
    for fig_id, fig in run.figures.items():
        for ext, content in figure_bytes(fig).items():
            files[f"{fig_id}.{ext}"] = content
    return files


def check_output_folder(out_dir: Path) -> None:
    """Refuse an output folder that is a file or lies under a file (before any work)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"--out {out_dir}: is a file, not a folder; give a folder (it is "
                          "created if it does not exist)")
    for parent in out_dir.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"--out {out_dir}: {parent} is a file, so no folder can be "
                                  "made under it; give another folder")
            break


def check_no_input_overwritten(files: dict[str, str | bytes], out_dir: Path,
                               inputs: dict[Path, str], spec_path: Path) -> None:
    """Refuse output names that are not plain file names or that would replace an input.

    ``inputs`` maps each file the run reads (resolved) to the spec key naming it.
    """
    for name in files:
        if not is_plain_name(name):
            raise OutputError(f"{spec_path}: refusing to write {name!r}: not a plain file name "
                              "inside the output folder")
        target = (out_dir / name).resolve()
        if target in inputs:
            raise OutputError(
                f"{spec_path}: {inputs[target]}: the output {name} would overwrite this input "
                f"file ({target}); write the outputs to another folder (--out) or rename the input"
            )


def write_outputs(files: dict[str, str | bytes], out_dir: Path) -> list[Path]:
    """Write all files into a temporary folder inside ``out_dir``, then move them in."""
    check_output_folder(out_dir)
    created = not out_dir.exists()
    # the topmost folder this call creates: removed again if anything fails
    top = out_dir
    while not top.parent.exists():
        top = top.parent
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".regiometrics-", dir=out_dir))
    except OSError as exc:
        raise OutputError(f"--out {out_dir}: cannot create the output folder: "
                          f"{exc.strerror or exc}") from None
    try:
        for name, content in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)  # names may hold folders
            if isinstance(content, bytes):
                (tmp / name).write_bytes(content)
            else:
                (tmp / name).write_text(content, encoding="utf-8")
        written = []
        for name in files:
            (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / name, out_dir / name)
            written.append(out_dir / name)
        return written
    except OSError as exc:
        if created:
            shutil.rmtree(top, ignore_errors=True)
        raise OutputError(f"--out {out_dir}: cannot write the outputs: {exc.strerror or exc}"
                          ) from None
    except BaseException:
        if created:
            shutil.rmtree(top, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def with_manifest(
    files: dict[str, str | bytes],
    spec: StudySpec,
    *,
    spec_name: str,
    spec_bytes: bytes,
    base_dir: Path,
    command: Sequence[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, str | bytes]:
    """``files`` plus ``manifest.json`` (spec and input hashes, seeds, versions, command and
    the hash of every other output; see :mod:`regiometrics.pipeline.manifest`)."""
    doc = build_manifest(
        jsonable(spec.model_dump()), spec_name=spec_name, spec_sha256=sha256_bytes(spec_bytes),
        base_dir=base_dir, outputs=files, command=command, extra=extra,
    )
    return {**files, "manifest.json": manifest_text(doc)}


def run_study(
    spec_path: str | Path, out_dir: str | Path, *, command: Sequence[str] | None = None,
    workers: int | None = None, scheduler: str | None = None,
) -> list[Path]:
    """Load, compute and write a study. Nothing is written if anything fails.

    Parameters
    ----------
    spec_path, out_dir
        The spec file and the output folder.
    command
        The command line that asked for the run, recorded in ``manifest.json``.
    workers, scheduler
        Run specification grids on a local Dask cluster of ``workers`` processes, or on the
        Dask scheduler at ``scheduler`` (default: in-process). Results do not depend on it.

    Returns
    -------
    list of Path
        The files written (``manifest.json`` last).
    """
    spec_path = Path(spec_path)
    out_dir = Path(out_dir)
    check_output_folder(out_dir)
    spec = load_spec(spec_path)
    inputs = input_files(spec, spec_path.parent)
    inputs.setdefault(spec_path.resolve(), "the spec file")
    executor = make_executor(workers=workers, scheduler=scheduler) if spec.grids else None
    try:
        run = compute(spec, spec_path.parent, executor=executor)
        files = rendered_files(run)
        files = with_manifest(files, spec, spec_name=str(spec_path),
                              spec_bytes=spec_path.read_bytes(), base_dir=spec_path.parent,
                              command=command)
    except RegiometricsError as exc:
        raise type(exc)(f"{spec_path}: {exc}") from None
    finally:
        if executor is not None:
            executor.close()
    check_no_input_overwritten(files, out_dir, inputs, spec_path)
    return write_outputs(files, out_dir)
