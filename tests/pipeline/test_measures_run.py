"""The bundled specs/measures.yaml runs end to end, and its results.json numbers are the
measure functions' own (rtol=1e-12): the spec wiring adds no arithmetic of its own.

The measure functions themselves are checked against pysal (Theil), independent Gini code,
hand-worked examples and properties in tests/measure/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.cli import main
from regiometrics.measure.composite import build_index
from regiometrics.measure.density import kernel_density
from regiometrics.measure.inequality import (
    dagum_gini,
    gini,
    imbalance_index,
    theil_decomposition,
)
from regiometrics.measure.misallocation import misallocation
from regiometrics.measure.resilience import resilience
from regiometrics.measure.structure import specialization

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "measures.yaml"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[dict, Path, pd.DataFrame]:
    base = tmp_path_factory.mktemp("measures")
    (base / "data").mkdir()
    shutil.copy(ROOT / "specs" / "data" / "produc.csv", base / "data" / "produc.csv")
    shutil.copy(SPEC, base / "measures.yaml")
    out = base / "out"
    assert main(["run", str(base / "measures.yaml"), "--out", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    data = pd.read_csv(base / "data" / "produc.csv")
    return doc, out, data


def _same(rows: list[dict], direct: pd.DataFrame) -> None:
    """Every field of every row equals the direct call (numbers to rtol=1e-12)."""
    assert len(rows) == len(direct)
    got = pd.DataFrame(rows)
    assert list(got.columns) == [str(c) for c in direct.columns]
    for col in direct.columns:
        want = direct[col]
        if pd.api.types.is_numeric_dtype(want) and not pd.api.types.is_bool_dtype(want):
            np.testing.assert_allclose(
                got[str(col)].astype(float).to_numpy(), want.astype(float).to_numpy(),
                rtol=1e-12, atol=0, err_msg=str(col),
            )
        else:
            assert got[str(col)].tolist() == want.tolist(), col


def _productivity(data: pd.DataFrame) -> pd.DataFrame:
    return data.assign(lp=data["gsp"] / data["emp"])


def test_inequality_rows_equal_direct_calls(run):
    doc, _, data = run
    frame = _productivity(data)
    common = {"value": "lp", "entity": "state", "time": "year", "weight": "emp"}
    for kind, key in (("T", "theil_division"), ("L", "theil_L_division")):
        _same(doc["measures"][key],
              theil_decomposition(frame, group="region", kind=kind, **common))
    _same(doc["measures"]["gini_productivity"], gini(frame, **common))
    _same(doc["measures"]["dagum_division"], dagum_gini(frame, group="region", **common))
    row = doc["measures"]["theil_division"][0]
    assert row["time"] == 1970
    np.testing.assert_allclose(row["within"] + row["between"], row["total"], rtol=1e-12)
    np.testing.assert_allclose(row["share_within"] + row["share_between"], 1.0, rtol=1e-12)
    for name in ("theil:1", "within:9", "share_within:5", "weight_share:3", "value_share:2"):
        assert name in row


def test_measure_of_an_index_column(run):
    """A measure runs after the indices stage and can measure an index."""
    doc, _, data = run
    infra = build_index(data, {"hwy": "+", "water": "+", "util": "+"}, name="INFRA",
                        method="weighted_sum", weighting="entropy",
                        normalize={"scope": "pooled", "shift": 0.0001},
                        entity="state", time="year")
    values = infra.values.rename(columns={"entity": "state", "time": "year"})
    frame = data.merge(values, on=["state", "year"])
    _same(doc["measures"]["gini_infra"], gini(frame, value="INFRA", entity="state", time="year"))


def test_imbalance_resilience_structure_rows(run):
    doc, _, data = run
    _same(doc["measures"]["unemployment_imbalance"],
          imbalance_index(data, value="unemp", weight="gsp", entity="state", time="year"))
    _same(doc["measures"]["resilience_gsp"],
          resilience(data, value="gsp", entity="state", time="year"))
    long = data.melt(id_vars=["state", "year"], value_vars=["hwy", "water", "util"],
                     var_name="industry", value_name="value")
    _same(doc["measures"]["public_capital_mix"],
          specialization(long, entity="state", industry="industry", value="value", time="year"))
    _same(doc["measures"]["misallocation"],
          misallocation(data, output="gsp", capital="pc", labour="emp",
                        entity="state", time="year", slopes="common").frame)


def test_measure_columns_saved_and_used_by_models(run):
    doc, out, data = run
    saved = pd.read_csv(out / "measures.csv")
    assert list(saved.columns) == ["state", "year", "KSPEC", "RM", "tauK", "tauL"]
    direct = misallocation(data, output="gsp", capital="pc", labour="emp",
                           entity="state", time="year", slopes="common").frame
    merged = saved.merge(direct[["state", "year", "RM", "tau_K", "tau_L"]],
                         on=["state", "year"], suffixes=("", "_direct"), validate="one_to_one")
    assert len(merged) == len(data)
    for ours, theirs in (("RM", "RM_direct"), ("tauK", "tau_K"), ("tauL", "tau_L")):
        np.testing.assert_allclose(merged[ours], merged[theirs], rtol=1e-12)
    long = data.melt(id_vars=["state", "year"], value_vars=["hwy", "water", "util"],
                     var_name="industry", value_name="value")
    krugman = specialization(long, entity="state", industry="industry", value="value",
                             time="year")
    both = saved.merge(krugman, on=["state", "year"], validate="one_to_one")
    np.testing.assert_allclose(both["KSPEC"], both["krugman"], rtol=1e-12)
    assert "RM" in doc["models"]["rm"]["params"]
    assert {"RM", "KSPEC"} <= set(doc["models"]["mix"]["params"])
    assert doc["models"]["rm"]["nobs"] == len(data)


def test_tables_and_figure_written(run):
    doc, out, _ = run
    for name in ("theil_table.tex", "theil_table.md", "dagum_table.tex", "dagum_table.md",
                 "infra_density.pdf", "infra_density.png"):
        assert (out / name).stat().st_size > 0, name
    assert doc["figures"]["infra_density"]["files"] == ["infra_density.pdf", "infra_density.png"]
    md = (out / "theil_table.md").read_text()
    first = doc["measures"]["theil_division"][0]
    line = next(ln for ln in md.splitlines() if ln.startswith("| 1970 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1] == f"{first['total']:.4f}"
    assert cells[-2] == f"{100 * first['share_within']:.2f}"
    assert cells[-1] == f"{100 * first['share_between']:.2f}"
    dagum = (out / "dagum_table.md").read_text()
    years = [ln.split("|")[1].strip() for ln in dagum.splitlines() if ln.startswith("| 19")]
    assert years == ["1970", "1974", "1978", "1982", "1986"]


def test_kde_curves_are_those_of_kernel_density(run):
    """The figure draws exactly the kernel_density curves (checked on the built Figure)."""
    from regiometrics.pipeline.context import RunContext
    from regiometrics.pipeline.indices import INDICES_STAGE
    from regiometrics.pipeline.measures import kde_builder
    from regiometrics.pipeline.run import load_panel
    from regiometrics.spec import load_spec

    _, out, _ = run
    spec_path = out.parent / "measures.yaml"
    spec = load_spec(spec_path)
    ctx = RunContext(spec=spec, panel=load_panel(spec, spec_path.parent))
    ctx.panel, ctx.artifacts["indices"] = INDICES_STAGE.run(ctx)
    fig = kde_builder(spec.figures[0], ctx)
    lines = fig.axes[0].get_lines()
    assert [ln.get_label() for ln in lines] == ["1970", "1978", "1986"]
    direct = kernel_density(ctx.panel.frame, value="INFRA", time="year",
                            times=[1970, 1978, 1986], entity="state")
    for ln, (_, part) in zip(lines, direct.groupby("time", sort=False)):
        np.testing.assert_allclose(ln.get_xdata(), part["x"], rtol=1e-12)
        np.testing.assert_allclose(ln.get_ydata(), part["density"], rtol=1e-12)
