"""Published tables reproduced on public data to the printed digits.

Each folder of replication/published/ holds a spec, its public data, a README naming the
printed source and ``expected.json``: the printed numbers, each with the path of the number
in results.json. A number matches when the run's value, rounded to the printed decimals,
prints as the printed string (an exact comparison at the printed precision). An entry may
instead give ``atol`` with the reason (``why``) the printed digit cannot be reproduced.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regiometrics.pipeline import run_study

PUBLISHED = Path(__file__).resolve().parents[2] / "replication" / "published"
FOLDERS = sorted(p for p in PUBLISHED.iterdir() if (p / "expected.json").exists())


def decimals(printed: str) -> int:
    return len(printed.split(".", 1)[1]) if "." in printed else 0


def at_printed_precision(value: float, printed: str) -> str:
    text = f"{value:.{decimals(printed)}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def lookup(doc: dict[str, Any], path: list[str]) -> float:
    node: Any = doc
    for key in path:
        node = node[key]
    return float(node)


def value_of(doc: dict[str, Any], entry: dict[str, Any]) -> float:
    """The number an expected entry names: ``path``, or ``sqrt`` of one (a standard deviation
    from a variance), or ``share`` a / (a + b) of two (rho from two variance components)."""
    if "path" in entry:
        return lookup(doc, entry["path"])
    if "sqrt" in entry:
        return lookup(doc, entry["sqrt"]) ** 0.5
    a, b = (lookup(doc, p) for p in entry["share"])
    return a / (a + b)


def test_there_are_at_least_three_published_replications():
    assert len(FOLDERS) >= 4


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_printed_digits(folder: Path, tmp_path: Path):
    run_study(folder / "spec.yaml", tmp_path)
    doc = json.loads((tmp_path / "results.json").read_text())
    expected = json.loads((folder / "expected.json").read_text())
    assert expected["values"], folder.name
    mismatches = []
    for entry in expected["values"]:
        value = value_of(doc, entry)
        printed = entry["printed"]
        if "atol" in entry:
            assert entry.get("why"), f"{entry['path']}: a tolerance needs its reason"
            ok = abs(value - float(printed)) <= entry["atol"] + 1e-12
        else:
            ok = at_printed_precision(value, printed) == printed
        if not ok:
            mismatches.append(f"{entry}: got {value!r}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_folder_names_its_source_and_data(folder: Path):
    readme = (folder / "README.md").read_text()
    assert "## Source" in readme and "licence" in readme.lower(), folder.name
    assert list((folder / "data").glob("*.csv")), folder.name


def test_rounding_rule_is_exact_at_the_printed_precision():
    assert at_printed_precision(80.64637, "80.65") == "80.65"
    assert at_printed_precision(965.3030, "965.31") == "965.30"  # one unit off: no match
    assert at_printed_precision(-0.0004, "0.000") == "0.000"
    assert at_printed_precision(753.0, "753") == "753"
