"""Every bad-input path of the spatial panel kernels raises a named error with a useful message."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from regiometrics.engine.spatial import panel_ml
from regiometrics.engine.spatial.lm_tests import spatial_lm_tests
from regiometrics.engine.spatial.model_tests import durbin_tests
from regiometrics.engine.spatial.panel_data import to_time_major
from regiometrics.engine.spatial.panel_ml import fit_spatial_panel
from regiometrics.errors import ConvergenceError, DataError, IdentificationError, SpecError
from tests.engine.spatial.spatial_helpers import knn_weights, simulate_sdm

N, T = 20, 4


@pytest.fixture(scope="module")
def data():
    W = knn_weights(N, k=4, seed=2)
    y, X = simulate_sdm(W, n_periods=T, rho=0.3, beta=[1.0, 0.5], theta=[0.2, 0.0], seed=4)
    return y, X, W


def fit(data, **kw):
    y, X, W = data
    args = {"n_entities": N, "n_periods": T, "model": "sdm", "effects": "twoways"}
    args.update(kw)
    y = args.pop("y", y)
    X = args.pop("X", X)
    W = args.pop("W", W)
    return fit_spatial_panel(y, X, W, **args)


# ---------------------------------------------------------------- options


def test_unknown_model(data):
    with pytest.raises(
        SpecError, match=r"model must be one of 'sar', 'sem', 'sdm', 'sdem'; 'sac'"
    ):
        fit(data, model="sac")


def test_unknown_effects(data):
    with pytest.raises(SpecError, match=r"effects must be one of .*'both' was given"):
        fit(data, effects="both")


def test_unknown_logdet(data):
    with pytest.raises(SpecError, match="logdet method must be one of"):
        fit(data, logdet="cheb")


def test_lee_yu_without_fixed_effects(data):
    with pytest.raises(SpecError, match="lee_yu=True corrects the bias caused by fixed effects"):
        fit(data, effects="none", lee_yu=True)


def test_durbin_for_model_without_wx(data):
    with pytest.raises(SpecError, match="model 'sar', which has no W.x terms"):
        fit(data, model="sar", durbin=["x1"])


def test_unknown_durbin_name(data):
    with pytest.raises(SpecError, match=r"durbin names \['z'\] are not regressors"):
        fit(data, durbin=["z"])


def test_x_names_length(data):
    with pytest.raises(DataError, match="x_names has 1 names but X has 2 columns"):
        fit(data, x_names=["a"])


# ---------------------------------------------------------------- data


def test_unbalanced_shapes(data):
    y, X, _ = data
    with pytest.raises(
        DataError, match=r"balanced panel of 20 entities x 4 periods has 80 rows.*to_time_major"
    ):
        fit(data, y=y[:-1], X=X[:-1])


def test_too_few_entities(data):
    with pytest.raises(DataError, match="need n_entities >= 2"):
        fit(data, n_entities=1, n_periods=80, W=np.zeros((1, 1)))


def test_missing_values(data):
    _y, X, _ = data
    X = X.copy()
    X[25, 1] = np.nan
    with pytest.raises(
        DataError,
        match=r"X has 1 missing or infinite values, the first at row 25 \(period 1, entity 5\), column 1",
    ):
        fit(data, X=X)


def test_entity_effects_need_two_periods(data):
    y, X, _W = data
    with pytest.raises(IdentificationError, match="entity fixed effects need at least 2 periods"):
        fit(data, y=y[:N], X=X[:N], n_periods=1, effects="entity")


@pytest.mark.parametrize(
    "mutate,pattern",
    [
        (lambda W: W[:5, :5], r"W has shape \(5, 5\) but n_entities = 20"),
        (lambda W: np.ones(20), "W must be a 2-D"),
        (lambda W: _set(W, (0, 1), np.inf), "NaN or infinite weights"),
        (lambda W: _set(W, (0, 1), -0.1), "negative weights"),
        (lambda W: _set(W, (3, 3), 0.5), r"non-zero diagonal entries at rows \[3\]"),
        (lambda W: W * 2.0, "W must be row-standardised: 20 rows do not sum to 1"),
        (lambda W: _set(_set(W, (2, slice(None)), 0.0), (0, 0), 0.0), "islands"),
    ],
)
def test_bad_weights(data, mutate, pattern):
    W = data[2].toarray()
    with pytest.raises(DataError, match=pattern):
        fit(data, W=mutate(W))


def _set(W, idx, value):
    W = np.array(W, dtype=float)
    W[idx] = value
    return W


def test_sparse_weights_accepted(data):
    dense = fit(data, W=data[2].toarray())
    sparse = fit(data, W=sp.csc_matrix(data[2]))
    assert dense.params == sparse.params


# ---------------------------------------------------------------- identification


def test_constant_absorbed_by_fixed_effects(data):
    _y, X, _ = data
    Xc = np.column_stack([X, np.ones(N * T)])
    with pytest.raises(
        IdentificationError,
        match=r"regressor 'const' has no variation left.*must not contain a constant",
    ):
        fit(data, X=Xc, x_names=["a", "b", "const"], model="sar")


def test_time_invariant_regressor_absorbed_by_entity_effects(data):
    _y, X, _ = data
    z = np.tile(np.arange(N, dtype=float), T)
    with pytest.raises(IdentificationError, match=r"'z' has no variation .* entity fixed effects"):
        fit(data, X=np.column_stack([X, z]), x_names=["a", "b", "z"], model="sar", effects="entity")


def test_collinear_regressors(data):
    _y, X, _ = data
    Xc = np.column_stack([X, X[:, 0] + 2 * X[:, 1]])
    with pytest.raises(
        IdentificationError, match=r"collinear after demeaning .* \['a', 'b', 'c'\]"
    ):
        fit(data, X=Xc, x_names=["a", "b", "c"], model="sar")


def test_constant_allowed_without_fixed_effects_and_not_lagged(data):
    _y, X, _ = data
    Xc = np.column_stack([np.ones(N * T), X])
    f = fit(data, X=Xc, x_names=["const", "a", "b"], effects="none")
    assert "W.const" not in f.params and "W.a" in f.params
    assert f.effects(method="delta").terms == ("a", "b")


# ---------------------------------------------------------------- convergence


def test_rho_at_edge_of_interval(data, monkeypatch):
    class Res:
        success, message = True, "ok"
        x = 1.0 - 1e-9

    monkeypatch.setattr(panel_ml.optimize, "minimize_scalar", lambda *a, **k: Res())
    with pytest.raises(
        ConvergenceError, match=r"rho = 1.000000 is at the edge of the admissible interval"
    ):
        fit(data)


def test_optimiser_failure(data, monkeypatch):
    class Res:
        success, message, x = False, "maximum iterations", 0.1

    monkeypatch.setattr(panel_ml.optimize, "minimize_scalar", lambda *a, **k: Res())
    with pytest.raises(
        ConvergenceError, match="concentrated likelihood in lambda did not converge"
    ):
        fit(data, model="sem")


def test_lee_yu_correction_leaving_interval(data, monkeypatch):
    # The two-way correction is the only np.linalg.solve on the SDM path; make it huge.
    monkeypatch.setattr(panel_ml.np.linalg, "solve", lambda a, b: np.full_like(b, 1e3))
    with pytest.raises(
        ConvergenceError, match="Lee-Yu corrected rho = .* outside the admissible interval"
    ):
        fit(data, lee_yu=True)


# ---------------------------------------------------------------- effects and tests


def test_effects_options(data):
    f = fit(data)
    with pytest.raises(SpecError, match="simulated effects need a seed"):
        f.effects(method="simulation")
    with pytest.raises(SpecError, match="effects method must be one of"):
        f.effects(method="bootstrap")
    with pytest.raises(SpecError, match="draws must be at least 2"):
        f.effects(draws=1, seed=1)
    with pytest.raises(SpecError, match=r"level must be in \(0, 1\)"):
        f.effects(method="delta", level=95)


def test_durbin_tests_inputs(data):
    sdm = fit(data)
    sar = fit(data, model="sar")
    with pytest.raises(SpecError, match="durbin_tests needs an 'sdm' fit"):
        durbin_tests(sar)
    with pytest.raises(SpecError, match="sem must be a 'sem' fit"):
        durbin_tests(sdm, sem=sar)
    with pytest.raises(SpecError, match="same data, regressors and fixed effects"):
        durbin_tests(sdm, sar=fit(data, model="sar", effects="entity"))
    with pytest.raises(SpecError, match="no W.x terms"):
        durbin_tests(fit(data, durbin=[]))


def test_lm_variant(data):
    y, X, W = data
    with pytest.raises(SpecError, match="variant must be one of"):
        spatial_lm_tests(y, X, W, n_entities=N, n_periods=T, effects="entity", variant="anselin")


# ---------------------------------------------------------------- to_time_major


def _long():
    return pd.DataFrame({"id": ["b", "a", "b", "a"], "yr": [2, 2, 1, 1], "v": [4.0, 3.0, 2.0, 1.0]})


def test_to_time_major_unknown_column():
    with pytest.raises(DataError, match=r"column 'year' is not in the data"):
        to_time_major(_long(), entity="id", time="year")


def test_to_time_major_duplicates():
    df = pd.concat([_long(), _long().iloc[:1]])
    with pytest.raises(DataError, match=r"2 rows share an entity-period; e.g. \[\('b', 2\)\]"):
        to_time_major(df, entity="id", time="yr")


def test_to_time_major_unbalanced():
    with pytest.raises(
        DataError, match=r"not balanced: 1 entity-periods are missing, e.g. \[\('a', 2\)\]"
    ):
        to_time_major(_long().iloc[[0, 2, 3]], entity="id", time="yr")


def test_to_time_major_entities_differ_from_weights():
    with pytest.raises(
        DataError,
        match=r"in the weights but not the data: \['c'\]; in the data but not the weights: \['b'\]",
    ):
        to_time_major(_long(), entity="id", time="yr", entity_order=["a", "c"])
