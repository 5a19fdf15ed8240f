"""Shared fixtures: the bundled Produc panel."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import settings

from tests.reference_data import PRODUC_CSV

# Property tests draw their examples from a fixed seed per test: a test run is reproducible and
# CI cannot turn red by luck (HYPOTHESIS_PROFILE=explore draws new examples on each run).
settings.register_profile("reproducible", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reproducible"))


@pytest.fixture(scope="session")
def produc() -> pd.DataFrame:
    """plm's Produc data (Munnell 1990), 48 states x 17 years."""
    return pd.read_csv(PRODUC_CSV)
