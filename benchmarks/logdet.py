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

It then times a whole two-way FE SDM fit with its delta-method effects (N units, T = 10)
with each path, for a W with the symmetric form and for a general (non-symmetric) kNN W, and
shows which path ``logdet="auto"`` takes: the crossovers ``EIGEN_MAX_N`` and
``EIGEN_MAX_N_GENERAL`` of ``engine/spatial/logdet.py`` are read off this table.

Medians of interleaved rounds, one BLAS thread (``benchmarks/_timing.py``); the largest
log-determinant difference between the three is reported.

Run from the repository root:  PYTHONPATH=src python benchmarks/logdet.py
Writes the table to benchmarks/results/logdet.txt.
"""

from __future__ import annotations

from pathlib import Path

import _timing  # first: one BLAS thread before numpy loads
import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from regiometrics.engine.spatial import logdet as ld
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel

OUT = Path(__file__).resolve().parent / "results" / "logdet.txt"
SIZES = (100, 300, 500, 1000)
FIT_SIZES = (200, 300, 400, 500, 700, 1000)
RHOS = np.linspace(-0.5, 0.9, 30)
ROUNDS = 7
FIT_ROUNDS = 5


def knn_weights(n: int, seed: int = 0, *, symmetric: bool = True) -> sp.csr_matrix:
    """Row-standardised 6-nearest-neighbour W; ``symmetric``: of the union graph (0/1 before
    standardisation, so the symmetric form applies), else of the directed kNN graph."""
    pts = np.random.default_rng(seed).uniform(size=(n, 2))
    _, idx = cKDTree(pts).query(pts, k=7)
    c = sp.csr_matrix((np.ones(n * 6), (np.repeat(np.arange(n), 6), idx[:, 1:].ravel())),
                      shape=(n, n))
    if symmetric:
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


def fit_section(t: int = 10) -> list[str]:
    """Whole two-way FE SDM fits + effects with each path, and what ``auto`` picks."""
    lines = [
        f"whole two-way FE SDM fit + delta-method effects, T = {t} (medians of {FIT_ROUNDS}):",
        (f"{'W':>10}{'N':>6}{'eigen':>9}{'splu':>9}{'eigen/splu':>12}{'auto':>7}"
         f"{'auto/faster':>13}"),
    ]
    for symmetric in (True, False):
        for n in FIT_SIZES:
            W = knn_weights(n, symmetric=symmetric)
            rng = np.random.default_rng(1)
            X = rng.normal(size=(n * t, 2))
            y = X @ np.array([1.0, -0.5]) + rng.normal(size=n * t)

            def fit(m: str, W: sp.csr_matrix = W, X: np.ndarray = X, y: np.ndarray = y,
                    n: int = n) -> object:
                res = fit_spatial_panel(y, X, W, n_entities=n, n_periods=t, model="sdm",
                                        effects="twoways", logdet=m)  # type: ignore[arg-type]
                return res.effects(method="delta")

            med = _timing.median_rounds({m: (lambda m=m: fit(m)) for m in ("eigen", "splu")},
                                        FIT_ROUNDS)
            auto = ld.resolve_method("auto", n, symmetric=ld.has_symmetric_form(W))
            lines.append(
                f"{'symmetric' if symmetric else 'general':>10}{n:>6}{med['eigen']:>8.4f}s"
                f"{med['splu']:>8.4f}s{med['eigen'] / med['splu']:>11.2f}x{auto:>7}"
                f"{med[auto] / min(med.values()):>12.2f}x")
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    lines = [
        "Spatial log-determinant: set-up + 30 evaluations, row-standardised symmetric kNN(6) W",
        f"medians of {ROUNDS} interleaved rounds",
        "command: PYTHONPATH=src python benchmarks/logdet.py",
        _timing.machine_line(numpy=np.__version__),
        "",
        (f"{'N':>6}{'eigen (general)':>17}{'eigen (now)':>13}{'splu':>9}"
        f"{'general/now':>13}{'now/splu':>10}{'max |diff|':>12}"),
    ]
    for n in SIZES:
        W = knn_weights(n)
        fns = {"general": general_eigen, "now": current_eigen, "splu": splu}
        vals = {k: np.array(f(W)) for k, f in fns.items()}
        m = _timing.median_rounds({k: (lambda f=f: f(W)) for k, f in fns.items()}, ROUNDS,
                                  warmup=False)
        diff = max(np.max(np.abs(vals["general"] - vals["now"])),
                   np.max(np.abs(vals["general"] - vals["splu"])))
        lines.append(f"{n:>6}{m['general']:>16.4f}s{m['now']:>12.4f}s{m['splu']:>8.4f}s"
                     f"{m['general'] / m['now']:>12.1f}x{m['now'] / m['splu']:>9.1f}x"
                     f"{diff:>12.1e}")
        print(lines[-1], flush=True)
    lines += ["", *fit_section()]
    lines += ["", "'now' is the eigen path (symmetric eigensolver from N = 300). logdet='auto' takes",
              f"it up to N = {ld.EIGEN_MAX_N} for a symmetric-form W and N = "
              f"{ld.EIGEN_MAX_N_GENERAL} otherwise,",
              "splu above; the eigen path gives exact traces for the effects, splu Monte Carlo",
              "ones. 'auto/faster': auto's time over the faster path's."]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
