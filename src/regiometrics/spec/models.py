"""Frozen Spec objects: what a spec file declares.

Every object is immutable; a variant is made with :meth:`SpecBase.replace`
(``baseline.replace(filter=...)``), never by mutation. Models are one class per type
(:data:`MODEL_KINDS`); build one in Python with :func:`regiometrics.spec.model_spec`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from regiometrics.spec import mechanisms as _mechanisms
from regiometrics.spec.aggregate import AggregateSpec
from regiometrics.spec.base import SpecBase, tagged_union
from regiometrics.spec.charts import CHART_KINDS
from regiometrics.spec.grids import GridSpec, GridSummaryTableSpec, SpecCurveFigureSpec
from regiometrics.spec.index_outputs import (
    IndexMeansFigureSpec,
    IndexValuesTableSpec,
    IndexWeightsTableSpec,
    TypologyTableSpec,
)
from regiometrics.spec.iv import IvSpec
from regiometrics.spec.iv_tables import FirstStageTableSpec
from regiometrics.spec.literals import DescriptiveHeaderCell, IndexMethod
from regiometrics.spec.measures import (
    AnyMeasureSpec,
    DagumTableSpec,
    ImbalanceTableSpec,
    KdeFigureSpec,
    ResilienceTableSpec,
    TheilTableSpec,
)
from regiometrics.spec.model_base import (  # noqa: F401  (VcovSpec, HausmanSpec re-exported)
    FixedEffectsKeys,
    HausmanSpec,
    ModelSpec,
    VcovSpec,
    model_classes,
)
from regiometrics.spec.model_kinds import (
    FeSpec,
    MediationSpec,
    ModerationSpec,
    OlsSpec,
    ReSpec,
)
from regiometrics.spec.spatial import (
    SPATIAL_MODEL_KINDS,
    AnyWeightsSpec,
    MoranScatterFigureSpec,
    MoranSpec,
    MoranTableSpec,
    SpatialEffectsTableSpec,
    SpatialModelSpec,
)
from regiometrics.spec.table_base import CoefficientTableBase, TableKindBase
from regiometrics.spec.tobit import TobitSpec


class DataSpec(SpecBase):
    """Where the panel comes from.

    ``path`` is relative to the spec file. ``filter`` is a restricted boolean
    expression over columns (comparisons, and/or/not, ``in`` lists). ``entity`` is one
    column or several (``[region, product]``): an entity is then a combination of their
    values, held in a new column named by joining the keys with ``_`` (values joined with
    ``/``: ``Heihe/timber``); the key columns stay in the data for ``by``, filters and
    reference paths.
    """

    path: str
    entity: str | list[str]
    time: str | None = None
    filter: str | None = None
    sheet: str | int | None = None


#: Model kinds by their ``type`` key: one spec class each, with exactly that type's keys
#: (see :mod:`regiometrics.spec.model_base`). A new model type is one class here and one
#: estimator in :data:`regiometrics.engine.registry.MODEL_REGISTRY`.
MODEL_KINDS: dict[str, type[ModelSpec]] = {
    "ols": OlsSpec,
    "fe": FeSpec,
    "re": ReSpec,
    "iv": IvSpec,
    **SPATIAL_MODEL_KINDS,
    "mediation": MediationSpec,
    "moderation": ModerationSpec,
    "tobit": TobitSpec,
}
#: The model types, in the order of :data:`MODEL_KINDS`.
MODEL_TYPES: tuple[str, ...] = tuple(MODEL_KINDS)

assert MODEL_KINDS == model_classes(), "every model spec class is listed, once, by its type"

#: Model types whose effects may be any column or interaction (``industry^time``).
ABSORBING_TYPES: tuple[str, ...] = tuple(
    t for t, cls in MODEL_KINDS.items() if issubclass(cls, FixedEffectsKeys) and cls.absorbing
)

#: Type hints of the engine: the model classes a code path takes.
#: Linear fits (formula, ``vcov``; OLS/FE/RE and the moderation regression).
LinearModel = OlsSpec | FeSpec | ReSpec | ModerationSpec
#: Models with ``treatment``/``moderator`` (marginal effects).
ModeratedModel = OlsSpec | FeSpec | ModerationSpec
#: Models with ``wild_bootstrap``.
WildModel = OlsSpec | FeSpec | IvSpec
#: Models built by the linear design (formula, ``vcov``, effects, sample codes).
DesignModel = LinearModel | IvSpec | TobitSpec
#: Models with subgroup keys (``by``, ``split``, ``periods``): every type but mediation.
SubgroupModel = DesignModel | SpatialModelSpec

if TYPE_CHECKING:
    AnyModelSpec = ModelSpec
else:
    AnyModelSpec = tagged_union(MODEL_KINDS)


class TableSpec(CoefficientTableBase):
    """A regression table: columns are models.

    ``keep``/``order`` list terms (after rename lookup uses original names); ``rename``
    maps term -> label; ``indicators`` chooses YES/NO rows; ``stats`` the statistic rows.
    With ``pvalues_below`` (the default) a statistic ``X_p`` listed right after ``X`` is
    printed in parentheses under it, unlabelled unless ``stat_labels`` names it (003 Table 5:
    the Kleibergen-Paap LM statistic with its p-value under it).
    """

    type: Literal["regression"] = "regression"
    models: list[str]
    order: list[str] | None = None
    constant_last: bool = True
    pvalues_below: bool = True


class DescriptiveSpec(TableKindBase):
    """A descriptive-statistics table (N, mean, SD, min, max), optionally grouped by type.

    Takes every table's layout keys (``style``, ``language``, ``notes`` ...); ``header``
    renames the header cells (``group``, ``variable``, ``n``, ``mean``, ``sd``, ``min``,
    ``max``).
    """

    variables: list[str] | None = None
    groups: dict[str, list[str]] | None = None
    decimals: int = Field(default=3, ge=0, le=8)
    rename: dict[str, str] = Field(default_factory=dict)
    header: dict[DescriptiveHeaderCell, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> DescriptiveSpec:
        if self.variables is None and self.groups is None:
            raise ValueError("give 'variables' (a list) or 'groups' (type -> list of variables)")
        return self

    @property
    def all_variables(self) -> list[str]:
        if self.groups is not None:
            return [v for vs in self.groups.values() for v in vs]
        return list(self.variables or [])


class IndexSpec(SpecBase):
    """A composite index built from indicator columns before any model runs.

    ``method``: ``entropy`` (entropy-weighted sum, the default), ``critic``, ``cv``,
    ``equal`` (weighted sums with those weights), ``topsis`` (closeness to the ideal,
    weights from ``weighting``, entropy by default) or ``pca``. ``indicators`` maps a
    column to its direction (``"+"``/``"-"``) or to ``{direction, dimension}``.
    ``normalize`` holds the normalisation settings (``scope: pooled | per_year | base_year``,
    ``shift``, ``method: minmax | zscore``, ``on_constant``, ``missing``, ``base_year``).
    """

    method: IndexMethod = "entropy"
    indicators: dict[str, Any] | list[Any]
    weighting: str | dict[str, float] | None = None
    dimension_weights: dict[str, float] | None = None
    components: str | int = "first"
    normalize: dict[str, Any] = Field(default_factory=dict)


#: Table kinds by their ``type`` key; an entry without ``type`` is a regression table.
#: Each kind is a SpecBase subclass with ``id``, ``type`` (a one-value Literal), ``title``,
#: ``formats`` and ``label``; the pipeline maps each kind to the function that builds its grid.
TABLE_KINDS: dict[str, type[SpecBase]] = {
    "regression": TableSpec,
    "index_weights": IndexWeightsTableSpec,
    "index_values": IndexValuesTableSpec,
    "typology": TypologyTableSpec,
    "theil": TheilTableSpec,
    "dagum": DagumTableSpec,
    "imbalance": ImbalanceTableSpec,
    "resilience": ResilienceTableSpec,
    "first_stage": FirstStageTableSpec,
    "moran": MoranTableSpec,
    "spatial_effects": SpatialEffectsTableSpec,
}
TABLE_KINDS["mediation"] = _mechanisms.MediationTableSpec
TABLE_KINDS["subgroups"] = _mechanisms.SubgroupTableSpec
TABLE_KINDS["marginal_effects"] = _mechanisms.MarginalEffectsTableSpec
TABLE_KINDS["grid_summary"] = GridSummaryTableSpec

#: Figure kinds by their ``type`` key (each with ``id`` and ``type``); figures are written
#: as ``<id>.pdf`` and ``<id>.png``.
FIGURE_KINDS: dict[str, type[SpecBase]] = {
    "index_means": IndexMeansFigureSpec,
    "kde": KdeFigureSpec,
    "moran_scatter": MoranScatterFigureSpec,
}
FIGURE_KINDS["marginal_effects"] = _mechanisms.MarginalEffectsFigureSpec
FIGURE_KINDS["spec_curve"] = SpecCurveFigureSpec
FIGURE_KINDS.update(CHART_KINDS)


if TYPE_CHECKING:  # the static view of the unions pydantic validates below
    from regiometrics.spec.charts import AreaFigureSpec, BarFigureSpec, StackedBarFigureSpec

    AnyTableSpec = (
        TableSpec | IndexWeightsTableSpec | IndexValuesTableSpec | TypologyTableSpec
        | TheilTableSpec | DagumTableSpec | ImbalanceTableSpec | ResilienceTableSpec
        | FirstStageTableSpec | MoranTableSpec | SpatialEffectsTableSpec
        | _mechanisms.MediationTableSpec | _mechanisms.SubgroupTableSpec
        | _mechanisms.MarginalEffectsTableSpec | GridSummaryTableSpec
    )
    AnyFigureSpec = (
        IndexMeansFigureSpec | KdeFigureSpec | MoranScatterFigureSpec
        | _mechanisms.MarginalEffectsFigureSpec | SpecCurveFigureSpec | BarFigureSpec
        | StackedBarFigureSpec | AreaFigureSpec
    )
else:
    AnyTableSpec = tagged_union(TABLE_KINDS, "regression")
    AnyFigureSpec = tagged_union(FIGURE_KINDS)


class StudySpec(SpecBase):
    """A whole spec file: data, indices, models, tables, figures."""

    data: DataSpec
    aggregate: AggregateSpec | None = None
    indices: dict[str, IndexSpec] = Field(default_factory=dict)
    defaults: dict[str, Any] = Field(default_factory=dict)
    models: list[AnyModelSpec] = Field(default_factory=list)
    tables: list[AnyTableSpec] = Field(default_factory=list)
    figures: list[AnyFigureSpec] = Field(default_factory=list)
    descriptives: list[DescriptiveSpec] = Field(default_factory=list)
    measures: list[AnyMeasureSpec] = Field(default_factory=list)
    title: str | None = None
    weights: dict[str, AnyWeightsSpec] = Field(default_factory=dict)
    moran: list[MoranSpec] = Field(default_factory=list)
    grids: list[GridSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _grid_references(self) -> StudySpec:
        models = [m.id for m in self.models]
        grid_ids = [g.id for g in self.grids]
        for i, g in enumerate(self.grids):
            if g.base not in models:
                raise ValueError(f"grids.{g.id}.base: unknown model {g.base!r}; models "
                                 f"defined: {', '.join(models) or 'none'}")
        dupes = sorted({g for g in grid_ids if grid_ids.count(g) > 1})
        if dupes:
            raise ValueError(f"grids: duplicate grid ids {dupes}")
        for kind, items in (("figures", self.figures), ("tables", self.tables)):
            for item in items:
                named = [item.grid] if isinstance(item, SpecCurveFigureSpec) else \
                    list(getattr(item, "grids", []) or [])
                for gid in named:
                    if gid not in grid_ids:
                        raise ValueError(f"{kind}.{item.id}: unknown grid {gid!r}; grids "
                                         f"defined: {', '.join(grid_ids) or 'none'}")
        return self

    def table(self, table_id: str) -> SpecBase:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def model(self, model_id: str) -> ModelSpec:
        for m in self.models:
            if m.id == model_id:
                return m
        raise KeyError(model_id)
