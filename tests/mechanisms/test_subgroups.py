"""Subgroups: per-group fits, the interaction Wald test of equal coefficients, permutations.

References: separate linearmodels ``PanelOLS`` two-way FE fits on each subsample (rtol
1e-10), and the fully interacted regression built by hand below with explicit dummy
columns (entity dummies, group x year dummies) and a cluster sandwich written out in numpy;
its Wald statistic must equal ours (rtol 1e-8). Data: Munnell's Produc (R plm).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from linearmodels.panel import PanelOLS
from scipy import stats as sps

from regiometrics.data.panel import Panel
from regiometrics.engine.linear.fit import fit_linear
from regiometrics.engine.mechanisms.subgroups import (
    _sub_model,
    assign_groups,
    fit_subgroups,
    permutation_test,
)
from regiometrics.engine.registry import estimate
from regiometrics.errors import DataError, IdentificationError, SpecError
from regiometrics.spec import model_spec
from regiometrics.spec.loader import spec_from_dict
from tests.mechanisms.mechanism_helpers import model, produc_frame, produc_panel

CONTROLS = ["lpc", "lemp"]


def split_model(**extra):
    return model(formula="lgsp ~ lpcap", controls=CONTROLS,
                 split={"var": "unemp", "at": "median", "level": "entity"}, **extra)


def hand_wald(frame: pd.DataFrame, group: np.ndarray, regressors: list[str],
              tested: list[str], vcov: str = "cluster",
              weights: np.ndarray | None = None) -> tuple[float, float]:
    """Wald F and its p from an explicit dummy regression with state-clustered CRV1 (or HC1);
    with ``weights``, WLS as OLS on rows scaled by their square roots."""
    names = sorted(set(group))
    cols, labels = [], []
    for g in names:
        d = (group == g).astype(float)
        for x in regressors:
            cols.append(frame[x].to_numpy() * d)
            labels.append((x, g))
    n_slopes = len(cols)
    ent = pd.get_dummies(frame["state"]).to_numpy(float)
    gy = pd.get_dummies(pd.Series(group).astype(str) + "_" + frame["year"].astype(str).values)
    firsts = {f"{g}_{frame.year[group == g].min()}" for g in names}
    gy = gy[[c for c in gy.columns if c not in firsts]].to_numpy(float)
    X = np.column_stack([*cols, ent, gy])
    y = frame["lgsp"].to_numpy()
    if weights is not None:
        root = np.sqrt(weights)
        X, y = X * root[:, None], y * root
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    codes = pd.factorize(frame["state"])[0]
    scores = np.zeros((codes.max() + 1, X.shape[1]))
    np.add.at(scores, codes, X * e[:, None])
    n, n_cl = len(y), codes.max() + 1
    if vcov == "robust":  # HC1 with K = every column of the full-rank dummy design
        s = X * e[:, None]
        V = n / (n - X.shape[1]) * bread @ (s.T @ s) @ bread
        df = n - X.shape[1]
    else:
        # fixest convention: entity dummies are nested in the state clusters and not counted,
        # except one intercept per group; slopes and group x year dummies are counted.
        k = n_slopes + gy.shape[1] + len(names)
        V = (n_cl / (n_cl - 1)) * ((n - 1) / (n - k)) * bread @ (scores.T @ scores) @ bread
        df = n_cl - 1
    V = V[:n_slopes, :n_slopes]
    b = beta[:n_slopes]
    R = []
    for x in tested:
        for g in names[1:]:
            r = np.zeros(n_slopes)
            r[labels.index((x, names[0]))], r[labels.index((x, g))] = -1, 1
            R.append(r)
    R = np.array(R)
    w = float((R @ b) @ np.linalg.solve(R @ V @ R.T, R @ b))
    q = len(R)
    return w / q, float(sps.f.sf(w / q, q, df))


@pytest.mark.parametrize("which", ["split", "region"])
def test_subgroup_fits_equal_separate_fits_and_wald_equals_hand_regression(which):
    frame = produc_frame()
    if which == "split":
        m = split_model()
        means = frame.groupby("state")["unemp"].transform("mean")
        group = np.where(means > means.groupby(frame.state).first().median(), "high", "low")
    else:
        m = model(formula="lgsp ~ lpcap", controls=CONTROLS, by="region")
        group = frame["region"].astype(str).to_numpy()
    res = estimate(m, produc_panel(frame))
    assert set(res.components) == set(group)
    for name, comp in res.components.items():
        sub = frame[group == name]
        d = sub.set_index(["state", "year"])
        ref = PanelOLS(d.lgsp, d[["lpcap", *CONTROLS]], entity_effects=True,
                       time_effects=True).fit().params
        for term in ["lpcap", *CONTROLS]:
            np.testing.assert_allclose(comp.params[term], ref[term], rtol=1e-10)
            np.testing.assert_allclose(res.params[f"{term}@{name}"], ref[term], rtol=1e-10)
        own = fit_linear(model(formula="lgsp ~ lpcap", controls=CONTROLS), produc_panel(sub))
        np.testing.assert_allclose(comp.std_errors["lpcap"], own.std_errors["lpcap"], rtol=1e-10)
    f, p = hand_wald(frame, group, ["lpcap", *CONTROLS], ["lpcap"])
    np.testing.assert_allclose(res.stats["equality_F"], f, rtol=1e-8)
    np.testing.assert_allclose(res.stats["equality_p"], p, rtol=1e-6)
    assert res.info["equality"]["terms"] == ["lpcap"]
    pooled = res.info["equality"]["pooled_coefficients"]
    for name, comp in res.components.items():
        np.testing.assert_allclose(pooled[f"lpcap@{name}"], comp.params["lpcap"], rtol=1e-8)


def test_weighted_wald_matches_hand_weighted_regression():
    """aweights: the fully interacted regression is weighted (WLS on sqrt(w)-scaled rows)."""
    frame = produc_frame()
    res = estimate(split_model(aweights="emp"), produc_panel(frame))
    means = frame.groupby("state")["unemp"].transform("mean")
    group = np.where(means > means.groupby(frame.state).first().median(), "high", "low")
    f, p = hand_wald(frame, group, ["lpcap", *CONTROLS], ["lpcap"],
                     weights=frame["emp"].to_numpy())
    np.testing.assert_allclose(res.stats["equality_F"], f, rtol=1e-8)
    np.testing.assert_allclose(res.stats["equality_p"], p, rtol=1e-6)
    unweighted = estimate(split_model(), produc_panel(frame))
    assert abs(res.stats["equality_F"] / unweighted.stats["equality_F"] - 1) > 1e-3


def test_several_tested_terms_match_hand_regression():
    frame = produc_frame()
    res = estimate(split_model(equality_terms=["lpcap", "lemp"]), produc_panel(frame))
    means = frame.groupby("state")["unemp"].transform("mean")
    group = np.where(means > means.groupby(frame.state).first().median(), "high", "low")
    f, _ = hand_wald(frame, group, ["lpcap", *CONTROLS], ["lpcap", "lemp"])
    np.testing.assert_allclose(res.stats["equality_F"], f, rtol=1e-8)
    assert res.stats["equality_df"] == 2
    diff = res.effects["difference"]["lpcap"].estimate
    np.testing.assert_allclose(diff, res.params["lpcap@high"] - res.params["lpcap@low"],
                               rtol=1e-8)


def test_robust_vcov_wald_matches_hand_regression():
    frame = produc_frame()
    res = estimate(split_model(vcov={"type": "robust"}), produc_panel(frame))
    means = frame.groupby("state")["unemp"].transform("mean")
    group = np.where(means > means.groupby(frame.state).first().median(), "high", "low")
    f, p = hand_wald(frame, group, ["lpcap", *CONTROLS], ["lpcap"], vcov="robust")
    np.testing.assert_allclose(res.stats["equality_F"], f, rtol=1e-8)
    np.testing.assert_allclose(res.stats["equality_p"], p, rtol=1e-6)


def test_permutation_reproducible_and_vectorised_equals_loop():
    panel = produc_panel()
    m = split_model(permutations=99, seed=5)
    a = estimate(m, panel)
    b = estimate(m, panel)
    assert a.stats["permutation_p"] == b.stats["permutation_p"]
    c = estimate(m.replace(seed=6), panel)
    assert c.stats["permutation_p"] != a.stats["permutation_p"]
    groups = assign_groups(m, panel)
    comps = dict(a.components)
    subs = {}
    for g, name in enumerate(groups.names):
        rows = np.flatnonzero(groups.codes == g)
        subs[name] = (_sub_model(m, name),
                      Panel(panel.frame.iloc[rows], panel.entity, panel.time), rows)
    fast = permutation_test(m, panel, groups, comps, subs, ["lpcap"], reps=99, seed=5,
                            progress=False)
    slow = permutation_test(m, panel, groups, comps, subs, ["lpcap"], reps=99, seed=5,
                            progress=False, vectorised=False)
    assert fast["lpcap"].pvalue == slow["lpcap"].pvalue == a.stats["permutation_p"]
    np.testing.assert_allclose(fast["lpcap"].std_error, slow["lpcap"].std_error, rtol=1e-8)


def test_periods_and_entity_year_split():
    frame = produc_frame()
    res = estimate(model(formula="lgsp ~ lpcap", controls=CONTROLS,
                         periods={"early": [1970, 1977], "late": [1980, 1986]}),
                   produc_panel(frame))
    assert res.components["early"].nobs == 48 * 8 and res.components["late"].nobs == 48 * 7
    assert res.info["subgroups"]["n_excluded"] == 48 * 2
    ey = estimate(model(formula="lgsp ~ lpcap", controls=CONTROLS,
                        split={"var": "unemp", "at": 6.0, "level": "entity_year"}),
                  produc_panel(frame))
    assert ey.components["high"].nobs == int((frame.unemp > 6.0).sum())
    assert ey.info["subgroups"]["level"] == "entity_year"


def test_periods_may_share_their_turning_year():
    """As resilience phases do (2008-2009, 2009-2011): the shared year is in both fits."""
    frame = produc_frame()
    res = estimate(model(formula="lgsp ~ lpcap", controls=CONTROLS,
                         periods={"down": [1970, 1975], "up": [1975, 1986]}),
                   produc_panel(frame))
    assert res.components["down"].nobs == 48 * 6 and res.components["up"].nobs == 48 * 12
    assert res.info["subgroups"]["shared_years"] == [1975]
    assert "equality_p" not in res.stats
    assert any("share their turning years (1975)" in n for n in res.info["notes"])
    alone = estimate(model(formula="lgsp ~ lpcap", controls=CONTROLS, id="u",
                           filter="year >= 1975"), produc_panel(frame))
    assert res.params["lpcap@up"] == pytest.approx(alone.params["lpcap"], rel=1e-12)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"by": "region", "periods": {"a": [1970, 1980]}}, "one subgroup key"),
        ({"split": {"var": "unemp"}}, "level"),
        ({"by": "region", "permutations": 99}, "needs a seed"),
        ({"permutations": 99, "seed": 1}, "need a subgroup key"),
        ({"by": "region", "hausman": True}, "Hausman"),
    ],
)
def test_bad_subgroup_specs(fields, message):
    m = {"id": "m", "type": "fe", "formula": "lgsp ~ lpcap", "effects": ["entity"], **fields}
    with pytest.raises(SpecError, match=message):
        spec_from_dict({"data": {"path": "x.csv", "entity": "state"}, "models": [m]})


def test_bad_subgroup_data():
    panel = produc_panel()
    with pytest.raises(SpecError, match=r"periods\.b: \[1975, 1986\] overlaps period 'a' "
                                        r"\[1970, 1980\] by more than a turning year"):
        estimate(model(formula="lgsp ~ lpcap", periods={"a": [1970, 1980], "b": [1975, 1986]}),
                 panel)
    with pytest.raises(DataError, match="subgroup 'b' has no rows"):
        estimate(model(formula="lgsp ~ lpcap", periods={"a": [1970, 1980], "b": [1990, 1995]}),
                 panel)
    with pytest.raises(SpecError, match="equality_terms: lpc not among"):
        estimate(model(formula="lgsp ~ lpcap", by="region", equality_terms=["lpc"]), panel)
    with pytest.raises(IdentificationError, match="has rank"):
        estimate(model(formula="lgsp ~ lpcap", controls=["lpc", "lemp", "unemp"], by="region",
                       equality_terms=["lpcap", "lpc", "lemp", "unemp"]), panel)


def test_singular_reassignments_are_left_out():
    """A reassignment whose group regressors are collinear is NaN, not a failure."""
    from regiometrics.engine.mechanisms.subgroups import _solve

    good = np.array([[4.0, 2.0], [2.0, 1.0]])  # y'y, x'y / x'y, x'x -> beta = 2
    bad = np.array([[1.0, 0.0], [0.0, 0.0]])
    out = _solve(np.stack([good, bad]))
    assert out[0, 0] == 2.0 and np.isnan(out[1, 0])


def test_permutations_need_two_groups():
    res = estimate(model(formula="lgsp ~ lpcap", by="region", permutations=9, seed=1),
                   produc_panel())
    assert "permutation_p" not in res.stats
    assert "no permutation test: it compares two groups, not 9" in res.info["notes"]


def test_non_linear_type_gets_fits_without_test():
    res = fit_subgroups(model_spec(id="m", type="re", formula="lgsp ~ lpcap", by="region"),
                        produc_panel(),
                        lambda m, p: estimate(m, p))
    assert len(res.components) == 9 and "equality_p" not in res.stats
    assert "no equality test" in res.info["notes"][0]


def test_weighted_permutations_equal_refits_of_permuted_groups():
    """With aweights every permutation refits both groups by weighted FE: the permuted
    differences equal fit_linear on the reassigned states' rows (same draws)."""
    frame = produc_frame()
    panel = produc_panel(frame)
    m = split_model(aweights="emp", permutations=9, seed=4)
    res = estimate(m, panel)
    states = np.sort(frame.state.unique())
    means = frame.groupby("state")["unemp"].mean()
    high = (means > means.median()).reindex(states).to_numpy().astype(np.int64)
    perms = np.random.default_rng(4).permuted(np.tile(high, (9, 1)), axis=1)
    base = m.replace(split=None, permutations=None, seed=None)
    diffs = []
    for perm in perms:
        chosen = set(states[perm == 1])
        rows = frame.state.isin(chosen).to_numpy()
        fits = [fit_linear(base, panel.subset(r)) for r in (~rows, rows)]
        diffs.append(fits[1].params["lpcap"] - fits[0].params["lpcap"])
    perm = res.effects["permutation"]["lpcap"]
    np.testing.assert_allclose(perm.std_error, np.std(diffs, ddof=1), rtol=1e-8)
    observed = res.params["lpcap@high"] - res.params["lpcap@low"]
    p = (1 + np.sum(np.abs(diffs) >= abs(observed) * (1 - 1e-12))) / 10
    assert perm.pvalue == p
