"""Stacking, demeaning, spatial lags and the Result conversion of the spatial panel kernels."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from regiometrics.engine.spatial.convert import to_result
from regiometrics.engine.spatial.panel_data import demean, spatial_lag, to_time_major
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel
from regiometrics.results.serialize import result_to_json
from tests.engine.spatial.spatial_helpers import knn_weights

N, T = 6, 4


def test_to_time_major_orders_by_period_then_weights_rows():
    rng = np.random.default_rng(0)
    ids = ["c", "a", "b", "f", "e", "d"]
    df = pd.DataFrame(
        [(e, t, rng.normal()) for e in ids for t in (2003, 2001, 2002, 2004)],
        columns=["region", "year", "v"],
    ).sample(frac=1.0, random_state=1)
    out = to_time_major(df, entity="region", time="year", entity_order=ids)
    assert list(out.columns) == ["region", "year", "v"]
    assert list(out["year"]) == sorted([2001, 2002, 2003, 2004] * 6)
    assert list(out["region"]) == ids * 4
    merged = out.merge(df, on=["region", "year"], suffixes=("", "_orig"))
    np.testing.assert_array_equal(merged["v"], merged["v_orig"])
    default = to_time_major(df, entity="region", time="year")
    assert list(default["region"][:6]) == sorted(ids)


@pytest.mark.parametrize("effects", ["entity", "time", "twoways", "none"])
def test_demean_matches_pandas_groupby(effects):
    rng = np.random.default_rng(1)
    z = rng.normal(size=(N * T, 2))
    ent = np.tile(np.arange(N), T)
    per = np.repeat(np.arange(T), N)
    df = pd.DataFrame(z, columns=["a", "b"]).assign(e=ent, t=per)
    want = df[["a", "b"]].to_numpy().copy()
    if effects in ("entity", "twoways"):
        want -= df.groupby("e")[["a", "b"]].transform("mean").to_numpy()
    if effects in ("time", "twoways"):
        want -= df.groupby("t")[["a", "b"]].transform("mean").to_numpy()
    if effects == "twoways":
        want += df[["a", "b"]].mean().to_numpy()
    np.testing.assert_allclose(demean(z, N, T, effects), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(demean(z[:, 0], N, T, effects), want[:, 0], atol=1e-12)


def test_spatial_lag_is_kronecker_identity_w():
    W = knn_weights(N, k=2, seed=0)
    z = np.random.default_rng(2).normal(size=(N * T, 3))
    big = np.kron(np.eye(T), W.toarray())
    np.testing.assert_allclose(spatial_lag(z, W, N, T), big @ z, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(spatial_lag(z[:, 1], W, N, T), big @ z[:, 1], atol=1e-14)


def test_to_result_carries_params_effects_and_lee_yu_note(produc):
    fit = fit_spatial_panel(
        produc.y,
        produc.X,
        produc.W,
        n_entities=48,
        n_periods=17,
        model="sdm",
        effects="twoways",
        x_names=produc.x_names,
        lee_yu=True,
    )
    eff = fit.effects(draws=100, seed=3)
    res = to_result(fit, model_id="sdm", dependent="lgsp", effects=eff)
    assert list(res.params.index) == [
        "lpcap",
        "lpc",
        "lemp",
        "unemp",
        "W.lpcap",
        "W.lpc",
        "W.lemp",
        "W.unemp",
        "rho",
    ]
    assert res.vcov.shape == (9, 9)
    assert res.stats["loglik"] == fit.loglik and res.stats["sigma2"] == fit.sigma2
    assert res.info["fixed_effects"] == ("entity", "time")
    assert "Lee-Yu (2010) correction for two-way effects" in res.info["bias_correction"]
    assert res.info["effects_draws"] == 100 and res.info["effects_seed"] == 3
    record = json.loads(json.dumps(result_to_json(res)))
    assert record["params"]["rho"] == pytest.approx(fit.params["rho"], rel=1e-15)
    ind = record["effects"]["indirect"]["lemp"]
    assert ind["estimate"] == pytest.approx(eff.indirect["lemp"].estimate, rel=1e-15)
    assert set(ind) == {"estimate", "std_error", "pvalue", "ci_low", "ci_high"}
