"""An ``indices:`` block builds a composite index that a later model uses by name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from regiometrics.cli import main
from regiometrics.measure.composite import build_index

ROOT = Path(__file__).resolve().parents[2]
INDICATORS = {"hwy": "+", "water": "+", "util": "+", "unemp": "-"}


@pytest.fixture
def study(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "specs" / "data" / "produc.csv", tmp_path / "data" / "produc.csv")
    spec = {
        "data": {"path": "data/produc.csv", "entity": "state", "time": "year"},
        "indices": {
            "INFRA": {"method": "entropy", "normalize": {"scope": "pooled", "shift": 0.0001},
                      "indicators": INDICATORS},
            "INFRA_T": {"method": "topsis", "indicators": INDICATORS},
        },
        "defaults": {"effects": ["entity", "time"], "vcov": {"type": "cluster", "by": "entity"}},
        "models": [{"id": "fe", "type": "fe", "formula": "lgsp ~ INFRA + lemp"}],
        "tables": [{"id": "t", "models": ["fe"]}],
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def test_index_is_built_saved_and_used(study, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(study), "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    weights = doc["indices"]["INFRA"]["weights"]
    np.testing.assert_allclose(sum(weights.values()), 1.0, rtol=1e-12)
    direct = build_index(pd.read_csv(study.parent / "data" / "produc.csv"), INDICATORS,
                         name="INFRA", method="weighted_sum", weighting="entropy",
                         normalize={"scope": "pooled", "shift": 0.0001},
                         entity="state", time="year")
    for k, w in direct.weight_map().items():
        np.testing.assert_allclose(weights[k], w, rtol=1e-12)
    saved = pd.read_csv(out / "indices.csv")
    assert list(saved.columns) == ["state", "year", "INFRA", "INFRA_T"]
    values = direct.values.rename(columns={"entity": "state", "time": "year"})
    merged = saved.merge(values, on=["state", "year"], suffixes=("", "_direct"))
    np.testing.assert_allclose(merged["INFRA"], merged["INFRA_direct"], rtol=1e-12)
    assert "INFRA" in doc["models"]["fe"]["params"]


def test_index_errors_name_the_index(study, tmp_path, capsys):
    raw = yaml.safe_load(study.read_text())
    raw["indices"]["INFRA"]["indicators"] = {"hwy": "+", "water": "up"}
    study.write_text(yaml.safe_dump(raw))
    assert main(["run", str(study), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "indices.INFRA" in err and "'up'" in err
    assert not (tmp_path / "out").exists()
