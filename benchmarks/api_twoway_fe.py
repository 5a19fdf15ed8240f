"""Benchmark: the two-way FE job of ``twoway_fe.py`` through the public Python API.

The same balanced panels (283 x 18 and 120,000 x 10 = 1.2 million rows, five regressors,
simulated by ``twoway_fe.simulate``), timed from the same pandas DataFrame:

* regiometrics' public API, everything a user's call pays (spec validation, the Panel's
  checks of the DataFrame, design, demeaning, CRV1 with the fixest correction, every fit
  statistic)::

      regiometrics.fit(df, entity="id", time="t", type="fe", formula="y ~ x1 + ... + x5",
                       effects=["entity", "time"], vcov={"type": "cluster", "by": ["entity"]})

* pyfixest ``feols("y ~ x1 + ... | id + t", vcov={"CRV1": "id"})`` (its default thread pool,
  as shipped);
* the bare numpy pass of ``twoway_fe.py`` (the floor: arrays already coded, one demeaning
  pass, ``lstsq`` and the CRV1 sandwich, no checks).

Medians of interleaved rounds after one warm-up call each, one BLAS thread
(``benchmarks/_timing.py``); slopes and SEs of the three must agree to 1e-10.

Run from the repository root:  PYTHONPATH=src python benchmarks/api_twoway_fe.py
Writes the table to benchmarks/results/api_twoway_fe.txt.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import _timing  # first: one BLAS thread before numpy loads
import numpy as np
import pandas as pd
from twoway_fe import FORMULA, REGRESSORS, bare_numpy, simulate

import regiometrics

SIZES = ((283, 18, 41), (120_000, 10, 9))  # N, T, rounds
OUT = Path(__file__).resolve().parent / "results" / "api_twoway_fe.txt"


def api_fit(frame: pd.DataFrame) -> regiometrics.Result:
    return regiometrics.fit(frame, entity="id", time="t", type="fe", formula=FORMULA,
                            effects=["entity", "time"],
                            vcov={"type": "cluster", "by": ["entity"]})


def main() -> None:
    import pyfixest as pf

    warnings.simplefilter("ignore")
    lines = [
        ("Two-way FE, entity-clustered SEs (CRV1, fixest correction), 5 regressors, through "
         "the public API regiometrics.fit(df, ...)"),
        "medians over interleaved rounds after one warm-up call each",
        "command: PYTHONPATH=src python benchmarks/api_twoway_fe.py",
        _timing.machine_line(numpy=np.__version__, pandas=pd.__version__,
                             pyfixest=pf.__version__),
        "",
        (f"{'N x T':>14} {'rows':>9} {'rounds':>6} {'regiometrics.fit':>17} {'pyfixest':>9} "
         f"{'bare numpy':>11} {'pyfixest/ours':>14} {'ours/numpy':>11} "
         f"{'max rel diff (b, se)':>21}"),
    ]
    for n, t, rounds in SIZES:
        frame = simulate(n, t)
        med = _timing.median_rounds({
            "ours": lambda frame=frame: api_fit(frame),
            "pyfixest": lambda frame=frame: pf.feols(FORMULA + " | id + t", data=frame,
                                                     vcov={"CRV1": "id"}),
            "numpy": lambda frame=frame: bare_numpy(frame),
        }, rounds)
        ours = api_fit(frame)
        peer = pf.feols(FORMULA + " | id + t", data=frame, vcov={"CRV1": "id"})
        b = np.array([ours.params[x] for x in REGRESSORS])
        se = np.array([ours.std_errors[x] for x in REGRESSORS])
        nb, nse = bare_numpy(frame)
        diff = max(np.max(np.abs(b / peer.coef().to_numpy() - 1)),
                   np.max(np.abs(se / peer.se().to_numpy() - 1)),
                   np.max(np.abs(b / nb - 1)), np.max(np.abs(se / nse - 1)))
        assert diff < 1e-10, diff
        lines.append(
            f"{f'{n} x {t}':>14} {n * t:>9} {rounds:>6} {med['ours']:>16.4f}s "
            f"{med['pyfixest']:>8.4f}s {med['numpy']:>10.4f}s "
            f"{med['pyfixest'] / med['ours']:>13.2f}x {med['ours'] / med['numpy']:>10.2f}x "
            f"{diff:>21.1e}")
        print(lines[-1], flush=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
