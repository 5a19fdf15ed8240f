"""Rewrite the table snapshots after an intended change of layout: python scripts/update_snapshots.py"""

import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(root / "src"), str(root / "tests" / "tables")]

from snapshot_cases import SNAPSHOTS, rendered_tables  # noqa: E402

for name, text in rendered_tables().items():
    (SNAPSHOTS / name).write_text(text, encoding="utf-8")
    print(SNAPSHOTS / name)
