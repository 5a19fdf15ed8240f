"""Helpers for the spatial pipeline tests: a temporary study on the bundled Produc data."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "specs" / "data"
FILES = ("produc.csv", "us_states_coords.csv", "us_states_contiguity.csv")


def study_dir(tmp_path: Path) -> Path:
    """A folder with data/ holding copies of the bundled spatial example's data."""
    (tmp_path / "data").mkdir(exist_ok=True)
    for name in FILES:
        shutil.copy(DATA / name, tmp_path / "data" / name)
    return tmp_path


def base_spec(**changes: Any) -> dict[str, Any]:
    """A small valid spatial spec (contiguity weights, one SDM, delta-method effects)."""
    spec: dict[str, Any] = {
        "data": {"path": "data/produc.csv", "entity": "state", "time": "year"},
        "weights": {"W": {"type": "adjacency", "path": "data/us_states_contiguity.csv"}},
        "moran": [{"id": "mi", "variables": ["lgsp"], "weights": ["W"], "permutations": 0}],
        "models": [{"id": "sdm", "type": "sdm", "weights": "W", "effects": ["entity", "time"],
                    "formula": "lgsp ~ lpcap + lpc + lemp + unemp",
                    "effects_inference": {"method": "delta"}}],
    }
    spec.update(changes)
    return spec


def write_spec(folder: Path, spec: dict[str, Any], name: str = "study.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path
