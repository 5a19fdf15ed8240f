"""Benchmark: two-way FE regression with entity-clustered SEs (not a test).

For balanced panels of N = 283 x T = 18 (5,094 rows) and N = 120,000 x T = 10 (1.2 million
rows) with five regressors, it times in one process, with one BLAS thread, the same job
done four ways, starting from the same pandas DataFrame:

* regiometrics: ``regiometrics.engine.estimate`` of a ``type: fe`` model with
  ``effects: [entity, time]`` and ``vcov: {type: cluster, by: entity}`` (design building,
  missing-value and collinearity checks, demeaning, CRV1 with the fixest correction, all
  fit statistics);
* pyfixest ``feols("y ~ x1 + ... | id + t", vcov={"CRV1": "id"})`` (its compiled Rust
  demeaner runs on its default thread pool, as shipped, unless ``BENCH_PEER_THREADS`` sets
  ``RAYON_NUM_THREADS``; regiometrics is single-threaded numpy);
* linearmodels ``PanelOLS(entity_effects=True, time_effects=True).fit(cov_type="clustered",
  cluster_entity=True)`` (at 283 x 18 only: it takes many seconds at 1.2M rows);
* a bare numpy pass, the floor any implementation pays: the columns as arrays (entity and
  time already coded 0..G-1, so no factorising), one two-way demeaning pass by
  ``np.bincount`` group means (exact on a balanced panel), ``np.linalg.lstsq`` and the
  CRV1 sandwich from ``np.bincount`` cluster sums, no checks.

Rounds are interleaved (each round times every contender once, in turn) after one warm-up
call each, one BLAS thread (``benchmarks/_timing.py``); the table shows medians over rounds
and the ratios of the medians. The slope
coefficients and SEs of regiometrics, pyfixest and the bare pass must agree to 1e-10.

Run from the repository root:  PYTHONPATH=src python benchmarks/twoway_fe.py
Writes the table to benchmarks/results/twoway_fe.txt (with ``BENCH_PEER_THREADS=n``:
twoway_fe_peer_n_thread.txt).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path

import _timing  # first: one BLAS thread before numpy loads
import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.engine import estimate
from regiometrics.spec import model_spec

SIZES = ((283, 18, 41), (120_000, 10, 9))  # N, T, rounds
K = 5
OUT = Path(__file__).resolve().parent / "results" / (
    f"twoway_fe_peer_{os.environ['BENCH_PEER_THREADS']}_thread.txt"
    if "BENCH_PEER_THREADS" in os.environ else "twoway_fe.txt")
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


def bare_numpy(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Slopes and CRV1 SEs (fixest convention) by the shortest numpy route (balanced panel)."""
    ids = frame["id"].to_numpy()
    per = frame["t"].to_numpy()
    Z = frame[["y", *REGRESSORS]].to_numpy(dtype=float)
    n_i, n_t, n = int(ids.max()) + 1, int(per.max()) + 1, len(ids)

    def means(codes: np.ndarray, g: int) -> np.ndarray:
        cnt = np.bincount(codes, minlength=g)
        return np.column_stack([np.bincount(codes, Z[:, j], g) / cnt for j in range(Z.shape[1])])

    Zt = Z - means(ids, n_i)[ids] - means(per, n_t)[per] + Z.mean(axis=0)
    y, X = Zt[:, 0], Zt[:, 1:]
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    s = X * e[:, None]
    sg = np.column_stack([np.bincount(ids, s[:, j], n_i) for j in range(K)])
    k = K + 1 + (n_t - 1)  # entity effects nested in the cluster: not counted
    c = n_i / (n_i - 1) * (n - 1) / (n - k)
    return beta, np.sqrt(np.diag(c * bread @ (sg.T @ sg) @ bread))


def main() -> None:
    if "BENCH_PEER_THREADS" in os.environ:  # default: pyfixest's own thread pool, as shipped
        os.environ["RAYON_NUM_THREADS"] = os.environ["BENCH_PEER_THREADS"]
    import linearmodels
    import pyfixest as pf
    from linearmodels.panel import PanelOLS

    warnings.simplefilter("ignore")
    model = model_spec(id="fe", type="fe", formula=FORMULA, effects=["entity", "time"],
                      vcov={"type": "cluster", "by": ["entity"]})
    lines = [
        ("Two-way FE, entity-clustered SEs (CRV1, fixest small-sample correction), "
        "5 regressors, balanced panels"),
        ("medians over interleaved rounds (each round times every contender once), "
        "after one warm-up call each"),
        ("command: "
         + (f"BENCH_PEER_THREADS={os.environ['BENCH_PEER_THREADS']} "
            if "BENCH_PEER_THREADS" in os.environ else "")
         + "PYTHONPATH=src python benchmarks/twoway_fe.py"),
        (_timing.machine_line(numpy=np.__version__, pandas=pd.__version__,
                              pyfixest=pf.__version__, linearmodels=linearmodels.__version__)
         + f", pyfixest threads {os.environ.get('RAYON_NUM_THREADS', 'default')}"),
        "",
        (f"{'N x T':>14} {'rows':>9} {'rounds':>6} {'regiometrics':>13} {'pyfixest':>9} "
        f"{'bare numpy':>11} {'linearmodels':>13} {'pyfixest/ours':>14} {'ours/numpy':>11} "
        f"{'linearmodels/ours':>18} {'max rel diff (b, se)':>21}"),
    ]
    for n, t, rounds in SIZES:
        frame = simulate(n, t)
        panel = Panel(frame, "id", "t")
        contenders: dict[str, Callable[[], object]] = {
            "ours": lambda panel=panel: estimate(model, panel),
            "pyfixest": lambda frame=frame: pf.feols(FORMULA + " | id + t", data=frame,
                                                     vcov={"CRV1": "id"}),
            "numpy": lambda frame=frame: bare_numpy(frame),
        }
        if n * t < 100_000:
            indexed = frame.set_index(["id", "t"])
            contenders["linearmodels"] = lambda indexed=indexed: PanelOLS(
                indexed["y"], indexed[REGRESSORS], entity_effects=True, time_effects=True
            ).fit(cov_type="clustered", cluster_entity=True)
        med = _timing.median_rounds(contenders, rounds)  # warm-up: pyfixest compiles
        ours = estimate(model, panel)
        fit = pf.feols(FORMULA + " | id + t", data=frame, vcov={"CRV1": "id"})
        b = np.array([ours.params[x] for x in REGRESSORS])
        se = np.array([ours.std_errors[x] for x in REGRESSORS])
        nb, nse = bare_numpy(frame)
        diff = max(np.max(np.abs(b / fit.coef().to_numpy() - 1)),
                   np.max(np.abs(se / fit.se().to_numpy() - 1)),
                   np.max(np.abs(b / nb - 1)), np.max(np.abs(se / nse - 1)))
        assert diff < 1e-10, diff
        lm = med.get("linearmodels")
        lm_s = f"{lm:>12.3f}s" if lm else f"{'-':>13}"
        lm_r = f"{lm / med['ours']:>17.1f}x" if lm else f"{'-':>18}"
        lines.append(
            f"{f'{n} x {t}':>14} {n * t:>9} {rounds:>6} {med['ours']:>12.4f}s "
            f"{med['pyfixest']:>8.4f}s {med['numpy']:>10.4f}s {lm_s} "
            f"{med['pyfixest'] / med['ours']:>13.2f}x {med['ours'] / med['numpy']:>10.2f}x "
            f"{lm_r} {diff:>21.1e}"
        )
        print(lines[-1], flush=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
