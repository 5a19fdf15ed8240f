"""Spatial model types from a spec (sar, sem, sdm, sdem; FE variants; Lee-Yu; delta effects)
equal the direct kernel calls on the same time-major data (rtol=1e-10).

Data: plm's Produc (48 US states, 1970-1986) with row-standardised queen contiguity
(spData::us_states via spdep::poly2nb), as in specs/spatial.yaml. The kernels themselves are
checked against R's spatialreg in tests/engine/spatial.
"""

from __future__ import annotations

import numpy as np
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine import EstimationContext, estimate
from regiometrics.engine.spatial.panel_data import to_time_major
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel
from regiometrics.errors import SpecError
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


def _model(**changes) -> ModelSpec:
    spec = base_spec()["models"][0]
    spec.update(changes)
    return model_spec(**spec)


CASES = [
    ("sar", ["entity", "time"], "twoways", False),
    ("sem", ["entity", "time"], "twoways", False),
    ("sdem", ["entity"], "entity", False),
    ("sdm", ["time"], "time", False),
    ("sdm", ["entity", "time"], "twoways", True),
]


@pytest.mark.parametrize("kind,effects,fe,lee_yu", CASES)
def test_model_types_equal_direct_fit(panel, w, kind, effects, fe, lee_yu):
    model = _model(type=kind, effects=effects, lee_yu=lee_yu)
    result = estimate(model, panel, EstimationContext(weights={"W": w}))
    frame = to_time_major(panel.frame, entity="state", time="year", entity_order=list(w.entities))
    fit = fit_spatial_panel(frame["lgsp"].to_numpy(float), frame[X_NAMES].to_numpy(float),
                            w.to_sparse(), n_entities=48, n_periods=17, model=kind, effects=fe,
                            lee_yu=lee_yu, x_names=X_NAMES)
    assert list(result.params.index) == list(fit.params)
    assert ("rho" in result.params) == (kind in ("sar", "sdm"))
    assert ("lambda" in result.params) == (kind in ("sem", "sdem"))
    assert any(t.startswith("W.") for t in result.params.index) == (kind in ("sdm", "sdem"))
    np.testing.assert_allclose(result.params.to_numpy(), list(fit.params.values()), rtol=RTOL)
    np.testing.assert_allclose(result.std_errors.to_numpy(), list(fit.std_errors.values()),
                               rtol=RTOL)
    np.testing.assert_allclose(result.stats["loglik"], fit.loglik, rtol=RTOL)
    eff = fit.effects(method="delta")
    for kind_ in ("direct", "indirect", "total"):
        for term, e in getattr(eff, kind_).items():
            got = result.effects[kind_][term]
            np.testing.assert_allclose([got.estimate, got.std_error], [e.estimate, e.std_error],
                                       rtol=RTOL)
    assert result.info["effects_method"] == "delta"
    assert result.info["bias_correction"] == (fit.bias_correction or "none")
    assert lee_yu == result.info["bias_correction"].startswith("Lee-Yu")


def test_pooled_spatial_model_gets_a_constant(panel, w):
    result = estimate(_model(type="sar", effects=[]), panel, EstimationContext(weights={"W": w}))
    assert "_cons" in result.params and tuple(result.info["fixed_effects"]) == ()
    assert "_cons" not in result.effects["direct"]


def test_estimator_needs_the_named_weights(panel, w):
    with pytest.raises(SpecError, match=r"models\.sdm\.weights: unknown weights 'W'; weights "
                                        r"defined: V"):
        estimate(_model(), panel, EstimationContext(weights={"V": w}))
