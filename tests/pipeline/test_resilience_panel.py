"""Resilience as a region x phase panel (000): the index on each phase's start year, models by
phase kind in the same spec, and the region x phase table with year-range headers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from regiometrics.cli import main

TRADE = {"A": [100, 80, 90, 110], "B": [50, 45, 50, 60], "C": [200, 150, 180, 220],
         "D": [80, 78, 85, 90]}
X = {"A": [1.0, 2.0, 0, 0], "B": [3.0, 1.0, 0, 0], "C": [2.0, 5.0, 0, 0], "D": [4.0, 4.5, 0, 0]}


def _run(tmp_path, phase_panel=None, extra=None) -> tuple[int, str]:
    rows = [(r, 2000 + k, float(v), X[r][k]) for r, vs in TRADE.items() for k, v in enumerate(vs)]
    pd.DataFrame(rows, columns=["region", "year", "trade", "x"]).to_csv(tmp_path / "p.csv",
                                                                       index=False)
    spec = {
        "data": {"path": "p.csv", "entity": "region", "time": "year"},
        "measures": [{"id": "res", "type": "resilience", "variable": "trade",
                      "phases": [[2000, 2001, "contraction"], [2001, 2003, "expansion"]],
                      "phase_panel": phase_panel or {"value": "RES", "kind": "KIND",
                                                     "phase": "PHASE"}}],
        "models": [{"id": "by_kind", "type": "ols", "formula": "RES ~ x", "by": "KIND",
                    "vcov": {"type": "unadjusted"}}],
        "tables": [{"id": "t", "type": "resilience", "measure": "res",
                    "entities": ["B", "A", "C", "D"]},
                   {"id": "m", "type": "subgroups", "models": ["by_kind"]}],
        **(extra or {}),
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True))
    out = tmp_path / "o"
    return main(["run", str(tmp_path / "s.yaml"), "--out", str(out)]), str(out)


def _hand(region: str, start: int, end: int) -> float:
    total = {k: sum(v[k] for v in TRADE.values()) for k in range(4)}
    g = total[end] / total[start] - 1
    e = TRADE[region]
    expected = e[start] * g
    return (e[end] - e[start] - expected) / abs(expected)


def test_phase_values_sit_on_the_start_year_and_models_run_by_kind(tmp_path):
    code, out = _run(tmp_path)
    assert code == 0
    panel = pd.read_csv(f"{out}/measures.csv")
    a = panel[panel.region == "A"].set_index("year")
    # by hand: national 430 -> 353 (g = -77/430): A (-20 + 100 * 77/430) / (100 * 77/430)
    # = 1 - 8600/7700 = -900/7700; 353 -> 480 (g = 127/353): A 30 * 353 / (80 * 127) - 1
    # = 430/10160
    assert a.loc[2000, "RES"] == pytest.approx(-900 / 7700, rel=1e-12)
    assert a.loc[2001, "RES"] == pytest.approx(430 / 10160, rel=1e-12)
    assert np.isnan(a.loc[2002, "RES"]) and np.isnan(a.loc[2003, "RES"])
    assert a.loc[2000, "KIND"] == "contraction" and a.loc[2001, "KIND"] == "expansion"
    assert a.loc[2001, "PHASE"] == "2001-2003"
    b = panel[panel.region == "B"].set_index("year")
    assert b.loc[2000, "RES"] == pytest.approx(1700 / 3850, rel=1e-12)  # 1 - 5*430/(50*77)
    doc = json.loads(Path(out, "results.json").read_text())
    fit = doc["models"]["by_kind"]
    for kind, year, start, end in (("contraction", 0, 0, 1), ("expansion", 1, 1, 3)):
        y = [_hand(r, start, end) for r in TRADE]
        x = [X[r][year] for r in TRADE]
        slope = np.polyfit(x, y, 1)[0]
        assert fit["params"][f"x@{kind}"] == pytest.approx(slope, rel=1e-10)
    table = Path(out, "t.md").read_text().splitlines()
    assert table[0] == "|  | Resistance | Recovery |"
    assert table[2] == "| region | 2000-2001 | 2001-2003 |"
    assert table[3] == f"| B | {1700 / 3850:.3f} | {_hand('B', 1, 3):.3f} |"


def test_phase_panel_and_columns_are_exclusive(tmp_path, capsys):
    code, _ = _run(tmp_path, extra={})
    assert code == 0
    spec = yaml.safe_load((tmp_path / "s.yaml").read_text())
    spec["measures"][0]["columns"] = {1: "R1"}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    assert main(["run", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o2")]) == 2
    assert "either columns" in capsys.readouterr().err
