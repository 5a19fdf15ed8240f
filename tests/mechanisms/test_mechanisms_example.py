"""The bundled example specs/mechanisms.yaml runs end to end through the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from regiometrics.cli import main
from regiometrics.errors import SpecError
from regiometrics.spec.loader import load_spec

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "mechanisms.yaml"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "specs" / "data" / "produc.csv", tmp_path / "data" / "produc.csv")
    shutil.copy(SPEC, tmp_path / "study.yaml")
    return tmp_path / "study.yaml"


def test_example_runs_and_is_reproducible(study, tmp_path):
    for name in ("a", "b"):
        assert main(["run", str(study), "--out", str(tmp_path / name)]) == 0
    out = tmp_path / "a"
    names = {p.name for p in out.iterdir()}
    assert {"mediation.tex", "heterogeneity.md", "marginal.tex", "regions.tex",
            "marginal_curve.pdf", "marginal_curve.png", "results.json"} <= names
    doc = json.loads((out / "results.json").read_text())
    med = doc["models"]["med"]
    ci = med["effects"]["indirect"]["lemp"]
    assert ci["ci_low"] < ci["estimate"] < ci["ci_high"]
    assert set(med["components"]) == {"total", "mediator:lemp", "mediator:lpc", "outcome:lemp",
                                      "outcome:lpc"}
    assert med["components"]["outcome:lemp"]["params"]["lemp"] == med["params"]["b[lemp]"]
    tex = (out / "mediation.tex").read_text()
    assert f"[{ci['ci_low']:.4f}, {ci['ci_high']:.4f}]" in tex
    het = doc["models"]["by_unemp"]
    assert f"{het['stats']['equality_p']:.3f}" in (out / "heterogeneity.md").read_text()
    assert "p10" in doc["models"]["mod"]["effects"]["marginal"]
    again = json.loads((tmp_path / "b" / "results.json").read_text())
    assert again["models"] == doc["models"]


def test_tables_naming_wrong_models_are_refused(study):
    raw = yaml.safe_load(study.read_text())
    raw["tables"][0]["model"] = "mod"
    study.write_text(yaml.safe_dump(raw, sort_keys=False))
    with pytest.raises(SpecError, match="tables.mediation.model: 'mod' is type 'moderation'"):
        load_spec(study)
    raw["tables"][0]["model"] = "nope"
    raw["figures"][0]["model"] = "by_region"
    study.write_text(yaml.safe_dump(raw, sort_keys=False))
    with pytest.raises(SpecError, match="unknown model 'nope'") as err:
        load_spec(study)
    assert "figures.marginal_curve.model: 'by_region' has no moderator" in str(err.value)
