"""Entities of two keys (region x product, 001) and product-specific reference paths."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from regiometrics.cli import main

#: (region, product) -> exports 2008..2011; national exports by product
EXPORTS = {("A", "x"): [10, 8, 10, 12], ("A", "y"): [5, 6, 6, 6],
           ("B", "x"): [20, 15, 18, 25], ("B", "y"): [8, 7, 9, 10]}
NATIONAL = {"x": [100, 90, 100, 117], "y": [50, 40, 50, 60]}


def _spec(tmp_path, **measure) -> str:
    rows = [(r, p, 2008 + k, float(v), float(NATIONAL[p][k]))
            for (r, p), vs in EXPORTS.items() for k, v in enumerate(vs)]
    pd.DataFrame(rows, columns=["region", "product", "year", "exports", "national"]).to_csv(
        tmp_path / "p.csv", index=False)
    spec = {"data": {"path": "p.csv", "entity": ["region", "product"], "time": "year"},
            "measures": [{"id": "res", "type": "resilience", "variable": "exports",
                          "reference": "national", "reference_by": "product",
                          "phases": [[2008, 2009, "contraction"], [2009, 2011, "expansion"]],
                          **measure}],
            "tables": [{"id": "t", "type": "resilience", "measure": "res"}]}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    return str(tmp_path / "s.yaml")


def test_region_product_entities_against_their_products_national_path(tmp_path):
    assert main(["run", _spec(tmp_path), "--out", str(tmp_path / "o")]) == 0
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert doc["data"]["n_entities"] == 4
    rows = {(r["region_product"], r["phase"]): r["resilience"] for r in doc["measures"]["res"]}
    # by hand, A/x: national x 100 -> 90 (g = -0.1): (8 - 10 - 10(-0.1)) / 1 = -1;
    # 90 -> 117 (g = 0.3): (12 - 8 - 2.4) / 2.4 = 2/3.
    # A/y against national y 50 -> 40 (g = -0.2): (6 - 5 + 1) / 1 = 2; 40 -> 60: (0 - 3) / 3
    assert rows[("A/x", 1)] == pytest.approx(-1.0, rel=1e-12)
    assert rows[("A/x", 2)] == pytest.approx(2 / 3, rel=1e-12)
    assert rows[("A/y", 1)] == pytest.approx(2.0, rel=1e-12)
    assert rows[("A/y", 2)] == pytest.approx(-1.0, rel=1e-12)
    table = (tmp_path / "o" / "t.md").read_text().splitlines()
    assert table[2] == "| region_product | 2008-2009 | 2009-2011 |"
    assert table[3] == "| A/x | -1.000 | 0.667 |"


def test_reference_by_needs_phases_and_a_path_constant_within_the_group(tmp_path, capsys):
    spec = yaml.safe_load(Path(_spec(tmp_path)).read_text())
    del spec["measures"][0]["phases"]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    assert main(["run", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o")]) == 2
    assert "reference_by needs reference" in capsys.readouterr().err
    frame = pd.read_csv(tmp_path / "p.csv")
    frame.loc[0, "national"] = 101.0        # A/x 2008 disagrees with B/x 2008
    frame.to_csv(tmp_path / "p.csv", index=False)
    spec["measures"][0]["phases"] = [[2008, 2009], [2009, 2011]]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    assert main(["run", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "must have one value per year within each 'product'" in err and "[2008]" in err


def test_entity_keys_must_exist_and_the_combined_name_be_free(tmp_path, capsys):
    spec = yaml.safe_load(Path(_spec(tmp_path)).read_text())
    spec["data"]["entity"] = ["region", "prodcut"]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    assert main(["run", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "o")]) == 2
    assert "data.entity: no column(s) ['prodcut']" in capsys.readouterr().err
