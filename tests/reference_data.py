"""Paths and loaders of the committed reference fixtures (importable from any test)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PRODUC_CSV = ROOT / "specs" / "data" / "produc.csv"


def load_fixture(*parts: str) -> dict:
    """Parse a JSON fixture under tests/fixtures."""
    return json.loads(FIXTURES.joinpath(*parts).read_text())
