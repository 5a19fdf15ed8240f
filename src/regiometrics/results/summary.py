"""Stata-like text (and notebook HTML) summaries of a :class:`~regiometrics.results.Result`.

Pure formatting of numbers the Result already holds; nothing is estimated here.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regiometrics.results.result import Result

_WIDTH = 78


def _num(x: float, width: int = 11) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return f"{'.':>{width}}"
    return f"{x:>{width}.{4 if abs(x) >= 1e-4 or x == 0 else 3}{'f' if abs(x) >= 1e-4 or x == 0 else 'e'}}"


def _header(result: Result) -> list[str]:
    lines = [
        f"Model {result.model_id!r} ({result.type})".ljust(46) + f"Number of obs = {result.nobs:>10,}",
        f"Dependent variable: {result.dependent}",
    ]
    shown = [(k, v) for k, v in result.stats.items()
             if isinstance(v, (int, float)) and not isinstance(v, bool) and not k.endswith("_se")]
    for k, v in shown[:12]:
        lines.append(f"  {k:<28} = {v:>14.6g}")
    vcov = result.info.get("vcov")
    if vcov:
        lines.append(f"Std. errors: {vcov}")
    return lines


def _coef_block(result: Result, level: float) -> list[str]:
    stat = "t" if result.df_resid is not None else "z"
    pct = f"{level * 100:g}%"
    head = (f"{'':>16} | {'Coef.':>11} {'Std. err.':>11} {stat:>8} {f'P>|{stat}|':>8}"
            f" {f'[{pct} conf.':>12} {'interval]':>11}")
    lines = [head, "-" * 17 + "+" + "-" * (len(head) - 18)]
    for r in result.tidy_rows(level=level):
        name = r.term if len(r.term) <= 16 else r.term[:15] + "~"
        lines.append(
            f"{name:>16} | {_num(r.estimate)} {_num(r.std_error)} {_num(r.statistic, 8)[-8:]}"
            f" {_num(r.p_value, 8)[-8:]} {_num(r.ci_low, 12)} {_num(r.ci_high)}"
        )
    return lines


def _effects_block(result: Result) -> list[str]:
    lines: list[str] = []
    aux = result.auxiliary
    if len(aux):
        lines += ["", "Auxiliary parameters", f"{'':>16} | {'Estimate':>11} {'Std. err.':>11}"]
        lines += [f"{str(n)[:16]:>16} | {_num(r.estimate)} {_num(r.std_error)}"
                  for n, r in aux.iterrows()]
    for kind, terms in result.effects.items():
        lines += ["", f"Effects: {kind}",
                  f"{'':>16} | {'Estimate':>11} {'Std. err.':>11} {'P-value':>8}"]
        lines += [f"{str(t)[:16]:>16} | {_num(e.estimate)} {_num(e.std_error)}"
                  f" {_num(e.pvalue, 8)[-8:]}" for t, e in terms.items()]
    return lines


def render_summary(result: Result, *, level: float = 0.95) -> str:
    """The text summary of ``result`` (see :meth:`Result.summary`)."""
    rule = "=" * _WIDTH
    lines = [rule, *_header(result), "-" * _WIDTH, *_coef_block(result, level)]
    lines += _effects_block(result)
    for name, comp in result.components.items():
        lines += ["", f"Component: {name}", *_coef_block(comp, level)]
    lines.append(rule)
    return "\n".join(lines)


def summary_html(result: Result) -> str:
    """The text summary wrapped for a notebook (``<pre>``, HTML-escaped)."""
    return f"<pre>{html.escape(render_summary(result))}</pre>"
