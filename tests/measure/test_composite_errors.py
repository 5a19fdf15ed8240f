"""Bad input to weights and composite indices: each path raises with a message that
names what is wrong; plus the constant-indicator policy and the IndexResult record."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from regiometrics.errors import DataError, SpecError
from regiometrics.measure.composite import build_index, pca_fit
from regiometrics.measure.weighting import (
    compute_weights,
    critic_weights,
    cv_weights,
    entropy_weights,
    equal_weights,
    user_weights,
)

PANEL = pd.DataFrame(
    {
        "prov": ["A", "A", "B", "B", "C", "C"],
        "year": [2010, 2011, 2010, 2011, 2010, 2011],
        "g": [1.0, 4.0, 2.0, 6.0, 3.0, 5.0],
        "u": [9.0, 7.0, 5.0, 4.0, 8.0, 3.0],
        "k": [2.0, 2.5, 1.0, 0.5, 3.0, 1.5],
    }
)
SYSTEM = [
    {"name": "g", "direction": "+", "dimension": "R"},
    {"name": "u", "direction": "-", "dimension": "R"},
    {"name": "k", "direction": "+", "dimension": "S"},
]
Y = pd.DataFrame({"a": [0.0, 0.5, 1.0], "b": [1.0, 0.0, 0.25]}, index=list("PQR"))


def build(**kwargs):
    return build_index(
        PANEL, kwargs.pop("indicators", SYSTEM), entity="prov", time="year", **kwargs
    )


def test_constant_indicator_gets_weight_zero_when_asked() -> None:
    data = PANEL.assign(c=1.0)
    system = {"g": "+", "u": "-", "c": "+"}
    for weighting in ("entropy", "critic", "cv", "equal", {"g": 1, "u": 1, "c": 2}):
        res = build_index(
            data,
            system,
            entity="prov",
            time="year",
            weighting=weighting,
            normalize={"on_constant": "zero_weight", "shift": 0.01},
        )
        w = res.weights.set_index("indicator")["weight"]
        assert w["c"] == 0.0
        assert w.sum() == pytest.approx(1.0, rel=1e-12)
    # entropy is column-wise, so the other weights equal those of the system without c
    zeroed = build_index(
        data,
        system,
        entity="prov",
        time="year",
        normalize={"on_constant": "zero_weight", "shift": 0.01},
    )
    ref = build_index(
        PANEL, {"g": "+", "u": "-"}, entity="prov", time="year", normalize={"shift": 0.01}
    )
    np.testing.assert_allclose(zeroed.weights["weight"][:2], ref.weights["weight"], rtol=1e-12)
    np.testing.assert_allclose(zeroed.values["index"], ref.values["index"], rtol=1e-12)


def test_pca_drops_constant_indicators_with_zero_coefficient() -> None:
    data = PANEL.assign(c=1.0)
    res = build_index(
        data,
        {"g": "+", "u": "-", "c": "+"},
        method="pca",
        entity="prov",
        time="year",
        normalize={"on_constant": "zero_weight"},
    )
    ref = build_index(PANEL, {"g": "+", "u": "-"}, method="pca", entity="prov", time="year")
    np.testing.assert_allclose(res.values["index"], ref.values["index"], rtol=1e-12)
    assert res.weights.set_index("indicator").loc["c", "weight"] == 0.0


def test_result_record_is_json_and_names_the_settings() -> None:
    res = build(name="ER", normalize={"shift": 1e-4})
    record = json.loads(json.dumps(res.to_dict()))
    assert record["method"] == "weighted_sum" and record["weighting"] == "entropy"
    assert set(record["weights"]) == {"g", "u", "k"}
    assert record["n"] == {"pooled": 6}
    assert record["normalization"]["shift"] == 1e-4
    assert record["columns"] == ["ER", "ER_R", "ER_S"]
    assert sum(record["dimension_weights"].values()) == pytest.approx(1.0, rel=1e-12)
    pca = build(name="P", method="pca", components="kaiser")
    record = json.loads(json.dumps(pca.to_dict()))
    assert record["dimension_weights"] == {} and record["extra"]["pooled"]["total"]["retained"] >= 1


def test_weighted_sum_total_is_dimension_weighted_sub_indices() -> None:
    res = build(name="T", normalize={"shift": 1.0})
    dims = res.dimension_weight_map()
    total = dims["R"] * res.values["T_R"] + dims["S"] * res.values["T_S"]
    np.testing.assert_allclose(res.values["T"], total, rtol=1e-14)


# ---------------------------------------------------------------- weighting functions


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: entropy_weights(np.ones(3)), r"must be 2-dimensional; shape \(3,\)"),
        (lambda: entropy_weights(np.empty((3, 0))), "the indicator matrix has no columns"),
        (lambda: entropy_weights(Y.iloc[:1]), "weights need at least 2 rows; the matrix has 1"),
        (
            lambda: critic_weights(Y.assign(b=[1, np.nan, 2])),
            r"indicator 'b' has missing or infinite values at rows Q",
        ),
        (
            lambda: entropy_weights(Y.assign(b=[0.5, -1.0, -2.0])),
            r"values must be >= 0; indicator 'b' is negative at rows Q, R.*min-max",
        ),
        (
            lambda: cv_weights(Y.assign(b=[-1.0, 0.0, 0.5])),
            r"need a positive mean; 'b' \(mean -0.1667\)",
        ),
        (
            lambda: equal_weights(Y.assign(a=1.0, b=2.0)),
            r"no indicator varies across the 3 rows \('a', 'b'\)",
        ),
        (lambda: user_weights(Y, {"a": 1.0}), r"missing: \['b'\], unknown: \[\]"),
        (lambda: user_weights(Y, {"a": 1.0, "b": 1.0, "c": 1.0}), r"unknown: \['c'\]"),
        (lambda: user_weights(Y, {"a": -1.0, "b": 1.0}), "finite, non-negative and not all zero"),
        (lambda: user_weights(Y, [0.5, 0.5]), "user weights must be a mapping"),
        (
            lambda: user_weights(Y.assign(a=1.0), {"a": 1.0, "b": 0.0}),
            "every indicator with a positive user weight is constant",
        ),
        (
            lambda: compute_weights(Y, "variance"),
            "weighting must be one of 'entropy', 'critic', 'cv', 'equal'; 'variance'",
        ),
    ],
)
def test_weighting_bad_input(call, match: str) -> None:
    with pytest.raises((DataError, SpecError), match=match):
        call()


def test_entropy_negative_values_name_entity_years_in_a_panel() -> None:
    with pytest.raises(DataError, match=r"indicator 'g' is negative at rows \('A', 2010\)"):
        build(normalize={"method": "zscore"})


def test_critic_with_one_varying_indicator_gives_it_all_weight() -> None:
    w = critic_weights(Y.assign(b=1.0))["weight"]
    assert list(w) == [1.0, 0.0]


# ---------------------------------------------------------------- build_index


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"method": "vikor"},
            SpecError,
            "method must be one of 'weighted_sum', 'topsis', 'pca'; 'vikor'",
        ),
        ({"name": ""}, SpecError, "the index name must be a non-empty string"),
        ({"weighting": {}}, SpecError, r"user weights must name every indicator exactly once"),
        (
            {"method": "pca", "weighting": "entropy"},
            SpecError,
            "method 'pca' derives its weights from the components",
        ),
        (
            {"name": "prov"},
            SpecError,
            r"index column name\(s\) \['prov'\] clash with the entity/time columns",
        ),
        (
            {"dimension_weights": {"R": 1}},
            SpecError,
            r"dimension_weights must name each dimension \['R', 'S'\] once",
        ),
        (
            {"dimension_weights": {"R": -1, "S": 1}},
            SpecError,
            "dimension_weights must be finite, non-negative",
        ),
        (
            {"indicators": {"g": "+", "u": "-"}, "dimension_weights": {"R": 1}},
            SpecError,
            "no indicator has a dimension",
        ),
        (
            {"method": "pca", "components": 4},
            SpecError,
            r"components=4 is out of range; between 1 and 3",
        ),
        (
            {"method": "pca", "components": "all"},
            SpecError,
            "components must be one of 'first', 'kaiser'; 'all'",
        ),
        (
            {"method": "pca", "components": 1.5},
            SpecError,
            "components must be 'first', 'kaiser' or an integer; 1.5",
        ),
        ({"normalize": {"scope": "per_year"}, "time": None}, SpecError, "needs a time column"),
    ],
)
def test_build_index_bad_input(kwargs, error, match: str) -> None:
    args = {"entity": "prov", "time": "year", **kwargs}
    indicators = args.pop("indicators", SYSTEM)
    with pytest.raises(error, match=match):
        build_index(PANEL, indicators, **args)


@pytest.mark.parametrize("method", ["weighted_sum", "pca"])
def test_dimension_without_varying_indicator(method: str) -> None:
    data = PANEL.assign(k=1.0)
    with pytest.raises(DataError, match="dimension 'S' has no varying indicator"):
        build_index(
            data,
            SYSTEM,
            method=method,
            entity="prov",
            time="year",
            normalize={"on_constant": "zero_weight"},
        )


def test_pca_without_any_varying_indicator() -> None:
    data = PANEL.assign(g=1.0, u=2.0, k=3.0)
    with pytest.raises(DataError, match="no indicator varies in reference set 'pooled'"):
        build_index(
            data,
            {"g": "+", "u": "+"},
            method="pca",
            entity="prov",
            time="year",
            normalize={"on_constant": "zero_weight"},
        )


def test_pca_sign_makes_index_increase_with_aligned_indicators() -> None:
    x = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 6], "c": [9.0, 8, 6, 7, 3]})
    fit = pca_fit(x.assign(c=-x["c"]))
    assert fit.loadings["loading_1"].sum() > 0
    res = build_index(x, {"a": "+", "b": "+", "c": "-"}, method="pca")
    assert np.corrcoef(res.values["index"], x["a"])[0, 1] > 0
    assert np.corrcoef(res.values["index"], x["c"])[0, 1] < 0
