"""Spatial random effects (``random: [entity]``) and ``hausman: true`` from a spec equal the
direct kernel calls on the same data (rtol=1e-10), and bad combinations are refused.

Data: plm's Produc with the US-states queen contiguity (as test_spatial_models_spec.py). The
kernels are checked against spreg's ML_LagRE and by hand in tests/engine/spatial.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine import EstimationContext, estimate
from regiometrics.engine.spatial.hausman import spatial_hausman
from regiometrics.engine.spatial.panel_data import to_time_major
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel
from regiometrics.engine.spatial.random_effects import fit_spatial_re
from regiometrics.errors import SpecError
from regiometrics.results.serialize import jsonable
from regiometrics.spec import ModelSpec, model_spec
from tests.pipeline.spatial_study import base_spec, produc_contiguity, produc_panel

X_NAMES = ["lpcap", "lpc", "lemp", "unemp"]
RTOL = 1e-10


@pytest.fixture(scope="module")
def panel() -> Panel:
    return produc_panel()


@pytest.fixture(scope="module")
def w():
    return produc_contiguity()


@pytest.fixture(scope="module")
def data(panel, w):
    frame = to_time_major(panel.frame, entity="state", time="year", entity_order=list(w.entities))
    return frame["lgsp"].to_numpy(float), frame[X_NAMES].to_numpy(float)


def _model(**changes) -> ModelSpec:
    spec = base_spec()["models"][0]
    spec.update(changes)
    return model_spec(**spec)


@pytest.mark.parametrize("kind", ["sar", "sdm"])
def test_random_effects_model_equals_direct_fit(panel, w, data, kind):
    result = estimate(_model(type=kind, effects=[], random=["entity"]), panel,
                      EstimationContext(weights={"W": w}))
    y, X = data
    fit = fit_spatial_re(y, np.column_stack([X, np.ones(y.size)]), w.to_sparse(),
                         n_entities=48, n_periods=17, model=kind, x_names=[*X_NAMES, "_cons"])
    assert list(result.params.index) == list(fit.params)
    np.testing.assert_allclose(result.params.to_numpy(), list(fit.params.values()), rtol=RTOL)
    np.testing.assert_allclose(result.std_errors.to_numpy(), list(fit.std_errors.values()),
                               rtol=RTOL)
    for key in ("phi", "phi_se", "theta", "sigma_mu", "sigma_mu2", "sigma_e"):
        np.testing.assert_allclose(result.stats[key], fit.info[key], rtol=RTOL)
    np.testing.assert_allclose(result.stats["loglik"], fit.loglik, rtol=RTOL)
    assert result.info["random_effects"] == ["entity"]
    assert tuple(result.info["fixed_effects"]) == ()
    assert "_cons" not in result.effects["direct"]


@pytest.mark.parametrize("effects,fe", [(["entity"], "entity"), (["entity", "time"], "twoways")])
def test_hausman_on_spatial_fe_model(panel, w, data, effects, fe):
    result = estimate(_model(effects=effects, hausman=True), panel,
                      EstimationContext(weights={"W": w}))
    y, X = data
    fe_fit = fit_spatial_panel(y, X, w.to_sparse(), n_entities=48, n_periods=17, model="sdm",
                               effects=fe, x_names=X_NAMES)
    cols, names = [np.ones((y.size, 1)), X], ["_cons", *X_NAMES]
    if fe == "twoways":  # period effects stay fixed in the RE counterpart
        year = np.repeat(np.arange(17), 48)
        cols.append((year[:, None] == np.arange(1, 17)[None, :]).astype(float))
        names += [f"_year[{t}]" for t in range(1, 17)]
    re_fit = fit_spatial_re(y, np.hstack(cols), w.to_sparse(), n_entities=48, n_periods=17,
                            model="sdm", x_names=names, durbin=X_NAMES)
    test = spatial_hausman(fe_fit.params, fe_fit.vcov, re_fit.params, re_fit.vcov)
    np.testing.assert_allclose(result.stats["hausman_chi2"], test.statistic, rtol=1e-8)
    assert result.stats["hausman_df"] == test.df == 9
    h = result.info["hausman"]
    assert h["terms"] == [*X_NAMES, *(f"W.{n}" for n in X_NAMES), "rho"]
    assert h["positive_definite"] == test.positive_definite
    re_info = h["random_effects_model"]
    np.testing.assert_allclose(re_info["phi"], re_fit.info["phi"], rtol=RTOL)
    np.testing.assert_allclose(re_info["params"]["rho"], re_fit.params["rho"], rtol=RTOL)
    json.dumps(jsonable(dict(result.info)))  # results.json can carry it


@pytest.mark.parametrize("changes,message", [
    ({"type": "sem", "effects": [], "random": ["entity"]}, "available for sar and sdm, not type"),
    ({"random": ["entity"]}, "replaces the fixed effects"),
    ({"effects": [], "random": ["entity"], "lee_yu": True}, "apply to fixed-effects"),
    ({"effects": ["time"], "hausman": True}, "add entity to effects"),
    ({"hausman": "aux"}, "hausman: true"),
    ({"type": "sem", "hausman": True}, "no random-effects counterpart"),
])
def test_bad_random_effects_specs_are_refused(changes, message):
    with pytest.raises(SpecError, match=message):
        _model(**changes)
