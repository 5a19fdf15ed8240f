"""Effects written with the panel's own column names mean the panel's effects.

A user who writes ``effects: [state, year]`` for a panel keyed by ``state`` and ``year``
asks for entity and time effects; tables must then say "Entity FE"/"Time FE", not list
``year`` as a further effect beside "Time FE: NO".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import regiometrics as rm
from regiometrics.spec.effects import with_panel_names
from regiometrics.spec.loader import spec_from_dict

PRODUC = Path(__file__).parents[2] / "specs" / "data" / "produc.csv"


@pytest.mark.parametrize(("written", "meant"), [
    (["state", "year"], ["entity", "time"]),
    (["region^year"], ["region^time"]),
    (["state[year]", "year"], ["entity[time]", "time"]),
    (["`year`"], ["time"]),
    (["entity", "region"], ["entity", "region"]),
    (["state^entity"], ["state^entity"]),  # names the entity twice: left for validation
    (["bad effect!"], ["bad effect!"]),
    ([3], [3]),
])
def test_panel_columns_become_entity_and_time(written: list[object], meant: list[object]) -> None:
    assert with_panel_names(written, "state", "year") == meant


def test_several_entity_keys_leave_names_alone() -> None:
    assert with_panel_names(["region", "year"], ["region", "product"], "year") == [
        "region", "time"]


def test_spec_reads_column_names_as_panel_effects() -> None:
    raw = {"data": {"path": "x.csv", "entity": "state", "time": "year"},
           "models": [{"id": "m", "type": "fe", "formula": "lgsp ~ lpcap",
                       "effects": ["state", "year"]}]}
    assert spec_from_dict(raw).models[0].effects == ["entity", "time"]


def test_fit_with_column_names_equals_entity_time() -> None:
    df = pd.read_csv(PRODUC)
    keys = dict(entity="state", time="year", type="fe", formula="lgsp ~ lpcap + lpc",
                vcov={"type": "cluster", "by": "entity"})
    by_name = rm.fit(df, effects=["state", "year"], **keys)
    by_role = rm.fit(df, effects=["entity", "time"], **keys)
    np.testing.assert_allclose(by_name.std_errors, by_role.std_errors, rtol=1e-12)
    latex = rm.etable([by_name], format="markdown")
    assert "| Time FE | YES |" in latex and "year FE" not in latex
