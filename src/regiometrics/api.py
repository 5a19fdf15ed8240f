"""The public Python API: :func:`fit`, :func:`run` and :func:`etable`.

One vocabulary for YAML and Python: the keyword arguments of :func:`fit` are the keys of a
YAML model entry, :func:`run` takes the spec file (or the same content as a dict) and
:func:`etable` the keys of a ``tables:`` entry. Everything goes through the spec validation
and the pipeline the ``regiometrics`` command uses, so numbers, tables and error messages
are the same as from a spec file.

Examples
--------
>>> import numpy as np, pandas as pd
>>> import regiometrics as rm
>>> rng = np.random.default_rng(0)
>>> df = pd.DataFrame({"region": np.repeat(["a", "b", "c", "d"], 5),
...                    "year": np.tile(range(2001, 2006), 4), "x": rng.normal(size=20)})
>>> df["y"] = 2.0 * df["x"] + rng.normal(scale=0.1, size=20)
>>> res = rm.fit(df, entity="region", time="year", type="fe", formula="y ~ x",
...              effects=["entity", "time"], vcov={"type": "cluster", "by": "entity"})
>>> round(float(res.params["x"]), 2)
2.0
>>> list(res.tidy().columns)
['term', 'estimate', 'std_error', 'statistic', 'p_value', 'ci_low', 'ci_high']
>>> print(rm.etable([res], format="markdown").splitlines()[0])
|  | (1) |
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.data.weights import SpatialWeights, from_array
from regiometrics.errors import DataError, RegiometricsError, SpecError
from regiometrics.results import Result

#: What ``data.path`` holds when a spec runs on a DataFrame given in Python.
IN_MEMORY = "<DataFrame>"
_WEIGHTS_NAME = "W"


# ------------------------------------------------------------------ fit
def fit(
    data: pd.DataFrame,
    *,
    entity: str,
    time: str | None,
    row_standardize: bool = True,
    **model: Any,
) -> Result:
    """Fit one model on a DataFrame; the keyword arguments are a YAML model entry's keys.

    Parameters
    ----------
    data
        The panel, one row per entity and time.
    entity, time
        Names of the entity and time columns (``time=None`` for a cross-section).
    row_standardize
        For spatial models: row-standardise ``weights`` (the default of a spec's
        ``weights:`` block).
    **model
        ``type``, ``formula``, ``effects`` (fixed), ``random`` (``[entity]``: ``re``,
        ``tobit``), ``vcov``, ``controls``, ``filter``, ``treatment``, ``mediators``,
        ``bootstrap``, ``estimator``, ``by``, ``split`` ...: exactly the keys of a YAML model
        entry of that type (README, "Model types"); a key of another type is refused with
        the types that take it. ``id`` defaults to
        ``"model"``. For spatial types ``weights`` is the N x N matrix itself: a DataFrame
        (index and columns the entity ids), a numpy array (rows in the sorted order of
        the entity ids), a libpysal ``W`` or ``Graph``.

    Returns
    -------
    Result
        Same numbers as the model in a spec file; read ``params``, ``std_errors``,
        ``conf_int()``, ``summary()`` ...

    Raises
    ------
    SpecError
        A key or value a YAML model entry would refuse; the message starts ``fit():`` and
        names the key (``fit(): formula: ...``).
    DataError
        Unknown columns (named), bad weights.

    Examples
    --------
    >>> import pandas as pd
    >>> import regiometrics as rm
    >>> df = pd.DataFrame({"r": list("aabb"), "t": [1, 2, 1, 2], "y": [1.0, 2.0, 2.5, 4.5],
    ...                    "x": [0.0, 1.0, 0.5, 2.5]})
    >>> rm.fit(df, entity="r", time="t", type="ols", formula="y ~ x").params.round(3).to_dict()
    {'x': 1.286, '_cons': 1.214}
    >>> rm.fit(df, entity="r", time="t", type="ols", formula="y ~ z")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    regiometrics.errors.DataError: fit(): formula: unknown variable 'z': no such column in the DataFrame...
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"fit(): data must be a pandas DataFrame, got {type(data).__name__}")
    model_id = str(model.pop("id", "model"))
    matrix = model.pop("weights", None)
    entry: dict[str, Any] = {"id": model_id, **model}
    raw: dict[str, Any] = {"data": {"path": IN_MEMORY, "entity": entity, "time": time},
                           "models": [entry]}
    if matrix is not None:
        entry["weights"] = _WEIGHTS_NAME
        raw["weights"] = {_WEIGHTS_NAME: {"type": "matrix", "path": IN_MEMORY,
                                          "row_standardize": row_standardize}}
    with _fit_messages(model_id):
        from regiometrics.engine import EstimationContext, estimate
        from regiometrics.spec.loader import spec_from_dict

        spec = spec_from_dict(raw, source="fit()")
        panel = Panel(data, entity, time, source="the DataFrame")
        weights = {}
        if matrix is not None:
            w = as_spatial_weights(matrix, panel)
            weights[_WEIGHTS_NAME] = w.row_standardize() if row_standardize else w
        return estimate(spec.models[0], panel, EstimationContext(weights=weights))


@contextmanager
def _fit_messages(model_id: str) -> Iterator[None]:
    """Re-raise package errors with the key path a Python caller wrote: ``models.<id>.x``
    becomes ``x`` after a leading ``fit():``."""
    prefix = re.compile(rf"(?:fit\(\): )?models\.{re.escape(model_id)}(?:\.|: )")
    try:
        yield
    except RegiometricsError as exc:
        text = prefix.sub("", str(exc))
        lines = [ln if ln.startswith("fit()") else f"fit(): {ln}" for ln in text.splitlines()]
        raise type(exc)("\n".join(lines or ["fit():"])) from None


def _entity_order(panel: Panel) -> list[Any]:
    from regiometrics.pipeline.spatial import panel_entities

    return panel_entities(panel)


def as_spatial_weights(matrix: Any, panel: Panel) -> SpatialWeights:
    """A weights object given in Python as :class:`SpatialWeights`, aligned to ``panel``.

    Accepts a SpatialWeights, a square DataFrame (index = columns = entity ids), a numpy
    array or scipy sparse matrix (rows in the sorted order of the panel's entity ids), a
    libpysal ``W`` or a libpysal ``Graph``.
    """
    ents = _entity_order(panel)
    if isinstance(matrix, SpatialWeights):
        w = matrix
    elif isinstance(matrix, pd.DataFrame):
        if list(matrix.index) != list(matrix.columns):
            raise DataError("fit(): weights: a DataFrame needs the same entity ids, in the "
                            "same order, as index and columns")
        w = from_array(matrix.to_numpy(float), list(matrix.index))
    elif hasattr(matrix, "sparse") and hasattr(matrix, "unique_ids"):  # libpysal Graph
        w = from_array(matrix.sparse.toarray(), list(matrix.unique_ids), kind="graph")
    elif hasattr(matrix, "full") and hasattr(matrix, "id_order"):  # libpysal W
        dense, ids = matrix.full()
        w = from_array(np.asarray(dense, float), list(ids), kind="libpysal")
    elif isinstance(matrix, np.ndarray) or hasattr(matrix, "toarray"):
        arr = matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix, float)
        if arr.shape != (len(ents), len(ents)):
            raise DataError(f"fit(): weights: an array must be N x N for the panel's "
                            f"{len(ents)} entities (sorted ids); got shape {arr.shape}")
        w = from_array(np.asarray(arr, float), ents)
    else:
        raise DataError("fit(): weights: expected a DataFrame, numpy array, libpysal W or "
                        f"Graph, got {type(matrix).__name__}")
    try:
        return w.align(ents)
    except RegiometricsError as exc:
        raise type(exc)(f"fit(): weights: {exc}") from None


# ------------------------------------------------------------------ run
@dataclass(frozen=True)
class Study:
    """What :func:`run` computed.

    Attributes
    ----------
    spec
        The validated spec.
    results
        Fitted models by id.
    tables
        ``{table id: {format: rendered table}}`` (``str``; ``bytes`` for docx).
    measures, indices
        The in-memory measures (by id) and indices (by name) the stages built.
    document
        The results.json content as a dict.
    files
        Paths written (empty unless ``out`` was given).
    """

    spec: Any
    results: dict[str, Result]
    tables: dict[str, dict[str, str | bytes]]
    measures: dict[str, Any]
    indices: dict[str, Any]
    document: dict[str, Any] = field(repr=False)
    files: list[Path] = field(default_factory=list)


def run(
    spec: str | Path | Mapping[str, Any],
    *,
    data: pd.DataFrame | None = None,
    entity: str | None = None,
    time: str | None = None,
    out: str | Path | None = None,
) -> Study:
    """Run a study from a spec file or a spec dict, optionally on a DataFrame.

    Parameters
    ----------
    spec
        A YAML spec file, or its content as a dict.
    data
        The panel as a DataFrame; then the spec's ``data:`` block may be omitted or give
        only ``entity``/``time`` (and ``filter``).
    entity, time
        Entity and time columns when ``data`` is given (override the spec's).
    out
        Output folder; files (tables, results.json, manifest.json ...) are written, through
        the same all-or-nothing writer as ``regiometrics run``, only when it is given.

    Returns
    -------
    Study
        ``.results[id]``, ``.tables[id][format]``, ``.measures``, ``.indices``.

    Examples
    --------
    >>> import pandas as pd
    >>> import regiometrics as rm
    >>> df = pd.DataFrame({"r": list("aabbcc"), "t": [1, 2] * 3,
    ...                    "y": [1.0, 2.0, 2.5, 4.5, 3.0, 3.5], "x": [0.0, 1.0, 0.5, 2.5, 1.0, 2.0]})
    >>> study = rm.run({"models": [{"id": "m1", "type": "ols", "formula": "y ~ x"}],
    ...                 "tables": [{"id": "t1", "models": ["m1"], "formats": ["markdown"]}]},
    ...                data=df, entity="r", time="t")
    >>> round(float(study.results["m1"].params["x"]), 3)
    1.212
    >>> sorted(study.tables["t1"])
    ['markdown']
    """
    from regiometrics.pipeline.run import (
        compute,
        rendered_files,
        results_document,
        with_manifest,
        write_outputs,
    )
    from regiometrics.spec.loader import spec_from_dict

    path = Path(spec) if isinstance(spec, (str, Path)) else None
    raw, source = _raw_spec(spec)
    panel = None
    if data is not None:
        raw = _on_frame(raw, source, entity, time)
        panel = Panel(data, raw["data"]["entity"], raw["data"].get("time"), source="the DataFrame")
    elif entity is not None or time is not None:
        raise SpecError(f"{source}: entity/time are for data given as a DataFrame (data=...); "
                        "a spec file's data block names its own")
    study = spec_from_dict(raw, source=source)
    base_dir = path.parent if path is not None else Path.cwd()
    try:
        computed = compute(study, base_dir, panel=panel)
        files = rendered_files(computed)
        if out is not None:
            spec_bytes = (path.read_bytes() if path is not None
                          else json.dumps(raw, sort_keys=True, default=str).encode())
            extra = {"data_frame": _frame_record(data)} if data is not None else None
            files = with_manifest(files, study, spec_name=str(path or "<dict>"),
                                  spec_bytes=spec_bytes, base_dir=base_dir,
                                  command=["regiometrics.run"], extra=extra)
    except RegiometricsError as exc:
        raise type(exc)(f"{source}: {exc}") from None
    written: list[Path] = []
    if out is not None:
        if path is not None and data is None:
            target = (base_dir / study.data.path).resolve()
            if any((Path(out) / name).resolve() == target for name in files):
                raise SpecError(f"{source}: an output would overwrite the input data {target}")
        written = write_outputs(files, Path(out))
    from regiometrics.tables import RENDERERS

    tables = {tid: {fmt: files[f"{tid}.{RENDERERS[fmt][1]}"] for fmt in formats}
              for tid, (_, formats) in computed.grids.items()}
    return Study(
        spec=study, results=dict(computed.results), tables=tables,
        measures=dict(computed.artifacts.get("measures", {})),
        indices=dict(computed.artifacts.get("indices", {})),
        document=results_document(computed), files=written,
    )


def _raw_spec(spec: str | Path | Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """The spec's content as a dict, and the name messages start with."""
    if isinstance(spec, Mapping):
        return json.loads(json.dumps(spec, default=_plain)), "run()"
    if not isinstance(spec, (str, Path)):
        raise SpecError(f"run(): spec must be a file path or a dict, got {type(spec).__name__}")
    import yaml

    path = Path(spec)
    if not path.is_file():
        raise SpecError(f"spec file {path} does not exist")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: the spec must be a mapping with keys data, models, tables")
    return raw, str(path)


def _plain(obj: Any) -> Any:
    """JSON fallback for numpy scalars in a spec dict."""
    if isinstance(obj, np.generic):
        return obj.item()
    raise SpecError(f"run(): spec values must be plain data; got {type(obj).__name__}")


def _on_frame(raw: dict[str, Any], source: str, entity: str | None,
              time: str | None) -> dict[str, Any]:
    """``raw`` with a ``data`` block for a DataFrame: entity/time from the arguments or the
    spec, ``path`` a placeholder."""
    block = raw.get("data") or {}
    if not isinstance(block, dict):
        raise SpecError(f"{source}: data: expected a mapping (entity, time, filter)")
    block = {**block, "path": block.get("path", IN_MEMORY)}
    if entity is not None:
        block["entity"] = entity
    if time is not None:
        block["time"] = time
    if "entity" not in block:
        raise SpecError(f"{source}: data.entity: name the entity column (run(..., entity=...) "
                        "or data: {entity: ...} in the spec)")
    return {**raw, "data": block}


def _frame_record(frame: pd.DataFrame) -> dict[str, Any]:
    """Shape and a content hash of a DataFrame given in Python (for manifest.json)."""
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return {"rows": len(frame), "columns": [str(c) for c in frame.columns],
            "sha256_rows": digest.hexdigest()}


# ------------------------------------------------------------------ etable
#: Table kinds built from fitted results alone (others need a run's stages).
RESULT_TABLE_KINDS: tuple[str, ...] = (
    "regression", "first_stage", "spatial_effects", "mediation", "subgroups",
    "marginal_effects",
)


def etable(
    results: Sequence[Result] | Mapping[str, Result] | Result,
    format: str = "latex",
    **table_options: Any,
) -> str | bytes:
    """A journal table from fitted results, as a spec's ``tables:`` entry would build it.

    Parameters
    ----------
    results
        Results in column order (a list, or a dict ``{id: Result}``; ids must be unique).
    format
        ``latex``, ``markdown``, ``html`` or ``docx`` (bytes).
    **table_options
        The keys of a ``tables:`` entry (``type`` default ``regression``, ``title``,
        ``keep``, ``drop``, ``rename``, ``stats``, ``decimals``, ``stars`` ...), validated
        the same way. ``id`` defaults to ``"table"``; ``models`` and ``formats`` come from
        the arguments.

    Returns
    -------
    str or bytes
        Byte-identical to the file ``regiometrics run`` writes for the same options.

    Examples
    --------
    >>> import pandas as pd
    >>> import regiometrics as rm
    >>> df = pd.DataFrame({"r": list("aabb"), "t": [1, 2, 1, 2], "y": [1.0, 2.0, 2.5, 4.5],
    ...                    "x": [0.0, 1.0, 0.5, 2.5]})
    >>> res = rm.fit(df, entity="r", time="t", type="ols", formula="y ~ x")
    >>> "\\\\begin{tabular}" in rm.etable([res], format="latex", title="OLS")
    True
    """
    from regiometrics.options import check_literal
    from regiometrics.pipeline.context import RunContext
    from regiometrics.pipeline.run import TABLE_BUILDERS
    from regiometrics.spec.literals import TableFormat
    from regiometrics.tables import RENDERERS
    from regiometrics.tables.grid import with_layout

    by_id = _by_id(results)
    check_literal(format, TableFormat, "etable(): format")
    kind = table_options.get("type", "regression")
    if kind not in RESULT_TABLE_KINDS:
        raise SpecError(f"etable(): type: {kind!r} is not built from fitted results; "
                        f"available: {', '.join(RESULT_TABLE_KINDS)}")
    for key in ("model", "models", "formats"):
        if key in table_options:
            raise SpecError(f"etable(): {key}: given by the arguments (results, format)")
    entry = {"id": "table", **table_options, "formats": [format]}
    from regiometrics.spec.models import TABLE_KINDS

    if "model" in TABLE_KINDS[kind].model_fields:  # one model per table (mediation ...)
        if len(by_id) != 1:
            raise SpecError(f"etable(): results: a {kind!r} table shows one model; "
                            f"got {len(by_id)}")
        entry["model"] = next(iter(by_id))
    else:
        entry["models"] = list(by_id)
    table = _validated_table(entry)
    ctx = RunContext(spec=None, panel=None, results=by_id)  # type: ignore[arg-type]
    try:
        grid = with_layout(TABLE_BUILDERS[table.type](table, ctx), table)
    except RegiometricsError as exc:
        raise type(exc)(f"etable(): {exc}") from None
    return RENDERERS[format][0](grid)


def _validated_table(entry: dict[str, Any]) -> Any:
    """The ``tables:`` entry ``entry`` validated as a spec file's (same messages, with the
    key path after ``etable():``)."""
    from pydantic import ValidationError

    from regiometrics.spec.loader import _describe
    from regiometrics.spec.models import StudySpec

    raw = {"data": {"path": IN_MEMORY, "entity": "entity"}, "models": [], "tables": [entry]}
    try:
        return StudySpec.model_validate(raw).tables[0]
    except ValidationError as exc:
        text = _describe(exc, raw, "etable()").replace(f"tables.{entry['id']}.", "")
        raise SpecError(text) from None


def _by_id(results: Any) -> dict[str, Result]:
    if isinstance(results, Result):
        results = [results]
    if isinstance(results, Mapping):
        items = list(results.items())
    else:
        items = [(r.model_id, r) for r in results]
    for key, r in items:
        if not isinstance(r, Result):
            raise SpecError(f"etable(): results: expected Result objects, got "
                            f"{type(r).__name__} for {key!r}")
    ids = [str(k) for k, _ in items]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SpecError(f"etable(): results: duplicate model ids {dupes}; pass a dict "
                        "{id: result} to name the columns apart")
    if not items:
        raise SpecError("etable(): results: no results given")
    return dict(zip(ids, (r for _, r in items)))
