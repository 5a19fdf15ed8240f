"""The automatic words of tables, in English and Chinese: row labels, YES/NO, notes.

Every automatic label or note a table builder prints comes from here, so ``language: zh``
changes all of them at once (注：括号内为稳健标准误；*、**、***分别表示在10%、5%、1%的水平上显著).
A user's ``rename``, ``indicator_labels``, ``stat_labels`` and ``notes`` always win.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Labels by language; a key missing in ``zh`` falls back to English.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "controls": "Controls", "entity_fe": "Entity FE", "time_fe": "Time FE",
        "entity_re": "Entity RE", "yes": "YES", "no": "NO", "partly": "PARTLY", "constant": "Constant", "se_row": "S.E.",
        "cluster": "Clustered ({by})", "robust": "Robust", "unadjusted": "Conventional",
        "ml": "ML (information)", "variables": "Variables", "year": "Year",
        "equality_p": "Equality test p-value", "permutation_p": "Permutation p-value",
        "indirect": "Indirect effect (a×b)", "boot_ci": "{level}% bootstrap CI",
        "sobel": "Sobel p-value", "direct": "Direct effect", "indirect_effect": "Indirect effect",
        "total": "Total effect",
    },
    "zh": {
        "controls": "控制变量", "entity_fe": "个体固定效应", "time_fe": "时间固定效应",
        "entity_re": "个体随机效应", "yes": "是", "no": "否", "partly": "部分", "constant": "常数项", "se_row": "标准误",
        "cluster": "聚类（{by}）", "robust": "稳健", "unadjusted": "普通", "ml": "ML（信息矩阵）",
        "variables": "变量", "year": "年份", "equality_p": "组间系数差异检验p值",
        "permutation_p": "置换检验p值", "indirect": "间接效应（a×b）",
        "boot_ci": "{level}% Bootstrap置信区间", "sobel": "Sobel检验p值", "direct": "直接效应",
        "indirect_effect": "间接效应", "total": "总效应",
    },
}

#: Statistic row labels (``stat_labels`` overrides them).
STAT_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "nobs": "N", "r2": "R²", "adj_r2": "Adj. R²", "r2_within": "Within R²",
        "adj_r2_within": "Adj. within R²", "n_entities": "Entities", "n_periods": "Periods",
        "n_clusters": "Clusters", "hausman_chi2": "Hausman χ²", "hausman_p": "Hausman p-value",
        "r2_between": "Between R²", "theta": "θ",
        "anderson_lm": "Anderson canon. corr. LM statistic",
        "anderson_lm_p": "Anderson LM p-value",
        "kp_rk_lm": "Kleibergen-Paap rk LM statistic",
        "kp_rk_lm_p": "Kleibergen-Paap rk LM p-value",
        "cd_wald_f": "Cragg-Donald Wald F statistic",
        "kp_rk_wald_f": "Kleibergen-Paap rk Wald F statistic",
        "hansen_j": "Hansen J statistic", "hansen_j_p": "Hansen J p-value",
        "sargan": "Sargan statistic", "sargan_p": "Sargan p-value",
        "ar_f": "Anderson-Rubin Wald F", "ar_p": "Anderson-Rubin p-value",
        "loglik": "Log likelihood", "sigma": "σ", "sigma_u": "σ_u", "sigma_e": "σ_e",
        "rho": "ρ", "lr_sigma_u": "LR test σ_u = 0", "lr_sigma_u_p": "LR test p-value",
        "n_left_censored": "Left-censored", "n_right_censored": "Right-censored",
        "n_uncensored": "Uncensored", "sigma2": "Error variance",
        "first_stage_f": "First-stage F", "first_stage_f_p": "First-stage F p-value",
        "partial_r2": "Partial R²", "shea_partial_r2": "Shea partial R²",
        "sw_f": "Sanderson-Windmeijer F", "sw_f_p": "Sanderson-Windmeijer F p-value",
        "rmse": "RMSE",
    },
    "zh": {
        "nobs": "观测值", "r2": "R²", "adj_r2": "调整R²", "r2_within": "组内R²",
        "adj_r2_within": "调整组内R²", "n_entities": "个体数", "n_periods": "时期数",
        "n_clusters": "聚类数", "hausman_chi2": "Hausman检验χ²", "hausman_p": "Hausman检验p值",
        "r2_between": "组间R²", "loglik": "对数似然值", "sigma2": "误差方差",
        "kp_rk_lm": "Kleibergen-Paap rk LM统计量", "kp_rk_lm_p": "Kleibergen-Paap rk LM检验p值",
        "cd_wald_f": "Cragg-Donald Wald F统计量",
        "kp_rk_wald_f": "Kleibergen-Paap rk Wald F统计量", "hansen_j": "Hansen J统计量",
        "hansen_j_p": "Hansen J检验p值", "sargan": "Sargan统计量", "sargan_p": "Sargan检验p值",
        "first_stage_f": "第一阶段F值", "first_stage_f_p": "第一阶段F检验p值",
        "partial_r2": "偏R²", "lr_sigma_u": "LR检验（σ_u = 0）", "lr_sigma_u_p": "LR检验p值",
        "n_left_censored": "左截断观测值", "n_right_censored": "右截断观测值",
        "n_uncensored": "未截断观测值",
    },
}


def label(language: str, key: str, **fields: object) -> str:
    """The automatic label ``key`` in ``language`` (English when there is no translation)."""
    text = LABELS.get(language, {}).get(key) or LABELS["en"][key]
    return text.format(**fields) if fields else text


def stat_label(language: str, stat: str) -> str:
    """Default row label of statistic ``stat``."""
    return STAT_LABELS.get(language, {}).get(stat) or STAT_LABELS["en"].get(stat, stat)


def threshold(t: float) -> str:
    """A p-value threshold as given: ``0.10``, ``0.05``, ``0.001`` (at least two decimals)."""
    text = f"{t:.2f}"
    return text if abs(float(text) - t) < 1e-12 else f"{t:g}"


def percent(t: float) -> str:
    """A threshold as a percentage: ``10%``, ``5%``, ``0.1%``."""
    return f"{100 * t:.10g}%"


def stars_note(thresholds: Sequence[float], language: str = "en") -> str:
    """The star legend for the thresholds given (most stars first in English).

    ``[0.05, 0.01, 0.001]`` -> ``*** p<0.001, ** p<0.01, * p<0.05.``; in Chinese
    ``*、**、***分别表示在5%、1%、0.1%的水平上显著``.
    """
    levels = sorted(thresholds)
    if not levels:
        return ""
    if language == "zh":
        marks = "、".join("*" * (i + 1) for i in range(len(levels)))
        return f"{marks}分别表示在{'、'.join(percent(t) for t in reversed(levels))}的水平上显著"
    return ", ".join(f"{'*' * (len(levels) - i)} p<{threshold(t)}"
                     for i, t in enumerate(levels)) + "."


def join_notes(language: str, notes: Sequence[str]) -> list[str]:
    """Automatic notes as printed: in Chinese the first starts with ``注：`` and ends in ``。``."""
    if language != "zh" or not notes:
        return list(notes)
    out = [n if n.endswith(("。", ".")) else n + "。" for n in notes]
    out[0] = "注：" + out[0]
    return out


def final_notes(spec: object, auto: Sequence[str]) -> tuple[str, ...]:
    """The notes a table prints: the automatic ones (deduplicated, ``注：`` in Chinese) then
    the spec's ``notes``; with ``notes_mode: replace`` only the spec's ``notes``."""
    own = list(getattr(spec, "notes", []) or [])
    if getattr(spec, "notes_mode", "append") == "replace":
        return tuple(own)
    auto = [n for n in auto if n]
    return tuple(join_notes(getattr(spec, "language", "en"), list(dict.fromkeys(auto))) + own)
