"""Entity-FE SAR and SEM against spreg 1.9's Panel_FE_Lag / Panel_FE_Error (Elhorst 2003).

spreg's panel models take y, X stacked time-major with a libpysal W (the same layout) and have
entity effects only, no W.x terms.  Their covariance ``vm1`` is the Elhorst information matrix
(``(b, rho, sigma^2)`` for the lag model; ``(lambda, sigma^2)`` for the error model), so it
must equal ours.  The log-likelihood is compared with spreg's newer ML_LagFE / ML_ErrorFE (same
estimator): the deprecated Panel_FE_* classes report a ``logll`` that does not follow the
likelihood formula (-1125.68 for the SAR below, where ML_LagFE and spatialreg give 1609.72).
Data: plm::Produc with the US-states queen contiguity (tests/fixtures/spatial_panel).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

libpysal = pytest.importorskip("libpysal")
spreg = pytest.importorskip("spreg")

from regiometrics.engine.spatial.panel_ml import fit_spatial_panel


def _w(W):
    w = libpysal.weights.full2W(W)
    w.transform = "r"
    return w


def _spreg(cls, case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(case.y[:, None], case.X, _w(case.W), epsilon=1e-12)


def test_sar_entity_matches_spreg_panel_fe_lag(produc):
    """beta, rho, sigma^2 and the full (b, rho, sigma^2) covariance equal Panel_FE_Lag."""
    m = _spreg(spreg.Panel_FE_Lag, produc)
    fit = fit_spatial_panel(
        produc.y, produc.X, produc.W, n_entities=48, n_periods=17, model="sar", effects="entity"
    )
    np.testing.assert_allclose(list(fit.params.values()), m.betas.ravel(), rtol=1e-6)
    np.testing.assert_allclose(fit.sigma2, np.ravel(m.sig2)[0], rtol=1e-6)
    np.testing.assert_allclose(fit.vcov, m.vm1, rtol=1e-6)
    new = _spreg(spreg.ML_LagFE, produc)
    np.testing.assert_allclose(fit.loglik, np.ravel(new.logll)[0], rtol=1e-9)


def test_sem_entity_matches_spreg_panel_fe_error(produc):
    """beta, lambda, sigma^2 and the (lambda, sigma^2) covariance equal Panel_FE_Error."""
    m = _spreg(spreg.Panel_FE_Error, produc)
    fit = fit_spatial_panel(
        produc.y, produc.X, produc.W, n_entities=48, n_periods=17, model="sem", effects="entity"
    )
    np.testing.assert_allclose(list(fit.params.values()), m.betas.ravel(), rtol=1e-6)
    np.testing.assert_allclose(fit.sigma2, np.ravel(m.sig2)[0], rtol=1e-6)
    np.testing.assert_allclose(fit.vcov[-2:, -2:], m.vm1, rtol=1e-6)
    new = _spreg(spreg.ML_ErrorFE, produc)
    np.testing.assert_allclose(fit.loglik, np.ravel(new.logll)[0], rtol=1e-9)
