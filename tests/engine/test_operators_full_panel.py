"""Panel operators are evaluated on the full panel; sample restrictions only select rows.

Stata computes ``L.``/``F.``/``D.`` on the whole ``xtset`` panel and ``if`` restricts the
estimation sample afterwards: with ``if year >= 2010``, ``D.trade`` in 2010 is
``trade_2010 - trade_2009``. The same must hold for ``data.filter``, a model's ``filter``
(and variants that add one), and subgroup samples (``periods``, ``by``, ``split``).

References, all exact:

* R plm 2.6.2 ``lag``/``lead``/``diff`` on the full unbalanced panel with gaps
  (tests/fixtures/lags, made by make_lags.R), read off at the rows a filter keeps;
* operator columns built here by a merge on ``(entity, year - k)`` over the full data,
  then subset, and the identical regression run on those plain columns;
* least squares with explicit entity and year dummies (numpy ``lstsq``) and the
  cluster-robust sandwich written out, for the coefficients and standard errors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.data import Panel
from regiometrics.engine import estimate
from regiometrics.pipeline.run import compute
from regiometrics.spec import model_spec
from regiometrics.spec.loader import spec_from_dict
from tests.reference_data import FIXTURES

LAGS = pd.read_csv(FIXTURES / "lags" / "lags.csv")
OPERATORS = {"L.x": "L1_x", "L2.x": "L2_x", "F.x": "F1_x", "F2.x": "F2_x", "D.x": "D1_x",
             "D2.x": "D2_x"}


@pytest.mark.parametrize(
    "expression",
    ["year >= 2002", "year != 2001", "entity != 'B'", "year >= 2003 or entity == 'E'"],
)
def test_operators_on_a_filtered_panel_are_plm_on_the_full_panel(expression):
    full = Panel(LAGS[["entity", "year", "x"]], "entity", "year")
    sample = full.filtered(expression)
    kept = LAGS.query(expression).reset_index(drop=True)
    alone = Panel(kept[["entity", "year", "x"]], "entity", "year")  # the data cut first
    differs = 0
    for op, column in OPERATORS.items():
        got = sample.variable(op).to_numpy()
        np.testing.assert_allclose(got, kept[column].to_numpy(), rtol=1e-15, equal_nan=True)
        differs += int(np.sum(np.isnan(alone.variable(op).to_numpy()) != np.isnan(got)))
    if expression != "entity != 'B'":  # dropping whole entities changes no operator
        assert differs > 0, "the filter should cut some lag that the full panel has"


def test_nested_restrictions_keep_every_left_out_row():
    full = Panel(LAGS[["entity", "year", "x"]], "entity", "year")
    sample = full.filtered("year >= 2001").filtered("year >= 2003")
    sub = sample.subset((sample.frame["entity"] == "A").to_numpy())
    kept = LAGS.query("year >= 2003 and entity == 'A'")
    for op, column in OPERATORS.items():
        np.testing.assert_allclose(sub.variable(op).to_numpy(), kept[column].to_numpy(),
                                   rtol=1e-15, equal_nan=True)


def test_ranked_time_uses_every_period_of_the_data():
    """A non-numeric time is ranked over all periods, so a filtered-out quarter still
    sits between its neighbours: L.x in 2001Q3 is 2001Q2's value, never 2001Q1's."""
    frame = pd.DataFrame({"id": ["a"] * 4 + ["b"] * 4,
                          "q": ["2001Q1", "2001Q2", "2001Q3", "2001Q4"] * 2,
                          "x": [1.0, 2.0, 4.0, 8.0, 10.0, 20.0, 40.0, 80.0]})
    sample = Panel(frame, "id", "q").filtered("q != '2001Q2'")
    np.testing.assert_array_equal(sample.variable("L.x").to_numpy(),
                                  [np.nan, 2.0, 4.0, np.nan, 20.0, 40.0])


def test_columns_added_to_the_sample_are_missing_outside_it():
    """Indices and measures exist on the sample only: their lag in the first kept year is
    missing, while a data column's lag is read from the year the filter left out."""
    full = Panel(LAGS.query("entity == 'A'")[["entity", "year", "x"]], "entity", "year")
    sample = full.filtered("year >= 2001")  # A: 2001, 2003, 2004 (2000 left out)
    sample = sample.with_frame(sample.frame.assign(idx=[1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(sample.variable("L.idx").to_numpy(), [np.nan, np.nan, 2.0])
    np.testing.assert_array_equal(sample.variable("L.x").to_numpy(), [1.5, np.nan, 4.0])


def test_a_column_transformed_on_the_sample_is_transformed_outside_too():
    full = Panel(LAGS[["entity", "year", "x"]], "entity", "year")
    sample = full.filtered("year >= 2003").map_column("x", lambda col: col - 1.0)
    kept = LAGS.query("year >= 2003")
    np.testing.assert_allclose(sample.variable("L.x").to_numpy(), kept["L1_x"].to_numpy() - 1.0,
                               rtol=1e-15, equal_nan=True)


# --------------------------------------------------------------------- estimation


def _panel_data() -> pd.DataFrame:
    """10 regions x 2005-2014 (balanced), with the operator columns made by a merge on
    ``(region, year - 1)`` over all years: ``d_trade`` = D.trade, ``l_fdi`` = L.fdi."""
    rng = np.random.default_rng(11)
    years = np.arange(2005, 2015)
    frame = pd.DataFrame({"region": np.repeat([f"r{i:02d}" for i in range(10)], len(years)),
                          "year": np.tile(years, 10)})
    # a regime that changes over time within regions: a `by` sample with gaps in time
    frame["regime"] = np.where((frame["year"] + frame.index // len(years)) % 3 == 0, "a", "b")
    frame["trade"] = rng.normal(size=len(frame)).cumsum()
    frame["fdi"] = rng.normal(size=len(frame))
    frame["y"] = rng.normal(size=len(frame)) + 0.5 * frame["fdi"]
    before = frame[["region", "year", "trade", "fdi"]].assign(year=frame["year"] + 1)
    merged = frame.merge(before, on=["region", "year"], how="left", suffixes=("", "_prev"))
    frame["d_trade"] = merged["trade"] - merged["trade_prev"]
    frame["l_fdi"] = merged["fdi_prev"]
    frame["l_trade"] = merged["trade_prev"]
    frame["y"] += 0.8 * frame["d_trade"].fillna(0) - 0.3 * frame["l_fdi"].fillna(0)
    return frame


DATA = _panel_data()
WITH_OPERATORS = "y ~ D.trade + L.fdi"
EXPLICIT = "y ~ d_trade + l_fdi"
CLUSTER = {"type": "cluster", "by": "entity"}


def _fit(formula: str, panel: Panel, **keys) -> object:
    spec = model_spec(id="m", type="fe", formula=formula, effects=["entity", "time"],
                     vcov=CLUSTER, **keys)
    return estimate(spec, panel)


def _lsdv(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Slopes and CRV1 SEs of y on d_trade, l_fdi, region and year dummies:
    V = G/(G-1) (N-1)/(N-K) B M B with K = 2 + 1 + (T - 1) (region effects nested in the
    clusters are not counted, as reghdfe and fixest)."""
    frame = frame.dropna(subset=["y", "d_trade", "l_fdi"])
    dummies = pd.get_dummies(frame[["region", "year"]].astype(str), drop_first=True)
    X = np.column_stack([frame[["d_trade", "l_fdi"]], np.ones(len(frame)), dummies]).astype(float)
    y = frame["y"].to_numpy()
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    bread = np.linalg.pinv(X.T @ X)
    codes = pd.factorize(frame["region"])[0]
    sums = np.zeros((codes.max() + 1, X.shape[1]))
    np.add.at(sums, codes, X * resid[:, None])
    n, g, k = len(y), codes.max() + 1, 3 + frame["year"].nunique() - 1
    V = g / (g - 1) * (n - 1) / (n - k) * bread @ sums.T @ sums @ bread
    return coef[:2], np.sqrt(np.diag(V))[:2]


def test_filter_keeps_the_first_years_lag_as_stata_if_does():
    """The issue's case: ``filter: year >= 2010`` with D.trade gives N = 50, not 40."""
    panel = Panel(DATA, "region", "year")
    res = _fit(WITH_OPERATORS, panel, filter="year >= 2010")
    assert res.nobs == 50
    coef, se = _lsdv(DATA.query("year >= 2010"))
    terms = ["D.trade", "L.fdi"]
    np.testing.assert_allclose([res.params[t] for t in terms], coef, rtol=1e-10)
    np.testing.assert_allclose([res.std_errors[t] for t in terms], se, rtol=1e-10)


def _same(a, b, names=("D.trade", "L.fdi"), plain=("d_trade", "l_fdi")) -> None:
    assert a.nobs == b.nobs
    for op, col in zip(names, plain):
        for attr in ("params", "std_errors", "pvalues"):
            np.testing.assert_allclose(getattr(a, attr)[op], getattr(b, attr)[col], rtol=1e-12)


def test_model_filter_equals_explicit_columns_then_subset():
    panel = Panel(DATA, "region", "year")
    expr = "year >= 2010 and region != 'r03'"
    _same(_fit(WITH_OPERATORS, panel, filter=expr), _fit(EXPLICIT, panel, filter=expr))


@pytest.mark.parametrize(
    "keys",
    [
        {"periods": {"early": [2005, 2009], "late": [2010, 2014]}},
        {"by": "regime"},
        {"split": {"var": "fdi", "at": "median", "level": "entity_year"}},
    ],
    ids=["periods", "by", "split"],
)
def test_subgroup_samples_read_lags_across_their_boundary(keys):
    panel = Panel(DATA, "region", "year")
    got, ref = _fit(WITH_OPERATORS, panel, **keys), _fit(EXPLICIT, panel, **keys)
    assert set(got.components) == set(ref.components)
    for name in got.components:
        _same(got.components[name], ref.components[name])
    for stat in ("equality_wald", "equality_p"):
        np.testing.assert_allclose(got.stats[stat], ref.stats[stat], rtol=1e-10)
    if "periods" in keys:  # 2010's lag comes from 2009, in the other period
        assert got.components["late"].nobs == 50
        coef, se = _lsdv(DATA.query("year >= 2010"))
        late = got.components["late"]
        np.testing.assert_allclose([late.params["D.trade"], late.params["L.fdi"]], coef,
                                   rtol=1e-10)
        np.testing.assert_allclose([late.std_errors["D.trade"], late.std_errors["L.fdi"]], se,
                                   rtol=1e-10)


def test_spec_file_data_filter_model_filter_and_variant(tmp_path: Path):
    """Through the pipeline: ``data.filter``, variants adding a ``filter`` or lagging the
    regressors, and ``periods``."""
    DATA.drop(columns=["d_trade", "l_fdi", "l_trade"]).to_csv(tmp_path / "panel.csv",
                                                              index=False)
    models = [
        {"id": "ops", "type": "fe", "formula": WITH_OPERATORS},
        {"id": "ops_no_r03", "base": "ops", "filter": "region != 'r03'"},
        {"id": "levels", "type": "fe", "formula": "y ~ trade + fdi"},
        {"id": "lagged", "base": "levels", "lag_regressors": 1},
        {"id": "ops_periods", "base": "ops", "periods": {"a": [2010, 2011], "b": [2012, 2014]}},
    ]
    raw = {
        "data": {"path": "panel.csv", "entity": "region", "time": "year",
                 "filter": "year >= 2010"},
        "defaults": {"effects": ["entity", "time"], "vcov": CLUSTER},
        "models": models,
    }
    results = compute(spec_from_dict(raw), tmp_path).results
    full = Panel(DATA, "region", "year")
    assert results["ops"].nobs == 50
    _same(results["ops"], _fit(EXPLICIT, full, filter="year >= 2010"))
    _same(results["ops_no_r03"], _fit(EXPLICIT, full, filter="year >= 2010 and region != 'r03'"))
    ref = _fit(EXPLICIT, full.filtered("year >= 2010"),
               periods={"a": [2010, 2011], "b": [2012, 2014]})
    for name in ("a", "b"):
        _same(results["ops_periods"].components[name], ref.components[name])
    assert results["ops_periods"].components["a"].nobs == 20
    lagged = _fit("y ~ l_trade + l_fdi", full, filter="year >= 2010")
    _same(results["lagged"], lagged, names=("L.trade", "L.fdi"), plain=("l_trade", "l_fdi"))


def test_iv_with_lagged_instrument_under_a_filter():
    """IV terms (endogenous regressor and instrument) go through the same operator path."""
    panel = Panel(DATA.assign(z=DATA["l_fdi"] + 0.5 * DATA["d_trade"]), "region", "year")
    keys = {"type": "iv", "effects": ["entity", "time"], "vcov": CLUSTER,
            "filter": "year >= 2010"}
    got = estimate(model_spec(id="iv", formula="y ~ [D.trade ~ L.fdi + z]", **keys), panel)
    ref = estimate(model_spec(id="iv", formula="y ~ [d_trade ~ l_fdi + z]", **keys), panel)
    assert got.nobs == ref.nobs == 50
    for attr in ("params", "std_errors", "pvalues"):
        np.testing.assert_allclose(getattr(got, attr)["D.trade"], getattr(ref, attr)["d_trade"],
                                   rtol=1e-12)
