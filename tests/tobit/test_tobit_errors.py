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
from regiometrics.spec import model_spec
from regiometrics.spec.loader import spec_from_dict


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
    ({"type": "fe", "effects": ["entity"], "right": 1},
     r"models\.m\.right: type 'fe' does not take 'right' \(a key of type 'tobit'\)"),
    ({"type": "ols", "quadrature": 20},
     r"models\.m\.quadrature: type 'ols' does not take 'quadrature' \(a key of type 'tobit'\)"),
    ({"type": "tobit", "quadrature": 1}, "quadrature must be at least 2"),
    ({"type": "tobit", "hausman": True}, r"models\.m\.hausman: type 'tobit' takes no 'hausman'"),
    ({"type": "tobit", "effects": ["entity"]},
     r"models\.m: type 'tobit' has no fixed-effects estimator .*incidental parameters.*; for "
     r"the random-effects Tobit write random: \[entity\] and effects: \[\]"),
    ({"type": "tobit", "effects": ["entity", "time"]},
     r"write random: \[entity\] and effects: \[time\]"),
    ({"type": "tobit", "random": ["time"]}, r"models\.m\.random: random effects are entity intercepts: random: \[entity\] or \[\] "
     r"\(got \['time'\]\); time effects are fixed: effects: \[time\]"),
])
def test_spec_errors(model: dict, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        _spec(model)


def test_defaults_reach_a_model_only_with_keys_of_its_type() -> None:
    """A defaults block with right/quadrature/random serves fe, re and tobit models alike:
    each inherits the keys its class has (fe: effects, hausman, singletons; re: random,
    hausman, singletons; tobit: right, quadrature, random), never another type's."""
    raw = {"data": {"path": "x.csv", "entity": "id", "time": "year"},
           "defaults": {"right": 1, "quadrature": 20, "effects": ["entity"], "hausman": True,
                        "singletons": "drop", "estimator": "liml", "random": ["entity"]},
           "models": [{"id": "a", "type": "fe", "formula": "y ~ x"},
                      {"id": "b", "type": "tobit", "formula": "y ~ x", "effects": []},
                      {"id": "c", "type": "re", "formula": "y ~ x"}]}
    spec = spec_from_dict(raw)
    a, b, c = spec.model("a"), spec.model("b"), spec.model("c")
    assert (b.right, b.quadrature, b.random, b.effects) == (1, 20, ["entity"], [])
    assert not hasattr(b, "hausman") and not hasattr(b, "singletons")
    assert (a.effects, a.singletons, a.hausman is not None) == (["entity"], "drop", True)
    assert not hasattr(a, "right") and not hasattr(a, "random")
    assert (c.random, c.singletons, c.effects) == (["entity"], "drop", [])


def test_tobit_entity_effects_from_defaults_are_refused_with_a_pointer() -> None:
    """defaults effects [entity, time] reach a tobit model (it takes time effects); the
    entity part is refused: there is no fixed-effects Tobit."""
    with pytest.raises(SpecError, match=r"models\.m: type 'tobit' has no fixed-effects "
                                        r"estimator.*random: \[entity\] and effects: \[time\]"):
        _spec({"type": "tobit"}, defaults={"effects": ["entity", "time"]})


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
    model = model_spec(id="m", type="tobit", formula="y ~ x", left=10.0)
    with pytest.raises(DataError, match=r"every one of the 200 observations of 'y' is censored"):
        estimate(model, panel)


def test_nothing_censored_warns_and_equals_ols(panel: Panel) -> None:
    """No censored observation: a TobitWarning, and the slopes are OLS's (ML of the normal
    linear model)."""
    model = model_spec(id="m", type="tobit", formula="y ~ x", left=-100.0)
    with pytest.warns(TobitWarning, match=r"no observation of 'y' is censored.*type 'ols'"):
        res = estimate(model, panel)
    ols = estimate(model_spec(id="o", type="ols", formula="y ~ x", vcov={"type": "unadjusted"}),
                   panel)
    np.testing.assert_allclose(res.params["x"], ols.params["x"], rtol=1e-8)
    assert res.stats["n_uncensored"] == 200


def test_random_effects_on_singletons(panel: Panel) -> None:
    one_per_entity = Panel(panel.frame.drop_duplicates("id"), entity="id", time="year")
    model = model_spec(id="m", type="tobit", formula="y ~ x", random=["entity"])
    with pytest.raises(IdentificationError, match=r"all 40 entities of the estimation sample "
                       r"have a single observation.*Remove 'random' \(pooled Tobit\)"):
        estimate(model, one_per_entity)


def test_regressor_predicting_censoring(panel: Panel) -> None:
    frame = panel.frame.assign(d=(panel.frame["y"] <= 0).astype(float))
    model = model_spec(id="m", type="tobit", formula="y ~ x + d")
    with pytest.raises(IdentificationError, match=r"'d' is constant \(0\) on the uncensored"):
        estimate(model, Panel(frame, entity="id", time="year"))


def test_collinear_regressors(panel: Panel) -> None:
    frame = panel.frame.assign(x2=2 * panel.frame["x"])
    model = model_spec(id="m", type="tobit", formula="y ~ x + x2")
    with pytest.raises(IdentificationError, match=r"collinear: x2 \(collinear with x\)"):
        estimate(model, Panel(frame, entity="id", time="year"))


def test_random_effects_refuse_robust_and_splitting_clusters(panel: Panel) -> None:
    with pytest.raises(SpecError, match="not robust"):
        estimate(model_spec(id="m", type="tobit", formula="y ~ x", random=["entity"],
                           vcov={"type": "robust"}), panel)
    with pytest.raises(SpecError, match="clusters must contain whole entities"):
        estimate(model_spec(id="m", type="tobit", formula="y ~ x", random=["entity"],
                           vcov={"type": "cluster", "by": "time"}), panel)


def test_non_convergence_names_model_and_remedies(
    panel: Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tobit_module, "fit_pooled_tobit",
                        functools.partial(fit_pooled_tobit, maxiter=1))
    with pytest.raises(ConvergenceError, match=r"models.m: the pooled Tobit likelihood did not "
                       r"converge after 1 iterations.*Try: rescale"):
        estimate(model_spec(id="m", type="tobit", formula="y ~ x"), panel)
    y = panel.frame["y"].to_numpy()
    X = np.column_stack([panel.frame["x"], np.ones(len(y))])
    with pytest.raises(ConvergenceError, match=r"models.re: the random-effects Tobit likelihood "
                       r"did not converge.*raise 'quadrature' \(now 12\)"):
        fit_re_tobit(y, X, panel.frame["id"].to_numpy(), Censoring.of(y, 0.0, None),
                     name="re", maxiter=1)
