"""The O(n) paths for integer keys give what the general (hashing) paths give.

``sorted_codes`` against ``pandas.factorize(sort=True)``; the Panel's duplicate-pair check
against ``DataFrame.duplicated``; the balanced shortcut of ``n_components`` against the
sparse connected-components count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from regiometrics.data.panel import Panel
from regiometrics.engine.linear.absorb import n_components, sorted_codes
from regiometrics.errors import DataError

RNG = np.random.default_rng(3)
CASES = {
    "years": RNG.integers(1990, 2020, size=500),
    "negative": RNG.integers(-50, 50, size=300),
    "gaps": RNG.choice([3, 9, 10, 400], size=200),
    "unsigned": RNG.integers(0, 40, size=100).astype(np.uint32),
    "sparse ids (hash path)": RNG.choice([10**9, 5, 7 * 10**8], size=50),
    "floats (hash path)": RNG.choice([0.5, 2.0, -1.25], size=50),
    "strings (hash path)": RNG.choice(["b", "a", "c"], size=50),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sorted_codes_equal_factorize(name):
    values = pd.Series(CASES[name])
    want = pd.factorize(values, sort=True)[0].astype(np.int64)
    got = sorted_codes(values)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("entity", [np.arange(40) % 8, (np.arange(40) % 8) * 10**7])
def test_duplicate_pairs_found_on_both_paths(entity):
    time = np.arange(40) // 8 + 2000
    frame = pd.DataFrame({"e": entity, "t": time, "x": 1.0})
    Panel(frame, "e", "t")  # no duplicates
    frame.loc[5, "t"] = frame.loc[13, "t"]  # (5, 2000) now occurs twice ...
    frame.loc[5, "e"] = frame.loc[13, "e"]  # ... as (entity of row 13, its year)
    with pytest.raises(DataError, match="2 rows share an entity-time pair"):
        Panel(frame, "e", "t")


def test_balanced_shortcut_of_connected_components():
    a, b = np.repeat(np.arange(6), 4), np.tile(np.arange(4), 6)
    graph = coo_matrix((np.ones(24), (a, b + 6)), shape=(10, 10))
    assert n_components(a, b) == connected_components(graph, directed=False)[0] == 1
    a2, b2 = np.array([0, 0, 1, 1, 2]), np.array([0, 1, 2, 3, 2])  # two mobility groups
    assert n_components(a2, b2) == 2
