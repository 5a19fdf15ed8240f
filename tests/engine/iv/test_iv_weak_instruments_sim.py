"""Monte Carlo: with weak instruments the Anderson-Rubin test keeps its size, 2SLS t does not.

DGP (Staiger and Stock 1997 style): y = 0*x + u, x = Z pi + v, five N(0,1) instruments with
pi_j = 0.05 (concentration parameter about 1.25 at n = 100), corr(u, v) = 0.9, normal
homoskedastic errors. Under H0: beta = 0 the AR F test is exact, so its rejection rate at
the 5% level must be 5% up to simulation error; the 2SLS t test is biased towards OLS and
over-rejects massively. The fast test uses 200 replications (binomial sd of a 5% rate:
1.5 points), the slow one 2,000 and a strong-instrument control (pi_j = 1, F ~ 100).
"""

from __future__ import annotations

import numpy as np
import pytest

from regiometrics.engine.iv import fit_iv


def rejection_rates(reps: int, *, pi: float, seed: int, n: int = 100, l1: int = 5,
                    rho: float = 0.9) -> tuple[float, float, float]:
    """Rejection rates at 5% of the 2SLS z test, the AR F test, and mean first-stage F."""
    rng = np.random.default_rng(seed)
    ones = np.ones((n, 1))
    chol = np.linalg.cholesky(np.array([[1.0, rho], [rho, 1.0]]))
    t_rej = ar_rej = 0
    f_sum = 0.0
    for _ in range(reps):
        z = rng.normal(size=(n, l1))
        err = rng.normal(size=(n, 2)) @ chol.T
        x = z @ np.full(l1, pi) + err[:, 1]
        y = err[:, 0]
        res = fit_iv(y, ones, x, z, small=False)
        t_rej += res.pvalues["endog1"] < 0.05
        ar_rej += res.diagnostics["ar_p"] < 0.05
        f_sum += res.diagnostics["first_stage_f:endog1"]
    return t_rej / reps, ar_rej / reps, f_sum / reps


def test_ar_keeps_size_where_2sls_t_does_not():
    t_rate, ar_rate, mean_f = rejection_rates(200, pi=0.05, seed=20240501)
    assert mean_f < 3.0  # instruments are weak by any rule of thumb
    assert 0.01 <= ar_rate <= 0.10  # 5% +/- 3.4 binomial sd
    assert t_rate > 0.40  # the 2SLS t test rejects a true null most of the time


@pytest.mark.slow
def test_ar_size_large_simulation_and_strong_instrument_control():
    t_rate, ar_rate, _ = rejection_rates(2000, pi=0.05, seed=7)
    assert abs(ar_rate - 0.05) < 0.015  # binomial sd 0.49 points
    assert t_rate > 0.5
    t_strong, ar_strong, mean_f = rejection_rates(2000, pi=1.0, seed=8)
    assert mean_f > 50
    assert abs(ar_strong - 0.05) < 0.015
    assert abs(t_strong - 0.05) < 0.025  # with strong instruments the 2SLS t test is fine
