"""Resilience (Martin 2012 sensitivity index; Martin et al. 2016 expected change) and phases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regiometrics.errors import DataError, SpecError
from regiometrics.measure.resilience import detect_phases, resilience


def _two_regions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city": ["A"] * 3 + ["B"] * 3,
            "year": [2008, 2009, 2011] * 2,
            "trade": [60.0, 45.0, 66.0, 40.0, 35.0, 44.0],
        }
    )


def test_detect_phases_worked_example():
    """Peaks 2006 and 2011, trough 2008: phases share their turning years."""
    ref = pd.Series([100, 110, 120, 100, 90, 95, 105, 130, 125], index=range(2004, 2013))
    out = detect_phases(ref)
    assert out[["kind", "start", "end"]].values.tolist() == [
        ["expansion", 2004, 2006],
        ["contraction", 2006, 2008],
        ["expansion", 2008, 2011],
        ["contraction", 2011, 2012],
    ]
    np.testing.assert_allclose(
        out["reference_growth"], [0.2, 90 / 120 - 1, 130 / 90 - 1, 125 / 130 - 1], rtol=1e-14
    )
    assert out["phase"].tolist() == [1, 2, 3, 4]


def test_detect_phases_flat_years_continue_the_direction():
    """Changes (0, -10, 0, +5): the flat years belong to the contraction."""
    out = detect_phases(pd.Series([100.0, 100.0, 90.0, 90.0, 95.0], index=[1, 2, 3, 4, 5]))
    assert out[["kind", "start", "end"]].values.tolist() == [
        ["contraction", 1, 4],
        ["expansion", 4, 5],
    ]


def test_resilience_worked_example_against_national_sum():
    """Reference = A + B = (100, 80, 110) in 2008, 2009, 2011; phases as in 001.

    Contraction 2008-2009: g_N = -0.2. A: g = -15/60 = -0.25, beta = 1.25,
    expected = 60 * -0.2 = -12, resistance = (-15 + 12)/12 = -0.25.
    B: g = -5/40 = -0.125, beta = 0.625, expected = -8, resistance = (-5 + 8)/8 = 0.375.
    Expansion 2009-2011: g_N = 110/80 - 1 = 0.375. A: g = 21/45, expected = 45*0.375 =
    16.875, recovery = (21 - 16.875)/16.875. B: g = 9/35, expected = 13.125,
    recovery = (9 - 13.125)/13.125.
    """
    out = resilience(
        _two_regions(),
        value="trade",
        entity="city",
        time="year",
        phases=[(2008, 2009), (2009, 2011)],
    )
    assert out["city"].tolist() == ["A", "B", "A", "B"]
    assert out["measure"].tolist() == ["resistance"] * 2 + ["recovery"] * 2
    assert out["kind"].tolist() == ["contraction"] * 2 + ["expansion"] * 2
    np.testing.assert_allclose(out["reference_growth"], [-0.2, -0.2, 0.375, 0.375], rtol=1e-14)
    np.testing.assert_allclose(
        out["sensitivity"], [1.25, 0.625, (21 / 45) / 0.375, (9 / 35) / 0.375], rtol=1e-13
    )
    np.testing.assert_allclose(out["expected_change"], [-12.0, -8.0, 16.875, 13.125], rtol=1e-13)
    np.testing.assert_allclose(
        out["resilience"], [-0.25, 0.375, (21 - 16.875) / 16.875, (9 - 13.125) / 13.125], rtol=1e-13
    )


def test_detected_phases_are_used_when_none_given():
    """The sum (100, 80, 110) falls then rises: phases 2008-2009 and 2009-2011 are found."""
    out = resilience(_two_regions(), value="trade", entity="city", time="year")
    assert out[["phase", "start", "end"]].drop_duplicates().values.tolist() == [
        [1, 2008, 2009],
        [2, 2009, 2011],
    ]


def test_expected_change_with_industry_mix_worked_example():
    """Shift-share expectation: region R with industries m (80) and s (20) in 2008.

    Reference: m 1000 -> 800 (g = -0.2), s 500 -> 550 (g = +0.1); total 1500 -> 1350
    (g_N = -0.1). R: m 80 -> 70, s 20 -> 21 (total 100 -> 91, g = -0.09).
    expected = 80*(-0.2) + 20*0.1 = -14; resistance = (-9 + 14)/14 = 5/14;
    sensitivity = -0.09 / -0.1 = 0.9.
    """
    df = pd.DataFrame(
        {
            "r": ["R"] * 4,
            "ind": ["m", "s"] * 2,
            "y": [2008, 2008, 2009, 2009],
            "v": [80.0, 20.0, 70.0, 21.0],
        }
    )
    ref = pd.Series(
        [1000.0, 500.0, 800.0, 550.0],
        index=pd.MultiIndex.from_tuples([(2008, "m"), (2008, "s"), (2009, "m"), (2009, "s")]),
    )
    row = resilience(
        df, value="v", entity="r", time="y", industry="ind", reference=ref, phases=[(2008, 2009)]
    ).iloc[0]
    assert row["measure"] == "resistance"
    np.testing.assert_allclose(row["expected_change"], -14.0, rtol=1e-13)
    np.testing.assert_allclose(row["resilience"], 5 / 14, rtol=1e-13)
    np.testing.assert_allclose(row["sensitivity"], 0.9, rtol=1e-13)


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.tuples(st.floats(1, 1e4), st.floats(1, 1e4)), min_size=2, max_size=8),
    st.lists(st.floats(0.1, 10), min_size=1, max_size=3),
)
def test_expectation_gaps_sum_to_zero_and_match_sensitivity(pairs, industry_scale):
    """With reference = sum of entities, sum_r (dE_r - dE_r^exp) = 0 (with or without
    industries), and without industries R_r = (g_r - g_N)/|g_N| = sign(g_N)(beta_r - 1)."""
    rows = []
    for r, (a, b) in enumerate(pairs):
        for i, scale in enumerate(industry_scale):
            rows += [(r, i, 0, a * scale * (i + 1)), (r, i, 1, b * scale / (i + 1))]
    df = pd.DataFrame(rows, columns=["r", "i", "t", "v"])
    if df.groupby("t")["v"].sum().diff().iloc[1] == 0:
        return
    mix = resilience(df, value="v", entity="r", time="t", industry="i", phases=[(0, 1)])
    gap = (mix["change"] - mix["expected_change"]).sum()
    np.testing.assert_allclose(gap, 0.0, atol=1e-9 * df["v"].sum())
    totals = df.groupby(["r", "t"], as_index=False)["v"].sum()
    plain = resilience(totals, value="v", entity="r", time="t", phases=[(0, 1)])
    g_n = plain["reference_growth"].iloc[0]
    np.testing.assert_allclose(
        plain["resilience"], np.sign(g_n) * (plain["sensitivity"] - 1), rtol=1e-9, atol=1e-12
    )


def test_phases_that_do_not_fit_the_data_are_named():
    df = _two_regions()
    with pytest.raises(
        DataError,
        match=r"phase 1 \(2007-2009\) needs year=2007, which is not "
        r"in the data \(its year runs from 2008 to 2011\)",
    ):
        resilience(df, value="trade", entity="city", time="year", phases=[(2007, 2009)])
    with pytest.raises(DataError, match=r"phase \(2011, 2009\) must start before it ends"):
        resilience(df, value="trade", entity="city", time="year", phases=[(2011, 2009)])
    with pytest.raises(DataError, match=r"city 'B' has no data in year \[2011\]"):
        resilience(df.iloc[:5], value="trade", entity="city", time="year", phases=[(2009, 2011)])
    zero = df.assign(trade=[0.0, 45.0, 66.0, 40.0, 35.0, 44.0])
    with pytest.raises(DataError, match=r"city 'A' has value 0 at the start of phase 1"):
        resilience(zero, value="trade", entity="city", time="year", phases=[(2008, 2009)])
    with pytest.raises(DataError, match=r"reference does not change over phase 1"):
        resilience(
            df,
            value="trade",
            entity="city",
            time="year",
            phases=[(2008, 2011)],
            reference=pd.Series([1.0, 2.0, 1.0], index=[2008, 2009, 2011]),
        )
    with pytest.raises(
        SpecError,
        match=r"'phase kind' must be one of 'contraction', "
        r"'expansion'; 'boom' was given",
    ):
        resilience(df, value="trade", entity="city", time="year", phases=[(2008, 2009, "boom")])
    with pytest.raises(DataError, match=r"'trade' must be non-negative"):
        resilience(df.assign(trade=-df["trade"]), value="trade", entity="city", time="year")


def test_reference_series_errors():
    with pytest.raises(DataError, match=r"reference series is constant"):
        detect_phases(pd.Series([3.0, 3.0, 3.0], index=[1, 2, 3]))
    with pytest.raises(DataError, match=r"at least two periods"):
        detect_phases(pd.Series([3.0], index=[1]))
    with pytest.raises(DataError, match=r"duplicated times \[1\]"):
        detect_phases(pd.Series([3.0, 4.0], index=[1, 1]))
    df = _two_regions().assign(ind="x")
    with pytest.raises(DataError, match=r"must be indexed by \(time, industry\)"):
        resilience(
            df,
            value="trade",
            entity="city",
            time="year",
            industry="ind",
            reference=pd.Series([1.0, 2.0, 3.0], index=[2008, 2009, 2011]),
        )
