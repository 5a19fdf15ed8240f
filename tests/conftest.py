"""Shared fixtures: the bundled Produc panel."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_data import PRODUC_CSV  # noqa: E402


@pytest.fixture(scope="session")
def produc() -> pd.DataFrame:
    """plm's Produc data (Munnell 1990), 48 states x 17 years."""
    return pd.read_csv(PRODUC_CSV)
