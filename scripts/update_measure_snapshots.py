"""Rewrite the measure-table snapshots after an intended layout change:
python scripts/update_measure_snapshots.py"""

import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(root / "src"), str(root / "tests" / "tables")]

from snapshot_measures import SNAPSHOTS, rendered_measure_tables

for name, text in rendered_measure_tables().items():
    (SNAPSHOTS / name).write_text(text, encoding="utf-8")
    print(SNAPSHOTS / name)
