"""Spatial weights: constructors, validation, row standardisation, alignment.

References
----------
* Haversine distances are checked against a scalar hand computation (``math``), exact
  great-circle arcs (quarter and half circles), and libpysal's ``cg.arcdist``.
* The 48-state inverse-distance and economic-distance matrices, and the queen
  contiguity of ``us48.shp``, against R 4.2 / spdep 1.2-7:
  tests/fixtures/spatial_weights/spdep_weights.R writes spdep_weights.json beside it (its own
  R haversine, R = 6371 km; ``spdep::poly2nb(queen = TRUE)``), from inputs made by
  tests/fixtures/moran/make_inputs.py.
* Queen contiguity of Columbus against GeoDa's ``columbus.gal`` (libpysal example).
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from pathlib import Path

import libpysal
import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from regiometrics.data import weights as sw
from regiometrics.data import weights_io as wio
from regiometrics.errors import DataError, SpecError

FIX = Path(__file__).parents[1] / "fixtures"
MORAN = FIX / "moran"
R_WEIGHTS = json.loads((FIX / "spatial_weights" / "spdep_weights.json").read_text())

CITIES = pd.DataFrame({
    "city": ["Beijing", "Shanghai", "Guangzhou", "Chengdu"],
    "lon": [116.4074, 121.4737, 113.2644, 104.0665],
    "lat": [39.9042, 31.2304, 23.1291, 30.5728],
})


def hand_haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine distance in km, written out step by step with the math module."""
    r = 6371.0
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2 - lat1)
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


# ------------------------------------------------------------ distances
def test_haversine_exact_arcs():
    """Quarter and half great circles have known lengths pi R / 2 and pi R."""
    r = sw.RADIUS_EARTH_KM
    d = sw.haversine_km(np.array([0.0, 0.0, 0.0]), np.array([0.0, 0.0, 0.0]),
                        np.array([90.0, 0.0, 180.0]), np.array([0.0, 90.0, 0.0]))
    np.testing.assert_allclose(d, [math.pi * r / 2, math.pi * r / 2, math.pi * r], rtol=1e-14)


def test_inverse_distance_by_hand_four_cities():
    """w_ij = 1/d_ij and 1/d_ij^2 with d from the hand haversine; also libpysal's arcdist."""
    for power in (1.0, 2.0):
        w = sw.inverse_distance(CITIES, entity="city", power=power)
        assert w.entities == tuple(CITIES.city) and w.transform == "none" and not w.is_sparse
        expect = np.zeros((4, 4))
        for i in range(4):
            for j in range(4):
                if i != j:
                    a, b = CITIES.iloc[i], CITIES.iloc[j]
                    expect[i, j] = hand_haversine(a.lon, a.lat, b.lon, b.lat) ** (-power)
        np.testing.assert_allclose(w.to_dense(), expect, rtol=1e-13)
    d_bs = libpysal.cg.arcdist((116.4074, 39.9042), (121.4737, 31.2304), radius=6371.0)
    np.testing.assert_allclose(1 / sw.inverse_distance(CITIES, entity="city").matrix[0, 1],
                               d_bs, rtol=1e-12)
    assert 1060 < d_bs < 1075  # Beijing-Shanghai is about 1067 km


def test_inverse_distance_cutoff_is_sparse_subset():
    """With a cut-off only pairs with d <= c keep their weight; the rest of the matrix agrees."""
    full = sw.inverse_distance(CITIES, entity="city").to_dense()
    d = np.where(full > 0, 1 / np.where(full > 0, full, 1), np.inf)
    for cutoff in (1250.0, 1600.0, 5000.0):
        w = sw.inverse_distance(CITIES, entity="city", cutoff_km=cutoff)
        assert w.is_sparse
        np.testing.assert_allclose(w.to_dense(), np.where(d <= cutoff, full, 0.0), rtol=1e-13)
    with pytest.warns(sw.IslandWarning, match="2 of 4 entities .*'Guangzhou', 'Chengdu'"):
        w = sw.inverse_distance(CITIES, entity="city", cutoff_km=1100.0)  # only Beijing-Shanghai
    assert w.islands == ("Guangzhou", "Chengdu")
    np.testing.assert_array_equal(w.cardinalities, [1, 1, 0, 0])
    with pytest.warns(sw.IslandWarning, match="4 of 4 entities"):
        w = sw.inverse_distance(CITIES, entity="city", cutoff_km=100.0)
    assert w.islands == tuple(CITIES.city)


def test_inverse_distance_matches_r_for_48_states():
    """48 state centroids: 1/d_ij equals R's own haversine matrix (spdep_weights.json)."""
    states = pd.read_csv(MORAN / "us_states.csv")
    assert states.state.tolist() == R_WEIGHTS["states"]
    w = sw.inverse_distance(states, entity="state")
    np.testing.assert_allclose(w.to_dense(), np.array(R_WEIGHTS["inverse_distance"]), rtol=1e-12)


def test_knn_by_brute_force():
    """Row i marks the k entities with the smallest haversine distance to i."""
    states = pd.read_csv(MORAN / "us_states.csv")
    w = sw.knn(states, entity="state", k=4)
    d = 1 / np.where(np.eye(48) == 1, np.inf, sw.inverse_distance(states, entity="state").to_dense())
    d[np.eye(48, dtype=bool)] = np.inf
    expect = np.zeros((48, 48))
    for i in range(48):
        expect[i, np.argsort(d[i])[:4]] = 1
    assert w.is_sparse
    np.testing.assert_array_equal(w.to_dense(), expect)
    assert (w.cardinalities == 4).all()
    with pytest.raises(SpecError, match="k must be an integer between 1 and N - 1 = 47"):
        sw.knn(states, entity="state", k=48)


def test_coordinate_errors_name_the_problem():
    bad = CITIES.assign(lat=[39.9, 31.2, 123.1, 30.5])
    with pytest.raises(DataError, match="out of range for 'Guangzhou'"):
        sw.inverse_distance(bad, entity="city")
    same = CITIES.assign(lon=[116.4, 116.4, 113.2, 104.0], lat=[39.9, 39.9, 23.1, 30.5])
    with pytest.raises(DataError, match=r"same coordinates.*\('Beijing', 'Shanghai'\)"):
        sw.inverse_distance(same, entity="city")
    with pytest.raises(DataError, match="no column 'longitude'"):
        sw.inverse_distance(CITIES, entity="city", lon="longitude")
    with pytest.raises(DataError, match="more than once: 'Beijing'"):
        sw.inverse_distance(pd.concat([CITIES, CITIES.iloc[:1]]), entity="city")
    with pytest.raises(SpecError, match="power must be positive"):
        sw.inverse_distance(CITIES, entity="city", power=0)


# ------------------------------------------------------- economic distance
def test_economic_distance_by_hand():
    """Means over years: A = 2, B = 5, C = 11 -> w_AB = 1/3, w_AC = 1/9, w_BC = 1/6."""
    panel = pd.DataFrame({
        "prov": ["A", "A", "B", "B", "C", "C"],
        "year": [2000, 2001] * 3,
        "gdp": [1.0, 3.0, 4.0, 6.0, 10.0, 12.0],
    })
    w = sw.economic_distance(panel, entity="prov", variable="gdp")
    expect = np.array([[0, 1 / 3, 1 / 9], [1 / 3, 0, 1 / 6], [1 / 9, 1 / 6, 0]])
    np.testing.assert_allclose(w.to_dense(), expect, rtol=1e-15)
    assert w.entities == ("A", "B", "C")
    tie = panel.assign(gdp=[1.0, 3.0, 0.0, 4.0, 10.0, 12.0])
    with pytest.raises(DataError, match=r"identical mean 'gdp'.*\('A', 'B'\)"):
        sw.economic_distance(tie, entity="prov", variable="gdp")
    with pytest.raises(DataError, match="no values at all for 'C'"):
        sw.economic_distance(panel.assign(gdp=[1, 3, 4, 6, None, None]), entity="prov",
                             variable="gdp")


def test_economic_and_nested_match_r_for_48_states():
    """Economic distance of mean income 1929-2009 and the nested product equal R's."""
    panel = pd.read_csv(MORAN / "us_income_panel.csv")
    states = pd.read_csv(MORAN / "us_states.csv")
    econ = sw.economic_distance(panel, entity="state", variable="income")
    econ = econ.align(R_WEIGHTS["states"])
    np.testing.assert_allclose(econ.to_dense(), np.array(R_WEIGHTS["economic"]), rtol=1e-12)
    geo = sw.inverse_distance(states, entity="state")
    nest = sw.nested(geo, econ)
    np.testing.assert_allclose(
        nest.to_dense(),
        np.array(R_WEIGHTS["inverse_distance"]) * np.array(R_WEIGHTS["economic"]), rtol=1e-12)
    with pytest.raises(DataError, match="needs raw weights, but geo"):
        sw.nested(geo.row_standardize(), econ)


# ------------------------------------------------------------- contiguity
def test_contiguity_columbus_matches_geoda_gal():
    """libpysal queen contiguity of columbus.shp equals GeoDa's columbus.gal (236 links)."""
    w = wio.contiguity(libpysal.examples.get_path("columbus.shp"), id_column="POLYID")
    pairs = pd.read_csv(MORAN / "columbus_queen.csv")
    ref = wio.from_pairs(pairs).align(w.entities)
    np.testing.assert_array_equal(w.to_dense(), ref.to_dense())
    rook = wio.contiguity(libpysal.examples.get_path("columbus.shp"), id_column="POLYID",
                          rule="rook")
    assert rook.to_dense().sum() == 200 and (rook.to_dense() <= w.to_dense()).all()


def test_contiguity_us48_matches_spdep_poly2nb():
    """Queen contiguity of us48.shp equals spdep::poly2nb(queen = TRUE)."""
    w = wio.contiguity(libpysal.examples.get_path("us48.shp"), id_column="STATE_NAME")
    ref = wio.from_pairs(pd.DataFrame(R_WEIGHTS["queen_pairs"]), entities=R_WEIGHTS["states"])
    np.testing.assert_array_equal(w.align(ref.entities).to_dense(), ref.to_dense())


def test_contiguity_without_geopandas(monkeypatch, tmp_path):
    """Shapefiles fall back to libpysal's reader; GeoJSON then asks for geopandas."""
    shp = libpysal.examples.get_path("columbus.shp")
    with_gpd = wio.contiguity(shp, id_column="POLYID")
    monkeypatch.setitem(sys.modules, "geopandas", None)
    without = wio.contiguity(shp, id_column="POLYID")
    np.testing.assert_array_equal(without.align(with_gpd.entities).to_dense(),
                                  with_gpd.to_dense())
    with pytest.raises(DataError, match="needs geopandas, which is not installed"):
        wio.contiguity(libpysal.examples.get_path("columbus.json"), id_column="POLYID")
    with pytest.raises(DataError, match="no column 'NAME'"):
        wio.contiguity(shp, id_column="NAME")


def test_contiguity_errors():
    shp = libpysal.examples.get_path("columbus.shp")
    with pytest.raises(DataError, match="no column 'NAME'"):
        wio.contiguity(shp, id_column="NAME")
    with pytest.raises(DataError, match="ids in 'NSA' repeat"):
        wio.contiguity(shp, id_column="NSA")
    with pytest.raises(SpecError, match=r"rule must be one of 'queen', 'rook'; 'bishop'"):
        wio.contiguity(shp, id_column="POLYID", rule="bishop")
    with pytest.raises(DataError, match="does not exist"):
        wio.contiguity("no/such/file.shp", id_column="POLYID")


# -------------------------------------------------------------- files
def _write_matrix(path: Path, names: list[str], m: np.ndarray, cols: list[str] | None = None):
    frame = pd.DataFrame(m, index=names, columns=cols or names)
    if path.suffix == ".csv":
        frame.to_csv(path)
    else:
        frame.to_excel(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_matrix_file_round_trip_and_column_reordering(tmp_path, suffix):
    names = ["Beijing", "Tianjin", "Hebei", "Shanxi"]
    m = np.array([[0, 1, 2, 0], [1, 0, 3, 0], [2, 3, 0, 4], [0, 0, 4, 0]], float)
    p = tmp_path / f"w{suffix}"
    _write_matrix(p, names, m)
    w = wio.read_matrix_file(p)
    assert w.entities == tuple(names)
    np.testing.assert_array_equal(w.to_dense(), m)
    order = [2, 0, 3, 1]  # columns written in another order are put back in row order
    _write_matrix(p, names, m[:, order], [names[k] for k in order])
    np.testing.assert_array_equal(wio.read_matrix_file(p).to_dense(), m)


def test_matrix_file_errors(tmp_path):
    names = ["A", "B", "C"]
    p = tmp_path / "w.csv"
    pd.DataFrame(np.ones((3, 2)), index=names, columns=names[:2]).to_csv(p)
    with pytest.raises(DataError, match="3 rows and 2 columns; it must be square"):
        wio.read_matrix_file(p)
    _write_matrix(p, names, 1 - np.eye(3), ["A", "B", "D"])
    with pytest.raises(DataError, match="Only in rows: 'C'; only in columns: 'D'"):
        wio.read_matrix_file(p)
    m = (1 - np.eye(3)).astype(object)
    m[1, 2] = "x"
    _write_matrix(p, names, m)
    with pytest.raises(DataError, match=r"non-numeric cells .*\('B', 'C', 'x'\)"):
        wio.read_matrix_file(p)
    _write_matrix(p, names, np.ones((3, 3)))
    with pytest.raises(DataError, match="non-zero diagonal for 'A', 'B', 'C'"):
        wio.read_matrix_file(p)
    _write_matrix(p, names, np.array([[0, -1, 1], [1, 0, 1], [1, 1, 0]]))
    with pytest.raises(DataError, match="non-negative; negative weights in the rows of 'A'"):
        wio.read_matrix_file(p)
    txt = tmp_path / "w.txt"
    txt.write_text("A,B\n")
    with pytest.raises(DataError, match="extension '.txt'; use .csv or .xlsx"):
        wio.read_matrix_file(txt)
    with pytest.raises(DataError, match="does not exist"):
        wio.read_matrix_file(tmp_path / "missing.csv")


def test_adjacency_list_file_islands_and_errors(tmp_path):
    p = tmp_path / "adj.csv"
    pd.DataFrame({"from": ["A", "B"], "to": ["B", "C"]}).to_csv(p, index=False)
    with pytest.warns(sw.IslandWarning, match="1 of 4 entities have no neighbours.*'D'"):
        w = wio.read_adjacency_list(p, entities=["A", "B", "C", "D"])
    assert w.islands == ("D",)
    np.testing.assert_array_equal(
        w.to_dense(), [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]])
    with pytest.warns(sw.IslandWarning, match="'C'"):  # C has no outgoing link
        directed = wio.read_adjacency_list(p, symmetric=False, entities=["A", "B", "C"])
    np.testing.assert_array_equal(directed.to_dense(), [[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    pd.DataFrame({"from": ["A", "B"], "to": ["B", "A"], "w": [1.0, 2.0]}).to_csv(p, index=False)
    with pytest.raises(DataError, match=r"different weights: \[\('A', 'B'\)"):
        wio.read_adjacency_list(p, weight="w")
    pd.DataFrame({"from": ["A"], "to": ["A"]}).to_csv(p, index=False)
    with pytest.raises(DataError, match="pairs an entity with itself: 'A'"):
        wio.read_adjacency_list(p)
    pd.DataFrame({"from": ["A"], "to": ["Z"]}).to_csv(p, index=False)
    with pytest.raises(DataError, match="not in the given entity list: 'Z'"):
        wio.read_adjacency_list(p, entities=["A", "B"])
    with pytest.raises(DataError, match="no column 'src'"):
        wio.read_adjacency_list(p, source="src")


# ----------------------------------------------- object, transforms, alignment
def test_row_standardize_dense_and_sparse_agree_islands_stay_zero():
    m = np.array([[0, 2, 2, 0], [1, 0, 0, 0], [3, 1, 0, 0], [0, 0, 0, 0]], float)
    with pytest.warns(sw.IslandWarning):
        dense = sw.from_array(m, list("abcd"))
    with pytest.warns(sw.IslandWarning):
        sp = sw.from_array(sparse.csr_array(m), list("abcd"))
    expect = np.array([[0, .5, .5, 0], [1, 0, 0, 0], [.75, .25, 0, 0], [0, 0, 0, 0]])
    for w in (dense, sp):
        r = w.row_standardize()
        assert r.transform == "r" and r.islands == ("d",) and r.is_sparse == w.is_sparse
        np.testing.assert_allclose(r.to_dense(), expect, rtol=1e-15)


def test_align_reorders_and_names_missing_entities():
    m = np.arange(16, dtype=float).reshape(4, 4) * (1 - np.eye(4))
    w = sw.from_array(m, ["11", "12", "13", "14"])
    order = [13, 11, 14, 12]  # integer panel ids match text names
    a = w.align(order)
    assert a.entities == (13, 11, 14, 12)
    idx = [2, 0, 3, 1]
    np.testing.assert_array_equal(a.to_dense(), m[np.ix_(idx, idx)])
    with pytest.raises(DataError, match=r"1 in the panel but not in the weights \(matrix\): 15; "
                                        r"2 in the weights \(matrix\) but not in the panel: "
                                        r"'12', '14'"):
        w.align([11, 13, 15])
    with pytest.raises(DataError, match="repeated ids: '11'"):
        w.align([11, 11, 12, 13])


def test_object_is_frozen_and_validated():
    w = sw.from_array(1 - np.eye(3), ["a", "b", "c"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.transform = "r"
    with pytest.raises(ValueError, match="read-only"):
        w.matrix[0, 1] = 5.0
    with pytest.raises(DataError, match="3 x 3 but 2 entity ids"):
        sw.from_array(1 - np.eye(3), ["a", "b"])
    with pytest.raises(DataError, match="unique; repeated: 'a'"):
        sw.from_array(1 - np.eye(3), ["a", "b", "a"])
    with pytest.raises(DataError, match="missing or infinite values in the rows of 'b'"):
        sw.from_array(np.array([[0, 1, 1], [np.nan, 0, 1], [1, 1, 0]]), ["a", "b", "c"])
    with pytest.raises(SpecError, match=r"transform must be one of 'none', 'r'; 'W'"):
        sw.SpatialWeights(("a", "b"), 1 - np.eye(2), transform="W")


def test_libpysal_and_graph_conversions_keep_links():
    pairs = pd.read_csv(MORAN / "columbus_queen.csv")
    w = wio.from_pairs(pairs).row_standardize()
    lw = w.to_libpysal()
    assert lw.id_order == list(w.entities)
    np.testing.assert_allclose(lw.sparse.toarray(), w.to_dense(), rtol=1e-15)
    np.testing.assert_allclose(lw.s0, 49.0, rtol=1e-14)
    g = w.to_graph()
    assert list(g.unique_ids) == list(w.entities)
    np.testing.assert_allclose(g.sparse.toarray(), w.to_dense(), rtol=1e-15)
