r"""Absorbed fixed effects: group codes from the spec's ``effects`` and their degrees of freedom.

Each entry of ``effects`` (see :mod:`regiometrics.spec.effects`) becomes one integer code
array on the estimation sample: ``entity`` and ``time`` the panel's own columns, any other
name that column, ``a^b`` the observed combinations of ``a`` and ``b``. The codes go to the
one demeaning kernel (:func:`regiometrics.engine.linear.demean.demean`).

Degrees of freedom (reghdfe's rules, ``dof(firstpair clusters)`` by default)
---------------------------------------------------------------------------
An effect with :math:`G_f` levels adds :math:`G_f - M_f` parameters, :math:`M_f` its levels
redundant given the constant and the effects before it:

* the first effect: :math:`M_1 = 1` (the constant);
* the second effect: :math:`M_2 = C`, the number of connected components ("mobility
  groups") of the bipartite graph whose nodes are the levels of both effects and whose
  edges are the observations; exact, so a second effect nested in the first (e.g.
  ``[entity, region]`` with entities inside regions) adds nothing;
* a third and further effect: :math:`M_f = 1`. This is reghdfe's conservative default
  (exact only for the first pair): redundancies among three or more effects beyond one
  level each are not searched for, so :math:`K` may be overstated and standard errors a
  little too large, never too small;
* group-specific slopes (``entity[time]``) add one parameter per group in which the slope
  variable varies, with no further redundancy searched for. This is fixest's count
  (``nparams``: intercepts and slopes of every group, one reference per intercept effect
  beyond the first) and reghdfe's: exact alone, and one above the rank next to time
  effects (the common trend lies in the span of both), so there K and the standard errors
  equal fixest's (tests/fixtures/effects/fixest_trends.json);
* under clustering with the ``fixest`` correction, the intercepts of an effect nested in a
  cluster variable add nothing, its slopes still count (fixest's ``fixef.K = "nested"``,
  reghdfe; :func:`regiometrics.engine.linear.vcov.nested_absorbed`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from regiometrics.data.panel import Panel
from regiometrics.errors import SpecError
from regiometrics.spec.effects import Effect, parse_effects


def model_effects(model: Any) -> list[str]:
    """Every absorbed effect of a model: ``effects`` then the ``absorb`` columns (the older
    spelling of further one-column effects, ``absorb: [region, product]``)."""
    extra = [c for c in (getattr(model, "absorb", None) or []) if c not in model.effects]
    return [*model.effects, *extra]


def grouping_effects(model: Any) -> list[str]:
    """The absorbed effects and the ``random`` ones (``re``: entity): the groups whose
    singletons ``singletons: drop`` removes."""
    absorbed = model_effects(model)
    return [*absorbed, *(r for r in getattr(model, "random", []) if r not in absorbed)]


def _column(part: str, panel: Panel, where: str) -> str:
    if part == "entity":
        return panel.entity
    if part == "time":
        if panel.time is None:
            raise SpecError(f"{where}: time effects need data.time to be set (the "
                            "data are a cross-section); use effects without time")
        return panel.time
    return part


def slope_columns(effects: Sequence[str], panel: Panel, *, where: str) -> dict[str, str]:
    """The slope column of each effect with group-specific slopes (``entity[time]``)."""
    out = {}
    for eff in parse_effects(list(effects), where=where):
        if eff.slope is not None:
            col = _column(eff.slope, panel, where)
            panel.require([col], where=where)
            out[eff.text] = col
    return out


def absorbed_slopes(effects: Sequence[str], panel: Panel, rows: pd.Series | np.ndarray | None,
                    *, where: str) -> dict[str, np.ndarray]:
    """Slope values (float) on ``rows`` for each effect with group-specific slopes; the time
    column is read as the panel operators read it (integer years, or ranks)."""
    out = {}
    for name, col in slope_columns(effects, panel, where=where).items():
        if col == panel.time:
            values = panel.time_values().astype(float)
        else:
            values = panel.numeric(col, where=where)
        values = values if rows is None else values.loc[rows]
        out[name] = values.to_numpy(dtype=float)
    return out


def effect_columns(effects: Sequence[str], panel: Panel, *, where: str) -> dict[str, list[str]]:
    """Each effect's text and the panel columns its groups read (``entity``/``time`` mapped).

    Raises
    ------
    SpecError
        ``time`` without a time column; DataError (via ``Panel.require``) for unknown columns.
    """
    out: dict[str, list[str]] = {}
    parsed: list[Effect] = parse_effects(list(effects), where=where)
    for eff in parsed:
        cols = [_column(part, panel, where) for part in eff.parts]
        panel.require(cols, where=where)
        out[eff.text] = cols
    return out


def sorted_codes(values: pd.Series) -> np.ndarray:
    """Codes 0..G-1 of the distinct values in sorted order: ``pd.factorize(sort=True)``.

    An integer column whose values span a range no longer than about twice its length (the
    usual entity and year codes) takes an O(n) path without hashing: the value minus the
    minimum, renumbered by the running count of the values present. The codes are the same.
    """
    arr = values.to_numpy()
    if arr.dtype.kind in "iu" and arr.size:
        low, high = int(arr.min()), int(arr.max())
        span = high - low + 1
        if span <= 2 * arr.size + 1024:
            shifted = (arr - low).astype(np.intp)
            present = np.zeros(span, dtype=bool)
            present[shifted] = True
            return (np.cumsum(present) - 1)[shifted].astype(np.int64)
    return pd.factorize(values, sort=True)[0].astype(np.int64)


def group_codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Integer codes 0..G-1 of the observed combinations of ``columns`` (sorted)."""
    if len(columns) == 1:
        return sorted_codes(frame[columns[0]])
    keys = [sorted_codes(frame[c]) for c in columns]
    combined = keys[0]
    for k in keys[1:]:
        combined = combined * (int(k.max()) + 1) + k
    return np.unique(combined, return_inverse=True)[1].astype(np.int64).ravel()


def absorbed_codes(effects: Sequence[str], panel: Panel, rows: pd.Series | np.ndarray | None,
                   *, where: str, known: Mapping[str, np.ndarray] | None = None
                   ) -> dict[str, np.ndarray]:
    """Code arrays of every effect on the rows ``rows`` (a boolean mask or None: all).

    ``known``: codes already computed on the same rows, by column name (the entity and time
    codes of the design), reused for an effect of that one column.
    """
    cols = effect_columns(effects, panel, where=where)
    frame = panel.frame if rows is None else panel.frame.loc[rows]
    known = known or {}
    return {name: known[c[0]] if len(c) == 1 and c[0] in known else group_codes(frame, c)
            for name, c in cols.items()}


def n_components(a: np.ndarray, b: np.ndarray) -> int:
    """Connected components of the bipartite graph of the levels of ``a`` and ``b`` (edges:
    the observations); the number of redundant levels of the second effect given the first."""
    g_a, g_b = int(a.max()) + 1, int(b.max()) + 1
    if a.shape[0] == g_a * g_b and np.bincount(a * g_b + b, minlength=g_a * g_b).max() == 1:
        return 1  # every pair of levels observed once (a balanced panel): one component
    graph = coo_matrix((np.ones(a.shape[0]), (a, b + g_a)), shape=(g_a + g_b, g_a + g_b))
    return int(connected_components(graph, directed=False)[0])


def varying_groups(codes: np.ndarray, values: np.ndarray) -> int:
    """Groups in which ``values`` is not constant (each adds one slope parameter)."""
    size = int(codes.max()) + 1
    lo = np.full(size, np.inf)
    hi = np.full(size, -np.inf)
    np.minimum.at(lo, codes, values)
    np.maximum.at(hi, codes, values)
    return int((hi > lo).sum())


def absorbed_counts(fe_codes: Sequence[np.ndarray],
                    slopes: Sequence[np.ndarray | None] | None = None) -> list[int]:
    """Parameters each effect adds beyond the constant (see the module docstring).

    Returns
    -------
    list of int
        :math:`G_1 - 1`, :math:`G_2 - C`, :math:`G_f - 1` for :math:`f \\ge 3`; an effect
        with group-specific slopes adds one more per group in which its slope variable
        varies (no further redundancy is searched for: exact when it is the only effect).
    """
    counts = []
    slopes = list(slopes) if slopes is not None else [None] * len(fe_codes)
    for f, (codes, v) in enumerate(zip(fe_codes, slopes)):
        size = int(codes.max()) + 1
        if f == 1:
            count = size - n_components(fe_codes[0], codes)
        else:
            count = size - 1
        if v is not None:
            count += varying_groups(codes, v)
        counts.append(count)
    return counts
