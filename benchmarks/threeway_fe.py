"""Benchmark: three-way FE (entity, time, industry^time) at 1.2M rows against pyfixest (not a test).

An unbalanced panel of 150,000 entities in 50 industries over 10 years with about 20% of the
entity-years missing at random (about 1.2 million rows), five regressors, entity-clustered
CRV1 SEs (fixest correction). Both contenders start from the same pandas DataFrame:

* regiometrics: ``regiometrics.engine.estimate`` of a ``type: fe`` model with
  ``effects: [entity, time, "industry^time"]`` (design, checks, the accelerated alternating
  projections of :mod:`regiometrics.engine.linear.demean`, CRV1, statistics), and the same with
  ``aweights``;
* pyfixest ``feols("y ~ x1 + ... | id + t + ind^t", vcov={"CRV1": "id"})`` (its compiled
  demeaner on its default thread pool, as shipped), unweighted and weighted.

For reference the two-way (entity, time) fit on the same data is timed too. One BLAS
thread for regiometrics; medians over interleaved rounds after one warm-up call each.
Singletons are kept by both (``fixef_rm="none"``, the regiometrics default). The slopes and
SEs must agree to 1e-6 relative (both stop iterating at their own tolerance).

Run from the repository root:  PYTHONPATH=src python benchmarks/threeway_fe.py
Writes the table to benchmarks/results/threeway_fe.txt.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import _timing  # first: one BLAS thread before numpy loads
import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.engine import estimate
from regiometrics.spec import model_spec

N_ENT, N_T, N_IND, K, ROUNDS = 150_000, 10, 50, 5, 3
OUT = Path(__file__).resolve().parent / "results" / "threeway_fe.txt"
REGRESSORS = [f"x{j}" for j in range(1, K + 1)]
FORMULA = "y ~ " + " + ".join(REGRESSORS)


def simulate(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids, per = np.repeat(np.arange(N_ENT), N_T), np.tile(np.arange(N_T), N_ENT)
    ind = rng.integers(0, N_IND, N_ENT)[ids]
    alpha, gamma = rng.normal(size=N_ENT), rng.normal(size=(N_IND, N_T))
    X = rng.normal(size=(ids.size, K)) + 0.5 * alpha[ids, None] + 0.3 * gamma[ind, per][:, None]
    y = X @ np.linspace(1.0, -1.0, K) + alpha[ids] + gamma[ind, per] + rng.normal(size=ids.size)
    frame = pd.DataFrame(X, columns=REGRESSORS)
    frame.insert(0, "ind", ind)
    frame.insert(0, "t", per)
    frame.insert(0, "id", ids)
    frame["y"] = y
    frame["w"] = rng.uniform(0.5, 2.0, ids.size)
    keep = rng.uniform(size=ids.size) > 0.2
    return frame.loc[keep].reset_index(drop=True)


def main() -> None:
    import pyfixest as pf

    warnings.simplefilter("ignore")
    frame = simulate()
    panel = Panel(frame, "id", "t")
    vcov = {"type": "cluster", "by": ["entity"]}
    m3 = model_spec(id="fe3", type="fe", formula=FORMULA, effects=["entity", "time", "ind^time"],
                   vcov=vcov)
    m3w = m3.replace(aweights="w")
    m2 = model_spec(id="fe2", type="fe", formula=FORMULA, effects=["entity", "time"], vcov=vcov)
    pf3 = f"{FORMULA} | id + t + ind^t"
    ours3 = estimate(m3, panel)
    ours3w = estimate(m3w, panel)
    theirs3 = pf.feols(pf3, data=frame, vcov={"CRV1": "id"}, fixef_rm="none")
    theirs3w = pf.feols(pf3, data=frame, vcov={"CRV1": "id"}, weights="w", fixef_rm="none")
    for ours, theirs in ((ours3, theirs3), (ours3w, theirs3w)):
        coef = np.array([ours.params[r] for r in REGRESSORS])
        se = np.array([ours.std_errors[r] for r in REGRESSORS])
        np.testing.assert_allclose(coef, theirs.coef().to_numpy(), rtol=1e-6)
        np.testing.assert_allclose(se, theirs.se().to_numpy(), rtol=1e-6)
        assert ours.nobs == theirs._N
    times = _timing.median_rounds({
        "regiometrics 3-way": lambda: estimate(m3, panel),
        "pyfixest 3-way": lambda: pf.feols(pf3, data=frame, vcov={"CRV1": "id"},
                                           fixef_rm="none"),
        "regiometrics 3-way aweights": lambda: estimate(m3w, panel),
        "pyfixest 3-way weights": lambda: pf.feols(pf3, data=frame, vcov={"CRV1": "id"},
                                                   weights="w", fixef_rm="none"),
        "regiometrics 2-way": lambda: estimate(m2, panel),
    }, ROUNDS)
    lines = [
        (f"Three-way FE (entity, time, industry^time), entity-clustered CRV1 (fixest correction), "
        f"{K} regressors, {len(frame):,} rows ({N_ENT:,} entities, {N_T} years, {N_IND} "
        "industries, 20% of entity-years missing)"),
        (f"medians over {ROUNDS} interleaved rounds after one warm-up call each; slopes and SEs "
        "agree with pyfixest to 1e-6"),
        "command: PYTHONPATH=src python benchmarks/threeway_fe.py",
        _timing.machine_line(numpy=np.__version__, pyfixest=pf.__version__),
        "",
    ]
    for name, sec in times.items():
        lines.append(f"{name:32s} {sec:8.2f} s")
    lines.append("")
    lines.append(f"regiometrics / pyfixest, 3-way: "
                 f"{times['regiometrics 3-way'] / times['pyfixest 3-way']:.2f}x; weighted: "
                 f"{times['regiometrics 3-way aweights'] / times['pyfixest 3-way weights']:.2f}x;"
                 f" 3-way / 2-way (regiometrics): "
                 f"{times['regiometrics 3-way'] / times['regiometrics 2-way']:.2f}x")
    text = "\n".join(lines) + "\n"
    OUT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
