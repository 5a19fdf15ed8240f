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


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def _num(x: float | None, width: int = 11) -> str:
    """A coefficient-like number: 4 decimals, scientific below 1e-4 in absolute value."""
    if x is None or _missing(x):
        return f"{'.':>{width}}"
    if x != 0 and abs(x) < 1e-4:
        return f"{x:>{width}.3e}"
    return f"{x:>{width}.4f}"


def _fixed(x: float | None, width: int = 8) -> str:
    """A test statistic or p-value with 4 decimals (Stata prints p < 0.00005 as 0.0000)."""
    return f"{'.':>{width}}" if _missing(x) else f"{x:>{width}.4f}"


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
            f"{name:>16} | {_num(r.estimate)} {_num(r.std_error)} {_fixed(r.statistic)}"
            f" {_fixed(r.p_value)} {_num(r.ci_low, 12)} {_num(r.ci_high)}"
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
                  f" {_fixed(e.pvalue)}" for t, e in terms.items()]
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
