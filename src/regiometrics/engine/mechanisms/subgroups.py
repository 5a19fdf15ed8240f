r"""Subgroup runs of any model, with tests of equal coefficients across groups.

Groups come from ``by: column`` (one group per value; an entity-level grouping when the
column is constant within entities, else entity-year), ``split: {var, at, level}`` (``high``
= above the cut-off, ``low`` = the rest; at ``level: entity`` by the entity's mean of ``var``)
or ``periods: {name: [start, end]}`` (inclusive time ranges; other years are left out;
consecutive periods may share their turning year, ``[2008, 2009]`` then ``[2009, 2011]``, as
resilience phases do: that year is then in both groups and, the groups not being disjoint,
there is no equality or permutation test). Each group is fitted by the model's own estimator
on its rows and kept as a component Result.

Equality test (linear models: ``ols``, ``fe``, ``moderation``). The pooled regression with
every regressor interacted with the group dummies and group-specific fixed effects
(entity x group, time x group; group intercepts for ``ols``),

.. math:: y = \sum_g D_g X \beta_g + \alpha_{i g} + \delta_{t g} + e ,

reproduces each group's coefficients exactly (any absorbed effects: each effect, group
specific slopes ``entity[time]`` included, is interacted with the groups; with ``aweights``
the pooled regression is weighted). With its covariance :math:`V` under the
model's ``vcov`` and restrictions :math:`R\beta = 0` stating :math:`\beta_{g,k} = \beta_{1,k}`
for the tested terms :math:`k` and groups :math:`g \ge 2` (:math:`q` rows),
:math:`W = (R\hat\beta)'(RVR')^{-1}R\hat\beta`, reported as :math:`\chi^2_q` and as
:math:`F = W/q` on (q, df) with df = clusters - 1 (cluster) or n - K. K counts the slopes
and the rank of the group-specific effects, :math:`\sum_f G_f - (F-1)G` plus one slope per
group-specific trend that varies; with the
``fixest`` correction effects nested in a cluster are not counted beyond the group
intercepts, with ``stata_xtreg`` K is the slopes plus G.

Permutation test (two groups): the groups are reassigned at random at their level
(entities, entity-years or periods), keeping group sizes; the p-value of the coefficient
difference is :math:`(1 + \#\{|d^*| \ge |d|\}) / (1 + P)`. On a balanced panel with entity
groups and entity (and time) effects, unweighted, the P refits are two matrix products over
per-entity cross-product blocks; otherwise a loop (with a progress bar) refits the two
groups with the model's effects, trends and weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps
from tqdm.auto import tqdm

from regiometrics.data.panel import Panel
from regiometrics.engine.linear import vcov as vc
from regiometrics.engine.linear.absorb import (
    absorbed_slopes,
    effect_columns,
    group_codes,
    model_effects,
    varying_groups,
)
from regiometrics.engine.linear.demean import EntityBlocks, demean
from regiometrics.engine.linear.design import build_design, cluster_columns, model_weights
from regiometrics.errors import DataError, IdentificationError, SpecError
from regiometrics.results import EffectEstimate, Result
from regiometrics.spec.formula import parse_formula
from regiometrics.spec.model_kinds import FeSpec, ModerationSpec, OlsSpec
from regiometrics.spec.models import ModeratedModel, SubgroupModel

#: Model classes whose equality test is the interacted linear regression.
LINEAR_CLASSES = (OlsSpec, FeSpec, ModerationSpec)
_SUBGROUP_KEYS = {"by": None, "split": None, "periods": None, "equality_terms": None,
                  "permutations": None, "seed": None}




@dataclass(frozen=True)
class Groups:
    """Group membership of the panel's rows.

    ``codes`` holds 0..G-1 per row (-1: in no group); ``unit`` the permutation unit of each
    row (entity code, row number or time code) for ``level`` entity, entity_year or time.
    ``masks`` (periods sharing turning years only) gives each group's rows, which then
    overlap; ``codes`` then holds the first group of each row.
    """

    codes: np.ndarray
    names: tuple[str, ...]
    level: str
    unit: np.ndarray
    description: dict[str, Any]
    masks: tuple[np.ndarray, ...] | None = None


def assign_groups(model: SubgroupModel, panel: Panel) -> Groups:
    """Group membership from the model's ``by``, ``split`` or ``periods`` key."""
    frame = panel.frame
    entity = pd.factorize(frame[panel.entity], sort=True)[0]
    if model.by is not None:
        where = f"models.{model.id}.by"
        panel.require([model.by], where=where)
        col = frame[model.by]
        codes, uniques = pd.factorize(col, sort=True)
        constant = bool((frame.assign(_c=codes).groupby(panel.entity)["_c"].nunique() <= 1).all())
        level = "entity" if constant else "entity_year"
        names = tuple(str(u) for u in uniques)
        desc: dict[str, Any] = {"by": model.by, "level": level}
    elif model.split is not None:
        sp = model.split
        where = f"models.{model.id}.split.var"
        values = panel.numeric(sp.var, where=where)
        basis = values.groupby(frame[panel.entity]).transform("mean") if sp.level == "entity" \
            else values
        pool = basis.groupby(frame[panel.entity]).first() if sp.level == "entity" else basis
        pool = pool.dropna()
        if pool.empty:
            raise DataError(f"{where}: {sp.var!r} has no non-missing values to split on")
        cut = float(pool.median() if sp.at == "median" else pool.mean() if sp.at == "mean"
                    else sp.at)
        codes = np.where(basis.isna(), -1, (basis > cut).astype(int)).astype(np.int64)
        level, names = sp.level, ("low", "high")
        desc = {"split": sp.var, "at": sp.at, "cut": cut, "level": level,
                "rule": f"high: {'entity mean of ' if level == 'entity' else ''}{sp.var} > {cut:.6g}"}
    else:
        assert model.periods is not None
        if panel.time is None:
            raise SpecError(f"models.{model.id}.periods: periods need data.time to be set")
        time = pd.to_numeric(frame[panel.time], errors="coerce")
        codes = np.full(len(frame), -1, dtype=np.int64)
        masks: list[np.ndarray] = []
        shared: list[float] = []
        for g, (name, (start, end)) in enumerate(model.periods.items()):
            if start > end:
                raise SpecError(f"models.{model.id}.periods.{name}: start {start} is after end {end}")
            inside = ((time >= start) & (time <= end)).to_numpy()
            for other, (s0, e0) in list(model.periods.items())[:g]:
                if start <= e0 and s0 <= end:  # the ranges meet
                    if start == e0 or end == s0:
                        shared.append(start if start == e0 else end)
                        continue
                    raise SpecError(
                        f"models.{model.id}.periods.{name}: [{start:g}, {end:g}] overlaps period "
                        f"{other!r} [{s0:g}, {e0:g}] by more than a turning year; periods may "
                        "share only the year where one ends and the next starts")
            codes[inside & (codes < 0)] = g
            masks.append(inside)
        level, names = "time", tuple(model.periods)
        desc = {"periods": {k: list(v) for k, v in model.periods.items()}, "level": level}
        if shared:
            desc["shared_years"] = sorted({int(y) if float(y).is_integer() else y
                                           for y in shared})
    codes = np.asarray(codes, dtype=np.int64)
    overlapping = model.periods is not None and model.by is None and model.split is None \
        and bool(desc.get("shared_years"))
    group_masks = tuple(masks) if overlapping else None
    for g, name in enumerate(names):
        rows_of = group_masks[g] if group_masks is not None else codes == g
        if not rows_of.any():
            raise DataError(f"models.{model.id}: subgroup {name!r} has no rows")
    if len(names) < 2:
        raise DataError(f"models.{model.id}: only one subgroup ({names[0]!r}); nothing to compare")
    if level == "entity":
        unit = entity
    elif level == "time":
        unit = pd.factorize(frame[panel.time], sort=True)[0]
    else:
        unit = np.arange(len(frame))
    desc["groups"] = list(names)
    desc["n_excluded"] = int((codes < 0).sum())
    return Groups(codes, names, level, np.asarray(unit), desc, group_masks)


def _sub_model(model: SubgroupModel, name: str) -> SubgroupModel:
    return model.replace(**_SUBGROUP_KEYS, id=f"{model.id}[{name}]", label=name)


def fit_subgroups(
    model: SubgroupModel,
    panel: Panel,
    fit: Callable[[SubgroupModel, Panel], Result],
    *,
    progress: bool = True,
) -> Result:
    """Fit ``model`` on each subgroup and test equal coefficients across groups.

    Returns
    -------
    Result
        ``components`` by group name; ``params`` ``term@group`` (each group's own estimates);
        ``stats`` ``equality_wald``, ``equality_df``, ``equality_F``, ``equality_p`` (F),
        ``equality_p_chi2`` and, with ``permutations``, ``permutation_p`` (first tested term);
        ``effects`` ``difference`` (high minus low, pooled vcov) and ``permutation`` (two
        groups).
    """
    groups = assign_groups(model, panel)
    comps: dict[str, Result] = {}
    subs: dict[str, tuple[SubgroupModel, Panel, np.ndarray]] = {}
    for g, name in enumerate(groups.names):
        member = groups.masks[g] if groups.masks is not None else groups.codes == g
        rows = np.flatnonzero(member)
        sub_panel = panel.subset(member)
        sub_model = _sub_model(model, name)
        comps[name] = fit(sub_model, sub_panel)
        subs[name] = (sub_model, sub_panel, rows)
    params, ses, pvals = {}, {}, {}
    for name, r in comps.items():
        for term in r.params.index:
            params[f"{term}@{name}"] = r.params[term]
            ses[f"{term}@{name}"] = r.std_errors.get(term, math.nan)
            pvals[f"{term}@{name}"] = r.pvalues.get(term, math.nan)
    first = next(iter(comps.values()))
    info = {k: v for k, v in first.info.items() if k not in ("notes", "omitted")}
    info.update(label=model.column_label, subgroups=groups.description, notes=[])
    stats: dict[str, float] = {"n_groups": float(len(comps))}
    effects: dict[str, dict[str, EffectEstimate]] = {}
    if groups.masks is not None:
        years = ", ".join(map(str, groups.description["shared_years"]))
        info["notes"].append(f"no equality test: the periods share their turning years ({years}),"
                             " so the groups are not disjoint")
    elif isinstance(model, LINEAR_CLASSES) and not model.center:
        test = equality_test(model, panel, groups, comps, subs)
        stats.update(test.stats)
        effects.update(test.effects)
        info["equality"] = test.info
        if model.permutations and len(comps) == 2:
            assert model.seed is not None
            perm = permutation_test(model, panel, groups, comps, subs, test.info["terms"],
                                    reps=model.permutations, seed=model.seed, progress=progress)
            effects["permutation"] = perm
            stats["permutation_p"] = next(iter(perm.values())).pvalue
            info["equality"]["permutations"] = {"reps": model.permutations, "seed": model.seed,
                                                "level": groups.level}
        elif model.permutations:
            info["notes"].append(f"no permutation test: it compares two groups, not {len(comps)}")
    else:
        info["notes"].append(
            "no equality test: it needs a linear model (ols, fe, moderation) without centring"
        )
    return Result(
        model_id=model.id, type=model.type, dependent=first.dependent,
        nobs=sum(r.nobs for r in comps.values()), params=params, std_errors=ses,
        pvalues=pvals, stats=stats, df_resid=None, vcov=None, effects=effects, info=info,
        components=comps,
    )


@dataclass(frozen=True)
class _Test:
    stats: dict[str, float]
    effects: dict[str, dict[str, EffectEstimate]]
    info: dict[str, Any]


@dataclass(frozen=True)
class _Pooled:
    y: np.ndarray
    X: list[np.ndarray]  # per group: (n, k) raw regressors of the tested design
    rows: np.ndarray  # panel row numbers
    group: np.ndarray
    terms: list[str]
    weights: np.ndarray | None = None  # aweights on the pooled rows, scaled to sum to n


def _pooled(model: ModeratedModel, panel: Panel, groups: Groups, comps: dict[str, Result],
            subs: dict[str, tuple[SubgroupModel, Panel, np.ndarray]]) -> _Pooled:
    terms = [t for t in next(iter(comps.values())).params.index if t != "_cons"]
    for name, r in comps.items():
        missing = [t for t in terms if t not in r.params]
        if missing:
            raise IdentificationError(
                f"models.{model.id}: {', '.join(missing)} omitted in subgroup {name!r}; the "
                "equality test needs every term estimated in every group"
            )
    ys, xs, rows, grp = [], [], [], []
    for g, (name, (sub_model, sub_panel, sub_rows)) in enumerate(subs.items()):
        assert isinstance(sub_model, LINEAR_CLASSES)  # a subgroup keeps the model's class
        d = build_design(sub_model, sub_panel)
        ys.append(d.y)
        xs.append(d.X[:, [d.names.index(t) for t in terms]])
        rows.append(sub_rows[np.asarray(d.rows)])
        grp.append(np.full(d.nobs, g))
    rows_all = np.concatenate(rows)
    w = model_weights(model, panel)
    weights = None
    if w is not None:
        weights = w.to_numpy(dtype=float)[rows_all]
        weights = weights * (len(weights) / weights.sum())
    return _Pooled(np.concatenate(ys), xs, rows_all, np.concatenate(grp), terms, weights)


def _fe_codes(model: SubgroupModel, panel: Panel, rows: np.ndarray, group: np.ndarray):
    """Group-interacted effect codes on the pooled rows, the plain effect codes, and each
    effect's slope values (group-specific trends) or None."""
    frame = panel.frame.iloc[rows]
    where = f"models.{model.id}.effects"
    effects = model_effects(model)
    cols = effect_columns(effects, panel, where=where)
    dims = [group_codes(frame, c) for c in cols.values()]
    if not dims:
        return [group], [group], [None]
    trends = absorbed_slopes(effects, panel, None, where=where)
    slopes = [trends[k][rows] if k in trends else None for k in cols]
    codes = [pd.factorize(pd.MultiIndex.from_arrays([group, d]))[0] for d in dims]
    return codes, [pd.factorize(d)[0] for d in dims], slopes


def equality_test(model: ModeratedModel, panel: Panel, groups: Groups, comps: dict[str, Result],
                  subs: dict[str, tuple[SubgroupModel, Panel, np.ndarray]]) -> _Test:
    """Interaction-based Wald test of equal coefficients (see the module docstring)."""
    pooled = _pooled(model, panel, groups, comps, subs)
    terms = pooled.terms
    own = parse_formula(model.formula).term_names  # the formula's terms, controls excluded
    tested = model.equality_terms or [t for t in own if t in terms]
    unknown = [t for t in tested if t not in terms]
    if unknown:
        raise SpecError(f"models.{model.id}.equality_terms: {', '.join(unknown)} not among the "
                        f"estimated terms ({', '.join(terms)})")
    n, k, n_g = len(pooled.y), len(terms), len(comps)
    X = np.zeros((n, k * n_g))
    start = 0
    for g, xg in enumerate(pooled.X):
        X[start:start + len(xg), g * k:(g + 1) * k] = xg
        start += len(xg)
    codes, _, slopes = _fe_codes(model, panel, pooled.rows, pooled.group)
    w = pooled.weights
    Z = demean(np.column_stack([pooled.y, X]), codes, weights=w, slopes=slopes)
    y_t, X_t = Z[:, 0], Z[:, 1:]
    if w is not None:  # WLS as OLS on rows scaled by sqrt(w), as the FE fit does
        y_t, X_t = y_t * np.sqrt(w), X_t * np.sqrt(w)[:, None]
    beta, *_ = np.linalg.lstsq(X_t, y_t, rcond=None)
    resid = y_t - X_t @ beta
    sizes = [int(c.max()) + 1 for c in codes]
    k_full = k * n_g + sum(sizes) - (len(codes) - 1) * n_g
    k_full += sum(varying_groups(c, v) for c, v in zip(codes, slopes) if v is not None)
    spec = model.vcov
    if spec.type == "unadjusted":
        cov, df = vc.unadjusted(X_t, resid, df_k=k_full).matrix, n - k_full
    elif spec.type == "robust":
        cov = vc.robust(X_t, resid, df_k=k_full, small=spec.correction != "none").matrix
        df = n - k_full
    else:
        cols = cluster_columns(model, panel)
        frame = panel.frame.iloc[pooled.rows]
        clusters = [pd.factorize(frame[c])[0] for c in cols]
        # without effects the codes are the group intercepts: nothing beyond them is absorbed
        k_cl = vc.cluster_df_k(spec.correction, k_full=k_full, n_coef=k * n_g + n_g,
                               fe_codes=codes, clusters=clusters, kept=n_g)
        res = vc.cluster(X_t, resid, clusters, df_k=k_cl, small=spec.correction != "none")
        cov, df = res.matrix, min(res.n_clusters) - 1
    rows_r = []
    for t in tested:
        j = terms.index(t)
        for g in range(1, n_g):
            row = np.zeros(k * n_g)
            row[j], row[g * k + j] = -1.0, 1.0
            rows_r.append(row)
    R = np.array(rows_r)
    rb = R @ beta
    q = len(R)
    middle = R @ cov @ R.T
    rank = int(np.linalg.matrix_rank(middle))
    if rank < q:
        raise IdentificationError(
            f"models.{model.id}: the covariance of the {q} coefficient differences has rank "
            f"{rank} (too few clusters in some group for {len(tested)} tested terms); test "
            "fewer terms with equality_terms or use larger groups"
        )
    wald = float(rb @ np.linalg.solve(middle, rb))
    stats = {"equality_wald": wald, "equality_df": float(q), "equality_F": wald / q,
             "equality_df_denom": float(df), "equality_p": float(sps.f.sf(wald / q, q, df)),
             "equality_p_chi2": float(sps.chi2.sf(wald, q))}
    effects: dict[str, dict[str, EffectEstimate]] = {}
    if n_g == 2:
        effects["difference"] = {}
        tdist = sps.t(df)
        for t in tested:
            j = terms.index(t)
            r = np.zeros(k * n_g)
            r[j], r[k + j] = -1.0, 1.0
            d, se = float(r @ beta), float(math.sqrt(r @ cov @ r))
            qq = float(tdist.ppf(0.975))
            effects["difference"][t] = EffectEstimate(d, se, float(2 * tdist.sf(abs(d / se))),
                                                      d - qq * se, d + qq * se)
    info = {"terms": tested, "test": "Wald on the fully interacted regression",
            "statistic": "F(q, df)", "reference_group": groups.names[0],
            "pooled_coefficients": {f"{t}@{name}": float(beta[g * k + terms.index(t)])
                                    for g, name in enumerate(groups.names) for t in terms}}
    return _Test(stats, effects, info)


def _solve(moments: np.ndarray) -> np.ndarray:
    """Coefficients of column 0 on columns 1.. from stacked cross-product matrices.

    A reassignment whose regressors are collinear in a group gives NaN (left out of the
    permutation distribution) instead of failing the whole batch.
    """
    xx, xy = moments[..., 1:, 1:], moments[..., 1:, 0:1]
    try:
        return np.linalg.solve(xx, xy)[..., 0]
    except np.linalg.LinAlgError:
        flat_xx = xx.reshape(-1, *xx.shape[-2:])
        flat_xy = xy.reshape(-1, *xy.shape[-2:])
        out = np.full(flat_xy.shape[:-1], np.nan)
        for b in range(len(flat_xx)):
            try:
                out[b] = np.linalg.solve(flat_xx[b], flat_xy[b])[:, 0]
            except np.linalg.LinAlgError:
                pass
        return out.reshape(xy.shape[:-1])


def permutation_test(model: ModeratedModel, panel: Panel, groups: Groups, comps: dict[str, Result],
                     subs: dict[str, tuple[SubgroupModel, Panel, np.ndarray]], tested: list[str],
                     *, reps: int, seed: int, progress: bool = True,
                     vectorised: bool = True) -> dict[str, EffectEstimate]:
    """Permutation distribution of the two-group coefficient differences (module docstring).

    ``vectorised=False`` forces the refit loop (the reference for the block computation).
    Returns ``{term: EffectEstimate(difference, sd of the permuted differences, p-value)}``.
    """
    pooled = _pooled(model, panel, groups, comps, subs)
    names = list(comps)
    observed = {t: comps[names[1]].params[t] - comps[names[0]].params[t] for t in tested}
    idx = [pooled.terms.index(t) for t in tested]
    Z = np.column_stack([pooled.y, np.concatenate(pooled.X)])
    unit_of_row = pd.factorize(groups.unit[pooled.rows], sort=True)[0]
    n_units = int(unit_of_row.max()) + 1
    unit_group = np.zeros(n_units, dtype=np.int64)
    unit_group[unit_of_row] = pooled.group
    rng = np.random.default_rng(seed)
    perms = rng.permuted(np.tile(unit_group, (reps, 1)), axis=1)
    frame = panel.frame.iloc[pooled.rows]
    ent = pd.factorize(frame[panel.entity], sort=True)[0]
    tim = pd.factorize(frame[panel.time], sort=True)[0] if panel.time else None
    w = pooled.weights
    fast = (vectorised and groups.level == "entity" and model.type != "ols" and w is None
            and sorted(model_effects(model)) in (["entity"], ["entity", "time"])
            and tim is not None and len(Z) == (ent.max() + 1) * (tim.max() + 1))
    _, dims, slopes = _fe_codes(model, panel, pooled.rows, pooled.group)
    diffs = np.empty((reps, len(tested)))
    if fast:
        assert tim is not None
        blocks = EntityBlocks(Z, ent, tim if "time" in model.effects else None)
        betas = [_solve(blocks.moments((perms == g).astype(float))) for g in (0, 1)]
        diffs[:] = (betas[1] - betas[0])[:, idx]
    else:
        for b in tqdm(range(reps), disable=not progress, desc="permutations", unit="perm"):
            g_rows = perms[b][unit_of_row]
            coefs = []
            for g in (0, 1):
                sel = g_rows == g
                codes = [pd.factorize(c[sel])[0] for c in dims]
                wg = None if w is None else w[sel]
                zt = demean(Z[sel], codes, weights=wg,
                            slopes=[None if v is None else v[sel] for v in slopes])
                coefs.append(_solve(zt.T @ zt if wg is None else (zt * wg[:, None]).T @ zt))
            diffs[b] = (coefs[1] - coefs[0])[idx]
    out = {}
    for j, t in enumerate(tested):
        d = observed[t]
        ok = diffs[:, j][np.isfinite(diffs[:, j])]
        p = (1 + np.sum(np.abs(ok) >= abs(d) * (1 - 1e-12))) / (1 + len(ok))
        out[t] = EffectEstimate(float(d), float(np.std(ok, ddof=1)), float(p))
    return out
