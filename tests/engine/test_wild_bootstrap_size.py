"""Size of the wild cluster bootstrap where the cluster t-test over-rejects.

Runs scripts/wild_bootstrap_size.py (its committed output is
benchmarks/results/wild_bootstrap_size.txt) with fewer replications. Seeds are fixed, so the
rates are deterministic; the bands are about 3 Monte Carlo standard errors wide.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "wild_bootstrap_size.py"


def _size_table():
    spec = importlib.util.spec_from_file_location("wild_bootstrap_size", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.size_table


def _rates(rows, G):
    return {r["method"]: r["rej05"] for r in rows if r["G"] == G}


def test_six_clusters_bootstrap_near_nominal_where_cluster_t_over_rejects():
    rates = _rates(_size_table()([6], reps=1500, draws=199, seed=3), 6)  # MC s.e. 0.0056
    assert rates["cluster t (t(G-1))"] > 0.075
    assert 0.03 <= rates["WCR webb"] <= 0.065
    assert rates["WCR webb"] < rates["cluster t (t(G-1))"] - 0.02


@pytest.mark.slow
def test_size_at_6_10_30_clusters():
    rows = _size_table()([6, 10, 30], reps=5000, draws=399, seed=17)  # MC s.e. 0.0031
    for G in (6, 10, 30):
        rates = _rates(rows, G)
        assert 0.035 <= rates["WCR webb"] <= 0.06, (G, rates)
        assert rates["cluster t (t(G-1))"] > rates["WCR webb"] + 0.015, (G, rates)
