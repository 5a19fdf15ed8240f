"""End to end: the bundled IV example (specs/iv.yaml) through ``regiometrics run``.

results.json must hold the numbers of direct estimator calls: the IV kernel ``fit_iv`` on
the two-way demeaned data (absorbed df given by hand, ivreghdfe's ``small`` convention) and
on the 1995 cross-section with a constant, and ``estimate`` on each robustness variant
written out by hand. Every number printed in the tables must be found in results.json.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.cli import main
from regiometrics.data.panel import Panel
from regiometrics.engine import estimate
from regiometrics.engine.iv import fit_iv
from regiometrics.spec import model_spec

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "iv.yaml"
DATA = ROOT / "specs" / "data" / "cigarettes.csv"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[dict, Path]:
    base = tmp_path_factory.mktemp("iv")
    (base / "data").mkdir()
    shutil.copy(DATA, base / "data" / "cigarettes.csv")
    shutil.copy(SPEC, base / "iv.yaml")
    out = base / "out"
    assert main(["run", str(base / "iv.yaml"), "--out", str(out)]) == 0
    return json.loads((out / "results.json").read_text()), out


@pytest.fixture(scope="module")
def cig() -> pd.DataFrame:
    return pd.read_csv(DATA)


def _twoway(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        x = frame[c]
        out[c] = (x - x.groupby(frame["state"]).transform("mean")
                  - x.groupby(frame["year"]).transform("mean") + x.mean())
    return out


def test_files_written(run):
    _, out = run
    assert sorted(p.name for p in out.iterdir()) == [
        "iv_first_stage.md", "iv_first_stage.tex", "iv_second_stage.md", "iv_second_stage.tex",
        "manifest.json", "results.json",
    ]


def test_two_way_iv_equals_fit_iv_on_demeaned_data(run, cig):
    doc, _ = run
    m = doc["models"]["iv_both"]
    d = _twoway(cig, ["lpacks", "lrprice", "lrincome", "salestax", "cigtax"])
    direct = fit_iv(d["lpacks"], d[["lrincome"]], d[["lrprice"]], d[["salestax", "cigtax"]],
                    vcov="cluster", clusters=d["state"].to_numpy(), absorbed_df=2,
                    absorbed_as="sdofminus", small=True, ssc="ivreg2")
    for t in ("lrprice", "lrincome"):
        assert m["params"][t] == pytest.approx(direct.params[t], rel=1e-9)
        assert m["std_errors"][t] == pytest.approx(direct.std_errors[t], rel=1e-9)
        assert m["pvalues"][t] == pytest.approx(direct.pvalues[t], rel=1e-7)
    for key in ("kp_rk_lm", "kp_rk_lm_p", "cd_wald_f", "kp_rk_wald_f", "hansen_j", "hansen_j_p",
                "anderson_lm", "sargan", "ar_f", "ar_p", "first_stage_f:lrprice",
                "partial_r2:lrprice"):
        assert m["stats"][key] == pytest.approx(direct.diagnostics[key], rel=1e-7), key
    fs = m["components"]["first_stage:lrprice"]
    assert fs["params"]["cigtax"] == pytest.approx(direct.first_stage["lrprice"].params["cigtax"],
                                                   rel=1e-9)
    assert m["nobs"] == 96 and m["df_resid"] == 47


def test_cross_section_variant_equals_fit_iv_with_constant(run, cig):
    doc, _ = run
    m = doc["models"]["iv_1995"]
    c = cig[cig["year"] == 1995]
    direct = fit_iv(c["lpacks"], c[["lrincome"]].assign(_cons=1.0), c[["lrprice"]],
                    c[["salestax"]], vcov="robust", small=True, ssc="ivreg2")
    for t in ("lrprice", "lrincome", "_cons"):
        assert m["params"][t] == pytest.approx(direct.params[t], rel=1e-9)
        assert m["std_errors"][t] == pytest.approx(direct.std_errors[t], rel=1e-9)
    assert m["stats"]["kp_rk_lm"] == pytest.approx(direct.diagnostics["kp_rk_lm"], rel=1e-9)
    assert m["stats"]["sargan_p"] is None  # exactly identified: no overidentification test


@pytest.mark.parametrize(("model_id", "written_out"), [
    ("iv_cigtax", {"type": "iv", "formula": "lpacks ~ [lrprice ~ cigtax]",
                   "controls": ["lrincome"], "effects": ["entity", "time"]}),
    ("iv_liml", {"type": "iv", "formula": "lpacks ~ [lrprice ~ salestax + cigtax]",
                 "controls": ["lrincome"], "effects": ["entity", "time"], "estimator": "liml"}),
    ("iv_small", {"type": "iv", "formula": "lpacks ~ [lrprice ~ salestax]",
                  "controls": ["lrincome"], "effects": ["entity", "time"],
                  "filter": "state not in ['CA', 'NY', 'TX', 'FL']"}),
    ("ols_lag", {"type": "ols", "formula": "lpacks ~ L10.lrprice", "controls": ["L10.lrincome"],
                 "vcov": {"type": "robust"}}),
])
def test_variants_equal_the_models_written_out(run, cig, model_id, written_out):
    doc, _ = run
    kw = {"vcov": {"type": "cluster", "by": "entity"}, **written_out}
    res = estimate(model_spec(id=model_id, **kw), Panel(cig, "state", "year"))
    m = doc["models"][model_id]
    assert m["params"] == pytest.approx(dict(res.params), rel=1e-12)
    assert m["std_errors"] == pytest.approx(dict(res.std_errors), rel=1e-12)
    assert m["nobs"] == res.nobs


def test_printed_numbers_trace_to_results_json(run):
    doc, out = run
    tex = (out / "iv_second_stage.tex").read_text()
    md = (out / "iv_first_stage.md").read_text()
    for mid in ("iv_salestax", "iv_both", "iv_1995"):
        s = doc["models"][mid]["stats"]
        for key in ("kp_rk_lm", "cd_wald_f", "kp_rk_wald_f"):
            assert f" {s[key]:.3f} " in tex, (mid, key)
        assert f" ({s['kp_rk_lm_p']:.3f}) " in tex, mid  # under the LM statistic
        assert f" {s['first_stage_f:lrprice']:.3f} " in md
        assert f" {s['partial_r2:lrprice']:.3f} " in md
        fs = doc["models"][mid]["components"]["first_stage:lrprice"]
        assert f"({fs['std_errors']['salestax']:.3f})" in md
    assert "Kleibergen-Paap rk LM statistic" in tex and "Cragg-Donald Wald F statistic" in tex


def test_stock_watson_table_12_1_to_printed_precision(run):
    """Stock and Watson, Introduction to Econometrics, Table 12.1 (1985-1995 differences,
    heteroskedasticity-robust SEs): price -0.94 (0.21), -1.34 (0.23), -1.20 (0.20) and income
    0.53 (0.34), 0.43 (0.30), 0.46 (0.31) with the sales tax, the cigarette tax and both as
    instruments. With two years, two-way FE equal differences; our state-clustered SEs agree
    with their robust ones to the printed two decimals."""
    doc, _ = run
    printed = {"iv_salestax": (-0.94, 0.21, 0.53, 0.34), "iv_cigtax": (-1.34, 0.23, 0.43, 0.30),
               "iv_both": (-1.20, 0.20, 0.46, 0.31)}
    for mid, (b_p, se_p, b_i, se_i) in printed.items():
        m = doc["models"][mid]
        got = (m["params"]["lrprice"], m["std_errors"]["lrprice"], m["params"]["lrincome"],
               m["std_errors"]["lrincome"])
        np.testing.assert_allclose(got, (b_p, se_p, b_i, se_i), atol=0.005 + 1e-12)
