"""Moran's I: global per period of a long panel, local (LISA) with clusters, scatter-plot data.

Global Moran's I of a cross-section :math:`y` (N entities) under weights :math:`W`,
with :math:`z = y - \\bar y`:

.. math::

    I = \\frac{N}{S_0} \\frac{z' W z}{z' z}, \\qquad E[I] = -\\frac{1}{N-1},

:math:`S_0 = \\sum_{ij} w_{ij}`, :math:`S_1 = \\tfrac12 \\sum_{ij} (w_{ij} + w_{ji})^2`,
:math:`S_2 = \\sum_i (w_{i\\cdot} + w_{\\cdot i})^2`. Under normality (Cliff and Ord 1981)

.. math::

    V_N[I] = \\frac{N^2 S_1 - N S_2 + 3 S_0^2}{(N^2 - 1) S_0^2} - E[I]^2,

and under randomisation, with sample kurtosis :math:`b_2 = N \\sum z^4 / (\\sum z^2)^2`,

.. math::

    V_R[I] = \\frac{N[(N^2-3N+3) S_1 - N S_2 + 3 S_0^2]
             - b_2[(N^2-N) S_1 - 2N S_2 + 6 S_0^2]}{(N-1)(N-2)(N-3) S_0^2} - E[I]^2.

These are the formulas of R's ``spdep::moran.test`` (``randomisation=FALSE/TRUE``,
islands kept in N as with ``adjust.n=FALSE``) and of ``esda.Moran``; the tests
check both. They are computed here directly, not through ``esda.Moran``, so that
all periods of a panel share one set of weight constants and the permutation
test uses a seeded numpy ``Generator`` and vectorised permutations.

P-values (``alternative``)
--------------------------
``"greater"`` (positive autocorrelation; spdep's default), ``"less"``, or
``"two-sided"`` (default; esda's default for ``p_norm``/``p_rand``). Normal and
randomisation p-values are :math:`1-\\Phi(z)`, :math:`\\Phi(z)` or
:math:`2[1-\\Phi(|z|)]`. The permutation p-value from :math:`M` random
permutations of :math:`y` over the entities is
:math:`p_{>} = (1 + \\#\\{I^{*} \\ge I\\})/(M+1)`,
:math:`p_{<} = (1 + \\#\\{I^{*} \\le I\\})/(M+1)`, and two-sided
:math:`\\min(1, 2\\min(p_{>}, p_{<}))`. esda's ``p_sim`` is :math:`\\min(p_{>}, p_{<})`
(the one-sided p in the direction of the observed I, "folded"); spdep's
``moran.mc`` gives :math:`\\max(1, \\#\\{I^* > I\\})/(M+1)` for ``"greater"``,
which differs from :math:`p_{>}` by at most :math:`1/(M+1)`.
"""

from __future__ import annotations

import zlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from regiometrics.data.weights import SpatialWeights, name_list
from regiometrics.errors import DataError, SpecError
from regiometrics.options import check_literal

Alternative = Literal["two-sided", "greater", "less"]
LocalNull = Literal["conditional", "total"]
ClusterP = Literal["perm", "norm"]

#: The fields of one global Moran row (results.json ``moran`` section), in order.
MORAN_FIELDS: tuple[str, ...] = (
    "variable", "weights", "time", "I", "expected", "variance_norm", "z_norm", "p_norm",
    "variance_rand", "z_rand", "p_rand", "p_perm",
)
QUADRANTS: tuple[str, ...] = ("HH", "LH", "LL", "HL")
_CHUNK = 2_000_000  # floats per block in the permutation loops


@dataclass(frozen=True)
class GlobalMoran:
    """Global Moran's I of one cross-section with its moments and p-values.

    ``p_perm`` is NaN when no permutations were run.
    """

    I: float
    expected: float
    variance_norm: float
    z_norm: float
    p_norm: float
    variance_rand: float
    z_rand: float
    p_rand: float
    p_perm: float
    n: int
    permutations: int
    alternative: str

    def as_row(self, *, variable: str, weights: str, time: Hashable) -> dict:
        """One tidy row with exactly :data:`MORAN_FIELDS`."""
        values = asdict(self) | {"variable": variable, "weights": weights, "time": time}
        return {k: values[k] for k in MORAN_FIELDS}


@dataclass(frozen=True)
class MoranScatter:
    """Data of a Moran scatter plot: standardised values against their spatial lag.

    ``z`` is :math:`(y - \\bar y)/s` with the population s.d.; ``wz`` is :math:`Wz`;
    ``slope`` and ``intercept`` are the least-squares line of ``wz`` on ``z``
    (slope :math:`= z'Wz/z'z`, equal to Moran's I when rows of W sum to one).
    """

    entities: tuple[Hashable, ...]
    z: np.ndarray
    wz: np.ndarray
    slope: float
    intercept: float
    I: float
    quadrant: tuple[str, ...]


# ----------------------------------------------------------------- helpers
def _weight_constants(w: SpatialWeights) -> tuple[float, float, float]:
    m = w.matrix
    s0 = float(m.sum())
    if s0 == 0:
        raise DataError(f"The {w.kind} weights have no links at all (every entity is an island).")
    sym = m + m.T
    s1 = 0.5 * float((sym * sym).sum() if isinstance(sym, np.ndarray) else sym.multiply(sym).sum())
    rc = np.asarray(m.sum(axis=1)).ravel() + np.asarray(m.sum(axis=0)).ravel()
    s2 = float((rc * rc).sum())
    return s0, s1, s2


def _vector(y: np.ndarray | pd.Series | Sequence[float], w: SpatialWeights, what: str) -> np.ndarray:
    if isinstance(y, pd.Series):
        pos = {str(e): i for i, e in enumerate(y.index)}
        known = {str(x) for x in w.entities}
        missing = [e for e in w.entities if str(e) not in pos]
        extra = [e for e in y.index if str(e) not in known]
        if missing or extra or len(pos) != len(y):
            raise DataError(
                f"{what}: the values' index must list the weights' entities once each; "
                f"missing: {name_list(missing) or '-'}; not in the weights: {name_list(extra) or '-'}."
            )
        y = y.to_numpy()[[pos[str(e)] for e in w.entities]]
    arr = np.asarray(y, dtype=float)
    if arr.shape != (w.n,):
        raise DataError(f"{what}: expected {w.n} values (one per entity), got shape {arr.shape}.")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise DataError(
            f"{what}: missing or infinite values for {name_list([w.entities[i] for i in np.flatnonzero(bad)])}."
        )
    if np.ptp(arr) == 0:
        raise DataError(f"{what}: all {w.n} values are equal; Moran's I needs variation.")
    if w.n < 4:
        raise DataError(f"{what}: Moran's I needs at least 4 entities; got {w.n}.")
    return arr


def _p_normal(z: np.ndarray | float, alternative: str) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    if alternative == "greater":
        return stats.norm.sf(z)
    if alternative == "less":
        return stats.norm.cdf(z)
    return 2.0 * stats.norm.sf(np.abs(z))


def _p_from_counts(ge: np.ndarray, le: np.ndarray, m: int, alternative: str) -> np.ndarray:
    greater = (1.0 + ge) / (m + 1.0)
    less = (1.0 + le) / (m + 1.0)
    if alternative == "greater":
        return greater
    if alternative == "less":
        return less
    return np.minimum(1.0, 2.0 * np.minimum(greater, less))


def _check_common(permutations: int, alternative: str) -> None:
    check_literal(alternative, Alternative, "alternative")
    if not (isinstance(permutations, int | np.integer) and permutations >= 0):
        raise SpecError(f"permutations must be a non-negative integer; {permutations!r} was given.")


# ------------------------------------------------------------------ global
def _global(
    y: np.ndarray, w: SpatialWeights, consts: tuple[float, float, float], *,
    permutations: int, seed: int | Sequence[int], alternative: str,
) -> GlobalMoran:
    n = float(w.n)
    s0, s1, s2 = consts
    z = y - y.mean()
    zz = float(z @ z)
    i_obs = n / s0 * float(z @ w.lag(z)) / zz
    ei = -1.0 / (n - 1.0)
    v_norm = (n * n * s1 - n * s2 + 3.0 * s0 * s0) / ((n * n - 1.0) * s0 * s0) - ei * ei
    b2 = n * float((z**4).sum()) / zz**2
    num = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0) - b2 * (
        (n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0
    )
    v_rand = num / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - ei * ei
    z_norm = (i_obs - ei) / np.sqrt(v_norm)
    z_rand = (i_obs - ei) / np.sqrt(v_rand) if v_rand > 0 else np.nan
    p_perm = np.nan
    if permutations:
        rng = np.random.default_rng(seed)
        ge = le = 0
        step = max(1, _CHUNK // w.n)
        for start in range(0, permutations, step):
            c = min(step, permutations - start)
            zp = rng.permuted(np.broadcast_to(z, (c, w.n)), axis=1)
            sims = n / s0 * np.einsum("mi,im->m", zp, w.matrix @ zp.T) / zz
            ge += int((sims >= i_obs).sum())
            le += int((sims <= i_obs).sum())
        p_perm = float(_p_from_counts(np.array(ge), np.array(le), permutations, alternative))
    return GlobalMoran(
        I=i_obs, expected=ei, variance_norm=v_norm, z_norm=float(z_norm),
        p_norm=float(_p_normal(z_norm, alternative)), variance_rand=v_rand,
        z_rand=float(z_rand), p_rand=float(_p_normal(z_rand, alternative)), p_perm=p_perm,
        n=w.n, permutations=permutations, alternative=alternative,
    )


def global_moran(
    y: np.ndarray | pd.Series | Sequence[float],
    w: SpatialWeights,
    *,
    permutations: int = 999,
    seed: int | Sequence[int] = 0,
    alternative: Alternative = "two-sided",
) -> GlobalMoran:
    """Global Moran's I of one cross-section (formulas in the module docstring).

    Parameters
    ----------
    y : array or Series
        One value per entity: an array in ``w.entities`` order, or a Series
        indexed by entity (matched to ``w.entities`` by string form).
    w : SpatialWeights
        Used as given (row-standardise it first if wanted).
    permutations : int
        Number of random permutations for ``p_perm`` (0: skip, ``p_perm`` NaN).
    seed : int or sequence of int
        Seed of the numpy Generator drawing the permutations.
    alternative : {"two-sided", "greater", "less"}
    """
    _check_common(permutations, alternative)
    arr = _vector(y, w, "global Moran's I")
    return _global(arr, w, _weight_constants(w), permutations=permutations, seed=seed,
                   alternative=alternative)


def _cell_seed(seed: int, variable: str, weights: str, time: Hashable) -> list[int]:
    return [int(seed)] + [zlib.crc32(str(x).encode()) for x in (variable, weights, time)]


def _py(x: Hashable) -> Hashable:
    return x.item() if isinstance(x, np.generic) else x


def moran_panel(
    df: pd.DataFrame,
    *,
    entity: str,
    time: str,
    variables: Sequence[str],
    weights: Mapping[str, SpatialWeights],
    permutations: int = 999,
    seed: int = 0,
    alternative: Alternative = "two-sided",
    progress: bool = True,
) -> pd.DataFrame:
    """Global Moran's I of each variable, under each weights matrix, in each period.

    Parameters
    ----------
    df : DataFrame
        Long panel, one row per entity and period.
    entity, time : str
        Column names of the entity id and the period.
    variables : sequence of str
        Numeric columns to test.
    weights : mapping of name to SpatialWeights
        Each is aligned to the panel's entities (by string form of the ids); the
        entity sets must be equal.
    permutations, seed, alternative
        As in :func:`global_moran`. Each (variable, weights, time) cell draws its
        permutations from a Generator seeded by ``seed`` and the cell's labels,
        so a cell's ``p_perm`` does not depend on which other cells are requested.
    progress : bool
        Show a progress bar over the cells when the run takes more than 2 s.

    Returns
    -------
    DataFrame
        One row per variable x weights x period with exactly :data:`MORAN_FIELDS`.

    Raises
    ------
    DataError
        Unknown columns, repeated entity-periods, entity sets that differ from a
        weights matrix (names listed), missing values (entity-periods listed), or
        a period without variation.
    """
    _check_common(permutations, alternative)
    if isinstance(variables, str):
        variables = [variables]
    for col in [entity, time, *variables]:
        if col not in df.columns:
            raise DataError(f"Panel has no column {col!r}; columns are {list(df.columns)}.")
    if not weights:
        raise SpecError("moran_panel needs at least one weights matrix.")
    dup = df.duplicated([entity, time])
    if dup.any():
        pairs = [tuple(_py(v) for v in p)
                 for p in df.loc[dup, [entity, time]].itertuples(index=False, name=None)]
        raise DataError(f"Panel repeats entity-periods ({entity}, {time}): {pairs[:20]}.")
    ents = [_py(e) for e in pd.unique(df[entity])]
    aligned: dict[str, tuple[SpatialWeights, tuple[float, float, float]]] = {}
    for name, w in weights.items():
        try:
            wa = w.align(ents)
        except DataError as err:
            raise DataError(f"Weights {name!r}: {err}") from None
        aligned[name] = (wa, _weight_constants(wa))
    periods = list(pd.unique(df[time]))
    try:
        periods = sorted(periods)
    except TypeError:
        pass
    rows = []
    cross: dict[str, np.ndarray] = {}  # variable -> (N, T) in entity x period order
    for var in variables:
        values = pd.to_numeric(df[var], errors="coerce")
        if (values.isna() & df[var].notna()).any():
            raise DataError(f"Column {var!r} is not numeric.")
        wide = values.groupby([df[entity], df[time]]).first().unstack(time)
        wide = wide.reindex(index=ents, columns=periods)
        gaps = wide.isna().to_numpy()
        if gaps.any():
            r, c = np.nonzero(gaps)
            cells = [(ents[a], _py(periods[b])) for a, b in zip(r, c, strict=True)]
            raise DataError(
                f"Moran's I of {var!r} needs every entity in every period; missing "
                f"({entity}, {time}): {cells[:20]}" + (" ..." if len(cells) > 20 else "")
                + ". Fill or drop those periods/entities first."
            )
        flat = [_py(t) for t, col in wide.items() if np.ptp(col.to_numpy()) == 0]
        if flat:
            raise DataError(
                f"{var!r} has no variation across entities in {time} {name_list(flat)}; "
                "drop those periods."
            )
        cross[var] = wide.to_numpy(float)
    from tqdm.auto import tqdm  # imported on use (it loads asyncio): runs without Moran skip it

    with tqdm(total=len(variables) * len(aligned) * len(periods), desc="Moran's I",
              disable=not progress, delay=2.0, leave=False) as bar:
        for var in variables:
            for name, (wa, consts) in aligned.items():
                for k, t in enumerate(periods):
                    res = _global(cross[var][:, k], wa, consts, permutations=permutations,
                                  seed=_cell_seed(seed, var, name, t), alternative=alternative)
                    rows.append(res.as_row(variable=var, weights=name, time=_py(t)))
                    bar.update()
    return pd.DataFrame(rows, columns=list(MORAN_FIELDS))


# ------------------------------------------------------------------- local
def _padded_neighbours(w: SpatialWeights) -> tuple[np.ndarray, int]:
    """Row weights packed left into an (N, k_max) array (zeros pad)."""
    m = w.to_sparse()
    k = np.diff(m.indptr)
    kmax = int(k.max()) if len(k) else 0
    pad = np.zeros((w.n, max(kmax, 1)))
    cols = np.arange(len(m.data)) - np.repeat(m.indptr[:-1], k)
    pad[np.repeat(np.arange(w.n), k), cols] = m.data
    return pad, kmax


def _conditional_counts(
    z: np.ndarray, scale: np.ndarray, ii: np.ndarray, w: SpatialWeights,
    permutations: int, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Counts of conditional-permutation local statistics >= and <= the observed ones.

    For entity i, z_i stays fixed and its k_i neighbour slots take k_i values drawn
    without replacement from the other N-1 entities. One set of draws of k_max
    positions among N-1 is shared by all i (as in esda); position p maps to
    entity p + [p >= i], so each i sees a uniform draw from the others.
    """
    n = w.n
    pad, kmax = _padded_neighbours(w)
    ge = np.zeros(n)
    le = np.zeros(n)
    if kmax == 0:
        return ge + permutations, le + permutations
    mstep = max(1, _CHUNK // n)
    for mstart in range(0, permutations, mstep):
        mc = min(mstep, permutations - mstart)
        draws = rng.permuted(np.broadcast_to(np.arange(n - 1), (mc, n - 1)), axis=1)[:, :kmax]
        ostep = max(1, _CHUNK // (mc * kmax))
        for ostart in range(0, n, ostep):
            obs = np.arange(ostart, min(n, ostart + ostep))
            j = draws[None, :, :] + (draws[None, :, :] >= obs[:, None, None])
            lag = np.einsum("omk,ok->om", z[j], pad[obs])
            sims = scale[obs, None] * lag
            ge[obs] += (sims >= ii[obs, None]).sum(axis=1)
            le[obs] += (sims <= ii[obs, None]).sum(axis=1)
    return ge, le


def local_moran(
    y: np.ndarray | pd.Series | Sequence[float],
    w: SpatialWeights,
    *,
    permutations: int = 999,
    seed: int | Sequence[int] = 0,
    alternative: Alternative = "two-sided",
    null: LocalNull = "conditional",
    significance: float = 0.05,
    cluster_p: ClusterP = "perm",
) -> pd.DataFrame:
    """Local Moran's I (Anselin 1995) with analytic and permutation inference and clusters.

    With :math:`z = y - \\bar y`, :math:`m_2 = \\sum z^2 / N`, :math:`w_i = \\sum_j w_{ij}`,
    :math:`w_{i(2)} = \\sum_j w_{ij}^2`:

    .. math:: I_i = \\frac{z_i}{m_2} \\sum_j w_{ij} z_j .

    ``null="conditional"`` (Sokal et al. 1998, eqs. A7-A8; spdep's default):
    :math:`E[I_i] = -z_i^2 w_i / ((N-1) m_2)`,
    :math:`V[I_i] = (z_i/m_2)^2 \\frac{N}{N-2} (w_{i(2)} - \\frac{w_i^2}{N-1})
    (m_2 - \\frac{z_i^2}{N-1})`.
    ``null="total"`` (eqs. A3-A4): :math:`E[I_i] = -w_i/(N-1)`,
    :math:`V[I_i] = w_{i(2)} \\frac{N-b_2}{N-1} + (w_i^2 - w_{i(2)})
    \\frac{2b_2 - N}{(N-1)(N-2)} - E[I_i]^2`, :math:`b_2 = \\sum z^4 / (N m_2^2)`.

    This is ``spdep::localmoran(mlvar=TRUE)``; esda's ``Moran_Local.Is`` divides by
    N-1 instead of N (``Is = (N-1)/N * Ii``), its ``EI, VI`` and ``EIc, VIc`` match the
    total and conditional moments here. ``p_perm`` comes from conditional
    permutations (z_i fixed, the others permuted), with the ``alternative``
    convention of the module docstring.

    Returns
    -------
    DataFrame
        Columns ``entity, Ii, expected, variance, z, p_norm, p_perm, quadrant,
        cluster``. ``quadrant`` is HH (z_i > 0, lag > 0), LH, LL or HL (first letter
        the entity's own value, second its spatial lag; 0 counts as low, as in
        spdep and esda). ``cluster`` is the quadrant where the ``cluster_p`` p-value
        ("perm" or "norm") is at most ``significance``, else ``"ns"``.
    """
    _check_common(permutations, alternative)
    check_literal(null, LocalNull, "null")
    check_literal(cluster_p, ClusterP, "cluster_p")
    if not 0 < significance < 1:
        raise SpecError(f"significance must be in (0, 1); {significance!r} was given.")
    if cluster_p == "perm" and permutations == 0:
        raise SpecError("cluster_p='perm' needs permutations > 0; set permutations or cluster_p='norm'.")
    arr = _vector(y, w, "local Moran's I")
    n = w.n
    z = arr - arr.mean()
    m2 = float(z @ z) / n
    lz = w.lag(z)
    ii = z / m2 * lz
    wi = w.row_sums
    sq = w.matrix**2 if isinstance(w.matrix, np.ndarray) else w.matrix.multiply(w.matrix)
    wi2 = np.asarray(sq.sum(axis=1)).ravel()
    if null == "conditional":
        ei = -(z**2) * wi / ((n - 1) * m2)
        vi = (z / m2) ** 2 * (n / (n - 2)) * (wi2 - wi**2 / (n - 1)) * (m2 - z**2 / (n - 1))
    else:
        b2 = float((z**4).sum()) / n / m2**2
        ei = -wi / (n - 1)
        vi = (wi2 * (n - b2) / (n - 1) + (wi**2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2))
              - ei**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        zi = (ii - ei) / np.sqrt(vi)
    p_norm = _p_normal(zi, alternative)
    p_perm = np.full(n, np.nan)
    if permutations:
        ge, le = _conditional_counts(z, z / m2, ii, w, permutations, np.random.default_rng(seed))
        p_perm = _p_from_counts(ge, le, permutations, alternative)
    quad = np.array(QUADRANTS)[
        np.select([(z > 0) & (lz > 0), (z <= 0) & (lz > 0), (z <= 0) & (lz <= 0)], [0, 1, 2], 3)
    ]
    p_cut = p_perm if cluster_p == "perm" else p_norm
    cluster = np.where(p_cut <= significance, quad, "ns")
    return pd.DataFrame({
        "entity": list(w.entities), "Ii": ii, "expected": ei, "variance": vi, "z": zi,
        "p_norm": p_norm, "p_perm": p_perm, "quadrant": quad, "cluster": cluster,
    })


def moran_scatter(y: np.ndarray | pd.Series | Sequence[float], w: SpatialWeights) -> MoranScatter:
    """Data of a Moran scatter plot of ``y`` under ``w`` (see :class:`MoranScatter`)."""
    arr = _vector(y, w, "Moran scatter plot")
    z = (arr - arr.mean()) / arr.std()
    wz = w.lag(z)
    zz = float(z @ z)
    slope = float(z @ wz) / zz
    s0 = float(w.matrix.sum())
    quad = np.array(QUADRANTS)[
        np.select([(z > 0) & (wz > 0), (z <= 0) & (wz > 0), (z <= 0) & (wz <= 0)], [0, 1, 2], 3)
    ]
    return MoranScatter(
        entities=w.entities, z=z, wz=wz, slope=slope, intercept=float(wz.mean()),
        I=w.n / s0 * slope, quadrant=tuple(quad.tolist()),
    )
