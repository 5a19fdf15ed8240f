"""A small example computed by hand from the seed formulas.

Seed 002 (Wang), sec. 3.1: min-max by direction, translation y = h + 1, entropy
p_ij = y_ij / sum_i y_ij, e_j = -(1/ln n) sum_i p_ij ln p_ij, w_j = (1-e_j)/sum(1-e_k),
TOPSIS on z_ij = w_j y_ij with closeness S_i = D-_i / (D+_i + D-_i).
Seed 003 (Wan & He), eqs. 4-10: the same without the translation and the index
ER_i = sum_j w_j X'_ij (eq. 7 omits the minus sign of e_j; the entropy is non-negative).

Three provinces A, B, C; x1 is '+' with values 1, 2, 3; x2 is '-' with 10, 30, 30.

With the +1 shift:
    h1 = (0, 1/2, 1)  -> y1 = (1, 3/2, 2),  sum 9/2, p1 = (2/9, 1/3, 4/9)
    h2 = (30 - x)/20 = (1, 0, 0) -> y2 = (2, 1, 1), sum 4, p2 = (1/2, 1/4, 1/4)
    e1 = -(2/9 ln 2/9 + 1/3 ln 1/3 + 4/9 ln 4/9) / ln 3      (= 0.965634...)
    e2 = -(1/2 ln 1/2 + 1/2 ln 1/4) / ln 3 = (3/2) ln 2 / ln 3 (= 0.946395...)
    w_j = (1 - e_j) / (2 - e1 - e2)                           (w1 = 0.39065..., w2 = 0.60935...)
    weighted sum I = w1 y1 + w2 y2
    TOPSIS: Z+ = (2 w1, 2 w2), Z- = (w1, w2)
      A: z = (w1, 2 w2):   D+ = w1, D- = w2                  -> C_A = w2 / (w1 + w2) = w2
      B: z = (3/2 w1, w2): D+ = sqrt(w1^2/4 + w2^2), D- = w1/2 -> C_B = (w1/2) / (w1/2 + D+)
      C: z = (2 w1, w2):   D+ = w2, D- = w1                  -> C_C = w1
Without the shift (003):
    p1 = (0, 1/3, 2/3): e1 = -(1/3 ln 1/3 + 2/3 ln 2/3) / ln 3 (0 ln 0 = 0)
    p2 = (1, 0, 0):     e2 = 0, so d2 = 1
"""

from __future__ import annotations

from math import log, sqrt

import numpy as np
import pandas as pd
import pytest

from regiometrics.measure.composite import build_index

DATA = pd.DataFrame(
    {"x1": [1.0, 2.0, 3.0], "x2": [10.0, 30.0, 30.0]}, index=pd.Index(list("ABC"), name="province")
)
DIRECTIONS = {"x1": "+", "x2": "-"}

E1 = -(2 / 9 * log(2 / 9) + 1 / 3 * log(1 / 3) + 4 / 9 * log(4 / 9)) / log(3)
E2 = 1.5 * log(2) / log(3)
W1 = (1 - E1) / (2 - E1 - E2)
W2 = (1 - E2) / (2 - E1 - E2)


def test_entropy_weights_and_weighted_sum_with_shift_one() -> None:
    res = build_index(DATA, DIRECTIONS, normalize={"shift": 1})
    np.testing.assert_allclose(res.weights["entropy"], [E1, E2], rtol=1e-14)
    np.testing.assert_allclose(res.weights["divergence"], [1 - E1, 1 - E2], rtol=1e-13)
    np.testing.assert_allclose(res.weights["weight"], [W1, W2], rtol=1e-13)
    y1, y2 = np.array([1, 1.5, 2]), np.array([2, 1, 1])
    np.testing.assert_allclose(res.values["index"], W1 * y1 + W2 * y2, rtol=1e-14)
    assert res.n == {"pooled": 3}
    assert list(res.values["province"]) == ["A", "B", "C"]
    assert (W1, W2) == pytest.approx((0.390652, 0.609348), abs=1e-6)


def test_topsis_closeness_with_shift_one() -> None:
    res = build_index(DATA, DIRECTIONS, method="topsis", normalize={"shift": 1})
    d_plus_b = sqrt(W1**2 / 4 + W2**2)
    expected = [W2, (W1 / 2) / (W1 / 2 + d_plus_b), W1]
    np.testing.assert_allclose(res.values["index"], expected, rtol=1e-14)


def test_unshifted_entropy_and_index_as_in_003() -> None:
    res = build_index(DATA, DIRECTIONS, normalize={"shift": 0})
    e1 = -(1 / 3 * log(1 / 3) + 2 / 3 * log(2 / 3)) / log(3)
    np.testing.assert_allclose(res.weights["entropy"], [e1, 0.0], rtol=1e-14, atol=1e-16)
    w1, w2 = (1 - e1) / (2 - e1), 1 / (2 - e1)
    np.testing.assert_allclose(res.weights["weight"], [w1, w2], rtol=1e-14)
    h1, h2 = np.array([0, 0.5, 1]), np.array([1, 0, 0])
    np.testing.assert_allclose(res.values["index"], w1 * h1 + w2 * h2, rtol=1e-14)


def test_two_level_system_by_hand() -> None:
    """Equal weights over x1, x2 (dimension R) and x3 (dimension S): w = 1/3 each,
    W_R = 2/3, W_S = 1/3, within-R weights 1/2; S_R = (h1 + h2)/2, S_S = h3 and
    total = W_R S_R + W_S S_S. With dimension_weights {R: 1, S: 1} (rescaled to 1/2
    each), w = (1/4, 1/4, 1/2)."""
    data = DATA.assign(x3=[5.0, 7.0, 6.0])
    system = [
        {"name": "x1", "direction": "+", "dimension": "R"},
        {"name": "x2", "direction": "-", "dimension": "R"},
        {"name": "x3", "direction": "+", "dimension": "S"},
    ]
    h1, h2, h3 = np.array([0, 0.5, 1]), np.array([1, 0, 0]), np.array([0, 1, 0.5])
    res = build_index(data, system, name="T", weighting="equal")
    table = res.weights.set_index("indicator")
    np.testing.assert_allclose(table["weight"], [1 / 3] * 3, rtol=1e-15)
    np.testing.assert_allclose(table["dimension_weight"], [2 / 3, 2 / 3, 1 / 3], rtol=1e-15)
    np.testing.assert_allclose(table["weight_within"], [0.5, 0.5, 1.0], rtol=1e-15)
    np.testing.assert_allclose(res.values["T_R"], (h1 + h2) / 2, rtol=1e-15)
    np.testing.assert_allclose(res.values["T_S"], h3, rtol=1e-15)
    np.testing.assert_allclose(res.values["T"], (h1 + h2 + h3) / 3, rtol=1e-15)
    assert res.dimension_weight_map() == pytest.approx({"R": 2 / 3, "S": 1 / 3})

    res = build_index(data, system, name="T", weighting="equal", dimension_weights={"R": 1, "S": 1})
    np.testing.assert_allclose(res.weights["weight"], [0.25, 0.25, 0.5], rtol=1e-15)
    np.testing.assert_allclose(res.values["T"], 0.25 * h1 + 0.25 * h2 + 0.5 * h3, rtol=1e-15)
    record = res.to_dict()
    assert record["weights"] == pytest.approx({"x1": 0.25, "x2": 0.25, "x3": 0.5})
    assert record["columns"] == ["T", "T_R", "T_S"]
