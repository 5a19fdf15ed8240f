"""``regiometrics replicate``: run a seed paper's whole analysis in one command.

Each paper lives in ``replication/<id>/`` (``<id>`` starts with the seed number, e.g.
``003-digital-trade``) and declares itself in ``paper.yaml``::

    title: "Wan and He (2024), Digital trade and regional economic resilience"
    spec: spec.yaml                 # the paper's analysis (tables, figures) as one spec
    generator: generate.py          # generate(seed) -> {input file: DataFrame}
    seed: 2024                      # the synthetic panel's seed
    inputs: [data/panel.csv, data/coords.csv]   # the files the spec reads
    codebook: columns.csv           # file, column, meaning, unit, source, direction, dimension
    layouts: [layouts/table4.yaml]  # expected layouts of the printed tables
    figures: [fig1_moran_er_2015]   # printed figures the run must write

A run builds the inputs (the seeded synthetic panel, or the user's files from ``--data``),
runs the spec (stages, models, tables, figures), checks each printed table's layout
(:mod:`regiometrics.pipeline.layout_check`) and writes everything, with ``manifest.json``
and ``layout_check.md``, in one atomic move into the output folder. The synthetic inputs
are written too (``input/...``); with the same seed two runs give the same bytes.

The generator is project code kept beside the paper (the spec file itself never runs code).
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from regiometrics.errors import DataError, RegiometricsError, SpecError
from regiometrics.pipeline.layout_check import (
    LayoutReport,
    compare_layout,
    load_layout,
    report_text,
)
from regiometrics.pipeline.manifest import sha256_bytes
from regiometrics.pipeline.run import compute, rendered_files, with_manifest, write_outputs
from regiometrics.spec.loader import spec_from_dict

#: Environment variable naming the replication folder (default: the repository's).
ROOT_ENV = "REGIOMETRICS_REPLICATION"
_PAPER_KEYS = {"title", "spec", "generator", "seed", "inputs", "codebook", "layouts", "figures"}


@dataclass(frozen=True)
class Paper:
    """One seed paper's replication folder, as declared by its ``paper.yaml``."""

    id: str
    folder: Path
    title: str
    spec: str
    generator: str
    seed: int
    inputs: tuple[str, ...]
    codebook: str | None
    layouts: tuple[str, ...]
    figures: tuple[str, ...]


@dataclass(frozen=True)
class Replication:
    """What a ``replicate`` run wrote and how its tables compare with the printed ones."""

    paper: Paper
    written: list[Path]
    layouts: list[LayoutReport]
    figures: dict[str, bool]

    @property
    def n_differences(self) -> int:
        return sum(not r.matches for r in self.layouts) + sum(not v for v in self.figures.values())


def replication_root() -> Path:
    """The folder holding the papers: ``$REGIOMETRICS_REPLICATION`` or the repository's."""
    env = os.environ.get(ROOT_ENV)
    root = Path(env) if env else Path(__file__).resolve().parents[3] / "replication"
    if not root.is_dir():
        raise SpecError(f"replication folder {root} not found; set {ROOT_ENV} to the "
                        "repository's replication/ folder")
    return root


def _paper_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir()
                  if p.is_dir() and p.name[:3].isdigit() and (p / "paper.yaml").is_file())


def load_paper(folder: Path) -> Paper:
    """Read ``folder/paper.yaml``; a SpecError names the file and the wrong key."""
    path = folder / "paper.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from None
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: expected a mapping with keys {sorted(_PAPER_KEYS)}")
    unknown = set(raw) - _PAPER_KEYS
    if unknown:
        raise SpecError(f"{path}: unknown key(s) {sorted(unknown)}; allowed keys: "
                        f"{', '.join(sorted(_PAPER_KEYS))}")
    for key in ("title", "spec", "generator"):
        if not isinstance(raw.get(key), str):
            raise SpecError(f"{path}: {key}: expected a string, got {raw.get(key)!r}")
    if not isinstance(raw.get("seed"), int):
        raise SpecError(f"{path}: seed: expected an integer, got {raw.get('seed')!r}")
    lists = {k: raw.get(k, []) for k in ("inputs", "layouts", "figures")}
    for key, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SpecError(f"{path}: {key}: expected a list of strings, got {value!r}")
    if not lists["inputs"]:
        raise SpecError(f"{path}: inputs: list the files the spec reads (data/panel.csv ...)")
    return Paper(
        id=folder.name, folder=folder, title=raw["title"], spec=raw["spec"],
        generator=raw["generator"], seed=raw["seed"], inputs=tuple(lists["inputs"]),
        codebook=raw.get("codebook"), layouts=tuple(lists["layouts"]),
        figures=tuple(lists["figures"]),
    )


def list_papers(root: Path | None = None) -> list[Paper]:
    """Every paper under the replication folder, by id."""
    return [load_paper(f) for f in _paper_folders(root or replication_root())]


def find_paper(paper_id: str, root: Path | None = None) -> Paper:
    """The paper ``paper_id`` (its full id, or its three-digit seed number)."""
    folders = _paper_folders(root or replication_root())
    for folder in folders:
        if paper_id in (folder.name, folder.name[:3]):
            return load_paper(folder)
    known = ", ".join(f.name for f in folders) or "none"
    raise SpecError(f"no replication {paper_id!r}; known: {known} "
                    "(`regiometrics replicate` lists them)")


def codebook_columns(paper: Paper) -> dict[str, list[str]]:
    """Input file -> the raw columns its codebook lists (in codebook order)."""
    if not paper.codebook:
        return {}
    path = paper.folder / paper.codebook
    if not path.is_file():
        raise SpecError(f"{paper.folder / 'paper.yaml'}: codebook: {path} does not exist")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if rows and not {"file", "column"} <= set(rows[0]):
        raise SpecError(f"{path}: the codebook needs the columns file and column")
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row["file"], []).append(row["column"])
    return out


def _generate(paper: Paper) -> dict[str, bytes]:
    """Run the paper's generator with its seed: input file -> CSV bytes."""
    path = paper.folder / paper.generator
    spec = importlib.util.spec_from_file_location(f"_replication_{paper.id.replace('-', '_')}",
                                                  path)
    if spec is None or spec.loader is None:
        raise SpecError(f"{path}: cannot load the synthetic-data generator")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frames = module.generate(paper.seed)
    if set(frames) != set(paper.inputs):
        raise SpecError(f"{path}: generate() returned {sorted(frames)}, paper.yaml inputs are "
                        f"{sorted(paper.inputs)}")
    out = {}
    for name in paper.inputs:
        buf = io.StringIO()
        frames[name].to_csv(buf, index=False, lineterminator="\n")
        out[name] = buf.getvalue().encode("utf-8")
    return out


def _check_user_inputs(paper: Paper, data_dir: Path) -> dict[str, bytes]:
    """Check that ``data_dir`` holds every input with the codebook's columns; {} (the files
    are read in place)."""
    missing = [n for n in paper.inputs if not (data_dir / n).is_file()]
    if missing:
        raise DataError(f"--data {data_dir}: missing {', '.join(missing)}; the folder must hold "
                        f"{', '.join(paper.inputs)} (columns: see replication/{paper.id}/"
                        f"{paper.codebook or 'README.md'})")
    needed = codebook_columns(paper)
    for name in paper.inputs:
        with open(data_dir / name, newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), [])
        absent = [c for c in needed.get(name, []) if c not in header]
        if absent:
            raise DataError(f"{data_dir / name}: missing column(s) {', '.join(absent)} "
                            f"(see replication/{paper.id}/{paper.codebook})")
    return {}


def replicate(
    paper_id: str,
    out_dir: str | Path,
    *,
    data_dir: str | Path | None = None,
    root: Path | None = None,
    command: Sequence[str] | None = None,
) -> Replication:
    """Build the inputs, run the paper's spec, check the layouts and write everything.

    Nothing is written to ``out_dir`` unless every stage, model, table and figure succeeded.
    Layout differences are reported (``layout_check.md``), not raised.
    """
    paper = find_paper(paper_id, root)
    spec_file = paper.folder / paper.spec
    spec_name = f"replication/{paper.id}/{paper.spec}"
    inputs = _generate(paper) if data_dir is None else _check_user_inputs(paper, Path(data_dir))
    if not spec_file.is_file():
        raise SpecError(f"{paper.folder / 'paper.yaml'}: spec: {spec_file} does not exist")
    spec_bytes = spec_file.read_bytes()
    try:
        raw = yaml.safe_load(spec_bytes.decode("utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{spec_name}: not valid YAML: {exc}") from None
    spec = spec_from_dict(raw, source=spec_name)
    layouts = [load_layout(paper.folder / name) for name in paper.layouts]
    with contextlib.ExitStack() as stack:
        if data_dir is None:  # the synthetic inputs go to a scratch folder
            base = Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="regiometrics-replicate-")))
            for name, content in inputs.items():
                (base / name).parent.mkdir(parents=True, exist_ok=True)
                (base / name).write_bytes(content)
        else:  # the user's files are read where they are, so messages name them
            base = Path(data_dir)
        try:
            run = compute(spec, base)
            files = rendered_files(run)
        except RegiometricsError as exc:
            raise type(exc)(f"{spec_name}: {exc}") from None
        reports = []
        for layout in layouts:
            if layout.table not in run.grids:
                raise SpecError(f"{layout.source}: table {layout.table!r} is not in {spec_name}")
            reports.append(compare_layout(run.grids[layout.table][0], layout))
        figures = {f: f in run.figures for f in paper.figures}
        if data_dir is None:
            files.update({f"input/{n}": c for n, c in inputs.items()})
        files["layout_check.md"] = report_text(reports, figures)
        extra: dict[str, Any] = {"replication": {
            "paper": paper.id, "title": paper.title,
            "data": "synthetic" if data_dir is None else "user",
            "seed": paper.seed if data_dir is None else None,
            "generator": None if data_dir is not None else {
                "path": f"replication/{paper.id}/{paper.generator}",
                "sha256": sha256_bytes((paper.folder / paper.generator).read_bytes())},
            "layouts_matching": sum(r.matches for r in reports),
            "layouts_checked": len(reports),
        }}
        files = with_manifest(files, spec, spec_name=spec_name, spec_bytes=spec_bytes,
                              base_dir=base, command=command, extra=extra)
    written = write_outputs(files, Path(out_dir))
    return Replication(paper, written, reports, figures)

