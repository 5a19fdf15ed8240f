"""Scratch studies for the reliability tests: a spec and its data in a temporary folder,
the CLI run in-process, and a snapshot of every file to prove inputs stay untouched."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from regiometrics.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "specs" / "data"
PRODUC = DATA / "produc.csv"
COORDS = DATA / "us_states_coords.csv"
CONTIGUITY = DATA / "us_states_contiguity.csv"


def write_study(folder: Path, spec: dict[str, Any] | str, *, data: pd.DataFrame | None = None,
                name: str = "study.yaml", data_name: str = "produc.csv") -> Path:
    """``folder/name`` holding ``spec`` (YAML text or a mapping) beside ``folder/data_name``
    (the bundled Produc panel unless ``data`` is given)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / data_name
    target.parent.mkdir(parents=True, exist_ok=True)
    if data is None:
        shutil.copy(PRODUC, target)
    else:
        data.to_csv(target, index=False)
    path = folder / name
    text = spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False,
                                                             allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def base_spec(**changes: Any) -> dict[str, Any]:
    """A small valid spec on Produc; ``changes`` replace top-level blocks."""
    spec: dict[str, Any] = {
        "data": {"path": "produc.csv", "entity": "state", "time": "year"},
        "models": [{"id": "m1", "type": "fe", "effects": ["entity", "time"],
                    "formula": "lgsp ~ lpcap + lpc", "vcov": {"type": "cluster", "by": "entity"}}],
        "tables": [{"id": "t1", "models": ["m1"], "formats": ["markdown"]}],
    }
    spec.update(changes)
    return spec


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``regiometrics ARGS`` in-process: exit code, stdout, stderr."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path, *, skip: Path | None = None) -> dict[str, bytes]:
    """Every file under ``folder`` (except under ``skip``) by relative path, with its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not (skip is not None and skip in path.parents):
            out[str(path.relative_to(folder))] = path.read_bytes()
    return out
