"""Tests of the two-way FE Baron-Kenny mediation kernel (regiometrics.engine.mechanisms.mediation_kernel).

References: ``tests/fixtures/mediation/reference_linearmodels.json`` (linearmodels
``PanelOLS(entity_effects=True, time_effects=True)``, made by ``make_fixtures.py``) and
``reference_plm.json`` (R plm ``model='within', effect='twoways'``, made by
``reference_plm.R``), both fitted on ``panel.csv`` (30 provinces x 9 years, balanced, and
an unbalanced subset). The coverage test runs ``scripts/coverage_mediation.py``.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from regiometrics.engine.mechanisms.intervals import bc_interval, percentile_interval
from regiometrics.engine.mechanisms.mediation_kernel import mediation_fe, sobel_test
from regiometrics.errors import DataError, IdentificationError, SpecError

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "mediation"
MEDIATORS = ["IS", "RM", "CU"]
CONTROLS = ["MEDICAL", "EC", "OPEN"]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "panel.csv")


def run(df: pd.DataFrame, **kw: object):
    options = {"seed": 2024, "reps": 50, "progress": False, **kw}
    return mediation_fe(
        df["DT"],
        {m: df[m] for m in MEDIATORS},
        df["ER"],
        df["province"],
        df["year"],
        controls={c: df[c] for c in CONTROLS},
        treatment_name="DT",
        outcome_name="ER",
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("source", ["reference_linearmodels.json", "reference_plm.json"])
@pytest.mark.parametrize("sample", ["balanced", "unbalanced"])
@pytest.mark.parametrize("mode", ["parallel", "joint"])
def test_effects_equal_separate_fe_fits(
    panel: pd.DataFrame, source: str, sample: str, mode: str
) -> None:
    """a, b, a*b, c' and c equal the coefficients of separate two-way FE fits (rtol 1e-10)."""
    ref = json.loads((FIXTURES / source).read_text())[sample]
    df = panel if sample == "balanced" else panel[panel["keep_unbalanced"]]
    est = run(df, mode=mode, reps=10)
    assert est.method == ("blocks" if sample == "balanced" else "iterated")
    assert est.nobs == len(df) and (est.n_entities, est.n_periods) == (30, 9)
    total = ref["total"]["params"]["DT"]
    np.testing.assert_allclose(est.total, total, rtol=1e-10)
    for m in MEDIATORS:
        a = ref[f"a_{m}"]["params"]["DT"]
        out = ref[f"b_{m}"] if mode == "parallel" else ref["b_joint"]
        b, direct = out["params"][m], out["params"]["DT"]
        path = est.path(m)
        np.testing.assert_allclose(path.a, a, rtol=1e-10)
        np.testing.assert_allclose(path.b, b, rtol=1e-10)
        np.testing.assert_allclose(path.indirect.estimate, a * b, rtol=1e-10)
        np.testing.assert_allclose(path.direct, direct, rtol=1e-10)
        np.testing.assert_allclose(path.proportion, a * b / total, rtol=1e-10)
    if mode == "joint":
        total_indirect = sum(
            ref[f"a_{m}"]["params"]["DT"] * ref["b_joint"]["params"][m] for m in MEDIATORS
        )
        np.testing.assert_allclose(est.total_indirect.estimate, total_indirect, rtol=1e-10)


@pytest.mark.parametrize("mode", ["parallel", "joint"])
def test_decomposition_holds_in_every_draw(panel: pd.DataFrame, mode: str) -> None:
    """c = c' + a b (parallel) or c = c' + sum a_j b_j (joint) in the sample and in each
    draw: a, b, c' and c come from the same resample."""
    est = run(panel, mode=mode, reps=40)
    if mode == "parallel":
        for p in est.paths:
            np.testing.assert_allclose(p.total, p.direct + p.indirect.estimate, rtol=1e-10)
            np.testing.assert_allclose(
                est.total_draws, p.direct_draws + p.indirect.draws, rtol=1e-10
            )
    else:
        direct = est.paths[0].direct_draws
        np.testing.assert_allclose(est.total_draws, direct + est.total_indirect.draws, rtol=1e-10)
        np.testing.assert_allclose(
            est.total, est.paths[0].direct + est.total_indirect.estimate, rtol=1e-10
        )
        for p in est.paths:
            np.testing.assert_allclose(p.indirect.draws, p.a_draws * p.b_draws, rtol=1e-14)


def test_same_seed_same_intervals(panel: pd.DataFrame) -> None:
    """The same seed gives identical draws and intervals twice; another seed does not."""
    one, two = run(panel, reps=200), run(panel, reps=200)
    gen = run(panel, reps=200, seed=np.random.default_rng(2024))
    other = run(panel, reps=200, seed=7)
    for m in MEDIATORS:
        a, b = one.path(m).indirect, two.path(m).indirect
        assert (a.ci_low, a.ci_high, a.ci_bc) == (b.ci_low, b.ci_high, b.ci_bc)
        np.testing.assert_array_equal(a.draws, b.draws)
        np.testing.assert_array_equal(a.draws, gen.path(m).indirect.draws)
        assert a.ci_percentile != other.path(m).indirect.ci_percentile
    assert one.seed == 2024 and gen.seed is None


@pytest.mark.parametrize("sample", ["balanced", "unbalanced"])
@pytest.mark.parametrize("resample", ["entity", "row"])
def test_fast_bootstrap_equals_refit_loop(panel: pd.DataFrame, sample: str, resample: str) -> None:
    """Same seed: the fast method and the naive refit loop give the same draws and CIs."""
    df = panel if sample == "balanced" else panel[panel["keep_unbalanced"]]
    fast = run(df, reps=40, resample=resample, mode="joint")
    naive = run(df, reps=40, resample=resample, mode="joint", method="refit")
    np.testing.assert_array_equal(fast.indices, naive.indices)
    for m in MEDIATORS:
        f, n = fast.path(m).indirect, naive.path(m).indirect
        np.testing.assert_allclose(f.draws, n.draws, rtol=1e-10)
        np.testing.assert_allclose(f.ci_percentile + f.ci_bc, n.ci_percentile + n.ci_bc, rtol=1e-10)


def test_ci_choice_and_contents(panel: pd.DataFrame) -> None:
    """ci_low/ci_high are the chosen interval, from the draws of a*b at the chosen level;
    boot_se is the draws' standard deviation."""
    pct = run(panel, reps=100)
    bc = run(panel, reps=100, ci="bc", level=0.9)
    for m in MEDIATORS:
        p = pct.path(m).indirect
        assert (p.ci_low, p.ci_high) == p.ci_percentile
        q = bc.path(m).indirect
        assert (q.ci_low, q.ci_high) == q.ci_bc
        assert p.ci_percentile == percentile_interval(p.draws)
        assert q.ci_bc == bc_interval(q.draws, q.estimate, level=0.9)
        np.testing.assert_allclose(p.boot_se, np.std(p.draws, ddof=1), rtol=1e-12)
        assert q.ci_percentile[1] - q.ci_percentile[0] < p.ci_high - p.ci_low  # 90% < 95%


def test_sobel_matches_delta_method() -> None:
    """Sobel SE equals the delta-method SE of a*b from a numerical gradient, independent
    a and b (covariance diag(se_a^2, se_b^2)); p is two-sided normal."""
    a, se_a, b, se_b = 0.132, 0.040, 0.204, 0.058  # DT -> IS and IS -> ER, Table 6 of Wan & He
    h = 1e-6
    grad = np.array([((a + h) * b - (a - h) * b) / (2 * h), (a * (b + h) - a * (b - h)) / (2 * h)])
    se = math.sqrt(grad @ np.diag([se_a**2, se_b**2]) @ grad)
    res = sobel_test(a, se_a, b, se_b)
    np.testing.assert_allclose(res.std_error, se, rtol=1e-8)
    np.testing.assert_allclose(res.z, a * b / se, rtol=1e-8)
    np.testing.assert_allclose(res.pvalue, 2 * sps.norm.sf(abs(a * b / se)), rtol=1e-12)


def test_sobel_in_kernel(panel: pd.DataFrame) -> None:
    se_a = {"IS": 0.01, "RM": 0.2, "CU": 0.02}
    se_b = {"IS": 0.05, "RM": 0.01, "CU": 0.1}
    est = run(panel, se_a=se_a, se_b=se_b, reps=5)
    for p in est.paths:
        assert p.sobel == sobel_test(p.a, se_a[p.mediator], p.b, se_b[p.mediator])
    assert run(panel, reps=5).paths[0].sobel is None


def test_bad_inputs_raise_with_messages(panel: pd.DataFrame) -> None:
    with pytest.raises(SpecError, match="mediation mode must be one of 'parallel', 'joint'"):
        run(panel, mode="serial")
    with pytest.raises(SpecError, match="bootstrap ci must be one of 'percentile', 'bc'"):
        run(panel, ci="bca")
    with pytest.raises(SpecError, match="confidence level must lie strictly between 0 and 1"):
        run(panel, level=95)
    with pytest.raises(SpecError, match="se_a and se_b for the same mediators"):
        run(panel, se_a={"IS": 0.1})
    with pytest.raises(SpecError, match="name XX, which are not mediators"):
        run(panel, se_a={"XX": 0.1}, se_b={"XX": 0.1})
    with pytest.raises(SpecError, match="'EC' appears twice"):
        mediation_fe(
            panel["DT"],
            {"EC": panel["EC"]},
            panel["ER"],
            panel["province"],
            panel["year"],
            controls={"EC": panel["EC"]},
            seed=1,
        )
    with pytest.raises(SpecError, match="needs at least one mediator"):
        mediation_fe(panel["DT"], {}, panel["ER"], panel["province"], panel["year"], seed=1)
    bad = panel.copy()
    bad.loc[5, "RM"] = np.nan
    with pytest.raises(
        DataError, match=r"'RM' is missing or not finite in 1 rows \(entity-time P00-2018\)"
    ):
        run(bad)
    flat = panel.copy()
    flat["IS"] = flat.groupby("province")["IS"].transform("mean")
    with pytest.raises(IdentificationError, match="'IS' has no variation left"):
        run(flat)
    with pytest.raises(SpecError, match=r"Sobel test needs finite non-negative standard errors"):
        sobel_test(0.1, -1.0, 0.2, 0.1)


def _coverage_script(monkeypatch: pytest.MonkeyPatch):
    spec = importlib.util.spec_from_file_location(
        "coverage_mediation", ROOT / "scripts" / "coverage_mediation.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    monkeypatch.setitem(sys.modules, "coverage_mediation", module)  # dataclasses look it up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.slow
def test_coverage_cluster_bootstrap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Known a*b = 0.2, errors AR(1) within entities: over 500 replications the 95%
    entity-bootstrap percentile CI covers a*b in 93-97% of them; the row bootstrap
    (100 replications) under-covers, below 85%."""
    script = _coverage_script(monkeypatch)
    (cluster,) = script.coverage(replications=500, resamples=("entity",), progress=False)
    assert 0.93 <= cluster.percentile <= 0.97
    (row,) = script.coverage(replications=100, resamples=("row",), progress=False)
    assert row.percentile < 0.85
    assert row.mean_width < cluster.mean_width
