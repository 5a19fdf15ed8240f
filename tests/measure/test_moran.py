"""Moran's I: global (per period of a panel), local, permutation p-values, scatter plots.

References
----------
* R spdep 1.2-7 ``moran.test`` (randomisation = TRUE/FALSE, alternative = "two.sided" /
  "greater", adjust.n = FALSE, zero.policy = TRUE) and ``localmoran`` (mlvar = TRUE,
  conditional = TRUE/FALSE) on Anselin's Columbus data (49 areas, queen contiguity of GeoDa's
  columbus.gal, row-standardised "W", binary "B", and "W" with area 5 made an island) and on
  the 48-state per-capita income panel 1929-2009 (libpysal example us_income) under queen,
  inverse-distance, economic-distance and nested weights. Script and inputs:
  tests/fixtures/moran/spdep_reference.R, make_inputs.py; values in spdep_moran.json
  (15 significant digits, jsonlite's maximum).
* esda 2.9 ``Moran`` and ``Moran_Local`` (permutations = 0) on the same Columbus data.
* Permutation p-values: exact enumeration of all permutations for N = 8.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from types import SimpleNamespace

import esda
import libpysal
import numpy as np
import pandas as pd
import pytest

from regiometrics.data import weights as sw
from regiometrics.data import weights_io as wio
from regiometrics.errors import DataError, SpecError
from regiometrics.measure.moran import (
    MORAN_FIELDS,
    global_moran,
    local_moran,
    moran_panel,
    moran_scatter,
)
from regiometrics.measure.moran_plot import plot_moran_scatter, save_figure

FIX = Path(__file__).parents[1] / "fixtures" / "moran"
R = json.loads((FIX / "spdep_moran.json").read_text())
ALT = {"two.sided": "two-sided", "greater": "greater"}
QUAD = {"High-High": "HH", "Low-High": "LH", "Low-Low": "LL", "High-Low": "HL"}


def _num(values) -> np.ndarray:
    return np.array([float(v) for v in values])


@pytest.fixture(scope="module")
def columbus() -> tuple[pd.DataFrame, dict[str, sw.SpatialWeights]]:
    data = pd.read_csv(FIX / "columbus.csv")
    pairs = pd.read_csv(FIX / "columbus_queen.csv")
    ids = data.POLYID.tolist()
    binary = wio.from_pairs(pairs, entities=ids)
    cut = pairs[(pairs["from"] != 5) & (pairs["to"] != 5)]
    with pytest.warns(sw.IslandWarning, match="islands\\): 5\\."):
        island = wio.from_pairs(cut, entities=ids)
    weights = {
        "queen_W": binary.row_standardize(),
        "queen_B": binary,
        "queen_W_island": island.row_standardize(),
    }
    return data, weights


# ------------------------------------------------------------------- global
def test_global_matches_spdep_moran_test_columbus(columbus):
    """I, E[I], variances, z and p under normality and randomisation equal spdep's."""
    data, weights = columbus
    rows = R["columbus_global"]
    assert len(rows) == 3 * 3 * 4
    for row in rows:
        res = global_moran(data[row["variable"]].to_numpy(), weights[row["weights"]],
                           permutations=0, alternative=ALT[row["alternative"]])
        kind = "rand" if row["randomisation"] else "norm"
        np.testing.assert_allclose(res.I, row["I"], rtol=1e-10)
        np.testing.assert_allclose(res.expected, row["expected"], rtol=1e-10)
        np.testing.assert_allclose(getattr(res, f"variance_{kind}"), row["variance"], rtol=1e-10)
        np.testing.assert_allclose(getattr(res, f"z_{kind}"), row["z"], rtol=1e-10)
        np.testing.assert_allclose(getattr(res, f"p_{kind}"), row["p"], rtol=1e-9)
        assert math.isnan(res.p_perm)


@pytest.mark.parametrize("two_tailed", [True, False])
def test_global_matches_esda(columbus, two_tailed):
    """Same numbers as esda.Moran with the weights used as given (transformation 'o')."""
    data, weights = columbus
    for name, w in weights.items():
        lw = w.to_libpysal()
        for var in ("CRIME", "INC", "HOVAL"):
            y = data[var].to_numpy()
            ref = esda.Moran(y, lw, transformation="o", permutations=0, two_tailed=two_tailed)
            alt = "two-sided" if two_tailed else ("greater" if ref.z_norm > 0 else "less")
            res = global_moran(y, w, permutations=0, alternative=alt)
            for ours, theirs in [("I", "I"), ("expected", "EI"), ("variance_norm", "VI_norm"),
                                 ("z_norm", "z_norm"), ("p_norm", "p_norm"),
                                 ("variance_rand", "VI_rand"), ("z_rand", "z_rand"),
                                 ("p_rand", "p_rand")]:
                np.testing.assert_allclose(getattr(res, ours), getattr(ref, theirs), rtol=1e-10,
                                           err_msg=f"{name} {var} {ours}")


def test_panel_matches_spdep_us_income():
    """moran_panel over 1929-2009 with queen, inverse-distance, economic and nested weights
    (all built here and row-standardised) equals spdep year by year."""
    panel = pd.read_csv(FIX / "us_income_panel.csv")
    panel["log_income"] = np.log(panel["income"])
    states = pd.read_csv(FIX / "us_states.csv")
    geo = sw.inverse_distance(states, entity="state")
    econ = sw.economic_distance(panel, entity="state", variable="income")
    weights = {
        "queen": wio.contiguity(libpysal.examples.get_path("us48.shp"),
                                id_column="STATE_NAME").row_standardize(),
        "inverse_distance": geo.row_standardize(),
        "economic": econ.row_standardize(),
        "nested": sw.nested(geo, econ).row_standardize(),
    }
    out = moran_panel(panel, entity="state", time="year", variables=["income", "log_income"],
                      weights=weights, permutations=0)
    assert list(out.columns) == list(MORAN_FIELDS)
    assert len(out) == 2 * 4 * 81 and out["p_perm"].isna().all()
    table = out.set_index(["variable", "weights", "time"])
    assert len(R["us_income_global"]) == 17 * 2 * 4 * 2
    for row in R["us_income_global"]:
        got = table.loc[(row["variable"], row["weights"], row["time"])]
        kind = "rand" if row["randomisation"] else "norm"
        np.testing.assert_allclose(got["I"], row["I"], rtol=1e-10)
        np.testing.assert_allclose(got["expected"], row["expected"], rtol=1e-10)
        np.testing.assert_allclose(got[f"variance_{kind}"], row["variance"], rtol=1e-10)
        np.testing.assert_allclose(got[f"z_{kind}"], row["z"], rtol=1e-10)
        np.testing.assert_allclose(got[f"p_{kind}"], row["p"], rtol=1e-9)


# ------------------------------------------------------------------- local
def test_local_matches_spdep_localmoran(columbus):
    """Ii, E[Ii], Var[Ii], z, p (conditional and total nulls) and quadrants equal spdep's."""
    data, weights = columbus
    assert len(R["columbus_local"]) == 3 * 3 * 2 * 2
    for row in R["columbus_local"]:
        res = local_moran(data[row["variable"]].to_numpy(), weights[row["weights"]],
                          permutations=0, cluster_p="norm", alternative=ALT[row["alternative"]],
                          null="conditional" if row["conditional"] else "total")
        for col in ("Ii", "expected", "variance", "z"):
            np.testing.assert_allclose(res[col].to_numpy(), _num(row[col]), rtol=1e-10,
                                       atol=1e-14, err_msg=f"{row['weights']} {col}")
        np.testing.assert_allclose(res["p_norm"].to_numpy(), _num(row["p"]), rtol=1e-9)
        assert res["quadrant"].tolist() == [QUAD[q] for q in row["quadrant"]]


def test_local_matches_esda(columbus):
    """esda's Is is (N-1)/N times ours; its EIc/VIc (conditional), EI/VI (total) and q agree.

    Reference: esda 2.9.0, stored in tests/fixtures/moran/esda_local_columbus.json by
    make_esda_local.py (esda 2.6-2.8 give another total variance VI).
    """
    data, weights = columbus
    w = weights["queen_W"]
    y = data["CRIME"].to_numpy()
    ref = SimpleNamespace(**{k: np.asarray(v) for k, v in
                             json.loads((FIX / "esda_local_columbus.json").read_text()).items()
                             if k != "source"})
    cond = local_moran(y, w, permutations=0, cluster_p="norm", null="conditional")
    total = local_moran(y, w, permutations=0, cluster_p="norm", null="total")
    np.testing.assert_allclose(cond["Ii"] * 48 / 49, ref.Is, rtol=1e-12)
    np.testing.assert_allclose(cond["expected"], ref.EIc, rtol=1e-12)
    np.testing.assert_allclose(cond["variance"], ref.VIc, rtol=1e-12)
    np.testing.assert_allclose(total["expected"], ref.EI, rtol=1e-12)
    np.testing.assert_allclose(total["variance"], ref.VI, rtol=1e-12)
    assert cond["quadrant"].map({"HH": 1, "LH": 2, "LL": 3, "HL": 4}).tolist() == ref.q.tolist()


def test_local_clusters_follow_significance_filter(columbus):
    data, weights = columbus
    res = local_moran(data["CRIME"].to_numpy(), weights["queen_W"], permutations=499, seed=3,
                      significance=0.05)
    sig = res["p_perm"] <= 0.05
    assert (res.loc[sig, "cluster"] == res.loc[sig, "quadrant"]).all()
    assert (res.loc[~sig, "cluster"] == "ns").all()
    assert sig.sum() >= 5  # Columbus crime has well-known HH and LL clusters
    assert set(res.loc[sig, "cluster"]) <= {"HH", "LL", "LH", "HL"}
    assert {"HH", "LL"} <= set(res.loc[sig, "cluster"])


# ----------------------------------------------------- permutation p-values
@pytest.fixture(scope="module")
def small() -> tuple[np.ndarray, sw.SpatialWeights]:
    """N = 8, asymmetric random weights (no two permutations give the same statistic)."""
    rng = np.random.default_rng(20240611)
    links = rng.random((8, 8)) < 0.45
    np.fill_diagonal(links, False)
    links[np.arange(8), (np.arange(8) + 1) % 8] = True  # no islands
    m = np.where(links, rng.uniform(0.5, 2.0, (8, 8)), 0.0)
    y = np.array([3.1, 4.7, 2.2, 5.9, 6.3, 1.5, 4.1, 3.8])
    return y, sw.from_array(m, list("abcdefgh"))


def test_global_permutation_p_matches_exact_enumeration(small):
    """With M = 20000 draws, p_perm is within 4.5 binomial s.e. of the exact p over all 8!."""
    y, w = small
    z = y - y.mean()
    wm = w.to_dense()
    perms = np.array(list(itertools.permutations(range(8))))
    zp = z[perms]
    i_all = 8 / wm.sum() * np.einsum("pi,ij,pj->p", zp, wm, zp) / (z @ z)
    i_obs = global_moran(y, w, permutations=0).I
    m = 20000
    exact = {"greater": np.mean(i_all >= i_obs - 1e-12), "less": np.mean(i_all <= i_obs + 1e-12)}
    exact["two-sided"] = min(1.0, 2 * min(exact["greater"], exact["less"]))
    for alt, p in exact.items():
        got = global_moran(y, w, permutations=m, seed=11, alternative=alt).p_perm
        se = math.sqrt(p * (1 - p) / m) * (2 if alt == "two-sided" else 1)
        assert abs(got - p) < 4.5 * se + 2 / m, (alt, got, p)
    assert 0.005 < min(exact["greater"], exact["less"]) < 0.4  # informative, not at a boundary


def test_local_permutation_p_matches_exact_conditional_enumeration(small):
    """Conditional permutation p of every entity against all ordered draws of its neighbours."""
    y, w = small
    z = y - y.mean()
    m2 = z @ z / 8
    wm = w.to_dense()
    m = 20000
    res = local_moran(y, w, permutations=m, seed=5, alternative="greater")
    for i in range(8):
        nb = np.flatnonzero(wm[i])
        others = [j for j in range(8) if j != i]
        draws = np.array(list(itertools.permutations(others, len(nb))))
        sims = z[i] / m2 * (z[draws] @ wm[i, nb])
        p = np.mean(sims >= res["Ii"][i] - 1e-12)
        se = math.sqrt(p * (1 - p) / m)
        assert abs(res["p_perm"][i] - p) < 4.5 * se + 2 / m, (i, res["p_perm"][i], p)


def test_permutations_are_seeded_and_cell_specific(columbus):
    data, weights = columbus
    y = data["CRIME"].to_numpy()
    a = global_moran(y, weights["queen_W"], permutations=99, seed=1, alternative="less")
    b = global_moran(y, weights["queen_W"], permutations=99, seed=1, alternative="less")
    c = global_moran(y, weights["queen_W"], permutations=99, seed=2, alternative="less")
    assert a.p_perm == b.p_perm == 1.0 and c.p_perm == 1.0  # I = 0.50 beats every draw
    panel = pd.DataFrame({"id": np.tile(data.POLYID, 2), "t": np.repeat([1, 2], 49),
                          "x": np.concatenate([data.CRIME, data.HOVAL]),
                          "v": np.concatenate([data.INC, data.CRIME])})
    w = {"W": weights["queen_W"]}
    loc = local_moran(y, weights["queen_W"], permutations=199, seed=4)
    assert loc.equals(local_moran(y, weights["queen_W"], permutations=199, seed=4))
    big = moran_panel(panel, entity="id", time="t", variables=["x", "v"], weights=w,
                      permutations=199, seed=9, alternative="two-sided")
    one = moran_panel(panel[panel.t == 2], entity="id", time="t", variables=["x"], weights=w,
                      permutations=199, seed=9, alternative="two-sided")
    np.testing.assert_array_equal(
        big.query("variable == 'x' and time == 2")["p_perm"].to_numpy(), one["p_perm"].to_numpy())
    assert big["p_perm"].between(1 / 200, 1).all()


# ------------------------------------------------------------------ errors
def test_panel_errors_name_entities_and_periods(columbus):
    data, weights = columbus
    panel = pd.DataFrame({"id": np.tile(data.POLYID, 2), "t": np.repeat([2001, 2002], 49),
                          "x": np.concatenate([data.CRIME, data.HOVAL])})
    w = {"Wgeo": weights["queen_W"]}
    gap = panel.copy()
    gap.loc[(gap.id == 7) & (gap.t == 2002), "x"] = np.nan
    with pytest.raises(DataError, match=r"every entity in every period; missing \(id, t\): "
                                        r"\[\(7, 2002\)\]"):
        moran_panel(gap, entity="id", time="t", variables=["x"], weights=w)
    with pytest.raises(DataError, match=r"Weights 'Wgeo': .*1 in the panel but not in the "
                                        r"weights \(adjacency_list\): 99; 1 in the weights "
                                        r"\(adjacency_list\) but not in the panel: 49"):
        moran_panel(panel.replace({"id": {49: 99}}), entity="id", time="t", variables=["x"],
                    weights=w)
    with pytest.raises(DataError, match=r"repeats entity-periods \(id, t\): \[\(1, 2001\)\]"):
        moran_panel(pd.concat([panel, panel.iloc[:1]]), entity="id", time="t", variables=["x"],
                    weights=w)
    flat = panel.assign(x=np.where(panel.t == 2002, 1.0, panel.x))
    with pytest.raises(DataError, match="'x' has no variation across entities in t 2002"):
        moran_panel(flat, entity="id", time="t", variables=["x"], weights=w)
    with pytest.raises(DataError, match="Column 'x' is not numeric"):
        moran_panel(panel.astype({"x": object}).assign(x=lambda d: d.x.where(d.id != 3, "n/a")),
                    entity="id", time="t", variables=["x"], weights=w)
    with pytest.raises(DataError, match="Panel has no column 'y'"):
        moran_panel(panel, entity="id", time="t", variables=["y"], weights=w)
    with pytest.raises(SpecError, match=r"alternative must be one of 'two-sided', 'greater', "
                                        r"'less'; 'two.sided'"):
        moran_panel(panel, entity="id", time="t", variables=["x"], weights=w,
                    alternative="two.sided")
    with pytest.raises(SpecError, match="permutations must be a non-negative integer"):
        global_moran(data.CRIME.to_numpy(), weights["queen_W"], permutations=-1)


def test_vector_errors(columbus):
    data, weights = columbus
    w = weights["queen_W"]
    with pytest.raises(DataError, match=r"expected 49 values \(one per entity\), got shape \(48,\)"):
        global_moran(data.CRIME.to_numpy()[:48], w)
    y = data.set_index("POLYID").CRIME.drop(index=3)
    with pytest.raises(DataError, match="missing: 3; not in the weights: -"):
        global_moran(y, w)
    shuffled = data.set_index("POLYID").CRIME.sample(frac=1, random_state=0)
    np.testing.assert_allclose(global_moran(shuffled, w, permutations=0).I,
                               global_moran(data.CRIME.to_numpy(), w, permutations=0).I,
                               rtol=1e-14)
    with pytest.warns(sw.IslandWarning):
        empty = sw.from_array(np.zeros((49, 49)), data.POLYID.tolist(), kind="empty")
    with pytest.raises(DataError, match="The empty weights have no links at all"):
        global_moran(data.CRIME.to_numpy(), empty)
    with pytest.raises(DataError, match="all 49 values are equal"):
        global_moran(np.ones(49), w)
    with pytest.raises(DataError, match="needs at least 4 entities; got 3"):
        global_moran([1.0, 2.0, 4.0], sw.from_array(1 - np.eye(3), list("abc")))
    with pytest.raises(SpecError, match="cluster_p='perm' needs permutations > 0"):
        local_moran(data.CRIME.to_numpy(), w, permutations=0)
    with pytest.raises(SpecError, match=r"null must be one of 'conditional', 'total'"):
        local_moran(data.CRIME.to_numpy(), w, null="sokal")


# ------------------------------------------------------------------ scatter
def test_scatter_slope_is_morans_i_and_ols(columbus, tmp_path):
    data, weights = columbus
    y = data["CRIME"].to_numpy()
    for name in ("queen_W", "queen_B"):
        w = weights[name]
        sc = moran_scatter(y, w)
        slope, intercept = np.polyfit(sc.z, sc.wz, 1)
        np.testing.assert_allclose([sc.slope, sc.intercept], [slope, intercept], rtol=1e-10)
        np.testing.assert_allclose(sc.I, global_moran(y, w, permutations=0).I, rtol=1e-12)
        np.testing.assert_allclose(sc.z, (y - y.mean()) / y.std(ddof=0), rtol=1e-12)
    row_std = moran_scatter(y, weights["queen_W"])
    np.testing.assert_allclose(row_std.slope, row_std.I, rtol=1e-12)
    fig = plot_moran_scatter(row_std, title="CRIME")
    np.testing.assert_allclose(fig.axes[0].collections[0].get_offsets(),
                               np.column_stack([row_std.z, row_std.wz]), rtol=1e-15)
    pdf, png = save_figure(fig, tmp_path / "figs" / "moran_crime")
    assert pdf.read_bytes()[:4] == b"%PDF" and png.read_bytes()[:4] == b"\x89PNG"
