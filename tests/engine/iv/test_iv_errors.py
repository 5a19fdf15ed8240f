"""Every bad-input path of the IV kernels raises a project error with a helpful message."""

from __future__ import annotations

import numpy as np
import pytest

from regiometrics.engine.iv import anderson_rubin_test, fit_iv
from regiometrics.errors import DataError, IdentificationError, SpecError


@pytest.fixture()
def data():
    rng = np.random.default_rng(0)
    n = 60
    z = rng.normal(size=(n, 2))
    w = np.column_stack([np.ones(n), rng.normal(size=n)])
    x = z @ np.array([[1.0], [0.5]]) + rng.normal(size=(n, 1))
    y = x[:, 0] + w[:, 1] + rng.normal(size=n)
    return y, w, x, z, rng.integers(0, 6, size=n)


@pytest.mark.parametrize("kw,match", [
    ({"method": "ols"}, r"method must be one of '2sls', 'liml', 'gmm2s'; 'ols' was given"),
    ({"vcov": "hc1"}, r"vcov must be one of 'unadjusted', 'robust', 'cluster'; 'hc1'"),
    ({"ssc": "stata"}, r"ssc must be one of 'ivreg2', 'fixest'; 'stata'"),
    ({"absorbed_as": "both"}, r"absorbed_as must be one of 'dofminus', 'sdofminus'; 'both'"),
    ({"absorbed_df": -1}, r"absorbed_df=-1 and absorbed_nested_df=0 must satisfy"),
    ({"absorbed_df": 2, "absorbed_nested_df": 3}, r"0 <= absorbed_nested_df <= absorbed_df"),
    ({"partialled_df": -2}, r"partialled_df=-2 must be >= 0"),
    ({"vcov": "cluster"}, r"vcov='cluster' needs clusters="),
    ({"exog_names": ["a"]}, r"X_exog has 2 column\(s\) but 1 name\(s\) were given \(a\)"),
    ({"endog_names": ["w1"], "exog_names": ["c", "w1"]},
     r"w1 is declared both endogenous and exogenous"),
])
def test_bad_options(data, kw, match):
    y, w, x, z, _ = data
    with pytest.raises(SpecError, match=match):
        fit_iv(y, w, x, z, **kw)


def test_clusters_without_cluster_vcov(data):
    y, w, x, z, g = data
    with pytest.raises(SpecError, match=r"clusters= was given but vcov='robust'"):
        fit_iv(y, w, x, z, vcov="robust", clusters=g)


def test_shape_errors(data):
    y, w, x, z, g = data
    with pytest.raises(DataError, match=r"X_exog has 59 rows but y has 60"):
        fit_iv(y, w[:-1], x, z)
    with pytest.raises(DataError, match=r"y must be a single column, got 2 columns"):
        fit_iv(np.column_stack([y, y]), w, x, z)
    with pytest.raises(DataError, match=r"Z must be 1- or 2-dimensional"):
        fit_iv(y, w, x, z[:, :, None])
    with pytest.raises(DataError, match=r"clusters must have shape \(60,\) or \(60, 2\)"):
        fit_iv(y, w, x, z, vcov="cluster", clusters=g[:10])
    with pytest.raises(DataError, match=r"X_endog must be numeric"):
        fit_iv(y, w, np.array(["a"] * 60, dtype=object), z)


def test_missing_values_are_named(data):
    y, w, x, z, _g = data
    z = z.copy()
    z[5, 1] = np.nan
    with pytest.raises(DataError, match=r"Z column 'ivnq' has 1 missing or infinite value\(s\) "
                                        r"\(first at row 5\)"):
        fit_iv(y, w, x, z, instrument_names=["z1", "ivnq"])
    yy = y.copy()
    yy[3] = np.inf
    with pytest.raises(DataError, match=r"y column 'ER' has 1 missing"):
        fit_iv(yy, w, x, z[:, :1] * 0 + 1, dependent="ER")


def test_cluster_values(data):
    y, w, x, z, g = data
    with pytest.raises(DataError, match=r"clustering needs at least 2 clusters, got 1"):
        fit_iv(y, w, x, z, vcov="cluster", clusters=np.zeros(60))
    bad = g.astype(float)
    bad[0] = np.nan
    with pytest.raises(DataError, match=r"clusters has missing values"):
        fit_iv(y, w, x, z, vcov="cluster", clusters=bad)
    labels = np.array([f"p{i}" for i in g], dtype=object)
    labels[7] = None
    with pytest.raises(DataError, match=r"clusters has missing values"):
        fit_iv(y, w, x, z, vcov="cluster", clusters=np.column_stack([labels, g]))


def test_identification_errors(data):
    y, w, x, z, _ = data
    with pytest.raises(IdentificationError, match=r"X_endog has no columns"):
        fit_iv(y, w, np.zeros((60, 0)), z)
    with pytest.raises(IdentificationError,
                       match=r"1 excluded instrument\(s\) \(z1\) for 2 endogenous"):
        fit_iv(y, w, np.column_stack([x, x[:, 0] ** 2]), z[:, :1], instrument_names=["z1"])
    with pytest.raises(IdentificationError, match=r"The instruments .* are collinear: zdup"):
        fit_iv(y, w, x, np.column_stack([z, 2 * z[:, 0]]),
               instrument_names=["z1", "z2", "zdup"])
    with pytest.raises(IdentificationError, match=r"The regressors are collinear"):
        fit_iv(y, np.column_stack([w, w[:, 1] + x[:, 0]]), x, z)
    with pytest.raises(IdentificationError, match=r"too few for 4 instruments"):
        fit_iv(y[:4], w[:4], x[:4], z[:4])


def test_instruments_that_do_not_move_an_endogenous_regressor(data):
    y, w, x, z, _ = data
    rng = np.random.default_rng(1)
    zw = np.column_stack([z, w])
    orth = rng.normal(size=60)
    orth -= zw @ np.linalg.lstsq(zw, orth, rcond=None)[0]  # orthogonal to all instruments
    with pytest.raises(IdentificationError, match=r"do not identify DT, L.DT"):
        fit_iv(y, w, np.column_stack([x[:, 0], orth]), z, endog_names=["DT", "L.DT"])


def test_gmm_with_singular_moment_covariance(data):
    y, w, x, z, _ = data
    few = np.repeat([0, 1, 2], 20)
    with pytest.raises(IdentificationError, match=r"moment conditions is singular"):
        fit_iv(y, w, x, z, method="gmm2s", vcov="cluster", clusters=few)


def test_anderson_rubin_beta0_length(data):
    y, w, x, z, _ = data
    with pytest.raises(SpecError, match=r"beta0 has 2 value\(s\) but there are 1 endogenous"):
        anderson_rubin_test(y, w, x, z, beta0=[0.0, 1.0])
