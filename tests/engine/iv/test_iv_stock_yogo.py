"""Stock-Yogo (2005) tables: printed values, undefined cells and the tables' own structure.

Printed values: ivreg2's certification log (tests/fixtures/iv/ivreg2_cert_log_2009.json,
``stock_yogo_printed``). The structural checks guard the transcription of Tables 5.1, 5.2
and 5.4: critical values fall as the tolerated bias or size distortion rises, and the 2SLS
size critical values rise with the number of instruments.
"""

from __future__ import annotations

import itertools
import math

import pytest

from regiometrics.engine.iv.stock_yogo import (
    BIAS_2SLS,
    SIZE_2SLS,
    SIZE_LIML,
    critical_value,
    stock_yogo_values,
)
from tests.engine.iv.iv_data import load_json

PRINTED = load_json("ivreg2_cert_log_2009.json")["stock_yogo_printed"]["cells"]


@pytest.mark.parametrize("cell", PRINTED, ids=lambda c: f"n{c['n']}_k{c['k2']}")
def test_printed_cells(cell):
    values = stock_yogo_values(cell["n"], cell["k2"])
    for key, printed in cell["values"].items():
        assert values[key] == pytest.approx(printed, abs=1e-12), key


def test_undefined_cells_are_nan():
    assert math.isnan(critical_value("2sls_bias", 10, 1, 2))  # bias needs K2 >= n + 2
    assert math.isnan(critical_value("2sls_bias", 10, 3, 4))
    assert math.isnan(critical_value("2sls_size", 10, 3, 5))  # size tables stop at n = 2
    assert math.isnan(critical_value("2sls_size", 10, 2, 1))
    assert math.isnan(critical_value("2sls_size", 12, 1, 1))  # no such level
    assert math.isnan(critical_value("liml_size", 10, 1, 31))  # beyond the table
    assert math.isnan(critical_value("liml_size", 10, 0, 3))
    assert critical_value("2sls_bias", 5, 3, 30) == 20.27


@pytest.mark.parametrize("table,levels", [(BIAS_2SLS, (5, 10, 20, 30)),
                                          (SIZE_2SLS, (10, 15, 20, 25)),
                                          (SIZE_LIML, (10, 15, 20, 25))])
def test_values_fall_with_tolerated_distortion(table, levels):
    for row in range(30):
        for col in range(len(table[levels[0]][0])):
            cells = [table[lv][row][col] for lv in levels]
            if cells[0] is None:
                assert all(c is None for c in cells)
                continue
            assert all(a > b for a, b in itertools.pairwise(cells)), (row + 1, col + 1, cells)


def test_2sls_size_rises_with_instruments():
    for level, table in SIZE_2SLS.items():
        for col in range(2):
            column = [r[col] for r in table if r[col] is not None]
            assert len(column) == (30 if col == 0 else 29)
            assert all(a < b for a, b in itertools.pairwise(column)), (level, col)
