"""Mechanism table grids and the marginal-effects figure: every cell read from the Result."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from regiometrics.engine.registry import estimate
from regiometrics.figures.marginal import marginal_effect_figure
from regiometrics.spec.mechanisms import (
    MarginalEffectsTableSpec,
    MediationTableSpec,
    SubgroupTableSpec,
)
from regiometrics.tables import render_latex, render_markdown
from regiometrics.tables.marginal import marginal_effects_table
from regiometrics.tables.mediation import mediation_table
from regiometrics.tables.subgroups import subgroup_table
from tests.mechanisms.mechanism_helpers import model, produc_panel


@pytest.fixture(scope="module")
def med():
    return estimate(model(type="mediation", treatment="lpcap", mediators=["lemp", "lpc"],
                          outcome="lgsp", controls=["unemp"],
                          bootstrap={"reps": 99, "seed": 3}), produc_panel())


def cells(grid):
    return {r.cells[0]: r.cells[1:] for s in grid.sections for r in s if r.cells[0]}


def test_mediation_table_layout(med):
    grid = mediation_table(med, MediationTableSpec(id="t6", type="mediation", model="med",
                                                   sobel=True))
    assert grid.header[0].cells == ("", "(1)", "(2)", "(3)", "(4)", "(5)")
    assert grid.header[1].cells == ("", "lgsp", "lemp", "lgsp", "lpc", "lgsp")
    body = cells(grid)
    ci = med.effects["indirect"]["lemp"]
    assert body["95% bootstrap CI"][2] == f"[{ci.ci_low:.4f}, {ci.ci_high:.4f}]"
    assert body["95% bootstrap CI"][:2] == ("", "")
    assert body["Indirect effect (a×b)"][4] == f"{med.params['indirect[lpc]']:.3f}"
    assert body["lpcap"][1].startswith(f"{med.params['a[lemp]']:.3f}")
    assert body["lemp"][2].startswith(f"{med.params['b[lemp]']:.3f}")
    assert body["N"] == ("816",) * 5 and body["Time FE"] == ("YES",) * 5
    assert "Sobel p-value" in body
    assert any("99 resamples of entities" in n for n in grid.notes)
    no_total = mediation_table(med, MediationTableSpec(id="t", type="mediation", model="med",
                                                       total_column=False))
    assert no_total.header[1].cells == ("", "lemp", "lgsp", "lpc", "lgsp")
    assert "\\toprule" in render_latex(grid) and "[" in render_markdown(grid)


def test_subgroup_and_marginal_tables():
    panel = produc_panel()
    sub = estimate(model(id="s", formula="lgsp ~ lpcap", controls=["lpc"],
                         periods={"a": [1970, 1978], "b": [1979, 1986]}), panel)
    grid = subgroup_table([sub], SubgroupTableSpec(id="t8", type="subgroups", models=["s"],
                                                   group_labels={"a": "Early"}))
    assert grid.header[0].cells == ("", "Early", "b")
    assert grid.header[1].cells == ("", "(1)", "(2)")
    body = cells(grid)
    assert body["Equality test p-value"] == (f"{sub.stats['equality_p']:.3f}", "")
    assert body["lpcap"][1].startswith(f"{sub.params['lpcap@b']:.3f}")
    mod = estimate(model(id="mo", formula="lgsp ~ lpcap*unemp", treatment="lpcap",
                         moderator="unemp", at=["p10", 8]), panel)
    grid = marginal_effects_table(mod, MarginalEffectsTableSpec(id="me", type="marginal_effects",
                                                                model="mo"))
    e = mod.effects["marginal"]["8"]
    row = cells(grid)["8"]
    assert row[0] == "8.000" and row[1].startswith(f"{e.estimate:.3f}")
    assert row[2] == f"({e.std_error:.3f})" and row[3] == f"[{e.ci_low:.3f}, {e.ci_high:.3f}]"


def test_marginal_figure_draws_sorted_line_and_band():
    fig = marginal_effect_figure([3, 1, 2], [0.3, 0.1, 0.2], [0.0, -0.1, 0.0], [0.5, 0.3, 0.4])
    assert isinstance(fig, Figure)
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [1, 2, 3] and list(line.get_ydata()) == [0.1, 0.2, 0.3]
    with pytest.raises(ValueError, match="same non-zero length"):
        marginal_effect_figure([1, 2], [0.1], [0.0], [0.2])
