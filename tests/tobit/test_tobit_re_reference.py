"""Random-effects Tobit on Produc against an independent R computation of the exact likelihood.

Reference: tests/fixtures/tobit/re_produc_reference.json, written by make_re_reference.R beside
it: each state's integral over u_i by R's adaptive integrate() (QUADPACK), maximised by optim,
standard errors from optimHess (numerical second derivatives). Model: unemp ~ lpcap + lpc +
lemp on R plm's Produc (Munnell 1990), unemp censored at 4 and 10 (specs/tobit.yaml).
Tolerances: the R optimum is found with numerical gradients (agreement 5e-8 relative) and its
Hessian by finite differences of a numerically integrated likelihood (agreement 5e-5).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.engine.registry import estimate
from regiometrics.spec import model_spec

ROOT = Path(__file__).resolve().parents[2]
REF = json.loads((ROOT / "tests" / "fixtures" / "tobit" / "re_produc_reference.json").read_text())
TERMS = ["lpcap", "lpc", "lemp", "_cons"]


def test_random_effects_tobit_matches_exact_likelihood_fit() -> None:
    panel = Panel(pd.read_csv(ROOT / "specs" / "data" / "produc.csv"), entity="state", time="year")
    model = model_spec(id="re", type="tobit", formula="unemp ~ lpcap + lpc + lemp", left=4,
                      right=10, random=["entity"], vcov={"type": "unadjusted"})
    res = estimate(model, panel)
    assert REF["convergence"] == 0
    np.testing.assert_allclose([res.params[t] for t in TERMS],
                               [REF["params"][t] for t in TERMS], rtol=1e-6)
    np.testing.assert_allclose([res.stats["sigma_u"], res.stats["sigma_e"]],
                               [REF["sigma_u"], REF["sigma_e"]], rtol=1e-6)
    np.testing.assert_allclose(res.stats["loglik"], REF["loglik"], rtol=1e-9)
    np.testing.assert_allclose([res.std_errors[t] for t in TERMS],
                               [REF["std_errors"][t] for t in TERMS], rtol=2e-4)
    np.testing.assert_allclose(res.stats["sigma_u_se"] / res.stats["sigma_u"],
                               REF["log_sigma_u_se"], rtol=2e-4)
    np.testing.assert_allclose(res.stats["lr_sigma_u"],
                               2 * (REF["loglik"] - REF["loglik_pooled"]), rtol=1e-7)
