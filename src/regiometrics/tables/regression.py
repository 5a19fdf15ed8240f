"""Regression tables: columns are models, coefficient over (SE) with stars.

Layout follows the seed paper 003's Table 4: a label row, a dependent-variable row,
coefficient/SE pairs, the constant last, YES/NO indicator rows (Controls, entity
FE, time FE), statistic rows (N, adjusted R²), and notes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from regiometrics.results import Result
from regiometrics.spec.models import TableSpec
from regiometrics.tables.grid import Row, TableGrid

CONSTANT = "_cons"
DEFAULT_INDICATOR_LABELS = {"controls": "Controls", "entity_fe": "Entity FE", "time_fe": "Time FE"}
DEFAULT_STAT_LABELS = {
    "nobs": "N", "r2": "R²", "adj_r2": "Adj. R²", "r2_within": "Within R²",
    "adj_r2_within": "Adj. within R²", "n_entities": "Entities", "n_periods": "Periods",
    "n_clusters": "Clusters", "hausman_chi2": "Hausman χ²", "hausman_p": "Hausman p-value",
    "r2_between": "Between R²", "theta": "θ",
    "anderson_lm": "Anderson canon. corr. LM statistic", "anderson_lm_p": "Anderson LM p-value",
    "kp_rk_lm": "Kleibergen-Paap rk LM statistic", "kp_rk_lm_p": "Kleibergen-Paap rk LM p-value",
    "cd_wald_f": "Cragg-Donald Wald F statistic", "kp_rk_wald_f": "Kleibergen-Paap rk Wald F statistic",
    "hansen_j": "Hansen J statistic", "hansen_j_p": "Hansen J p-value",
    "sargan": "Sargan statistic", "sargan_p": "Sargan p-value",
    "ar_f": "Anderson-Rubin Wald F", "ar_p": "Anderson-Rubin p-value",
    "loglik": "Log likelihood", "sigma": "σ", "sigma_u": "σ_u", "sigma_e": "σ_e", "rho": "ρ",
    "lr_sigma_u": "LR test σ_u = 0", "lr_sigma_u_p": "LR test p-value",
    "n_left_censored": "Left-censored", "n_right_censored": "Right-censored",
    "n_uncensored": "Uncensored",
}
_INTEGER_STATS = {
    "nobs", "n_entities", "n_periods", "n_clusters", "hausman_df",
    "n_left_censored", "n_right_censored", "n_uncensored",
}


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


def ordered_terms(results: Sequence[Result], table: TableSpec) -> list[str]:
    """Terms to show: union in order of appearance, keep/drop/order applied, constant last."""
    terms: list[str] = []
    for r in results:
        terms += [t for t in r.params if t not in terms]
    if table.keep is not None:
        terms = [t for t in terms if t in table.keep]
    terms = [t for t in terms if t not in table.drop]
    if table.order:
        first = [t for t in table.order if t in terms]
        terms = first + [t for t in terms if t not in first]
    if table.constant_last and CONSTANT in terms:
        terms = [t for t in terms if t != CONSTANT] + [CONSTANT]
    return terms


def _indicator(result: Result, which: str) -> str:
    effects = result.info.get("effects", [])
    if which == "controls":
        return "YES" if result.info.get("controls") else "NO"
    if result.info.get("random_effects"):
        return "NO"
    return "YES" if ("entity" if which == "entity_fe" else "time") in effects else "NO"


def _vcov_note(results: Sequence[Result]) -> str | None:
    kinds = {(r.info.get("vcov"), tuple(r.info.get("cluster_by", []))) for r in results}
    if len(kinds) != 1:
        return "Standard errors in parentheses; see results.json for each model's estimator."
    kind, by = kinds.pop()
    if kind == "cluster":
        return f"Standard errors clustered by {' and '.join(by)} in parentheses."
    if kind == "robust":
        return "Heteroskedasticity-robust standard errors in parentheses."
    return "Standard errors in parentheses."


def _stars_note(thresholds: Sequence[float]) -> str:
    levels = sorted(thresholds)
    parts = [f"{'*' * (len(levels) - i)} p<{t:.2f}" for i, t in enumerate(levels)]
    return ", ".join(parts) + "."


def regression_table(results: Sequence[Result], table: TableSpec) -> TableGrid:
    """Build the neutral grid of a regression table from Results.

    Every number comes from the Results (and so from results.json).
    """
    labels = [
        r.info.get("label") if r.info.get("label") not in (None, r.model_id) else f"({i + 1})"
        for i, r in enumerate(results)
    ]
    header = [Row(("", *labels), "header")]
    if table.depvar_row:
        header.append(Row(("", *(r.dependent for r in results)), "header"))
    coef_rows: list[Row] = []
    for term in ordered_terms(results, table):
        name = table.rename.get(term, "Constant" if term == CONSTANT else term)
        coefs, ses = [name], [""]
        for r in results:
            if term in r.params:
                coefs.append(fmt(r.params[term], table.decimals)
                             + stars(r.pvalues.get(term, math.nan), table.stars))
                se = fmt(r.std_errors.get(term), table.decimals)
                ses.append(f"({se})" if se else "")
            else:
                coefs.append("")
                ses.append("")
        coef_rows += [Row(tuple(coefs), "coef"), Row(tuple(ses), "se")]
    sections = [tuple(coef_rows)]
    if table.indicators:
        ind_labels = {**DEFAULT_INDICATOR_LABELS, **table.indicator_labels}
        sections.append(tuple(
            Row((ind_labels[w], *(_indicator(r, w) for r in results)), "indicator")
            for w in table.indicators
        ))
    stat_labels = {**DEFAULT_STAT_LABELS, **table.stat_labels}
    stat_rows = []
    for i, stat in enumerate(table.stats):
        below = table.pvalues_below and i > 0 and stat == f"{table.stats[i - 1]}_p"
        cells = ["" if below and stat not in table.stat_labels else stat_labels.get(stat, stat)]
        for r in results:
            value = float(r.nobs) if stat == "nobs" else r.stats.get(stat)
            if value is None:
                cells.append("")
            elif stat in _INTEGER_STATS:
                cells.append(str(int(round(value))))
            elif below:
                cells.append(f"({fmt(value, table.decimals)})")
            else:
                cells.append(fmt(value, table.decimals))
        stat_rows.append(Row(tuple(cells), "stat"))
    if stat_rows:
        sections.append(tuple(stat_rows))
    notes = [n for n in [_vcov_note(results), _stars_note(table.stars)] if n]
    for r in results:
        for note in r.info.get("notes", []):
            notes.append(f"{labels[results.index(r)]}: {note}.")
        dropped = r.info.get("n_dropped_missing", 0)
        if dropped:
            notes.append(
                f"{labels[results.index(r)]}: {dropped} rows with missing values dropped (listwise)."
            )
        singletons = r.info.get("n_singletons", 0)
        if singletons:
            notes.append(f"{labels[results.index(r)]}: {singletons} singleton observations "
                         "dropped (alone in a fixed-effect group).")
    notes += table.notes
    return TableGrid(
        id=table.id,
        title=table.title,
        label=table.label or f"tab:{table.id}",
        header=tuple(header),
        sections=tuple(sections),
        notes=tuple(notes),
    )
