"""Gaussian kernel density on a common grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import trapezoid  # numpy.trapezoid needs NumPy 2

from regiometrics.errors import DataError, SpecError
from regiometrics.measure.density import kernel_density


def _phi(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)


def _panel() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "p": list("abcde") * 2,
            "year": [2013] * 5 + [2021] * 5,
            "ER": [0.1, 0.2, 0.25, 0.4, 0.7, 0.2, 0.3, 0.5, 0.55, 0.9],
        }
    )


def test_density_matches_the_kernel_formula_written_out():
    """f(x) = (1/n) sum_i phi((x - x_i)/h)/h with Scott's h = sd(ddof=1) n^(-1/5) and
    Silverman's h = sd (3n/4)^(-1/5), on a grid common to both years."""
    df = _panel()
    out = kernel_density(df, value="ER", time="year", grid_size=50)
    assert out.columns.tolist() == ["time", "x", "density", "bandwidth"]
    assert len(out) == 100
    grid_2013 = out.loc[out["time"] == 2013, "x"].to_numpy()
    np.testing.assert_array_equal(grid_2013, out.loc[out["time"] == 2021, "x"].to_numpy())
    for year in (2013, 2021):
        xs = df.loc[df["year"] == year, "ER"].to_numpy()
        h = xs.std(ddof=1) * 5 ** (-1 / 5)
        rows = out[out["time"] == year]
        np.testing.assert_allclose(rows["bandwidth"], h, rtol=1e-12)
        by_hand = _phi((grid_2013[:, None] - xs[None, :]) / h).mean(axis=1) / h
        np.testing.assert_allclose(rows["density"], by_hand, rtol=1e-10)
    h13 = df.loc[df["year"] == 2013, "ER"].std(ddof=1) * 5 ** (-1 / 5)
    h21 = df.loc[df["year"] == 2021, "ER"].std(ddof=1) * 5 ** (-1 / 5)
    np.testing.assert_allclose(
        grid_2013[[0, -1]],
        [min(0.1 - 3 * h13, 0.2 - 3 * h21), max(0.7 + 3 * h13, 0.9 + 3 * h21)],
        rtol=1e-12,
    )
    silver = kernel_density(
        df, value="ER", time="year", times=[2021], bandwidth="silverman", grid=[0.0, 0.5, 1.0]
    )
    xs = df.loc[df["year"] == 2021, "ER"].to_numpy()
    h = xs.std(ddof=1) * (5 * 3 / 4) ** (-1 / 5)
    np.testing.assert_allclose(
        silver["density"],
        _phi((np.array([0.0, 0.5, 1.0])[:, None] - xs) / h).mean(axis=1) / h,
        rtol=1e-10,
    )


def test_absolute_bandwidth_is_the_kernel_sd():
    df = _panel()
    out = kernel_density(df, value="ER", time="year", times=[2013], bandwidth=0.05, grid=[0.1, 0.3])
    xs = df.loc[df["year"] == 2013, "ER"].to_numpy()
    np.testing.assert_allclose(out["bandwidth"], 0.05, rtol=1e-12)
    np.testing.assert_allclose(
        out["density"],
        _phi((np.array([0.1, 0.3])[:, None] - xs) / 0.05).mean(axis=1) / 0.05,
        rtol=1e-10,
    )


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.floats(-100, 100), min_size=2, max_size=20).filter(lambda v: np.ptp(v) > 1e-3),
    st.lists(st.integers(1, 4), min_size=1, max_size=4),
)
def test_density_integrates_to_one_and_weights_equal_replication(xs, ws):
    """The estimate integrates to one; with a fixed kernel sd, integer weights give the
    density of the replicated sample (rule-of-thumb bandwidths differ: scipy's weighted
    rules use the effective sample size)."""
    weights = [ws[i % len(ws)] for i in range(len(xs))]
    df = pd.DataFrame({"t": 1, "v": xs, "w": weights})
    out = kernel_density(df, value="v", time="t", weight="w", grid_size=401, cut=8.0)
    np.testing.assert_allclose(trapezoid(out["density"], out["x"]), 1.0, rtol=1e-6)
    rep = df.loc[df.index.repeat(df["w"])]
    grid = np.linspace(-120.0, 120.0, 50)
    weighted = kernel_density(df, value="v", time="t", weight="w", bandwidth=1.5, grid=grid)
    same = kernel_density(rep, value="v", time="t", bandwidth=1.5, grid=grid)
    np.testing.assert_allclose(weighted["density"], same["density"], rtol=1e-9, atol=1e-15)


def test_density_bad_input():
    df = _panel()
    with pytest.raises(
        DataError,
        match=r"year \[2015\] not in the data; available periods "
        r"are \[2013, 2021\]",
    ):
        kernel_density(df, value="ER", time="year", times=[2015])
    one = df.assign(ER=0.3)
    with pytest.raises(
        DataError,
        match=r"'ER' in year=2013 has 5 observation\(s\) and no "
        r"spread",
    ):
        kernel_density(one, value="ER", time="year")
    with pytest.raises(SpecError, match=r"'bandwidth' must be one of 'scott', 'silverman'"):
        kernel_density(df, value="ER", time="year", bandwidth="plugin")  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"'bandwidth' must be .* a positive number"):
        kernel_density(df, value="ER", time="year", bandwidth=-1.0)
    with pytest.raises(DataError, match=r"missing or infinite values at c 2013"):
        kernel_density(
            df.assign(ER=df["ER"].where(df.index != 2)), value="ER", time="year", entity="p"
        )
    with pytest.raises(DataError, match=r"'grid' must be a 1-D increasing sequence"):
        kernel_density(df, value="ER", time="year", grid=[1.0, 0.0])
