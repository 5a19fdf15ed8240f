"""Multi-way absorbed effects, interactions and aweights against pyfixest (fixest conventions).

Fixtures: tests/fixtures/effects/pyfixest.json, made once by make_fixtures.py beside it
(pyfixest version recorded there). The dummy-variable checks use numpy lstsq in the test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.data.panel import Panel
from regiometrics.engine import estimate
from regiometrics.engine.iv.model import fit_iv_model
from regiometrics.engine.linear.absorb import absorbed_counts, n_components
from regiometrics.engine.linear.fit import fit_linear
from regiometrics.errors import DataError, SpecError
from regiometrics.spec import model_spec
from regiometrics.spec.loader import spec_from_dict
from regiometrics.spec.models import TableSpec
from regiometrics.tables.regression import regression_table

HERE = Path(__file__).parents[1] / "fixtures" / "effects"
FIXTURE = json.loads((HERE / "pyfixest.json").read_text())["cases"]
COEF_RTOL = 1e-8
SE_RTOL = 1e-6

# case: (type, our formula, effects, vcov, aweights)
OURS = {
    "fe3_cluster": ("fe", "y ~ x1 + x2", ["entity", "time", "industry^time"],
                    {"type": "cluster", "by": "entity"}, None),
    "fe3_w_cluster": ("fe", "y ~ x1 + x2", ["entity", "time", "industry^time"],
                      {"type": "cluster", "by": "entity"}, "w"),
    "fe3_w_iid": ("fe", "y ~ x1 + x2", ["entity", "time", "industry^time"],
                  {"type": "unadjusted"}, "w"),
    "fe3_w_hetero": ("fe", "y ~ x1 + x2", ["entity", "time", "industry^time"],
                     {"type": "robust"}, "w"),
    "fe_industry_year": ("fe", "y ~ x1 + x2", ["industry", "time"],
                         {"type": "cluster", "by": "entity"}, None),
    "fe2_w_twoway_cluster": ("fe", "y ~ x1 + x2", ["entity", "time"],
                             {"type": "cluster", "by": ["industry", "time"]}, "w"),
    "ols_w_hetero": ("ols", "y ~ x1 + x2", [], {"type": "robust"}, "w"),
    "ols_w_cluster_region": ("ols", "y ~ x1 + x2", [], {"type": "cluster", "by": "region"}, "w"),
    "expr_fe3_w_cluster": (
        "fe", ("y2 ~ log(size) + I(x1**2) + sqrt(size) + abs(x2) + exp(x2 / 4) + `GDP growth` + "
               "C(region)*x1"), ["entity", "time", "industry^time"],
        {"type": "cluster", "by": "entity"}, "w"),
    "expr_ols_base": ("ols", "y2 ~ log(size) + ib(West).region + I(x1 + x2*2)", [],
                      {"type": "robust"}, None),
    "expr_factor_factor": ("ols", "y2 ~ i.region##i.industry + x1", [],
                           {"type": "cluster", "by": "entity"}, "w"),
    "iv_fe3_w_cluster": ("iv", "y ~ x1 + [x3 ~ z]", ["entity", "time", "industry^time"],
                         {"type": "cluster", "by": "entity"}, "w"),
    # R's marginality rule: x1 is not a term, so every region gets its own slope (Stata's
    # i.region#c.x1 alone); formulaic, and so pyfixest, code the factor the same way
    "expr_separate_slopes": ("fe", "y2 ~ i.region#c.x1 + x2", ["entity", "time"],
                             {"type": "cluster", "by": "entity"}, "w"),
    "iv_separate_slopes": ("iv", "y2 ~ C(region):x1 + [x3 ~ z]", ["entity", "time"],
                           {"type": "cluster", "by": "entity"}, None),
    "iv_fe2_w_twoway_cluster": ("iv", "y ~ x1 + x2 + [x3 ~ z]", ["entity", "time"],
                                {"type": "cluster", "by": ["region", "time"]}, "w"),
    # every East row has y2 missing: the base is the first level of the estimation sample
    # (North; was East, absent, and North was reported against West, sign flipped)
    "factor_base_absent": ("fe", "y2 ~ x1 + i.region", ["time"],
                           {"type": "cluster", "by": "entity"}, None),
    "iv_factor_base_absent": ("iv", "y2 ~ x1 + i.region##c.x2 + [x3 ~ z]", ["time"],
                              {"type": "cluster", "by": "entity"}, "w"),
    # region and industry are constant within entities: omitted with a note, as fixest drops them
    "factor_collinear_with_effects": ("fe", "y2 ~ x1 + C(region) + C(industry)",
                                      ["entity", "time"], {"type": "cluster", "by": "entity"},
                                      None),
    # IV: omitted with a note (was refused: 'no variation left' / 'instruments are collinear')
    "iv_collinear_with_effects": ("iv", "y2 ~ x1 + i.region + [x3 ~ z]", ["entity", "time"],
                                  {"type": "cluster", "by": "entity"}, None),
    "iv_factorial_empty_cell": ("iv", "y2 ~ x1 + i.region##i.industry + [x3 ~ z]", [],
                                {"type": "robust"}, "w"),
    "expr_treatment_base": ("ols", "y2 ~ C(region, Treatment('North'))*x1 + ib2015.year", [],
                            {"type": "robust"}, "w"),
}


def _our_name(term: str) -> str:
    """pyfixest's (formulaic's) term name -> ours: numpy prefix and spaces dropped, the chosen
    base written C(x,base=B), Intercept is _cons."""
    if term == "Intercept":
        return "_cons"
    if term == "GDP growth":
        return term
    term = re.sub(r"C\((\w+), contr\.treatment\(base='?(\w+)'?\)\)", r"C(\1,base=\2)", term)
    return term.replace("np.", "").replace(" ", "")


@pytest.fixture(scope="module")
def panel() -> Panel:
    return Panel(pd.read_csv(HERE / "panel.csv"), "id", "year", source="panel.csv")


@pytest.mark.filterwarnings("ignore::regiometrics.engine.linear.fit.OmittedVariableWarning")
@pytest.mark.parametrize("case", sorted(OURS))
def test_against_pyfixest(panel: Panel, case: str) -> None:
    kind, formula, effects, vcov, aweights = OURS[case]
    keys = {"effects": effects} if effects else {}  # pooled OLS takes no effects key
    model = model_spec(id=case, type=kind, formula=formula, vcov=vcov, aweights=aweights,
                       **keys)
    ref = FIXTURE[case]
    if "blank" in ref:  # the fixture's rows with a column set missing
        column, where = ref["blank"]
        frame = panel.frame.copy()
        frame.loc[frame.eval(where), column] = np.nan
        panel = Panel(frame, "id", "year")
    result = fit_iv_model(model, panel) if kind == "iv" else fit_linear(model, panel)
    assert set(result.params.index) - {"_cons"} == {_our_name(t) for t in ref["params"]} - {"_cons"}
    assert result.nobs == ref["nobs"]
    for term, value in ref["params"].items():
        ours = _our_name(term)
        np.testing.assert_allclose(result.params[ours], value, rtol=COEF_RTOL)
        np.testing.assert_allclose(result.std_errors[ours], ref["std_errors"][term], rtol=SE_RTOL)


def _dummies(codes: np.ndarray) -> np.ndarray:
    return (codes[:, None] == np.arange(int(codes.max()) + 1)[None, :]).astype(float)


def test_disconnected_effects_count_components_like_a_dummy_regression() -> None:
    """Two mobility groups: the second effect loses two levels, not one. The exact count is
    the rank of the dummy matrix [1, D_entity, D_industry]."""
    rng = np.random.default_rng(3)
    ent = np.repeat(np.arange(12), 5)
    # industries 0-2 only for entities 0-5, 3-5 only for entities 6-11: two components
    ind = np.where(ent < 6, rng.integers(0, 3, ent.size), rng.integers(3, 6, ent.size))
    assert n_components(ent, ind) == 2
    D = np.column_stack([np.ones(ent.size), _dummies(ent), _dummies(ind)])
    assert 1 + sum(absorbed_counts([ent, ind])) == np.linalg.matrix_rank(D)
    # the industry nested in entity: adds nothing
    assert absorbed_counts([ind, ent])[1] == np.linalg.matrix_rank(D) - 1 - (ind.max())


def test_unadjusted_fe_equals_dummy_regression_with_weights(panel: Panel) -> None:
    """Weighted FE with industry x time effects = weighted LSDV (numpy lstsq), same SEs when
    K is counted from the rank of the dummy design."""
    model = model_spec(id="m", type="fe", formula="y ~ x1 + x2",
                      effects=["entity", "industry^time"], vcov={"type": "unadjusted"},
                      aweights="w")
    res = fit_linear(model, panel)
    f = panel.frame
    it = pd.factorize(f["industry"] + f["year"].astype(str))[0]
    ent = pd.factorize(f["id"])[0]
    X = np.column_stack([f[["x1", "x2"]].to_numpy(), np.ones(len(f)), _dummies(ent)[:, 1:],
                         _dummies(it)[:, 1:]])
    w = f["w"].to_numpy()
    w = w * len(w) / w.sum()
    r = np.sqrt(w)
    Xw, yw = X * r[:, None], f["y"].to_numpy() * r
    beta, *_ = np.linalg.lstsq(Xw, yw, rcond=None)
    rank = np.linalg.matrix_rank(Xw)
    e = yw - Xw @ beta
    s2 = e @ e / (len(f) - rank)
    cov = s2 * np.linalg.pinv(Xw.T @ Xw)
    np.testing.assert_allclose([res.params["x1"], res.params["x2"]], beta[:2], rtol=COEF_RTOL)
    np.testing.assert_allclose([res.std_errors["x1"], res.std_errors["x2"]],
                               np.sqrt(np.diag(cov))[:2], rtol=SE_RTOL)
    assert res.stats["df_k"] == rank


def test_singletons_dropped_across_all_effects(panel: Panel) -> None:
    frame = panel.frame.copy()
    frame.loc[0, "industry"] = "Z"  # alone in its industry (and industry^time)
    p = Panel(frame, "id", "year")
    model = model_spec(id="m", type="fe", formula="y ~ x1", effects=["entity", "industry^time"],
                      singletons="drop")
    res = fit_linear(model, p)
    assert res.info["n_singletons"] >= 1
    assert res.nobs == len(frame) - res.info["n_singletons"]


def test_bad_effect_and_weights_errors(panel: Panel) -> None:
    raw = {"data": {"path": "panel.csv", "entity": "id", "time": "year"}, "tables": [],
           "models": [{"id": "m1", "type": "fe", "formula": "y ~ x1",
                       "effects": ["entity", "a b"]}]}
    with pytest.raises(SpecError, match=r"^spec.yaml: models.m1.effects: entry 2: cannot read "
                                        r"fixed effect 'a b'"):
        spec_from_dict(raw, source="spec.yaml")
    with pytest.raises(Exception, match="takes effects entity and time only"):
        model_spec(id="m", type="sar", formula="y ~ x1", effects=["entity", "industry"],
                  weights="W")
    model = model_spec(id="m1", type="fe", formula="y ~ x1", effects=["entity", "sector^time"])
    with pytest.raises(DataError, match=r"models.m1.effects: unknown variable 'sector'"):
        fit_linear(model, panel)
    frame = panel.frame.assign(w=panel.frame["w"] - 2.0)
    model = model_spec(id="m1", type="fe", formula="y ~ x1", effects=["entity"], aweights="w")
    with pytest.raises(DataError, match=r"models.m1.aweights: column 'w' has \d+ negative"):
        fit_linear(model, Panel(frame, "id", "year"))


def _lsdv(X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None):
    """Weighted dummy-variable regression: coefficients, rank and unadjusted covariance."""
    r = np.ones(len(y)) if w is None else np.sqrt(w * len(w) / w.sum())
    Xw, yw = X * r[:, None], y * r
    beta, *_ = np.linalg.lstsq(Xw, yw, rcond=None)
    rank = np.linalg.matrix_rank(Xw)
    e = yw - Xw @ beta
    return beta, rank, e @ e / (len(y) - rank) * np.linalg.pinv(Xw.T @ Xw)


def test_unit_trends_equal_dummy_regression(panel: Panel) -> None:
    """``entity[time]`` (fixest id[t]): entity intercepts and entity slopes on the year; alone,
    K is exact (the rank of the LSDV design), so the unadjusted SEs match too."""
    f = panel.frame
    model = model_spec(id="m", type="fe", formula="y ~ x1 + x2", effects=["entity[time]"],
                      vcov={"type": "unadjusted"})
    res = fit_linear(model, panel)
    D = _dummies(pd.factorize(f["id"])[0])
    t = (f["year"] - 2010).to_numpy(dtype=float)
    X = np.column_stack([f[["x1", "x2"]].to_numpy(), D, D * t[:, None]])
    beta, rank, cov = _lsdv(X, f["y"].to_numpy())
    np.testing.assert_allclose([res.params["x1"], res.params["x2"]], beta[:2], rtol=COEF_RTOL)
    np.testing.assert_allclose([res.std_errors["x1"], res.std_errors["x2"]],
                               np.sqrt(np.diag(cov))[:2], rtol=SE_RTOL)
    assert res.stats["df_k"] == rank
    assert res.nobs == len(f)


def test_weighted_trends_with_interacted_effects_equal_dummy_regression(panel: Panel) -> None:
    """``[entity[time], industry^time]`` with aweights: coefficients equal the weighted LSDV
    (K is conservative by documented rule, so only the coefficients are compared)."""
    f = panel.frame
    model = model_spec(id="m", type="fe", formula="y ~ x1 + x2",
                      effects=["entity[time]", "industry^time"], aweights="w",
                      vcov={"type": "unadjusted"})
    res = fit_linear(model, panel)
    D = _dummies(pd.factorize(f["id"])[0])
    t = (f["year"] - 2010).to_numpy(dtype=float)
    it = _dummies(pd.factorize(f["industry"] + f["year"].astype(str))[0])
    X = np.column_stack([f[["x1", "x2"]].to_numpy(), D, D * t[:, None], it])
    beta, rank, _ = _lsdv(X, f["y"].to_numpy(), f["w"].to_numpy())
    np.testing.assert_allclose([res.params["x1"], res.params["x2"]], beta[:2], rtol=COEF_RTOL)
    assert res.stats["df_k"] >= rank


def test_iv_with_unit_trends_equals_2sls_on_dummies(panel: Panel) -> None:
    """IV with ``entity[time]``: 2SLS on the LSDV design (dummies as exogenous regressors)."""
    f = panel.frame
    model = model_spec(id="m", type="iv", formula="y ~ x1 + [x3 ~ z]", effects=["entity[time]"],
                      vcov={"type": "unadjusted"})
    res = fit_iv_model(model, panel)
    D = _dummies(pd.factorize(f["id"])[0])
    t = (f["year"] - 2010).to_numpy(dtype=float)
    W = np.column_stack([f["x1"].to_numpy(), D, D * t[:, None]])
    Z = np.column_stack([f["z"].to_numpy(), W])
    first, *_ = np.linalg.lstsq(Z, f["x3"].to_numpy(), rcond=None)
    X_hat = np.column_stack([Z @ first, W])
    beta, *_ = np.linalg.lstsq(X_hat, f["y"].to_numpy(), rcond=None)
    np.testing.assert_allclose([res.params["x3"], res.params["x1"]], beta[:2], rtol=COEF_RTOL)


def test_tables_show_a_row_per_further_effect(panel: Panel) -> None:
    model = model_spec(id="m", type="fe", formula="y ~ x1", effects=["entity", "industry^time"])
    grid = regression_table([fit_linear(model, panel)],
                            TableSpec(id="t", models=["m"],
                                      indicator_labels={"industry^time": "Industry-year FE"}))
    body = [r.cells for s in grid.sections for r in s]
    assert ("Industry-year FE", "YES") in body and ("Entity FE", "YES") in body


def test_moderation_and_subgroups_absorb_interacted_effects(panel: Panel) -> None:
    """Moderation with [entity, industry^time] has the FE model's slopes; each subgroup fit
    equals the FE model fitted on that group's rows alone."""
    effects = ["entity", "industry^time"]
    fe = model_spec(id="m", type="fe", formula="y ~ x1*x2", effects=effects,
                   vcov={"type": "cluster", "by": "entity"})
    mod = model_spec(id="m", type="moderation", formula="y ~ x1*x2", effects=effects,
                    treatment="x1", moderator="x2", vcov={"type": "cluster", "by": "entity"})
    res_fe, res_mod = estimate(fe, panel), estimate(mod, panel)
    for term in ("x1", "x2", "x1:x2"):
        np.testing.assert_allclose(res_mod.params[term], res_fe.params[term], rtol=COEF_RTOL)
        np.testing.assert_allclose(res_mod.std_errors[term], res_fe.std_errors[term],
                                   rtol=SE_RTOL)
    by = model_spec(id="s", type="fe", formula="y ~ x1 + x2", effects=effects, by="region",
                   vcov={"type": "cluster", "by": "entity"})
    res_by = estimate(by, panel)
    for name, comp in res_by.components.items():
        alone = fit_linear(fe.replace(formula="y ~ x1 + x2"),
                           panel.subset((panel.frame["region"] == name).to_numpy()))
        np.testing.assert_allclose(comp.params["x1"], alone.params["x1"], rtol=COEF_RTOL)
        np.testing.assert_allclose(comp.std_errors["x1"], alone.std_errors["x1"], rtol=SE_RTOL)
    assert set(res_by.components) == {"East", "North", "West"}


def test_twoway_cluster_not_psd_is_fixed_like_reghdfe(panel: Panel) -> None:
    """fe2_w_twoway_cluster: V1 + V2 - V12 of [slopes, _cons] has a negative variance (the
    constant's), fixest's trigger. The fix (Cameron, Gelbach and Miller 2011, sec. 2.3;
    reghdfe_fix_psd with a reported constant): negative eigenvalues of the whole matrix set to
    zero, then the slope block put back (its variances are positive): slope SEs stay equal to
    pyfixest's (which reports no constant), the constant gets a finite SE, and the result
    carries a note. The reference sandwich is rebuilt here with numpy from the weighted
    augmented design."""
    kind, formula, effects, vcov, aweights = OURS["fe2_w_twoway_cluster"]
    model = model_spec(id="m", type=kind, formula=formula, effects=effects, vcov=vcov,
                      aweights=aweights)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        res = fit_linear(model, panel)
    ref = FIXTURE["fe2_w_twoway_cluster"]
    for term in ("x1", "x2"):
        np.testing.assert_allclose(res.std_errors[term], ref["std_errors"][term], rtol=SE_RTOL)
    assert any("negative variance" in n for n in res.info["notes"])
    # the raw two-way sandwich on [X~ + xbar, 1] (weighted), by hand
    f = panel.frame
    w = f["w"].to_numpy() * len(f) / f["w"].sum()
    ent, yr = pd.factorize(f["id"])[0], pd.factorize(f["year"])[0]
    D = np.column_stack([_dummies(ent), _dummies(yr)[:, 1:]])
    X = f[["x1", "x2"]].to_numpy()
    y = f["y"].to_numpy()
    r = np.sqrt(w)
    full = np.column_stack([X, D]) * r[:, None]
    beta, *_ = np.linalg.lstsq(full, y * r, rcond=None)
    e = y * r - full @ beta
    xbar = np.average(X, axis=0, weights=w)
    Xt = X - D @ np.linalg.lstsq(D * r[:, None], X * r[:, None], rcond=None)[0]
    A = np.column_stack([Xt + xbar, np.ones(len(f))]) * r[:, None]
    B = np.linalg.inv(A.T @ A)
    s = A * e[:, None]

    def meat(codes: np.ndarray) -> np.ndarray:
        g = np.zeros((int(codes.max()) + 1, s.shape[1]))
        np.add.at(g, codes, s)
        return g.T @ g

    ind = pd.factorize(f["industry"])[0]
    both = pd.factorize(f["industry"] + f["year"].astype(str))[0]
    # K (fixest): entities (inside industries) and years are nested in a cluster: not counted
    n, k, G = len(f), 3, min(ind.max(), yr.max()) + 1
    V = G / (G - 1) * (n - 1) / (n - k) * B @ (meat(ind) + meat(yr) - meat(both)) @ B
    lam, U = np.linalg.eigh((V + V.T) / 2)
    assert lam[0] < 0
    fixed = U @ np.diag(np.maximum(lam, 0)) @ U.T
    fixed[:2, :2] = V[:2, :2]
    np.testing.assert_allclose(res.vcov, fixed, rtol=1e-6, atol=1e-12)
    assert np.isfinite(res.std_errors["_cons"])


def test_psd_fix_only_for_a_negative_variance() -> None:
    """fixest's trigger: non-negative variances are left alone even when the matrix is not
    semi-definite (then SEs equal fixest's and pyfixest's); a negative one is fixed to a
    semi-definite matrix."""
    from regiometrics.engine.linear.vcov import psd_fix
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 3))
    V = a @ a.T  # PSD, rank 3 (a zero eigenvalue up to rounding)
    out, fixed = psd_fix(V, keep=3)
    assert not fixed and out is V
    indefinite = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert psd_fix(indefinite) == (indefinite, False)
    bad = V - 2 * np.outer(np.ones(4), np.ones(4)) * np.abs(V).max()
    out, fixed = psd_fix(bad)
    assert fixed and np.linalg.eigvalsh(out)[0] >= -1e-12 * np.abs(out).max()


TRENDS = json.loads((HERE / "fixest_trends.json").read_text())["cases"]
# case: (type, formula, effects, vcov, aweights), fixest's id[year] written entity[time]
TREND_CASES = {
    "trend_year_iid": ("fe", "y ~ x1 + x2", ["entity[time]", "time"], {"type": "unadjusted"},
                       None),
    "trend_year_hetero": ("fe", "y ~ x1 + x2", ["entity[time]", "time"], {"type": "robust"},
                          None),
    "trend_year_cluster_id": ("fe", "y ~ x1 + x2", ["entity[time]", "time"],
                              {"type": "cluster", "by": "entity"}, None),
    "trend_year_w_cluster_industry": ("fe", "y ~ x1 + x2", ["entity[time]", "time"],
                                      {"type": "cluster", "by": "industry"}, "w"),
    "trend_alone_cluster_id": ("fe", "y ~ x1 + x2", ["entity[time]"],
                               {"type": "cluster", "by": "entity"}, None),
    "iv_trend_year_cluster_id": ("iv", "y ~ x1 + [x3 ~ z]", ["entity[time]", "time"],
                                 {"type": "cluster", "by": "entity"}, None),
}


@pytest.mark.parametrize("case", sorted(TREND_CASES))
def test_unit_trends_against_fixest(panel: Panel, case: str) -> None:
    """R fixest 0.12.2 (fixture made by make_fixest_trends.R): K counts every entity's
    intercept and trend and the year effects less one reference (one above the rank: the
    common trend lies in both spans), as ours does; under clustering the intercepts of an
    effect nested in the cluster leave K, its trends stay."""
    kind, formula, effects, vcov, aweights = TREND_CASES[case]
    model = model_spec(id=case, type=kind, formula=formula, effects=effects, vcov=vcov,
                      aweights=aweights)
    result = fit_iv_model(model, panel) if kind == "iv" else fit_linear(model, panel)
    ref = TRENDS[case]
    assert result.nobs == ref["nobs"]
    for term, value in ref["params"].items():
        fit_name = "x3" if term == "fit_x3" else term
        np.testing.assert_allclose(result.params[fit_name], value, rtol=COEF_RTOL)
        np.testing.assert_allclose(result.std_errors[fit_name], ref["std_errors"][term],
                                   rtol=SE_RTOL)
    if vcov["type"] != "cluster":
        assert result.stats["df_k"] == ref["dof_k"]


@pytest.mark.filterwarnings("ignore::regiometrics.engine.linear.fit.OmittedVariableWarning")
def test_iv_regressor_absorbed_by_the_effects_is_omitted_in_the_wild_bootstrap_too(
        panel: Panel) -> None:
    """C(region) is constant within entities: omitted with a note, and the WRE bootstrap runs
    on the regressors the fit kept, so fit and bootstrap equal those of the model without it."""
    keys = {"type": "iv", "effects": ["entity", "time"], "vcov": {"type": "cluster", "by": "entity"},
            "wild_bootstrap": {"draws": 199, "seed": 7}}
    with_region = estimate(model_spec(id="a", formula="y2 ~ x1 + i.region + [x3 ~ z]", **keys),
                           panel)
    without = estimate(model_spec(id="b", formula="y2 ~ x1 + [x3 ~ z]", **keys), panel)
    assert with_region.info["omitted"] == ["C(region)[T.North]", "C(region)[T.West]"]
    assert with_region.info["notes"][0].startswith("C(region)[T.North] omitted: no variation")
    pd.testing.assert_series_equal(with_region.params, without.params, rtol=COEF_RTOL)
    assert with_region.wild_bootstrap is not None
    assert with_region.wild_bootstrap == without.wild_bootstrap
