"""Frozen Spec objects: what a spec file declares.

Every object is immutable; a variant is made with :meth:`SpecBase.replace`
(``baseline.replace(filter=...)``), never by mutation.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from regiometrics.errors import SpecError
from regiometrics.spec import mechanisms as _mechanisms
from regiometrics.spec.aggregate import AggregateSpec
from regiometrics.spec.base import MAX_DRAWS, SpecBase, tagged_union
from regiometrics.spec.charts import CHART_KINDS
from regiometrics.spec.effects import is_entity_time, parse_effects
from regiometrics.spec.formula import Formula, parse_formula, parse_term
from regiometrics.spec.grids import GridSpec, GridSummaryTableSpec, SpecCurveFigureSpec
from regiometrics.spec.index_outputs import (
    IndexMeansFigureSpec,
    IndexValuesTableSpec,
    IndexWeightsTableSpec,
    TypologyTableSpec,
)
from regiometrics.spec.iv import check_iv_model
from regiometrics.spec.iv_tables import FirstStageTableSpec
from regiometrics.spec.literals import (
    ClusterCorrection,
    DescriptiveHeaderCell,
    HausmanMethod,
    IndexMethod,
    IVEstimator,
    ModelType,
    VcovType,
)
from regiometrics.spec.measures import (
    AnyMeasureSpec,
    DagumTableSpec,
    ImbalanceTableSpec,
    KdeFigureSpec,
    ResilienceTableSpec,
    TheilTableSpec,
)
from regiometrics.spec.spatial import (
    AnyWeightsSpec,
    EffectsInferenceSpec,
    MoranScatterFigureSpec,
    MoranSpec,
    MoranTableSpec,
    SpatialEffectsTableSpec,
    check_spatial_model_keys,
)
from regiometrics.spec.table_base import CoefficientTableBase, TableKindBase
from regiometrics.spec.tobit import check_tobit_model_keys
from regiometrics.spec.wild_bootstrap import WILD_BOOTSTRAP_TYPES, WildBootstrapSpec


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


class VcovSpec(SpecBase):
    """Variance estimator.

    ``type``: unadjusted | robust | cluster. ``by``: one or two columns for clusters
    (``entity`` and ``time`` name the panel's own columns). ``correction``: the small-sample
    convention, ``fixest`` (reghdfe/fixest: G/(G-1)(N-1)/(N-K), fixed effects nested in the
    cluster not counted in K; the default), ``stata_xtreg`` (xtreg, fe: K counts only the
    regressors and the constant) or ``none``. Random effects read it as described in
    :mod:`regiometrics.engine.linear.random_effects` (``stata_xtreg``: ``xtreg, re`` with z-tests).
    """

    type: VcovType = "cluster"
    by: list[str] = Field(default_factory=lambda: ["entity"])
    correction: ClusterCorrection = "fixest"

    @field_validator("by", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check_by(self) -> VcovSpec:
        if self.type == "cluster" and not 1 <= len(self.by) <= 2:
            raise ValueError("cluster 'by' takes one or two columns")
        return self


class HausmanSpec(SpecBase):
    """Hausman test of FE against RE for a model (classic or auxiliary-regression form)."""

    method: HausmanMethod = "classic"


#: Model types whose effects may be any column or interaction (``industry^time``).
ABSORBING_TYPES = ("fe", "iv", "moderation")


class ModelSpec(SpecBase):
    """One model (one table column).

    ``controls`` are appended to the formula's regressors; a table's "Controls" row
    says YES for models that have them (and a table may ``drop`` their coefficients).
    ``singletons: drop`` removes, iteratively, rows alone in a group of an absorbed fixed
    effect before estimation, as Stata's reghdfe does by default (fixest and xtreg keep
    them; the default ``keep`` matches those). Slopes are unchanged; N, K and so the
    standard errors are not. ``absorb`` (``type: fe``) names further columns whose fixed
    effects are swept out with ``effects`` (region and product effects of a region x product
    panel, 001).
    """

    id: str
    type: ModelType
    formula: str = None  # type: ignore[assignment]  # required except for type 'mediation'
    label: str | None = None
    effects: list[str] = Field(default_factory=list)
    absorb: list[str] = Field(default_factory=list)
    vcov: VcovSpec = Field(default_factory=VcovSpec)
    filter: str | None = None
    hausman: HausmanSpec | None = None
    controls: list[str] = Field(default_factory=list)
    singletons: Literal["keep", "drop"] = "keep"
    estimator: IVEstimator | None = None
    weights: str | None = None
    aweights: str | None = None
    lee_yu: bool = False
    effects_inference: EffectsInferenceSpec | None = None
    spatial_tests: bool = False
    random: list[Literal["entity"]] = Field(default_factory=list)  # spatial RE (sar, sdm)

    @model_validator(mode="after")
    def _spatial_keys_fit_type(self) -> ModelSpec:
        check_spatial_model_keys(self)
        return self
    treatment: str | None = None
    mediators: list[str] = Field(default_factory=list)
    outcome: str | None = None
    mode: _mechanisms.MediationMode = "parallel"
    bootstrap: _mechanisms.BootstrapSpec | None = None
    moderator: str | None = None
    center: bool = False
    at: list[float | str] | None = None
    range: int | None = Field(default=None, ge=2, le=10_000)
    by: str | None = None
    split: _mechanisms.SplitSpec | None = None
    periods: dict[str, tuple[float, float]] | None = None
    equality_terms: list[str] | None = None
    permutations: int | None = Field(default=None, ge=1, le=MAX_DRAWS)
    seed: int | None = Field(default=None, ge=0)
    left: float | None = 0.0
    right: float | None = None
    quadrature: int = Field(default=12, ge=1, le=195)  # Stata xttobit intpoints() max
    wild_bootstrap: WildBootstrapSpec | None = None

    @model_validator(mode="after")
    def _wild_bootstrap_fits_type(self) -> ModelSpec:
        if self.wild_bootstrap is not None and self.type not in WILD_BOOTSTRAP_TYPES:
            raise ValueError(
                f"wild_bootstrap is available for types {', '.join(WILD_BOOTSTRAP_TYPES)}; "
                f"not for {self.type!r}"
            )
        if self.wild_bootstrap is not None and self.type == "iv" and self.estimator not in (
                None, "2sls"):
            raise ValueError("wild_bootstrap of an iv model needs estimator: 2sls (WRE bootstrap)")
        return self

    @model_validator(mode="after")
    def _tobit_keys_fit_type(self) -> ModelSpec:
        check_tobit_model_keys(self)
        return self

    @field_validator("hausman", mode="before")
    @classmethod
    def _hausman_shorthand(cls, v: Any) -> Any:
        if v is True:
            return {}
        if v is False:
            return None
        if isinstance(v, str):
            return {"method": v}
        return v

    @field_validator("effects")
    @classmethod
    def _effects_parse(cls, v: list[str]) -> list[str]:
        """Each entry parses (``industry^time``); kept in normalised form (``a^b``)."""
        try:
            return [e.text for e in parse_effects(v, where="entry")]
        except SpecError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("formula")
    @classmethod
    def _formula_parses(cls, v: str) -> str:
        if v is None:
            return v
        try:
            parse_formula(v, where="formula")
        except SpecError as exc:  # pydantic adds the file and the key path
            raise ValueError(str(exc).removeprefix("formula: ")) from None
        return v

    @field_validator("controls")
    @classmethod
    def _controls_parse(cls, v: list[str]) -> list[str]:
        for i, text in enumerate(v):
            try:
                parse_term(text, where=f"[{i}]")
            except SpecError as exc:
                raise ValueError(str(exc)) from None
        return v

    @model_validator(mode="after")
    def _formula_required(self) -> ModelSpec:
        if self.formula is None and self.type != "mediation":
            raise ValueError(f"type {self.type!r} needs a formula (formula: \"y ~ x + z\")")
        return self

    @model_validator(mode="after")
    def _mechanism_keys(self) -> ModelSpec:
        _mechanisms.check_mechanism_keys(self)
        return self

    @model_validator(mode="after")
    def _effects_fit_type(self) -> ModelSpec:
        if self.type == "ols" and self.effects:
            raise ValueError(
                f"type 'ols' is pooled OLS and takes no effects (got {self.effects}); "
                "use type 'fe' for fixed effects"
            )
        if self.type == "fe" and not self.effects and not self.absorb:
            raise ValueError("type 'fe' needs effects, e.g. [entity, time], [entity], any column, "
                             "an interaction 'industry^time' or a trend 'entity[time]'")
        if self.absorb and self.type != "fe":
            raise ValueError(f"absorb (fixed effects of further columns) is for type 'fe', "
                             f"not {self.type!r}")
        if len(set(self.absorb)) != len(self.absorb):
            raise ValueError(f"absorb lists a column twice: {self.absorb}")
        if self.absorb and self.hausman is not None:
            raise ValueError("hausman compares entity fixed effects with random effects; a "
                             "model with absorb has other fixed effects: drop one of them")
        if self.type == "re" and self.effects not in ([], ["entity"]):
            raise ValueError("type 're' supports entity random effects only: effects: [entity]")
        if not is_entity_time(self.effects) and self.type not in ABSORBING_TYPES:
            raise ValueError(
                f"type {self.type!r} takes effects entity and time only (got {self.effects}); "
                f"other columns and interactions are absorbed by types "
                f"{', '.join(ABSORBING_TYPES)}"
            )
        if self.aweights is not None and self.type not in ("ols", "fe", "iv"):
            raise ValueError(f"aweights are available for types ols, fe and iv; not for "
                             f"{self.type!r} (the key 'weights' names a spatial W)")
        trends = [e for e in self.effects if e.endswith("]")]
        if trends and (self.wild_bootstrap is not None or self.by or self.split is not None):
            raise ValueError(f"group-specific slopes ({', '.join(trends)}) are not available "
                             "with wild_bootstrap or subgroups (by/split) yet")
        if self.aweights is not None and self.hausman is not None:
            raise ValueError("hausman compares unweighted FE and RE fits; drop aweights or hausman")
        if self.aweights is not None and self.wild_bootstrap is not None:
            raise ValueError("wild_bootstrap does not take aweights yet; drop one of them")
        return self

    @model_validator(mode="after")
    def _dependent_not_a_regressor(self) -> ModelSpec:
        if self.formula is None:
            return self
        parsed = self.parsed
        alone = [t for t in (*parsed.terms, *parsed.endogenous, *parsed.instruments)
                 if len(t.variables) == 1]
        if any(t.variables[0].text == parsed.dependent.text for t in alone):
            raise ValueError(
                f"the dependent variable {parsed.dependent.text!r} is also a regressor or an "
                "instrument (in formula or controls); remove it from the right-hand side"
            )
        return self

    @model_validator(mode="after")
    def _iv_fits_type(self) -> ModelSpec:
        if self.formula is None:  # type 'mediation' (no formula; IV keys refused there)
            return self
        check_iv_model(self)
        return self

    @property
    def full_formula(self) -> str:
        """The formula with ``controls`` appended as further regressors."""
        if not self.controls:
            return self.formula
        lhs, rhs = self.formula.split("~", 1)
        return f"{lhs.strip()} ~ {rhs.strip()} + {' + '.join(self.controls)}"

    @property
    def parsed(self) -> Formula:
        """The parsed formula (controls included)."""
        return parse_formula(self.full_formula, where=f"models.{self.id}.formula")

    @property
    def column_label(self) -> str:
        return self.label if self.label is not None else self.id

    def required_columns(self) -> list[str]:
        """The data columns the model reads: its formula's (or, for mediation, treatment,
        mediators, outcome and controls), plus subgroup and cluster columns."""
        if self.formula is not None:
            columns = list(self.parsed.columns())
        else:
            named = [self.treatment, *self.mediators, self.outcome, *self.controls]
            columns = [c for c in named if c is not None]
        columns += [c for c in (self.by, self.split.var if self.split else None) if c]
        if self.vcov.type == "cluster":
            columns += [c for c in self.vcov.by if c not in ("entity", "time")]
        if self.wild_bootstrap is not None and self.wild_bootstrap.cluster not in (
                "entity", "time"):
            columns.append(self.wild_bootstrap.cluster)
        return list(dict.fromkeys(columns))


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


AnyTableSpec = tagged_union(TABLE_KINDS, "regression")
AnyFigureSpec = tagged_union(FIGURE_KINDS)


class StudySpec(SpecBase):
    """A whole spec file: data, indices, models, tables, figures."""

    data: DataSpec
    aggregate: AggregateSpec | None = None
    indices: dict[str, IndexSpec] = Field(default_factory=dict)
    defaults: dict[str, Any] = Field(default_factory=dict)
    models: list[ModelSpec] = Field(default_factory=list)
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
                named = [item.grid] if getattr(item, "type", None) == "spec_curve" else \
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
