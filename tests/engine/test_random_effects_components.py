"""Random-effects variance components, theta and R² measures against linearmodels.

The engine computes them itself (engine/linear/re_components.py); the reference is
linearmodels' ``RandomEffects`` (its own code), fitted here on the same estimation sample:
``small_sample=True`` for the ``fixest`` / ``none`` corrections (plm's swar, Baltagi-Chang
on unbalanced panels), ``False`` for ``stata_xtreg`` (Stata's default components). Panels:
the simulated panel of linearmodels' Stata log (balanced ``y``, unbalanced ``y_heavy``) and
Munnell's produc (balanced, 48 x 17). Closed form: rtol 1e-10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from linearmodels.panel import RandomEffects

from regiometrics.data.panel import Panel
from regiometrics.engine.registry import estimate
from regiometrics.errors import IdentificationError
from regiometrics.spec import model_spec
from tests.reference_data import FIXTURES

ROOT = FIXTURES.parents[1]
SIM = [f"x{i}" for i in range(1, 6)]
CASES = {
    "balanced": ("grunfeld", "y", SIM),
    "unbalanced": ("grunfeld", "y_heavy", [f"{x}_heavy" for x in SIM]),
    "produc": ("produc", "lgsp", ["lpcap", "lpc", "lemp", "unemp"]),
}


def _frame(source: str) -> tuple[pd.DataFrame, str, str]:
    if source == "grunfeld":
        return pd.read_csv(FIXTURES / "grunfeld" / "simulated_panel.csv.gz"), "firm_id", "year"
    return pd.read_csv(ROOT / "specs" / "data" / "produc.csv"), "state", "year"


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("correction", ["fixest", "stata_xtreg"])
def test_components_and_rsquared_match_linearmodels(case, correction):
    source, dep, xs = CASES[case]
    frame, entity, time = _frame(source)
    res = estimate(model_spec(id="re", type="re", formula=f"{dep} ~ " + " + ".join(xs),
                              random=["entity"], vcov={"type": "unadjusted",
                                                       "correction": correction}),
                   Panel(frame, entity, time))
    data = frame.dropna(subset=[dep, *xs]).set_index([entity, time])
    ref = RandomEffects(data[dep], data[xs].assign(_cons=1.0)).fit(
        small_sample=correction != "stata_xtreg")
    rtol = 1e-10
    np.testing.assert_allclose(res.stats["sigma2_u"], ref.variance_decomposition["Effects"],
                               rtol=rtol)
    np.testing.assert_allclose(res.stats["sigma2_eps"],
                               ref.variance_decomposition["Residual"], rtol=rtol)
    np.testing.assert_allclose(res.stats["theta"], ref.theta["theta"].mean(), rtol=rtol)
    if res.info["theta_by_entity"]:
        np.testing.assert_allclose(res.info["theta_by_entity"], ref.theta["theta"], rtol=rtol)
    for ours, theirs in (("r2", "rsquared_overall"), ("r2_within", "rsquared_within"),
                         ("r2_between", "rsquared_between"), ("r2_gls", "rsquared")):
        np.testing.assert_allclose(res.stats[ours], getattr(ref, theirs), rtol=rtol,
                                   err_msg=ours)
    terms = [*xs, "_cons"]
    np.testing.assert_allclose([res.params[t] for t in terms], ref.params[terms], rtol=rtol)
    assert case != "unbalanced" or res.info["theta_by_entity"]  # the unbalanced path ran


def test_no_within_degrees_of_freedom_is_a_named_error():
    """One period per entity: the within regression has no residual degrees of freedom."""
    frame = pd.DataFrame({"id": np.arange(30), "t": 1, "x": np.arange(30.0) ** 1.5,
                          "y": np.sin(np.arange(30.0))})
    with pytest.raises(IdentificationError, match=r"models\.re: .*within regression"):
        estimate(model_spec(id="re", type="re", formula="y ~ x", random=["entity"],
                            vcov={"type": "unadjusted"}), Panel(frame, "id", "t"))
