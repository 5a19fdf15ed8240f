"""Coverage of bootstrap intervals of a two-way FE indirect effect, by simulation.

Usage (from the project root)::

    PYTHONPATH=src python scripts/coverage_mediation.py [--replications 500] [--reps 1000]

Design. A balanced panel of ``N`` entities and ``T`` periods with entity and time
effects in every variable; the treatment, the control and every error term follow a
stationary AR(1) with coefficient ``rho`` within entities, so observations of one entity
are correlated (clustered) even after the fixed effects are removed::

    w_it = mu_i + delta_t + AR1
    d_it = mu_i + delta_t + 0.3 w_it + AR1
    m_it = a d_it + 0.2 w_it + mu_i + delta_t + AR1
    y_it = c' d_it + b m_it + 0.1 w_it + mu_i + delta_t + AR1

with ``a = 0.4``, ``b = 0.5`` (true indirect effect ``a b = 0.2``) and ``c' = 0.3``.
Each replication draws a new panel, runs :func:`regiometrics.engine.mechanisms.mediation_kernel.mediation_fe`
with the entity (cluster) bootstrap and with the row bootstrap on the same seed, and
records whether each 95% interval (percentile and bias-corrected) covers ``a b``.

The output (kept in ``benchmarks/results/coverage_mediation.txt``) gives the coverage
with its binomial standard error. The slow test
``tests/engine/test_mediation_kernel.py::test_coverage_cluster_bootstrap`` runs the same
functions.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from regiometrics.engine.mechanisms.mediation_kernel import mediation_fe

TRUE_A, TRUE_B, TRUE_DIRECT = 0.4, 0.5, 0.3


def simulate_panel(
    rng: np.random.Generator, *, n_entities: int = 100, n_periods: int = 10, rho: float = 0.8
) -> dict[str, np.ndarray]:
    """One balanced panel from the design in the module docstring."""
    n, t = n_entities, n_periods

    def ar1() -> np.ndarray:
        e = rng.normal(size=(n, t))
        for s in range(1, t):
            e[:, s] = rho * e[:, s - 1] + np.sqrt(1 - rho**2) * e[:, s]
        return e.ravel()

    def effects() -> np.ndarray:
        return np.repeat(rng.normal(size=n), t) + np.tile(rng.normal(size=t), n)

    w = effects() + ar1()
    d = effects() + 0.3 * w + ar1()
    m = TRUE_A * d + 0.2 * w + effects() + ar1()
    y = TRUE_DIRECT * d + TRUE_B * m + 0.1 * w + effects() + ar1()
    return {
        "d": d,
        "m": m,
        "y": y,
        "w": w,
        "entity": np.repeat(np.arange(n), t),
        "time": np.tile(np.arange(t), n),
    }


@dataclass(frozen=True)
class Coverage:
    """Share of replications whose interval covers the true indirect effect."""

    resample: str
    replications: int
    percentile: float
    bc: float
    mean_width: float

    @property
    def std_error(self) -> float:
        return float(np.sqrt(0.95 * 0.05 / self.replications))


def coverage(
    *,
    replications: int = 500,
    reps: int = 1000,
    seed: int = 20240603,
    resamples: tuple[str, ...] = ("entity", "row"),
    n_entities: int = 100,
    n_periods: int = 10,
    rho: float = 0.8,
    progress: bool = True,
) -> list[Coverage]:
    """Coverage of the 95% percentile and BC intervals of ``a b`` per resampling scheme."""
    root = np.random.default_rng(seed)
    hits = {r: np.zeros((replications, 2), dtype=bool) for r in resamples}
    width = {r: np.zeros(replications) for r in resamples}
    truth = TRUE_A * TRUE_B
    for i in tqdm(range(replications), disable=not progress, desc="replications"):
        data_rng, boot_rng = root.spawn(2)
        p = simulate_panel(data_rng, n_entities=n_entities, n_periods=n_periods, rho=rho)
        boot_seed = int(boot_rng.integers(2**32))
        for r in resamples:
            est = mediation_fe(
                p["d"],
                {"m": p["m"]},
                p["y"],
                p["entity"],
                p["time"],
                controls={"w": p["w"]},
                reps=reps,
                seed=boot_seed,
                resample=r,  # type: ignore[arg-type]
                progress=False,
            )
            ind = est.paths[0].indirect
            hits[r][i] = [
                ind.ci_percentile[0] <= truth <= ind.ci_percentile[1],
                ind.ci_bc[0] <= truth <= ind.ci_bc[1],
            ]
            width[r][i] = ind.ci_percentile[1] - ind.ci_percentile[0]
    return [
        Coverage(
            resample=r,
            replications=replications,
            percentile=float(hits[r][:, 0].mean()),
            bc=float(hits[r][:, 1].mean()),
            mean_width=float(width[r].mean()),
        )
        for r in resamples
    ]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=500)
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20240603)
    ap.add_argument("--entities", type=int, default=100)
    ap.add_argument("--periods", type=int, default=10)
    ap.add_argument("--rho", type=float, default=0.8)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/coverage_mediation.txt"))
    args = ap.parse_args(argv)
    start = time.perf_counter()
    rows = coverage(
        replications=args.replications,
        reps=args.reps,
        seed=args.seed,
        n_entities=args.entities,
        n_periods=args.periods,
        rho=args.rho,
    )
    lines = [
        "Coverage of 95% bootstrap intervals of the indirect effect a*b (two-way FE mediation)",
        (
            f"design: N={args.entities} entities x T={args.periods} periods, AR(1) rho={args.rho} "
            f"within entities, a={TRUE_A}, b={TRUE_B}, a*b={TRUE_A * TRUE_B}, c'={TRUE_DIRECT}"
        ),
        f"replications={args.replications}, bootstrap draws={args.reps}, seed={args.seed}",
        f"command: PYTHONPATH=src python scripts/coverage_mediation.py "
        f"{' '.join(sys.argv[1:]) if argv is None else ' '.join(argv)}".rstrip(),
        "",
        f"{'resample':<10}{'percentile':>12}{'BC':>10}{'mean width':>12}{'+/- 1 s.e.':>12}",
    ]
    for c in rows:
        lines.append(
            f"{c.resample:<10}{c.percentile:>12.3f}{c.bc:>10.3f}{c.mean_width:>12.4f}"
            f"{c.std_error:>12.3f}"
        )
    lines += ["", f"elapsed: {time.perf_counter() - start:.0f} s"]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
