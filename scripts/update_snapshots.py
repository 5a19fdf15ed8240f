"""Rewrite the table snapshots after an intended change of layout: python scripts/update_snapshots.py"""

import shutil
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(root / "src"), str(root / "tests" / "tables")]

from snapshot_cases import SNAPSHOTS, rendered_tables

tables = rendered_tables()
shutil.rmtree(SNAPSHOTS, ignore_errors=True)
for name, text in tables.items():
    path = SNAPSHOTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(path)
