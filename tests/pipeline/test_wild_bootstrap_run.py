"""End to end: ``wild_bootstrap`` on a model -> results.json keys, table row and notes; errors."""

from __future__ import annotations

import json

import pytest

from regiometrics.cli import main
from tests.pipeline.test_run import ROOT, edit, study  # noqa: F401  (fixture)

WILD = {"cluster": "region", "draws": 999, "terms": ["lpcap", "unemp"], "seed": 5}


def _few_clusters(raw: dict) -> None:
    """fe2 clustered by the 9 Census regions, with a wild bootstrap on the same clusters."""
    for m in raw["models"]:
        if m["id"] == "fe2":
            m["vcov"] = {"type": "cluster", "by": "region"}
            m["wild_bootstrap"] = dict(WILD)
    raw["tables"][0]["wild_bootstrap_row"] = "pvalue"
    raw["tables"][0]["formats"] = ["markdown", "latex"]


def test_results_json_and_table_row(study, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    assert main(["run", str(edit(study, _few_clusters)), "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    fe2 = doc["models"]["fe2"]
    wb = fe2["wild_bootstrap"]
    assert set(wb["lpcap"]) == {"t_stat", "pvalue", "ci_low", "ci_high"}
    assert wb["method"] == "WCR" and wb["weights"] == "rademacher" and wb["cluster"] == "region"
    assert wb["n_clusters"] == 9 and wb["enumerated"] is True and wb["draws"] == 512
    assert wb["draws_requested"] == 999 and wb["seed"] == 5 and wb["pvalue_type"] == "symmetric"
    # same clusters and fixest convention: the bootstrap's t is the table's t
    assert wb["lpcap"]["t_stat"] == pytest.approx(
        fe2["params"]["lpcap"] / fe2["std_errors"]["lpcap"], rel=1e-10)
    assert wb["lpcap"]["ci_low"] < fe2["params"]["lpcap"] < wb["lpcap"]["ci_high"]
    assert 0 <= wb["lpcap"]["pvalue"] <= 1 and round(wb["lpcap"]["pvalue"] * 512, 9) % 1 == 0
    assert "wild_bootstrap" not in doc["models"]["fe1"]
    md = (out / "production.md").read_text()
    assert f"[{wb['lpcap']['pvalue']:.3f}]" in md and f"[{wb['unemp']['pvalue']:.3f}]" in md
    assert "Wild cluster bootstrap p-values in brackets" in md
    assert "all 512 sign vectors" in md and "G = 9" in md
    assert "Wild cluster bootstrap tests were run for column (3) (shown in brackets)" in md


def _bad(change):
    def apply(raw: dict) -> None:
        _few_clusters(raw)
        for m in raw["models"]:
            change(m)
    return apply


@pytest.mark.parametrize("change,message", [
    (lambda m: m.update(wild_bootstrap={"draws": 99}) if m["id"] == "re" else None,
     "models.re.wild_bootstrap: type 're' does not take 'wild_bootstrap' (a key of types "
     "'ols', 'fe', 'iv')"),
    (lambda m: m["wild_bootstrap"].update(terms=["lgsp"]) if m["id"] == "fe2" else None,
     "models.fe2.wild_bootstrap.terms: 'lgsp' cannot be tested here"),
    (lambda m: m["wild_bootstrap"].update(weights="gamma") if m["id"] == "fe2" else None,
     "weights"),
    (lambda m: m["wild_bootstrap"].update(cluster="nowhere") if m["id"] == "fe2" else None,
     "models.fe2.wild_bootstrap.cluster"),
])
def test_bad_wild_bootstrap_keys_exit_2(study, tmp_path, capsys, change, message):  # noqa: F811
    out = tmp_path / "out"
    assert main(["run", str(edit(study, _bad(change))), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (out / "results.json").exists()


def test_subgroup_table_prints_each_groups_bootstrap(produc):
    from regiometrics.data import Panel
    from regiometrics.engine import estimate
    from regiometrics.spec import model_spec
    from regiometrics.spec.mechanisms import SubgroupTableSpec
    from regiometrics.tables import render_markdown
    from regiometrics.tables.subgroups import subgroup_table

    df = produc.assign(half=(produc.region <= 4).map({True: "east", False: "west"}))
    model = model_spec(id="sg", type="fe", formula="lgsp ~ lpcap + lpc", effects=["entity"],
                      vcov={"type": "cluster", "by": "region"}, by="half",
                      wild_bootstrap={"cluster": "region", "terms": ["lpcap"], "draws": 999})
    res = estimate(model, Panel(df, "state", "year"))
    table = SubgroupTableSpec(id="t", type="subgroups", models=["sg"], wild_bootstrap_row="ci")
    md = render_markdown(subgroup_table([res], table))
    for comp in res.components.values():
        t = comp.wild_bootstrap.terms["lpcap"]
        assert f"[{t.ci_low:.3f}, {t.ci_high:.3f}]" in md
        assert comp.wild_bootstrap.enumerated  # 4 and 5 regions: all sign vectors
    assert "Wild cluster bootstrap confidence intervals in brackets" in md


def test_bundled_robustness_example_runs(tmp_path):
    """specs/robustness.yaml: wild bootstrap with 9 clusters, a 24-specification grid."""
    out = tmp_path / "out"
    assert main(["run", str(ROOT / "specs" / "robustness.yaml"), "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    wb = doc["models"]["fe_region"]["wild_bootstrap"]
    assert wb["enumerated"] and wb["draws"] == 512 and set(wb) >= {"lpcap", "lpc"}
    assert len(doc["grids"]["capital"]) == 24
    assert all("wild_pvalue" in r for r in doc["grids"]["capital"])
    assert (out / "capital_curve.pdf").exists() and (out / "capital_grid.tex").exists()
    assert f"[{wb['lpcap']['pvalue']:.3f}]" in (out / "wild.md").read_text()
