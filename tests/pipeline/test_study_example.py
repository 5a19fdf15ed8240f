"""specs/study.yaml: a whole paper's table sequence from one spec file, end to end.

Each part is checked in its own tests; here the parts must compose: the index built in the
run feeds the FE, IV, variant, mediation, subgroup and spatial models, and every table and
figure the spec declares is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.cli import main
from regiometrics.data.panel import Panel
from regiometrics.engine import estimate
from regiometrics.spec import load_spec

SPEC = Path(__file__).resolve().parents[2] / "specs" / "study.yaml"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("study") / "out"
    assert main(["run", str(SPEC), "--out", str(out)]) == 0
    return json.loads((out / "results.json").read_text()), out


def test_every_declared_table_and_figure_is_written(run):
    _, out = run
    spec = load_spec(SPEC)
    for table in [*spec.tables, *spec.descriptives]:
        assert (out / f"{table.id}.tex").is_file() and (out / f"{table.id}.md").is_file()
    for figure in spec.figures:
        assert (out / f"{figure.id}.pdf").is_file() and (out / f"{figure.id}.png").is_file()


def test_models_use_the_index_built_in_the_run(run):
    doc, out = run
    spec = load_spec(SPEC)
    raw = pd.read_csv(SPEC.parent / spec.data.path)
    panel = Panel(raw.merge(pd.read_csv(out / "indices.csv"), on=["state", "year"]), "state", "year")
    for model_id in ("b3", "lagged", "pca"):
        direct = estimate(spec.model(model_id), panel)
        for term, value in direct.params.items():
            np.testing.assert_allclose(doc["models"][model_id]["params"][term], value, rtol=1e-10)
    assert spec.model("lagged").full_formula == "lgsp ~ L.INFRA + L.lpc + L.lemp + L.unemp"
    assert "INFRA_PCA" in doc["models"]["pca"]["params"]


def test_mechanism_and_spatial_parts_compose(run):
    doc, _ = run
    med = doc["models"]["med"]
    a = med["components"]["mediator:lemp"]["params"]["INFRA"]
    b = med["components"]["outcome:lemp"]["params"]["lemp"]
    np.testing.assert_allclose(med["effects"]["indirect"]["lemp"]["estimate"], a * b, rtol=1e-10)
    sdm = doc["models"]["sdm"]
    assert {"rho", "W.INFRA"} <= set(sdm["params"])
    for term, direct in sdm["effects"]["direct"].items():
        total = sdm["effects"]["total"][term]["estimate"]
        indirect = sdm["effects"]["indirect"][term]["estimate"]
        np.testing.assert_allclose(total, direct["estimate"] + indirect, rtol=1e-10)
    assert {row["variable"] for row in doc["moran"]["mi"]} == {"lgsp", "INFRA"}
