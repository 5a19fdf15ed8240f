"""From a model spec, its sample and its fitted Result to wild cluster bootstrap tests.

The arrays are built exactly as the estimators build them (same listwise deletion, same
sweep of the absorbed effects, same omitted columns), then handed to the kernels of
:mod:`regiometrics.engine.inference.wild_bootstrap`. The reported ``t_stat`` uses the
model's small-sample convention on the bootstrap clusters (``fixest``: G/(G-1)(N-1)/(N-K),
effects nested in the bootstrap clusters not counted in K; ``stata_xtreg``: K the regressors
and the constant; ``none``: no factor), so it equals the model's own t when the bootstrap
clusters are the model's clusters; the factor cancels from the bootstrap p-value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.engine.inference.wild_bootstrap import (
    IVWildKernel,
    LinearWildKernel,
    Sweep,
    make_draws,
    wild_test,
)
from regiometrics.engine.iv.model import iv_design
from regiometrics.engine.linear.demean import demean
from regiometrics.engine.linear.design import build_design
from regiometrics.errors import DataError, SpecError
from regiometrics.results import Result, WildBootstrap, WildBootstrapTerm
from regiometrics.spec.iv import IvSpec
from regiometrics.spec.models import WildModel

CONSTANT = "_cons"


def _cluster_codes(model: WildModel, panel: Panel, rows: pd.Index) -> tuple[str, np.ndarray]:
    spec = model.wild_bootstrap
    assert spec is not None
    where = f"models.{model.id}.wild_bootstrap.cluster"
    column = {"entity": panel.entity, "time": panel.time}.get(spec.cluster, spec.cluster)
    if column is None:
        raise SpecError(f"{where}: 'time' needs data.time to be set")
    panel.require([column], where=where)
    values = panel.frame.loc[rows, column]
    if values.isna().any():
        raise DataError(
            f"{where}: column {column!r} is missing on {int(values.isna().sum())} rows of the "
            "estimation sample; fill it or filter those rows out"
        )
    return column, pd.factorize(values, sort=True)[0].astype(np.int64)


def _nested(fe: np.ndarray, codes: np.ndarray) -> bool:
    """True when every level of ``fe`` lies within one bootstrap cluster."""
    cluster_of = np.full(int(fe.max()) + 1, -1, dtype=np.int64)
    cluster_of[fe] = codes
    return bool(np.array_equal(cluster_of[fe], codes))


def _small_factor(model: WildModel, result: Result, n: int, G: int, k_regressors: int,
                  fe_codes: list[np.ndarray], codes: np.ndarray) -> float:
    correction = model.vcov.correction
    if correction == "none":
        return 1.0
    if correction == "stata_xtreg":
        k = k_regressors
    else:
        k = int(result.stats.get("df_k", k_regressors))
        k -= sum(int(fe.max()) for fe in fe_codes if _nested(fe, codes))
    return G / (G - 1) * (n - 1) / (n - k)


def _terms(model: WildModel, available: list[str], default: list[str]) -> list[str]:
    spec = model.wild_bootstrap
    assert spec is not None
    terms = list(spec.terms) if spec.terms is not None else default
    for term in terms:
        if term not in available:
            raise SpecError(
                f"models.{model.id}.wild_bootstrap.terms: {term!r} cannot be tested here; "
                f"available: {', '.join(available) or 'none'}"
            )
    return terms


KernelFactory = Callable[[str], "LinearWildKernel | IVWildKernel"]


def _linear_tests(model: WildModel, panel: Panel,
                  result: Result) -> tuple[str, int, list[str], KernelFactory]:
    design = build_design(model, panel)
    column, codes = _cluster_codes(model, panel, design.rows)
    fe_codes = list(design.fe_codes.values())
    names = [t for t in result.params.index if t != CONSTANT and t in design.names]
    X = design.X[:, [design.names.index(t) for t in names]]
    y = design.y
    w = design.weights
    sweep = Sweep(fe_codes, design.slope_list, w)
    if fe_codes:
        Z = demean(np.column_stack([y, X]), fe_codes, weights=w, slopes=design.slope_list)
        y, X = Z[:, 0], Z[:, 1:]
    else:
        X = np.column_stack([X, np.ones(len(y))])
        names = [*names, CONSTANT]
    if w is not None:  # WLS: OLS on rows scaled by sqrt(w), as the fit does
        y, X = y * np.sqrt(w), X * np.sqrt(w)[:, None]
    G = int(codes.max()) + 1
    nested = all(_nested(fe, codes) for fe in fe_codes)
    small = _small_factor(model, result, len(y), G, len(names) + (1 if fe_codes else 0),
                          fe_codes, codes)
    tested = _terms(model, names, [t for t in names if t != CONSTANT])

    def kernel(term: str) -> LinearWildKernel:
        return LinearWildKernel(X, y, codes, fe_codes=sweep, nested=nested,
                                j=names.index(term), small=small)
    return column, G, tested, kernel


def _iv_tests(model: IvSpec, panel: Panel,
              result: Result) -> tuple[str, int, list[str], KernelFactory]:
    design = iv_design(model, panel)
    omitted = [c for c in result.info.get("omitted", []) if c in design.exog.columns]
    design = replace(design, exog=design.exog.drop(columns=omitted))  # as the fit omitted them
    column, codes = _cluster_codes(model, panel, design.y.index)
    endog = list(design.endog.columns)
    exog = list(design.exog.columns)
    where = f"models.{model.id}.wild_bootstrap"
    if len(endog) != 1:
        raise SpecError(f"{where}: the WRE bootstrap takes one endogenous regressor; the model "
                        f"has {len(endog)} ({', '.join(endog)})")
    if model.wild_bootstrap and model.wild_bootstrap.terms:
        bad = [t for t in model.wild_bootstrap.terms if t in exog]
        if bad:
            raise SpecError(f"{where}.terms: the WRE bootstrap tests the endogenous regressor "
                            f"{endog[0]!r}; {bad} are exogenous")
    tested = _terms(model, endog, endog)
    fe_codes = list(design.fe_codes.values())
    y1 = design.y.to_numpy(dtype=float)
    y2 = design.endog.to_numpy(dtype=float)[:, 0]
    Z1 = design.instruments.to_numpy(dtype=float)
    X1 = design.exog.to_numpy(dtype=float)
    w = design.weights
    sweep = Sweep(fe_codes, design.slope_list, w)
    if fe_codes:
        stacked = demean(np.column_stack([y1, y2, Z1, X1]), fe_codes, weights=w,
                         slopes=design.slope_list)
        y1, y2 = stacked[:, 0], stacked[:, 1]
        Z1, X1 = stacked[:, 2:2 + Z1.shape[1]], stacked[:, 2 + Z1.shape[1]:]
    else:
        X1 = np.column_stack([X1, np.ones(len(y1))])
    if w is not None:  # weighted 2SLS: every column scaled by sqrt(w), as the fit does
        root = np.sqrt(w)
        y1, y2, Z1, X1 = y1 * root, y2 * root, Z1 * root[:, None], X1 * root[:, None]
    G = int(codes.max()) + 1
    nested = all(_nested(fe, codes) for fe in fe_codes)
    small = _small_factor(model, result, len(y1), G, 1 + X1.shape[1] + (1 if fe_codes else 0),
                          fe_codes, codes)

    def kernel(term: str) -> IVWildKernel:
        return IVWildKernel(y1, y2, Z1, X1, codes, fe_codes=sweep, nested=nested,
                            small=small)
    return column, G, tested, kernel


def wild_bootstrap(model: WildModel, panel: Panel, result: Result) -> WildBootstrap:
    """Wild cluster bootstrap tests of ``model.wild_bootstrap.terms`` (``H0: beta = 0``).

    ``panel`` is the model's sample (after its filter); ``result`` its fitted Result (the
    terms kept after omissions). OLS/FE: WCR (or WCU with ``impose_null: false``); IV: WRE
    (or WUE) on the single endogenous regressor, 2SLS.
    """
    spec = model.wild_bootstrap
    assert spec is not None
    if isinstance(model, IvSpec):
        column, G, tested, kernel = _iv_tests(model, panel, result)
        method = "WRE" if spec.impose_null else "WUE"
    else:
        column, G, tested, kernel = _linear_tests(model, panel, result)
        method = "WCR" if spec.impose_null else "WCU"
    draws = make_draws(spec.weights, G, spec.draws, spec.seed)
    tests = {}
    for term in tested:
        out = wild_test(kernel(term), draws, level=spec.level, pvalue=spec.pvalue,
                        impose_null=spec.impose_null)
        tests[term] = WildBootstrapTerm(t_stat=out.t_stat, pvalue=out.pvalue,
                                        ci_low=out.ci_low, ci_high=out.ci_high)
    return WildBootstrap(
        terms=tests, method=method, cluster=column, n_clusters=G, draws=draws.draws,
        draws_requested=spec.draws, enumerated=draws.enumerated, weights=spec.weights,
        seed=spec.seed, level=spec.level, pvalue_type=spec.pvalue,
        impose_null=spec.impose_null,
    )


def attach_wild_bootstrap(model: WildModel, panel: Panel, result: Result) -> Result:
    """``result`` with its ``wild_bootstrap`` field filled when the model asks for one."""
    if model.wild_bootstrap is None:
        return result
    return replace(result, wild_bootstrap=wild_bootstrap(model, panel, result))
