"""Shared fixtures: the bundled Produc panel and reference files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PRODUC_CSV = ROOT / "specs" / "data" / "produc.csv"


@pytest.fixture(scope="session")
def produc() -> pd.DataFrame:
    """plm's Produc data (Munnell 1990), 48 states x 17 years."""
    return pd.read_csv(PRODUC_CSV)


def load_fixture(*parts: str) -> dict:
    return json.loads(FIXTURES.joinpath(*parts).read_text())
