"""Benchmark: wild cluster bootstrap of a two-way FE model, fast algebra vs refit vs wildboottest.

Usage (from the project root, ``pip install -e '.[bench]'`` for wildboottest)::

    PYTHONPATH=src python benchmarks/wild_bootstrap.py [--draws 9999] [--seed 1]

A simulated balanced panel of 30 provinces x 20 years (the seed papers' size) with a
regressor of interest and four controls, province and year fixed effects, clustered by
province; WCR test of ``H0: beta_x = 0`` with ``--draws`` Webb draws, computed three ways on
the *same* weight matrix (``make_draws``):

- ``fast``: :class:`LinearWildKernel` (cluster-level sums, one matrix product per block);
  also timed with the confidence interval by test inversion, and end to end through
  ``estimate`` (fit + bootstrap + interval);
- ``refit``: the naive loop: per draw build ``y*`` from the restricted fit, sweep both sets
  of effects (the engine's ``demean``), refit by ``lstsq`` and compute the cluster t;
- ``wildboottest``: the PyPI package's ``WildboottestCL`` (WCR "11"); it takes no fixed
  effects, so it gets the province-demeaned data with year dummies as regressors (provinces
  lie within the clusters, so this is the same bootstrap) and our weights in place of its own.

It checks that the three give the same bootstrap t statistics (rtol 1e-8; up to the
constant small-sample factor for wildboottest, whose K counts the year dummies) and the same
p-value, prints wall-clock times (medians of ``--repeat`` interleaved rounds after a warm-up,
one BLAS thread, ``benchmarks/_timing.py``; the refit loop and wildboottest once each) and
writes them to ``benchmarks/results/wild_bootstrap.txt``.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import _timing  # first: one BLAS thread before numpy loads
import numpy as np
import pandas as pd

from regiometrics.data import Panel
from regiometrics.engine import estimate
from regiometrics.engine.inference.wild_bootstrap import (
    LinearWildKernel,
    bootstrap_pvalue,
    make_draws,
    wild_test,
)
from regiometrics.engine.linear.demean import demean
from regiometrics.spec import model_spec

CONTROLS = ["c1", "c2", "c3", "c4"]
OUT = Path(__file__).with_name("results") / "wild_bootstrap.txt"


def simulate(G: int = 30, T: int = 20, seed: int = 2024) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"prov": np.repeat(np.arange(G), T), "year": np.tile(np.arange(T), G)})
    a, d = rng.normal(size=G)[df.prov], rng.normal(size=T)[df.year]
    for c in CONTROLS:
        df[c] = rng.normal(size=len(df)) + 0.3 * a
    df["x"] = rng.normal(size=len(df)) + 0.5 * a + 0.5 * d
    shock = rng.normal(size=G)[df.prov] * rng.normal(size=len(df))  # within-cluster dependence
    df["y"] = 0.05 * df.x + df[CONTROLS].sum(axis=1) * 0.2 + a + d + rng.normal(size=len(df)) + shock
    return df


def refit_tstar(df: pd.DataFrame, V: np.ndarray, small: float) -> np.ndarray:
    regs = ["x", *CONTROLS]
    fe = [df.prov.to_numpy(), df.year.to_numpy()]
    codes = df.prov.to_numpy()
    Z = demean(df[["y", *regs]].to_numpy(float), fe)
    y, X = Z[:, 0], Z[:, 1:]
    others = X[:, 1:]
    fit = others @ np.linalg.lstsq(others, y, rcond=None)[0]  # restricted: beta_x = 0
    u = y - fit
    out = np.empty(V.shape[1])
    for b in range(V.shape[1]):
        ys = demean((fit + u * V[codes, b])[:, None], fe)[:, 0]
        coef, *_ = np.linalg.lstsq(X, ys, rcond=None)
        e = ys - X @ coef
        bread = np.linalg.inv(X.T @ X)
        sc = np.zeros((codes.max() + 1, X.shape[1]))
        np.add.at(sc, codes, X * e[:, None])
        var = small * (bread @ (sc.T @ sc) @ bread)[0, 0]
        out[b] = coef[0] / math.sqrt(var)
    return out


def wildboottest_tstar(df: pd.DataFrame, V: np.ndarray) -> tuple[np.ndarray, float, float]:
    from wildboottest.wildboottest import WildboottestCL

    regs = ["x", *CONTROLS]
    dummies = pd.get_dummies(df.year, drop_first=True).to_numpy(float)
    raw = np.column_stack([df[["y", *regs]].to_numpy(float), dummies])
    Z = demean(raw, [df.prov.to_numpy()])
    y, X = Z[:, 0], Z[:, 1:]
    R = np.zeros(X.shape[1])
    R[0] = 1.0
    wb = WildboottestCL(X=X, Y=y, cluster=df.prov.to_numpy(), R=R, B=V.shape[1], seed=1)
    wb.get_scores(bootstrap_type="11", impose_null=True)
    wb.get_weights(weights_type="rademacher")
    wb.v, wb.B = V, V.shape[1]
    wb.get_numer()
    wb.get_denom()
    wb.get_tboot()
    wb.get_vcov()
    wb.get_tstat()
    wb.get_pvalue(pval_type="two-tailed")
    return np.ravel(wb.t_boot), float(np.ravel(wb.t_stat)[0]), float(wb.pvalue)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=9999)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    df = simulate()
    G, n = 30, len(df)
    regs = ["x", *CONTROLS]
    fe = [df.prov.to_numpy(), df.year.to_numpy()]
    codes = df.prov.to_numpy()
    k_cluster = len(regs) + 1 + (20 - 1)  # province effects nested in the clusters
    small = G / (G - 1) * (n - 1) / (n - k_cluster)
    draws = make_draws("webb", G, args.draws, args.seed)
    V = draws.matrix()

    def kernel() -> LinearWildKernel:
        Z = demean(df[["y", *regs]].to_numpy(float), fe)
        return LinearWildKernel(Z[:, 1:], Z[:, 0], codes, fe_codes=fe, nested=False, j=0,
                                small=small)

    def fast_p() -> float:
        k = kernel()
        k.prepare(draws)
        return bootstrap_pvalue(k.t(0.0), k.tstar(0.0), "symmetric")

    def fast_ci():
        return wild_test(kernel(), draws, level=0.95, pvalue="symmetric", impose_null=True)

    model = model_spec(id="m", type="fe", formula="y ~ x + c1 + c2 + c3 + c4",
                      effects=["entity", "time"],
                      wild_bootstrap={"draws": args.draws, "weights": "webb", "seed": args.seed,
                                      "terms": ["x"]})
    panel = Panel(df, "prov", "year")

    med = _timing.median_rounds({"fast": fast_p, "ci": fast_ci,
                                 "model": lambda: estimate(model, panel)}, args.repeat)
    t_fast, t_ci, t_model = med["fast"], med["ci"], med["model"]
    k = kernel()
    k.prepare(draws)
    fast = k.tstar(0.0)
    p_fast = bootstrap_pvalue(k.t(0.0), fast, "symmetric")
    end_to_end = estimate(model, panel).wild_bootstrap.terms["x"]
    assert abs(end_to_end.pvalue - p_fast) < 1e-12

    naive, t_refit = _timing.timed(lambda: refit_tstar(df, V, small))
    np.testing.assert_allclose(naive, fast, rtol=1e-8, atol=1e-10)
    p_refit = bootstrap_pvalue(k.t(0.0), naive, "symmetric")

    lines = [
        "Wild cluster bootstrap (WCR, Webb weights) of a two-way FE model",
        f"panel: 30 provinces x 20 years (n = {n}), y ~ x + 4 controls, province and year effects,"
        " clustered by province (G = 30)",
        f"draws: {draws.draws} (seed {args.seed}), the same weight matrix for every method",
        "command: PYTHONPATH=src python benchmarks/wild_bootstrap.py",
        _timing.machine_line(numpy=np.__version__),
        "",
        f"fast p-value (kernel, one pass over the draws): {t_fast * 1e3:8.1f} ms",
        f"fast p-value + 95% CI by test inversion:          {t_ci * 1e3:8.1f} ms",
        f"end to end (estimate: fit + bootstrap + CI):      {t_model * 1e3:8.1f} ms",
        f"naive refit loop (sweep + lstsq per draw):        {t_refit * 1e3:8.1f} ms"
        f"   ({t_refit / t_fast:,.0f}x the fast p-value)",
    ]
    try:
        (theirs, t_theirs, p_theirs), t_wbt = _timing.timed(lambda: wildboottest_tstar(df, V))
        scale = t_theirs / k.t(0.0)  # their K counts the 19 year dummies: a constant factor
        np.testing.assert_allclose(theirs, fast * scale, rtol=1e-8, atol=1e-10)
        lines.append(f"wildboottest 0.3.2 WildboottestCL (numba):        {t_wbt * 1e3:8.1f} ms"
                     f"   ({t_wbt / t_fast:,.1f}x; includes numba compilation on first call)")
        _, t_wbt2 = _timing.timed(lambda: wildboottest_tstar(df, V))
        lines.append(f"wildboottest, second call (compiled):             {t_wbt2 * 1e3:8.1f} ms"
                     f"   ({t_wbt2 / t_fast:,.1f}x)")
        agree = f"; wildboottest {p_theirs:.6f} (t* equal up to its small-sample factor)"
    except ImportError:
        lines.append("wildboottest: not installed (pip install -e '.[bench]')")
        agree = ""
    lines += [
        "",
        f"t statistic {k.t(0.0):.6f}; bootstrap p-value: fast {p_fast:.6f}, refit {p_refit:.6f}"
        + agree,
        f"95% CI (test inversion): [{end_to_end.ci_low:.6f}, {end_to_end.ci_high:.6f}]",
        "bootstrap t*: fast = refit to rtol 1e-8 for every draw",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    OUT.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
