"""The bundled example specs/spatial.yaml, run through the command line, against direct calls.

Data: Munnell (1990) US state production panel (R plm's Produc; 48 states, 1970-1986), with
inverse great-circle distance weights between the centroids of libpysal's us48 polygons,
economic-distance weights of the state means of lgsp, and queen contiguity from spData (see
specs/data/README.md). Every number results.json reports must equal the one obtained by
calling the kernels directly (``fit_spatial_panel``, ``spatial_effects``, ``spatial_lm_tests``,
``durbin_tests``, ``moran_panel``) on the same data, stacked time-major with the states in
alphabetical order: rtol=1e-10.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regiometrics.cli import main
from regiometrics.data.weights import economic_distance, inverse_distance
from regiometrics.data.weights_io import read_adjacency_list
from regiometrics.engine.spatial.lm_tests import spatial_lm_tests
from regiometrics.engine.spatial.model_tests import durbin_tests
from regiometrics.engine.spatial.panel_data import to_time_major
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel
from regiometrics.measure.moran import MORAN_FIELDS, moran_panel

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "spatial.yaml"
DATA = ROOT / "specs" / "data"
X_NAMES = ["lpcap", "lpc", "lemp", "unemp"]
RTOL = 1e-10


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("spatial_out")
    assert main(["run", str(SPEC), "--out", str(out)]) == 0
    return out, json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pd.read_csv(DATA / "produc.csv")


@pytest.fixture(scope="module")
def weights(panel: pd.DataFrame) -> dict:
    states = sorted(panel["state"].unique())
    coords = pd.read_csv(DATA / "us_states_coords.csv")
    raw = {
        "Wdist": inverse_distance(coords, entity="state", power=1.0),
        "Wecon": economic_distance(panel, entity="state", variable="lgsp"),
        "Wcont": read_adjacency_list(DATA / "us_states_contiguity.csv"),
    }
    return {k: w.align(states).row_standardize() for k, w in raw.items()}


def test_outputs_written(run):
    out, doc = run
    for name in ("moran_years", "spatial_effects", "sdm_coefficients"):
        assert (out / f"{name}.tex").stat().st_size > 0
        assert (out / f"{name}.md").stat().st_size > 0
    for ext in ("pdf", "png"):
        assert (out / f"moran_scatter_lgsp_1986.{ext}").stat().st_size > 1000
    assert set(doc["weights"]) == {"Wdist", "Wecon", "Wcont"}
    assert set(doc["moran"]) == {"mi"}


def test_weights_summary(run, weights):
    _, doc = run
    cont = doc["weights"]["Wcont"]
    w = weights["Wcont"]
    card = np.count_nonzero(w.to_dense(), axis=1)
    assert cont["n"] == 48 and cont["n_islands"] == 0 and cont["islands"] == []
    assert cont["row_standardized"] is True
    # 107 queen pairs in both directions over the 48 x 48 cells
    np.testing.assert_allclose(cont["nonzero_share"], 2 * 107 / 48**2, rtol=1e-12)
    np.testing.assert_allclose(cont["neighbours"]["mean"], card.mean(), rtol=1e-12)
    assert (cont["neighbours"]["min"], cont["neighbours"]["max"]) == (card.min(), card.max())
    dist = doc["weights"]["Wdist"]
    np.testing.assert_allclose(dist["nonzero_share"], 47 / 48, rtol=1e-12)
    assert dist["neighbours"] == {"min": 47.0, "mean": 47.0, "max": 47.0}


def test_moran_rows_equal_direct_call(run, panel, weights):
    _, doc = run
    rows = doc["moran"]["mi"]
    assert all(list(r) == list(MORAN_FIELDS) for r in rows)
    direct = moran_panel(
        panel, entity="state", time="year", variables=["lgsp", "lpcap"],
        weights={"Wdist": weights["Wdist"], "Wecon": weights["Wecon"]},
        permutations=999, seed=20240101, alternative="greater", progress=False,
    )
    assert len(rows) == len(direct) == 2 * 2 * 17
    got = pd.DataFrame(rows)
    assert got[["variable", "weights", "time"]].equals(direct[["variable", "weights", "time"]])
    for field in MORAN_FIELDS[3:]:
        np.testing.assert_allclose(got[field].to_numpy(float), direct[field].to_numpy(float),
                                   rtol=RTOL, err_msg=field)
    # the spec's default alternative is one-sided "greater": p = 1 - Phi(z)
    assert (got["p_norm"] < 0.5).sum() == (got["z_norm"] > 0).sum()


def _stacked(panel: pd.DataFrame, w) -> tuple[np.ndarray, np.ndarray]:
    frame = to_time_major(panel, entity="state", time="year", entity_order=list(w.entities))
    return frame["lgsp"].to_numpy(float), frame[X_NAMES].to_numpy(float)


@pytest.mark.parametrize("model_id,wname", [("sdm_dist", "Wdist"), ("sdm_econ", "Wecon"),
                                            ("sdm_cont", "Wcont")])
def test_sdm_equals_direct_fit(run, panel, weights, model_id, wname):
    _, doc = run
    got = doc["models"][model_id]
    w = weights[wname]
    y, X = _stacked(panel, w)
    fit = fit_spatial_panel(y, X, w.to_sparse(), n_entities=48, n_periods=17, model="sdm",
                            effects="twoways", x_names=X_NAMES)
    assert got["type"] == "sdm" and got["dependent"] == "lgsp" and got["nobs"] == 816
    assert list(got["params"]) == X_NAMES + [f"W.{x}" for x in X_NAMES] + ["rho"]
    for key in ("params", "std_errors", "pvalues"):
        np.testing.assert_allclose([got[key][k] for k in fit.params],
                                   list(getattr(fit, key).values()), rtol=RTOL, err_msg=key)
    np.testing.assert_allclose(got["stats"]["loglik"], fit.loglik, rtol=RTOL)
    np.testing.assert_allclose(got["stats"]["sigma2"], fit.sigma2, rtol=RTOL)
    eff = fit.effects(method="simulation", draws=1000, seed=12345)
    for kind in ("direct", "indirect", "total"):
        for term, e in getattr(eff, kind).items():
            rec = got["effects"][kind][term]
            np.testing.assert_allclose([rec["estimate"], rec["std_error"], rec["pvalue"]],
                                       [e.estimate, e.std_error, e.pvalue], rtol=RTOL)
    assert got["info"]["weights"] == wname and got["info"]["effects_seed"] == 12345


def test_spatial_tests_equal_direct_calls(run, panel, weights):
    _, doc = run
    stats = doc["models"]["sdm_dist"]["stats"]
    w = weights["Wdist"]
    y, X = _stacked(panel, w)
    common = {"n_entities": 48, "n_periods": 17, "effects": "twoways", "x_names": X_NAMES}
    lm = spatial_lm_tests(y, X, w.to_sparse(), **common)
    for key in ("lm_lag", "lm_error", "robust_lm_lag", "robust_lm_error"):
        np.testing.assert_allclose(stats[key], getattr(lm, key).statistic, rtol=RTOL)
        np.testing.assert_allclose(stats[f"{key}_p"], getattr(lm, key).pvalue, rtol=RTOL)
    fits = {m: fit_spatial_panel(y, X, w.to_sparse(), model=m, **common)
            for m in ("sdm", "sar", "sem")}
    tests = durbin_tests(fits["sdm"], sar=fits["sar"], sem=fits["sem"])
    for key in ("wald_sar", "wald_sem", "lr_sar", "lr_sem"):
        np.testing.assert_allclose(stats[key], getattr(tests, key).statistic, rtol=RTOL)
        np.testing.assert_allclose(stats[f"{key}_p"], getattr(tests, key).pvalue, rtol=RTOL)
        assert stats[f"{key}_df"] == 4
    assert "lm_lag" not in doc["models"]["sdm_econ"]["stats"]  # spatial_tests not requested


def test_table10_cells_come_from_results_json(run):
    out, doc = run
    text = (out / "spatial_effects.md").read_text()
    lines = [ln for ln in text.splitlines() if ln.startswith("| log public capital")]
    assert len(lines) == 1
    cells = [c.strip().replace("\\*", "*") for c in lines[0].strip("|").split("|")][1:]
    expected = []
    for m in ("sdm_dist", "sdm_econ"):
        for kind in ("direct", "indirect", "total"):
            e = doc["models"][m]["effects"][kind]["lpcap"]
            p = e["pvalue"]
            expected.append(f"{e['estimate']:.3f}" + "*" * sum(p < t for t in (0.1, 0.05, 0.01)))
    assert cells == expected
    rho = next(ln for ln in text.splitlines() if ln.startswith("| Spatial: rho"))
    assert f"{doc['models']['sdm_dist']['params']['rho']:.3f}" in rho


def test_table9_cells_come_from_results_json(run):
    out, doc = run
    text = (out / "moran_years.md").read_text().splitlines()
    row = next(i for i, ln in enumerate(text) if ln.startswith("| 1986 "))
    cells = [c.strip().replace("\\*", "*") for c in text[row].strip("|").split("|")][1:]
    zs = [c.strip() for c in text[row + 1].strip("|").split("|")][1:]
    rows = {(r["weights"], r["variable"]): r for r in doc["moran"]["mi"] if r["time"] == 1986}
    order = [("Wdist", "lgsp"), ("Wdist", "lpcap"), ("Wecon", "lgsp"), ("Wecon", "lpcap")]
    for cell, z, key in zip(cells, zs, order, strict=True):
        r = rows[key]
        nstars = sum(r["p_rand"] < t for t in (0.1, 0.05, 0.01))
        assert cell == f"{r['I']:.3f}" + "*" * nstars
        assert z == f"({r['z_rand']:.3f})"


def test_scatter_figure_is_the_moran_of_results_json(panel, weights):
    """The figure's points are (z, Wz) of lgsp in 1986 and its line's slope is Moran's I there."""
    from regiometrics.pipeline import compute
    from regiometrics.spec import load_spec

    run = compute(load_spec(SPEC), SPEC.parent)
    fig = run.figures["moran_scatter_lgsp_1986"]
    ax = fig.axes[0]
    y = panel[panel["year"] == 1986].set_index("state")["lgsp"]
    y = y.loc[list(weights["Wdist"].entities)].to_numpy()
    z = (y - y.mean()) / y.std(ddof=0)
    np.testing.assert_allclose(ax.collections[0].get_offsets(),
                               np.column_stack([z, weights["Wdist"].lag(z)]), rtol=1e-12)
    xs, ys = ax.lines[-1].get_data()
    row = run.sections["moran"]["mi"]
    moran_i = next(r["I"] for r in row if (r["variable"], r["weights"], r["time"])
                   == ("lgsp", "Wdist", 1986))
    np.testing.assert_allclose((ys[1] - ys[0]) / (xs[1] - xs[0]), moran_i, rtol=1e-10)
    assert ax.get_legend().get_texts()[0].get_text() == f"Moran's I = {moran_i:.3f}"
