"""Against printed Stata 13 output (xtreg, fe and regress) on linearmodels' simulated panel.

Source: the Stata log bashtage/linearmodels linearmodels/tests/panel/results/
stata-panel-simulated-results.txt with its data simulated-panel.dta, transcribed by
tests/fixtures/grunfeld/make_stata_printed.py into stata_printed.json and
simulated_panel.csv.gz (1000 firms x 3 years; *_light / *_heavy have 5% / 20% missing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regiometrics.data import Panel
from regiometrics.engine import estimate
from regiometrics.spec import model_spec
from tests.reference_data import FIXTURES, load_fixture

STATA = load_fixture("grunfeld", "stata_printed.json")["simulated"]["results"]


@pytest.fixture(scope="module")
def panel() -> Panel:
    frame = pd.read_csv(FIXTURES / "grunfeld" / "simulated_panel.csv.gz")
    return Panel(frame, "firm_id", "year")


def _formula(suffix: str) -> str:
    return f"y{suffix} ~ " + " + ".join(f"x{i}{suffix}" for i in range(1, 6))


CASES = [
    ("fixed_effect", "conventional", {"type": "unadjusted"}),
    ("fixed_effect", "cluster", {"type": "cluster", "by": "entity", "correction": "stata_xtreg"}),
    ("fixed_effect", "cluster", {"type": "cluster", "by": "entity", "correction": "fixest"}),
    ("pooled", "cluster", {"type": "cluster", "by": "entity"}),
    ("pooled", "conventional", {"type": "unadjusted"}),
]


@pytest.mark.parametrize("suffix", ["", "_light", "_heavy"])
@pytest.mark.parametrize(("estimator", "vce", "vcov"), CASES)
def test_matches_printed_stata(panel, suffix, estimator, vce, vcov):
    ref = STATA[f"{estimator}-{vce}--{suffix}"]
    keys = {"type": "fe", "effects": ["entity"]} if estimator == "fixed_effect" else \
        {"type": "ols"}
    res = estimate(model_spec(id="m", formula=_formula(suffix), vcov=vcov, **keys), panel)
    terms = list(ref["coef"])
    assert res.nobs == int(ref["stats"]["N"])
    np.testing.assert_allclose([res.params[t] for t in terms], [ref["coef"][t] for t in terms],
                               rtol=1e-8)
    np.testing.assert_allclose([res.std_errors[t] for t in terms],
                               [ref["se_from_vcov"][t] for t in terms], rtol=1e-7)
