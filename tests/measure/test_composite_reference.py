"""Composite indices against independent implementations on the same matrix.

Reference numbers: tests/fixtures/indices/reference.json, made by make_reference.py
beside it from pymcdm 1.4.0 (``normalize_matrix`` + ``minmax_normalization``,
``entropy_weights``, ``critic_weights``, ``standard_deviation_weights`` on y/mean(y),
``methods.TOPSIS``), scipy.stats.entropy (0 ln 0 = 0) and statsmodels' PCA
(method='eig'). Data: tests/fixtures/indices/panel.csv (synthetic, seeded).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.measure.composite import build_index
from regiometrics.measure.normalize import normalize
from regiometrics.measure.weighting import entropy_weights

FIXTURES = Path(__file__).parents[1] / "fixtures" / "indices"
REF = json.loads((FIXTURES / "reference.json").read_text())
VARIANTS = REF["variants"]
PANEL = pd.read_csv(FIXTURES / "panel.csv")
FLAT = {ind["name"]: ind["direction"] for ind in REF["indicators"]}
NAMES = list(FLAT)


def build(method: str = "weighted_sum", **kwargs):
    return build_index(PANEL, FLAT, method=method, entity="province", time="year", **kwargs)


@pytest.mark.parametrize(
    "variant", ["pooled_minmax_shift1_entropy", "pooled_minmax_shift0.0001_entropy"]
)
def test_pooled_entropy_topsis_match_pymcdm(variant: str) -> None:
    """Min-max by direction + shift (002 sec. 3.1.1), entropy weights, TOPSIS: pymcdm."""
    ref = VARIANTS[variant]
    normed = normalize(PANEL, FLAT, entity="province", time="year", settings=ref["normalize"])
    np.testing.assert_allclose(normed[NAMES].to_numpy(), ref["normalized"], rtol=1e-12, atol=1e-15)
    ws = build("weighted_sum", normalize=ref["normalize"])
    np.testing.assert_allclose(ws.weights["weight"], ref["weights"], rtol=1e-10)
    np.testing.assert_allclose(ws.values["index"], ref["weighted_sum"], rtol=1e-10)
    assert ws.n == {"pooled": 32}
    tp = build("topsis", normalize=ref["normalize"])
    np.testing.assert_allclose(tp.values["index"], ref["closeness"], rtol=1e-10)


def test_per_year_entropy_topsis_match_pymcdm_by_year() -> None:
    """Per-year scope: pymcdm run on each year's 8 rows; n = 8 in k = 1/ln n."""
    ref = VARIANTS["per_year_minmax_shift1_entropy"]
    ws = build("weighted_sum", normalize=ref["normalize"])
    assert ws.n == {"2013": 8, "2015": 8, "2017": 8, "2019": 8}
    for year, expected in ref["weights_by_year"].items():
        got = ws.weights.loc[ws.weights["time"] == int(year), "weight"]
        np.testing.assert_allclose(got, expected, rtol=1e-10)
    np.testing.assert_allclose(ws.values["index"], ref["weighted_sum"], rtol=1e-10)
    tp = build("topsis", normalize=ref["normalize"])
    np.testing.assert_allclose(tp.values["index"], ref["closeness"], rtol=1e-10)
    assert tp.weight_map()["gdp_pc"]["2015"] == pytest.approx(
        ref["weights_by_year"]["2015"][0], rel=1e-10
    )


def test_base_year_entropy_topsis() -> None:
    """Base-year scope: bounds and weights from 2013 (numpy in the script; pymcdm entropy on
    the 2013 rows); TOPSIS ideal points from 2013, checked on 2013 rows against pymcdm."""
    ref = VARIANTS["base_year2013_minmax_shift1_entropy"]
    ws = build("weighted_sum", normalize=ref["normalize"])
    assert ws.n == {"2013": 8}
    np.testing.assert_allclose(ws.weights["weight"], ref["weights"], rtol=1e-10)
    np.testing.assert_allclose(ws.values["index"], ref["weighted_sum"], rtol=1e-10)
    tp = build("topsis", normalize=ref["normalize"])
    np.testing.assert_allclose(tp.values["index"], ref["closeness_numpy"], rtol=1e-10)
    base = (tp.values["year"] == 2013).to_numpy()
    np.testing.assert_allclose(
        tp.values.loc[base, "index"], ref["closeness_base_rows_pymcdm"], rtol=1e-10
    )


def test_unshifted_entropy_uses_zero_log_zero_convention() -> None:
    """Without a shift every column holds a 0; e_j from scipy.stats.entropy (0 ln 0 = 0)."""
    ref = VARIANTS["pooled_minmax_shift0_entropy"]
    ws = build("weighted_sum", normalize=ref["normalize"])
    np.testing.assert_allclose(ws.weights["entropy"], ref["entropy"], rtol=1e-12)
    np.testing.assert_allclose(ws.weights["weight"], ref["weights"], rtol=1e-10)


def test_critic_weights_and_topsis_match_pymcdm() -> None:
    ref = VARIANTS["pooled_minmax_shift0_critic"]
    tp = build("topsis", weighting="critic", normalize=ref["normalize"])
    np.testing.assert_allclose(tp.weights["weight"], ref["weights"], rtol=1e-10)
    np.testing.assert_allclose(tp.values["index"], ref["closeness"], rtol=1e-10)


def test_cv_weights_match_pymcdm_sd_weights_of_scaled_matrix() -> None:
    ref = VARIANTS["pooled_minmax_shift1_cv"]
    ws = build("weighted_sum", weighting="cv", normalize=ref["normalize"])
    np.testing.assert_allclose(ws.weights["weight"], ref["weights"], rtol=1e-10)
    np.testing.assert_allclose(ws.values["index"], ref["weighted_sum"], rtol=1e-10)


def test_zscore_topsis_with_user_weights_matches_pymcdm() -> None:
    ref = VARIANTS["pooled_zscore_user"]
    tp = build("topsis", weighting=ref["user_weights"], normalize=ref["normalize"])
    assert tp.weighting == "user"
    np.testing.assert_allclose(tp.values["index"], ref["closeness"], rtol=1e-10)


def test_dimension_sub_indices_match_pymcdm_topsis_on_dimension_columns() -> None:
    """Sub-index = TOPSIS on the dimension's columns with within-dimension weights."""
    ref = VARIANTS["pooled_minmax_shift1_entropy"]
    tp = build_index(
        PANEL,
        REF["indicators"],
        name="FTR",
        method="topsis",
        entity="province",
        time="year",
        normalize=ref["normalize"],
    )
    np.testing.assert_allclose(tp.values["FTR"], ref["closeness"], rtol=1e-10)
    np.testing.assert_allclose(tp.values["FTR_resistance"], ref["closeness_resistance"], rtol=1e-10)
    np.testing.assert_allclose(
        tp.values["FTR_reconstruction"], ref["closeness_reconstruction"], rtol=1e-10
    )


@pytest.mark.parametrize(
    ("variant", "components", "scope"),
    [
        ("pooled_pca_first", "first", "pooled"),
        ("pooled_pca_kaiser", "kaiser", "pooled"),
        ("per_year_pca_first", "first", "per_year"),
    ],
)
def test_pca_index_matches_statsmodels(variant: str, components: str, scope: str) -> None:
    """PCA index against statsmodels PCA (converted to correlation eigenvalues and
    sample-sd scores, as Stata's pca/predict report them)."""
    ref = VARIANTS[variant]
    res = build("pca", components=components, normalize={"scope": scope})
    np.testing.assert_allclose(res.values["index"], ref["index"], rtol=1e-8, atol=1e-12)
    if scope == "pooled":
        info = res.extra["pooled"]["total"]
        np.testing.assert_allclose(info["eigenvalues"], ref["eigenvalues"], rtol=1e-10)
        assert info["retained"] == ref["retained"]


def test_pca_index_is_the_same_from_minmax_or_zscore_settings() -> None:
    a = build("pca", normalize={"method": "minmax", "shift": 1.0})
    b = build("pca", normalize={"method": "zscore"})
    np.testing.assert_allclose(a.values["index"], b.values["index"], rtol=1e-10, atol=1e-12)


def test_entropy_weights_on_plain_matrix_match_pymcdm() -> None:
    """The matrix-level function on the fixture's normalised matrix."""
    ref = VARIANTS["pooled_minmax_shift1_entropy"]
    got = entropy_weights(np.asarray(ref["normalized"]))
    np.testing.assert_allclose(got["weight"], ref["weights"], rtol=1e-10)
