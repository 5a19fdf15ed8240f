r"""``type: iv`` models: a spec and a panel -> :func:`fit_iv` on the within-transformed data.

Model: :math:`y_{it} = X_{2,it}\beta_2 + X_{1,it}\beta_1 + \mu_i + \delta_t + u_{it}` with
endogenous :math:`X_2` and excluded instruments :math:`Z_1` from the formula's bracket
(``y ~ x1 + [x2 ~ z1 + z2]``); terms may carry panel operators and products (``L.x``,
``L.ports:phones84``), evaluated within entity before listwise deletion. The fixed effects
are swept out of :math:`y, X_1, X_2, Z_1` by the same demeaning as the FE models
(:mod:`regiometrics.engine.linear.demean`) and 2SLS/LIML/GMM runs on the demeaned data with no
constant. Without effects a constant ``_cons`` is an included exogenous regressor.

Degrees of freedom follow the FE models of :mod:`regiometrics.engine.linear.fit` (and Stata's
``ivreghdfe``): :math:`K = k + 1 + \sum_f (G_f - 1)`, the fixed effects absorbed in the
``1 + \sum_f (G_f-1)`` are passed to :func:`fit_iv` as ivreg2's ``sdofminus``, and under
clustering the effects nested in the cluster variable are not counted. ``vcov.correction``:

* ``fixest`` (default) -- ivreghdfe ``small``: :math:`\hat\sigma^2 = RSS/(N-K)`, robust
  :math:`\times N/(N-K)` (HC1), cluster :math:`\times G/(G-1)\cdot(N-1)/(N-K)`, t on
  :math:`N-K` (cluster: :math:`G-1`) df -- exactly the FE models' covariances;
* ``stata_xtreg`` -- ``xtivreg2, fe small``: the absorbed effects as ivreg2 ``dofminus``;
* ``none`` -- ivreg2's default large-sample covariances (HC0, CR0, :math:`RSS/N`), z tests.

The diagnostics (Kleibergen-Paap, Cragg-Donald, Hansen J, Anderson-Rubin, first stages)
keep ivreg2's definitions; see :mod:`regiometrics.engine.iv.diagnostics`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.engine.iv.estimators import IVResult, fit_iv
from regiometrics.engine.linear import vcov as vc
from regiometrics.engine.linear.absorb import (
    absorbed_counts,
)
from regiometrics.engine.linear.demean import demean
from regiometrics.engine.linear.design import (
    complete_rows,
    find_collinear,
    formula_columns,
    has_factor,
    sample_codes,
    sample_info,
)
from regiometrics.engine.linear.fit import OmittedVariableWarning
from regiometrics.errors import IdentificationError, RegiometricsError, SpecError
from regiometrics.results import Result
from regiometrics.spec.formula import Term
from regiometrics.spec.iv import ESTIMATOR_METHODS, IvSpec

CONSTANT = "_cons"


@dataclass(frozen=True)
class IVDesign:
    """The arrays of one IV model on its estimation sample (after listwise deletion).

    ``y``, ``exog``, ``endog``, ``instruments`` are the raw (not demeaned) values, columns
    named by the formula's terms; ``fe_codes`` one integer code array per absorbed effect,
    ``clusters`` the cluster code columns (n, 1 or 2) or ``None``.
    """

    y: pd.Series
    exog: pd.DataFrame
    endog: pd.DataFrame
    instruments: pd.DataFrame
    fe_codes: dict[str, np.ndarray]
    clusters: np.ndarray | None
    cluster_names: list[str]
    entity: np.ndarray
    time: np.ndarray | None
    n_dropped: int
    n_singletons: int = 0
    weights: np.ndarray | None = None
    fe_slopes: dict[str, np.ndarray] | None = None

    @property
    def slope_list(self) -> list[np.ndarray | None]:
        return [(self.fe_slopes or {}).get(k) for k in self.fe_codes]


def _frame(panel: Panel, terms: tuple[Term, ...], where: str,
           model_terms: tuple[Term, ...], sample: pd.Series | None = None) -> pd.DataFrame:
    return pd.DataFrame(formula_columns(panel, terms, where=where, model_terms=model_terms,
                                        sample=sample),
                        index=panel.frame.index)


def iv_design(model: IvSpec, panel: Panel) -> IVDesign:
    """Evaluate an IV model's formula on a panel and delete incomplete rows listwise
    (then, with ``singletons: drop``, the singletons of the absorbed effects, as ivreghdfe).

    Raises
    ------
    DataError
        Unknown or non-numeric columns, or no complete row.
    SpecError
        Time effects or clustering by time without a time column.
    """
    formula = model.parsed
    where = f"models.{model.id}.formula"
    panel.require(formula.columns(), where=where)
    if "time" in model.effects and panel.time is None:
        raise SpecError(
            f"models.{model.id}.effects: time effects need data.time to be set (the data "
            "are a cross-section); use effects: [] or [entity]"
        )
    y = panel.variable(formula.dependent, where=where).rename(formula.dependent.text)
    every = (*formula.terms, *formula.endogenous, *formula.instruments)
    exog = _frame(panel, formula.terms, where, every)
    endog = _frame(panel, formula.endogenous, where, every)
    inst = _frame(panel, formula.instruments, where, every)
    frame = pd.concat([y, exog, endog, inst], axis=1)
    complete, n_dropped, n_singletons, cl_cols = complete_rows(model, panel, frame)
    if has_factor(every):  # levels and bases on the estimation sample
        exog = _frame(panel, formula.terms, where, every, complete)
        endog = _frame(panel, formula.endogenous, where, every, complete)
        inst = _frame(panel, formula.instruments, where, every, complete)
    codes = sample_codes(model, panel, complete, cl_cols)
    clusters = np.column_stack(codes.clusters) if cl_cols else None
    return IVDesign(
        y=y[complete], exog=exog[complete], endog=endog[complete], instruments=inst[complete],
        fe_codes=codes.fe_codes, clusters=clusters, cluster_names=cl_cols, entity=codes.entity,
        time=codes.time, n_dropped=n_dropped, n_singletons=n_singletons, weights=codes.weights,
        fe_slopes=codes.fe_slopes,
    )


def _absorbed(design: IVDesign, vcov_type: str) -> tuple[int, int]:
    """Absorbed parameters (constant included) and those of effects nested in a cluster."""
    if not design.fe_codes:
        return 0, 0
    codes = list(design.fe_codes.values())
    counts = absorbed_counts(codes, design.slope_list)
    total = 1 + sum(counts)
    nested = 0
    if vcov_type == "cluster" and design.clusters is not None:
        cols = [design.clusters[:, j] for j in range(design.clusters.shape[1])]
        nested = vc.nested_absorbed(codes, cols, counts=absorbed_counts(codes))  # intercepts
    return total, nested


def _check_variation(model: IvSpec, design: IVDesign, raw: pd.DataFrame,
                     demeaned: np.ndarray, panel: Panel) -> None:
    """Name a column that the fixed effects absorb completely (e.g. a time-invariant instrument)."""
    roles = (["regressor"] * design.exog.shape[1] + ["endogenous regressor"] * design.endog.shape[1]
             + ["instrument"] * design.instruments.shape[1])
    effects = " and ".join(design.fe_codes)
    within = {"entity": f"each {panel.entity}", "time": f"each {panel.time}"}
    for j, (name, role) in enumerate(zip(raw.columns, roles)):
        base = float(np.linalg.norm(raw.iloc[:, j].to_numpy()))
        if base > 0 and float(np.linalg.norm(demeaned[:, j])) <= 1e-9 * base:
            if role != "instrument":
                hint = "remove it or drop those effects"
            elif "entity" in design.fe_codes:
                hint = ("interact it with a time-varying variable (Nunn-Qian style, e.g. "
                        f"'L.x:{name}') or drop the entity effects")
            else:
                hint = ("interact it with a variable that differs across entities, or drop "
                        "the time effects")
            raise IdentificationError(
                f"models.{model.id}: {role} {name!r} has no variation left after the {effects} "
                f"fixed effects (it is constant within "
                f"{' and within '.join(within.get(e, f'each {e}') for e in design.fe_codes)}); {hint}"
            )


def _vcov_options(model: IvSpec, total: int, nested: int) -> dict[str, object]:
    correction = model.vcov.correction
    if correction == "stata_xtreg":
        return {"small": True, "ssc": "ivreg2", "absorbed_df": total, "absorbed_as": "dofminus"}
    return {"small": correction != "none", "ssc": "ivreg2", "absorbed_df": total - nested,
            "absorbed_as": "sdofminus"}


def fit_iv_model(model: IvSpec, panel: Panel) -> Result:
    """Fit a ``type: iv`` model (2SLS, LIML or GMM) with fixed effects partialled out.

    Returns
    -------
    Result
        ``params`` endogenous first, then the exogenous regressors (``_cons`` last when no
        effects are absorbed). ``stats``: ivreg2's diagnostics under their issue-5 names
        (``anderson_lm``, ``kp_rk_lm``, ``kp_rk_lm_p``, ``cd_wald_f``, ``kp_rk_wald_f``,
        ``sargan``, ``hansen_j``, ``ar_f``, ``ar_p``, ``endog_c``, ``first_stage_f:<x>``,
        ``partial_r2:<x>``, Stock-Yogo ``sy_*`` ...), ``r2``/``adj_r2`` (with the effects),
        ``r2_within``/``adj_r2_within`` (FE), ``rmse``, ``rss``, ``df_k``, ``n_entities``,
        ``n_periods``, ``n_clusters``. ``components``: one first-stage Result per endogenous
        regressor, ``first_stage:<x>``.
    """
    design = iv_design(model, panel)
    exog = design.exog
    if not design.fe_codes:
        exog = exog.assign(**{CONSTANT: 1.0})
    raw = pd.concat([exog, design.endog, design.instruments], axis=1)
    y = design.y.to_numpy(dtype=float)
    if design.fe_codes:
        stacked = demean(np.column_stack([y, raw.to_numpy(dtype=float)]),
                         list(design.fe_codes.values()), weights=design.weights,
                         slopes=design.slope_list)
        y_t, values = stacked[:, 0], stacked[:, 1:]
    else:
        y_t, values = y, raw.to_numpy(dtype=float)
    omitted = _collinear_exog(values, raw, exog.shape[1], with_effects=bool(design.fe_codes))
    notes = []
    if omitted:  # exogenous regressors omitted with a note, as in OLS/FE (and fixest)
        for name, why in omitted:
            notes.append(f"{name} omitted: {why}")
            warnings.warn(f"models.{model.id}: {name} omitted: {why}", OmittedVariableWarning,
                          stacklevel=2)
        gone = [name for name, _ in omitted]
        values = np.delete(values, [raw.columns.get_loc(n) for n in gone], axis=1)
        exog, raw = exog.drop(columns=gone), raw.drop(columns=gone)
        design = replace(design, exog=design.exog.drop(columns=gone))
    if design.fe_codes:
        _check_variation(model, design, raw, values, panel)
    if design.weights is not None:  # weighted IV: every column scaled by sqrt(w)
        root = np.sqrt(design.weights)
        y_t, values = y_t * root, values * root[:, None]
    k1, k2 = exog.shape[1], design.endog.shape[1]
    total, nested = _absorbed(design, model.vcov.type)
    options = _vcov_options(model, total, nested)
    clusters = None
    if model.vcov.type == "cluster" and design.clusters is not None:
        clusters = design.clusters[:, 0] if design.clusters.shape[1] == 1 else design.clusters
    try:
        res = fit_iv(
            y_t, values[:, :k1], values[:, k1:k1 + k2], values[:, k1 + k2:],
            method=ESTIMATOR_METHODS[model.estimator or "2sls"],  # type: ignore[arg-type]
            vcov=model.vcov.type, clusters=clusters,
            dependent=str(design.y.name), exog_names=list(exog.columns),
            endog_names=list(design.endog.columns),
            instrument_names=list(design.instruments.columns), **options,  # type: ignore[arg-type]
        )
    except RegiometricsError as exc:
        raise type(exc)(f"models.{model.id}: {exc}") from None
    result = _to_result(model, design, res, y, y_t, total)
    if not omitted:
        return result
    info = {**result.info, "omitted": [name for name, _ in omitted],
            "notes": [*notes, *result.info.get("notes", [])]}  # type: ignore[list-item]
    return replace(result, info=info)


def _collinear_exog(values: np.ndarray, raw: pd.DataFrame, k1: int,
                    with_effects: bool) -> list[tuple[str, str]]:
    """Exogenous regressors to omit (Stata's rule, :func:`find_collinear`): no variation left
    after the absorbed effects, or a combination of the ones before them (the constant,
    last in ``raw`` without effects, counts as the first)."""
    names = list(raw.columns[:k1])
    if with_effects:
        found = find_collinear(values[:, :k1], names, reference=raw.to_numpy(dtype=float)[:, :k1])
        return [(names[j], why) for j, why in found]
    order = [k1 - 1, *range(k1 - 1)]  # the constant first
    found = find_collinear(values[:, order], [names[j] for j in order])
    return [(names[order[j]], why) for j, why in found if order[j] != k1 - 1]


def _info(model: IvSpec, design: IVDesign) -> dict[str, object]:
    return {**sample_info(model, design), "estimator": model.estimator or "2sls"}


def _fit_stats(res: IVResult, design: IVDesign, y: np.ndarray, y_t: np.ndarray,
               total: int) -> dict[str, float]:
    n = res.nobs
    k_full = res.df_model + total
    w = np.ones(n) if design.weights is None else design.weights
    tss = float((w * (y - np.average(y, weights=w)) ** 2).sum())
    r2 = 1.0 - res.rss / tss
    stats = {
        "r2": r2,
        "adj_r2": 1.0 - (1.0 - r2) * (n - 1) / (n - k_full),
        "df_k": float(k_full),
        "df_resid": float(n - k_full),
        "n_entities": float(int(design.entity.max()) + 1),
    }
    if design.time is not None:
        stats["n_periods"] = float(int(design.time.max()) + 1)
    if design.fe_codes:
        tss_w = float((y_t ** 2).sum())  # demeaned (and sqrt(w)-scaled): mean zero
        r2_w = 1.0 - res.rss / tss_w
        stats["r2_within"] = r2_w
        stats["adj_r2_within"] = 1.0 - (1.0 - r2_w) * (n - 1 - (total - 1)) / (n - k_full)
    if res.n_clusters is not None:
        stats["n_clusters"] = float(res.n_clusters)
    return stats


def _to_result(model: IvSpec, design: IVDesign, res: IVResult, y: np.ndarray,
               y_t: np.ndarray, total: int) -> Result:
    base = res.to_result(model.id, type="iv")
    info = {**_info(model, design), **base.info}
    if res.psd_fixed:
        info["notes"] = [*info.get("notes", []), vc.PSD_NOTE]  # type: ignore[list-item]
    stats = {**base.stats, **_fit_stats(res, design, y, y_t, total)}
    components = {}
    for key, comp in base.components.items():
        fs_stats = dict(comp.stats)
        fs_stats.update({"first_stage_f": comp.stats["f"], "first_stage_f_p": comp.stats["f_p"]})
        if res.n_clusters is not None:
            fs_stats["n_clusters"] = float(res.n_clusters)
        fs_info = {**_info(model, design), "endogenous": comp.dependent,
                   "instruments": list(res.instrument_names), "exogenous": list(res.exog_names),
                   "second_stage": model.id}
        components[key] = replace(comp, stats=fs_stats, info=fs_info)
    return replace(base, stats=stats, info=info, components=components)
