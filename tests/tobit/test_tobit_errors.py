"""Bad input for ``type: tobit``: spec keys, censoring, identification, convergence."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine.registry import estimate
from regiometrics.engine.tobit import model as tobit_module
from regiometrics.engine.tobit.kernel import Censoring, fit_pooled_tobit, fit_re_tobit
from regiometrics.engine.tobit.model import TobitWarning
from regiometrics.errors import ConvergenceError, DataError, IdentificationError, SpecError
from regiometrics.spec.loader import spec_from_dict
from regiometrics.spec.models import ModelSpec


def _spec(model: dict, defaults: dict | None = None) -> object:
    raw = {"data": {"path": "x.csv", "entity": "id", "time": "year"},
           "models": [{"id": "m", "formula": "y ~ x", **model}]}
    if defaults:
        raw["defaults"] = defaults
    return spec_from_dict(raw)


@pytest.mark.parametrize(("model", "match"), [
    ({"type": "tobit", "left": 1, "right": 1}, r"left \(1.0\) must be below right \(1.0\)"),
    ({"type": "tobit", "left": 2, "right": 1}, r"left \(2.0\) must be below right"),
    ({"type": "tobit", "left": None}, "needs a censoring limit"),
    ({"type": "fe", "effects": ["entity"], "right": 1}, r"\['right'\] apply only to type 'tobit'"),
    ({"type": "ols", "quadrature": 20}, r"\['quadrature'\] apply only to type 'tobit'"),
    ({"type": "tobit", "quadrature": 1}, "quadrature must be at least 2"),
    ({"type": "tobit", "hausman": True}, r"type 'tobit' takes no \['hausman'\]"),
])
def test_spec_errors(model: dict, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        _spec(model)


def test_defaults_tobit_keys_reach_only_tobit_models() -> None:
    """A defaults block with right/quadrature serves fe and tobit models alike."""
    raw = {"data": {"path": "x.csv", "entity": "id", "time": "year"},
           "defaults": {"right": 1, "quadrature": 20, "effects": ["entity"], "hausman": True,
                        "singletons": "drop", "estimator": "liml"},
           "models": [{"id": "a", "type": "fe", "formula": "y ~ x"},
                      {"id": "b", "type": "tobit", "formula": "y ~ x"}]}
    spec = spec_from_dict(raw)
    assert spec.model("b").right == 1 and spec.model("b").quadrature == 20
    assert spec.model("b").effects == ["entity"] and spec.model("b").hausman is None
    assert "right" not in spec.model("a").model_fields_set


@pytest.fixture
def panel() -> Panel:
    rng = np.random.default_rng(2)
    n, t = 40, 5
    x = rng.normal(size=n * t)
    y = np.maximum(0.2 + x + rng.normal(size=n * t), 0.0)
    return Panel(pd.DataFrame({"id": np.repeat(np.arange(n), t),
                               "year": np.tile(np.arange(1990, 1990 + t), n),
                               "y": y, "x": x}), entity="id", time="year")


def test_all_censored(panel: Panel) -> None:
    model = ModelSpec(id="m", type="tobit", formula="y ~ x", left=10.0)
    with pytest.raises(DataError, match=r"every one of the 200 observations of 'y' is censored"):
        estimate(model, panel)


def test_nothing_censored_warns_and_equals_ols(panel: Panel) -> None:
    """No censored observation: a TobitWarning, and the slopes are OLS's (ML of the normal
    linear model)."""
    model = ModelSpec(id="m", type="tobit", formula="y ~ x", left=-100.0)
    with pytest.warns(TobitWarning, match=r"no observation of 'y' is censored.*type 'ols'"):
        res = estimate(model, panel)
    ols = estimate(ModelSpec(id="o", type="ols", formula="y ~ x", vcov={"type": "unadjusted"}),
                   panel)
    np.testing.assert_allclose(res.params["x"], ols.params["x"], rtol=1e-8)
    assert res.stats["n_uncensored"] == 200


def test_random_effects_on_singletons(panel: Panel) -> None:
    one_per_entity = Panel(panel.frame.drop_duplicates("id"), entity="id", time="year")
    model = ModelSpec(id="m", type="tobit", formula="y ~ x", effects=["entity"])
    with pytest.raises(IdentificationError, match=r"all 40 entities of the estimation sample "
                       r"have a single observation.*effects: \[\] \(pooled Tobit\)"):
        estimate(model, one_per_entity)


def test_regressor_predicting_censoring(panel: Panel) -> None:
    frame = panel.frame.assign(d=(panel.frame["y"] <= 0).astype(float))
    model = ModelSpec(id="m", type="tobit", formula="y ~ x + d")
    with pytest.raises(IdentificationError, match=r"'d' is constant \(0\) on the uncensored"):
        estimate(model, Panel(frame, entity="id", time="year"))


def test_collinear_regressors(panel: Panel) -> None:
    frame = panel.frame.assign(x2=2 * panel.frame["x"])
    model = ModelSpec(id="m", type="tobit", formula="y ~ x + x2")
    with pytest.raises(IdentificationError, match=r"collinear: x2 \(collinear with x\)"):
        estimate(model, Panel(frame, entity="id", time="year"))


def test_random_effects_refuse_robust_and_splitting_clusters(panel: Panel) -> None:
    with pytest.raises(SpecError, match="not robust"):
        estimate(ModelSpec(id="m", type="tobit", formula="y ~ x", effects=["entity"],
                           vcov={"type": "robust"}), panel)
    with pytest.raises(SpecError, match="clusters must contain whole entities"):
        estimate(ModelSpec(id="m", type="tobit", formula="y ~ x", effects=["entity"],
                           vcov={"type": "cluster", "by": "time"}), panel)


def test_non_convergence_names_model_and_remedies(
    panel: Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tobit_module, "fit_pooled_tobit",
                        functools.partial(fit_pooled_tobit, maxiter=1))
    with pytest.raises(ConvergenceError, match=r"models.m: the pooled Tobit likelihood did not "
                       r"converge after 1 iterations.*Try: rescale"):
        estimate(ModelSpec(id="m", type="tobit", formula="y ~ x"), panel)
    y = panel.frame["y"].to_numpy()
    X = np.column_stack([panel.frame["x"], np.ones(len(y))])
    with pytest.raises(ConvergenceError, match=r"models.re: the random-effects Tobit likelihood "
                       r"did not converge.*raise 'quadrature' \(now 12\)"):
        fit_re_tobit(y, X, panel.frame["id"].to_numpy(), Censoring.of(y, 0.0, None),
                     name="re", maxiter=1)
