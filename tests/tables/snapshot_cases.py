"""The tables whose rendered text is snapshot-tested (shared by the test and the updater).

Every bundled example spec ``specs/<stem>.yaml`` is run; its tables are stored as
``snapshots/<stem>/<file>``.
"""

from __future__ import annotations

from pathlib import Path

from regiometrics.pipeline import compute, rendered_files
from regiometrics.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


def rendered_tables() -> dict[str, str]:
    """``"<spec stem>/<file name>"`` -> rendered text for every bundled example's tables."""
    out: dict[str, str] = {}
    for path in SPECS:
        files = rendered_files(compute(load_spec(path), path.parent))
        for name, text in files.items():
            if name.endswith((".tex", ".md")):
                out[f"{path.stem}/{name}"] = text
    return out


def stored_snapshots() -> list[str]:
    """The stored snapshot names, ``"<spec stem>/<file name>"``."""
    return sorted(str(p.relative_to(SNAPSHOTS)) for p in SNAPSHOTS.rglob("*") if p.is_file())
