"""manifest.json: spec and input hashes, seeds, versions and the command, written with the
other outputs; the same command on the same inputs writes the same bytes."""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from regiometrics.cli import main
from regiometrics.pipeline.manifest import spec_seeds

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "specs" / "data"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A small spec with a seeded permutation test and a seeded Moran's I, reading two files."""
    (tmp_path / "data").mkdir()
    for name in ("produc.csv", "us_states_coords.csv"):
        shutil.copy(DATA / name, tmp_path / "data" / name)
    spec = {
        "data": {"path": "data/produc.csv", "entity": "state", "time": "year"},
        "weights": {"Wd": {"type": "inverse_distance", "coords": "data/us_states_coords.csv"}},
        "moran": [{"id": "mi", "variables": ["lgsp"], "weights": ["Wd"], "permutations": 19,
                   "seed": 11}],
        "defaults": {"effects": ["entity", "time"]},
        "models": [
            {"id": "fe", "type": "fe", "formula": "lgsp ~ lpcap + lemp"},
            {"id": "het", "type": "fe", "formula": "lgsp ~ lpcap",
             "split": {"var": "unemp", "at": "median", "level": "entity"},
             "permutations": 9, "seed": 7},
        ],
        "tables": [{"id": "t1", "models": ["fe"]}],
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def run(spec: Path, out: Path) -> dict:
    argv = ["run", str(spec), "--out", str(out)]
    assert main(argv) == 0
    return json.loads((out / "manifest.json").read_text())


def test_manifest_records_what_produced_the_run(study, tmp_path):
    out = tmp_path / "out"
    doc = run(study, out)
    assert doc["command"] == ["regiometrics", "run", str(study), "--out", str(out)]
    assert doc["spec"] == {"path": str(study), "sha256": sha(study)}
    assert doc["inputs"] == [
        {"key": "data.path", "path": "data/produc.csv",
         "bytes": (study.parent / "data/produc.csv").stat().st_size,
         "sha256": sha(study.parent / "data/produc.csv")},
        {"key": "weights.Wd.coords", "path": "data/us_states_coords.csv",
         "bytes": (study.parent / "data/us_states_coords.csv").stat().st_size,
         "sha256": sha(study.parent / "data/us_states_coords.csv")},
    ]
    assert doc["seeds"] == [{"key": "models.het.seed", "value": 7},
                            {"key": "moran.mi.seed", "value": 11}]
    assert doc["packages"]["regiometrics"] == metadata.version("regiometrics")
    for dep in ("numpy", "scipy", "pandas", "statsmodels", "pydantic"):
        assert doc["packages"][dep] == metadata.version(dep), dep
    written = sorted(p.name for p in out.iterdir() if p.name != "manifest.json")
    assert sorted(doc["outputs"]) == written
    for name, digest in doc["outputs"].items():
        assert digest == sha(out / name), name
    assert set(doc) == {"manifest_version", "command", "spec", "inputs", "seeds", "python",
                        "packages", "outputs"}  # and no timestamp: reruns give the same bytes


def test_same_command_same_bytes(study, tmp_path):
    out = tmp_path / "out"
    run(study, out)
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    run(study, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


def test_changed_data_changes_its_hash_only(study, tmp_path):
    a = run(study, tmp_path / "a")
    data = study.parent / "data" / "produc.csv"
    old, new = b"ALABAMA,6,1970,15032.67", b"ALABAMA,6,1970,15032.68"
    data.write_bytes(data.read_bytes().replace(old, new))
    b = run(study, tmp_path / "b")
    assert a["inputs"][0]["sha256"] != b["inputs"][0]["sha256"]
    assert a["inputs"][1] == b["inputs"][1] and a["spec"] == b["spec"]


def test_defaults_seed_is_listed_where_it_takes_effect():
    dump = {"defaults": {"seed": 3}, "models": [{"id": "m", "seed": 3}, {"id": "n", "seed": None}],
            "moran": [{"id": "x", "seed": 0}]}
    assert spec_seeds(dump) == [{"key": "models.m.seed", "value": 3},
                                {"key": "moran.x.seed", "value": 0}]


def test_failed_run_writes_no_manifest(study, tmp_path, capsys):
    raw = yaml.safe_load(study.read_text())
    raw["models"][0]["formula"] = "lgsp ~ nosuchcolumn"
    study.write_text(yaml.safe_dump(raw, sort_keys=False))
    out = tmp_path / "out"
    assert main(["run", str(study), "--out", str(out)]) == 2
    assert "nosuchcolumn" in capsys.readouterr().err
    assert not (out / "manifest.json").exists()
