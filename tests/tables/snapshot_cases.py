"""The tables whose rendered text is snapshot-tested (shared by the test and the updater)."""

from __future__ import annotations

from pathlib import Path

from regiometrics.pipeline import compute, rendered_files
from regiometrics.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SPEC = ROOT / "specs" / "produc.yaml"


def rendered_tables() -> dict[str, str]:
    """File name -> rendered text for the bundled example's tables."""
    spec = load_spec(SPEC)
    files = rendered_files(compute(spec, SPEC.parent))
    return {name: text for name, text in files.items() if name.endswith((".tex", ".md"))}
