"""``absorb:`` fixed effects of further columns (region and product effects of a region x
product panel, 001), checked against the least-squares dummy-variable regression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine import estimate
from regiometrics.errors import DataError, SpecError
from regiometrics.spec import TableSpec, model_spec
from regiometrics.tables import regression_table


def _panel() -> Panel:
    rng = np.random.default_rng(11)
    rows = []
    for r in "ABCDEF":
        for p in "uvwx":
            for t in (2008, 2009):
                x = rng.normal()
                rows.append((r, p, f"{r}/{p}", t, x,
                             0.5 * x + {"A": 1, "B": 2}.get(r, 0) + {"u": -1}.get(p, 0.5)
                             + rng.normal(0, 0.3)))
    frame = pd.DataFrame(rows, columns=["region", "product", "pair", "year", "x", "y"])
    return Panel(frame, "pair", "year")


def _lsdv(frame: pd.DataFrame) -> tuple[float, float, int]:
    """Slope of x, its classic SE and the residual df, from explicit dummies."""
    D = pd.get_dummies(frame[["region", "product"]], drop_first=True, dtype=float)
    X = np.column_stack([np.ones(len(frame)), frame["x"], D.to_numpy()])
    coef, *_ = np.linalg.lstsq(X, frame["y"].to_numpy(), rcond=None)
    resid = frame["y"].to_numpy() - X @ coef
    df = len(frame) - X.shape[1]
    cov = (resid @ resid / df) * np.linalg.inv(X.T @ X)
    return float(coef[1]), float(np.sqrt(cov[1, 1])), df


def test_region_and_product_effects_equal_the_dummy_regression():
    panel = _panel()
    model = model_spec(id="m", type="fe", formula="y ~ x", absorb=["region", "product"],
                      vcov={"type": "unadjusted"})
    res = estimate(model, panel)
    slope, se, df = _lsdv(panel.frame)
    assert res.params["x"] == pytest.approx(slope, rel=1e-10)
    assert res.std_errors["x"] == pytest.approx(se, rel=1e-10)
    assert res.df_resid == df
    assert res.info["absorb"] == ["region", "product"]
    grid = regression_table([res], TableSpec(id="t", models=["m"],
                                             indicator_labels={"region": "Region FE"}))
    body = [r.cells for s in grid.sections for r in s]
    assert ("Region FE", "YES") in body and ("product FE", "YES") in body


def test_absorb_is_for_fe_models_and_names_existing_columns():
    with pytest.raises(SpecError, match=r"models\.m\.absorb: type 'ols' does not take 'absorb' "
                                        r"\(a key of type 'fe'\)"):
        model_spec(id="m", type="ols", formula="y ~ x", absorb=["region"])
    with pytest.raises(SpecError, match="hausman compares entity fixed effects"):
        model_spec(id="m", type="fe", formula="y ~ x", absorb=["region"], hausman="aux")
    model = model_spec(id="m", type="fe", formula="y ~ x", absorb=["regoin"])
    with pytest.raises(DataError, match=r"models\.m\.absorb: unknown variable 'regoin'.*"
                                        r"closest columns: region"):
        estimate(model, _panel())


def test_singletons_of_an_absorbed_column_are_dropped_as_reghdfe_does():
    panel = _panel()
    frame = panel.frame.copy()
    frame.loc[0, "product"] = "z"          # product z: a single row
    panel = Panel(frame, "pair", "year")
    model = model_spec(id="m", type="fe", formula="y ~ x", absorb=["region", "product"],
                      singletons="drop", vcov={"type": "unadjusted"})
    res = estimate(model, panel)
    assert res.nobs == len(frame) - 1 and res.info["n_singletons"] == 1
    slope, _, _ = _lsdv(frame.iloc[1:])
    assert res.params["x"] == pytest.approx(slope, rel=1e-10)
