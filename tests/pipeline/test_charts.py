"""Bar, stacked-bar and area charts: the numbers drawn are the panel's (checked by hand) and
the national line is computed from the panel, not read from a copied column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.patches import Rectangle

from regiometrics.data.panel import Panel
from regiometrics.pipeline.charts import chart, chart_data
from regiometrics.pipeline.context import RunContext
from regiometrics.spec.charts import AreaFigureSpec, BarFigureSpec, StackedBarFigureSpec


def _ctx() -> RunContext:
    frame = pd.DataFrame({
        "region": ["E", "W", "E", "W"], "year": [2000, 2000, 2001, 2001],
        "trade": [30.0, 10.0, 60.0, 20.0], "gdp": [100.0, 300.0, 200.0, 200.0],
        "ED": [30.0, 10.0 / 3, 30.0, 10.0],
    })
    return RunContext(spec=None, panel=Panel(frame, "region", "year"), base_dir=".")  # type: ignore[arg-type]


def test_bar_heights_and_national_sum_equal_the_panel():
    spec = BarFigureSpec(id="f", type="bar", variable="trade", national="sum",
                         entities=["W", "E"])
    series, national = chart_data(spec, _ctx())
    assert series.columns.tolist() == ["W", "E"]
    assert series.to_numpy().tolist() == [[10.0, 30.0], [20.0, 60.0]]
    assert national.tolist() == [40.0, 80.0]
    fig = chart(spec, _ctx())
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches if isinstance(p, Rectangle)]
    assert heights == [10.0, 20.0, 30.0, 60.0]   # W's bars, then E's
    line = ax.get_lines()[0]
    assert line.get_label() == "National" and line.get_ydata().tolist() == [40.0, 80.0]


def test_weighted_national_line_is_the_ratio_of_totals():
    spec = BarFigureSpec(id="f", type="bar", variable="ED", national="weighted",
                         national_weight="gdp")
    _, national = chart_data(spec, _ctx())
    # GDP-weighted mean of the regions' trade/GDP = total trade / total GDP
    assert national.to_numpy() == pytest.approx([100 * 40 / 400, 100 * 80 / 400], rel=1e-12)


def test_stacked_bars_and_shares():
    spec = StackedBarFigureSpec(id="f", type="stacked_bar", variable="trade", share=True)
    series, national = chart_data(spec, _ctx())
    assert national is None
    np.testing.assert_allclose(series.to_numpy(), [[75.0, 25.0], [75.0, 25.0]], rtol=1e-12)
    ax = chart(spec, _ctx()).axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    np.testing.assert_allclose([(b.get_y(), b.get_height()) for b in bars],
                               [(0, 75), (0, 75), (75, 25), (75, 25)], rtol=1e-12)


def test_area_chart_edges_are_cumulative_series():
    spec = AreaFigureSpec(id="f", type="area", variable="trade")
    ax = chart(spec, _ctx()).axes[0]
    polys = [c for c in ax.collections if isinstance(c, PolyCollection)]
    tops = [np.max(p.get_paths()[0].vertices[:, 1]) for p in polys]
    assert tops == pytest.approx([60.0, 80.0], rel=1e-12)   # E up to 60, E + W up to 80


def test_weighted_needs_a_weight_and_shares_take_no_national_line():
    with pytest.raises(ValueError, match="national: weighted needs national_weight"):
        BarFigureSpec(id="f", type="bar", variable="ED", national="weighted")
    with pytest.raises(ValueError, match="a national line"):
        AreaFigureSpec(id="f", type="area", variable="trade", share=True, national="sum")


def test_results_json_holds_exactly_the_plotted_numbers(tmp_path):
    """A spec's bar chart: results.json figures.<id>.data equals the drawn bars and line."""
    from regiometrics.pipeline import compute, results_document
    from regiometrics.spec import load_spec

    _ctx().panel.frame.to_csv(tmp_path / "p.csv", index=False)
    (tmp_path / "s.yaml").write_text(
        "data: {path: p.csv, entity: region, time: year}\n"
        "figures:\n"
        "  - {id: f, type: bar, variable: ED, national: weighted, national_weight: gdp}\n")
    run = compute(load_spec(tmp_path / "s.yaml"), tmp_path)
    data = results_document(run)["figures"]["f"]["data"]
    ax = run.figures["f"].axes[0]
    heights = [p.get_height() for p in ax.patches if isinstance(p, Rectangle)]
    assert data["periods"] == [2000, 2001]
    assert heights == data["series"]["E"] + data["series"]["W"]
    assert ax.get_lines()[0].get_ydata().tolist() == data["national"]["National"]
    assert data["national"]["National"] == pytest.approx([10.0, 20.0], rel=1e-12)  # 40/400, 80/400
