"""Helpers for the spatial pipeline tests: a temporary study on the bundled Produc data."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from regiometrics.data.panel import Panel
from regiometrics.data.weights import SpatialWeights
from regiometrics.data.weights_io import read_adjacency_list

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "specs" / "data"
FILES = ("produc.csv", "us_states_coords.csv", "us_states_contiguity.csv")


def produc_panel() -> Panel:
    """The bundled Produc panel (48 states, 1970-1986)."""
    return Panel(pd.read_csv(DATA / "produc.csv"), "state", "year")


def produc_contiguity() -> SpatialWeights:
    """Row-standardised queen contiguity of the 48 states, in sorted state order."""
    states = sorted(pd.read_csv(DATA / "produc.csv")["state"].unique())
    return read_adjacency_list(DATA / "us_states_contiguity.csv").align(states).row_standardize()


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
