"""Helpers for the IV tests: reference fixtures and Stata-style design columns."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "iv"


def load_json(name: str) -> dict:
    """Read a reference fixture from tests/fixtures/iv."""
    return json.loads((FIXTURES / name).read_text())


def year_dummies(frame: pd.DataFrame) -> pd.DataFrame:
    """Stata's ``xi i.year``: one dummy per year except the first, named _Iyear_YY."""
    dummies = pd.get_dummies(frame["year"], prefix="_Iyear", dtype=float)
    return dummies.iloc[:, 1:]


def with_constant(frame: pd.DataFrame) -> pd.DataFrame:
    """Append Stata's ``_cons`` column."""
    return frame.assign(_cons=1.0)
