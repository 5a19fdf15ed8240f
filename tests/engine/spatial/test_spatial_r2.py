"""R² of spatial panel fits (xsmle's "R-sq within / between / overall"), computed by hand."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from regiometrics.engine.spatial.fit_stats import spatial_r2


def test_r2_forms_equal_squared_correlations_computed_by_hand():
    n, t = 3, 2
    W = np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    # time-major: period 1's entities a, b, c, then period 2's
    x = np.array([1.0, 2.0, 4.0, 2.0, 3.0, 7.0])
    y = np.array([1.5, 2.0, 5.0, 2.5, 2.0, 9.0])
    params = {"x": 0.8, "W.x": 0.3, "rho": 0.4}
    # by hand: xb = 0.8 x + 0.3 (W x) per period; rho does not enter
    wx = np.concatenate([W @ x[:3], W @ x[3:]])
    assert np.allclose(wx, [3.0, 1.0, 1.5, 5.0, 2.0, 2.5], rtol=1e-15)
    xb = 0.8 * x + 0.3 * wx
    overall = np.corrcoef(y, xb)[0, 1] ** 2
    ybar = np.array([(1.5 + 2.5) / 2, (2.0 + 2.0) / 2, (5.0 + 9.0) / 2])
    xbbar = (xb[:3] + xb[3:]) / 2
    between = np.corrcoef(ybar, xbbar)[0, 1] ** 2
    within = np.corrcoef(y - np.tile(ybar, 2), xb - np.tile(xbbar, 2))[0, 1] ** 2
    got = spatial_r2(y, x[:, None], sp.csr_matrix(W), n_entities=n, n_periods=t,
                     x_names=["x"], durbin_names=["x"], params=params)
    assert np.isclose(got["r2"], overall, rtol=1e-12)
    assert np.isclose(got["r2_between"], between, rtol=1e-12)
    assert np.isclose(got["r2_within"], within, rtol=1e-12)
    sar = spatial_r2(y, x[:, None], sp.csr_matrix(W), n_entities=n, n_periods=t,
                     x_names=["x"], durbin_names=[], params=params)
    assert np.isclose(sar["r2"], np.corrcoef(y, x)[0, 1] ** 2, rtol=1e-12)  # scale-free
