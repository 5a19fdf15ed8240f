"""Measure tables whose rendered text is snapshot-tested (shared by the test and
scripts/update_measure_snapshots.py): Theil (002 Table 5 layout) and Dagum tables of
libpysal's Mexico regional income data (tests/fixtures/measures/mexico.csv), 1940-2000,
grouped by the hanson98 regions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from regiometrics.measure.inequality import dagum_gini, theil_decomposition
from regiometrics.spec.measures import DagumTableSpec, TheilTableSpec
from regiometrics.tables import RENDERERS
from regiometrics.tables.measures import dagum_table, theil_table

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots_measures"
MEXICO = ROOT / "tests" / "fixtures" / "measures" / "mexico.csv"
REGIONS = {str(k): f"H{k}" for k in range(1, 6)}  # hanson98 region k shown as "Hk"


def mexico_long() -> pd.DataFrame:
    """One row per state-decade: pcgdp, region code (hanson98, as int)."""
    wide = pd.read_csv(MEXICO)
    long = wide.melt(id_vars=["State", "hanson98"],
                     value_vars=[c for c in wide.columns if c.startswith("pcgdp")],
                     var_name="year", value_name="pcgdp")
    long["year"] = long["year"].str.removeprefix("pcgdp").astype(int)
    long["region"] = long["hanson98"].astype(int)
    return long


def theil_rows() -> pd.DataFrame:
    return theil_decomposition(mexico_long(), value="pcgdp", entity="State", group="region",
                               time="year")


def dagum_rows() -> pd.DataFrame:
    return dagum_gini(mexico_long(), value="pcgdp", entity="State", group="region",
                      time="year")


THEIL_SPEC = TheilTableSpec(id="mexico_theil", type="theil", measure="theil",
                            title="Theil index of per capita GDP, Mexican states")
DAGUM_SPEC = DagumTableSpec(id="mexico_dagum", type="dagum", measure="dagum",
                            title="Dagum Gini decomposition, Mexican states",
                            years=[1940, 1970, 2000], group_labels=REGIONS)


def rendered_measure_tables() -> dict[str, str]:
    """File name -> rendered text of the two measure tables."""
    dagum = dagum_rows()
    dagum = dagum[dagum["time"].isin(DAGUM_SPEC.years)]
    grids = [theil_table(theil_rows(), THEIL_SPEC), dagum_table(dagum, DAGUM_SPEC)]
    out = {}
    for grid in grids:
        for fmt in ("latex", "markdown"):
            render, ext = RENDERERS[fmt]
            out[f"{grid.id}.{ext}"] = render(grid)
    return out
