"""Hierarchy coefficient, specialization, variety, location quotients, external dependence."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regiometrics.errors import DataError, SpecError
from regiometrics.measure.structure import (
    external_dependence,
    hierarchy_coefficient,
    location_quotients,
    sector_variety,
    specialization,
    variety,
)


def _two_by_two() -> pd.DataFrame:
    return pd.DataFrame(
        {"r": ["a", "a", "b", "b"], "i": ["x", "y", "x", "y"], "v": [30.0, 10.0, 10.0, 50.0]}
    )


def test_hierarchy_coefficient_worked_example():
    """003 eq. (11): IS = 1*Y1/Y + 2*Y2/Y + 3*Y3/Y.

    a: (1, 3, 6), Y = 10 -> (1 + 6 + 18)/10 = 2.5; b: (2, 3, 5) -> (2 + 6 + 15)/10 = 2.3;
    with GDP given as 12 for a: 25/12.
    """
    df = pd.DataFrame(
        {
            "p": ["a", "b"],
            "y": [2013, 2013],
            "Y1": [1.0, 2.0],
            "Y2": [3.0, 3.0],
            "Y3": [6.0, 5.0],
            "gdp": [12.0, 10.0],
        }
    )
    out = hierarchy_coefficient(df, sectors=["Y1", "Y2", "Y3"], entity="p", time="y")
    assert out.columns.tolist() == ["p", "y", "IS"]
    np.testing.assert_allclose(out["IS"], [2.5, 2.3], rtol=1e-14)
    with_gdp = hierarchy_coefficient(
        df, sectors=["Y1", "Y2", "Y3"], entity="p", time="y", total="gdp"
    )
    np.testing.assert_allclose(with_gdp["IS"], [25 / 12, 2.3], rtol=1e-14)


def test_specialization_worked_example():
    """Shares a = (.75, .25), b = (1/6, 5/6); national (.4, .6).

    K_a(total) = |.75-.4| + |.25-.6| = .7; K_a(rest) = |.75-1/6| + |.25-5/6| = 7/6;
    H_a = .75^2 + .25^2 = .625; H_b = 1/36 + 25/36 = 26/36.
    """
    out = specialization(_two_by_two(), entity="r", industry="i", value="v")
    np.testing.assert_allclose(
        out["krugman"], [0.7, abs(1 / 6 - 0.4) + abs(5 / 6 - 0.6)], rtol=1e-14
    )
    np.testing.assert_allclose(out["herfindahl"], [0.625, 26 / 36], rtol=1e-14)
    rest = specialization(_two_by_two(), entity="r", industry="i", value="v", reference="rest")
    np.testing.assert_allclose(rest["krugman"], [7 / 6, 7 / 6], rtol=1e-14)


def test_variety_worked_example_frenken():
    """Frenken et al. (2007) by hand: industries 1311: 4, 1312: 4, 2511: 8 (16 in total).

    p = (1/4, 1/4, 1/2); sectors 13 and 25 have P = 1/2 each.
    UV = 2 * (1/2) log2 2 = 1; H_13 = 2 * (1/2) log2 2 = 1, H_25 = 0, RV = 1/2 * 1 = 1/2;
    variety = 2 * (1/4) log2 4 + (1/2) log2 2 = 1.5 = UV + RV. In nats everything * ln 2.
    """
    df = pd.DataFrame({"r": ["a"] * 3, "ind": ["1311", "1312", "2511"], "emp": [4, 4, 8]})
    row = variety(df, entity="r", industry="ind", value="emp", sector_digits=2).iloc[0]
    np.testing.assert_allclose(
        [row["variety"], row["unrelated_variety"], row["related_variety"]],
        [1.5, 1.0, 0.5],
        rtol=1e-14,
    )
    by_col = variety(
        df.assign(sec=["13", "13", "25"]),
        entity="r",
        industry="ind",
        value="emp",
        sector="sec",
        base=math.e,
    ).iloc[0]
    np.testing.assert_allclose(by_col["related_variety"], 0.5 * math.log(2), rtol=1e-14)


def test_sector_variety_worked_example():
    """Region a as above: H_13 = 1 (P 1/2), H_25 = 0 (P 1/2), RV = 1/2. Region b has 1311: 1,
    1312: 3 and a row 2511: 0: H_13 = -(1/4 log2 1/4 + 3/4 log2 3/4) = 2 - (3/4) log2 3 with
    P_13 = 1, so RV = variety = H_13 and UV = 0; sector 25 has P = 0 and H undefined (NaN)."""
    df = pd.DataFrame({
        "r": ["a"] * 3 + ["b"] * 3,
        "ind": ["1311", "1312", "2511"] * 2,
        "sec": ["13", "13", "25"] * 2,
        "emp": [4.0, 4, 8, 1, 3, 0],
    })
    out = sector_variety(df, entity="r", industry="ind", value="emp", sector="sec")
    assert out.columns.tolist() == ["r", "sec", "sector_share", "sector_variety", "variety",
                                    "unrelated_variety", "related_variety"]
    assert out[["r", "sec"]].to_numpy().tolist() == [["a", "13"], ["a", "25"], ["b", "13"],
                                                     ["b", "25"]]
    h_b = 2 - 0.75 * math.log2(3)
    np.testing.assert_allclose(out["sector_share"], [0.5, 0.5, 1.0, 0.0], rtol=1e-14)
    np.testing.assert_allclose(out["sector_variety"][:3], [1.0, 0.0, h_b], rtol=1e-14,
                               atol=1e-15)
    assert math.isnan(out["sector_variety"].iloc[3])
    np.testing.assert_allclose(out["related_variety"], [0.5, 0.5, h_b, h_b], rtol=1e-14)
    np.testing.assert_allclose(out["unrelated_variety"], [1.0, 1.0, 0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(out["variety"], [1.5, 1.5, h_b, h_b], rtol=1e-14)
    nats = sector_variety(df, entity="r", industry="ind", value="emp", sector="sec",
                          base=math.e)
    np.testing.assert_allclose(nats["sector_variety"][:3], [math.log(2), 0.0,
                                                            h_b * math.log(2)], rtol=1e-14)


sector_sizes = st.lists(st.integers(1, 4), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None)
@given(sector_sizes, st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_sector_variety_decomposition_is_exact(sizes, n_regions, n_years, seed):
    """Frenken et al.'s decomposition holds exactly on every region-year: variety = UV + RV
    with RV = sum_g P_g H_g; the shares P_g add to 1; 0 <= H_g <= log2(#industries of g);
    the region columns equal :func:`variety`'s."""
    rng = np.random.default_rng(seed)
    industries = [(f"s{g}", f"s{g}i{k}") for g, n in enumerate(sizes) for k in range(n)]
    rows = [(f"r{r}", 2000 + t, sec, ind, float(rng.integers(0, 50) * rng.integers(0, 2)))
            for r in range(n_regions) for t in range(n_years) for sec, ind in industries]
    df = pd.DataFrame(rows, columns=["r", "t", "sec", "ind", "x"])
    df.loc[df.groupby(["r", "t"]).head(1).index, "x"] += 1.0   # no region-year sums to 0
    out = sector_variety(df, entity="r", industry="ind", value="x", sector="sec", time="t")
    assert len(out) == n_regions * n_years * len(sizes)
    keys = ["r", "t"]
    weighted = (out["sector_share"] * out["sector_variety"].fillna(0.0)).groupby(
        [out["r"], out["t"]]).sum().to_numpy()
    region = out.drop_duplicates(keys)
    np.testing.assert_allclose(weighted, region["related_variety"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(region["unrelated_variety"] + region["related_variety"],
                               region["variety"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.groupby(keys)["sector_share"].sum(), 1.0, rtol=1e-12)
    assert out["sector_variety"].isna().eq(out["sector_share"] == 0).all()
    width = out["sec"].map({f"s{g}": math.log2(n) for g, n in enumerate(sizes)})
    h = out["sector_variety"].dropna()
    assert (h >= -1e-12).all() and (h <= width[h.index] + 1e-12).all()
    direct = variety(df, entity="r", industry="ind", value="x", sector="sec", time="t")
    pd.testing.assert_frame_equal(region[direct.columns].reset_index(drop=True), direct,
                                  rtol=1e-12)


def test_sector_variety_bad_input():
    df = pd.DataFrame({"r": ["a", "a"], "ind": ["x", "x2"], "sec": ["s", "s"], "v": [1.0, 2]})
    with pytest.raises(DataError, match=r"sector_variety: column\(s\) 'section' not found"):
        sector_variety(df, entity="r", industry="ind", value="v", sector="section")
    with pytest.raises(DataError, match=r"industries \['x'\] are assigned to more than one"):
        sector_variety(pd.concat([df, df.iloc[[0]].assign(r="b", sec="t")]), entity="r",
                       industry="ind", value="v", sector="sec")
    with pytest.raises(DataError, match=r"sector_variety: .*duplicate|more than one row"):
        sector_variety(pd.concat([df, df.iloc[[0]]]), entity="r", industry="ind", value="v",
                       sector="sec")
    with pytest.raises(DataError, match=r"'base' must be > 1"):
        sector_variety(df, entity="r", industry="ind", value="v", sector="sec", base=1.0)


def test_location_quotients_worked_example():
    """LQ_xa = (30/40) / (40/100) = 1.875; LQ_ya = (10/40)/(60/100) = 5/12."""
    out = location_quotients(_two_by_two(), entity="r", industry="i", value="v")
    assert out.columns.tolist() == ["r", "i", "share", "reference_share", "lq"]
    np.testing.assert_allclose(
        out["lq"], [1.875, 5 / 12, (10 / 60) / 0.4, (50 / 60) / 0.6], rtol=1e-14
    )


def test_external_dependence_worked_example():
    """004: trade (USD) * year's RMB/USD rate / GDP (RMB): 10 * 6.77 / 100 = 0.677."""
    df = pd.DataFrame(
        {
            "p": ["a", "a", "b"],
            "y": [2010, 2011, 2010],
            "tr": [10.0, 12.0, 20.0],
            "gdp": [100.0, 110.0, 50.0],
            "rate": [6.77, 6.46, 6.77],
        }
    )
    out = external_dependence(
        df, trade="tr", gdp="gdp", entity="p", time="y", exchange_rate={2010: 6.77, 2011: 6.46}
    )
    np.testing.assert_allclose(
        out["external_dependence"], [0.677, 12 * 6.46 / 110, 20 * 6.77 / 50], rtol=1e-14
    )
    by_col = external_dependence(
        df, trade="tr", gdp="gdp", entity="p", time="y", exchange_rate="rate", scale=1e-4
    )
    np.testing.assert_allclose(
        by_col["external_dependence"], out["external_dependence"] * 1e-4, rtol=1e-14
    )


industry_values = st.lists(st.integers(0, 500), min_size=2, max_size=12)


@settings(max_examples=20, deadline=None)
@given(st.lists(industry_values, min_size=1, max_size=4), st.integers(1, 3), st.integers(1, 1000))
def test_variety_parts_add_up_and_structure_bounds(regions, n_sectors, scale):
    """variety = UV + RV; 0 <= UV <= log2(#sectors); K in [0, 2]; H in [1/n, 1];
    scaling all values changes nothing; sum_r (E_r/E_N) LQ_ir = 1 for every industry."""
    width = max(len(r) for r in regions)
    rows = [
        (f"r{k}", f"{j % n_sectors}{j:03d}", v * scale)
        for k, vals in enumerate(regions)
        for j, v in enumerate(vals + [0] * (width - len(vals)))
    ]
    df = pd.DataFrame(rows, columns=["r", "ind", "v"])
    totals = df.groupby("r")["v"].transform("sum")
    df = df[totals > 0]
    if df.empty:
        return
    out = variety(df, entity="r", industry="ind", value="v", sector_digits=1)
    np.testing.assert_allclose(
        out["unrelated_variety"] + out["related_variety"], out["variety"], rtol=1e-12, atol=1e-12
    )
    assert (out["unrelated_variety"] >= -1e-12).all()
    assert (out["unrelated_variety"] <= math.log2(n_sectors) + 1e-12).all()
    assert (out["related_variety"] >= -1e-12).all()
    spec = specialization(df, entity="r", industry="ind", value="v")
    assert spec["krugman"].between(-1e-12, 2 + 1e-12).all()
    assert (spec["herfindahl"] <= 1 + 1e-12).all()
    assert (spec["herfindahl"] >= 1 / width - 1e-12).all()
    scaled = specialization(df.assign(v=df["v"] * 7.5), entity="r", industry="ind", value="v")
    np.testing.assert_allclose(
        scaled[["krugman", "herfindahl"]], spec[["krugman", "herfindahl"]], rtol=1e-12, atol=1e-14
    )
    lq = location_quotients(df, entity="r", industry="ind", value="v")
    region_weight = lq["r"].map(df.groupby("r")["v"].sum() / df["v"].sum())
    positive = lq["reference_share"] > 0
    weighted = (region_weight * lq["lq"])[positive].groupby(lq["ind"][positive]).sum()
    np.testing.assert_allclose(weighted, 1.0, rtol=1e-12)


def test_variety_and_specialization_bad_input():
    df = pd.DataFrame(
        {
            "r": ["a", "a", "b"],
            "ind": ["1311", "1312", "1311"],
            "emp": [1.0, 2.0, 3.0],
            "sec": ["13", "13", "14"],
        }
    )
    with pytest.raises(
        DataError,
        match=r"industries \['1311'\] are assigned to more than one "
        r"'sec'",
    ):
        variety(df, entity="r", industry="ind", value="emp", sector="sec")
    with pytest.raises(DataError, match=r"exactly one of 'sector'"):
        variety(df, entity="r", industry="ind", value="emp")
    with pytest.raises(DataError, match=r"codes \['1311', '1312'\] have no more than 4 "):
        variety(df, entity="r", industry="ind", value="emp", sector_digits=4)
    with pytest.raises(DataError, match=r"'emp' must be non-negative .* at a 1312"):
        variety(
            df.assign(emp=[1.0, -2.0, 3.0]),
            entity="r",
            industry="ind",
            value="emp",
            sector_digits=2,
        )
    with pytest.raises(DataError, match=r"'emp' sums to 0 over all industries for b;"):
        specialization(df.assign(emp=[1.0, 2.0, 0.0]), entity="r", industry="ind", value="emp")
    with pytest.raises(DataError, match=r"reference='rest' needs at least two regions"):
        specialization(
            df[df["r"] == "a"], entity="r", industry="ind", value="emp", reference="rest"
        )
    with pytest.raises(SpecError, match=r"'reference' must be one of 'total', 'rest'"):
        specialization(df, entity="r", industry="ind", value="emp", reference="nation")  # type: ignore[arg-type]


def test_is_and_external_dependence_bad_input():
    df = pd.DataFrame(
        {
            "p": ["a", "b"],
            "y": [2010, 2011],
            "Y1": [1.0, -1.0],
            "Y2": [1.0, 1.0],
            "tr": [1.0, 1.0],
            "gdp": [1.0, 0.0],
        }
    )
    with pytest.raises(DataError, match=r"'Y1' must be non-negative .* at b 2011"):
        hierarchy_coefficient(df, sectors=["Y1", "Y2"], entity="p", time="y")
    with pytest.raises(DataError, match=r"at least two columns"):
        hierarchy_coefficient(df, sectors="Y1", entity="p", time="y")  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"no exchange rate for y \[2011\]"):
        external_dependence(
            df.assign(gdp=1.0),
            trade="tr",
            gdp="gdp",
            entity="p",
            time="y",
            exchange_rate={2010: 6.8},
        )
    with pytest.raises(DataError, match=r"'gdp' must be strictly positive .* at b 2011"):
        external_dependence(
            df, trade="tr", gdp="gdp", entity="p", time="y", exchange_rate={2010: 6.8, 2011: 6.5}
        )
    with pytest.raises(DataError, match=r"exchange rates must be positive numbers; y \[2011\]"):
        external_dependence(
            df.assign(gdp=1.0),
            trade="tr",
            gdp="gdp",
            entity="p",
            time="y",
            exchange_rate={2010: 6.8, 2011: 0.0},
        )
