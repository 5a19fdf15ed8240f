"""Theil, Gini, Dagum decomposition and the 004 imbalance index."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regiometrics.errors import DataError, SpecError
from regiometrics.measure.inequality import (
    dagum_gini,
    gini,
    imbalance_index,
    theil,
    theil_decomposition,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "measures"


@pytest.fixture(scope="module")
def mexico() -> pd.DataFrame:
    wide = pd.read_csv(FIXTURES / "mexico.csv")
    long = wide.melt(
        id_vars=["State", "hanson98"],
        value_vars=[c for c in wide.columns if c.startswith("pcgdp")],
        var_name="year",
        value_name="pcgdp",
    )
    long["year"] = long["year"].str.removeprefix("pcgdp").astype(int)
    return long


@pytest.fixture(scope="module")
def pysal_ref() -> dict:
    return json.loads((FIXTURES / "mexico_inequality_pysal.json").read_text())


# ----------------------------------------------------------------- reference: pysal inequality


def test_theil_decomposition_matches_pysal_theild_on_mexico(mexico, pysal_ref):
    """Unweighted Theil T, between and within on libpysal's Mexico data (hanson98 regions).

    Reference: pysal ``inequality.theil.TheilD`` (fixture made by make_mexico_reference.py).
    """
    out = theil_decomposition(mexico, value="pcgdp", entity="State", time="year", group="hanson98")
    assert out["time"].tolist() == pysal_ref["years"]
    np.testing.assert_allclose(out["total"], pysal_ref["theil_T"], rtol=1e-10)
    np.testing.assert_allclose(out["between"], pysal_ref["theil_between"], rtol=1e-10)
    np.testing.assert_allclose(out["within"], pysal_ref["theil_within"], rtol=1e-10)
    plain = theil(mexico, value="pcgdp", entity="State", time="year")
    np.testing.assert_allclose(plain["total"], pysal_ref["theil_T"], rtol=1e-10)


def test_theil_l_matches_pysal_atkinson_one_on_mexico(mexico, pysal_ref):
    """Atkinson(epsilon=1) = 1 - geometric mean / mean = 1 - exp(-L) (pysal ``atkinson``)."""
    out = theil(mexico, value="pcgdp", entity="State", time="year", kind="L")
    np.testing.assert_allclose(1.0 - np.exp(-out["total"]), pysal_ref["atkinson_1"], rtol=1e-10)


def test_gini_matches_pysal_gini_on_mexico(mexico, pysal_ref):
    """Gini per decade against pysal ``inequality.gini.Gini`` (R's ineq is not installed)."""
    out = gini(mexico, value="pcgdp", entity="State", time="year")
    np.testing.assert_allclose(out["total"], pysal_ref["gini"], rtol=1e-10)
    dagum = dagum_gini(mexico, value="pcgdp", entity="State", time="year", group="hanson98")
    np.testing.assert_allclose(dagum["total"], pysal_ref["gini"], rtol=1e-10)
    parts = dagum["within"] + dagum["between"] + dagum["transvariation"]
    np.testing.assert_allclose(parts, dagum["total"], rtol=0, atol=1e-12)


# ----------------------------------------------------------------- worked examples by hand


def test_weighted_theil_worked_example():
    """002's population-weighted Theil T, by hand: x = (1, 4), population (3, 1), two groups.

    mu = 0.75*1 + 0.25*4 = 1.75; T = sum_i (p_i/P)(x_i/mu) ln(x_i/mu). Each group has one
    member, so within = 0 and between = T; L = sum_i (p_i/P) ln(mu/x_i).
    """
    df = pd.DataFrame(
        {"prov": ["a", "b"], "x": [1.0, 4.0], "pop": [3.0, 1.0], "region": ["east", "west"]}
    )
    mu = 1.75
    t_hand = 0.75 * (1 / mu) * math.log(1 / mu) + 0.25 * (4 / mu) * math.log(4 / mu)
    l_hand = 0.75 * math.log(mu / 1) + 0.25 * math.log(mu / 4)
    out = theil_decomposition(df, value="x", entity="prov", group="region", weight="pop")
    row = out.iloc[0]
    assert row["time"] is None and row["n"] == 2
    np.testing.assert_allclose(row["total"], t_hand, rtol=1e-14)
    np.testing.assert_allclose(row["between"], t_hand, rtol=1e-14)
    np.testing.assert_allclose(row["within"], 0.0, atol=1e-15)
    np.testing.assert_allclose(row["value_share:east"], 0.75 / 1.75, rtol=1e-14)
    np.testing.assert_allclose(row["weight_share:west"], 0.25, rtol=1e-14)
    np.testing.assert_allclose(row["share_between"], 1.0, rtol=1e-14)
    lrow = theil(df, value="x", entity="prov", weight="pop", kind="L").iloc[0]
    np.testing.assert_allclose(lrow["total"], l_hand, rtol=1e-14)


def test_theil_decomposition_group_parts_worked_example():
    """Four provinces in two regions, unweighted T, by hand.

    East = (2, 6): mu_E = 4, T_E = (1/2)[(2/4)ln(2/4) + (6/4)ln(6/4)], S_E = 8/12.
    West = (1, 3): mu_W = 2, T_W = (1/2)[(1/2)ln(1/2) + (3/2)ln(3/2)], S_W = 4/12.
    between = S_E ln(4/3) + S_W ln(2/3) (mu = 3); within = S_E T_E + S_W T_W.
    """
    df = pd.DataFrame({"p": list("abcd"), "x": [2.0, 6.0, 1.0, 3.0], "g": ["E", "E", "W", "W"]})
    t_e = 0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5))
    t_w = 0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5))
    between = (8 / 12) * math.log(4 / 3) + (4 / 12) * math.log(2 / 3)
    within = (8 / 12) * t_e + (4 / 12) * t_w
    row = theil_decomposition(df, value="x", entity="p", group="g").iloc[0]
    np.testing.assert_allclose(row["theil:E"], t_e, rtol=1e-14)
    np.testing.assert_allclose(row["theil:W"], t_w, rtol=1e-14)
    np.testing.assert_allclose(row["within:E"], (8 / 12) * t_e, rtol=1e-14)
    np.testing.assert_allclose(row["between"], between, rtol=1e-13)
    np.testing.assert_allclose(row["within"], within, rtol=1e-13)
    np.testing.assert_allclose(row["total"], within + between, rtol=1e-13)
    np.testing.assert_allclose(row["share_within:W"], (4 / 12) * t_w / row["total"], rtol=1e-13)


def test_dagum_worked_example_by_hand():
    """Dagum (1997) by hand: A = {1, 3}, B = {2, 6}; n = 4, mu = 3.

    Sum over ordered pairs of |y_i - y_r| = 32, so G = 32 / (2 * 16 * 3) = 1/3.
    G_AA = 4 / (2*4*2) = 1/4, G_BB = 8 / (2*4*4) = 1/4; p = (1/2, 1/2), s = (1/3, 2/3);
    G_w = 1/4*1/2*1/3 + 1/4*1/2*2/3 = 1/8.
    G_AB = (1+5+1+3) / (2*2*(2+4)) = 5/12; p_A s_B + p_B s_A = 1/2.
    d_BA = (1+5+3)/4 = 9/4, p_BA = 1/4, D = (9/4-1/4)/(10/4) = 4/5.
    G_nb = 5/12 * 1/2 * 4/5 = 1/6, G_t = 5/12 * 1/2 * 1/5 = 1/24; 1/8 + 1/6 + 1/24 = 1/3.
    """
    df = pd.DataFrame({"p": list("abcd"), "y": [1.0, 3.0, 2.0, 6.0], "g": ["A", "A", "B", "B"]})
    row = dagum_gini(df, value="y", entity="p", group="g").iloc[0]
    expected = {
        "total": 1 / 3,
        "within": 1 / 8,
        "between": 1 / 6,
        "transvariation": 1 / 24,
        "gini:A": 1 / 4,
        "gini:B": 1 / 4,
        "within:A": 1 / 24,
        "within:B": 1 / 12,
        "gini:A|B": 5 / 12,
        "D:A|B": 4 / 5,
        "between:A|B": 1 / 6,
        "transvariation:A|B": 1 / 24,
        "share_between": 1 / 2,
        "share_transvariation": 1 / 8,
        "share_within": 3 / 8,
    }
    for key, value in expected.items():
        np.testing.assert_allclose(row[key], value, rtol=1e-13, err_msg=key)


def test_imbalance_index_worked_example():
    """004's I = sum_k delta_k |FT_k - FT_N| with FT_N = simple regional mean, normalised to 1.

    2000: FT = (0.6, 0.15, 0.15), output (50, 30, 20) -> FT_N = 0.3, FT/FT_N = (2, .5, .5),
    I = 0.5*1 + 0.3*0.5 + 0.2*0.5 = 0.75.
    2001: FT = (0.5, 0.2, 0.2), output (40, 40, 20) -> FT_N = 0.3, FT/FT_N = (5/3, 2/3, 2/3),
    I = 0.4*2/3 + 0.4*1/3 + 0.2*1/3 = 0.6 + 0.2/3; Delta I = I_2001 - I_2000.
    """
    df = pd.DataFrame(
        {
            "region": ["E", "C", "W"] * 2,
            "year": [2000] * 3 + [2001] * 3,
            "ft": [0.6, 0.15, 0.15, 0.5, 0.2, 0.2],
            "gdp": [50.0, 30.0, 20.0, 40.0, 40.0, 20.0],
        }
    )
    out = imbalance_index(df, value="ft", weight="gdp", entity="region", time="year")
    i2001 = 0.4 * 2 / 3 + 0.4 * 1 / 3 + 0.2 * 1 / 3
    np.testing.assert_allclose(out["index"], [0.75, i2001], rtol=1e-13)
    assert math.isnan(out["change"].iloc[0])
    np.testing.assert_allclose(out["change"].iloc[1], i2001 - 0.75, rtol=1e-12)
    np.testing.assert_allclose(out["national"], [0.3, 0.3], rtol=1e-13)
    np.testing.assert_allclose(out["share:E"], [0.5, 0.4], rtol=1e-14)
    np.testing.assert_allclose(out["part:W"], [0.2 * 0.5, 0.2 / 3], rtol=1e-13)
    raw = imbalance_index(
        df,
        value="ft",
        weight="gdp",
        entity="region",
        time="year",
        national="weighted",
        normalize=False,
    )
    ft_n = 0.5 * 0.6 + 0.3 * 0.15 + 0.2 * 0.15
    np.testing.assert_allclose(
        raw["index"].iloc[0],
        0.5 * abs(0.6 - ft_n) + 0.3 * abs(0.15 - ft_n) + 0.2 * abs(0.15 - ft_n),
        rtol=1e-13,
    )
    given_n = imbalance_index(
        df,
        value="ft",
        weight="gdp",
        entity="region",
        time="year",
        national=pd.Series({2000: 0.6, 2001: 0.5}),
    )
    np.testing.assert_allclose(given_n["index"].iloc[0], 0.3 * 0.75 + 0.2 * 0.75, rtol=1e-13)


# ----------------------------------------------------------------- properties

values = st.lists(st.floats(0.05, 1e3, allow_nan=False), min_size=2, max_size=25)


def _frame(xs: list[float], ws: list[int], n_groups: int) -> pd.DataFrame:
    n = len(xs)
    return pd.DataFrame(
        {
            "id": range(n),
            "x": xs,
            "w": [ws[i % len(ws)] for i in range(n)],
            "g": [f"g{i % n_groups}" for i in range(n)],
        }
    )


def _replicate(df: pd.DataFrame) -> pd.DataFrame:
    rep = df.loc[df.index.repeat(df["w"])].reset_index(drop=True)
    rep["id"] = range(len(rep))
    return rep


@settings(max_examples=30, deadline=None)
@given(
    values,
    st.lists(st.integers(1, 4), min_size=1, max_size=5),
    st.integers(1, 4),
    st.sampled_from(["T", "L"]),
)
def test_theil_parts_add_up_and_weights_equal_replication(xs, ws, n_groups, kind):
    """within + between = total; integer weights give the index of replicated entities."""
    df = _frame(xs, ws, n_groups)
    row = theil_decomposition(df, value="x", entity="id", group="g", weight="w", kind=kind).iloc[0]
    np.testing.assert_allclose(row["within"] + row["between"], row["total"], rtol=1e-9, atol=1e-13)
    group_sum = sum(row[f"within:g{j}"] for j in range(min(n_groups, len(xs))))
    np.testing.assert_allclose(group_sum, row["within"], rtol=1e-12, atol=1e-15)
    rep = theil_decomposition(_replicate(df), value="x", entity="id", group="g", kind=kind).iloc[0]
    for key in ("total", "between", "within"):
        np.testing.assert_allclose(row[key], rep[key], rtol=1e-9, atol=1e-13, err_msg=key)


@settings(max_examples=30, deadline=None)
@given(
    values,
    st.lists(st.integers(1, 4), min_size=1, max_size=5),
    st.floats(1e-3, 1e3),
    st.sampled_from(["T", "L"]),
)
def test_weighted_theil_and_gini_invariant_to_scaling_values(xs, ws, scale, kind):
    """Relative measures: multiplying every value by c > 0 changes nothing."""
    df = _frame(xs, ws, 2)
    scaled = df.assign(x=df["x"] * scale)
    for func, kw in ((theil, {"kind": kind}), (gini, {})):
        a = func(df, value="x", entity="id", weight="w", **kw)["total"].iloc[0]
        b = func(scaled, value="x", entity="id", weight="w", **kw)["total"].iloc[0]
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-14)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(0.0, 1e3, allow_nan=False), min_size=2, max_size=30),
    st.lists(st.integers(1, 5), min_size=1, max_size=6),
    st.integers(1, 5),
)
def test_dagum_parts_sum_to_gini_and_match_brute_force(xs, ws, n_groups):
    """G_w + G_nb + G_t = G to 1e-12, G equals the O(n^2) double sum, weights = replication."""
    if sum(xs) < 1e-6:  # a zero (or denormal) mean has no Gini: refused, tested below
        xs = [*xs[:-1], 1.0]
    df = _frame(xs, ws, n_groups)
    row = dagum_gini(df, value="x", entity="id", group="g", weight="w").iloc[0]
    np.testing.assert_allclose(
        row["within"] + row["between"] + row["transvariation"], row["total"], rtol=0, atol=1e-12
    )
    rep = _replicate(df)
    x = rep["x"].to_numpy()
    brute = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    np.testing.assert_allclose(row["total"], brute, rtol=1e-10, atol=1e-14)
    rep_row = dagum_gini(rep, value="x", entity="id", group="g").iloc[0]
    for key in ("within", "between", "transvariation"):
        np.testing.assert_allclose(row[key], rep_row[key], rtol=1e-9, atol=1e-13, err_msg=key)


def test_gini_of_a_zero_mean_is_refused():
    df = _frame([0.0, 5e-324], [1], 1)
    with pytest.raises(DataError, match="needs a positive mean"):
        dagum_gini(df, value="x", entity="id", group="g", weight="w")


def test_dagum_parts_sum_on_random_panel():
    """Random 3-region panel of 60 entities over 5 years: the three parts sum to G to 1e-12."""
    rng = np.random.default_rng(20240601)
    df = pd.DataFrame(
        {
            "id": np.tile(np.arange(60), 5),
            "t": np.repeat(np.arange(5), 60),
            "x": rng.lognormal(0, 0.8, 300),
            "g": np.tile(rng.choice(["E", "C", "W"], 60), 5),
        }
    )
    out = dagum_gini(df, value="x", entity="id", time="t", group="g")
    assert len(out) == 5
    np.testing.assert_allclose(
        out["within"] + out["between"] + out["transvariation"], out["total"], rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        out["share_within"] + out["share_between"] + out["share_transvariation"], 1.0, rtol=1e-12
    )


# ----------------------------------------------------------------- bad input


def test_theil_l_rejects_non_positive_values_naming_entity_years():
    df = pd.DataFrame({"p": ["a", "b", "c"], "t": [2010, 2010, 2011], "x": [1.0, 0.0, -2.0]})
    with pytest.raises(DataError, match=r"'x' must be strictly positive.*b 2010, c 2011"):
        theil(df, value="x", entity="p", time="t", kind="L")
    with pytest.raises(DataError, match=r"'x' must be non-negative.*is negative at c 2011"):
        theil(df, value="x", entity="p", time="t", kind="T")


def test_missing_group_labels_and_bad_weights_are_named():
    df = pd.DataFrame(
        {"p": ["a", "b", "c"], "x": [1.0, 2.0, 3.0], "g": ["E", None, "W"], "pop": [1.0, 0.0, 2.0]}
    )
    with pytest.raises(DataError, match=r"column 'g' has missing labels at b"):
        theil_decomposition(df, value="x", entity="p", group="g")
    with pytest.raises(DataError, match=r"column 'pop' must be strictly positive \(weights\)"):
        gini(df, value="x", entity="p", weight="pop")
    with pytest.raises(DataError, match=r"column 'g' has missing labels"):
        dagum_gini(df, value="x", entity="p", group="g")


def test_other_bad_input_messages():
    df = pd.DataFrame({"p": ["a", "a"], "t": [1, 1], "x": [1.0, np.nan]})
    with pytest.raises(DataError, match=r"column\(s\) 'pop' not found"):
        theil(df, value="x", entity="p", weight="pop")
    with pytest.raises(DataError, match=r"not unique by \(p, t\); duplicated at a 1"):
        gini(df, value="x", entity="p", time="t")
    with pytest.raises(DataError, match=r"missing or infinite values at a"):
        gini(df.iloc[[1]], value="x", entity="p")
    with pytest.raises(SpecError, match=r"'kind' must be one of 'T', 'L'; 'G' was given"):
        theil(df, value="x", entity="p", kind="G")  # type: ignore[arg-type]
    zeros = pd.DataFrame({"p": ["a", "b"], "x": [0.0, 0.0]})
    with pytest.raises(DataError, match=r"all values of 'x' are zero"):
        gini(zeros, value="x", entity="p")
    text = pd.DataFrame({"p": ["a", "b"], "x": ["1", "2"]})
    with pytest.raises(DataError, match=r"'x' must be numeric"):
        gini(text, value="x", entity="p")
    panel = pd.DataFrame({"r": ["E", "W"], "t": [2000, 2000], "ft": [1.0, 2.0], "gdp": [1.0, 1.0]})
    with pytest.raises(DataError, match=r"'national' series has no value for t=2000"):
        imbalance_index(
            panel, value="ft", weight="gdp", entity="r", time="t", national=pd.Series({1999: 1.0})
        )
    with pytest.raises(SpecError, match=r"'national' must be one of 'mean', 'weighted'"):
        imbalance_index(panel, value="ft", weight="gdp", entity="r", time="t", national="median")  # type: ignore[arg-type]


def test_row_shape_is_the_documented_contract():
    """Columns and their order are fixed; a group absent in a period gives NaN there."""
    df = pd.DataFrame(
        {
            "p": list("abcab"),
            "t": [1, 1, 1, 2, 2],
            "x": [1.0, 2.0, 4.0, 1.0, 3.0],
            "g": ["E", "E", "W", "E", "E"],
        }
    )
    theil_out = theil_decomposition(df, value="x", entity="p", time="t", group="g")
    assert theil_out.columns.tolist() == [
        "time", "kind", "n", "total", "between", "within", "share_between", "share_within",
        "theil:E", "theil:W", "within:E", "within:W", "share_within:E", "share_within:W",
        "weight_share:E", "weight_share:W", "value_share:E", "value_share:W",
    ]  # fmt: skip
    assert theil_out["time"].tolist() == [1, 2]
    assert np.isnan(theil_out.loc[1, "theil:W"]) and np.isnan(theil_out.loc[1, "within:W"])
    np.testing.assert_allclose(theil_out.loc[1, "between"], 0.0, atol=1e-15)
    dagum_out = dagum_gini(df, value="x", entity="p", time="t", group="g")
    assert dagum_out.columns.tolist() == [
        "time", "n", "total", "within", "between", "transvariation", "share_within",
        "share_between", "share_transvariation", "gini:E", "gini:W", "within:E", "within:W",
        "share_within:E", "share_within:W", "gini:E|W", "D:E|W", "between:E|W",
        "transvariation:E|W",
    ]  # fmt: skip
    assert np.isnan(dagum_out.loc[1, "gini:E|W"])
    np.testing.assert_allclose(dagum_out.loc[1, "total"], dagum_out.loc[1, "gini:E"], rtol=1e-14)
    imb = imbalance_index(df.assign(y=1.0), value="x", weight="y", entity="p", time="t")
    assert imb.columns.tolist()[:4] == ["time", "index", "change", "national"]
    assert np.isnan(imb.loc[1, "share:c"])
