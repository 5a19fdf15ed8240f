"""Expressions, factors and Stata interactions in formulas: evaluated values, panel operators
on expressions (by time value, on the full panel), dummy regressions with numpy lstsq, and
errors that name file and model. pyfixest comparisons are in test_absorbed_effects.py."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.cli import main
from regiometrics.data.panel import Panel
from regiometrics.engine.linear.design import build_design
from regiometrics.engine.linear.fit import fit_linear
from regiometrics.errors import SpecError
from regiometrics.spec import model_spec
from regiometrics.spec.formula import parse_formula

HERE = Path(__file__).parents[1] / "fixtures" / "effects"
COEF_RTOL = 1e-8
SE_RTOL = 1e-6
VALUE_RTOL = 1e-12


@pytest.fixture(scope="module")
def panel() -> Panel:
    return Panel(pd.read_csv(HERE / "panel.csv"), "id", "year", source="panel.csv")


def test_panel_operators_apply_to_expressions_by_time_value(panel: Panel) -> None:
    """L.log(size) is log(size) of the same entity in year t-1 (missing across a gap), and a
    filtered sample still reads the year before its first year (Stata's if)."""
    model = model_spec(id="m", type="fe", formula="y ~ L.log(size) + D.I(x1**2)",
                      effects=["entity"])
    design = build_design(model, panel)
    f = panel.frame.set_index(["id", "year"])
    rows = panel.frame.loc[design.rows]
    want_l = [np.log(f.loc[(i, t - 1), "size"]) for i, t in zip(rows["id"], rows["year"])]
    want_d = [f.loc[(i, t), "x1"] ** 2 - f.loc[(i, t - 1), "x1"] ** 2
              for i, t in zip(rows["id"], rows["year"])]
    np.testing.assert_allclose(design.X[:, 0], want_l, rtol=VALUE_RTOL)
    np.testing.assert_allclose(design.X[:, 1], want_d, rtol=VALUE_RTOL)
    gaps = sum(1 for i, t in zip(panel.frame["id"], panel.frame["year"])
               if t == 2010 or (i, t - 1) not in f.index)
    assert design.nobs == len(panel.frame) - gaps
    late = panel.filtered("year >= 2015")
    d2 = build_design(model, late)
    first = late.frame.loc[d2.rows]
    first = first[first["year"] == 2015]
    assert len(first) > 0  # the 2015 rows keep their lag from 2014, outside the sample
    assert design.names == ["L.log(size)", "D.I(x1**2)"]


def test_stata_interactions_equal_dummy_regression(panel: Panel) -> None:
    """i.region#c.x1 + c.x1#c.x1 + ib(North).region: treatment dummies without the base
    level (North), products with x1, and x1 squared; OLS equals numpy lstsq."""
    model = model_spec(id="m", type="ols", formula="y ~ x1 + ib(North).region + "
                                                  "ib(North).region#c.x1 + c.x1#c.x1",
                      vcov={"type": "unadjusted"})
    res = fit_linear(model, panel)
    f = panel.frame
    east, west = (f["region"] == "East").astype(float), (f["region"] == "West").astype(float)
    X = np.column_stack([f["x1"], east, west, east * f["x1"], west * f["x1"], f["x1"] ** 2,
                         np.ones(len(f))])
    beta, *_ = np.linalg.lstsq(X, f["y"].to_numpy(), rcond=None)
    e = f["y"].to_numpy() - X @ beta
    se = np.sqrt(np.diag(e @ e / (len(f) - X.shape[1]) * np.linalg.inv(X.T @ X)))
    names = ["x1", "C(region,base=North)[T.East]", "C(region,base=North)[T.West]",
             "C(region,base=North)[T.East]:x1", "C(region,base=North)[T.West]:x1", "x1:x1",
             "_cons"]
    assert list(res.params.index) == names
    np.testing.assert_allclose([res.params[n] for n in names], beta, rtol=COEF_RTOL)
    np.testing.assert_allclose([res.std_errors[n] for n in names], se, rtol=SE_RTOL)


def test_log_of_nonpositive_is_missing_and_dropped(panel: Panel) -> None:
    frame = panel.frame.copy()
    frame.loc[:4, "size"] = 0.0
    model = model_spec(id="m", type="ols", formula="y ~ log(size)")
    design = build_design(model, Panel(frame, "id", "year"))
    assert design.nobs == len(frame) - 5 and design.n_dropped == 5


def test_huge_expansions_are_refused_quickly(panel: Panel) -> None:
    start = time.perf_counter()
    with pytest.raises(SpecError, match="expands to 2047 terms"):
        parse_formula("y ~ a*b*c*d*e*f*g*h*i*j*k")
    frame = panel.frame.assign(code=np.arange(len(panel.frame)))
    model = model_spec(id="m", type="ols", formula="y ~ C(code):C(id)")
    with pytest.raises(SpecError, match=r"models.m.formula: the term 'C\(code\):C\(id\)' "
                                        r"expands to \d+ columns"):
        build_design(model, Panel(frame, "id", "year"))
    assert time.perf_counter() - start < 5.0


def test_unknown_base_level_names_the_levels(panel: Panel) -> None:
    model = model_spec(id="m", type="ols", formula="y ~ C(region, base='South')")
    with pytest.raises(SpecError, match=r"base level 'South' .* \(East, North, West\)"):
        build_design(model, panel)


@pytest.mark.parametrize(("formula", "message"), [
    ("y ~ x1^2", "models.m1.formula: cannot read 'x1^2'; for a power write I(x1^2)"),
    ("y ~ logit(x1)", "models.m1.formula: unknown function 'logit'"),
    ("y ~ log(nope)", "models.m1.formula: unknown variable 'nope'"),
])
def test_cli_errors_name_file_and_model(tmp_path: Path, capsys, formula: str, message: str):
    (tmp_path / "panel.csv").write_text((HERE / "panel.csv").read_text())
    (tmp_path / "spec.yaml").write_text(
        "data: {path: panel.csv, entity: id, time: year}\n"
        f"models:\n  - {{id: m1, type: fe, effects: [entity], formula: \"{formula}\"}}\n"
        "tables: []\n")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "spec.yaml"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "spec.yaml" in err and message in err and "Traceback" not in err
    assert not (out / "results.json").exists()
