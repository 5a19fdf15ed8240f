"""Benchmark: the exact (eigenvalue) spatial log-determinant path against the sparse LU path.

For a row-standardised symmetric 6-nearest-neighbour W (union of the kNN graph, 0/1 before
standardisation) on N uniform random points, it times the set-up plus 30 log-determinant
evaluations (about what one concentrated-likelihood maximisation needs):

* eigen, general solver: ``numpy.linalg.eigvals`` of the dense W (the path before the
  symmetric form), then ``sum log(1 - rho lambda)``;
* eigen, as used now: the symmetric eigensolver on ``D^{1/2} W D^{-1/2}`` from N = 300
  (``SYMMETRIC_MIN_N``), same eigenvalues;
* splu: one sparse LU of ``I - rho W`` per evaluation (exact log-determinant; its effects
  use Monte Carlo power traces, which the eigen path computes exactly).

Medians of interleaved rounds, one BLAS thread; the largest log-determinant difference
between the three is reported.

Run from the repository root:  PYTHONPATH=src python benchmarks/logdet.py
Writes the table to benchmarks/results/logdet.txt.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from regiometrics.engine.spatial import logdet as ld

OUT = Path(__file__).resolve().parent / "results" / "logdet.txt"
SIZES = (100, 300, 500, 1000)
RHOS = np.linspace(-0.5, 0.9, 30)
ROUNDS = 7


def knn_weights(n: int, seed: int = 0) -> sp.csr_matrix:
    pts = np.random.default_rng(seed).uniform(size=(n, 2))
    _, idx = cKDTree(pts).query(pts, k=7)
    c = sp.csr_matrix((np.ones(n * 6), (np.repeat(np.arange(n), 6), idx[:, 1:].ravel())),
                      shape=(n, n))
    c = ((c + c.T) > 0).astype(float)
    return (sp.diags(1.0 / np.asarray(c.sum(axis=1)).ravel()) @ c).tocsr()


def general_eigen(W: sp.csr_matrix) -> list[float]:
    ev = np.linalg.eigvals(W.toarray()).astype(complex)
    return [float(np.sum(np.log(1.0 - r * ev)).real) for r in RHOS]


def current_eigen(W: sp.csr_matrix) -> list[float]:
    f = ld.make_filter(W, "eigen")
    return [f.logdet(r) for r in RHOS]


def splu(W: sp.csr_matrix) -> list[float]:
    f = ld.make_filter(W, "splu")
    return [f.logdet(r) for r in RHOS]


def full_fit_section(n: int = 1000, t: int = 10) -> list[str]:
    """A whole two-way FE SDM fit (ML, information matrix) with each log-determinant path."""
    from regiometrics.engine.spatial.panel_ml import fit_spatial_panel

    W = knn_weights(n)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n * t, 2))
    y = X @ np.array([1.0, -0.5]) + rng.normal(size=n * t)
    fits = {m: (lambda m=m: fit_spatial_panel(y, X, W, n_entities=n, n_periods=t, model="sdm",
                                              effects="twoways", logdet=m))
            for m in ("eigen", "splu")}
    times: dict[str, list[float]] = {m: [] for m in fits}
    for _ in range(ROUNDS):
        for m, f in fits.items():
            start = time.perf_counter()
            f()
            times[m].append(time.perf_counter() - start)
    med = {m: statistics.median(v) for m, v in times.items()}
    return [
        (f"whole two-way FE SDM fit, N = {n}, T = {t}: logdet eigen {med['eigen']:.3f}s "
        f"(exact traces), splu {med['splu']:.3f}s (Monte Carlo traces), "
        f"ratio {med['eigen'] / med['splu']:.1f}x"),
    ]


def main() -> None:
    lines = [
        "Spatial log-determinant: set-up + 30 evaluations, row-standardised symmetric kNN(6) W",
        f"medians of {ROUNDS} interleaved rounds, one BLAS thread",
        "command: PYTHONPATH=src python benchmarks/logdet.py",
        (f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, numpy {np.__version__}"),
        "",
        (f"{'N':>6}{'eigen (general)':>17}{'eigen (now)':>13}{'splu':>9}"
        f"{'general/now':>13}{'now/splu':>10}{'max |diff|':>12}"),
    ]
    for n in SIZES:
        W = knn_weights(n)
        fns = {"general": general_eigen, "now": current_eigen, "splu": splu}
        times: dict[str, list[float]] = {k: [] for k in fns}
        vals = {k: np.array(f(W)) for k, f in fns.items()}
        for _ in range(ROUNDS):
            for k, f in fns.items():
                start = time.perf_counter()
                f(W)
                times[k].append(time.perf_counter() - start)
        m = {k: statistics.median(v) for k, v in times.items()}
        diff = max(np.max(np.abs(vals["general"] - vals["now"])),
                   np.max(np.abs(vals["general"] - vals["splu"])))
        lines.append(f"{n:>6}{m['general']:>16.4f}s{m['now']:>12.4f}s{m['splu']:>8.4f}s"
                     f"{m['general'] / m['now']:>12.1f}x{m['now'] / m['splu']:>9.1f}x"
                     f"{diff:>12.1e}")
        print(lines[-1], flush=True)
    lines += ["", *full_fit_section()]
    lines += ["", "'now' is what logdet='auto' (and 'eigen') runs for N <= 1000 (EIGEN_MAX_N);",
              "above that 'auto' takes splu. The eigen path also gives the exact traces for",
              "the effects; splu's traces are Monte Carlo estimates."]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
