"""The ``weights:`` stage: every weights type from the spec equals the direct constructor.

References: the constructors of regiometrics.data.weights (tested against spdep/libpysal in
tests/data/test_weights.py); queen contiguity of Anselin's Columbus neighbourhoods against
GeoDa's ``columbus.gal`` (the file R's ``spData::col.gal.nb`` was read from), committed as
tests/fixtures/moran/columbus_queen.csv.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.data.panel import Panel
from regiometrics.data.weights import economic_distance, inverse_distance, knn, nested
from regiometrics.data.weights_io import read_adjacency_list
from regiometrics.errors import DataError
from regiometrics.pipeline import compute, run_study
from regiometrics.pipeline.spatial import build_weights, weights_summary
from regiometrics.spec import spec_from_dict
from tests.pipeline.spatial_study import ROOT, base_spec, study_dir, write_spec


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return study_dir(tmp_path_factory.mktemp("weights"))


@pytest.fixture(scope="module")
def panel(folder: Path) -> Panel:
    return Panel(pd.read_csv(folder / "data" / "produc.csv"), "state", "year")


@pytest.fixture(scope="module")
def coords(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "data" / "us_states_coords.csv")


def _built(folder: Path, panel: Panel, weights: dict) -> dict:
    spec = spec_from_dict(base_spec(weights=weights, moran=[], models=[]))
    return build_weights(spec, panel, folder)


def _same(a, b) -> None:
    assert a.entities == b.entities
    assert a.transform == b.transform
    np.testing.assert_allclose(a.to_dense(), b.to_dense(), rtol=1e-12, atol=0)


def test_coordinate_and_economic_types(folder, panel, coords):
    states = sorted(panel.frame["state"].unique())
    built = _built(folder, panel, {
        "idw2": {"type": "inverse_distance", "coords": "data/us_states_coords.csv", "power": 2,
                 "cutoff": 1500},
        "k4": {"type": "knn", "coords": "data/us_states_coords.csv", "k": 4},
        "econ": {"type": "economic_distance", "variable": "lgsp"},
        "nest": {"type": "nested", "coords": "data/us_states_coords.csv", "variable": "lgsp"},
        "raw": {"type": "economic_distance", "variable": "lgsp", "row_standardize": False},
    })
    frame = panel.frame
    expected = {
        "idw2": inverse_distance(coords, entity="state", power=2, cutoff_km=1500),
        "k4": knn(coords, entity="state", k=4),
        "econ": economic_distance(frame, entity="state", variable="lgsp"),
        "nest": nested(inverse_distance(coords, entity="state"),
                       economic_distance(frame, entity="state", variable="lgsp")),
    }
    for name, w in expected.items():
        _same(built[name], w.align(states).row_standardize())
    _same(built["raw"], expected["econ"].align(states))
    assert built["raw"].transform == "none"
    assert weights_summary(built["raw"])["symmetric"] is True  # 1/|g_i - g_j|
    assert weights_summary(built["econ"])["symmetric"] is False  # rows rescaled
    np.testing.assert_allclose(built["k4"].row_sums, 1.0, rtol=1e-12)


def test_matrix_file_equals_adjacency_list(folder, panel):
    adj = read_adjacency_list(folder / "data" / "us_states_contiguity.csv")
    shuffled = list(reversed(adj.entities))
    pd.DataFrame(adj.align(shuffled).to_dense(), index=shuffled, columns=shuffled).to_csv(
        folder / "data" / "w_matrix.csv")
    built = _built(folder, panel, {
        "file": {"type": "matrix", "path": "data/w_matrix.csv"},
        "adj": {"type": "adjacency", "path": "data/us_states_contiguity.csv"},
    })
    _same(built["file"], built["adj"])
    assert built["file"].entities == tuple(sorted(panel.frame["state"].unique()))


def test_contiguity_from_shapefile_matches_geoda_gal(tmp_path):
    """Queen contiguity of libpysal's columbus.shp through the stage = GeoDa's columbus.gal."""
    libpysal = pytest.importorskip("libpysal")
    shp = Path(libpysal.examples.get_path("columbus.shp"))
    col = pd.read_csv(ROOT / "tests" / "fixtures" / "moran" / "columbus.csv")
    frame = pd.concat([col.assign(year=2000), col.assign(year=2001, CRIME=col["CRIME"] + 1)])
    panel = Panel(frame, "POLYID", "year")
    spec = spec_from_dict({
        "data": {"path": "unused.csv", "entity": "POLYID", "time": "year"},
        "weights": {"Q": {"type": "contiguity", "path": str(shp), "id_column": "POLYID",
                          "row_standardize": False}},
    })
    w = build_weights(spec, panel, tmp_path)["Q"]
    pairs = pd.read_csv(ROOT / "tests" / "fixtures" / "moran" / "columbus_queen.csv")
    expected = np.zeros((49, 49))
    pos = {e: i for i, e in enumerate(w.entities)}
    for a, b in zip(pairs["from"], pairs["to"], strict=True):
        expected[pos[a], pos[b]] = expected[pos[b], pos[a]] = 1.0
    np.testing.assert_array_equal(w.to_dense(), expected)
    assert w.entities == tuple(range(1, 50))


def test_islands_are_reported(folder, panel, coords):
    """A 300 km cut-off leaves states without neighbours: results.json lists them."""
    spec = base_spec(moran=[], models=[], weights={
        "near": {"type": "inverse_distance", "coords": "data/us_states_coords.csv",
                 "cutoff": 300}})
    with pytest.warns(UserWarning, match="islands"):
        run_study(write_spec(folder, spec, "islands.yaml"), folder / "out_islands")
    doc = json.loads((folder / "out_islands" / "results.json").read_text())
    with pytest.warns(UserWarning, match="islands"):
        direct = inverse_distance(coords, entity="state", cutoff_km=300)
    islands = sorted(direct.islands)
    assert islands, "the cut-off should leave islands"
    summary = doc["weights"]["near"]
    assert summary["islands"] == islands and summary["n_islands"] == len(islands)
    assert summary["neighbours"]["min"] == 0.0
    assert summary == json.loads(json.dumps(weights_summary(
        direct.align(sorted(panel.frame["state"].unique())).row_standardize())))


def test_islands_stop_a_spatial_model(folder):
    spec = base_spec(moran=[], weights={
        "W": {"type": "inverse_distance", "coords": "data/us_states_coords.csv", "cutoff": 300}})
    with pytest.warns(UserWarning, match="islands"), pytest.raises(
        DataError, match=r"models\.sdm\.weights: 24 of 48 entities have no neighbours in the "
                         r"weights 'W' \(islands\): 'ARIZONA', 'ARKANSAS', .*give them neighbours"
    ):
        compute(spec_from_dict(spec), folder)
