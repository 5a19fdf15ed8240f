"""Bad spatial input: each path raises SpecError/DataError naming what is wrong and where."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from regiometrics.cli import main
from regiometrics.errors import DataError, SpecError
from regiometrics.pipeline import run_study
from regiometrics.spec import spec_from_dict
from tests.pipeline.spatial_study import base_spec, study_dir, write_spec


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return study_dir(tmp_path)


def _run(folder: Path, spec: dict) -> None:
    run_study(write_spec(folder, spec), folder / "out")


# ------------------------------------------------------------------ loader
def test_unknown_weights_name_in_model():
    spec = base_spec()
    spec["models"][0]["weights"] = "Wgeo"
    with pytest.raises(SpecError, match=r"models\.sdm\.weights: unknown weights 'Wgeo'; "
                                        r"weights defined: W"):
        spec_from_dict(spec)


def test_unknown_weights_name_in_moran_entry():
    spec = base_spec(moran=[{"id": "mi", "variables": ["lgsp"], "weights": ["W", "Wx"]}])
    with pytest.raises(SpecError, match=r"moran\.mi\.weights: unknown weights 'Wx'.*did you "
                                        r"mean 'W'"):
        spec_from_dict(spec)


def test_spatial_model_without_weights():
    spec = base_spec()
    del spec["models"][0]["weights"]
    with pytest.raises(SpecError, match=r"models\.sdm: type 'sdm' is a spatial model and needs "
                                        r"'weights'"):
        spec_from_dict(spec)


def test_spatial_keys_refused_for_other_types():
    spec = base_spec(models=[{"id": "fe", "type": "fe", "effects": ["entity"], "weights": "W",
                              "lee_yu": True, "formula": "lgsp ~ lpcap"}])
    with pytest.raises(SpecError) as err:
        spec_from_dict(spec)
    assert str(err.value).splitlines() == [
        f"<spec>: models.fe.{key}: type 'fe' does not take {key!r} (a key of types 'sar', "
        "'sem', 'sdm', 'sdem'); remove it or change the type" for key in ("weights", "lee_yu")]


def test_vcov_refused_for_spatial_models():
    spec = base_spec()
    spec["models"][0]["vcov"] = {"type": "robust"}
    with pytest.raises(SpecError, match=r"models\.sdm\.vcov: type 'sdm' is estimated by maximum "
                                        r"likelihood .* takes no 'vcov'; remove it"):
        spec_from_dict(spec)


def test_defaults_split_between_spatial_and_other_models():
    """``defaults`` may hold both vcov and weights: each model type inherits what it takes."""
    spec = base_spec(defaults={"weights": "W", "vcov": {"type": "cluster", "by": "entity"},
                               "effects": ["entity", "time"]})
    del spec["models"][0]["weights"]
    spec["models"].append({"id": "fe", "type": "fe", "formula": "lgsp ~ lpcap"})
    parsed = spec_from_dict(spec)
    assert parsed.model("sdm").weights == "W" and not hasattr(parsed.model("sdm"), "vcov")
    assert not hasattr(parsed.model("fe"), "weights") and parsed.model("fe").vcov.type == "cluster"


def test_unknown_weights_type_and_key():
    spec = base_spec(weights={"W": {"type": "inverse_dist", "coords": "c.csv"}})
    with pytest.raises(SpecError, match=r"weights\.W: unknown type 'inverse_dist'; available: "
                                        r"inverse_distance, knn.*did you mean 'inverse_distance'"):
        spec_from_dict(spec)
    spec = base_spec(weights={"W": {"type": "knn", "coords": "c.csv", "k": 4, "cutoff": 5}})
    with pytest.raises(SpecError, match=r"weights\.W\.cutoff: unknown key 'cutoff'; allowed "
                                        r"keys: coords, entity, k, lat, lon, row_standardize, type"):
        spec_from_dict(spec)


def test_table_and_figure_references():
    spec = base_spec(tables=[{"id": "t9", "type": "moran", "moran": "mx"}])
    with pytest.raises(SpecError, match=r"tables\.t9\.moran: unknown moran 'mx'"):
        spec_from_dict(spec)
    spec = base_spec(tables=[{"id": "t9", "type": "moran", "moran": "mi", "variables": ["DT"]}])
    with pytest.raises(SpecError, match=r"tables\.t9\.variables: 'DT' is not among "
                                        r"moran\.mi\.variables \(lgsp\)"):
        spec_from_dict(spec)
    spec = base_spec(tables=[{"id": "t10", "type": "spatial_effects", "models": ["fe"]}])
    spec["models"].append({"id": "fe", "type": "fe", "effects": ["entity"],
                           "formula": "lgsp ~ lpcap"})
    with pytest.raises(SpecError, match=r"tables\.t10\.models: 'fe' is of type 'fe'"):
        spec_from_dict(spec)
    spec = base_spec(figures=[{"id": "f", "type": "moran_scatter", "variable": "lgsp",
                               "weights": "V", "time": 1970}])
    with pytest.raises(SpecError, match=r"figures\.f\.weights: unknown weights 'V'"):
        spec_from_dict(spec)


# ------------------------------------------------------------------- run
def test_entity_mismatch_between_matrix_and_panel(folder):
    """A matrix file naming one state differently: both names are listed."""
    adj = pd.read_csv(folder / "data" / "us_states_contiguity.csv")
    states = sorted(set(adj["from"]) | set(adj["to"]))
    m = pd.DataFrame(0.0, index=states, columns=states)
    for a, b in zip(adj["from"], adj["to"], strict=True):
        m.loc[a, b] = m.loc[b, a] = 1.0
    m = m.rename(index={"WYOMING": "WYOMING_X"}, columns={"WYOMING": "WYOMING_X"})
    m.to_csv(folder / "data" / "w.csv")
    spec = base_spec(weights={"W": {"type": "matrix", "path": "data/w.csv"}})
    with pytest.raises(DataError, match=r"weights\.W: The spatial weights and the panel do not "
                                        r"have the same entities; 1 in the panel but not in the "
                                        r"weights .*'WYOMING'; 1 in the weights .* but not in "
                                        r"the panel: 'WYOMING_X'"):
        _run(folder, spec)
    assert not (folder / "out").exists()


def test_unbalanced_panel_lists_missing_entity_years(folder):
    data = pd.read_csv(folder / "data" / "produc.csv")
    data = data[~((data["state"] == "OHIO") & (data["year"] == 1975))]
    data.loc[(data["state"] == "IOWA") & (data["year"] == 1980), "unemp"] = float("nan")
    data.to_csv(folder / "data" / "produc.csv", index=False)
    spec = base_spec(moran=[])
    with pytest.raises(DataError, match=r"models\.sdm: spatial panel models need a balanced "
                                        r"panel, but 2 entity-periods \(state, year\) are missing "
                                        r"or have missing values in lgsp, lpcap, lpc, lemp, unemp: "
                                        r"\[\('IOWA', 1980\), \('OHIO', 1975\)\]"):
        _run(folder, spec)


def test_model_filter_that_drops_an_entity(folder):
    spec = base_spec(moran=[])
    spec["models"][0]["filter"] = "state != 'OHIO'"
    with pytest.raises(DataError, match=r"models\.sdm: the entities of the model's sample and of "
                                        r"the weights 'W' differ; in the sample but not the "
                                        r"weights: -; in the weights but not the sample: 'OHIO'"):
        _run(folder, spec)


def test_weights_not_row_standardised_for_a_model(folder):
    spec = base_spec(moran=[], weights={"W": {"type": "adjacency", "row_standardize": False,
                                              "path": "data/us_states_contiguity.csv"}})
    with pytest.raises(DataError, match=r"models\.sdm\.weights: the rows of the weights 'W' "
                                        r"must sum to 1 .* \('ALABAMA': 4, 'ARIZONA': 5, .*remove "
                                        r"row_standardize: false"):
        _run(folder, spec)


def test_missing_weights_file(folder):
    spec = base_spec(weights={"W": {"type": "inverse_distance", "coords": "data/nope.csv"}})
    with pytest.raises(DataError, match=r"weights\.W: coords: file .*nope\.csv' does not exist; "
                                        r"paths are read relative to the spec file"):
        _run(folder, spec)


def test_moran_variable_not_in_data(folder):
    spec = base_spec(models=[], moran=[{"id": "mi", "variables": ["lgdp"], "weights": ["W"]}])
    with pytest.raises(DataError, match=r"moran\.mi\.variables.*lgdp"):
        _run(folder, spec)


def test_scatter_period_not_in_data(folder):
    spec = base_spec(models=[], figures=[{"id": "f", "type": "moran_scatter", "variable": "lgsp",
                                          "weights": "W", "time": 1990}])
    with pytest.raises(DataError, match=r"figures\.f\.time: no rows with year = 1990; periods in "
                                        r"the data: 1970, 1971"):
        _run(folder, spec)


def test_moran_table_perm_without_permutations(folder):
    spec = base_spec(models=[], tables=[{"id": "t9", "type": "moran", "moran": "mi",
                                         "inference": "perm"}])
    with pytest.raises(SpecError, match=r"tables\.t9\.inference: 'perm' needs permutations, but "
                                        r"moran\.mi has permutations: 0"):
        _run(folder, spec)


def test_cli_prints_the_error_and_exits_2(folder, capsys):
    spec = base_spec(moran=[])
    spec["models"][0]["filter"] = "state != 'OHIO'"
    assert main(["run", str(write_spec(folder, spec)), "--out", str(folder / "out")]) == 2
    assert "in the weights but not the sample: 'OHIO'" in capsys.readouterr().err


def test_weights_entry_without_type():
    spec = base_spec(weights={"W": {"path": "data/us_states_contiguity.csv"}})
    with pytest.raises(SpecError, match=r"weights\.W: required key 'type' is missing; available: "
                                        r"inverse_distance, knn, economic_distance, nested, "
                                        r"matrix, adjacency, contiguity"):
        spec_from_dict(spec)


def test_duplicate_moran_ids():
    entry = {"id": "mi", "variables": ["lgsp"], "weights": ["W"]}
    with pytest.raises(SpecError, match=r"moran: duplicate ids \['mi'\]"):
        spec_from_dict(base_spec(moran=[entry, entry]))


def test_singletons_refused_for_spatial_models_but_not_inherited():
    spec = base_spec()
    spec["models"][0]["singletons"] = "drop"
    with pytest.raises(SpecError, match=r"models\.sdm\.singletons: type 'sdm' needs a balanced "
                                        r"panel and takes no 'singletons'"):
        spec_from_dict(spec)
    spec = base_spec(defaults={"singletons": "drop"})
    assert not hasattr(spec_from_dict(spec).model("sdm"), "singletons")


def test_random_effects_of_spatial_error_models_are_refused():
    """random: [entity] is for sar and sdm (tests/pipeline/test_spatial_random_spec.py)."""
    spec = base_spec()
    spec["models"][0].update(type="sem", effects=[], random=["entity"])
    with pytest.raises(SpecError, match=r"models\.sdm\.random: random effects of spatial models "
                                        r"are available for sar and sdm, not type 'sem'"):
        spec_from_dict(spec)
