"""The ``aggregate:`` stage (provinces -> regions), checked against sums computed by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from regiometrics.cli import main


def _write(tmp_path, aggregate: dict, rows=None) -> str:
    rows = rows or [
        ("A", "East", 2000, 10.0, 2.0, 0.5), ("B", "East", 2000, 30.0, 6.0, 0.1),
        ("C", "West", 2000, 5.0, 1.0, 0.4), ("A", "East", 2001, 12.0, 3.0, 0.6),
        ("B", "East", 2001, 28.0, 1.0, 0.2), ("C", "West", 2001, 7.0, 2.0, 0.3),
    ]
    pd.DataFrame(rows, columns=["province", "region", "year", "trade", "gdp", "rate"]).to_csv(
        tmp_path / "p.csv", index=False)
    spec = {"data": {"path": "p.csv", "entity": "province", "time": "year"},
            "aggregate": aggregate}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    return str(tmp_path / "s.yaml")


def test_sums_and_weighted_means_by_region_year(tmp_path):
    spec = _write(tmp_path, {"by": "region", "sum": ["trade", "gdp"],
                             "mean": {"rate": "gdp"}})
    assert main(["run", spec, "--out", str(tmp_path / "o")]) == 0
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert doc["aggregate"] == {"by": "region", "n_units": 2, "sum": ["trade", "gdp"],
                                "mean": {"rate": "gdp"}}
    assert doc["data"]["n_entities"] == 2
    from regiometrics.data.panel import Panel
    from regiometrics.pipeline.aggregate import aggregate_panel
    from regiometrics.spec.aggregate import AggregateSpec
    frame = pd.read_csv(tmp_path / "p.csv")
    out = aggregate_panel(Panel(frame, "province", "year"),
                          AggregateSpec(by="region", sum=["trade"], mean={"rate": "gdp"}))
    east = out.frame.set_index(["region", "year"])
    assert east.loc[("East", 2000), "trade"] == 40.0
    # (2*0.5 + 6*0.1) / 8 = 0.2 ; (3*0.6 + 1*0.2) / 4 = 0.5
    assert east.loc[("East", 2000), "rate"] == pytest.approx(0.2, rel=1e-15)
    assert east.loc[("East", 2001), "rate"] == pytest.approx(0.5, rel=1e-15)
    assert east.loc[("West", 2001), "rate"] == pytest.approx(0.3, rel=1e-15)
    assert out.entity == "region" and list(out.frame.columns) == ["region", "year", "trade",
                                                                  "rate"]


def test_missing_value_is_refused_with_entity_years(tmp_path, capsys):
    rows = [("A", "East", 2000, 10.0, 2.0, 0.5), ("B", "East", 2000, None, 6.0, 0.1)]
    spec = _write(tmp_path, {"by": "region", "sum": ["trade"]}, rows)
    assert main(["run", spec, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "aggregate: missing values in trade" in err and "('B', 2000)" in err
    assert not (tmp_path / "o" / "results.json").exists()


def test_unknown_column_is_refused_with_key_path(tmp_path, capsys):
    spec = _write(tmp_path, {"by": "regoin", "sum": ["trade"]})
    assert main(["run", spec, "--out", str(tmp_path / "o")]) == 2
    assert "aggregate.by" in capsys.readouterr().err


def test_imbalance_between_groups_by_hand(tmp_path):
    """imbalance with groups on province rows: regional levels are ratios of sums."""
    rows = [("A", "East", 2000, 30.0, 100.0), ("B", "East", 2000, 10.0, 300.0),
            ("C", "West", 2000, 5.0, 100.0), ("A", "East", 2001, 60.0, 200.0),
            ("B", "East", 2001, 20.0, 200.0), ("C", "West", 2001, 5.0, 100.0)]
    frame = pd.DataFrame(rows, columns=["province", "region", "year", "trade", "gdp"])
    frame["ED"] = frame["trade"] / frame["gdp"]
    frame.to_csv(tmp_path / "p.csv", index=False)
    grouped = {"data": {"path": "p.csv", "entity": "province", "time": "year"},
               "measures": [{"id": "imb", "type": "imbalance", "variable": "ED",
                             "weight": "gdp", "groups": "region"}]}
    (tmp_path / "g.yaml").write_text(yaml.safe_dump(grouped))
    assert main(["run", str(tmp_path / "g.yaml"), "--out", str(tmp_path / "g")]) == 0
    got = json.loads((tmp_path / "g" / "results.json").read_text())["measures"]["imb"]
    # by hand, 2000: East = 40/400 = 0.1, West = 5/100 = 0.05; FT_N = mean = 0.075;
    # shares 0.8, 0.2; normalised |0.1/0.075 - 1| = 1/3, |0.05/0.075 - 1| = 1/3 -> I = 1/3
    assert got[0]["index"] == pytest.approx(1 / 3, rel=1e-12)
    # 2001: East 80/400 = 0.2, West 0.05, FT_N 0.125: |1.6 - 1| = |0.4 - 1| = 0.6 -> I = 0.6
    assert got[1]["index"] == pytest.approx(0.6, rel=1e-12)
    assert got[1]["change"] == pytest.approx(0.6 - 1 / 3, rel=1e-12)
