"""Shared helpers of the mechanism tests (uniquely named module, not a conftest)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.spec import model_spec
from regiometrics.spec.models import ModelSpec

ROOT = Path(__file__).resolve().parents[2]
PRODUC = ROOT / "specs" / "data" / "produc.csv"


def produc_frame() -> pd.DataFrame:
    """Munnell's US state panel (R plm's Produc), 48 states x 1970-1986, balanced."""
    return pd.read_csv(PRODUC)


def produc_panel(frame: pd.DataFrame | None = None) -> Panel:
    return Panel(produc_frame() if frame is None else frame, "state", "year", "produc.csv")


def model(**fields) -> ModelSpec:
    base = {"id": "m", "type": "fe", "effects": ["entity", "time"],
            "vcov": {"type": "cluster", "by": ["entity"]}}
    return model_spec(**{**base, **fields})
