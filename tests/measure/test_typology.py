"""Rank-band typology (002 Table 4 layout) and entity x year index table (002 Table 3).

Published numbers: tests/fixtures/indices/table3_002.csv holds 002's Table 3 as printed
(31 provinces x 2011, 2013, ..., 2021 and the printed "Mean" row), extracted by
extract_002_table3.py beside it. The computed mean row must reproduce the printed one
to its 4 decimals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.errors import DataError, SpecError
from regiometrics.measure.typology import default_bands, index_table, rank_typology

TABLE3 = pd.read_csv(Path(__file__).parents[1] / "fixtures" / "indices" / "table3_002.csv")
PROVINCES = TABLE3[TABLE3["province"] != "Mean"]
PRINTED_MEAN = TABLE3[TABLE3["province"] == "Mean"].set_index("year")["FTR"]

SIX = pd.DataFrame(
    {
        "prov": list("ABCDEF"),
        "recon": [0.9, 0.8, 0.5, 0.4, 0.2, 0.1],
        "resist": [0.3, 0.9, 0.2, 0.8, 0.7, 0.1],
    }
)


def test_index_table_reproduces_002_table3_mean_row() -> None:
    table = index_table(PROVINCES, entity="province", time="year", column="FTR")
    assert table.shape == (32, 6)
    assert list(table.columns) == [2011, 2013, 2015, 2017, 2019, 2021]
    assert table.index[0] == "Beijing" and table.index[-1] == "Mean"
    np.testing.assert_allclose(table.loc["Mean"], PRINTED_MEAN.to_numpy(), rtol=0, atol=5e-5)
    assert table.loc["Guangdong", 2019] == 0.864


def test_index_table_selected_years_and_missing_cells() -> None:
    sub = PROVINCES[~((PROVINCES["province"] == "Tibet") & (PROVINCES["year"] == 2013))]
    table = index_table(
        sub, entity="province", time="year", column="FTR", years=[2021, 2013], mean_row=True
    )
    assert list(table.columns) == [2021, 2013]
    assert np.isnan(table.loc["Tibet", 2013]) and np.isnan(table.loc["Mean", 2013])
    assert table.loc["Mean", 2021] == pytest.approx(PRINTED_MEAN[2021], abs=5e-5)
    assert (
        "Mean"
        not in index_table(sub, entity="province", time="year", column="FTR", mean_row=False).index
    )


@pytest.mark.parametrize(
    ("n", "k", "bands"),
    [
        (31, 3, ((1, 10), (11, 21), (22, 31))),
        (30, 3, ((1, 10), (11, 20), (21, 30))),
        (32, 3, ((1, 11), (12, 22), (23, 32))),
        (7, 2, ((1, 4), (5, 7))),
        (5, 5, tuple((i, i) for i in range(1, 6))),
    ],
)
def test_default_bands(n: int, k: int, bands) -> None:
    assert default_bands(n, k) == bands


def test_rank_typology_by_hand() -> None:
    """recon ranks A..F = 1..6; resist ranks: B 1, D 2, E 3, A 4, C 5, F 6.
    Bands 1-2 high, 3-4 medium, 5-6 low."""
    typ = rank_typology(SIX, entity="prov", x="recon", y="resist", bands=[(1, 2), (3, 4), (5, 6)])
    ent = typ.entities.set_index("prov")
    assert list(ent.index) == list("ABCDEF")
    assert ent["rank_y"].to_dict() == {"A": 4, "B": 1, "C": 5, "D": 2, "E": 3, "F": 6}
    assert ent["type"].to_dict() == {
        "A": "high/medium",
        "B": "high/high",
        "C": "medium/low",
        "D": "medium/high",
        "E": "low/medium",
        "F": "low/low",
    }
    table = typ.table.set_index("type")
    assert len(table) == 9 and table["count"].sum() == 6
    assert table.loc["high/high", "entities"] == "B"
    assert table.loc["medium/medium", "entities"] == "" and table.loc["medium/medium", "count"] == 0
    assert table.loc["low/medium", "explanation"] == "recon ranked 5-6, resist ranked 3-4"
    assert list(typ.table["type"][:3]) == ["high/high", "high/medium", "high/low"]


def test_rank_typology_averages_years_or_picks_one() -> None:
    long = pd.concat([SIX.assign(year=2020), SIX.assign(year=2021, recon=1 - SIX["recon"])])
    mean = rank_typology(
        long, entity="prov", x="recon", y="resist", time="year", labels=("top", "bottom")
    )
    assert (mean.entities["recon"] == 0.5).all()
    assert mean.entities["rank_x"].tolist() == [1] * 6  # ties share the best rank
    assert mean.bands == ((1, 3), (4, 6))
    one = rank_typology(
        long, entity="prov", x="recon", y="resist", time="year", year=2021, labels=("top", "bottom")
    )
    assert one.entities.iloc[0]["prov"] == "F" and one.entities.iloc[0]["band_x"] == "top"


def test_rank_typology_on_002_provinces_uses_10_11_10_bands() -> None:
    wide = index_table(PROVINCES, entity="province", time="year", column="FTR", mean_row=False)
    data = pd.DataFrame(
        {"province": wide.index, "late": wide[2021].to_numpy(), "early": wide[2011].to_numpy()}
    )
    typ = rank_typology(data, entity="province", x="late", y="early")
    assert typ.bands == ((1, 10), (11, 21), (22, 31))
    assert typ.entities["band_x"].value_counts().to_dict() == {"medium": 11, "high": 10, "low": 10}
    assert typ.entities.iloc[0]["province"] == "Guangdong"
    assert typ.entities.iloc[0]["type"] == "high/high"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"bands": [(1, 2), (4, 6)], "labels": ("a", "b")},
            SpecError,
            r"contiguous rank ranges starting at 1.*band 4-6 is out of order",
        ),
        (
            {"bands": [(1, 2), (3, 5)], "labels": ("a", "b")},
            SpecError,
            r"bands must cover ranks 1 to 6 \(the number of entities\)",
        ),
        ({"bands": [1, 2, 3]}, SpecError, "bands must be pairs of ranks"),
        (
            {"bands": [(1, 3), (4, 6)]},
            SpecError,
            r"2 bands but 3 labels \['high', 'medium', 'low'\]",
        ),
        ({"labels": tuple("abcdefg")}, SpecError, "cannot split 6 ranks into 7 bands"),
        ({"x": "growth"}, DataError, r"columns \['growth'\] not found"),
        ({"year": 2020}, SpecError, r"year=2020 needs time="),
    ],
)
def test_rank_typology_bad_input(kwargs, error, match: str) -> None:
    args = {"entity": "prov", "x": "recon", "y": "resist", **kwargs}
    with pytest.raises(error, match=match):
        rank_typology(SIX, **args)


def test_rank_typology_bad_data() -> None:
    long = pd.concat([SIX.assign(year=2020), SIX.assign(year=2021)])
    with pytest.raises(
        DataError, match=r"entities occur more than once \(A, B, C, D, E, F\); pass time="
    ):
        rank_typology(long, entity="prov", x="recon", y="resist")
    with pytest.raises(
        DataError, match=r"year 2019 not found in column 'year'; years present: \[2020, 2021\]"
    ):
        rank_typology(long, entity="prov", x="recon", y="resist", time="year", year=2019)
    with pytest.raises(DataError, match=r"missing \['recon', 'resist'\] values for C"):
        rank_typology(
            SIX.assign(recon=[1, 2, np.nan, 4, 5, 6]), entity="prov", x="recon", y="resist"
        )


@pytest.mark.parametrize(
    ("data", "kwargs", "match"),
    [
        (PROVINCES, {"column": "ER"}, r"columns \['ER'\] not found"),
        (PROVINCES, {"years": [2012]}, r"years \[2012\] not found in column 'year'"),
        (
            pd.concat([PROVINCES, PROVINCES.iloc[:1]]),
            {},
            r"rows are not unique by \('province', 'year'\)",
        ),
        (PROVINCES, {"mean_label": "Tibet"}, "an entity is named 'Tibet'; pass another mean_label"),
    ],
)
def test_index_table_bad_input(data, kwargs, match: str) -> None:
    args = {"entity": "province", "time": "year", "column": "FTR", **kwargs}
    with pytest.raises(DataError, match=match):
        index_table(data, **args)
