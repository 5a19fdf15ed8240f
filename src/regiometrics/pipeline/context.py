"""What a run has computed so far, and the stage/builder protocols feature modules plug into.

A run goes: load panel -> pre-model stages (indices, measures, weights, Moran ...) ->
models -> tables and figures -> files. Each feature lives in its own module of this
package and registers

* a :class:`Stage` in :data:`regiometrics.pipeline.run.STAGES` (computes before the models,
  may add columns to the panel, owns one results.json section and may add files), and/or
* a grid builder per table kind (``TABLE_BUILDERS``) and a figure builder per figure kind
  (``FIGURE_BUILDERS``), keyed like :data:`regiometrics.spec.models.TABLE_KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regiometrics.data.panel import Panel
from regiometrics.results import Descriptives, Result
from regiometrics.spec.models import StudySpec
from regiometrics.tables import TableGrid

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class RunContext:
    """Everything computed so far in one run (filled stage by stage, then frozen by use).

    ``artifacts[section][id]`` holds the in-memory objects a stage produced (an
    ``IndexResult``, a measure's rows, a ``SpatialWeights``); later stages, estimators,
    table and figure builders read them from here.
    """

    spec: StudySpec
    panel: Panel
    artifacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)
    descriptives: dict[str, Descriptives] = field(default_factory=dict)
    base_dir: Path = Path(".")  # the spec file's folder: stages resolve relative paths here

    def artifact(self, section: str, key: str, *, where: str) -> Any:
        """The artifact ``key`` of ``section``, or a SpecError naming what exists."""
        from regiometrics.errors import SpecError

        found = self.artifacts.get(section, {})
        if key not in found:
            known = ", ".join(found) or "none"
            raise SpecError(f"{where}: no {section} entry {key!r}; defined: {known}")
        return found[key]


@dataclass(frozen=True)
class Stage:
    """A step that runs before the models.

    Parameters
    ----------
    section
        The results.json key and ``RunContext.artifacts`` key it owns.
    run
        ``run(ctx) -> (panel, {id: artifact})``: may return a panel with new columns.
    to_json
        ``to_json(artifacts) -> jsonable`` for the results.json section; ``None`` if the
        stage writes no section.
    files
        ``files(ctx) -> {file name: str | bytes}`` for extra outputs (csv ...), or ``None``.
    """

    section: str
    run: Callable[[RunContext], tuple[Panel, dict[str, Any]]]
    to_json: Callable[[dict[str, Any]], Any] | None = None
    files: Callable[[RunContext], dict[str, str | bytes]] | None = None


#: ``builder(table_spec, ctx) -> TableGrid``
TableBuilder = Callable[[Any, RunContext], TableGrid]
#: ``builder(figure_spec, ctx) -> Figure``
FigureBuilder = Callable[[Any, RunContext], "Figure"]
