"""Spatial weight matrices: one frozen object and the constructors regional studies use.

A :class:`SpatialWeights` holds the entity ids in matrix order, the N x N matrix
(dense ``numpy`` array or ``scipy.sparse`` CSR array), the transform applied
(``"none"`` or row standardisation ``"r"``) and the islands (entities without
neighbours). It is immutable: :meth:`SpatialWeights.row_standardize` and
:meth:`SpatialWeights.align` return new objects.

Constructors in this module work on in-memory data (arrays, pair lists,
coordinates, panels); file readers (matrix files, adjacency lists,
shapefile/GeoJSON contiguity) live in :mod:`regiometrics.data.weights_io`.

Conventions
-----------
* Distances are great-circle (haversine) distances in kilometres on a sphere of
  radius ``radius_km`` (default 6371.0 km, libpysal's ``RADIUS_EARTH_KM``).
* Inverse distance: :math:`w_{ij} = d_{ij}^{-p}` for :math:`i \\ne j` (and
  :math:`d_{ij} \\le c` if a cut-off :math:`c` is given), :math:`w_{ii} = 0`.
* Economic distance: :math:`w_{ij} = 1 / |\\bar g_i - \\bar g_j|` with
  :math:`\\bar g_i` the sample mean of a variable (e.g. GDP per capita) of
  entity :math:`i` over all periods in the panel.
* Nested geographic-economic weights: the elementwise product
  :math:`w_{ij} = d_{ij}^{-p} \\cdot |\\bar g_i - \\bar g_j|^{-1}` of the raw
  (untransformed) matrices, then usually row-standardised.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from regiometrics.errors import DataError, SpecError
from regiometrics.options import check_literal

if TYPE_CHECKING:  # pragma: no cover
    import libpysal

Transform = Literal["none", "r"]
RADIUS_EARTH_KM = 6371.0

_MAX_LISTED = 20


class IslandWarning(UserWarning):
    """Some entities have no neighbours (a row of zeros in the weights matrix)."""


def name_list(names: Sequence[Any]) -> str:
    """Names for an error message: ``'a', 'b', 3`` (numpy scalars shown as Python values)."""
    plain = [x.item() if isinstance(x, np.generic) else x for x in list(names)]
    shown = ", ".join(repr(x) for x in plain[:_MAX_LISTED])
    more = len(plain) - _MAX_LISTED
    return shown + (f" ... and {more} more" if more > 0 else "")




@dataclass(frozen=True, eq=False, repr=False)
class SpatialWeights:
    """An N x N spatial weights matrix with the entity ids of its rows/columns.

    Parameters
    ----------
    entities : tuple
        Entity ids in matrix order (unique).
    matrix : numpy.ndarray or scipy.sparse.csr_array
        Non-negative, finite weights with a zero diagonal. Stored read-only.
    transform : {"none", "r"}
        ``"r"``: rows sum to one (islands keep a zero row); ``"none"``: raw weights.
    kind : str
        How the matrix was built, e.g. ``"inverse_distance(power=1)"``.

    Attributes
    ----------
    islands : tuple
        Entities whose row sums to zero (no neighbours), in matrix order.
    """

    entities: tuple[Hashable, ...]
    matrix: np.ndarray | sparse.csr_array
    transform: Transform = "none"
    kind: str = "matrix"
    islands: tuple[Hashable, ...] = field(init=False)

    def __post_init__(self) -> None:
        check_literal(self.transform, Transform, "transform")
        ents = tuple(self.entities)
        n = len(ents)
        if len(set(ents)) != n:
            dup = pd.Index(ents)[pd.Index(ents).duplicated()].unique().tolist()
            raise DataError(f"Spatial weights entity ids must be unique; repeated: {name_list(dup)}.")
        m: np.ndarray | sparse.csr_array
        if sparse.issparse(self.matrix):
            sp = sparse.csr_array(self.matrix, dtype=float, copy=True)
            sp.eliminate_zeros()
            sp.sort_indices()
            values = sp.data
            value_rows = np.repeat(np.arange(sp.shape[0]), np.diff(sp.indptr))
            diag = sp.diagonal()
            m = sp
        else:
            arr = np.array(self.matrix, dtype=float, copy=True)
            if arr.ndim != 2:
                raise DataError(
                    f"A weights matrix must be 2-dimensional; got {arr.ndim} dimensions."
                )
            values = arr.ravel()
            value_rows = np.repeat(np.arange(arr.shape[0]), arr.shape[1])
            diag = np.diag(arr) if arr.shape[0] == arr.shape[1] else np.zeros(0)
            m = arr
        if m.shape != (n, n):
            raise DataError(
                f"The weights matrix is {m.shape[0]} x {m.shape[1]} but {n} entity ids were "
                f"given; it must be square, N x N, with one row and column per entity."
            )
        finite = np.isfinite(values)
        if not finite.all():
            rows = np.unique(value_rows[~finite])
            raise DataError(
                "The weights matrix has missing or infinite values in the rows of "
                f"{name_list([ents[i] for i in rows])}; fill them (0 = not neighbours)."
            )
        if np.any(values < 0):
            rows = np.unique(value_rows[values < 0])
            raise DataError(
                "Spatial weights must be non-negative; negative weights in the rows of "
                f"{name_list([ents[i] for i in rows])}."
            )
        if np.any(diag != 0):
            bad = [ents[i] for i in np.flatnonzero(diag != 0)]
            raise DataError(
                "The diagonal of a spatial weights matrix must be zero (an entity is not its "
                f"own neighbour); non-zero diagonal for {name_list(bad)}."
            )
        if isinstance(m, np.ndarray):
            m.flags.writeable = False
        else:
            m.data.setflags(write=False)
        rowsum = np.asarray(m.sum(axis=1)).ravel()
        object.__setattr__(self, "entities", ents)
        object.__setattr__(self, "matrix", m)
        object.__setattr__(self, "islands", tuple(ents[i] for i in np.flatnonzero(rowsum == 0)))

    def __repr__(self) -> str:
        store = "sparse" if self.is_sparse else "dense"
        return (
            f"SpatialWeights(n={self.n}, kind={self.kind!r}, transform={self.transform!r}, "
            f"{store}, islands={len(self.islands)})"
        )

    # ------------------------------------------------------------------ basics
    @property
    def n(self) -> int:
        """Number of entities N."""
        return len(self.entities)

    @property
    def is_sparse(self) -> bool:
        """Whether the matrix is stored as a scipy sparse array."""
        return sparse.issparse(self.matrix)

    def to_dense(self) -> np.ndarray:
        """The matrix as a (new, writable) dense array."""
        if isinstance(self.matrix, np.ndarray):
            return np.array(self.matrix)
        return self.matrix.toarray()

    def to_sparse(self) -> sparse.csr_array:
        """The matrix as a (new) CSR sparse array."""
        return sparse.csr_array(self.matrix, copy=True)

    @property
    def row_sums(self) -> np.ndarray:
        """:math:`w_{i\\cdot} = \\sum_j w_{ij}` per entity."""
        return np.asarray(self.matrix.sum(axis=1)).ravel()

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of neighbours (non-zero weights) per entity."""
        if isinstance(self.matrix, np.ndarray):
            return np.count_nonzero(self.matrix, axis=1)
        return np.diff(self.matrix.indptr)

    def lag(self, x: np.ndarray) -> np.ndarray:
        """Spatial lag :math:`Wx` of a vector (N,) or matrix (N, k) in entity order."""
        x = np.asarray(x, dtype=float)
        if x.shape[0] != self.n:
            raise DataError(f"Cannot lag {x.shape[0]} values with a {self.n} x {self.n} matrix.")
        return self.matrix @ x

    # ---------------------------------------------------------- transformations
    def row_standardize(self) -> SpatialWeights:
        """Rows divided by their sums, :math:`w^{r}_{ij} = w_{ij} / \\sum_k w_{ik}`.

        Islands keep a zero row. Returns a new object with ``transform="r"``.
        """
        rs = self.row_sums
        inv = np.divide(1.0, rs, out=np.zeros_like(rs), where=rs > 0)
        m: np.ndarray | sparse.csr_array
        if self.is_sparse:
            csr = sparse.csr_array(self.matrix, dtype=float, copy=True)
            csr.data *= np.repeat(inv, np.diff(csr.indptr))  # row i's entries times 1/rowsum
            m = csr
        else:
            m = self.matrix * inv[:, None]
        return SpatialWeights(self.entities, m, transform="r", kind=self.kind)

    def align(self, entities: Sequence[Hashable]) -> SpatialWeights:
        """Reorder rows and columns to ``entities`` (e.g. a panel's entity order).

        Ids are matched by their string form, so panel ids ``11`` match matrix
        names ``"11"``; the result carries the given ``entities`` objects.

        Raises
        ------
        DataError
            If the two sets of entities differ; the message lists the names missing
            on each side.
        """
        target = list(entities)
        own = [str(e) for e in self.entities]
        want = [str(e) for e in target]
        if len(set(want)) != len(want):
            dup = pd.Index(want)[pd.Index(want).duplicated()].unique().tolist()
            raise DataError(f"Cannot align weights to entities with repeated ids: {name_list(dup)}.")
        if len(set(own)) != len(own):
            raise DataError(
                "The weights' entity ids are not unique once written as text; rename them."
            )
        missing_in_w = [t for t, s in zip(target, want, strict=True) if s not in set(own)]
        missing_in_panel = [e for e, s in zip(self.entities, own, strict=True) if s not in set(want)]
        if missing_in_w or missing_in_panel:
            parts = []
            if missing_in_w:
                parts.append(
                    f"{len(missing_in_w)} in the panel but not in the weights ({self.kind}): "
                    f"{name_list(missing_in_w)}"
                )
            if missing_in_panel:
                parts.append(
                    f"{len(missing_in_panel)} in the weights ({self.kind}) but not in the panel: "
                    f"{name_list(missing_in_panel)}"
                )
            raise DataError(
                "The spatial weights and the panel do not have the same entities; "
                + "; ".join(parts)
                + ". Filter the panel or rebuild the weights so both cover the same entities."
            )
        pos = {s: i for i, s in enumerate(own)}
        order = np.array([pos[s] for s in want], dtype=int)
        if self.is_sparse:
            m: np.ndarray | sparse.csr_array = sparse.csr_array(self.matrix[order][:, order])
        else:
            m = self.matrix[np.ix_(order, order)]
        return SpatialWeights(tuple(target), m, transform=self.transform, kind=self.kind)

    # ---------------------------------------------------------- libpysal bridges
    def to_libpysal(self) -> libpysal.weights.W:
        """The weights as a ``libpysal.weights.W`` (ids = entities, transform ``"O"``)."""
        from libpysal.weights import WSP

        return WSP(self.to_sparse(), id_order=list(self.entities)).to_W(silence_warnings=True)

    def to_graph(self) -> libpysal.graph.Graph:
        """The weights as a ``libpysal.graph.Graph`` indexed by the entities."""
        from libpysal.graph import Graph

        return Graph.from_sparse(self.to_sparse(), ids=list(self.entities))


# ------------------------------------------------------------------ constructors
def _warn_islands(w: SpatialWeights) -> SpatialWeights:
    if w.islands:
        warnings.warn(
            f"{len(w.islands)} of {w.n} entities have no neighbours in the {w.kind} weights "
            f"(islands): {name_list(w.islands)}. Their spatial lag is zero; consider a "
            "cut-off distance, k-nearest neighbours, or adding links.",
            IslandWarning,
            stacklevel=3,
        )
    return w


def from_array(
    matrix: np.ndarray | sparse.sparray | sparse.spmatrix,
    entities: Sequence[Hashable],
    *,
    kind: str = "matrix",
) -> SpatialWeights:
    """Validated weights from an N x N array and its entity ids (islands warned)."""
    return _warn_islands(SpatialWeights(tuple(entities), matrix, kind=kind))


def _coordinates(coords: pd.DataFrame, entity: str, lon: str, lat: str) -> tuple[list, np.ndarray]:
    for col in (entity, lon, lat):
        if col not in coords.columns:
            raise DataError(
                f"Coordinates table has no column {col!r}; columns are {list(coords.columns)}."
            )
    ids = coords[entity].tolist()
    if len(set(ids)) != len(ids):
        dup = coords.loc[coords[entity].duplicated(), entity].unique().tolist()
        raise DataError(f"Coordinates table lists entities more than once: {name_list(dup)}.")
    ll = coords[[lon, lat]].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    bad = ~np.isfinite(ll).all(axis=1)
    if bad.any():
        raise DataError(
            f"Missing or non-numeric {lon!r}/{lat!r} for {name_list([ids[k] for k in np.flatnonzero(bad)])}."
        )
    out = (np.abs(ll[:, 0]) > 180) | (np.abs(ll[:, 1]) > 90)
    if out.any():
        raise DataError(
            "Coordinates must be longitude in [-180, 180] and latitude in [-90, 90] degrees; "
            f"out of range for {name_list([ids[k] for k in np.flatnonzero(out)])}."
            " Check that the columns are not swapped or projected."
        )
    return ids, ll


def haversine_km(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray,
    *, radius_km: float = RADIUS_EARTH_KM,
) -> np.ndarray:
    """Great-circle distance by the haversine formula (degrees in, km out, broadcasting).

    :math:`d = 2R \\arcsin \\sqrt{\\sin^2(\\Delta\\varphi/2) +
    \\cos\\varphi_1 \\cos\\varphi_2 \\sin^2(\\Delta\\lambda/2)}`.
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * radius_km * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _unit_sphere(ll: np.ndarray) -> np.ndarray:
    lon, lat = np.radians(ll[:, 0]), np.radians(ll[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _check_distinct(ids: list, i: np.ndarray, j: np.ndarray, d: np.ndarray) -> None:
    zero = (d == 0) & (i != j)
    if zero.any():
        pairs = [(ids[a], ids[b]) for a, b in zip(i[zero], j[zero], strict=True) if a < b]
        raise DataError(
            f"Entities share the same coordinates (distance 0): {pairs[:_MAX_LISTED]}; "
            "inverse distance is undefined. Correct the coordinates or merge the entities."
        )


def inverse_distance(
    coords: pd.DataFrame,
    *,
    entity: str,
    lon: str = "lon",
    lat: str = "lat",
    power: float = 1.0,
    cutoff_km: float | None = None,
    radius_km: float = RADIUS_EARTH_KM,
) -> SpatialWeights:
    """Inverse great-circle distance weights :math:`w_{ij} = d_{ij}^{-p}`.

    Parameters
    ----------
    coords : DataFrame
        One row per entity with longitude ``lon`` and latitude ``lat`` in degrees.
    power : float
        The exponent :math:`p > 0` (1 = inverse distance, 2 = gravity form).
    cutoff_km : float, optional
        Keep only pairs with :math:`d_{ij} \\le c`; the result is then sparse
        (neighbours found with a KD-tree on the unit sphere). Without a cut-off the
        matrix is dense.

    Notes
    -----
    :math:`d_{ij}` is the haversine distance in km (see :func:`haversine_km`).
    """
    if not power > 0:
        raise SpecError(f"Inverse-distance power must be positive; {power!r} was given.")
    ids, ll = _coordinates(coords, entity, lon, lat)
    n = len(ids)
    kind = f"inverse_distance(power={power:g}" + (
        f", cutoff_km={cutoff_km:g})" if cutoff_km is not None else ")"
    )
    if cutoff_km is None:
        d = haversine_km(ll[:, 0, None], ll[:, 1, None], ll[None, :, 0], ll[None, :, 1],
                         radius_km=radius_km)
        ii, jj = np.nonzero(np.ones((n, n), bool))
        _check_distinct(ids, ii, jj, d.ravel())
        with np.errstate(divide="ignore"):
            m = np.where(np.eye(n, dtype=bool), 0.0, d ** (-power))
        return from_array(m, ids, kind=kind)
    if not cutoff_km > 0:
        raise SpecError(f"cutoff_km must be positive; {cutoff_km!r} was given.")
    xyz = _unit_sphere(ll)
    chord = 2 * np.sin(min(cutoff_km / radius_km, np.pi) / 2) * (1 + 1e-12)
    pairs = cKDTree(xyz).query_pairs(chord, output_type="ndarray")
    i, j = np.concatenate([pairs[:, 0], pairs[:, 1]]), np.concatenate([pairs[:, 1], pairs[:, 0]])
    d = haversine_km(ll[i, 0], ll[i, 1], ll[j, 0], ll[j, 1], radius_km=radius_km)
    _check_distinct(ids, i, j, d)
    keep = d <= cutoff_km
    m = sparse.csr_array((d[keep] ** (-power), (i[keep], j[keep])), shape=(n, n))
    return from_array(m, ids, kind=kind)


def knn(
    coords: pd.DataFrame,
    *,
    entity: str,
    k: int,
    lon: str = "lon",
    lat: str = "lat",
) -> SpatialWeights:
    """Binary k-nearest-neighbour weights by great-circle distance (row i: its k nearest).

    Neighbours come from a KD-tree on unit-sphere coordinates (chord length is
    monotone in great-circle distance). The matrix is sparse and in general not
    symmetric. Ties at the k-th distance are broken by the KD-tree's order.
    """
    ids, ll = _coordinates(coords, entity, lon, lat)
    n = len(ids)
    if not (isinstance(k, int | np.integer) and 1 <= k < n):
        raise SpecError(f"k must be an integer between 1 and N - 1 = {n - 1}; {k!r} was given.")
    _, nb = cKDTree(_unit_sphere(ll)).query(_unit_sphere(ll), k=k + 1)
    rows = np.repeat(np.arange(n), k + 1)
    cols = nb.ravel()
    keep = cols != rows
    rows, cols = rows[keep], cols[keep]
    # if duplicates of a point pushed the point itself out of its list, keep the first k
    frame = pd.DataFrame({"i": rows, "j": cols}).groupby("i").head(k)
    m = sparse.csr_array((np.ones(len(frame)), (frame["i"], frame["j"])), shape=(n, n))
    return from_array(m, ids, kind=f"knn(k={k})")


def entity_means(panel: pd.DataFrame, *, entity: str, variable: str) -> pd.Series:
    """Sample mean of ``variable`` per entity over all periods (entities in order of appearance)."""
    for col in (entity, variable):
        if col not in panel.columns:
            raise DataError(f"Panel has no column {col!r}; columns are {list(panel.columns)}.")
    values = pd.to_numeric(panel[variable], errors="coerce")
    bad = values.isna() & panel[variable].notna()
    if bad.any():
        raise DataError(
            f"Column {variable!r} has non-numeric values for {name_list(panel.loc[bad, entity].unique().tolist())}."
        )
    g = values.groupby(panel[entity], sort=False).mean()
    empty = g.index[g.isna()].tolist()
    if empty:
        raise DataError(f"Column {variable!r} has no values at all for {name_list(empty)}.")
    return g


def economic_distance(panel: pd.DataFrame, *, entity: str, variable: str) -> SpatialWeights:
    """Economic-distance weights :math:`w_{ij} = 1/|\\bar g_i - \\bar g_j|`, :math:`i \\ne j`.

    :math:`\\bar g_i` is the mean of ``variable`` (e.g. real GDP per capita) of
    entity :math:`i` over all periods of the long ``panel``; filter the panel
    first to use a sub-period. Entities whose means coincide make the weight
    infinite and raise :class:`DataError`.
    """
    g = entity_means(panel, entity=entity, variable=variable)
    ids = g.index.tolist()
    diff = np.abs(g.to_numpy()[:, None] - g.to_numpy()[None, :])
    n = len(ids)
    off = ~np.eye(n, dtype=bool)
    tie = (diff == 0) & off
    if tie.any():
        a, b = np.nonzero(np.triu(tie))
        raise DataError(
            f"Entities with identical mean {variable!r} make 1/|g_i - g_j| infinite: "
            f"{[(ids[x], ids[y]) for x, y in zip(a, b, strict=True)][:_MAX_LISTED]}."
        )
    with np.errstate(divide="ignore"):
        m = np.where(off, 1.0 / diff, 0.0)
    return from_array(m, ids, kind=f"economic_distance({variable})")


def nested(geo: SpatialWeights, econ: SpatialWeights) -> SpatialWeights:
    """Nested geographic-economic weights: the elementwise product :math:`W^{d} \\circ W^{e}`.

    :math:`w_{ij} = w^{d}_{ij} \\, w^{e}_{ij}`, e.g. with inverse distance and
    economic distance :math:`w_{ij} = d_{ij}^{-p} / |\\bar g_i - \\bar g_j|`: two
    regions interact more the closer they are in space and in economic level.
    This is the "economic-geographic nested matrix" of Chinese regional studies
    in its product form. Both inputs must be raw (``transform="none"``); ``econ``
    is aligned to ``geo``'s entity order; row-standardise the result if wanted.
    Other published variants (a weighted sum :math:`\\phi W^d + (1-\\phi) W^e`, or
    :math:`W^d \\operatorname{diag}(\\bar Y_i/\\bar Y)`) are not this function.
    """
    for name, w in (("geo", geo), ("econ", econ)):
        if w.transform != "none":
            raise DataError(
                f"nested() needs raw weights, but {name} ({w.kind}) is row-standardised; "
                "build both without row standardisation and standardise the product."
            )
    econ = econ.align(geo.entities)
    if geo.is_sparse or econ.is_sparse:
        m: np.ndarray | sparse.csr_array = sparse.csr_array(geo.to_sparse().multiply(econ.to_sparse()))
    else:
        m = geo.matrix * econ.matrix
    return from_array(m, geo.entities, kind=f"nested({geo.kind} x {econ.kind})")
