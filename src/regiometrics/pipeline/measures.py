"""The ``measures:`` stage (inequality, resilience, structure) and the measure tables/figures.

Runs after the indices, so a measure may use an index column. Each measure's rows go to
results.json ``measures.<id>`` (one row per period, per entity-year or per entity-phase, in
the row shapes documented in :mod:`regiometrics.measure.inequality`,
:mod:`~regiometrics.measure.resilience`, :mod:`~regiometrics.measure.structure` and
:mod:`~regiometrics.measure.misallocation`). Measures with ``column``/``columns`` add their
entity-year (or year, or entity) values to the panel, saved together as ``measures.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from regiometrics.data.panel import Panel
from regiometrics.errors import DataError, RegiometricsError, SpecError
from regiometrics.measure.density import kernel_density
from regiometrics.measure.inequality import (
    dagum_gini,
    gini,
    imbalance_index,
    theil,
    theil_decomposition,
)
from regiometrics.measure.misallocation import misallocation
from regiometrics.measure.resilience import resilience
from regiometrics.measure.structure import (
    external_dependence,
    hierarchy_coefficient,
    location_quotients,
    sector_variety,
    specialization,
    variety,
)
from regiometrics.pipeline.context import RunContext, Stage
from regiometrics.results import jsonable
from regiometrics.spec.measures import (
    DagumMeasure,
    DagumTableSpec,
    ExternalDependenceMeasure,
    GiniMeasure,
    HierarchyMeasure,
    ImbalanceMeasure,
    ImbalanceTableSpec,
    KdeFigureSpec,
    LocationQuotientMeasure,
    MeasureBase,
    MisallocationMeasure,
    ResilienceMeasure,
    ResilienceTableSpec,
    SpecializationMeasure,
    TheilMeasure,
    TheilTableSpec,
    VarietyMeasure,
)
from regiometrics.tables.grid import TableGrid
from regiometrics.tables.measures import (
    dagum_table,
    imbalance_table,
    resilience_table,
    theil_table,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_INDUSTRY, _VALUE = "_industry", "_value"


@dataclass(frozen=True)
class MeasureArtifact:
    """What one measure produced.

    Attributes
    ----------
    spec
        The measure's spec entry.
    rows
        The results.json rows (the measure function's DataFrame).
    values
        Merge keys plus one column per output field that can become a panel column
        (``None`` when the measure yields no entity-year, year or entity values).
    on
        The merge keys of ``values`` (entity and time, time only, or entity only).
    added
        Output field -> panel column actually added.
    """

    spec: MeasureBase
    rows: pd.DataFrame
    values: pd.DataFrame | None = None
    on: tuple[str, ...] = ()
    added: dict[Any, str] = field(default_factory=dict)


def _where(m: MeasureBase, key: str) -> str:
    return f"measures.{m.id}.{key}"


def _require(panel: Panel, m: MeasureBase, **columns: str | list[str] | None) -> None:
    """DataError naming ``measures.<id>.<key>`` for each column the data lack."""
    for key, names in columns.items():
        if names is None:
            continue
        panel.require([names] if isinstance(names, str) else list(names), where=_where(m, key))


def _need_time(panel: Panel, m: MeasureBase) -> str:
    if panel.time is None:
        raise SpecError(
            f"measures.{m.id}: type {m.type!r} needs a time column; set data.time"
        )
    return panel.time


def _keys(panel: Panel) -> list[str]:
    return [panel.entity] + ([panel.time] if panel.time else [])


def _with_ratio(panel: Panel, m: TheilMeasure | GiniMeasure | DagumMeasure) -> tuple[pd.DataFrame, str]:
    """The frame and the measured column: ``variable``, or ``variable / per`` when given."""
    _require(panel, m, variable=m.variable, per=m.per,
             weight=m.weight, groups=getattr(m, "groups", None))
    if m.per is None:
        return panel.frame, m.variable
    x = panel.numeric(m.variable, where=_where(m, "variable"))
    per = panel.numeric(m.per, where=_where(m, "per"))
    bad = ~(per > 0)
    if bad.any():
        at = panel.frame.loc[bad, _keys(panel)].head(3).to_numpy().tolist()
        raise DataError(
            f"{_where(m, 'per')}: {m.per!r} must be > 0 to divide {m.variable!r}; "
            f"{int(bad.sum())} rows are not, e.g. at {at}"
        )
    name = f"{m.variable}/{m.per}"
    return panel.frame.assign(**{name: x / per}), name


def _theil(panel: Panel, m: TheilMeasure) -> MeasureArtifact:
    frame, value = _with_ratio(panel, m)
    common: dict[str, Any] = {"value": value, "entity": panel.entity, "time": panel.time,
                              "weight": m.weight, "kind": m.kind}
    if m.groups is None:
        return MeasureArtifact(m, theil(frame, **common))
    return MeasureArtifact(m, theil_decomposition(frame, group=m.groups, **common))


def _gini(panel: Panel, m: GiniMeasure) -> MeasureArtifact:
    frame, value = _with_ratio(panel, m)
    return MeasureArtifact(
        m, gini(frame, value=value, entity=panel.entity, time=panel.time, weight=m.weight)
    )


def _dagum(panel: Panel, m: DagumMeasure) -> MeasureArtifact:
    frame, value = _with_ratio(panel, m)
    rows = dagum_gini(frame, value=value, entity=panel.entity, group=m.groups,
                      time=panel.time, weight=m.weight)
    return MeasureArtifact(m, rows)


def _imbalance(panel: Panel, m: ImbalanceMeasure) -> MeasureArtifact:
    time = _need_time(panel, m)
    _require(panel, m, variable=m.variable, weight=m.weight, groups=m.groups)
    frame, entity = panel.frame, panel.entity
    if m.groups is not None:
        x = panel.numeric(m.variable, where=_where(m, "variable"))
        w = panel.numeric(m.weight, where=_where(m, "weight"))
        gone = x.isna() | w.isna() | frame[m.groups].isna()
        if gone.any():
            bad = frame.loc[gone, [entity, time]].head(10).to_numpy().tolist()
            raise DataError(f"{_where(m, 'groups')}: missing {m.variable}, {m.weight} or "
                            f"{m.groups} at ({entity}, {time}) {list(map(tuple, bad))}")
        keys = [frame[m.groups], frame[time]]
        wsum = w.groupby(keys).sum()
        frame = pd.DataFrame({"_wx": (w * x).groupby(keys).sum() / wsum, "_w": wsum})
        frame = frame.rename_axis([m.groups, time]).reset_index()
        frame = frame.rename(columns={"_wx": m.variable, "_w": m.weight})
        entity = m.groups
    rows = imbalance_index(frame, value=m.variable, weight=m.weight, entity=entity,
                           time=time, national=m.national, normalize=m.normalize)
    values = rows[["time", "index", "change"]].rename(columns={"time": time})
    return MeasureArtifact(m, rows, values, (time,))


def _reference_path(frame: pd.DataFrame, values: pd.Series, m: ResilienceMeasure,
                    time: str) -> pd.Series:
    """The reference series (one value per period) held in column ``m.reference``."""
    spread = values.groupby(frame[time]).agg(["min", "max"])
    varying = spread.index[spread["max"] != spread["min"]].tolist()
    if varying:
        within = f" within each {m.reference_by!r}" if m.reference_by else ""
        raise DataError(
            f"{_where(m, 'reference')}: the reference series {m.reference!r} must have one "
            f"value per {time}{within} (the same on every entity's row); it varies in "
            f"{varying[:5]}"
        )
    return spread["min"]


def _resilience(panel: Panel, m: ResilienceMeasure) -> MeasureArtifact:
    time = _need_time(panel, m)
    _require(panel, m, variable=m.variable, reference=m.reference, reference_by=m.reference_by)
    phases = None if m.phases is None else [tuple(p) for p in m.phases]
    frame = panel.frame
    if m.reference_by is not None:
        # one reference path per product (industry): each group against its own path
        parts = []
        for _, group in frame.groupby(m.reference_by, sort=True):
            ref = _reference_path(group, pd.to_numeric(group[m.reference], errors="coerce"),
                                  m, time)
            parts.append(resilience(group, value=m.variable, entity=panel.entity, time=time,
                                    reference=ref, phases=phases))
        rows = pd.concat(parts, ignore_index=True).sort_values(
            [panel.entity, "phase"], kind="stable").reset_index(drop=True)
    else:
        reference = None
        if m.reference is not None:
            reference = _reference_path(
                frame, panel.numeric(m.reference, where=_where(m, "reference")), m, time)
        rows = resilience(frame, value=m.variable, entity=panel.entity, time=time,
                          reference=reference, phases=phases)
    n_phases = int(rows["phase"].max())
    missing = [k for k in m.columns if not 1 <= k <= n_phases]
    if missing:
        raise SpecError(
            f"{_where(m, 'columns')}: phase {missing[0]} does not exist; the reference series "
            f"has {n_phases} phase(s): "
            + ", ".join(f"{r.phase}: {r.start}-{r.end} {r.kind}"
                        for r in rows.drop_duplicates("phase").itertuples())
        )
    if m.phase_panel is not None:
        return MeasureArtifact(m, rows, _phase_panel(rows, m, panel.entity, time),
                               (panel.entity, time))
    wide = rows.pivot(index=panel.entity, columns="phase", values=m.index).reset_index()
    return MeasureArtifact(m, rows, wide, (panel.entity,))


def _phase_panel(rows: pd.DataFrame, m: ResilienceMeasure, entity: str,
                 time: str) -> pd.DataFrame:
    """Entity x phase values keyed by (entity, the phase's start or end year)."""
    assert m.phase_panel is not None
    at = m.phase_panel.at
    years = rows.drop_duplicates("phase")[at]
    if years.duplicated().any():
        raise SpecError(f"{_where(m, 'phase_panel.at')}: two phases {at} in "
                        f"{years[years.duplicated()].tolist()}; use the other end of the phases "
                        "(at: start | end)")
    return pd.DataFrame({
        entity: rows[entity].to_numpy(),
        time: rows[at].to_numpy(),
        "_value": rows[m.index].to_numpy(float),
        "_kind": rows["kind"].to_numpy(),
        "_phase": [f"{a}-{b}" for a, b in zip(rows["start"], rows["end"], strict=True)],
    })


def _hierarchy(panel: Panel, m: HierarchyMeasure) -> MeasureArtifact:
    _require(panel, m, sectors=m.sectors, total=m.total)
    rows = hierarchy_coefficient(panel.frame, sectors=m.sectors, entity=panel.entity,
                                 time=panel.time, total=m.total)
    return MeasureArtifact(m, rows, rows, tuple(_keys(panel)))


def _long_industries(panel: Panel, m: MeasureBase, columns: list[str]) -> pd.DataFrame:
    """Region x industry (x year) rows from the panel's industry columns."""
    _require(panel, m, industries=columns)
    return panel.frame.melt(id_vars=_keys(panel), value_vars=columns,
                            var_name=_INDUSTRY, value_name=_VALUE)


def _specialization(panel: Panel, m: SpecializationMeasure) -> MeasureArtifact:
    long = _long_industries(panel, m, m.industries)
    rows = specialization(long, entity=panel.entity, industry=_INDUSTRY, value=_VALUE,
                          time=panel.time, reference=m.reference)
    return MeasureArtifact(m, rows, rows, tuple(_keys(panel)))


def _variety(panel: Panel, m: VarietyMeasure) -> MeasureArtifact:
    if m.long:
        return _sector_variety(panel, m)
    assert m.industries is not None
    sector_of = {c: s for s, cols in m.industries.items() for c in cols}
    long = _long_industries(panel, m, list(sector_of))
    long["_sector"] = long[_INDUSTRY].map(sector_of)
    rows = variety(long, entity=panel.entity, industry=_INDUSTRY, value=_VALUE,
                   time=panel.time, sector="_sector", base=m.base)
    return MeasureArtifact(m, rows, rows, tuple(_keys(panel)))


def _sector_variety(panel: Panel, m: VarietyMeasure) -> MeasureArtifact:
    """Long form: region x industry rows of the panel itself (001's province x product)."""
    assert m.region and m.industry and m.value and m.sector
    _require(panel, m, region=m.region, industry=m.industry, value=m.value, sector=m.sector)
    for key in ("region", "industry", "sector"):
        name = getattr(m, key)
        if name == panel.time:
            raise SpecError(f"{_where(m, key)}: {name!r} is the time column; name the "
                            f"{key} column")
    rows = sector_variety(panel.frame, entity=m.region, industry=m.industry, value=m.value,
                          sector=m.sector, time=panel.time, base=m.base)
    on = (m.region, m.sector) + ((panel.time,) if panel.time else ())
    return MeasureArtifact(m, rows, rows, on)


def _location_quotients(panel: Panel, m: LocationQuotientMeasure) -> MeasureArtifact:
    long = _long_industries(panel, m, m.industries)
    rows = location_quotients(long, entity=panel.entity, industry=_INDUSTRY, value=_VALUE,
                              time=panel.time)
    keys = _keys(panel)
    wide = rows.pivot(index=keys, columns=_INDUSTRY, values="lq").reset_index()
    wide.columns.name = None
    return MeasureArtifact(m, rows.rename(columns={_INDUSTRY: "industry"}), wide, tuple(keys))


def _external_dependence(panel: Panel, m: ExternalDependenceMeasure) -> MeasureArtifact:
    time = _need_time(panel, m)
    rate = m.exchange_rate
    _require(panel, m, trade=m.trade, gdp=m.gdp,
             exchange_rate=rate if isinstance(rate, str) else None)
    rows = external_dependence(panel.frame, trade=m.trade, gdp=m.gdp, entity=panel.entity,
                               time=time, exchange_rate=rate, scale=m.scale)
    return MeasureArtifact(m, rows, rows, (panel.entity, time))


def _misallocation(panel: Panel, m: MisallocationMeasure) -> MeasureArtifact:
    time = _need_time(panel, m)
    _require(panel, m, output=m.output, capital=m.capital, labour=m.labour)
    fitted = misallocation(panel.frame, output=m.output, capital=m.capital, labour=m.labour,
                           entity=panel.entity, time=time, slopes=m.slopes,
                           time_effects=m.time_effects)
    return MeasureArtifact(m, fitted.frame, fitted.frame, (panel.entity, time))


_RUNNERS: dict[str, Callable[[Panel, Any], MeasureArtifact]] = {
    "theil": _theil,
    "gini": _gini,
    "dagum_gini": _dagum,
    "imbalance": _imbalance,
    "resilience": _resilience,
    "hierarchy": _hierarchy,
    "specialization": _specialization,
    "variety": _variety,
    "location_quotients": _location_quotients,
    "external_dependence": _external_dependence,
    "misallocation": _misallocation,
}


def _add_columns(panel: Panel, art: MeasureArtifact) -> tuple[Panel, MeasureArtifact]:
    """Merge the requested output fields into the panel under their new names."""
    m = art.spec
    wanted = m.added_columns()
    if not wanted:
        return panel, art
    key = "column" if isinstance(m, HierarchyMeasure | ExternalDependenceMeasure) else "columns"
    if isinstance(m, ResilienceMeasure) and m.phase_panel is not None:
        key = "phase_panel"
    frame = panel.frame
    for name in wanted.values():
        if name in frame.columns:
            raise SpecError(
                f"{_where(m, key)}: the panel already has a column {name!r} (from the data, an "
                "index or an earlier measure); choose another name"
            )
    assert art.values is not None
    values = art.values[[*art.on, *wanted]].rename(columns=wanted)
    frame = frame.merge(values, on=list(art.on), how="left", validate="many_to_one")
    frame.index = panel.frame.index
    added = MeasureArtifact(m, art.rows, art.values, art.on, dict(wanted))
    return panel.with_frame(frame), added


def build_measures(ctx: RunContext) -> tuple[Panel, dict[str, MeasureArtifact]]:
    """Compute every measure of the spec in order; later ones see earlier ones' columns."""
    panel, built = ctx.panel, {}
    for m in ctx.spec.measures:
        try:
            art = _RUNNERS[m.type](panel, m)
        except RegiometricsError as exc:
            text = str(exc)
            prefix = f"measures.{m.id}"
            raise type(exc)(text if text.startswith(prefix) else f"{prefix}: {text}") from None
        panel, built[m.id] = _add_columns(panel, art)
    return panel, built


def measures_json(built: dict[str, MeasureArtifact]) -> dict[str, Any]:
    """``{id: [row, ...]}`` with NaN as null."""
    return {k: jsonable(a.rows.to_dict(orient="records")) for k, a in built.items()}


def measures_csv(panel: Panel, built: dict[str, MeasureArtifact]) -> str:
    """Entity, time and every column the measures added."""
    columns = [c for a in built.values() for c in a.added.values()]
    return panel.frame[_keys(panel) + columns].to_csv(index=False, float_format="%.17g")


def _files(ctx: RunContext) -> dict[str, str | bytes]:
    built = ctx.artifacts.get("measures", {})
    if not any(a.added for a in built.values()):
        return {}
    return {"measures.csv": measures_csv(ctx.panel, built)}


MEASURES_STAGE = Stage(section="measures", run=build_measures, to_json=measures_json,
                       files=_files)


# --------------------------------------------------------------------------- tables


def _table_rows(table: TheilTableSpec | DagumTableSpec | ImbalanceTableSpec,
                ctx: RunContext) -> pd.DataFrame:
    art = ctx.artifact("measures", table.measure, where=f"tables.{table.id}.measure")
    rows = art.rows
    if table.years is None:
        return rows
    have = rows["time"].tolist()
    missing = [y for y in table.years if y not in have]
    if missing:
        raise SpecError(
            f"tables.{table.id}.years: {missing} not among the periods of measure "
            f"{table.measure!r} ({have[0]}..{have[-1]})"
        )
    return rows.set_index("time").loc[list(table.years)].reset_index()


def theil_grid(table: TheilTableSpec, ctx: RunContext) -> TableGrid:
    """Grid of a ``type: theil`` table (002's Table 5 layout)."""
    return theil_table(_table_rows(table, ctx), table)


def resilience_grid(table: ResilienceTableSpec, ctx: RunContext) -> TableGrid:
    """Grid of a ``type: resilience`` table (entities x phases with year-range headers)."""
    art = ctx.artifact("measures", table.measure, where=f"tables.{table.id}.measure")
    return resilience_table(art.rows, table, entity=ctx.panel.entity)


def imbalance_grid(table: ImbalanceTableSpec, ctx: RunContext) -> TableGrid:
    """Grid of a ``type: imbalance`` table (004's imbalance index and its change by year)."""
    return imbalance_table(_table_rows(table, ctx), table)


def dagum_grid(table: DagumTableSpec, ctx: RunContext) -> TableGrid:
    """Grid of a ``type: dagum`` table."""
    return dagum_table(_table_rows(table, ctx), table)


# --------------------------------------------------------------------------- figures


def kde_builder(fig: KdeFigureSpec, ctx: RunContext) -> Figure:
    """Kernel densities of ``fig.variable`` over the chosen years (common grid)."""
    # imported here so that matplotlib loads only when a figure is drawn
    from regiometrics.figures.density import kde_figure
    panel = ctx.panel
    where = f"figures.{fig.id}"
    if panel.time is None:
        raise SpecError(f"{where}: a kde figure draws one curve per period; set data.time")
    panel.require([fig.variable], where=f"{where}.variable")
    if fig.weight is not None:
        panel.require([fig.weight], where=f"{where}.weight")
    try:
        curves = kernel_density(panel.frame, value=fig.variable, time=panel.time,
                                times=fig.times, entity=panel.entity, weight=fig.weight,
                                bandwidth=fig.bandwidth, grid_size=fig.grid_size)
    except RegiometricsError as exc:
        raise type(exc)(f"{where}: {exc}") from None
    return kde_figure(curves, title=fig.title, xlabel=fig.xlabel or fig.variable)


__all__ = [
    "MEASURES_STAGE", "MeasureArtifact", "build_measures", "dagum_grid", "kde_builder",
    "measures_csv", "measures_json", "theil_grid",
]
