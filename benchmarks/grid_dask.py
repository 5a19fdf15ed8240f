"""Benchmark: a 1,024-specification grid with a 999-draw wild bootstrap each, in-process vs
a local Dask cluster of 2 worker processes.

Usage (from the project root, with ``pip install -e '.[dask]'``)::

    PYTHONPATH=src python benchmarks/grid_dask.py [--workers 2]

The panel is the simulated 30 provinces x 20 years of ``benchmarks/wild_bootstrap.py``;
the grid varies the regressor of interest (``index``: x or x2), the control set (all 16
subsets of four controls), the fixed effects (entity; entity and time) and the sample
(``year >= k``, k = 0..15): 2 x 16 x 2 x 16 = 1,024 two-way/one-way FE fits, each with a WCR
wild cluster bootstrap (Webb, 999 draws) and its interval by test inversion. It checks that
both runs give identical rows, prints the times (cluster start-up separately) and writes
them to ``benchmarks/results/grid_dask.txt``. On a laptop-to-cluster move only
``--workers``/``--scheduler`` change; on this 2-core machine the speed-up is bounded by 2.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import _timing  # first: one BLAS thread (also for the workers) before numpy loads
import numpy as np
from wild_bootstrap import simulate

from regiometrics.data import Panel
from regiometrics.pipeline.executor import DaskExecutor
from regiometrics.pipeline.grids import run_grid
from regiometrics.spec.models import StudySpec

OUT = Path(__file__).with_name("results") / "grid_dask.txt"
CONTROLS = ["c1", "c2", "c3", "c4"]


def study() -> StudySpec:
    subsets = [list(c) for k in range(5) for c in itertools.combinations(CONTROLS, k)]
    return StudySpec(
        data={"path": "sim.csv", "entity": "prov", "time": "year"},
        models=[{"id": "base", "type": "fe", "formula": "y ~ x", "effects": ["entity"],
                 "vcov": {"type": "cluster", "by": "entity"},
                 "wild_bootstrap": {"draws": 999, "weights": "webb", "seed": 1}}],
        grids=[{"id": "g", "base": "base", "term": "x",
                "vary": {"index": ["x", "x2"], "controls": subsets,
                         "effects": [["entity"], ["entity", "time"]],
                         "filter": [f"year >= {k}" for k in range(16)]}}],
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    df = simulate()
    df["x2"] = df["x"] + np.random.default_rng(5).normal(size=len(df))
    panel = Panel(df, "prov", "year")
    spec = study()
    grid = spec.grids[0]
    # one timed run each (tens of seconds; the cluster start-up apart)
    local, t_local = _timing.timed(lambda: run_grid(grid, spec, panel))
    executor, t_start = _timing.timed(lambda: DaskExecutor(workers=args.workers))
    try:
        remote, t_remote = _timing.timed(lambda: run_grid(grid, spec, panel, executor=executor))
    finally:
        executor.close()
    same = json.dumps(local.records()) == json.dumps(remote.records())
    assert same, "rows differ between in-process and Dask"
    n = len(local.rows)
    lines = [
        f"Specification grid: {n} specifications (2 regressors x 16 control sets x 2 FE "
        "structures x 16 samples), 30 x 20 panel, each with a WCR wild bootstrap (Webb, 999 "
        "draws) and its interval",
        _timing.machine_line(),
        "",
        f"in-process:                       {t_local:7.1f} s  ({t_local / n * 1e3:.1f} ms per spec)",
        f"Dask LocalCluster, {args.workers} processes: {t_remote:7.1f} s  "
        f"(+ {t_start:.1f} s to start the cluster); speed-up {t_local / t_remote:.2f}x",
        f"rows identical: {same}",
        "command: PYTHONPATH=src python benchmarks/grid_dask.py",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    OUT.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
