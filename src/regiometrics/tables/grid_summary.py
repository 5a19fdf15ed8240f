"""Summary table of specification grids (one column per grid).

Rows: specifications, median, minimum and maximum estimate, share of estimates above zero,
shares significant at ``alpha`` with a positive and with a negative sign (the specification
curve's summary, Simonsohn, Simmons and Nelson 2020), and, when the rows carry wild bootstrap
p-values, the share significant by those.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import median

from regiometrics.results import GridResult
from regiometrics.spec.grids import GridSummaryTableSpec
from regiometrics.tables.grid import Row, TableGrid
from regiometrics.tables.regression import fmt
from regiometrics.tables.text import final_notes


def grid_summary_stats(grid: GridResult, alpha: float) -> dict[str, float]:
    """The summary numbers of one grid (shares in [0, 1])."""
    est = [r.estimate for r in grid.rows]
    n = len(est)
    out = {
        "n": float(n),
        "median": float(median(est)),
        "min": float(min(est)),
        "max": float(max(est)),
        "share_positive": sum(e > 0 for e in est) / n,
        "share_sig_positive": sum(r.estimate > 0 and r.pvalue < alpha for r in grid.rows) / n,
        "share_sig_negative": sum(r.estimate < 0 and r.pvalue < alpha for r in grid.rows) / n,
    }
    wild = [r.wild_pvalue for r in grid.rows if not math.isnan(r.wild_pvalue)]
    if wild:
        out["share_sig_wild"] = sum(p < alpha for p in wild) / len(wild)
    return out


def grid_summary_table(grids: Sequence[GridResult], spec: GridSummaryTableSpec) -> TableGrid:
    """The summary grid: rows as in the module notes, one column per grid."""
    stats = [grid_summary_stats(g, spec.alpha) for g in grids]
    a, d = f"{spec.alpha:g}", spec.decimals
    labels = [
        ("n", "Specifications"), ("median", "Median estimate"), ("min", "Minimum estimate"),
        ("max", "Maximum estimate"), ("share_positive", "Share of estimates > 0"),
        ("share_sig_positive", f"Share positive and p < {a}"),
        ("share_sig_negative", f"Share negative and p < {a}"),
        ("share_sig_wild", f"Share wild bootstrap p < {a}"),
    ]
    rows = []
    for key, text in labels:
        if not any(key in s for s in stats):
            continue
        cells = [text]
        for s in stats:
            v = s.get(key)
            cells.append("" if v is None else str(int(v)) if key == "n" else fmt(v, d))
        rows.append(Row(tuple(cells), "body"))
    header = Row(("", *(f"{g.id}: {g.term}" for g in grids)), "header")
    bases = ", ".join(sorted({g.base for g in grids}))
    dims = ", ".join(dict.fromkeys(x for g in grids for x in g.dimensions))
    auto = [f"Each column summarises a specification grid: the base model {bases} over every "
            f"combination of {dims}."]
    return TableGrid(id=spec.id, title=spec.title, label=spec.label or f"tab:{spec.id}",
                     header=(header,), sections=(tuple(rows),), align="l" + "c" * len(grids),
                     notes=final_notes(spec, auto))
