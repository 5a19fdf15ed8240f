"""Mediation and subgroups with absorbed effects beyond entity and time, trends and aweights.

References: pyfixest ``feols`` (fixest conventions) fits of each mediation equation and of
each region's subsample, stored in tests/fixtures/effects/pyfixest.json by make_fixtures.py
beside it (cases ``med_*``, ``sub_w_*``); for unit trends, which pyfixest does not take, the
FE fit on the group's rows alone (itself tested against the dummy regression in
tests/engine/test_absorbed_effects.py); for the bootstrap, the naive loop that rebuilds each
resampled panel (drawn entities relabelled as new entities) and refits with ``lstsq``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine.linear.absorb import absorbed_codes, absorbed_slopes
from regiometrics.engine.linear.fit import fit_linear
from regiometrics.engine.mechanisms.mediation import fit_mediation
from regiometrics.engine.mechanisms.mediation_kernel import mediation_fe
from regiometrics.engine.registry import estimate
from regiometrics.spec import model_spec
from regiometrics.spec.model_kinds import MediationSpec

HERE = Path(__file__).parents[1] / "fixtures" / "effects"
FIXTURE = json.loads((HERE / "pyfixest.json").read_text())["cases"]
COEF_RTOL = 1e-8
SE_RTOL = 1e-6
BOOT_RTOL = 1e-10
THREE_WAY = ["entity", "time", "industry^time"]


@pytest.fixture(scope="module")
def panel() -> Panel:
    return Panel(pd.read_csv(HERE / "panel.csv"), "id", "year", source="panel.csv")


def _mediation(effects: list[str], **extra) -> MediationSpec:
    return model_spec(**{
        "id": "med", "type": "mediation", "treatment": "x1", "mediators": ["x3"],
        "outcome": "y", "controls": ["x2"], "effects": effects,
        "vcov": {"type": "cluster", "by": "entity"},
        "bootstrap": {"reps": 49, "seed": 11}, **extra})  # type: ignore[return-value]


def _same(result, case: str) -> None:
    ref = FIXTURE[case]
    assert result.nobs == ref["nobs"]
    for term, value in ref["params"].items():
        np.testing.assert_allclose(result.params[term], value, rtol=COEF_RTOL)
        np.testing.assert_allclose(result.std_errors[term], ref["std_errors"][term],
                                   rtol=SE_RTOL)


def test_mediation_equations_with_three_way_effects_equal_pyfixest(panel: Panel) -> None:
    res = fit_mediation(_mediation(THREE_WAY), panel, progress=False)
    _same(res.components["total"], "med_total")
    _same(res.components["mediator:x3"], "med_mediator")
    _same(res.components["outcome:x3"], "med_outcome")
    a = FIXTURE["med_mediator"]["params"]["x1"]
    b = FIXTURE["med_outcome"]["params"]["x3"]
    np.testing.assert_allclose(res.params["indirect[x3]"], a * b, rtol=COEF_RTOL)
    assert res.info["effects"] == THREE_WAY
    again = fit_mediation(_mediation(THREE_WAY), panel, progress=False)
    for kind in ("indirect", "indirect_percentile", "indirect_bc"):
        e, f = again.effects[kind]["x3"], res.effects[kind]["x3"]  # same seed, same CI
        assert (e.ci_low, e.ci_high, e.std_error) == (f.ci_low, f.ci_high, f.std_error)
    other = fit_mediation(_mediation(THREE_WAY, bootstrap={"reps": 49, "seed": 12}), panel,
                          progress=False)
    assert other.effects["indirect"]["x3"].ci_low != res.effects["indirect"]["x3"].ci_low


def _kernel(panel: Panel, effects: list[str], method: str, seed: int = 3, reps: int = 25):
    f = panel.frame
    codes = absorbed_codes(effects, panel, None, where="effects")
    trends = absorbed_slopes(effects, panel, None, where="effects")
    return mediation_fe(
        f["x1"].to_numpy(), {"x3": f["x3"].to_numpy()}, f["y"].to_numpy(), f["id"].to_numpy(),
        f["year"].to_numpy(), seed=seed, controls={"x2": f["x2"].to_numpy()}, reps=reps,
        method=method, progress=False, effects=list(codes.values()),
        slopes=[trends.get(k) for k in codes],
        entity_effects=["entity" in k for k in codes],
    )


@pytest.mark.parametrize("effects", [THREE_WAY, ["entity[time]", "industry^time"]])
def test_bootstrap_with_any_effects_equals_refit_loop(panel: Panel, effects: list[str]) -> None:
    """Weighted demeaning of the draws (entity counts as weights, vectorised) equals the loop
    that builds every resampled panel and refits; the seed fixes the draws."""
    small = panel.subset(panel.frame["id"].to_numpy() < 30)
    fast = _kernel(small, effects, "iterated")
    again = _kernel(small, effects, "iterated")
    naive = _kernel(small, effects, "refit")
    assert fast.method == "iterated" and naive.method == "refit"
    np.testing.assert_array_equal(fast.indices, naive.indices)
    p_fast, p_naive, p_again = fast.path("x3"), naive.path("x3"), again.path("x3")
    np.testing.assert_allclose(p_fast.a_draws, p_naive.a_draws, rtol=BOOT_RTOL)
    np.testing.assert_allclose(p_fast.b_draws, p_naive.b_draws, rtol=BOOT_RTOL)
    np.testing.assert_allclose(p_fast.indirect.ci_percentile, p_naive.indirect.ci_percentile,
                               rtol=BOOT_RTOL)
    np.testing.assert_allclose(p_fast.indirect.ci_bc, p_naive.indirect.ci_bc, rtol=BOOT_RTOL)
    np.testing.assert_array_equal(p_fast.indirect.draws, p_again.indirect.draws)
    other = _kernel(small, effects, "iterated", seed=4)
    assert not np.array_equal(other.path("x3").indirect.draws, p_fast.indirect.draws)


def test_mediation_with_unit_trends_equals_fe_fits(panel: Panel) -> None:
    """``entity[time]`` with time effects: each equation is the FE model with those effects,
    and the point estimates in the bootstrap kernel agree with them."""
    effects = ["entity[time]", "time"]
    res = fit_mediation(_mediation(effects), panel, progress=False)
    fe = model_spec(id="m", type="fe", formula="x3 ~ x1 + x2", effects=effects,
                   vcov={"type": "cluster", "by": "entity"})
    alone = fit_linear(fe, panel)
    for term in ("x1", "x2"):
        np.testing.assert_allclose(res.components["mediator:x3"].params[term],
                                   alone.params[term], rtol=COEF_RTOL)
        np.testing.assert_allclose(res.components["mediator:x3"].std_errors[term],
                                   alone.std_errors[term], rtol=SE_RTOL)
    np.testing.assert_allclose(res.params["a[x3]"], alone.params["x1"], rtol=COEF_RTOL)
    assert res.info["bootstrap"]["method"] == "iterated"


def test_weighted_subgroups_with_three_way_effects_equal_pyfixest(panel: Panel) -> None:
    """by: region, aweights, [entity, time, industry^time], singletons dropped (pyfixest drops
    singleton fixed effects): each region's fit equals pyfixest on that region's rows."""
    m = model_spec(id="s", type="fe", formula="y ~ x1 + x2", effects=THREE_WAY, aweights="w",
                  by="region", singletons="drop", vcov={"type": "cluster", "by": "entity"})
    res = estimate(m, panel)
    for region in ("East", "North", "West"):
        _same(res.components[region], f"sub_w_{region}")
    pooled = res.info["equality"]["pooled_coefficients"]
    for region in ("East", "North", "West"):
        np.testing.assert_allclose(pooled[f"x1@{region}"],
                                   FIXTURE[f"sub_w_{region}"]["params"]["x1"], rtol=COEF_RTOL)


def test_subgroups_with_unit_trends(panel: Panel) -> None:
    """``entity[time]`` per subgroup: each group's fit is the FE model on its rows; the fully
    interacted regression (trends interacted with the groups) reproduces every group's
    slopes; the weighted permutation test is reproducible."""
    effects = ["entity[time]", "industry^time"]
    m = model_spec(id="s", type="fe", formula="y ~ x1 + x2", effects=effects, aweights="w",
                  split={"var": "x2", "at": "median", "level": "entity"},
                  vcov={"type": "cluster", "by": "entity"}, permutations=19, seed=3)
    res = estimate(m, panel)
    pooled = res.info["equality"]["pooled_coefficients"]
    for name, comp in res.components.items():
        ent_mean = panel.frame.groupby("id")["x2"].transform("mean")
        cut = res.info["subgroups"]["cut"]
        rows = (ent_mean > cut).to_numpy() if name == "high" else (ent_mean <= cut).to_numpy()
        alone = fit_linear(m.replace(split=None, permutations=None, seed=None), 
                           panel.subset(rows))
        for term in ("x1", "x2"):
            np.testing.assert_allclose(comp.params[term], alone.params[term], rtol=COEF_RTOL)
            np.testing.assert_allclose(comp.std_errors[term], alone.std_errors[term],
                                       rtol=SE_RTOL)
            np.testing.assert_allclose(pooled[f"{term}@{name}"], alone.params[term],
                                       rtol=COEF_RTOL)
    assert np.isfinite(res.stats["equality_wald"])
    again = estimate(m, panel)
    assert again.stats["permutation_p"] == res.stats["permutation_p"]
