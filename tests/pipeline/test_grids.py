"""Specification grids: rows equal separate fits; results.json, figure and summary table."""

from __future__ import annotations

import copy
import json

import pytest

from regiometrics.cli import main
from regiometrics.data import Panel
from regiometrics.engine import estimate
from regiometrics.spec import model_spec
from tests.pipeline.test_run import edit, study  # noqa: F401  (fixture)

GRID = {
    "id": "robust",
    "base": "fe2",
    "term": "lpcap",
    "vary": {
        "controls": [[], ["lpc"], ["lpc", "lemp", "unemp"]],
        "effects": [["entity"], ["entity", "time"], []],
        "filter": [None, "year >= 1975"],
    },
}
EST_RTOL = 1e-12  # a grid row is the same computation as a separate fit


def _with_grid(raw: dict) -> None:
    raw["grids"] = [copy.deepcopy(GRID)]
    raw["figures"] = [{"id": "curve", "type": "spec_curve", "grid": "robust"}]
    raw["tables"].append({"id": "grid_sum", "type": "grid_summary", "grids": ["robust"],
                          "formats": ["markdown", "latex"]})


def test_grid_rows_equal_separate_fits(study, tmp_path, produc):  # noqa: F811
    out = tmp_path / "out"
    assert main(["run", str(edit(study, _with_grid)), "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    rows = doc["grids"]["robust"]
    assert len(rows) == 18
    panel = Panel(produc, "state", "year")
    for row in rows:
        effects = row["effects"]
        kind = {"type": "fe", "effects": effects} if effects else {"type": "ols"}
        model = model_spec(id="x", formula="lgsp ~ lpcap", controls=row["controls"],
                           filter=row["filter"], vcov={"type": "cluster", "by": "entity"}, **kind)
        ref = estimate(model, panel)
        assert row["estimate"] == pytest.approx(ref.params["lpcap"], rel=EST_RTOL)
        assert row["std_error"] == pytest.approx(ref.std_errors["lpcap"], rel=EST_RTOL)
        assert row["pvalue"] == pytest.approx(ref.pvalues["lpcap"], rel=EST_RTOL)
        assert row["nobs"] == ref.nobs and row["term"] == "lpcap"
    # order: the last dimension varies fastest
    assert [r["filter"] for r in rows[:2]] == [None, "year >= 1975"]
    assert (out / "curve.png").read_bytes()[:4] == b"\x89PNG" and (out / "curve.pdf").exists()
    md = (out / "grid_sum.md").read_text()
    assert "| Specifications | 18 |" in md
    positive = sum(r["estimate"] > 0 for r in rows) / 18
    assert f"| Share of estimates > 0 | {positive:.3f} |" in md


def test_grid_with_wild_bootstrap_reports_its_pvalue(produc):
    from regiometrics.pipeline.grids import run_grid
    from regiometrics.spec.models import StudySpec

    spec = StudySpec(
        data={"path": "x.csv", "entity": "state", "time": "year"},
        models=[{"id": "b", "type": "fe", "formula": "lgsp ~ lpcap + lpc", "effects": ["entity"],
                 "vcov": {"type": "cluster", "by": "region"},
                 "wild_bootstrap": {"cluster": "region", "draws": 999}}],
        grids=[{"id": "g", "base": "b", "term": "lpcap",
                "vary": {"index": ["lpcap", "lemp"], "effects": [["entity"], ["entity", "time"]]}}],
    )
    result = run_grid(spec.grids[0], spec, Panel(produc, "state", "year"))
    assert [r.term for r in result.rows] == ["lpcap", "lpcap", "lemp", "lemp"]
    for r in result.rows:
        model = model_spec(id="s", type="fe", formula=f"lgsp ~ {r.term} + lpc",
                          effects=r.choices["effects"], vcov={"type": "cluster", "by": "region"},
                          wild_bootstrap={"cluster": "region", "draws": 999, "terms": [r.term]})
        ref = estimate(model, Panel(produc, "state", "year"))
        assert r.wild_pvalue == ref.wild_bootstrap.terms[r.term].pvalue
        assert r.estimate == pytest.approx(ref.params[r.term], rel=EST_RTOL)


@pytest.mark.parametrize("change,message", [
    (lambda g: g.update(base="nope"), "unknown model 'nope'"),
    (lambda g: g.update(term="lemp"), "grids.robust.term: 'lemp' is not a coefficient"),
    (lambda g: g.update(vary={}), "vary needs at least one of"),
    (lambda g: g["vary"].update(effects=[["region one"]]), "effects"),
])
def test_bad_grids_exit_2(study, tmp_path, capsys, change, message):  # noqa: F811
    def apply(raw):
        _with_grid(raw)
        change(raw["grids"][0])
    out = tmp_path / "out"
    assert main(["run", str(edit(study, apply)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (out / "results.json").exists()
