"""The one place that runs a study: data -> stages -> models -> tables/figures -> files."""

from regiometrics.pipeline.context import RunContext, Stage
from regiometrics.pipeline.indices import build_indices, indices_csv
from regiometrics.pipeline.run import (
    FIGURE_BUILDERS,
    STAGES,
    TABLE_BUILDERS,
    StudyRun,
    compute,
    figure_bytes,
    load_panel,
    prepare,
    rendered_files,
    results_document,
    run_study,
    write_outputs,
)

__all__ = [
    "FIGURE_BUILDERS", "STAGES", "TABLE_BUILDERS", "RunContext", "Stage", "StudyRun",
    "build_indices", "compute", "figure_bytes", "indices_csv", "load_panel", "prepare", "rendered_files",
    "results_document", "run_study", "write_outputs",
]
