"""Shared fixtures: the bundled Produc panel."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.reference_data import PRODUC_CSV


@pytest.fixture(scope="session")
def produc() -> pd.DataFrame:
    """plm's Produc data (Munnell 1990), 48 states x 17 years."""
    return pd.read_csv(PRODUC_CSV)
