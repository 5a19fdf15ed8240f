"""Benchmark: two-way FE spatial Durbin panel with LeSage-Pace effects (not a test).

For N = 283, 2850 and 30000 units and T = 10 periods it simulates a two-way FE SDM
(rho = 0.4, beta = (1, -0.5), theta = (0.5, 0.3)) on a row-standardised 6-nearest-neighbour W
of uniform random points, and times

* regiometrics: fit_spatial_panel(model="sdm", effects="twoways", logdet="auto") followed by
  effects with 1000 simulation draws, and the delta-method effects;
* regiometrics: entity-FE SAR (the model spreg can fit), for a like-for-like comparison;
* spreg.Panel_FE_Lag (entity FE SAR; spreg has no W.x terms or time effects) on the same data,
  where it can run: it inverts the dense N x N matrix I - rho W, so it is skipped when the
  dense N x N arrays it builds do not fit in memory.

Run from the repository root:  PYTHONPATH=src python benchmarks/spatial_sdm.py
Writes the table to benchmarks/results/spatial_sdm.txt.

Timing (``benchmarks/_timing.py``): medians of 3 interleaved rounds after one warm-up call
each (one untimed and one timed run at N = 30000), one BLAS thread (BENCH_BLAS_THREADS):
on a busy 2-core machine multi-threaded BLAS spins against other processes (numpy's eigvals
of a 283 x 283 matrix took 1.8 s with 2 threads, 0.06 s with 1).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path

import _timing  # first: one BLAS thread before numpy loads
import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.spatial import cKDTree

from regiometrics.engine.spatial.panel_ml import fit_spatial_panel

SIZES = (283, 2850, 30000)
T = 10
DRAWS = 1000
RHO, BETA, THETA = 0.4, np.array([1.0, -0.5]), np.array([0.5, 0.3])
OUT = Path(__file__).resolve().parent / "results" / "spatial_sdm.txt"


def knn_w(n: int, k: int = 6, seed: int = 0) -> sp.csr_matrix:
    pts = np.random.default_rng(seed).uniform(size=(n, 2))
    _, idx = cKDTree(pts).query(pts, k=k + 1)
    rows = np.repeat(np.arange(n), k)
    return sp.csr_matrix((np.full(n * k, 1.0 / k), (rows, idx[:, 1:].ravel())), shape=(n, n))


def simulate(W: sp.csr_matrix, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    n = W.shape[0]
    rng = np.random.default_rng(seed)
    lu = spla.splu((sp.identity(n) - RHO * W).tocsc())
    mu, alpha = rng.normal(size=n), rng.normal(size=T)
    X = rng.normal(size=(n * T, 2)) + 0.5 * np.tile(mu, T)[:, None]
    y = np.empty(n * T)
    for t in range(T):
        Xt = X[t * n : (t + 1) * n]
        y[t * n : (t + 1) * n] = lu.solve(
            Xt @ BETA + W @ Xt @ THETA + mu + alpha[t] + rng.normal(size=n)
        )
    return y, X


def spreg_fe_lag(
    y: np.ndarray, X: np.ndarray, W: sp.csr_matrix
) -> tuple[str, Callable[[], object] | None]:
    """spreg's entity-FE SAR as a zero-argument call, or why it cannot run here."""
    n = W.shape[0]
    need = 4 * 8 * n * n  # dense W, I - rho W, its inverse, W A^-1 (at least)
    avail = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    if need > 0.8 * avail:
        return (
            f"skipped: needs ~{need / 1e9:.0f} GB of dense N x N arrays ({avail / 1e9:.0f} GB free)",
            None,
        )
    import libpysal
    import spreg

    w = libpysal.weights.WSP(W).to_W(silence_warnings=True)
    w.transform = "r"

    def fit() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return spreg.Panel_FE_Lag(y[:, None], X, w)

    return f"rho = {float(fit().rho):.6f}", fit  # type: ignore[attr-defined]


def run_one(n: int) -> list[str]:
    """Time one panel size; return the table row and its detail line."""
    W = knn_w(n)
    y, X = simulate(W)
    kw = {"n_entities": n, "n_periods": T, "x_names": ["x1", "x2"]}
    rounds = 3 if n < 10_000 else 1
    fit = fit_spatial_panel(y, X, W, model="sdm", effects="twoways", **kw)
    sim = fit.effects(method="simulation", draws=DRAWS, seed=2024)
    sar = fit_spatial_panel(y, X, W, model="sar", effects="entity", **kw)
    note, spreg_fit = spreg_fe_lag(y, X, W)
    fns: dict[str, Callable[[], object]] = {
        "fit": lambda: fit_spatial_panel(y, X, W, model="sdm", effects="twoways", **kw),
        "sim": lambda: fit.effects(method="simulation", draws=DRAWS, seed=2024),
        "delta": lambda: fit.effects(method="delta"),
        "sar": lambda: fit_spatial_panel(y, X, W, model="sar", effects="entity", **kw),
    }
    if spreg_fit is not None:
        fns["spreg"] = spreg_fit
    # the calls above were the warm-up
    med = _timing.median_rounds(fns, rounds, warmup=False)
    t_fit, t_sim, t_delta, t_sar = med["fit"], med["sim"], med["delta"], med["sar"]
    t_spreg = med.get("spreg")
    spreg_cell = f"{t_spreg:12.2f}" if t_spreg is not None else f"{'n/a':>12}"
    row = (
        f"{n:>6} {n * T:>7} {fit.logdet_method:>6} | {t_fit:8.2f} {t_sim:11.2f} {t_delta:13.2f} "
        f"{t_fit + t_sim:9.2f} | {t_sar:10.2f} {spreg_cell} | "
        f"{fit.params['rho']:.4f} (se {fit.std_errors['rho']:.4f}); "
        f"SAR rho {sar.params['rho']:.6f}; spreg {note}"
    )
    detail = (
        f"{'':>22}indirect x1 = {sim.indirect['x1'].estimate:.4f} "
        f"(sim se {sim.indirect['x1'].std_error:.4f}); traces: {fit.info['traces']}"
    )
    return [row, detail]


def main() -> None:
    machine = _timing.machine_line(numpy=np.__version__)
    header = (
        f"{'N':>6} {'NT':>7} {'logdet':>6} | {'SDM fit':>8} {'effects sim':>11} "
        f"{'effects delta':>13} {'SDM total':>9} | {'SAR entity':>10} {'spreg FE_Lag':>12} | "
        "rho (SDM) / spreg note"
    )
    lines = [
        "Two-way FE spatial Durbin panel, T = 10, kNN(6) W, 1000 simulation draws for effects",
        "command: PYTHONPATH=src python benchmarks/spatial_sdm.py",
        machine,
        "",
        header,
        "-" * 118,
    ]
    print("\n".join(lines), flush=True)
    for n in SIZES:
        new = run_one(n)
        print("\n".join(new), flush=True)
        lines += new
    lines += [
        "",
        "Times in seconds: medians of 3 interleaved rounds after a warm-up (one run after it at",
        "N = 30000), on a shared machine. 'SDM total' = fit + simulated effects.",
        "logdet 'auto': 'eigen' = exact eigenvalues (N <= 500 for a symmetric 0/1 W, 300",
        "otherwise, as this kNN W); 'splu' = sparse LU log-determinant with Monte Carlo power",
        "traces for the effects and the information matrix.",
        "spreg.Panel_FE_Lag fits an entity-FE SAR only (no W.x, no time effects); compare it with",
        "the 'SAR entity' column.",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"\nwrote {OUT}")


if __name__ == "__main__":
    main()
