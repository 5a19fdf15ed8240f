"""Index tables (002 Tables 2-4 layouts) built from plain frames: cells checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regiometrics.errors import SpecError
from regiometrics.measure.composite import build_index
from regiometrics.measure.typology import index_table, rank_typology
from regiometrics.spec.index_outputs import (
    IndexValuesTableSpec,
    IndexWeightsTableSpec,
    TypologyTableSpec,
)
from regiometrics.tables import render_latex, render_markdown
from regiometrics.tables.indices import index_values_table, index_weights_table, typology_table


def _panel() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = [(e, t, *rng.uniform(1, 10, 3)) for e in "ABCDEF" for t in (2019, 2020, 2021)]
    return pd.DataFrame(rows, columns=["region", "year", "x1", "x2", "x3"])


def _cells(grid) -> list[tuple[str, ...]]:
    return [row.cells for section in grid.sections for row in section]


def test_weights_table_prints_percent_weights_and_dimension_weight_once():
    indicators = {"x1": {"direction": "+", "dimension": "d1"},
                  "x2": {"direction": "-", "dimension": "d1"},
                  "x3": {"direction": "+", "dimension": "d2"}}
    result = build_index(_panel(), indicators, name="I", entity="region", time="year")
    w = result.weight_map()
    grid = index_weights_table(result.weights,
                               IndexWeightsTableSpec(id="t", type="index_weights", index="I",
                                                     rename={"d1": "First"}))
    assert grid.header[0].cells == ("Dimension", "Indicator", "Direction", "Weight (%)",
                                    "Dimension weight (%)")
    rows = _cells(grid)
    assert rows[0] == ("First", "x1", "+", f"{100 * w['x1']:.3f}", f"{100 * (w['x1'] + w['x2']):.3f}")
    assert rows[1] == ("", "x2", "-", f"{100 * w['x2']:.3f}", "")
    assert rows[2] == ("d2", "x3", "+", f"{100 * w['x3']:.3f}", f"{100 * w['x3']:.3f}")


def test_weights_table_per_year_has_a_column_per_year():
    result = build_index(_panel(), {"x1": "+", "x2": "+"}, name="I", entity="region",
                         time="year", normalize={"scope": "per_year"})
    grid = index_weights_table(result.weights, IndexWeightsTableSpec(
        id="t", type="index_weights", index="I", percent=False, decimals=4))
    assert grid.header[0].cells == ("Indicator", "Direction", "2019", "2020", "2021")
    w = result.weight_map()
    assert _cells(grid)[1] == ("x2", "+", *(f"{w['x2'][y]:.4f}" for y in ("2019", "2020", "2021")))


def test_values_table_mean_row_is_its_own_section():
    frame = _panel()
    table = index_table(frame, entity="region", time="year", column="x1", years=[2019, 2021])
    grid = index_values_table(table, IndexValuesTableSpec(id="t", type="index_values",
                                                          column="x1", decimals=2),
                              entity_label="region")
    assert grid.header[0].cells == ("region", "2019", "2021")
    body, mean = grid.sections
    assert [r.cells[0] for r in body] == list("ABCDEF")
    expected = frame[frame.year == 2021].x1.mean()
    assert mean[0].cells == ("Mean", f"{frame[frame.year == 2019].x1.mean():.2f}", f"{expected:.2f}")


def test_typology_table_rows_follow_bands_and_names():
    frame = pd.DataFrame({"region": list("ABCDEF"), "x": [6, 5, 4, 3, 2, 1],
                          "y": [1, 6, 2, 5, 3, 4]})
    typ = rank_typology(frame, entity="region", x="x", y="y", bands=[[1, 2], [3, 4], [5, 6]])
    ranges = dict(zip(["high", "medium", "low"], typ.bands, strict=True))
    table = typ.table.assign(**{f"{k}_{a}": [ranges[b][i] for b in typ.table[f"band_{a}"]]
                                for a in "xy" for i, k in enumerate(("lo", "hi"))})
    spec = TypologyTableSpec(id="t", type="typology", x="x", y="y",
                             type_names={"high/low": "Leader, weak y"})
    grid = typology_table(table, spec)
    rows = _cells(grid)
    # A: x rank 1, y rank 6 (low); B: x 2, y 1 (high); C: x 3, y 5; D: x 4, y 2; E: x 5, y 4; F: x 6, y 3
    assert rows == [
        ("high/high", "B", "x ranked 1-2; y ranked 1-2"),
        ("Leader, weak y", "A", "x ranked 1-2; y ranked 5-6"),
        ("medium/high", "D", "x ranked 3-4; y ranked 1-2"),
        ("medium/low", "C", "x ranked 3-4; y ranked 5-6"),
        ("low/medium", "E, F", "x ranked 5-6; y ranked 3-4"),
    ]
    with_empty = typology_table(table, spec.replace(empty_types=True))
    assert len(_cells(with_empty)) == 9


@pytest.mark.parametrize("render", [render_latex, render_markdown])
def test_index_tables_render(render):
    table = index_table(_panel(), entity="region", time="year", column="x1")
    grid = index_values_table(table, IndexValuesTableSpec(id="t", type="index_values", column="x1",
                                                          title="Index_values"),
                              entity_label="region")
    text = render(grid)
    assert "Index" in text and "Mean" in text


def test_typology_spec_refuses_bands_without_labels():
    with pytest.raises(ValueError, match="2 bands but 3 band_labels"):
        TypologyTableSpec(id="t", type="typology", x="a", y="b", bands=[[1, 3], [4, 6]])
    with pytest.raises(ValueError, match=r"pair \[first rank, last rank\]"):
        TypologyTableSpec(id="t", type="typology", x="a", y="b", bands=[[1, 3, 4]],
                          band_labels=["one"])


def test_three_level_system_prints_target_dimension_subdimension_indicator_explanation():
    """002 Table 1 / 003 Table 1: each level's label on the first row of its run."""
    indicators = {"x1": {"direction": "+", "dimension": "d1", "subdimension": "s1"},
                  "x2": {"direction": "-", "dimension": "d1", "subdimension": "s1"},
                  "x3": {"direction": "+", "dimension": "d1", "subdimension": "s2"},
                  "x4": {"direction": "+", "dimension": "d2", "subdimension": "s2"}}
    frame = _panel().assign(x4=lambda d: d["x1"] * d["x2"])
    result = build_index(frame, indicators, name="I", entity="region", time="year")
    assert result.weights["subdimension"].tolist() == ["s1", "s1", "s2", "s2"]
    spec = IndexWeightsTableSpec(
        id="t", type="index_weights", index="I", target="System", weight_columns=False,
        explanations={"x2": "Lower is better"}, rename={"s2": "Second"},
        header={"dimension": "Index I", "subdimension": "Index II", "indicator": "Index III"})
    grid = index_weights_table(result.weights, spec)
    assert grid.header[0].cells == ("", "Index I", "Index II", "Index III", "Explanation",
                                    "Direction")
    # s2 restarts under d2: a sub-dimension's label is printed again with a new dimension
    assert _cells(grid) == [
        ("System", "d1", "s1", "x1", "", "+"),
        ("", "", "", "x2", "Lower is better", "-"),
        ("", "", "Second", "x3", "", "+"),
        ("", "d2", "Second", "x4", "", "+"),
    ]
    assert grid.align == "XXXXXl"
    bad = spec.model_copy(update={"explanations": {"x9": "?"}})
    with pytest.raises(SpecError, match=r"tables\.t\.explanations: \['x9'\] are not indicators"):
        index_weights_table(result.weights, bad)


def test_subdimension_without_dimension_is_refused():
    with pytest.raises(SpecError, match="subdimension must be a string under a dimension"):
        build_index(_panel(), {"x1": {"subdimension": "s"}, "x2": "+"}, name="I",
                    entity="region", time="year")
