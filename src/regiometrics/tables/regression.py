"""Regression tables: columns are models, an estimate over its SE (or t, p, CI) with stars.

Layout follows the seed paper 003's Table 4: column numbers, a dependent-variable row,
coefficient rows, the constant, YES/NO rows (Controls, entity FE, time FE, and the
standard-error type per column when the columns differ, as fixest's ``etable`` prints it),
statistic rows (N, adjusted R²), and notes. Every row says what is true of the models:

* Controls is YES for a column whose model contains every control variable of the table (as
  such or lagged) that the table does not show (left out when all controls are shown);
* a statistic a model type does not have (adjusted R² of a Tobit) is named in a note, and a
  statistic no column has is refused;
* columns clustered on fewer than 30 groups are named in a note that points to the wild
  cluster bootstrap, and says which columns ran one;
* ``wild_bootstrap_row: pvalue | ci`` adds, under a coefficient's standard error, its wild
  cluster bootstrap p-value or interval in brackets (with a note saying how it was made).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from regiometrics.errors import SpecError
from regiometrics.results import Result
from regiometrics.spec.models import TableSpec
from regiometrics.tables.checks import (
    CONSTANT,
    OPERATOR,
    check_names,
    check_term_keys,
    closest,
    table_terms,
    variables_of,
)
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.text import STAT_LABELS, final_notes, label, stars_note, stat_label

_INTEGER_STATS = {
    "nobs", "n_entities", "n_periods", "n_clusters", "hausman_df",
    "n_left_censored", "n_right_censored", "n_uncensored",
}
#: Fit statistics whose absence from a column is a property of the model type (said in a note).
_FIT_STATS = {"r2", "adj_r2", "r2_within", "adj_r2_within", "r2_between", "loglik", "n_clusters"}
#: Default statistic rows by model type (a row is printed when some column has it).
DEFAULT_STATS: dict[str, tuple[str, ...]] = {
    "ols": ("nobs", "adj_r2"), "fe": ("nobs", "adj_r2", "r2_within"),
    "moderation": ("nobs", "adj_r2", "r2_within"), "iv": ("nobs", "adj_r2"),
    "re": ("nobs", "r2_within"), "tobit": ("nobs", "loglik"), "iv_first_stage": ("nobs",),
    "sar": ("nobs", "loglik"), "sem": ("nobs", "loglik"), "sdm": ("nobs", "loglik"),
    "sdem": ("nobs", "loglik"),
}
_STAT_ORDER = ("nobs", "n_clusters", "r2", "adj_r2", "r2_within", "adj_r2_within", "loglik")
#: Fewer clusters than this get a note (Cameron, Gelbach and Miller 2008; Cameron and Miller 2015).
FEW_CLUSTERS = 30
DEFAULT_SECTIONS = ("coefficients", "constant", "indicators", "stats", "extra")


def stars(pvalue: float, thresholds: Sequence[float]) -> str:
    """``*`` per threshold the p-value is below (thresholds sorted descending)."""
    if pvalue is None or not math.isfinite(pvalue):
        return ""
    return "*" * sum(pvalue < t for t in sorted(thresholds, reverse=True))


def fmt(value: float | None, decimals: int) -> str:
    """Fixed-point number; ``-0.000`` is printed as Stata prints it."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.{decimals}f}"


def term_label(term: str, rename: dict[str, str], constant: str = "Constant") -> str:
    """A term's printed name: its ``rename`` entry, else each variable renamed inside the
    term (``L10.lrprice`` with ``lrprice: log price`` -> ``L10.log price``, an interaction
    ``a:b`` -> ``a × b`` when a part is renamed)."""
    if term in rename:
        return rename[term]
    if term == CONSTANT:
        return constant
    parts, changed = [], False
    for part in term.split(":"):
        m = OPERATOR.match(part)
        if part in rename:
            parts.append(rename[part])
        elif m and m["var"] in rename:
            parts.append(m["op"] + rename[m["var"]])
        else:
            parts.append(part)
            continue
        changed = True
    return (" × " if changed else ":").join(parts)


def ordered_terms(results: Sequence[Result], table: TableSpec) -> list[str]:
    """Terms to show: union in order of appearance, keep/drop/order applied, constant last."""
    terms = table_terms(results)
    if table.keep is not None:
        terms = [t for t in terms if t in table.keep]
    terms = [t for t in terms if t not in table.drop]
    order = getattr(table, "order", None)
    if order:
        first = [t for t in order if t in terms]
        terms = first + [t for t in terms if t not in first]
    if getattr(table, "constant_last", True) and CONSTANT in terms:
        terms = [t for t in terms if t != CONSTANT] + [CONSTANT]
    return terms


def column_labels(results: Sequence[Result], table: object = None) -> list[str]:
    """A model's ``label`` when it has one, else ``(j)``; with ``table`` (for notes naming
    columns) its ``column_titles`` when the header shows them without ``(1) (2)`` numbers."""
    titles = getattr(table, "column_titles", None)
    if titles is not None and not getattr(table, "numbers", True) and len(titles) == len(results):
        return [str(t) for t in titles]
    labels = []
    for i, r in enumerate(results):
        label = r.info.get("label")
        labels.append(str(label) if label not in (None, r.model_id) else f"({i + 1})")
    return labels


def _further_effects(result: Result) -> list[str]:
    """Absorbed effects beyond entity and time: ``absorb:`` columns and ``effects`` entries
    such as ``industry^time`` or ``entity[time]``."""
    effects = [e for e in result.info.get("effects") or [] if e not in ("entity", "time")]
    return list(dict.fromkeys([*(result.info.get("absorb") or []), *effects]))


def _absorbs(result: Result) -> bool:
    return bool(result.info.get("effects") or result.info.get("absorb")) \
        and not result.info.get("random_effects") \
        and result.type in ("fe", "iv", "moderation", "ols")


def _random_entity(result: Result) -> bool:
    """Random entity intercepts: ``re``, and ``random: [entity]`` of ``tobit``, ``sar``, ``sdm``."""
    return bool(result.info.get("random_effects") or result.info.get("random_entity_effects"))


def _indicator_rows(table: TableSpec, results: Sequence[Result]) -> list[str]:
    """``table.indicators``; when they are the default and a column has random entity effects,
    with an ``entity_re`` row after the fixed-effect rows (else an RE column reads as pooled)."""
    rows: list[str] = list(table.indicators)
    if ("indicators" not in table.model_fields_set and "entity_re" not in rows
            and any(_random_entity(r) for r in results)):
        after = max((rows.index(w) for w in ("entity_fe", "time_fe", "absorbed") if w in rows),
                    default=-1)
        rows.insert(after + 1, "entity_re")
    return rows


def _fe_cell(result: Result, which: str, yes: str, no: str) -> str:
    if which == "entity_re":
        return yes if _random_entity(result) else no
    if result.info.get("random_effects"):
        return no
    effects = result.info.get("effects") or []
    return yes if ("entity" if which == "entity_fe" else "time") in effects else no


def se_kind(result: Result, language: str) -> str:
    """The standard-error type of a column: ``Clustered (state)``, ``Robust``, ``Conventional``."""
    kind = result.info.get("vcov")
    if kind == "cluster":
        return label(language, "cluster", by=" & ".join(result.info.get("cluster_by") or []))
    if kind in ("robust", "unadjusted"):
        return label(language, kind)
    return label(language, "ml") if kind else label(language, "unadjusted")


def _kinds_by_column(results: Sequence[Result], language: str, table: object = None) -> str:
    """``(1), (2), (3): Clustered (province); (4): ML (information)``: each column's SE type
    (for a table whose S.E. row is switched off although the columns' types differ)."""
    labels = column_labels(results, table)
    groups: dict[str, list[str]] = {}
    for lab, r in zip(labels, results, strict=True):
        groups.setdefault(se_kind(r, language), []).append(lab)
    sep = "；" if language == "zh" else "; "
    return sep.join(f"{', '.join(cols)}: {kind}" for kind, cols in groups.items())


def _below_note(results: Sequence[Result], table: TableSpec, mixed: bool) -> str:
    zh = table.language == "zh"
    if mixed and table.se_row == "never":
        by_column = _kinds_by_column(results, table.language, table)
        what = {"se": "standard errors", "t": "t statistics", "p": "p-values",
                "ci": f"{table.ci_level * 100:g}% confidence intervals"}[table.below]
        if zh:
            what = {"se": "标准误", "t": "t值", "p": "p值", "ci": "置信区间"}[table.below]
            return f"括号内为{what}（标准误类型：{by_column}）"
        where = "brackets" if table.below == "ci" else "parentheses"
        return f"{what[0].upper() + what[1:]} in {where}; standard errors by column: {by_column}."
    kinds = {(r.info.get("vcov"), tuple(r.info.get("cluster_by") or [])) for r in results}
    kind, by = next(iter(kinds)) if len(kinds) == 1 else (None, ())
    level = f"{table.ci_level * 100:g}%"
    if zh:
        what = {"se": "标准误", "t": "t值", "p": "p值", "ci": f"{level}置信区间"}[table.below]
        base = {"cluster": f"聚类到{'、'.join(by)}层面的稳健", "robust": "稳健"}.get(kind or "", "")
        where = "方括号内" if table.below == "ci" else "括号内"
        text = f"{where}为{base + what if table.below == 'se' else what}"
        if kind and kind not in ("cluster", "robust", "unadjusted") and table.below == "se":
            # the spatial ML models' "inverse information matrix (Elhorst 2014)"
            text += ("（信息矩阵的逆，Elhorst 2014）" if kind.startswith("inverse information")
                     else f"（{kind}）")
        if table.below != "se" and base:
            text += f"（基于{base}标准误）"
        return text + ("（各列标准误类型见标准误行）" if mixed else "")
    se_text = {"cluster": f"standard errors clustered by {' and '.join(by)}",
               "robust": "heteroskedasticity-robust standard errors"}.get(kind or "")
    if table.below == "se":
        if mixed:
            return "Standard errors in parentheses; the S.E. row gives each column's type."
        if kind == "cluster":
            return f"Standard errors clustered by {' and '.join(by)} in parentheses."
        if kind == "robust":
            return "Heteroskedasticity-robust standard errors in parentheses."
        if kind and kind != "unadjusted":  # e.g. ML: "inverse information matrix (Elhorst 2014)"
            return f"Standard errors in parentheses ({kind})."
        return "Standard errors in parentheses."
    what = {"t": "t statistics in parentheses", "p": "p-values in parentheses",
            "ci": f"{level} confidence intervals in brackets"}[table.below]
    if mixed:
        return what[0].upper() + what[1:] + "; the S.E. row gives each column's standard errors."
    return what[0].upper() + what[1:] + (f" (from {se_text})." if se_text else ".")


def _below_cell(result: Result, term: str, table: TableSpec, tidy: dict) -> str:
    d = table.decimals
    row = tidy[term]
    if table.below == "se":
        text = fmt(row.std_error, d)
    elif table.below == "t":
        text = fmt(row.statistic, d)
    elif table.below == "p":
        text = fmt(row.p_value, d)
    else:
        low, high = fmt(row.ci_low, d), fmt(row.ci_high, d)
        return f"[{low}, {high}]" if low and high else ""
    return f"({text})" if text else ""


def _coef_rows(results: Sequence[Result], table: TableSpec, terms: Sequence[str],
               hidden_constant: set[int]) -> tuple[list[Row], list[Row]]:
    """Coefficient rows and the constant's rows (estimate row then the row under it)."""
    tidies = [{t.term: t for t in r.tidy_rows(level=table.ci_level)} for r in results]
    coefs_out: list[Row] = []
    const_out: list[Row] = []
    const_label = label(table.language, "constant")
    for term in terms:
        coefs, below = [term_label(term, table.rename, const_label)], [""]
        for j, r in enumerate(results):
            if term in r.params and not (term == CONSTANT and j in hidden_constant):
                coefs.append(fmt(r.params[term], table.decimals)
                             + stars(r.pvalues.get(term, math.nan), table.stars))
                below.append(_below_cell(r, term, table, tidies[j]))
            else:
                coefs.append("")
                below.append("")
        if not any(coefs[1:]):
            continue  # every column's estimate hidden (the constant of absorbed FE columns)
        rows = [Row(tuple(coefs), "coef"), Row(tuple(below), "se")]
        wild = _wild_row(results, table, term)
        if wild is not None:
            rows.append(wild)
        (const_out if term == CONSTANT else coefs_out).extend(rows)
    return coefs_out, const_out


def _wild_row(results: Sequence[Result], table: TableSpec, term: str) -> Row | None:
    """The bracketed wild-bootstrap p-value (or interval) row of ``term``, if any column has one."""
    kind = getattr(table, "wild_bootstrap_row", None)
    if kind is None:
        return None
    cells, d = [""], table.decimals
    for r in results:
        test = r.wild_bootstrap.terms.get(term) if r.wild_bootstrap is not None else None
        if test is None:
            cells.append("")
        elif kind == "pvalue":
            cells.append(f"[{fmt(test.pvalue, d)}]")
        else:
            low, high = fmt(test.ci_low, d), fmt(test.ci_high, d)
            cells.append(f"[{low or '-inf'}, {high or 'inf'}]")
    return Row(tuple(cells), "se") if any(cells[1:]) else None


def _wild_note(results: Sequence[Result], table: TableSpec) -> str | None:
    """What the bracketed wild-bootstrap row holds: method, weights, draws, clusters."""
    kind = getattr(table, "wild_bootstrap_row", None)
    runs = [(lab, r.wild_bootstrap) for lab, r in zip(column_labels(results, table), results)
            if r.wild_bootstrap is not None]
    if kind is None or not runs:
        return None
    what = {"pvalue": ("p-values", "p值"), "ci": ("confidence intervals", "置信区间")}[kind]
    parts = []
    for lab, wb in runs:
        draws = f"all {wb.draws} sign vectors" if wb.enumerated else f"{wb.draws} draws"
        level = f", {wb.level:.0%}" if kind == "ci" else ""
        parts.append(f"{lab}: {wb.method}, {wb.weights}, {draws}, G = {wb.n_clusters}{level}")
    if table.language == "zh":
        return f"方括号内为野聚类自助法{what[1]}（" + "；".join(parts) + "）"
    return (f"Wild cluster bootstrap {what[0]} in brackets (Roodman et al. 2019; "
            + "; ".join(parts) + ").")


def _constant_columns(results: Sequence[Result], table: TableSpec) -> tuple[set[int], str | None]:
    """Columns whose constant is not shown, and the note that says why."""
    has = [CONSTANT in r.params for r in results]
    if table.constant == "show" or not any(has):
        return set(), None
    if table.constant == "hide":
        return set(range(len(results))), None
    absorbed = [j for j, r in enumerate(results) if _absorbs(r)]
    if len({has[j] for j in absorbed}) > 1:
        cols = [j for j in absorbed if has[j]]
        note = ("常数项：吸收固定效应的列不报告常数项" if table.language == "zh" else
                "Constant not shown for columns with absorbed fixed effects (some of them do "
                "not estimate one).")
        return set(cols), note
    return set(), None


def _controls_row(results: Sequence[Result], table: TableSpec, shown: Sequence[str],
                  words: tuple[str, str]) -> tuple[Row | None, list[str]]:
    """The Controls row by content, and notes for columns holding only some controls."""
    controls = table.controls
    if controls is None:
        controls = list(dict.fromkeys(c for r in results for c in (r.info.get("controls") or [])))
    # compared by variable: L.lpc in a lagged column stands for the control lpc
    hidden = list(dict.fromkeys(v for c in controls
                                if c not in shown or table.controls_row == "always"
                                for v in variables_of(c)))
    if not hidden:
        return None, []
    labels = column_labels(results, table)
    cells, notes = [], []
    for j, r in enumerate(results):
        present = {v for t in r.params.index for v in variables_of(t)}
        have = [c for c in hidden if c in present]
        if len(have) == len(hidden):
            cells.append(words[0])
        elif not have:
            cells.append(words[1])
        else:
            cells.append(label(table.language, "partly"))
            notes.append(f"{labels[j]}：控制变量仅含{'、'.join(have)}" if table.language == "zh"
                         else f"{labels[j]}: of the controls {', '.join(hidden)}, only "
                         f"{', '.join(have)}.")
    text = table.indicator_labels.get("controls", label(table.language, "controls"))
    return Row((text, *cells), "indicator"), notes


def _n_clusters(result: Result) -> float | None:
    value = result.stats.get("n_clusters", result.info.get("n_clusters"))
    return None if value is None else float(value)


def default_stats(results: Sequence[Result]) -> list[str]:
    """Per model type, the statistics its column reports; N first, then clusters when a column
    is clustered, then the fit statistics in a fixed order."""
    wanted: set[str] = set()
    for r in results:
        wanted.update(DEFAULT_STATS.get(r.type, ("nobs",)))
        if r.info.get("vcov") == "cluster" and _n_clusters(r) is not None:
            wanted.add("n_clusters")
    return [s for s in _STAT_ORDER if s in wanted]


def _stat_value(result: Result, stat: str) -> float | None:
    if stat == "nobs":
        return float(result.nobs)
    if stat == "n_clusters":
        return _n_clusters(result)
    value = result.stats.get(stat)
    return None if value is None else float(value)


def _stat_rows(results: Sequence[Result], table: TableSpec,
               chosen: Sequence[str] | None = None,
               key: str = "stats") -> tuple[list[Row], list[str]]:
    """Statistic rows, checked: an unknown name or a statistic no column has is refused; a
    fit statistic some columns' model type lacks is named in a note. ``chosen`` (with its
    spec ``key``) replaces ``table.stats`` (the ``diagnostics`` block)."""
    explicit = chosen is not None or table.stats is not None
    if chosen is not None:
        stats = list(chosen)
    else:
        stats = list(table.stats) if table.stats is not None else default_stats(results)
    known = set(STAT_LABELS["en"]) | set(table.stat_labels) | {
        s for r in results for s in r.stats}
    check_names(table.id, key, stats, sorted(known), "a statistic")
    labels = column_labels(results, table)
    rows, notes = [], []
    below_p = getattr(table, "pvalues_below", True)
    for i, stat in enumerate(stats):
        values = [_stat_value(r, stat) for r in results]
        if all(v is None for v in values):
            if not explicit:
                continue
            have = sorted({s for r in results for s in r.stats} | {"nobs"})
            raise SpecError(
                f"tables.{table.id}.{key}: no model in this table reports {stat!r} (model "
                f"types: {', '.join(dict.fromkeys(r.type for r in results))})"
                f"{closest(stat, have)}; statistics they report: {', '.join(have)}")
        below = below_p and i > 0 and stat == f"{stats[i - 1]}_p"
        name = table.stat_labels.get(stat, stat_label(table.language, stat))
        cells = ["" if below and stat not in table.stat_labels else name]
        for v in values:
            if v is None:
                cells.append("")
            elif not math.isfinite(v):
                cells.append("")   # e.g. Hansen J's p-value of an exactly identified model
            elif stat in _INTEGER_STATS:
                cells.append(str(round(v)))
            else:
                cells.append(f"({fmt(v, table.decimals)})" if below else fmt(v, table.decimals))
        rows.append(Row(tuple(cells), "stat"))
        missing = [j for j, v in enumerate(values) if v is None]
        if stat in _FIT_STATS and missing:
            if stat == "n_clusters":
                missing = [j for j in missing if results[j].info.get("vcov") == "cluster"]
            if missing:
                types = ", ".join(dict.fromkeys(results[j].type for j in missing))
                cols = ", ".join(labels[j] for j in missing)
                notes.append(f"{name}：{types}模型不报告，列{cols}" if table.language == "zh"
                             else f"{name}: not reported for {types} models, column {cols}.")
    return rows, notes


def _few_clusters_note(results: Sequence[Result], language: str,
                       shown: bool = False, table: object = None) -> str | None:
    labels = column_labels(results, table)
    few = [(labels[j], int(g)) for j, r in enumerate(results)
           if r.info.get("vcov") == "cluster" and (g := _n_clusters(r)) is not None
           and g < FEW_CLUSTERS]
    if not few:
        return None
    cols = "; ".join(f"{c}: G = {g}" for c, g in few)
    few_labels = {c for c, _ in few}
    booted = [labels[j] for j, r in enumerate(results)
              if r.wild_bootstrap is not None and labels[j] in few_labels]
    if language == "zh":
        text = (f"聚类数少于{FEW_CLUSTERS}（{cols}）：聚类稳健标准误可能不可靠，"
                "宜用野聚类自助法（wild cluster bootstrap）检验")
        if booted:
            text += (f"；列{'、'.join(booted)}已做野聚类自助法检验"
                     + ("（见方括号）" if shown else "（见results.json）"))
        return text
    text = (f"Few clusters ({cols}): cluster-robust standard errors are unreliable with fewer "
            f"than about {FEW_CLUSTERS} clusters; the wild cluster bootstrap (Cameron, Gelbach "
            "and Miller 2008) is the remedy.")
    if booted:
        where = "shown in brackets" if shown else "reported in results.json"
        text += (f" Wild cluster bootstrap tests were run for column{'s' if len(booted) > 1 else ''}"
                 f" {', '.join(booted)} ({where}).")
    return text


def _header(results: Sequence[Result], table: TableSpec) -> list[Row]:
    width = len(results)
    rows: list[Row] = []
    if table.column_groups:
        total = sum(g.span for g in table.column_groups)
        if total > width:
            raise SpecError(f"tables.{table.id}.column_groups: the spans add up to {total} but "
                            f"the table has {width} columns")
        titles = ("", *(g.title for g in table.column_groups), *[""] * (width - total))
        spans = (1, *(g.span for g in table.column_groups), *[1] * (width - total))
        rows.append(Row(titles, "group", spans))
    numbers = [f"({j + 1})" for j in range(width)]
    if table.column_titles is not None:
        if len(table.column_titles) != width:
            raise SpecError(f"tables.{table.id}.column_titles: {len(table.column_titles)} titles "
                            f"for {width} columns; give one per column")
        rows.append(Row(("", *table.column_titles), "header"))
        if table.numbers:
            rows.append(Row(("", *numbers), "header"))
    elif table.numbers:
        rows.append(Row(("", *column_labels(results)), "header"))
    if table.depvar_row:
        rows.append(Row(("", *(term_label(r.dependent, table.rename) for r in results)),
                        "header"))
    if table.stub_label and rows:
        numbered = [i for i, r in enumerate(rows) if r.kind == "header"
                    and tuple(r.cells[1:]) in (tuple(numbers), tuple(column_labels(results)))]
        at = numbered[0] if numbered else 0
        rows[at] = replace(rows[at], cells=(table.stub_label, *rows[at].cells[1:]))
    return rows


def regression_table(results: Sequence[Result], table: TableSpec, *,
                     extra: Sequence[Row] = (), extra_notes: Sequence[str] = ()) -> TableGrid:
    """Build the neutral grid of a regression table from Results.

    ``extra`` rows (a mechanism table's indirect effect, a subgroup table's tests) form the
    ``extra`` section; ``extra_notes`` follow the automatic notes. Every number comes from
    the Results (and so from results.json).
    """
    check_term_keys(table, results)
    check_names(table.id, "indicator_labels", table.indicator_labels, [
        "controls", "entity_fe", "time_fe", "entity_re",
        *dict.fromkeys(c for r in results for c in _further_effects(r))],
        "an indicator row of the table (controls, entity_fe, time_fe, entity_re, or an "
        "absorbed effect of its models)")
    lang = table.language
    words = tuple(table.yes_no) if table.yes_no else (label(lang, "yes"), label(lang, "no"))
    terms = ordered_terms(results, table)
    hidden_constant, constant_note = _constant_columns(results, table)
    coef_rows, const_rows = _coef_rows(results, table, terms, hidden_constant)
    ind_rows: list[Row] = []
    notes: list[str] = []
    for which in _indicator_rows(table, results):
        if which == "controls":
            row, partial = _controls_row(results, table, terms, words)  # type: ignore[arg-type]
            ind_rows += [row] if row else []
            notes += partial
            continue
        if which == "absorbed":  # one row per ``absorb:`` column or further effect of any model
            columns = dict.fromkeys(c for r in results for c in _further_effects(r))
            for col in columns:
                text = table.indicator_labels.get(
                    col, f"{col}固定效应" if lang == "zh" else f"{col} FE")
                ind_rows.append(Row((text, *(words[0] if col in _further_effects(r)
                                             else words[1] for r in results)), "indicator"))
            continue
        text = table.indicator_labels.get(which, label(lang, which))
        ind_rows.append(Row((text, *(_fe_cell(r, which, *words) for r in results)), "indicator"))
    kinds = [se_kind(r, lang) for r in results]
    mixed = len(set(kinds)) > 1
    if table.se_row == "always" or (table.se_row == "auto" and mixed):
        ind_rows.append(Row((label(lang, "se_row"), *kinds), "indicator"))
    stat_rows, stat_notes = _stat_rows(results, table)
    diag_rows, diag_notes = (_stat_rows(results, table, table.diagnostics, "diagnostics")
                             if table.diagnostics else ([], []))
    stat_notes += diag_notes
    blocks = {"coefficients": coef_rows, "constant": const_rows, "indicators": ind_rows,
              "diagnostics": diag_rows, "stats": stat_rows, "extra": list(extra)}
    order = list(table.sections or DEFAULT_SECTIONS)
    if table.diagnostics and "diagnostics" not in order:
        order.insert(order.index("stats") if "stats" in order else len(order), "diagnostics")
    sections: list[list[Row]] = []
    previous = None
    for name in order:
        rows = blocks[name]
        if not rows:
            continue
        if {name, previous} == {"coefficients", "constant"}:
            sections[-1] += rows  # the constant is a coefficient: no rule between them
        else:
            sections.append(list(rows))
        previous = name
    labels = column_labels(results, table)
    auto = [_below_note(results, table, mixed), stars_note(table.stars, lang)]
    if lang == "zh" and auto[1]:
        auto = [auto[0] + "；" + auto[1]]
    shown = getattr(table, "wild_bootstrap_row", None) is not None
    auto += [n for n in (constant_note, _few_clusters_note(results, lang, shown, table),
                         _wild_note(results, table)) if n]
    auto += notes + stat_notes + list(extra_notes)
    for j, r in enumerate(results):
        auto += [f"{labels[j]}: {note}." for note in r.info.get("notes", [])]
        if dropped := r.info.get("n_dropped_missing", 0):
            auto.append(f"{labels[j]}：因缺失值删除{dropped}行" if lang == "zh" else
                        f"{labels[j]}: {dropped} rows with missing values dropped (listwise).")
        if singletons := r.info.get("n_singletons", 0):
            auto.append(f"{labels[j]}：删除{singletons}个单例观测值" if lang == "zh" else
                        f"{labels[j]}: {singletons} singleton observations dropped (alone in a "
                        "fixed-effect group).")
    return TableGrid(
        id=table.id,
        title=table.title,
        label=table.label or f"tab:{table.id}",
        header=tuple(_header(results, table)),
        sections=tuple(tuple(s) for s in sections),
        notes=final_notes(table, auto),
    )
