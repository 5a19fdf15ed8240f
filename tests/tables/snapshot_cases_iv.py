"""The IV tables whose rendered text is snapshot-tested (bundled example specs/iv.yaml)."""

from __future__ import annotations

from pathlib import Path

from regiometrics.pipeline import compute, rendered_files
from regiometrics.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS_IV = Path(__file__).resolve().parent / "snapshots_iv"
SPEC_IV = ROOT / "specs" / "iv.yaml"


def rendered_iv_tables() -> dict[str, str]:
    """File name -> rendered text for the IV example's tables."""
    spec = load_spec(SPEC_IV)
    files = rendered_files(compute(spec, SPEC_IV.parent))
    return {name: text for name, text in files.items() if name.endswith((".tex", ".md"))}
