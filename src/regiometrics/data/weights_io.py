"""Spatial weights from files: N x N matrix files, adjacency lists, shapefile/GeoJSON contiguity.

All readers return a :class:`~regiometrics.data.weights.SpatialWeights` with raw
weights (``transform="none"``); call ``row_standardize()`` on the result.
Entity names read from text (matrix headers) are stripped of surrounding
white space.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from regiometrics.data.weights import (
    _MAX_LISTED,
    SpatialWeights,
    from_array,
    name_list,
)
from regiometrics.errors import DataError
from regiometrics.options import check_literal

ContiguityRule = Literal["queen", "rook"]


def _existing(path: str | Path, what: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{what} file {str(p)!r} does not exist; check the path.")
    return p


def read_matrix_file(path: str | Path, *, sheet: str | int = 0) -> SpatialWeights:
    """Read a user-supplied N x N weights matrix from csv or xlsx.

    The first row holds the entity names of the columns and the first column
    the entity names of the rows; the cells are the weights. Rows and columns
    must name the same entities (in any order: columns are reordered to the
    rows); the diagonal must be zero.

    Raises
    ------
    DataError
        Missing file, unsupported extension, a non-square matrix, row and column
        names that differ (both lists given), repeated names, or non-numeric cells.
    """
    p = _existing(path, "Weights matrix")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        raw = pd.read_csv(p, index_col=0, dtype=str)
    elif suffix in (".xlsx", ".xls"):
        raw = pd.read_excel(p, index_col=0, sheet_name=sheet, dtype=str)
    else:
        raise DataError(
            f"Weights matrix file {p.name!r} has extension {suffix!r}; use .csv or .xlsx."
        )
    rows = [str(x).strip() for x in raw.index]
    cols = [str(x).strip() for x in raw.columns]
    where = f"Weights matrix {p.name!r}"
    if len(rows) != len(cols):
        raise DataError(
            f"{where} has {len(rows)} rows and {len(cols)} columns; it must be square with "
            "entity names in the first row and the first column."
        )
    for label, names in (("row", rows), ("column", cols)):
        dup = pd.Index(names)[pd.Index(names).duplicated()].unique().tolist()
        if dup:
            raise DataError(f"{where} repeats {label} names: {name_list(dup)}.")
    only_rows = [r for r in rows if r not in set(cols)]
    only_cols = [c for c in cols if c not in set(rows)]
    if only_rows or only_cols:
        raise DataError(
            f"{where}: row and column names differ. Only in rows: {name_list(only_rows) or '-'}; "
            f"only in columns: {name_list(only_cols) or '-'}."
        )
    raw.index, raw.columns = rows, cols
    raw = raw.loc[rows, rows]
    values = raw.apply(lambda s: pd.to_numeric(s.str.strip(), errors="coerce"))
    bad = values.isna() & raw.notna()
    if bad.to_numpy().any():
        r, c = np.nonzero(bad.to_numpy())
        cells = [(rows[a], rows[b], raw.iat[a, b]) for a, b in zip(r, c, strict=True)]
        raise DataError(f"{where} has non-numeric cells (row, column, value): {cells[:_MAX_LISTED]}.")
    empty = values.isna().to_numpy()
    if empty.any():
        r, c = np.nonzero(empty)
        empties = [(rows[a], rows[b]) for a, b in zip(r, c, strict=True)]
        raise DataError(
            f"{where} has empty cells (row, column): {empties[:_MAX_LISTED]}; write 0 for "
            "non-neighbours."
        )
    return from_array(values.to_numpy(float), rows, kind=f"matrix({p.name})")


def from_pairs(
    pairs: pd.DataFrame,
    *,
    source: str = "from",
    target: str = "to",
    weight: str | None = None,
    entities: Sequence[Hashable] | None = None,
    symmetric: bool = True,
    kind: str = "adjacency_list",
) -> SpatialWeights:
    """Weights from an adjacency list, one row per neighbour pair.

    Parameters
    ----------
    pairs : DataFrame
        Columns ``source`` and ``target`` (entity ids) and optionally ``weight``
        (else every listed pair has weight 1).
    entities : sequence, optional
        All entities in the desired order; entities listed here but in no pair
        become islands. Default: ids in order of first appearance in the pairs.
    symmetric : bool
        Add the reverse of every pair (``w_ji = w_ij``). A pair listed both ways
        with different weights is an error.
    """
    for col in (source, target) + ((weight,) if weight else ()):
        if col not in pairs.columns:
            raise DataError(
                f"Adjacency list has no column {col!r}; columns are {list(pairs.columns)}."
            )
    src = pairs[source].tolist()
    dst = pairs[target].tolist()
    wts = (
        pd.to_numeric(pairs[weight], errors="coerce").to_numpy(float)
        if weight
        else np.ones(len(pairs))
    )
    if weight and np.isnan(wts).any():
        rows = np.flatnonzero(np.isnan(wts))[:_MAX_LISTED].tolist()
        raise DataError(f"Adjacency list column {weight!r} is not numeric in rows {rows}.")
    selfp = [a for a, b in zip(src, dst, strict=True) if a == b]
    if selfp:
        raise DataError(f"Adjacency list pairs an entity with itself: {name_list(selfp)}.")
    ids = list(dict.fromkeys(src + dst)) if entities is None else list(entities)
    pos = {e: i for i, e in enumerate(ids)}
    unknown = list(dict.fromkeys(e for e in src + dst if e not in pos))
    if unknown:
        raise DataError(
            f"Adjacency list names entities not in the given entity list: {name_list(unknown)}."
        )
    i = np.array([pos[a] for a in src], dtype=int)
    j = np.array([pos[b] for b in dst], dtype=int)
    if symmetric:
        i, j, wts = np.concatenate([i, j]), np.concatenate([j, i]), np.concatenate([wts, wts])
    frame = pd.DataFrame({"i": i, "j": j, "w": wts})
    spread = frame.groupby(["i", "j"])["w"].agg(["min", "max"])
    clash = spread[spread["min"] != spread["max"]]
    if len(clash):
        bad = [(ids[a], ids[b]) for a, b in clash.index[:_MAX_LISTED]]
        raise DataError(f"Adjacency list gives one pair different weights: {bad}.")
    n = len(ids)
    m = sparse.csr_array(
        (spread["min"].to_numpy(), (spread.index.get_level_values(0), spread.index.get_level_values(1))),
        shape=(n, n),
    )
    return from_array(m, ids, kind=kind)


def read_adjacency_list(
    path: str | Path,
    *,
    source: str = "from",
    target: str = "to",
    weight: str | None = None,
    entities: Sequence[Hashable] | None = None,
    symmetric: bool = True,
) -> SpatialWeights:
    """Read an adjacency list (csv or xlsx, one neighbour pair per row); see :func:`from_pairs`.

    Entity ids are read as text.
    """
    p = _existing(path, "Adjacency list")
    suffix = p.suffix.lower()
    cols = {source: str, target: str}
    if suffix == ".csv":
        frame = pd.read_csv(p, dtype=cols)
    elif suffix in (".xlsx", ".xls"):
        frame = pd.read_excel(p, dtype=cols)
    else:
        raise DataError(f"Adjacency list {p.name!r} has extension {suffix!r}; use .csv or .xlsx.")
    for col in (source, target):
        if col in frame.columns:
            frame[col] = frame[col].str.strip()
    return from_pairs(frame, source=source, target=target, weight=weight, entities=entities,
                      symmetric=symmetric, kind=f"adjacency_list({p.name})")


def contiguity(
    path: str | Path, *, id_column: str, rule: ContiguityRule = "queen"
) -> SpatialWeights:
    """Binary contiguity weights from polygons (shapefile or GeoJSON) via libpysal.

    ``"queen"``: polygons sharing at least one boundary point are neighbours;
    ``"rook"``: polygons sharing a boundary edge. The polygons are read with
    geopandas and the neighbours built by ``libpysal.graph.Graph.build_contiguity``.
    Without geopandas a shapefile (.shp) is read by libpysal's own reader
    (``libpysal.weights.Queen/Rook.from_shapefile``); GeoJSON then needs geopandas.

    Parameters
    ----------
    id_column : str
        Attribute column with the entity ids (must be unique).
    """
    check_literal(rule, ContiguityRule, "rule")
    p = _existing(path, "Polygon")
    kind = f"contiguity({rule}, {p.name})"
    try:
        import geopandas
    except ImportError:
        geopandas = None
    if geopandas is None:
        if p.suffix.lower() != ".shp":
            raise DataError(
                f"Reading {p.name!r} needs geopandas, which is not installed: "
                "`pip install geopandas`, or supply a shapefile (.shp) or an adjacency list."
            )
        from libpysal.io import open as ps_open
        from libpysal.weights import Queen, Rook

        dbf = ps_open(str(p.with_suffix(".dbf")))
        header = list(dbf.header)
        dbf.close()
        if id_column not in header:
            raise DataError(f"{p.name!r} has no column {id_column!r}; columns are {header}.")
        builder = Queen if rule == "queen" else Rook
        with warnings.catch_warnings():  # libpysal's own geometry classes are deprecated
            warnings.simplefilter("ignore", FutureWarning)
            w = builder.from_shapefile(str(p), idVariable=id_column, silence_warnings=True)
        m, ids = w.sparse, list(w.id_order)
    else:
        from libpysal.graph import Graph

        gdf = geopandas.read_file(p)
        if id_column not in gdf.columns:
            raise DataError(
                f"{p.name!r} has no column {id_column!r}; columns are "
                f"{[c for c in gdf.columns if c != 'geometry']}."
            )
        if gdf[id_column].duplicated().any():
            dup = gdf.loc[gdf[id_column].duplicated(), id_column].unique().tolist()
            raise DataError(f"{p.name!r}: ids in {id_column!r} repeat: {name_list(dup)}.")
        ids = gdf[id_column].tolist()
        graph = Graph.build_contiguity(gdf.set_index(id_column).geometry, rook=rule == "rook")
        order = pd.Index(graph.unique_ids).get_indexer(ids)
        m = sparse.csr_array(graph.sparse)[order][:, order]
    ids = [x.item() if isinstance(x, np.generic) else x for x in ids]
    return from_array(sparse.csr_array(m), ids, kind=kind)
