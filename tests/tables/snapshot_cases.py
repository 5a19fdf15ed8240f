"""The tables whose rendered text is snapshot-tested (shared by the test and the updater).

Every bundled example spec ``specs/<stem>.yaml`` is run; its tables are stored as
``snapshots/<stem>/<file>``. Each layout option is snapshot too: :data:`OPTION_CASES` changes
one bundled table (``style: three_line``, ``below: t``, ``language: zh`` ...) and stores its
LaTeX, Markdown and HTML as ``snapshots/options/<stem>-<table>-<case>.<ext>``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from regiometrics.pipeline import compute, rendered_files
from regiometrics.pipeline.context import RunContext
from regiometrics.pipeline.run import TABLE_BUILDERS
from regiometrics.spec import load_spec
from regiometrics.tables import RENDERERS, descriptive_table
from regiometrics.tables.grid import with_layout

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


_PRODUC_GROUPS = [{"title": "Pooled", "span": 1}, {"title": "Fixed effects", "span": 2},
                  {"title": "Random effects", "span": 1}]
#: spec stem -> table id -> [(case name, changed keys)]: one snapshot per layout option.
OPTION_CASES: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = {
    "produc": {"production": [
        ("three_line", {"style": "three_line"}),
        ("below_t", {"below": "t"}),
        ("below_p", {"below": "p"}),
        ("below_ci", {"below": "ci", "ci_level": 0.90}),
        ("decimals_stars", {"decimals": 4, "stars": [0.05, 0.01, 0.001]}),
        ("zh", {"language": "zh", "style": "three_line", "stat_labels": {}, "indicator_labels": {}}),
        ("notes_replace", {"notes": ["Own note replacing the automatic ones."],
                           "notes_mode": "replace"}),
        ("notes_append", {"notes": ["Data: plm's Produc panel."]}),
        ("headers", {"column_titles": ["OLS", "FE", "FE", "RE"], "numbers": False,
                     "depvar_row": False, "column_groups": _PRODUC_GROUPS}),
        ("numbers_under_titles", {"column_titles": ["OLS", "FE", "FE", "RE"]}),
        ("constant_after_stats", {"sections": ["coefficients", "indicators", "stats",
                                               "constant"]}),
        ("constant_hide", {"constant": "hide"}),
        ("controls_hidden", {"keep": ["lpcap", "_cons"], "yes_no": ["✓", ""]}),
        ("se_row_always", {"se_row": "always", "stats": ["nobs", "n_clusters", "r2_within"]}),
        ("default_stats", {"stats": None}),
        ("landscape_small", {"landscape": True, "font_size": "small"}),
        ("longtable", {"longtable": True}),
        ("fit_none", {"fit": "none"}),
        ("no_stars", {"stars": []}),
        ("threeparttable", {"notes_style": "threeparttable"}),
        ("stub_controls_diagnostics", {
            "stub_label": "Variables", "controls_row": "always",
            "diagnostics": ["hausman_chi2", "hausman_p"], "stats": ["nobs", "adj_r2"],
            "sections": ["coefficients", "indicators", "diagnostics", "constant", "stats"]}),
    ]},
    "produc-descriptives": {"summary": [
        ("zh_three_line", {"language": "zh", "style": "three_line"}),
        ("header_notes", {"header": {"sd": "Std. dev.", "group": "Role"},
                          "notes": ["Source: plm's Produc data."]}),
    ]},
    "iv": {"iv_first_stage": [("zh_below_t", {"language": "zh", "below": "t",
                                               "indicator_labels": {}})],
           "iv_second_stage": [("rename_lags", {"rename": {"lrprice": "log real price",
                                                           "lrincome": "log real income",
                                                           "lpacks": "log packs"}})]},
    "mechanisms": {
        "heterogeneity": [("group_order", {"group_order": ["high", "low"],
                                           "test_rows": ["equality_p"],
                                           "test_labels": {"equality_p": "Chow test p"}})],
        "marginal": [("zh", {"language": "zh", "stars": [0.05, 0.01]})],
        "mediation": [("ci_label", {"ci_label": "Bootstrap {level}% CI",
                                    "indirect_label": "a × b", "language": "zh"})],
    },
    "measures": {"theil_table": [("beside", {"layout": "beside"}),
                                 ("header_order", {"layout": "beside", "group_order": ["9", "1"],
                                                   "header": {"overall": "Nation", "groups": "",
                                                              "within": "Intra-regional",
                                                              "theil": "T",
                                                              "contribution": "Share %"}}),
                                 ("beside_zh", {"layout": "beside", "language": "zh"})]},
    "spatial": {"spatial_effects": [("zh_yes_no", {"language": "zh", "yes_no": ["✓", ""],
                                                   "rows": ["entity_fe", "time_fe", "rho",
                                                            "nobs", "loglik", "sigma2"]}),
                                    ("r2_rows", {"rows": ["rho", "r2", "r2_within", "r2_between"],
                                                 "row_labels": {"r2": "R² (overall)"}})]},
    "indices": {
        "dev_weights": [("header", {"header": {"indicator": "Item", "weight": "w (%)"},
                                    "dimension_weight": False}),
                        ("no_weights", {"weight_columns": False, "style": "three_line"}),
                        ("target_explanations", {
                            "target": "Development index system", "weight_columns": False,
                            "header": {"explanation": "Why", "direction": "+/-"},
                            "explanations": {"hwy": "Highway capital stock",
                                             "unemp": "Unemployment lowers development"}})],
        "dev_typology": [("header", {"header": {"type": "Class", "explanation": "Rule"}})],
    },
}
_OPTION_FORMATS = ("latex", "markdown", "html")


def _option_tables(path: Path, run: Any) -> dict[str, str]:
    """The option cases of one bundled spec, rendered from the run's results."""
    out: dict[str, str] = {}
    ctx = RunContext(spec=run.spec, panel=run.panel, artifacts=run.artifacts,
                     results=run.results, descriptives=run.descriptives, base_dir=path.parent)
    descriptives = {d.id: d for d in run.spec.descriptives}
    cases_of = {**OPTION_CASES.get(path.stem, {}),
                **OPTION_CASES.get(f"{path.stem}-descriptives", {})}
    for table_id, cases in cases_of.items():
        base = descriptives.get(table_id) or run.spec.table(table_id)
        for case, changes in cases:
            table = base.replace(**changes)
            if table_id in descriptives:
                grid = descriptive_table(run.descriptives[table_id], table)
            else:
                grid = TABLE_BUILDERS[table.type](table, ctx)
            grid = with_layout(grid, table)
            for fmt_name in _OPTION_FORMATS:
                render, ext = RENDERERS[fmt_name]
                out[f"options/{path.stem}-{table_id}-{case}.{ext}"] = render(grid)
    return out


def rendered_tables() -> dict[str, str]:
    """``"<spec stem>/<file name>"`` -> rendered text for every bundled example's tables, and
    ``"options/..."`` for the layout-option cases (computed once per test session)."""
    return dict(_rendered_tables())


@functools.cache
def _rendered_tables() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in SPECS:
        run = compute(load_spec(path), path.parent)
        for name, text in rendered_files(run).items():
            if name.endswith((".tex", ".md")):
                out[f"{path.stem}/{name}"] = text
        out.update(_option_tables(path, run))
    return out


def stored_snapshots() -> list[str]:
    """The stored snapshot names, ``"<spec stem>/<file name>"``."""
    return sorted(str(p.relative_to(SNAPSHOTS)) for p in SNAPSHOTS.rglob("*") if p.is_file())
