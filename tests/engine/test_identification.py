"""Omitted regressors (as Stata notes them), listwise deletion, and the constant."""

import warnings

import numpy as np
import pandas as pd
import pytest

from regiometrics.data import Panel
from regiometrics.engine import estimate
from regiometrics.engine.linear.fit import OmittedVariableWarning
from regiometrics.errors import IdentificationError
from regiometrics.spec import model_spec


@pytest.fixture
def panel() -> Panel:
    rng = np.random.default_rng(7)
    n_e, n_t = 12, 6
    df = pd.DataFrame({"e": np.repeat(np.arange(n_e), n_t), "t": np.tile(np.arange(n_t), n_e)})
    df["x"] = rng.normal(size=len(df))
    df["z"] = rng.normal(size=len(df))
    df["region"] = (df["e"] % 3).astype(float)  # constant within entity
    df["x2"] = 2.0 * df["x"] - df["z"]  # collinear with x and z
    df["y"] = 1.0 + 0.5 * df["x"] - 0.2 * df["z"] + rng.normal(size=len(df))
    return Panel(df, "e", "t")


def fe(formula, **kw):
    return model_spec(id="m", type="fe", formula=formula, effects=["entity", "time"], **kw)


def test_regressor_constant_within_entity_is_omitted_with_a_note(panel):
    with pytest.warns(OmittedVariableWarning, match=r"region omitted: no variation left after the fixed effects"):
        res = estimate(fe("y ~ x + region"), panel)
    assert "region" not in res.params
    assert res.info["omitted"] == ["region"]
    np.testing.assert_allclose(
        res.params["x"], estimate(fe("y ~ x"), panel).params["x"], rtol=1e-10
    )


def test_collinear_regressor_is_omitted_later_one_dropped(panel):
    with pytest.warns(OmittedVariableWarning, match=r"x2 omitted: collinear with x, z"):
        res = estimate(fe("y ~ x + z + x2"), panel)
    assert list(res.params.index) == ["x", "z", "_cons"]


def test_pooled_constant_regressor_is_omitted(panel):
    frame = panel.frame.assign(one=1.0)
    with pytest.warns(OmittedVariableWarning, match="one omitted: collinear with _cons"):
        res = estimate(model_spec(id="m", type="ols", formula="y ~ x + one"), Panel(frame, "e", "t"))
    assert "one" not in res.params


def test_all_regressors_omitted_is_an_identification_error(panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(IdentificationError, match="every regressor was omitted: region"):
            estimate(fe("y ~ region"), panel)


def test_listwise_deletion_counts_dropped_rows(panel):
    frame = panel.frame.copy()
    frame.loc[[0, 5, 9], "z"] = np.nan
    res = estimate(fe("y ~ x + z"), Panel(frame, "e", "t"))
    assert res.nobs == len(frame) - 3
    assert res.info["n_dropped_missing"] == 3


def test_lags_shorten_the_sample(panel):
    res = estimate(fe("y ~ L.x + z"), panel)
    assert res.nobs == 12 * 5
    assert "L.x" in res.params


def test_constant_is_mean_y_minus_mean_x_times_b(panel):
    res = estimate(fe("y ~ x + z"), panel)
    frame = panel.frame
    expected = frame["y"].mean() - res.params["x"] * frame["x"].mean() - res.params["z"] * frame["z"].mean()
    np.testing.assert_allclose(res.params["_cons"], expected, rtol=1e-10)


def test_balanced_two_way_demeaning_is_exact(panel):
    from regiometrics.engine.linear.demean import demean

    x = panel.frame["x"].to_numpy()
    e, t = panel.codes("e"), panel.codes("t")
    got = demean(x[:, None], [e, t])[:, 0]
    frame = panel.frame.assign(x=x)
    expected = (
        x - frame.groupby("e")["x"].transform("mean") - frame.groupby("t")["x"].transform("mean") + x.mean()
    )
    np.testing.assert_allclose(got, expected.to_numpy(), rtol=1e-10, atol=1e-13)
