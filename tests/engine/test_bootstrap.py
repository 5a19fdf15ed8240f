"""Tests of the two-way FE bootstrap kernel (regiometrics.engine.mechanisms.bootstrap).

The references are independent computations done in the tests: the closed-form
balanced two-way within transform, least squares with explicit entity and time
dummies (LSDV), physically duplicated rows for frequency weights, and the naive loop
that rebuilds each resampled panel and refits every equation with ``numpy.linalg.lstsq``.
"""

from __future__ import annotations

import numpy as np
import pytest

from regiometrics.engine.mechanisms.bootstrap import (
    Equation,
    bootstrap_fe,
    draw_indices,
    fe_coefficients,
    prepare_twoway,
    twoway_demean,
)
from regiometrics.engine.mechanisms.intervals import bc_interval, percentile_interval
from regiometrics.errors import ConvergenceError, DataError, IdentificationError, SpecError

EQS = (
    Equation("m", ("d", "w")),
    Equation("y", ("d", "m", "w")),
    Equation("y", ("d", "w")),
)


def simulate(n: int = 40, t: int = 8, *, seed: int = 0, drop: float = 0.0) -> dict:
    """Panel with entity and time effects; ``drop`` removes that share of rows at random."""
    rng = np.random.default_rng(seed)
    ent = np.repeat(np.arange(n), t)
    tim = np.tile(np.arange(t), n) + 2000
    fe = rng.normal(size=n)[np.repeat(np.arange(n), t)] + rng.normal(size=t)[tim - 2000]
    w = rng.normal(size=n * t) + fe
    d = rng.normal(size=n * t) + 0.5 * w + fe
    m = 0.6 * d + 0.2 * w + rng.normal(size=n * t) + fe
    y = 0.3 * d + 0.5 * m - 0.1 * w + rng.normal(size=n * t) + 2 * fe
    keep = rng.uniform(size=n * t) >= drop
    cols = {"y": y, "d": d, "m": m, "w": w}
    return {
        "columns": {k: v[keep] for k, v in cols.items()},
        "entity": np.array([f"E{i:03d}" for i in ent])[keep],
        "time": tim[keep],
    }


def panel(**kw: object):
    s = simulate(**kw)  # type: ignore[arg-type]
    return prepare_twoway(s["columns"], s["entity"], s["time"])


def lsdv(y: np.ndarray, x: np.ndarray, ent: np.ndarray, tim: np.ndarray) -> np.ndarray:
    """Slopes of y on x plus full entity dummies and time dummies (one dropped)."""
    de = (ent[:, None] == np.unique(ent)[None, :]).astype(float)
    dt = (tim[:, None] == np.unique(tim)[None, 1:]).astype(float)
    design = np.column_stack([x, de, dt])
    return np.linalg.lstsq(design, y, rcond=None)[0][: x.shape[1]]


def test_demean_balanced_equals_closed_form() -> None:
    """Balanced panel: alternating projections equal z_it - z_i. - z_.t + z_.. ."""
    data = panel()
    z = data.values.reshape(40, 8, -1)
    expected = z - z.mean(axis=1, keepdims=True) - z.mean(axis=0, keepdims=True) + z.mean((0, 1))
    got = twoway_demean(data.values, data.entity, data.time)
    np.testing.assert_allclose(got, expected.reshape(-1, 4), rtol=0, atol=1e-13)


@pytest.mark.parametrize("drop", [0.0, 0.15])
def test_fe_coefficients_equal_lsdv(drop: float) -> None:
    """Coefficients from the demeaned cross-products equal LSDV with explicit dummies."""
    s = simulate(drop=drop)
    data = prepare_twoway(s["columns"], s["entity"], s["time"])
    assert data.balanced == (drop == 0.0)
    for eq, beta in zip(EQS, fe_coefficients(data, EQS)):
        x = np.column_stack([s["columns"][r] for r in eq.regressors])
        ref = lsdv(s["columns"][eq.dependent], x, s["entity"], s["time"])
        np.testing.assert_allclose(beta, ref, rtol=1e-10)


def test_weighted_demeaning_equals_duplicated_rows() -> None:
    """Integer frequency weights give the cross-products of physically repeated rows."""
    data = panel(drop=0.1)
    w = np.random.default_rng(5).integers(0, 4, size=data.nobs).astype(float)
    zw = twoway_demean(data.values, data.entity, data.time, weights=w)
    rows = np.repeat(np.arange(data.nobs), w.astype(int))
    zd = twoway_demean(data.values[rows], data.entity[rows], data.time[rows])
    np.testing.assert_allclose((zw * w[:, None]).T @ zw, zd.T @ zd, rtol=1e-10)
    stacked = twoway_demean(data.values, data.entity, data.time, weights=np.stack([w, 2 * w]))
    np.testing.assert_allclose(stacked[0], zw, rtol=0, atol=1e-13)


@pytest.mark.parametrize(
    ("drop", "scheme", "method"),
    [
        (0.0, "entity", "blocks"),
        (0.0, "entity", "iterated"),
        (0.15, "entity", "iterated"),
        (0.0, "row", "iterated"),
        (0.15, "row", "iterated"),
    ],
)
def test_fast_paths_equal_naive_refit(drop: float, scheme: str, method: str) -> None:
    """Same seed: identical draws and coefficients (1e-10) as rebuilding and refitting each resample."""
    data = panel(drop=drop)
    fast = bootstrap_fe(
        data,
        EQS,
        reps=60,
        seed=11,
        scheme=scheme,
        method=method,
        progress=False,  # type: ignore[arg-type]
    )
    naive = bootstrap_fe(
        data,
        EQS,
        reps=60,
        seed=11,
        scheme=scheme,
        method="refit",
        progress=False,  # type: ignore[arg-type]
    )
    assert fast.method == method and naive.method == "refit"
    np.testing.assert_array_equal(fast.indices, naive.indices)
    for a, b in zip(fast.coefficients, naive.coefficients):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    assert fast.n_failed == 0


def test_auto_method_and_chunking() -> None:
    """'auto' picks blocks for a balanced entity bootstrap; draws do not depend on chunk size.

    (Coefficients agree to rounding only: BLAS sums in a different order for other shapes.)
    """
    data = panel()
    one = bootstrap_fe(data, EQS, reps=50, seed=3, chunk_size=50, progress=False)
    many = bootstrap_fe(data, EQS, reps=50, seed=3, chunk_size=7, progress=False)
    assert one.method == "blocks"
    assert bootstrap_fe(panel(drop=0.1), EQS, reps=2, seed=3, progress=False).method == "iterated"
    np.testing.assert_array_equal(one.indices, many.indices)
    for a, b in zip(one.coefficients, many.coefficients):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_array_equal(one.indices, draw_indices(40, 50, seed=3))
    other = bootstrap_fe(data, EQS, reps=50, seed=4, progress=False)
    assert not np.array_equal(one.coefficients[0], other.coefficients[0])


def test_entity_resample_draws_whole_entities() -> None:
    """A draw's coefficients equal the FE fit of the resample built by hand, copies relabelled."""
    s = simulate(n=12, t=5)
    data = prepare_twoway(s["columns"], s["entity"], s["time"])
    boot = bootstrap_fe(data, EQS[1:2], reps=3, seed=9, progress=False)
    for b in range(3):
        rows = np.concatenate([np.flatnonzero(data.entity == i) for i in boot.indices[b]])
        new_entity = np.repeat(np.arange(12), 5)
        x = np.column_stack([s["columns"][r][rows] for r in EQS[1].regressors])
        ref = lsdv(s["columns"]["y"][rows], x, new_entity, s["time"][rows])
        np.testing.assert_allclose(boot.coefficients[0][b], ref, rtol=1e-10)


def test_unidentified_draws_are_nan_and_counted() -> None:
    """A control that varies in one entity only is unidentified in draws without that entity."""
    s = simulate(n=30, t=6)
    spike = np.zeros(180)
    spike[3] = 1.0  # entity E000, one period
    s["columns"]["spike"] = spike
    data = prepare_twoway(s["columns"], s["entity"], s["time"])
    eqs = [Equation("y", ("d", "spike"))]
    for method in ("blocks", "refit"):
        boot = bootstrap_fe(data, eqs, reps=80, seed=2, method=method, progress=False)  # type: ignore[arg-type]
        missing = (boot.indices != 0).all(axis=1)
        assert missing.any() and not missing.all()
        np.testing.assert_array_equal(np.isnan(boot.coefficients[0]).any(axis=1), missing)
        assert boot.n_failed == int(missing.sum())


def test_percentile_and_bc_intervals_by_hand() -> None:
    """Draws 1..1000: Stata's _pctile definition and the BC interval worked out by hand.

    Percentile 2.5%: n p = 25 is whole, so the average of the 25th and 26th values, 25.5;
    97.5%: (975 + 976) / 2. BC with 600 draws <= estimate: z0 = Phi^-1(0.6) = 0.253347,
    quantile levels Phi(2 z0 -/+ 1.959964) = 0.073137 and 0.993181, so n p = 73.1 and
    993.2 are not whole and the 74th and 994th values are taken.
    """
    draws = np.random.default_rng(0).permutation(np.arange(1.0, 1001.0))
    assert percentile_interval(draws) == (25.5, 975.5)
    assert bc_interval(draws, 600.5) == (74.0, 994.0)
    lo, hi = percentile_interval(np.append(draws, np.nan), level=0.9)
    assert (lo, hi) == (50.5, 950.5)
    # an estimate at the median gives z0 = 0: BC equals the percentile interval
    assert bc_interval(draws, 500.5) == percentile_interval(draws)


def test_bad_inputs_raise_with_messages() -> None:
    s = simulate(drop=0.1)
    data = prepare_twoway(s["columns"], s["entity"], s["time"])
    with pytest.raises(DataError, match=r"method 'blocks' needs a balanced panel; entities E\d+"):
        bootstrap_fe(data, EQS, reps=10, seed=1, method="blocks", progress=False)
    with pytest.raises(SpecError, match="bootstrap resample must be one of 'entity', 'row'"):
        bootstrap_fe(data, EQS, reps=10, seed=1, scheme="cluster", progress=False)  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="method 'blocks' works only with resample 'entity'"):
        bootstrap_fe(panel(), EQS, reps=10, seed=1, scheme="row", method="blocks")
    with pytest.raises(SpecError, match="reps must be an integer of at least 2; got 1"):
        bootstrap_fe(data, EQS, reps=1, seed=1)
    with pytest.raises(ConvergenceError, match="did not converge in 1 sweeps"):
        twoway_demean(data.values, data.entity, data.time, max_iter=1)
    cols = dict(s["columns"])
    cols["d"] = cols["d"].copy()
    cols["d"][4] = np.nan
    with pytest.raises(DataError, match=r"variable 'd' is missing or not finite in 1 rows"):
        prepare_twoway(cols, s["entity"], s["time"])
    with pytest.raises(DataError, match=r"variable 'y' has shape \(3,\)"):
        prepare_twoway({"y": [1.0, 2.0, 3.0]}, s["entity"], s["time"])
    ent, tim = s["entity"].copy(), s["time"].copy()
    ent[1], tim[1] = ent[0], tim[0]
    with pytest.raises(DataError, match=r"entity-time pair E000-200\d occurs 2 times"):
        prepare_twoway(s["columns"], ent, tim)
    with pytest.raises(SpecError, match="confidence level must lie strictly between 0 and 1"):
        percentile_interval([1.0, 2.0, 3.0], level=95)
    with pytest.raises(IdentificationError, match="only 1 bootstrap draws could be estimated"):
        percentile_interval([1.0, np.nan])


def test_unidentified_sample_raises() -> None:
    """A regressor constant within entities has no within variation: the error names it."""
    s = simulate()
    s["columns"]["region"] = np.repeat(np.arange(40) % 3, 8).astype(float)
    data = prepare_twoway(s["columns"], s["entity"], s["time"])
    with pytest.raises(IdentificationError, match="'region' has no variation left"):
        fe_coefficients(data, [Equation("y", ("d", "region"))])
    s["columns"]["d2"] = 2 * s["columns"]["d"] + s["columns"]["w"]
    data = prepare_twoway(s["columns"], s["entity"], s["time"])
    with pytest.raises(IdentificationError, match=r"equation y ~ d \+ w \+ d2 are collinear"):
        fe_coefficients(data, [Equation("y", ("d", "w", "d2"))])


def test_iterated_stacks_do_not_change_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Demeaning draws in small stacks (2 per stack here) gives the blocks results."""
    from regiometrics.engine.mechanisms import bootstrap

    data = panel()
    monkeypatch.setattr(bootstrap._IteratedStep, "STACK_ELEMENTS", 2 * data.values.size)
    small = bootstrap_fe(data, EQS, reps=15, seed=8, method="iterated", progress=False)
    blocks = bootstrap_fe(data, EQS, reps=15, seed=8, method="blocks", progress=False)
    for a, b in zip(small.coefficients, blocks.coefficients):
        np.testing.assert_allclose(a, b, rtol=1e-10)
