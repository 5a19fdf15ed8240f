"""The bundled index example (specs/indices.yaml): tables and figure from a spec file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from regiometrics.cli import main
from regiometrics.errors import SpecError
from regiometrics.pipeline import compute, rendered_files
from regiometrics.spec import load_spec
from regiometrics.spec.loader import spec_from_dict

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "indices.yaml"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("indices") / "out"
    assert main(["run", str(SPEC), "--out", str(out)]) == 0
    return out


def test_every_declared_output_is_written(outputs):
    names = {p.name for p in outputs.iterdir()}
    for stem in ("dev_weights", "dev_values", "dev_typology", "dev_model"):
        assert {f"{stem}.tex", f"{stem}.md"} <= names
    assert {"dev_trend.pdf", "dev_trend.png", "indices.csv", "results.json"} <= names
    assert (outputs / "dev_trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (outputs / "dev_trend.pdf").read_bytes()[:5] == b"%PDF-"
    doc = json.loads((outputs / "results.json").read_text())
    assert doc["figures"]["dev_trend"]["files"] == ["dev_trend.pdf", "dev_trend.png"]


def test_weight_table_numbers_trace_to_results_json(outputs):
    doc = json.loads((outputs / "results.json").read_text())
    weights = doc["indices"]["DEV"]["weights"]
    text = (outputs / "dev_weights.md").read_text()
    for indicator, label in (("hwy", "Highways and streets"), ("unemp", "Unemployment rate")):
        line = next(ln for ln in text.splitlines() if label in ln)
        assert f"| {100 * weights[indicator]:.3f} |" in line
    dims = doc["indices"]["DEV"]["dimension_weights"]
    np.testing.assert_allclose(sum(dims.values()), 1.0, rtol=1e-12)


def test_values_table_mean_row_equals_yearly_mean_of_saved_index(outputs):
    saved = pd.read_csv(outputs / "indices.csv")
    mean_1986 = saved.loc[saved.year == 1986, "DEV"].mean()
    last = (outputs / "dev_values.md").read_text().strip().splitlines()[-1]
    assert last.startswith("| Mean |") and last.endswith(f"| {mean_1986:.4f} |")


def test_typology_covers_every_state_once(outputs):
    text = (outputs / "dev_typology.md").read_text()
    rows = [ln for ln in text.splitlines() if "ranked" in ln]
    states = [s.strip() for ln in rows for s in ln.split("|")[2].split(",")]
    assert len(states) == len(set(states)) == 48
    assert any(ln.startswith("| Strong on both |") for ln in rows)


def test_figures_are_byte_identical_across_runs():
    spec = load_spec(SPEC)
    first = rendered_files(compute(spec, SPEC.parent))
    second = rendered_files(compute(spec, SPEC.parent))
    for name in ("dev_trend.pdf", "dev_trend.png", "dev_values.tex"):
        assert first[name] == second[name], name


def _spec(**table) -> dict:
    raw = yaml.safe_load(SPEC.read_text())
    raw["data"]["path"] = str(SPEC.parent / raw["data"]["path"])
    raw["tables"] = [table]
    raw.pop("figures")
    return raw


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"id": "w", "type": "index_weights", "index": "DEVX"},
         r"tables.w.index: no indices entry 'DEVX'; defined: DEV"),
        ({"id": "v", "type": "index_values", "column": "DEV", "years": [1969]},
         r"tables.v.years: year 1969 is not in the data; years present: 1970, 1971"),
        ({"id": "v", "type": "index_values", "column": "DEVV"}, r"DEVV"),
        ({"id": "y", "type": "typology", "x": "DEV_economy", "y": "DEV_infrastructure",
          "type_names": {"top/top": "x"}},
         r"tables.y.type_names: unknown types \['top/top'\]; types are high/high"),
        ({"id": "y", "type": "typology", "x": "DEV_economy", "y": "DEV", "year": 1986,
          "bands": [[1, 10], [11, 20], [21, 30]]}, r"tables.y: bands must cover ranks 1 to 48"),
    ],
)
def test_bad_table_entries_name_the_table_and_key(table, message):
    spec = spec_from_dict(_spec(**table))
    with pytest.raises(Exception, match=message):
        compute(spec, SPEC.parent)


def test_unknown_table_type_is_a_spec_error_with_suggestion():
    with pytest.raises(SpecError, match=r"tables.w: unknown type 'index_weight'.*did you mean 'index_weights'"):
        spec_from_dict(_spec(id="w", type="index_weight", index="DEV"))


def test_pca_index_has_no_weight_table(tmp_path):
    raw = _spec(id="w", type="index_weights", index="DEV")
    raw["indices"]["DEV"]["method"] = "pca"
    raw["models"] = []
    with pytest.raises(SpecError, match="PCA index; it has loadings"):
        compute(spec_from_dict(raw), tmp_path)


def test_run_failure_writes_nothing(tmp_path, capsys):
    raw = _spec(id="w", type="index_weights", index="NOPE")
    shutil.copy(ROOT / "specs" / "data" / "produc.csv", tmp_path / "produc.csv")
    raw["data"]["path"] = "produc.csv"
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(raw))
    assert main(["run", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "out")]) == 2
    assert "no indices entry 'NOPE'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
