"""Rewrite the IV table snapshots after an intended change of layout:
python scripts/update_snapshots_iv.py"""

import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(root / "src"), str(root / "tests" / "tables")]

from snapshot_cases_iv import SNAPSHOTS_IV, rendered_iv_tables

for name, text in rendered_iv_tables().items():
    (SNAPSHOTS_IV / name).write_text(text, encoding="utf-8")
    print(SNAPSHOTS_IV / name)
