"""Spatial tables: Moran's I by period (paper 003, Table 9) and LeSage-Pace effects (Table 10).

Both take plain inputs (the ``moran`` rows as a DataFrame, spatial model Results) and return
a :class:`TableGrid`; every number comes from results.json (``moran.<id>`` rows and the
models' ``effects``, ``params``, ``std_errors``, ``stats``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from regiometrics.errors import SpecError
from regiometrics.results import Result
from regiometrics.spec.spatial import MoranSpec, MoranTableSpec, SpatialEffectsTableSpec
from regiometrics.tables.checks import check_names, variables_of
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.regression import fmt, stars
from regiometrics.tables.text import final_notes, label, stars_note, stat_label

_INFERENCE_TEXT = {
    "norm": "the normality assumption",
    "rand": "the randomisation assumption",
    "perm": "random permutations",
}
_ALTERNATIVE_TEXT = {
    "greater": "one-sided, H1: positive spatial autocorrelation",
    "less": "one-sided, H1: negative spatial autocorrelation",
    "two-sided": "two-sided",
}
_INFERENCE_TEXT_ZH = {"norm": "正态性假设", "rand": "随机化假设", "perm": "随机置换"}
_ALTERNATIVE_TEXT_ZH = {
    "greater": "单侧检验，备择假设为正的空间自相关",
    "less": "单侧检验，备择假设为负的空间自相关",
    "two-sided": "双侧检验",
}
_EFFECT_KINDS = ("direct", "indirect", "total")
_EFFECT_KEYS = {"direct": "direct", "indirect": "indirect_effect", "total": "total"}
_ROW_LABELS = {"entity_fe": "Entity FE", "time_fe": "Time FE", "entity_re": "Entity RE",
               "loglik": "Log-likelihood",
               "nobs": "N", "r2": "R²", "sigma2": "Error variance"}


def _ordered(values: Sequence[object], chosen: Sequence[object] | None) -> list:
    seen = list(dict.fromkeys(values))
    if chosen is None:
        return seen
    by_text = {str(v): v for v in seen}
    return [by_text[str(c)] for c in chosen if str(c) in by_text]


def moran_table(rows: pd.DataFrame, table: MoranTableSpec, *, entry: MoranSpec) -> TableGrid:
    """Global Moran's I: rows periods, column groups weights matrices, columns variables.

    Parameters
    ----------
    rows
        The ``moran.<id>`` rows (columns :data:`~regiometrics.measure.moran.MORAN_FIELDS`).
    table
        Layout: which variables/weights/periods, ``inference`` for the stars, ``below``.
    entry
        The Moran spec the rows come from (alternative, permutations) for the note.
    """
    if table.inference == "perm" and entry.permutations == 0:
        raise SpecError(
            f"tables.{table.id}.inference: 'perm' needs permutations, but moran.{entry.id} has "
            "permutations: 0; use inference 'rand' or 'norm'"
        )
    for key, column in (("variables", "variable"), ("weights", "weights")):
        have = [str(v) for v in dict.fromkeys(rows[column])]
        check_names(table.id, key, [str(v) for v in getattr(table, key) or []], have,
                    f"a {column} of moran.{entry.id}")
    check_names(table.id, "rename", table.rename, [str(v) for v in dict.fromkeys(
        [*rows["variable"], *rows["weights"]])], f"a variable or weights name of moran.{entry.id}")
    variables = _ordered(rows["variable"], table.variables)
    weights = _ordered(rows["weights"], table.weights)
    times = _ordered(rows["time"], table.times)
    if table.times is not None and len(times) < len(table.times):
        found = {str(t) for t in times}
        missing = [t for t in table.times if str(t) not in found]
        raise SpecError(f"tables.{table.id}.times: no Moran's I for {missing}")
    cell = rows.set_index(["variable", "weights", "time"])
    p_col = f"p_{table.inference}"
    z_col = "z_norm" if table.inference == "norm" else "z_rand"
    header1 = [""] + [x for w in weights for x in [table.rename.get(w, w)]
                      + [""] * (len(variables) - 1)]
    time_label = table.time_label if table.time_label is not None else label(
        table.language, "year")
    header2 = [time_label] + [table.rename.get(v, v) for _ in weights for v in variables]
    body: list[Row] = []
    for t in times:
        coefs, below = [str(t)], [""]
        for w in weights:
            for v in variables:
                r = cell.loc[(v, w, t)]
                coefs.append(fmt(float(r["I"]), table.decimals)
                             + stars(float(r[p_col]), table.stars))
                if table.below == "z":
                    below.append(f"({fmt(float(r[z_col]), table.decimals)})")
                elif table.below == "p":
                    below.append(f"({fmt(float(r[p_col]), table.decimals)})")
        body.append(Row(tuple(coefs), "coef"))
        if table.below != "none":
            body.append(Row(tuple(below), "se"))
    if table.language == "zh":
        what = {"z": "括号内为z值；", "p": "括号内为p值；", "none": ""}
        inference = _INFERENCE_TEXT_ZH[table.inference]
        if table.inference == "perm":
            inference += f"（{entry.permutations}次，种子{entry.seed}）"
        moran_note = (f"全局Moran's I；{what[table.below]}显著性依据{inference}下的p值，"
                      f"{_ALTERNATIVE_TEXT_ZH[entry.alternative]}")
    else:
        what = {"z": "z-values in parentheses; ", "p": "p-values in parentheses; ", "none": ""}
        inference = _INFERENCE_TEXT[table.inference]
        if table.inference == "perm":
            inference += f" ({entry.permutations}, seed {entry.seed})"
        moran_note = (f"Global Moran's I; {what[table.below]}significance from p-values under "
                      f"{inference}, {_ALTERNATIVE_TEXT[entry.alternative]}.")
    notes = [moran_note, stars_note(table.stars, table.language)]
    return TableGrid(
        id=table.id, title=table.title, label=table.label or f"tab:{table.id}",
        header=(Row(tuple(header1), "group"), Row(tuple(header2), "header")),
        sections=(tuple(body),), notes=final_notes(table, notes),
    )


def _group_label(result: Result, table: SpatialEffectsTableSpec) -> str:
    if result.model_id in table.group_labels:
        return table.group_labels[result.model_id]
    label = result.info.get("label")
    return str(label) if label else f"W = {result.info.get('weights', result.model_id)}"


def _effects_note(results: Sequence[Result], language: str = "en") -> str:
    zh = language == "zh"
    parts = set()
    for r in results:
        method = r.info.get("effects_method")
        draws, seed = r.info.get("effects_draws"), r.info.get("effects_seed")
        if method == "simulation":
            parts.add(f"基于估计量渐近分布的模拟，{draws}次，种子{seed}" if zh else
                      f"simulation from the estimated asymptotic distribution "
                      f"({draws} draws, seed {seed})")
        elif method == "delta":
            parts.add("Delta方法" if zh else "the delta method")
    if zh:
        how = "；".join(sorted(parts))
        return ("直接、间接与总效应按LeSage和Pace（2009）分解；括号内为标准误"
                + (f"（{how}）" if how else ""))
    how = "; ".join(sorted(parts)) or "the models"
    return ("Direct, indirect and total effects of LeSage and Pace (2009); standard errors "
            f"in parentheses, by {how}.")


def spatial_effects_table(results: Sequence[Result], table: SpatialEffectsTableSpec) -> TableGrid:
    """LeSage-Pace effects: per model a column group (direct, indirect, total), then rows.

    Rows under the effects (``table.rows``): ``entity_fe``/``time_fe``/``entity_re`` (YES/NO;
    ``entity_re``: entity random effects, ``random: [entity]``),
    ``rho`` (``rho`` or ``lambda`` with stars and its SE below, in the group's first column),
    ``loglik``, ``nobs`` and other ``stats`` names (shown when at least one model has them).
    """
    k = len(_EFFECT_KINDS)
    lang = table.language
    terms: list[str] = []
    for r in results:
        terms += [t for t in r.effects.get("direct", {}) if t not in terms]
    check_names(table.id, "terms", table.terms or [], terms, "a regressor with effects")
    check_names(table.id, "rename", table.rename, list(dict.fromkeys(
        [*terms, *(p for r in results for p in r.params.index), *(r.dependent for r in results),
         *(v for t in terms for v in variables_of(t))])),
        "a term, variable or dependent variable of the table's models")
    known = {"entity_fe", "time_fe", "entity_re", "rho", "nobs", *_ROW_LABELS,
             *(s for r in results for s in r.stats)}
    check_names(table.id, "row_labels", table.row_labels, sorted(known),
                "a row of a spatial effects table")
    known |= set(table.row_labels)
    check_names(table.id, "rows", table.rows, sorted(known), "a row of a spatial effects table")
    yes, no = table.yes_no or (label(lang, "yes"), label(lang, "no"))
    if table.terms is not None:
        terms = [t for t in table.terms if t in terms]
    header = (
        Row(("", *(f"({i + 1})" for i in range(k * len(results)))), "header"),
        Row(("", *(x for r in results for x in [_group_label(r, table)] + [""] * (k - 1))),
            "group"),
        Row((label(lang, "variables"),
             *(label(lang, _EFFECT_KEYS[e]) for _ in results for e in _EFFECT_KINDS)), "header"),
    )
    coef_rows: list[Row] = []
    for term in terms:
        coefs, ses = [table.rename.get(term, term)], [""]
        for r in results:
            for kind in _EFFECT_KINDS:
                e = r.effects.get(kind, {}).get(term)
                if e is None:
                    coefs.append("")
                    ses.append("")
                    continue
                coefs.append(fmt(e.estimate, table.decimals) + stars(e.pvalue, table.stars))
                se = fmt(e.std_error, table.decimals)
                ses.append(f"({se})" if se else "")
        coef_rows += [Row(tuple(coefs), "coef"), Row(tuple(ses), "se")]
    labels = {**_ROW_LABELS, "entity_fe": label(lang, "entity_fe"),
              "time_fe": label(lang, "time_fe"), "entity_re": label(lang, "entity_re"),
              "nobs": stat_label(lang, "nobs"),
              "loglik": stat_label(lang, "loglik"), "sigma2": stat_label(lang, "sigma2"),
              **table.row_labels}
    if "rho" not in table.row_labels:
        kinds = {"rho" if "rho" in r.params else "lambda" for r in results}
        labels["rho"] = ("空间系数：" if lang == "zh" else "Spatial: ") \
            + " / ".join(sorted(kinds, reverse=True))
    ind_rows: list[Row] = []
    stat_rows: list[Row] = []
    rows = list(table.rows)
    if ("rows" not in table.model_fields_set and "entity_re" not in rows
            and any(r.info.get("random_effects") for r in results)):
        rows.insert(rows.index("time_fe") + 1, "entity_re")   # else RE reads as pooled
    for row in rows:
        if row in ("entity_fe", "time_fe", "entity_re"):
            which = "time" if row == "time_fe" else "entity"
            key = "random_effects" if row == "entity_re" else "effects"
            cells = [(yes if which in r.info.get(key, []) else no)
                     for r in results for _ in range(k)]
            ind_rows.append(Row((labels[row], *cells), "indicator"))
        elif row == "rho":
            coefs, ses = [labels["rho"]], [""]
            for r in results:
                name = "rho" if "rho" in r.params else "lambda"
                coefs += [fmt(r.params.get(name), table.decimals)
                          + stars(r.pvalues.get(name, math.nan), table.stars)] + [""] * (k - 1)
                ses += [f"({fmt(r.std_errors.get(name), table.decimals)})"] + [""] * (k - 1)
            stat_rows += [Row(tuple(coefs), "coef"), Row(tuple(ses), "se")]
        else:
            values = [float(r.nobs) if row == "nobs" else r.stats.get(row) for r in results]
            if all(v is None for v in values):
                raise SpecError(f"tables.{table.id}.rows: no model in this table reports {row!r} "
                                f"(statistics they report: "
                                f"{', '.join(sorted({s for r in results for s in r.stats}))})")
            cells = []
            for v in values:
                text = "" if v is None else (
                    str(round(v)) if row in ("nobs", "hausman_df") else fmt(v, table.decimals))
                cells += [text] + [""] * (k - 1)
            stat_rows.append(Row((labels.get(row) or stat_label(lang, row), *cells), "stat"))
    notes = [_effects_note(results, lang)]
    for r in results:
        bias = r.info.get("bias_correction")
        if bias and bias != "none":
            notes.append(f"{_group_label(r, table)}: {bias}")
    notes.append(stars_note(table.stars, table.language))
    sections = tuple(s for s in (tuple(coef_rows), tuple(ind_rows), tuple(stat_rows)) if s)
    return TableGrid(
        id=table.id, title=table.title, label=table.label or f"tab:{table.id}",
        header=header, sections=sections, notes=final_notes(table, notes),
    )
