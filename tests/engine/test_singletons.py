"""``singletons: drop`` (reghdfe's default) against pyfixest's fixef_rm='singleton'.

Reference: tests/fixtures/singletons/singletons.json and its input thinned_produc.csv, made by
make_singletons.py beside them
(pyfixest 0.60 on plm's Produc panel thinned to create singleton states and a singleton year).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine import estimate
from regiometrics.engine.linear.design import singleton_rows
from regiometrics.errors import DataError
from regiometrics.spec import model_spec
from regiometrics.spec.models import TableSpec
from regiometrics.tables import regression_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "singletons"
REFERENCE = json.loads((FIXTURES / "singletons.json").read_text())


def _thinned() -> pd.DataFrame:
    """The thinned Produc panel that make_singletons.py fed to pyfixest (committed fixture)."""
    return pd.read_csv(FIXTURES / "thinned_produc.csv")


@pytest.fixture(scope="module")
def panel() -> Panel:
    frame = _thinned()
    assert len(frame) == REFERENCE["n_rows"]
    return Panel(frame, "state", "year")


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=lambda c: f"{'+'.join(c['effects'])}-{c['vcov']}")
def test_drop_matches_pyfixest(panel, case):
    vcov = {"type": case["vcov"]} | ({"by": ["state"]} if case["vcov"] == "cluster" else {})
    model = model_spec(id="m", type="fe", formula="lgsp ~ lpcap + lpc + lemp + unemp",
                      effects=case["effects"], vcov=vcov, singletons="drop")
    result = estimate(model, panel)
    assert result.nobs == case["nobs"]
    assert result.info["n_singletons"] == REFERENCE["n_rows"] - case["nobs"]
    for term, value in case["params"].items():
        np.testing.assert_allclose(result.params[term], value, rtol=1e-8)
        np.testing.assert_allclose(result.std_errors[term], case["std_errors"][term], rtol=1e-6)


def test_keep_leaves_slopes_and_changes_only_n(panel):
    base = model_spec(id="m", type="fe", formula="lgsp ~ lpcap + lpc + lemp + unemp",
                     effects=["entity", "time"], vcov={"type": "cluster", "by": ["state"]})
    kept, dropped = estimate(base, panel), estimate(base.replace(singletons="drop"), panel)
    assert kept.nobs == REFERENCE["n_rows"] and kept.info["n_singletons"] == 0
    for term in ("lpcap", "lpc", "lemp", "unemp"):
        np.testing.assert_allclose(kept.params[term], dropped.params[term], rtol=1e-9)
    assert kept.stats["n_clusters"] == dropped.stats["n_clusters"] + 4
    grid = regression_table([dropped], TableSpec(id="t", models=["m"]))
    assert "(1): 5 singleton observations dropped (alone in a fixed-effect group)." in grid.notes


def test_singletons_are_found_iteratively():
    # C alone -> drop; then year 3 holds only B -> drop; then B holds only (B, 2) -> drop.
    groups = pd.DataFrame({"e": list("AABBCDD"), "t": [1, 2, 2, 3, 3, 1, 2]})
    assert singleton_rows(groups).tolist() == [False, False, True, True, True, False, False]
    assert not singleton_rows(groups[["e"]].iloc[[0, 1, 5, 6]]).any()


def test_everything_singleton_is_a_clear_error():
    frame = pd.DataFrame({"e": list("ABC"), "t": [1, 2, 3], "y": [1.0, 2.0, 4.0], "x": [0.5, 1.0, 3.0]})
    model = model_spec(id="m", type="fe", formula="y ~ x", effects=["entity"], singletons="drop",
                      vcov={"type": "robust"})
    with pytest.raises(DataError, match="models.m: every row is a singleton"):
        estimate(model, Panel(frame, "e", "t"))
