"""Benchmark: two-way FE regression with entity-clustered SEs (not a test).

For balanced panels of N = 283 x T = 18, N = 2850 x T = 10 and N = 30000 x T = 10 with five
regressors it times, in one process and after one warm-up call each (pyfixest compiles its
demeaner with numba on first use):

* regiometrics: ``estimate`` of a ``type: fe`` model, ``effects: [entity, time]``,
  ``vcov: {type: cluster, by: entity}`` (design building, demeaning, CRV1, all stats);
* pyfixest ``feols("y ~ x1 + ... | id + t", vcov={"CRV1": "id"})``;
* linearmodels ``PanelOLS(entity_effects=True, time_effects=True).fit(cov_type="clustered",
  cluster_entity=True)``.

Each is run REPEATS times and the median wall time is reported, with the largest relative
difference of the slope coefficients and SEs against pyfixest (they must agree).

Run from the repository root:  PYTHONPATH=src python benchmarks/twoway_fe.py
Writes the table to benchmarks/results/twoway_fe.txt.
"""

from __future__ import annotations

import os

BLAS_THREADS = os.environ.get("BENCH_BLAS_THREADS", "1")
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = BLAS_THREADS
import platform
import statistics
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.engine import estimate
from regiometrics.spec.models import ModelSpec

SIZES = ((283, 18), (2850, 10), (30000, 10))
K = 5
REPEATS = 5
OUT = Path(__file__).resolve().parent / "results" / "twoway_fe.txt"
REGRESSORS = [f"x{j}" for j in range(1, K + 1)]
FORMULA = "y ~ " + " + ".join(REGRESSORS)


def simulate(n: int, t: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids, periods = np.repeat(np.arange(n), t), np.tile(np.arange(t), n)
    alpha, gamma = rng.normal(size=n), rng.normal(size=t)
    X = rng.normal(size=(n * t, K)) + 0.5 * alpha[ids, None]
    y = X @ np.linspace(1.0, -1.0, K) + alpha[ids] + gamma[periods] + rng.normal(size=n * t)
    frame = pd.DataFrame(X, columns=REGRESSORS)
    frame.insert(0, "t", periods)
    frame.insert(0, "id", ids)
    frame["y"] = y
    return frame


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    fn()  # warm-up
    times, out = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    import pyfixest as pf
    from linearmodels.panel import PanelOLS

    warnings.simplefilter("ignore")
    model = ModelSpec(id="fe", type="fe", formula=FORMULA, effects=["entity", "time"],
                      vcov={"type": "cluster", "by": ["entity"]})
    lines = [
        "Two-way FE, entity-clustered SEs, 5 regressors, balanced panels",
        f"repeats: {REPEATS} (median wall time, after one warm-up call each)",
        "command: PYTHONPATH=src python benchmarks/twoway_fe.py",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, numpy {np.__version__}, pyfixest {pf.__version__}, "
        f"BLAS threads {BLAS_THREADS}",
        "",
        f"{'N x T':>12} {'regiometrics':>13} {'pyfixest':>9} {'linearmodels':>13} "
        f"{'vs pyfixest':>12} {'vs linearmodels':>16} {'max rel diff (b, se)':>22}",
    ]
    for n, t in SIZES:
        frame = simulate(n, t)
        panel = Panel(frame, "id", "t")
        ours_s, ours = timed(lambda: estimate(model, panel))
        pf_s, fit = timed(lambda: pf.feols(FORMULA + " | id + t", data=frame,
                                            vcov={"CRV1": "id"}))
        indexed = frame.set_index(["id", "t"])
        lm_s, _ = timed(lambda: PanelOLS(indexed["y"], indexed[REGRESSORS], entity_effects=True,
                                         time_effects=True).fit(cov_type="clustered",
                                                                cluster_entity=True))
        b = np.array([ours.params[x] for x in REGRESSORS])
        se = np.array([ours.std_errors[x] for x in REGRESSORS])
        diff = max(np.max(np.abs(b / fit.coef().to_numpy() - 1)),
                   np.max(np.abs(se / fit.se().to_numpy() - 1)))
        lines.append(f"{f'{n} x {t}':>12} {ours_s:>12.3f}s {pf_s:>8.3f}s {lm_s:>12.3f}s "
                     f"{pf_s / ours_s:>11.1f}x {lm_s / ours_s:>15.1f}x {diff:>22.1e}")
        print(lines[-1], flush=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
