"""Property tests (hypothesis) for weights and composite indices.

- weights are non-negative and sum to 1 (entropy, CRITIC, CV, equal);
- an indicator entered twice gets two equal weights;
- reversing an indicator's direction and negating its values leaves the index unchanged;
- the index is invariant to a positive rescaling of any indicator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from regiometrics.measure.composite import build_index
from regiometrics.measure.weighting import compute_weights

FAST = settings(max_examples=30, deadline=None)
VALUES = st.integers(-500, 500).map(lambda v: v / 10)


@st.composite
def matrices(draw: st.DrawFn, min_cols: int = 2, max_cols: int = 4) -> np.ndarray:
    shape = (draw(st.integers(4, 9)), draw(st.integers(min_cols, max_cols)))
    x = draw(hnp.arrays(float, shape, elements=VALUES))
    assume((np.ptp(x, axis=0) > 0).all())
    return x


def frame(x: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(x, columns=[f"c{j}" for j in range(x.shape[1])])


# (method, weighting, normalize) combinations whose index must obey the invariances
CASES = [
    ("weighted_sum", "entropy", {"shift": 1.0}),
    ("weighted_sum", "cv", {"shift": 1e-4}),
    ("weighted_sum", "critic", {}),
    ("topsis", "entropy", {"shift": 1.0}),
    ("topsis", "critic", {"method": "zscore"}),
    ("topsis", "equal", {"method": "zscore"}),
    ("pca", None, {}),
]


def index_of(df: pd.DataFrame, directions: dict[str, str], case: int) -> np.ndarray:
    method, weighting, norm = CASES[case]
    kwargs = {} if method == "pca" else {"weighting": weighting}
    return (
        build_index(df, directions, method=method, normalize=norm, **kwargs)
        .values["index"]
        .to_numpy()
    )


@FAST
@given(
    x=matrices(),
    method=st.sampled_from(["entropy", "critic", "cv", "equal"]),
    shift=st.sampled_from([0.0, 1e-4, 1.0]),
)
def test_weights_non_negative_and_sum_to_one(x: np.ndarray, method: str, shift: float) -> None:
    y = (x - x.min(axis=0)) / np.ptp(x, axis=0) + shift
    w = compute_weights(frame(y), method)["weight"].to_numpy()
    assert (w >= 0).all()
    np.testing.assert_allclose(w.sum(), 1.0, rtol=1e-12)


@FAST
@given(x=matrices(), method=st.sampled_from(["entropy", "critic", "cv", "equal"]), data=st.data())
def test_duplicated_indicator_gets_equal_weights(
    x: np.ndarray, method: str, data: st.DataObject
) -> None:
    j = data.draw(st.integers(0, x.shape[1] - 1))
    y = (x - x.min(axis=0)) / np.ptp(x, axis=0) + 1e-4
    w = compute_weights(frame(np.column_stack([y, y[:, j]])), method)["weight"].to_numpy()
    np.testing.assert_allclose(w[j], w[-1], rtol=1e-10)
    np.testing.assert_allclose(w.sum(), 1.0, rtol=1e-12)


@FAST
@given(x=matrices(), case=st.integers(0, len(CASES) - 1), data=st.data())
def test_reversing_direction_and_negating_leaves_index_unchanged(
    x: np.ndarray, case: int, data: st.DataObject
) -> None:
    df = frame(x)
    signs = data.draw(st.lists(st.sampled_from("+-"), min_size=x.shape[1], max_size=x.shape[1]))
    directions = dict(zip(df.columns, signs, strict=True))
    j = data.draw(st.integers(0, x.shape[1] - 1))
    name = df.columns[j]
    flipped = df.assign(**{name: -df[name]})
    reverse = {**directions, name: "-" if directions[name] == "+" else "+"}
    np.testing.assert_allclose(
        index_of(flipped, reverse, case), index_of(df, directions, case), rtol=1e-9, atol=1e-12
    )


@FAST
@given(
    x=matrices(),
    case=st.integers(0, len(CASES) - 1),
    factor=st.floats(1e-3, 1e3),
    data=st.data(),
)
def test_index_invariant_to_positive_rescaling(
    x: np.ndarray, case: int, factor: float, data: st.DataObject
) -> None:
    df = frame(x)
    directions = {c: "+" for c in df.columns}
    name = df.columns[data.draw(st.integers(0, x.shape[1] - 1))]
    scaled = df.assign(**{name: df[name] * factor})
    np.testing.assert_allclose(
        index_of(scaled, directions, case), index_of(df, directions, case), rtol=1e-9, atol=1e-12
    )


@FAST
@given(
    x=hnp.arrays(float, (12, 3), elements=VALUES),
    scope=st.sampled_from([{"scope": "per_year"}, {"scope": "base_year", "base_year": 2}]),
    method=st.sampled_from(["weighted_sum", "topsis"]),
    factor=st.floats(1e-3, 1e3),
)
def test_panel_scopes_invariant_to_rescaling(
    x: np.ndarray, scope: dict, method: str, factor: float
) -> None:
    """Four entities x three years; every indicator varies within each year."""
    years = np.repeat([1, 2, 3], 4)
    for t in (1, 2, 3):
        assume((np.ptp(x[years == t], axis=0) > 0).all())
    df = pd.DataFrame(x, columns=["a", "b", "c"]).assign(
        entity=np.tile(list("PQRS"), 3), year=years
    )
    directions = {"a": "+", "b": "-", "c": "+"}
    norm = {**scope, "shift": 1.0}
    kwargs = {"entity": "entity", "time": "year", "method": method, "normalize": norm}
    base = build_index(df, directions, **kwargs).values["index"]
    scaled = build_index(df.assign(b=df["b"] * factor), directions, **kwargs).values["index"]
    np.testing.assert_allclose(scaled, base, rtol=1e-9, atol=1e-12)
