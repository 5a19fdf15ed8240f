"""Shared loaders for the spatial panel tests: R reference numbers, Produc, torus panel."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from tests.engine.spatial.spatial_helpers import FIXTURES, weights_from_adjacency


@dataclass(frozen=True)
class PanelCase:
    y: np.ndarray
    X: np.ndarray
    W: np.ndarray
    x_names: list[str]
    n_entities: int
    n_periods: int
    ref: dict


@pytest.fixture(scope="session")
def reference() -> dict:
    return json.loads((FIXTURES / "reference.json").read_text())


@pytest.fixture(scope="session")
def produc(reference: dict) -> PanelCase:
    """plm::Produc, time-major (year, then state alphabetically), W = US states queen contiguity."""
    ids, W = weights_from_adjacency(FIXTURES / "us_states_adjacency.csv")
    df = pd.read_csv(FIXTURES / "produc.csv")
    assert list(df["state"].iloc[: len(ids)]) == ids
    X = np.column_stack([np.log(df["pcap"]), np.log(df["pc"]), np.log(df["emp"]), df["unemp"]])
    return PanelCase(
        y=np.log(df["gsp"].to_numpy()),
        X=X,
        W=W,
        x_names=["lpcap", "lpc", "lemp", "unemp"],
        n_entities=48,
        n_periods=17,
        ref=reference["produc"],
    )


@pytest.fixture(scope="session")
def torus(reference: dict) -> PanelCase:
    """Simulated two-way FE SDM panel on a 7 x 7 rook torus (N = 49, T = 8), time-major."""
    ids, W = weights_from_adjacency(FIXTURES / "torus_adjacency.csv")
    df = pd.read_csv(FIXTURES / "torus_panel.csv")
    assert list(df["entity"].iloc[: len(ids)]) == ids
    return PanelCase(
        y=df["y"].to_numpy(),
        X=df[["x1", "x2"]].to_numpy(),
        W=W,
        x_names=["x1", "x2"],
        n_entities=49,
        n_periods=8,
        ref=reference["torus"],
    )
