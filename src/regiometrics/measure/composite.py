"""Composite indices from indicator systems: weighted sum, TOPSIS and PCA, with dimensions.

:func:`build_index` runs the whole chain on a long panel or a plain matrix:
validate -> normalise (:mod:`~regiometrics.measure.normalize`) -> weight
(:mod:`~regiometrics.measure.weighting`) -> aggregate, and returns an :class:`IndexResult`.

Methods
-------
``weighted_sum`` (003 eq. 10)
    ``I_i = sum_j w_j y_ij`` on the normalised (and shifted) matrix ``y``.
``topsis`` (002 sec. 3.1.3)
    ``z_ij = w_j y_ij``; ideal ``Z+_j = max_R z_ij``, anti-ideal ``Z-_j = min_R z_ij`` over
    the reference rows R; ``D+_i = ||z_i - Z+||_2``, ``D-_i = ||z_i - Z-||_2``;
    closeness ``C_i = D-_i / (D+_i + D-_i)``. The shift cancels; ``C`` does not change
    when all weights are multiplied by a constant.
``pca``
    Inputs are the direction-aligned indicators z-scored on the reference rows (sample
    sd), so min-max or z-score settings give the same index. Eigen-decomposition of
    their correlation matrix, eigenvalues ``l_1 >= l_2 >= ...``. Component k's scores
    ``F_k = Z v_k``; the sign of ``v_k`` is chosen so that ``sum_j v_jk > 0`` (the score
    correlates positively with the mean of the aligned indicators, so higher means
    more; when the loadings sum to zero, e.g. two negatively correlated indicators,
    no sign is favoured and the first indicator's non-zero loading is made positive).
    With K retained components ('first': K=1; 'kaiser': eigenvalue > 1, at least one;
    or an integer) the index is ``sum_k (l_k / sum_{m<=K} l_m) F_k = Z a``; ``a`` is
    reported as the indicator's weight (it does not sum to 1).

Reference set and ``n``
-----------------------
Normalisation constants, the entropy sums (``k = 1/ln n`` with ``n`` = rows of the
reference set), the TOPSIS ideal points and the PCA all use the same reference set:
all entity-years (``scope='pooled'``), each year's rows (``'per_year'``: weights then
differ by year) or the base year's rows (``'base_year'``: fixed weights and bounds
applied to every year). ``IndexResult.n`` reports ``n`` per reference set.

Dimensions (two-level systems)
------------------------------
Weights are computed once over all indicators (002 Table 2 prints one global weight
per indicator). A dimension's weight is the sum of its indicators' global weights,
``W_d = sum_{j in d} w_j``, and an indicator's within-dimension weight is ``w_j / W_d``.
Optional ``dimension_weights`` replace ``W_d`` and set ``w_j = W_d * w_j / sum_{k in d} w_k``.
Sub-index d aggregates its own indicators with the within-dimension weights (TOPSIS on
its columns; PCA fitted on its columns), so for the weighted sum the total equals
``sum_d W_d S_d``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from regiometrics.errors import DataError, SpecError
from regiometrics.measure.normalize import (
    IndicatorsLike,
    NormalizeSettings,
    PanelFrame,
    ReferenceGroup,
    coerce_settings,
    normalize_frame,
    prepare_frame,
    reference_groups,
)
from regiometrics.measure.weighting import WeightingMethod, compute_weights
from regiometrics.options import check_literal

Method = Literal["weighted_sum", "topsis", "pca"]
ComponentRule = Literal["first", "kaiser"]


@dataclass(frozen=True)
class IndexResult:
    """A composite index and everything needed to report it.

    Attributes
    ----------
    name : the index column name (e.g. 'ER').
    method : 'weighted_sum', 'topsis' or 'pca'.
    weighting : 'entropy', 'critic', 'cv', 'equal', 'user' or 'pca'.
    values : entity, [time], ``name`` and one ``f"{name}_{dimension}"`` column per
        dimension, in the input row order.
    weights : one row per (reference set, indicator) with columns time (None when
        pooled), dimension, subdimension, indicator, direction, weight, weight_within,
        dimension_weight, n, then the weighting method's intermediate quantities
        (entropy e_j and divergence d_j = 1 - e_j for entropy).
    normalization : the settings used.
    n : rows of each reference set (the ``n`` of ``k = 1/ln n``), keyed 'pooled' or year.
    extra : method details (PCA eigenvalues, explained shares, retained components).
    """

    name: str
    method: Method
    weighting: str
    values: pd.DataFrame
    weights: pd.DataFrame
    normalization: NormalizeSettings
    n: Mapping[str, int]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def weight_map(self) -> dict[str, Any]:
        """``{indicator: weight}``; with per-year weights ``{indicator: {year: weight}}``."""
        return _by_reference(self.weights, "indicator", "weight")

    def dimension_weight_map(self) -> dict[str, Any]:
        """``{dimension: W_d}`` (per year when weights differ by year); empty without dimensions."""
        table = self.weights.dropna(subset=["dimension", "dimension_weight"])
        table = table.drop_duplicates(["time", "dimension"])
        return _by_reference(table, "dimension", "dimension_weight") if len(table) else {}

    @property
    def index_columns(self) -> list[str]:
        """The total's column followed by one column per dimension sub-index."""
        dims = self.weights["dimension"].dropna().drop_duplicates().tolist()
        return [self.name, *(f"{self.name}_{d}" for d in dims)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly record for ``results.json`` (``indices.NAME``)."""
        return {
            "method": self.method,
            "weighting": self.weighting,
            "weights": self.weight_map(),
            "dimension_weights": self.dimension_weight_map(),
            "normalization": self.normalization.to_dict(),
            "n": dict(self.n),
            "columns": self.index_columns,
            **({"extra": _jsonable(dict(self.extra))} if self.extra else {}),
        }


def _by_reference(table: pd.DataFrame, key: str, value: str) -> dict[str, Any]:
    times = table["time"].drop_duplicates().tolist()
    if len(times) == 1:
        return {str(k): float(v) for k, v in zip(table[key], table[value], strict=True)}
    out: dict[str, dict[str, float]] = {}
    for k, t, v in zip(table[key], table["time"], table[value], strict=True):
        out.setdefault(str(k), {})[str(t)] = float(v)
    return out


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    return obj


# --------------------------------------------------------------------------- matrix level


def weighted_sum(matrix: pd.DataFrame, weights: pd.Series) -> np.ndarray:
    """``I_i = sum_j w_j y_ij`` (weights aligned by indicator name)."""
    return matrix[weights.index].to_numpy(dtype=float) @ weights.to_numpy(dtype=float)


def topsis_closeness(
    matrix: pd.DataFrame, weights: pd.Series, *, reference: np.ndarray | None = None
) -> pd.DataFrame:
    """TOPSIS distances and closeness (002 sec. 3.1.3; see module docstring).

    Parameters
    ----------
    matrix : normalised, direction-aligned indicators (rows = alternatives).
    weights : indicator weights (aligned by name).
    reference : boolean mask of the rows defining the ideal points (default: all rows).

    Returns
    -------
    DataFrame with columns ``d_plus``, ``d_minus``, ``closeness``, indexed like ``matrix``.
    """
    z = matrix[weights.index].to_numpy(dtype=float) * weights.to_numpy(dtype=float)
    ref = z if reference is None else z[np.asarray(reference, dtype=bool)]
    d_plus = np.sqrt(((z - ref.max(axis=0)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((z - ref.min(axis=0)) ** 2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        closeness = d_minus / (d_plus + d_minus)
    return pd.DataFrame(
        {"d_plus": d_plus, "d_minus": d_minus, "closeness": closeness}, index=matrix.index
    )


@dataclass(frozen=True)
class PCAFit:
    """A PCA index fit: eigenvalues (all), sign-fixed loadings of retained components,
    their variance shares, index coefficients ``a`` on z-scores, and the index values."""

    eigenvalues: np.ndarray
    loadings: pd.DataFrame
    shares: np.ndarray
    coefficients: pd.Series
    index: np.ndarray


def pca_fit(
    matrix: pd.DataFrame,
    *,
    components: ComponentRule | int = "first",
    reference: np.ndarray | None = None,
) -> PCAFit:
    """Fit the PCA index on direction-aligned, varying columns (see module docstring).

    Z-scores use the mean and sample sd of the ``reference`` rows (default all rows);
    the correlation matrix is that of the reference rows; the index is returned for
    every row of ``matrix``.
    """
    x = matrix.to_numpy(dtype=float)
    ref = x if reference is None else x[np.asarray(reference, dtype=bool)]
    z = (x - ref.mean(axis=0)) / ref.std(axis=0, ddof=1)
    corr = np.atleast_2d(np.corrcoef(ref, rowvar=False))
    eigenvalues, vectors = np.linalg.eigh(corr)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, vectors = eigenvalues[order], vectors[:, order]
    k = _retained(eigenvalues, components)
    vectors = vectors[:, :k].copy()
    for c in range(k):
        total = vectors[:, c].sum()
        if abs(total) <= 1e-10:  # no direction favoured: make the first clear loading positive
            total = vectors[np.flatnonzero(np.abs(vectors[:, c]) > 1e-10)[0], c]
        vectors[:, c] *= np.sign(total)
    shares = eigenvalues[:k] / eigenvalues[:k].sum()
    coefficients = vectors @ shares
    labels = [f"loading_{c + 1}" for c in range(k)]
    return PCAFit(
        eigenvalues=eigenvalues,
        loadings=pd.DataFrame(vectors, index=matrix.columns, columns=labels),
        shares=shares,
        coefficients=pd.Series(coefficients, index=matrix.columns),
        index=z @ coefficients,
    )


def _retained(eigenvalues: np.ndarray, components: ComponentRule | int) -> int:
    m = len(eigenvalues)
    if isinstance(components, bool) or not isinstance(components, str | int):
        raise SpecError(
            f"components must be 'first', 'kaiser' or an integer; {components!r} was given."
        )
    if isinstance(components, int):
        if not 1 <= components <= m:
            raise SpecError(
                f"components={components} is out of range; between 1 and {m} (the number of "
                "varying indicators) can be retained."
            )
        return components
    check_literal(components, ComponentRule, "components")
    return 1 if components == "first" else max(1, int((eigenvalues > 1.0).sum()))


# --------------------------------------------------------------------------- panel level


def build_index(
    df: pd.DataFrame,
    indicators: IndicatorsLike,
    *,
    name: str = "index",
    method: Method = "weighted_sum",
    weighting: WeightingMethod | Mapping[str, float] | None = None,
    dimension_weights: Mapping[str, float] | None = None,
    components: ComponentRule | int = "first",
    normalize: NormalizeSettings | Mapping[str, Any] | None = None,
    entity: str | None = None,
    time: str | None = None,
) -> IndexResult:
    """Build a composite index (see the module docstring for every formula).

    Parameters
    ----------
    df : long panel with ``entity``, ``time`` and indicator columns, or (``entity=None``)
        a plain matrix whose row index labels the alternatives.
    indicators : e.g. ``{"gdp_pc": "+", "unemployment": "-"}`` or a list of
        :class:`~regiometrics.measure.normalize.Indicator` with dimensions.
    name : name of the index column.
    method : 'weighted_sum', 'topsis' or 'pca'.
    weighting : 'entropy' (default), 'critic', 'cv', 'equal' or ``{indicator: weight}``;
        not used by 'pca'.
    dimension_weights : optional ``{dimension: weight}`` replacing the summed weights.
    components : PCA components: 'first', 'kaiser' (eigenvalue > 1) or a count.
    normalize : :class:`NormalizeSettings` or a mapping of its fields.
    entity, time : column names.
    """
    check_literal(method, Method, "method")
    if not isinstance(name, str) or not name:
        raise SpecError(f"the index name must be a non-empty string; {name!r} was given.")
    if method == "pca" and (weighting is not None or dimension_weights is not None):
        raise SpecError(
            "method 'pca' derives its weights from the components; drop weighting= and "
            "dimension_weights=, or use method 'weighted_sum' or 'topsis'."
        )
    chosen = "entropy" if weighting is None else weighting
    settings = coerce_settings(normalize)
    frame = prepare_frame(df, indicators, entity=entity, time=time, settings=settings)
    dims = list(dict.fromkeys(ind.dimension for ind in frame.indicators if ind.dimension))
    columns = {d: f"{name}_{d}" for d in dims}
    clash = {name, *columns.values()} & {frame.entity, frame.time}
    if clash:
        raise SpecError(f"index column name(s) {sorted(clash)} clash with the entity/time columns.")
    if dimension_weights is not None:
        dimension_weights = _check_dimension_weights(dimension_weights, dims)
    groups = reference_groups(frame, settings)
    normed, _ = normalize_frame(frame, groups, settings)
    keys = [frame.entity] + ([frame.time] if frame.time else [])
    normed.index = (
        pd.MultiIndex.from_frame(frame.data[keys])
        if frame.time
        else pd.Index(frame.data[frame.entity], name=frame.entity)
    )
    values = {col: np.full(len(normed), np.nan) for col in [name, *columns.values()]}
    tables, extra = [], {}
    for group in groups:
        if method == "pca":
            table, info = _pca_group(frame, normed, group, components, values, name, columns)
            extra[group.label] = info
        else:
            table = _weighted_group(
                frame,
                normed,
                group,
                method,
                chosen,
                dimension_weights,
                values,
                name,
                columns,
            )
        tables.append(table)
    weights = pd.concat(tables, ignore_index=True)
    label = "pca" if method == "pca" else ("user" if isinstance(chosen, Mapping) else chosen)
    return IndexResult(
        name=name,
        method=method,
        weighting=str(label),
        values=frame.data[keys].assign(**values),
        weights=weights,
        normalization=settings,
        n=MappingProxyType({g.label: g.n for g in groups}),
        extra=MappingProxyType(extra),
    )


def _check_dimension_weights(weights: Mapping[str, float], dims: list[str]) -> dict[str, float]:
    if not dims:
        raise SpecError("dimension_weights were given but no indicator has a dimension.")
    if not isinstance(weights, Mapping) or set(weights) != set(dims):
        given = list(weights) if isinstance(weights, Mapping) else weights
        raise SpecError(
            f"dimension_weights must name each dimension {dims} once; {given!r} was given."
        )
    w = np.array([weights[d] for d in dims], dtype=float)
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise SpecError(
            f"dimension_weights must be finite, non-negative and not all zero; {dict(weights)!r} was given."
        )
    return dict(zip(dims, w / w.sum(), strict=True))


def _base_table(frame: PanelFrame, group: ReferenceGroup) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time": [group.time] * len(frame.indicators),
            "dimension": [ind.dimension for ind in frame.indicators],
            "subdimension": [ind.subdimension for ind in frame.indicators],
            "indicator": frame.names,
            "direction": [ind.direction for ind in frame.indicators],
        }
    )


def _weighted_group(
    frame: PanelFrame,
    normed: pd.DataFrame,
    group: ReferenceGroup,
    method: Method,
    weighting: WeightingMethod | Mapping[str, float],
    dimension_weights: Mapping[str, float] | None,
    values: dict[str, np.ndarray],
    name: str,
    columns: Mapping[str, str],
) -> pd.DataFrame:
    ref = normed[group.reference]
    computed = compute_weights(ref, weighting)
    w = computed["weight"].copy()
    dims = pd.Series([ind.dimension for ind in frame.indicators], index=frame.names)
    dim_weight = pd.Series(np.nan, index=frame.names)
    within = pd.Series(np.nan, index=frame.names)
    for dim in columns:
        members = dims.index[dims == dim]
        total = w[members].sum()
        if total <= 0:
            where = "" if group.time is None else f" in year {group.time}"
            raise DataError(
                f"dimension {dim!r} has no varying indicator{where} ({', '.join(map(repr, members))}); "
                "its sub-index is undefined. Drop the dimension or its constant indicators."
            )
        if dimension_weights is not None:
            w[members] = dimension_weights[dim] * w[members] / total
            total = dimension_weights[dim]
        dim_weight[members] = total
        within[members] = w[members] / total
    tgt = normed[group.target]
    rows = group.target
    sub_ref = group.reference[group.target]
    if method == "weighted_sum":
        values[name][rows] = weighted_sum(tgt, w)
    else:
        values[name][rows] = topsis_closeness(tgt, w, reference=sub_ref)["closeness"].to_numpy()
    for dim, column in columns.items():
        members = dims.index[dims == dim]
        if method == "weighted_sum":
            values[column][rows] = weighted_sum(tgt, within[members])
        else:
            closeness = topsis_closeness(tgt, within[members], reference=sub_ref)["closeness"]
            values[column][rows] = closeness.to_numpy()
    table = _base_table(frame, group)
    table["weight"] = w.to_numpy()
    table["weight_within"] = within.to_numpy()
    table["dimension_weight"] = dim_weight.to_numpy()
    table["n"] = group.n
    for col in computed.columns.drop("weight"):
        table[col] = computed[col].to_numpy()
    return table


def _pca_group(
    frame: PanelFrame,
    normed: pd.DataFrame,
    group: ReferenceGroup,
    components: ComponentRule | int,
    values: dict[str, np.ndarray],
    name: str,
    columns: Mapping[str, str],
) -> tuple[pd.DataFrame, dict[str, Any]]:
    ref = normed[group.reference]
    varying = [c for c in frame.names if ref[c].max() > ref[c].min()]
    if not varying:
        raise DataError(
            f"no indicator varies in reference set {group.label!r}; the PCA index is undefined."
        )
    tgt = normed[group.target]
    rows = group.target
    sub_ref = group.reference[group.target]

    def fit(cols: list[str]) -> PCAFit:
        return pca_fit(tgt[cols], components=components, reference=sub_ref)

    total = fit(varying)
    values[name][rows] = total.index
    table = _base_table(frame, group)
    table["weight"] = total.coefficients.reindex(frame.names, fill_value=0.0).to_numpy()
    table["weight_within"] = np.nan
    table["dimension_weight"] = np.nan
    table["n"] = group.n
    for col in total.loadings.columns:
        table[col] = total.loadings[col].reindex(frame.names, fill_value=0.0).to_numpy()
    info: dict[str, Any] = {"total": _pca_info(total)}
    for dim, column in columns.items():
        members = [
            ind.name for ind in frame.indicators if ind.dimension == dim and ind.name in varying
        ]
        if not members:
            raise DataError(
                f"dimension {dim!r} has no varying indicator; its PCA sub-index is undefined."
            )
        sub = fit(members)
        values[column][rows] = sub.index
        mask = table["indicator"].isin(members)
        table.loc[mask, "weight_within"] = sub.coefficients[table.loc[mask, "indicator"]].to_numpy()
        info[dim] = _pca_info(sub)
    table.loc[table["weight_within"].isna() & table["dimension"].notna(), "weight_within"] = 0.0
    return table, info


def _pca_info(fit: PCAFit) -> dict[str, Any]:
    k = fit.loadings.shape[1]
    return {
        "eigenvalues": fit.eigenvalues.tolist(),
        "explained": (fit.eigenvalues / fit.eigenvalues.sum()).tolist(),
        "retained": k,
        "shares": fit.shares.tolist(),
    }


__all__ = [
    "IndexResult",
    "PCAFit",
    "build_index",
    "pca_fit",
    "topsis_closeness",
    "weighted_sum",
]
