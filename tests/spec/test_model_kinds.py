"""One spec class per model type: the tagged union, foreign keys, ``defaults`` inheritance
derived from each class's fields, ``random`` versus ``effects``, ``model_spec`` and
``replace`` across types."""

from __future__ import annotations

import pytest

from regiometrics.engine.registry import MODEL_REGISTRY
from regiometrics.errors import SpecError
from regiometrics.spec import model_spec
from regiometrics.spec.iv import IvSpec
from regiometrics.spec.loader import DEFAULTABLE_KEYS, spec_from_dict
from regiometrics.spec.model_base import ModelSpec
from regiometrics.spec.model_kinds import FeSpec, OlsSpec, ReSpec
from regiometrics.spec.models import MODEL_KINDS
from regiometrics.spec.spatial import SdmSpec
from regiometrics.spec.tobit import TobitSpec

DATA = {"path": "x.csv", "entity": "id", "time": "year"}
W = {"W": {"type": "matrix", "path": "w.csv"}}

#: The least each type needs besides id and type.
MINIMAL: dict[str, dict] = {
    "ols": {"formula": "y ~ x"},
    "fe": {"formula": "y ~ x", "effects": ["entity"]},
    "re": {"formula": "y ~ x"},
    "iv": {"formula": "y ~ [x ~ z]"},
    "sar": {"formula": "y ~ x", "weights": "W"},
    "sem": {"formula": "y ~ x", "weights": "W"},
    "sdm": {"formula": "y ~ x", "weights": "W"},
    "sdem": {"formula": "y ~ x", "weights": "W"},
    "mediation": {"treatment": "t", "mediators": ["m"], "outcome": "y",
                  "effects": ["entity", "time"], "bootstrap": {"reps": 10, "seed": 1}},
    "moderation": {"formula": "y ~ t*z", "treatment": "t", "moderator": "z"},
    "tobit": {"formula": "y ~ x"},
}


def test_every_model_type_has_a_spec_class_and_an_estimator() -> None:
    assert set(MINIMAL) == set(MODEL_KINDS) == set(MODEL_REGISTRY)
    for kind, cls in MODEL_KINDS.items():
        assert issubclass(cls, ModelSpec)
        model = model_spec(id="m", type=kind, **MINIMAL[kind])
        assert type(model) is cls and model.type == kind


def test_model_spec_raises_the_package_error_with_the_key_path() -> None:
    assert isinstance(model_spec(id="m", type="fe", formula="y ~ x", effects=["entity"]), FeSpec)
    with pytest.raises(SpecError, match=r"^model_spec\(\): models\.m\.left: type 'fe' does not "
                                        r"take 'left' \(a key of type 'tobit'\); remove it or "
                                        r"change the type$"):
        model_spec(id="m", type="fe", formula="y ~ x", effects=["entity"], left=0)
    with pytest.raises(SpecError, match=r"models\.m\.efects: unknown key 'efects'; allowed keys: "
                                        r".* \(did you mean 'effects'\?\)"):
        model_spec(id="m", type="fe", formula="y ~ x", efects=["entity"])
    with pytest.raises(SpecError, match=r"models\.m\.quadratur: unknown key 'quadratur'; allowed "
                                        r"keys: .* \(did you mean 'quadrature', a key of type "
                                        r"'tobit'\?\)$"):
        model_spec(id="m", type="ols", formula="y ~ x", quadratur=3)
    with pytest.raises(SpecError, match=r"models\.m: unknown type 'logit'; available: ols, fe"):
        model_spec(id="m", type="logit", formula="y ~ x")


def test_foreign_keys_name_the_types_that_take_them() -> None:
    raw = {"data": DATA, "models": [{"id": "m1", "type": "fe", "formula": "y ~ x",
                                     "effects": ["entity"], "left": 0, "weights": "W"}]}
    with pytest.raises(SpecError) as err:
        spec_from_dict(raw, source="spec.yaml")
    assert str(err.value).splitlines() == [
        "spec.yaml: models.m1.left: type 'fe' does not take 'left' (a key of type 'tobit'); "
        "remove it or change the type",
        "spec.yaml: models.m1.weights: type 'fe' does not take 'weights' (a key of types "
        "'sar', 'sem', 'sdm', 'sdem'); remove it or change the type",
    ]


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_defaults_reach_a_model_exactly_for_the_keys_of_its_class(kind: str) -> None:
    """Each defaultable key, alone in ``defaults``, is inherited by a model of ``kind`` iff
    the class has that field (the value is the model's own default, so it always fits)."""
    cls = MODEL_KINDS[kind]
    for key in (k for k in DEFAULTABLE_KEYS if k not in MINIMAL[kind]):
        owner = next(c for c in MODEL_KINDS.values() if key in c.model_fields)
        value = owner.model_fields[key].get_default(call_default_factory=True)
        if hasattr(value, "model_dump"):
            value = value.model_dump()
        raw = {"data": DATA, "defaults": {key: value}, "weights": W,
               "models": [{"id": "m", "type": kind, **MINIMAL[kind]}]}
        model = spec_from_dict(raw).model("m")
        assert (key in model.model_fields_set) == (key in cls.model_fields), (kind, key)


def test_random_and_effects_mean_random_and_fixed_effects() -> None:
    tobit = model_spec(id="t", type="tobit", formula="y ~ x", random="entity", effects=["time"])
    assert isinstance(tobit, TobitSpec) and (tobit.random, tobit.effects) == (["entity"], ["time"])
    re = model_spec(id="r", type="re", formula="y ~ x")
    assert isinstance(re, ReSpec) and (re.random, re.effects) == (["entity"], [])
    assert model_spec(id="r", type="re", formula="y ~ x", random=["entity"]) == re.replace(id="r")
    with pytest.raises(SpecError, match=r"models\.r\.effects: type 're' has random entity effects "
                                        r"\(random: \[entity\], implied\) and no fixed effects; "
                                        r"remove 'effects'"):
        model_spec(id="r", type="re", formula="y ~ x", effects=["entity"])
    with pytest.raises(SpecError, match=r"models\.r: type 're' has random entity effects: "
                                        r"random: \[entity\] \(got \[\]\); use type 'ols'"):
        model_spec(id="r", type="re", formula="y ~ x", random=[])
    with pytest.raises(SpecError, match=r"models\.f\.random: type 'fe' has fixed effects"):
        model_spec(id="f", type="fe", formula="y ~ x", effects=["entity"], random=["entity"])
    with pytest.raises(SpecError, match=r"models\.o\.effects: type 'ols' is pooled OLS and takes "
                                        r"no effects"):
        model_spec(id="o", type="ols", formula="y ~ x", effects=["entity"])


def test_replace_within_a_type_and_across_types() -> None:
    fe = model_spec(id="m", type="fe", formula="y ~ x", effects=["entity", "time"],
                    singletons="drop", vcov={"type": "robust"}, aweights="w")
    assert fe.replace(filter="year > 2000").filter == "year > 2000"
    ols = fe.replace(type="ols")
    assert isinstance(ols, OlsSpec) and (ols.aweights, ols.vcov.type) == ("w", "robust")
    re = fe.replace(type="re")  # keeps the keys re takes: no effects, no aweights
    assert isinstance(re, ReSpec) and re.singletons == "drop" and re.random == ["entity"]
    assert not hasattr(re, "aweights") and re.vcov.type == "robust"
    with pytest.raises(ValueError, match="aweights"):  # a change is applied as given
        fe.replace(type="re", aweights="w")
    iv = fe.replace(type="iv", formula="y ~ [x ~ z]")
    assert isinstance(iv, IvSpec) and iv.effects == ["entity", "time"] and iv.aweights == "w"
    sdm = fe.replace(type="sdm", weights="W")
    assert isinstance(sdm, SdmSpec) and not hasattr(sdm, "vcov")
