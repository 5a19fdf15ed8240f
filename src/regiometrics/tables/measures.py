"""Tables of inequality measures, built from a measure's rows (plain DataFrames).

:func:`theil_table` follows 002's Table 5: one row per year with the overall Theil index,
each region's own Theil index, the within- and between-group parts and their contribution
rates (%). :func:`dagum_table` is the usual Dagum Gini table of Chinese regional studies:
per year the overall Gini, the within-group Gini of each group, the between-group Gini of
each pair of groups and the contribution rates (%) of within, net between and
transvariation. The row frames are those of
:func:`regiometrics.measure.inequality.theil_decomposition` and
:func:`~regiometrics.measure.inequality.dagum_gini` (contribution rates as fractions there,
printed x100 here).
"""

from __future__ import annotations

import pandas as pd

from regiometrics.spec.measures import (
    DagumTableSpec,
    ImbalanceTableSpec,
    ResilienceTableSpec,
    TheilTableSpec,
)
from regiometrics.tables.checks import check_names
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.regression import fmt
from regiometrics.tables.text import final_notes


def _labels(rows: pd.DataFrame, prefix: str, *, pairs: bool = False) -> list[str]:
    """Group (or ``g|h`` pair) labels from the ``prefix:label`` columns, in column order."""
    found = [c[len(prefix) + 1:] for c in rows.columns if c.startswith(f"{prefix}:")]
    return [k for k in found if ("|" in k) == pairs]


def _year(value: object) -> str:
    return "" if value is None else str(value)


#: Chinese header cells and notes of the inequality tables (``language: zh``).
_ZH = {
    "Year": "年份", "Overall": "总体", "Theil index by group": "各区域泰尔指数",
    "Within groups": "区域内", "Between groups": "区域间", "Theil index": "泰尔指数",
    "Contribution (%)": "贡献率（%）", "Decomposition": "分解", "Within": "区域内",
    "Between": "区域间", "Within-group Gini": "区域内基尼系数",
    "Between-group Gini": "区域间基尼系数", "Net between": "区域间净差异",
    "Transvariation": "超变密度",
    "Within and between sum to the overall index; contribution = part / overall x 100.":
        "区域内与区域间差异之和等于总体泰尔指数；贡献率 = 分项 / 总体 × 100",
    "Dagum (1997) decomposition: overall = within + net between + transvariation; "
    "contribution = part / overall x 100.":
        "Dagum（1997）分解：总体 = 区域内 + 区域间净差异 + 超变密度；贡献率 = 分项 / 总体 × 100",
}


def _yearly_grid(
    spec: TheilTableSpec | DagumTableSpec,
    top: tuple[str, ...],
    head: tuple[str, ...],
    body: list[Row],
    default_note: str,
) -> TableGrid:
    """The grid shared by both layouts: group titles over column names, one row per year."""
    if spec.language == "zh":
        top, head = tuple(_ZH.get(c, c) for c in top), tuple(_ZH.get(c, c) for c in head)
        default_note = _ZH[default_note]
    return TableGrid(
        id=spec.id,
        title=spec.title,
        label=spec.label or f"tab:{spec.id}",
        header=(Row(top, "group"), Row(head, "header")),
        sections=(tuple(body),),
        notes=final_notes(spec, [default_note]),
        align="l" + "c" * (len(head) - 1),
    )


def theil_table(rows: pd.DataFrame, spec: TheilTableSpec) -> TableGrid:
    """Grid: ``Year | Overall | <group>... | Within | Between | Within (%) | Between (%)``,
    or with ``layout: beside`` (002 Table 5) ``... | Within | Within (%) | Between | Between (%)``.

    Parameters
    ----------
    rows
        Rows of a grouped Theil measure (``time, total, within, between, share_within,
        share_between, theil:<g>...``), one per year, in the order to print.
    spec
        The table spec (``decimals``, ``percent_decimals``, ``group_labels``, titles).
    """
    groups = _labels(rows, "theil")
    if spec.group_order is not None:
        check_names(spec.id, "group_order", spec.group_order, groups, "a group of the measure")
        groups = [g for g in spec.group_order if g in groups] + [
            g for g in groups if g not in spec.group_order]
    names = [spec.group_labels.get(g, g) for g in groups]
    d, p = spec.decimals, spec.percent_decimals
    n_groups = len(groups)
    beside = spec.layout == "beside"
    cell = {"year": "Year", "overall": "Overall", "groups": "Theil index by group",
            "decomposition": "Decomposition", "theil": "Theil index",
            "contribution": "Contribution (%)",
            "within": "Within groups" if beside else "Within",
            "between": "Between groups" if beside else "Between", **spec.header}
    if beside:  # 002 Table 5: each part beside its contribution rate
        top = ("", "", cell["groups"], *[""] * (n_groups - 1),
               cell["within"], "", cell["between"], "")
        head = (cell["year"], cell["overall"], *names, cell["theil"], cell["contribution"],
                cell["theil"], cell["contribution"])
    else:
        top = ("", "", cell["groups"], *[""] * (n_groups - 1),
               cell["decomposition"], "", cell["contribution"], "")
        head = (cell["year"], cell["overall"], *names, cell["within"], cell["between"],
                cell["within"], cell["between"])
    body = []
    for r in rows.to_dict(orient="records"):
        parts = [fmt(r["within"], d), fmt(r["between"], d)]
        shares = [fmt(100.0 * r["share_within"], p), fmt(100.0 * r["share_between"], p)]
        tail = [parts[0], shares[0], parts[1], shares[1]] if beside else parts + shares
        body.append(Row((
            _year(r["time"]),
            fmt(r["total"], d),
            *(fmt(r[f"theil:{g}"], d) for g in groups),
            *tail,
        )))
    return _yearly_grid(
        spec, top, head, body,
        "Within and between sum to the overall index; contribution = part / overall x 100.",
    )


def dagum_table(rows: pd.DataFrame, spec: DagumTableSpec) -> TableGrid:
    """Grid: ``Year | Overall | <group>... | <g-h>... | Within | Net between | Transvariation``.

    Parameters
    ----------
    rows
        Rows of a ``dagum_gini`` measure, one per year, in the order to print.
    spec
        The table spec; ``pairs: false`` leaves out the between-group Gini columns.
    """
    groups = _labels(rows, "gini")
    pairs = _labels(rows, "gini", pairs=True) if spec.pairs else []
    label = spec.group_labels
    d, p = spec.decimals, spec.percent_decimals
    pair_names = [
        f"{label.get(g, g)}-{label.get(h, h)}" for g, h in (k.split("|", 1) for k in pairs)
    ]
    top = ("", "", "Within-group Gini", *[""] * (len(groups) - 1),
           *(("Between-group Gini", *[""] * (len(pairs) - 1)) if pairs else ()),
           "Contribution (%)", "", "")
    head = ("Year", "Overall", *(label.get(g, g) for g in groups), *pair_names,
            "Within", "Net between", "Transvariation")
    body = []
    for r in rows.to_dict(orient="records"):
        body.append(Row((
            _year(r["time"]),
            fmt(r["total"], d),
            *(fmt(r[f"gini:{g}"], d) for g in groups),
            *(fmt(r[f"gini:{k}"], d) for k in pairs),
            *(fmt(100.0 * r[f"share_{c}"], p) for c in ("within", "between", "transvariation")),
        )))
    return _yearly_grid(
        spec, top, head, body,
        "Dagum (1997) decomposition: overall = within + net between + transvariation; "
        "contribution = part / overall x 100.",
    )


def imbalance_table(rows: pd.DataFrame, spec: ImbalanceTableSpec) -> TableGrid:
    """Grid: ``Year | I | ΔI`` (and the national level) from an imbalance measure's rows.

    Parameters
    ----------
    rows
        Rows of an ``imbalance`` measure (``time, index, change, national``), one per year,
        in the order to print; ``change`` is empty in the first year.
    """
    names = {"year": "Year", "index": "Imbalance index I", "change": "Change ΔI",
             "national": "National level", **spec.header}
    if spec.language == "zh":
        names = {"year": "年份", "index": "不平衡指数I", "change": "变动ΔI",
                 "national": "全国水平", **spec.header}
    body = [Row((_year(r["time"]), *(fmt(r[c], spec.decimals) for c in spec.columns)))
            for r in rows.to_dict(orient="records")]
    note = ("I_t = Σ_k δ_k abs(FT_k - FT_N), with δ_k the output share of entity k and FT_N "
            "the national level; ΔI_t = I_t - I_(t-1).")
    if spec.language == "zh":
        note = "I_t = Σ_k δ_k abs(FT_k − FT_N)，δ_k为区域k的产出份额；ΔI_t = I_t − I_(t−1)"
    return TableGrid(
        id=spec.id,
        title=spec.title,
        label=spec.label or f"tab:{spec.id}",
        header=(Row((names["year"], *(names[c] for c in spec.columns)), "header"),),
        sections=(tuple(body),),
        notes=final_notes(spec, [note]),
        align="l" + "c" * len(spec.columns),
    )


def resilience_table(rows: pd.DataFrame, spec: ResilienceTableSpec, *,
                     entity: str) -> TableGrid:
    """Grid: entities x phases, a phase's measure (Resistance, Recovery) over its years.

    Parameters
    ----------
    rows
        Rows of a ``resilience`` measure (``<entity>, phase, kind, measure, start, end,
        resilience, sensitivity``), one per entity and phase.
    entity
        The name of the entity column of ``rows``.
    """
    zh = spec.language == "zh"
    words = {"entity": entity, "resistance": "抵御力" if zh else "Resistance",
             "recovery": "恢复力" if zh else "Recovery", "mean": "均值" if zh else "Mean",
             **{str(k): v for k, v in spec.header.items()}}
    phases = rows.drop_duplicates("phase").sort_values("phase")
    wide = rows.pivot(index=entity, columns="phase", values=spec.value)
    wide.index = [str(e) for e in wide.index]
    if spec.entities is not None:
        check_names(spec.id, "entities", spec.entities, list(wide.index),
                    "an entity of the measure")
        wide = wide.loc[list(spec.entities)]
    top = ("", *(words[str(m)] for m in phases["measure"]))
    head = (words["entity"], *(f"{a}-{b}" for a, b in zip(phases["start"], phases["end"],
                                                          strict=True)))
    body = [Row((spec.rename.get(str(e), str(e)),
                 *(fmt(float(v), spec.decimals) for v in values)))
            for e, values in wide.iterrows()]
    sections = [tuple(body)]
    if spec.mean_row:
        sections.append((Row((words["mean"],
                              *(fmt(float(v), spec.decimals) for v in wide.mean())),),))
    what = "Martin's sensitivity index g_r / g_N" if spec.value == "sensitivity" else (
        "resilience (ΔE_r - ΔE_r^exp) / abs(ΔE_r^exp), ΔE_r^exp the change the reference "
        "growth implies")
    note = (f"{what}; resistance over contraction phases, recovery over expansion phases of "
            "the reference path; a phase's years share its turning points.")
    if zh:
        note = ("敏感性指数g_r / g_N" if spec.value == "sensitivity" else "韧性指数") + \
            "；收缩期为抵御力，扩张期为恢复力"
    return TableGrid(
        id=spec.id,
        title=spec.title,
        label=spec.label or f"tab:{spec.id}",
        header=(Row(top, "group"), Row(head, "header")),
        sections=tuple(sections),
        notes=final_notes(spec, [note]),
        align="l" + "c" * (len(head) - 1),
    )
