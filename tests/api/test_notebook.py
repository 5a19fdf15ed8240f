"""The Python API against the spec-file route (issue 15).

Every model of the committed example specs (ols, fe, re, iv, mediation, moderation, tobit,
sdm, subgroups by/split) plus sar/sem/sdem is fitted twice: through the pipeline from the
spec (the YAML route) and with ``regiometrics.fit`` on a DataFrame with the same keys. The
two Results must be identical to the last bit (their results.json records compare equal as
text), and ``regiometrics.etable`` must give the bytes of the spec's tables.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import regiometrics as rm
from regiometrics.pipeline.run import RENDERERS, compute, rendered_files
from regiometrics.pipeline.spatial import build_one
from regiometrics.results import result_to_json
from regiometrics.spec.loader import spec_from_dict

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
#: Further spatial types on the example's contiguity matrix (the spec fits only sdm).
SPATIAL_EXTRA = [
    {"id": f"{kind}_cont", "type": kind, "weights": "Wcont",
     "formula": "lgsp ~ lpcap + lpc + lemp + unemp"}
    for kind in ("sar", "sem", "sdem")
]
CASES = {
    "produc": [],
    "iv": [],
    "mechanisms": [],
    "tobit": [],
    "study": [],
    "spatial": SPATIAL_EXTRA,
}


def _yaml_route(name: str, extra: list[dict[str, Any]]) -> tuple[Any, Any, dict[str, Any]]:
    raw = yaml.safe_load((SPECS / f"{name}.yaml").read_text(encoding="utf-8"))
    raw["models"] = [*raw["models"], *extra]
    spec = spec_from_dict(raw, source=f"{name}.yaml")
    return spec, compute(spec, SPECS), raw


@pytest.fixture(scope="module", params=list(CASES))
def route(request: pytest.FixtureRequest) -> tuple[str, Any, Any, dict[str, Any]]:
    spec, run, raw = _yaml_route(request.param, CASES[request.param])
    return request.param, spec, run, raw


def _record(result: rm.Result, *, unnamed_weights: bool = False) -> str:
    """The results.json record as text; ``unnamed_weights``: without the weights' name and
    kind (a matrix given in Python is ``W``, kind ``matrix``, not the spec's name)."""
    record = result_to_json(result)
    if unnamed_weights:
        for key in ("weights", "weights_kind"):
            record["info"].pop(key)
    return json.dumps(record, sort_keys=True, allow_nan=False)


def test_every_model_from_a_dataframe_equals_the_spec_route(route) -> None:
    name, spec, run, _ = route
    frame = run.panel.frame  # the data plus the index columns the stages built
    kinds = set()
    for model in spec.models:
        keys = model.model_dump(exclude_defaults=True)
        weights = None
        if getattr(model, "weights", None) is not None:  # spatial types
            ws = spec.weights[model.weights]
            w = build_one(ws, run.panel, SPECS)
            weights = pd.DataFrame(w.to_dense(), index=list(w.entities),
                                   columns=list(w.entities))
            keys["weights"] = weights
            keys["row_standardize"] = ws.row_standardize
        got = rm.fit(frame.copy(), entity=spec.data.entity, time=spec.data.time, **keys)
        want = run.results[model.id]
        spatial = weights is not None
        assert _record(got, unnamed_weights=spatial) == _record(want, unnamed_weights=spatial), (
            f"{name}: {model.id}")
        if spatial:
            assert (got.info["weights"], got.info["weights_kind"]) == ("W", "matrix")
        np.testing.assert_array_equal(got.params.to_numpy(), want.params.to_numpy())
        kinds.add(model.type)
        by, split = getattr(model, "by", None), getattr(model, "split", None)
        if by or split:
            kinds.add("by" if by else "split")
    expected = {
        "produc": {"ols", "fe", "re"}, "iv": {"fe", "iv"},
        "mechanisms": {"mediation", "moderation", "fe", "by", "split"}, "tobit": {"tobit"},
        "study": {"fe", "iv", "mediation", "moderation", "split", "sdm"},
        "spatial": {"sdm", "sar", "sem", "sdem"},
    }[name]
    assert expected <= kinds


def test_etable_equals_the_spec_tables_bytes(route) -> None:
    name, spec, run, _ = route
    files = rendered_files(run)
    compared = 0
    for table in spec.tables:
        if table.type not in rm.api.RESULT_TABLE_KINDS:
            continue
        options = table.model_dump(exclude_defaults=True)
        ids = options.pop("models") if "models" in options else [options.pop("model")]
        options.pop("formats", None)
        for fmt in table.formats:
            got = rm.etable({i: run.results[i] for i in ids}, format=fmt, **options)
            assert got == files[f"{table.id}.{RENDERERS[fmt][1]}"], f"{name}: {table.id}.{fmt}"
            compared += 1
    assert compared > 0


def test_spec_dict_on_a_dataframe_equals_the_spec_file() -> None:
    raw = yaml.safe_load((SPECS / "produc.yaml").read_text(encoding="utf-8"))
    frame = pd.read_csv(SPECS / raw["data"]["path"])
    data_block = raw.pop("data")
    study = rm.run(raw, data=frame, entity=data_block["entity"], time=data_block["time"])
    from_file = rm.run(SPECS / "produc.yaml")
    assert list(study.results) == [m["id"] for m in raw["models"]]
    for mid, res in from_file.results.items():
        assert _record(study.results[mid]) == _record(res), mid
    assert study.tables == from_file.tables and study.tables
    assert study.files == [] and from_file.files == []


def test_run_writes_only_with_out(tmp_path: Path) -> None:
    raw = {"models": [{"id": "m1", "type": "fe", "formula": "lgsp ~ lpcap + lpc",
                       "effects": ["entity", "time"]}],
           "tables": [{"id": "t1", "models": ["m1"], "formats": ["latex", "markdown"]}]}
    frame = pd.read_csv(SPECS / "data" / "produc.csv")
    study = rm.run(raw, data=frame, entity="state", time="year", out=tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["manifest.json", "results.json", "t1.md", "t1.tex"]
    assert (tmp_path / "out" / "t1.tex").read_text(encoding="utf-8") == study.tables["t1"]["latex"]
    doc = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert doc["models"]["m1"]["params"] == dict(study.results["m1"].params)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data_frame"]["rows"] == len(frame)


def test_run_errors_name_the_key_and_write_nothing(tmp_path: Path) -> None:
    frame = pd.read_csv(SPECS / "data" / "produc.csv")
    raw = {"models": [{"id": "m1", "type": "fe", "formula": "lgsp ~ lpcapp",
                       "effects": ["entity"]}]}
    with pytest.raises(rm.DataError, match=r"run\(\): models\.m1\.formula: unknown variable "
                                           r"'lpcapp'"):
        rm.run(raw, data=frame, entity="state", time="year", out=tmp_path / "o")
    assert not (tmp_path / "o").exists()
    with pytest.raises(rm.SpecError, match=r"run\(\): data\.entity: name the entity column"):
        rm.run(raw, data=frame)
    with pytest.raises(rm.SpecError, match=r"run\(\): models\.m1\.vcov\.type: Input should be"):
        rm.run({"models": [{"id": "m1", "type": "ols", "formula": "lgsp ~ lpcap",
                            "vcov": {"type": "hc9"}}]}, data=frame, entity="state")
