"""Spec objects of the ``measures:`` block and of the measure tables and figures.

A ``measures:`` entry computes an inequality, resilience or structure measure on the panel
after the indices are built (so it may measure an index). Every entry has an ``id`` and a
``type``; the other keys depend on the type::

    measures:
      - {id: theil_region, type: theil, variable: FTR, groups: region, weight: population}
      - {id: is, type: hierarchy, sectors: [Y1, Y2, Y3], column: IS}

Measures whose values are per entity-year (or per year, or per entity) can add them to the
panel as new columns named by ``column`` / ``columns`` (output field -> new column name), so
a later model can use them in its formula. The output fields each type offers are listed in
its ``OUTPUTS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from regiometrics.errors import SpecError
from regiometrics.spec.base import SpecBase, tagged_union
from regiometrics.spec.literals import (
    ImbalanceColumn,
    ImbalanceHeaderCell,
    PhaseAnchor,
    ResilienceHeaderCell,
    TheilHeaderCell,
    TheilLayout,
)
from regiometrics.spec.table_base import TableKindBase

TheilKindName = Literal["T", "L"]
NationalName = Literal["mean", "weighted"]
SlopesName = Literal["entity", "common"]
SpecializationReferenceName = Literal["total", "rest"]
ResilienceIndexName = Literal["resilience", "sensitivity"]
BandwidthName = Literal["scott", "silverman"]


class MeasureBase(SpecBase):
    """Common keys: ``id`` (the results.json key) and ``type``."""

    #: Output fields a measure can add to the panel (``columns`` keys); empty: none, or
    #: checked by the class itself (resilience: phase numbers; LQs: industry columns).
    OUTPUTS: ClassVar[tuple[str, ...]] = ()

    id: str
    type: str  # narrowed to one Literal by every kind

    def added_columns(self) -> dict[str, str]:
        """Output field -> new panel column (empty when the measure adds none)."""
        return dict(getattr(self, "columns", None) or {})

    @field_validator("columns", check_fields=False)
    @classmethod
    def _known_outputs(cls, columns: dict[Any, str]) -> dict[Any, str]:
        if not cls.OUTPUTS:  # the class checks its own columns (phases, industries)
            return columns
        unknown = [k for k in columns if k not in cls.OUTPUTS]
        if unknown:
            kind = cls.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
            raise ValueError(
                f"unknown output {unknown[0]!r} of type {kind!r}; "
                f"available: {', '.join(map(str, cls.OUTPUTS))}"
            )
        names = list(columns.values())
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"the new column names {dupes} are given twice")
        return columns


class TheilMeasure(MeasureBase):
    """Theil T or L of ``variable`` (optionally ``variable / per``) per period.

    With ``groups`` the exact within/between decomposition with per-group parts and
    contribution shares; ``weight`` weights entities (population, output).
    """

    type: Literal["theil"]
    variable: str
    per: str | None = None
    groups: str | None = None
    weight: str | None = None
    kind: TheilKindName = "T"


class GiniMeasure(MeasureBase):
    """Gini coefficient of ``variable`` (optionally ``variable / per``) per period."""

    type: Literal["gini"]
    variable: str
    per: str | None = None
    weight: str | None = None


class DagumMeasure(MeasureBase):
    """Dagum (1997) Gini decomposition by ``groups``: within, net between, transvariation."""

    type: Literal["dagum_gini"]
    variable: str
    groups: str
    per: str | None = None
    weight: str | None = None


class ImbalanceMeasure(MeasureBase):
    """004's output-share-weighted imbalance index of ``variable`` and its change, per year.

    ``groups`` (a column such as ``region``) measures the imbalance between groups of the
    panel's entities without aggregating the panel: group k's level is the ``weight``-weighted
    mean of ``variable`` over its entities, ``FT_k = sum_i w_i x_i / sum_i w_i`` (for
    provinces' trade/GDP weighted by GDP, the region's trade / the region's GDP), and its
    share ``delta_k = sum_{i in k} w_i / sum_i w_i``.
    """

    OUTPUTS: ClassVar[tuple[str, ...]] = ("index", "change")
    type: Literal["imbalance"]
    variable: str
    weight: str
    groups: str | None = None
    national: NationalName = "mean"
    normalize: bool = True
    columns: dict[str, str] = Field(default_factory=dict)


class PhasePanelSpec(SpecBase):
    """Resilience as a region x phase panel inside the region-year panel: on each entity's
    row of a phase's ``at`` year (``start`` or ``end``) column ``value`` holds the phase's
    index, ``kind`` its kind (``contraction``/``expansion``) and ``phase`` its years
    (``2008-2009``); other rows are empty. A model with ``by: <kind column>`` then runs
    separately for contraction and expansion phases, with regressors of the phase's
    ``at`` year (000)."""

    value: str
    kind: str | None = None
    phase: str | None = None
    at: PhaseAnchor = "start"


class ResilienceMeasure(MeasureBase):
    """Resistance and recovery of each entity against a reference path over phases.

    ``reference``: a column holding the reference (national) series, one value per year
    (repeated on every entity's row); ``None`` uses the sum of ``variable`` over entities.
    ``phases``: ``[start, end]`` or ``[start, end, kind]`` lists; ``None`` detects them at
    the reference's turning points. ``columns`` maps a phase number to a new column holding
    each entity's ``index`` (``resilience``, the expected-change form, or Martin's
    ``sensitivity``) in that phase, repeated over the entity's years. ``phase_panel``
    (instead of ``columns``) puts the index on the row of each phase's start (or end) year,
    a region x phase panel that models of the same spec can use (:class:`PhasePanelSpec`).
    Consecutive phases share their turning years (2008-2009 then 2009-2011).
    ``reference_by`` (a column such as ``product``) gives each group its own reference path:
    ``reference`` then holds one value per year within each group (the national exports of
    the product, 001), and ``phases`` must be given.
    """

    type: Literal["resilience"]
    variable: str
    reference: str | None = None
    reference_by: str | None = None
    phases: list[list[Any]] | None = None
    index: ResilienceIndexName = "resilience"
    columns: dict[int, str] = Field(default_factory=dict)
    phase_panel: PhasePanelSpec | None = None

    def added_columns(self) -> dict[Any, str]:  # keyed by phase number without phase_panel
        if self.phase_panel is None:
            return dict(self.columns)
        p = self.phase_panel
        return {k: v for k, v in (("_value", p.value), ("_kind", p.kind), ("_phase", p.phase))
                if v is not None}

    @field_validator("phases")
    @classmethod
    def _phase_shape(cls, v: list[list[Any]] | None) -> list[list[Any]] | None:
        for item in v or []:
            if len(item) not in (2, 3):
                raise ValueError(
                    f"each phase is [start, end] or [start, end, contraction|expansion]; "
                    f"got {item!r}"
                )
            if len(item) == 3 and item[2] not in ("contraction", "expansion"):
                raise ValueError(
                    f"a phase kind is 'contraction' or 'expansion'; got {item[2]!r}"
                )
        return v

    @model_validator(mode="after")
    def _columns_are_phases(self) -> ResilienceMeasure:
        if self.phases is not None:
            bad = [k for k in self.columns if not 1 <= k <= len(self.phases)]
            if bad:
                raise ValueError(
                    f"columns: phase {bad[0]} does not exist; phases are numbered "
                    f"1..{len(self.phases)} in the order given"
                )
        names = list(self.columns.values())
        if len(set(names)) != len(names):
            raise ValueError("columns: a new column name is given twice")
        if self.reference_by is not None and (self.reference is None or self.phases is None):
            raise ValueError("reference_by needs reference (the column of each group's path) "
                             "and phases (the same phases for every group)")
        if self.columns and self.phase_panel is not None:
            raise ValueError("give either columns (one column per phase, on every year) or "
                             "phase_panel (the index on each phase's start year), not both")
        if self.phase_panel is not None:
            added = list(self.added_columns().values())
            if len(set(added)) != len(added):
                raise ValueError("phase_panel: a new column name is given twice")
        return self


class HierarchyMeasure(MeasureBase):
    """003's hierarchy coefficient IS = sum_j j Y_j / Y over ``sectors`` in hierarchy order."""

    OUTPUTS: ClassVar[tuple[str, ...]] = ("IS",)
    type: Literal["hierarchy"]
    sectors: list[str] = Field(min_length=2)
    total: str | None = None
    column: str | None = None

    def added_columns(self) -> dict[str, str]:
        return {"IS": self.column} if self.column else {}


class SpecializationMeasure(MeasureBase):
    """Krugman specialization and Herfindahl indices over the ``industries`` columns."""

    OUTPUTS: ClassVar[tuple[str, ...]] = ("krugman", "herfindahl")
    type: Literal["specialization"]
    industries: list[str] = Field(min_length=2)
    reference: SpecializationReferenceName = "total"
    columns: dict[str, str] = Field(default_factory=dict)


class VarietyMeasure(MeasureBase):
    """Total, unrelated and related variety (Frenken et al. 2007), from either shape of data.

    Wide: ``industries`` maps a sector to its columns on each entity-year row. Long: the
    panel's rows are region x industry (x year), as with ``data.entity: [province,
    product]``; ``region`` and ``industry`` name the two keys, ``value`` the size (exports)
    and ``sector`` the column giving each industry's sector (HS section of an HS-2 chapter).
    The long form also offers ``sector_share`` and ``sector_variety`` (the entropy of the
    region's industries inside the row's sector: the related variety around the industry,
    001), put on every row of that region-sector-year; the region values go on every row of
    the region-year.
    """

    OUTPUTS: ClassVar[tuple[str, ...]] = (
        "variety", "unrelated_variety", "related_variety", "sector_share", "sector_variety",
    )
    SECTOR_OUTPUTS: ClassVar[tuple[str, ...]] = ("sector_share", "sector_variety")
    type: Literal["variety"]
    industries: dict[str, list[str]] | None = Field(default=None, min_length=1)
    region: str | None = None
    industry: str | None = None
    value: str | None = None
    sector: str | None = None
    base: float = Field(default=2.0, gt=1)
    columns: dict[str, str] = Field(default_factory=dict)

    @property
    def long(self) -> bool:
        """Whether the measure reads the panel's region x industry rows."""
        return self.industries is None

    @model_validator(mode="after")
    def _one_shape(self) -> VarietyMeasure:
        long_keys = {"region": self.region, "industry": self.industry, "value": self.value,
                     "sector": self.sector}
        if self.industries is not None:
            given = [k for k, v in long_keys.items() if v is not None]
            if given:
                raise ValueError(
                    f"give either industries (wide: a sector's columns on each row) or "
                    f"region/industry/value/sector (long region x industry rows), not both; "
                    f"remove {', '.join(given)}"
                )
            sector_only = [k for k in self.columns if k in self.SECTOR_OUTPUTS]
            if sector_only:
                raise ValueError(
                    f"columns: {sector_only[0]!r} needs the long form (region, industry, value, "
                    "sector); with industries only the region outputs exist"
                )
            return self
        missing = [k for k, v in long_keys.items() if v is None]
        if missing:
            raise ValueError(
                f"give industries (wide) or all of region, industry, value and sector (long "
                f"region x industry rows); missing {', '.join(missing)}"
            )
        return self


class LocationQuotientMeasure(MeasureBase):
    """Location quotients of each ``industries`` column; ``columns``: industry -> new column."""

    type: Literal["location_quotients"]
    industries: list[str] = Field(min_length=2)
    columns: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _columns_are_industries(self) -> LocationQuotientMeasure:
        unknown = [k for k in self.columns if k not in self.industries]
        if unknown:
            raise ValueError(
                f"columns: {unknown[0]!r} is not one of the industries "
                f"({', '.join(self.industries)})"
            )
        return self


class ExternalDependenceMeasure(MeasureBase):
    """External (foreign-trade) dependence: ``scale * trade * exchange rate / gdp`` (004).

    ``exchange_rate`` is a column (domestic currency per unit of foreign currency) or a
    mapping from year to rate; ``column`` names the new panel column.
    """

    OUTPUTS: ClassVar[tuple[str, ...]] = ("external_dependence",)
    type: Literal["external_dependence"]
    trade: str
    gdp: str
    exchange_rate: str | dict[Any, float]
    scale: float = 1.0
    column: str | None = None

    def added_columns(self) -> dict[str, str]:
        return {"external_dependence": self.column} if self.column else {}


class MisallocationMeasure(MeasureBase):
    """Hsieh-Klenow capital and labour misallocation (003): tau_K, tau_L, RM per entity-year."""

    OUTPUTS: ClassVar[tuple[str, ...]] = (
        "RM", "tau_K", "tau_L", "gamma_K", "gamma_L", "beta_K", "beta_L",
        "output_share", "capital_share", "labour_share",
    )
    type: Literal["misallocation"]
    output: str
    capital: str
    labour: str
    slopes: SlopesName = "entity"
    time_effects: bool = True
    columns: dict[str, str] = Field(default_factory=dict)


#: Measure kinds by their ``type`` key.
MEASURE_KINDS: dict[str, type[MeasureBase]] = {
    "theil": TheilMeasure,
    "gini": GiniMeasure,
    "dagum_gini": DagumMeasure,
    "imbalance": ImbalanceMeasure,
    "resilience": ResilienceMeasure,
    "hierarchy": HierarchyMeasure,
    "specialization": SpecializationMeasure,
    "variety": VarietyMeasure,
    "location_quotients": LocationQuotientMeasure,
    "external_dependence": ExternalDependenceMeasure,
    "misallocation": MisallocationMeasure,
}


if TYPE_CHECKING:
    AnyMeasureSpec = MeasureBase
else:
    AnyMeasureSpec = tagged_union(MEASURE_KINDS)



# --------------------------------------------------------------------------- tables


class TheilTableSpec(TableKindBase):
    """002's Table 5 layout from a grouped ``theil`` measure: one row per year with the overall
    Theil, each group's Theil, within, between and their contribution (%); ``layout:
    beside`` puts each part beside its contribution rate, as 002 Table 5 prints it.
    ``group_order`` orders the group columns (default: as the measure lists them);
    ``header`` renames header cells (``year``, ``overall``, ``groups`` (the title over the
    group columns), ``decomposition``, ``within``, ``between``, ``theil``,
    ``contribution``)."""

    type: Literal["theil"]
    measure: str
    layout: TheilLayout = "grouped"
    decimals: int = Field(default=4, ge=0, le=8)
    percent_decimals: int = Field(default=2, ge=0, le=8)
    years: list[Any] | None = None
    group_labels: dict[str, str] = Field(default_factory=dict)
    group_order: list[str] | None = None
    header: dict[TheilHeaderCell, str] = Field(default_factory=dict)


class ResilienceTableSpec(TableKindBase):
    """Resilience by entity x phase from a ``resilience`` measure: one column per phase under
    its measure (Resistance over a contraction, Recovery over an expansion) and its years
    (``2008-2009``). ``value``: ``resilience`` or ``sensitivity``; ``header`` renames
    ``entity``, ``resistance``, ``recovery``; ``entities`` picks and orders the rows."""

    type: Literal["resilience"]
    measure: str
    value: ResilienceIndexName = "resilience"
    decimals: int = Field(default=3, ge=0, le=8)
    entities: list[str] | None = None
    rename: dict[str, str] = Field(default_factory=dict)
    header: dict[ResilienceHeaderCell, str] = Field(default_factory=dict)
    mean_row: bool = False


_IMBALANCE_COLUMNS: list[ImbalanceColumn] = ["index", "change"]


class ImbalanceTableSpec(TableKindBase):
    """004's imbalance index by year from an ``imbalance`` measure: ``columns`` of
    ``index`` (I_t), ``change`` (Delta I_t = I_t - I_(t-1), empty in the first year) and
    ``national`` (FT_N before normalisation); ``header`` renames them (and ``year``)."""

    type: Literal["imbalance"]
    measure: str
    columns: list[ImbalanceColumn] = Field(default_factory=lambda: _IMBALANCE_COLUMNS.copy())
    decimals: int = Field(default=4, ge=0, le=8)
    years: list[Any] | None = None
    header: dict[ImbalanceHeaderCell, str] = Field(default_factory=dict)


class DagumTableSpec(TableKindBase):
    """A Dagum Gini table from a ``dagum_gini`` measure: per year the overall Gini, the
    within-group Gini of each group, the between-group Gini of each pair (``pairs``) and the
    contribution (%) of within, net between and transvariation."""

    type: Literal["dagum"]
    measure: str
    decimals: int = Field(default=4, ge=0, le=8)
    percent_decimals: int = Field(default=2, ge=0, le=8)
    years: list[Any] | None = None
    pairs: bool = True
    group_labels: dict[str, str] = Field(default_factory=dict)


# --------------------------------------------------------------------------- figures


class KdeFigureSpec(SpecBase):
    """Gaussian kernel densities of ``variable`` (a column or an index) in the chosen ``times``."""

    id: str
    type: Literal["kde"]
    variable: str
    times: list[Any] | None = None
    weight: str | None = None
    bandwidth: BandwidthName | float = "scott"
    grid_size: int = Field(default=200, ge=2)
    title: str | None = None
    xlabel: str | None = None


# --------------------------------------------------------------------------- references

#: Table kind -> the measure type its ``measure`` key must name.
_TABLE_MEASURE = {"theil": "theil", "dagum": "dagum_gini", "imbalance": "imbalance",
                  "resilience": "resilience"}


def check_measure_references(spec: Any, source: str) -> None:
    """Unique measure ids; measure tables name an existing measure of the right type.

    Raises
    ------
    SpecError
        Duplicate measure ids, a table naming an unknown measure or one of another type, a
        ``theil`` table on a measure without ``groups``.
    """
    ids = [m.id for m in spec.measures]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SpecError(
            f"{source}: measures: duplicate measure ids {dupes}; each id must be unique"
        )
    by_id = {m.id: m for m in spec.measures}
    for table in spec.tables:
        wanted = _TABLE_MEASURE.get(table.type)
        if wanted is None:
            continue
        where = f"{source}: tables.{table.id}.measure"
        measure = by_id.get(table.measure)
        if measure is None:
            known = ", ".join(ids) or "none"
            raise SpecError(
                f"{where}: unknown measure {table.measure!r}; measures defined: {known}"
            )
        if measure.type != wanted:
            raise SpecError(
                f"{where}: a {table.type!r} table needs a measure of type {wanted!r}; "
                f"{table.measure!r} is of type {measure.type!r}"
            )
        if table.type == "theil" and measure.groups is None:
            raise SpecError(
                f"{where}: measure {table.measure!r} has no 'groups', so there is no "
                "within/between decomposition to tabulate; add groups: <column>"
            )
