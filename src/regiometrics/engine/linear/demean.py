r"""The within transformation: the one kernel that sweeps fixed effects out of data.

Every estimator that absorbs fixed effects (FE/OLS, IV, subgroup tests, the Hausman test,
the bootstrap of mediation models, spatial panels) calls :func:`demean`. For fixed effects
``f = 1..k`` with integer group codes :math:`g_f(i)` and dummy matrices :math:`D_f`, the
result is the residual of each column on all dummies,

.. math:: \tilde z = M_D z, \qquad M_D = I - D (D' W D)^{-} D' W,
          \quad D = [D_1, \dots, D_k],

with :math:`W` diagonal frequency weights (all ones when unweighted).

How it is computed
------------------
* **One effect**: exact in one pass, :math:`\tilde z_i = z_i - \bar z_{g(i)}`.
* **Two effects on a balanced grid** (every pair of levels observed exactly once,
  unweighted): exact in one pass,
  :math:`\tilde z_{it} = z_{it} - \bar z_{i\cdot} - \bar z_{\cdot t} + \bar z`.
* **Otherwise** (unbalanced, weighted, or ``k >= 3`` effects): alternating projections
  :math:`S = M_k \cdots M_1` (subtract the weighted group means of each effect in turn,
  the method of reghdfe and fixest), accelerated by Irons and Tuck (1969): from
  :math:`x_0`, :math:`x_1 = S x_0`, :math:`x_2 = S x_1`, with
  :math:`\delta_1 = x_2 - x_1` and :math:`\delta_2 = x_2 - 2 x_1 + x_0`, the next iterate is
  :math:`x_2 - \frac{\langle \delta_1, \delta_2 \rangle}{\langle \delta_2, \delta_2 \rangle}
  \delta_1` (per column, weighted inner products). Every iterate differs from the data by a
  combination of dummies, so the limit is :math:`M_D z` whatever the step sizes; iteration
  stops when a sweep changes no value by more than ``tol`` times the column's scale.

Many right-hand sides at once: ``values`` is ``n x p`` and ``weights`` may be a ``B x n``
stack (one set of frequency weights per bootstrap draw), demeaned together as a
``B x n x p`` array.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from regiometrics.errors import ConvergenceError


def group_sums(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-group column sums of ``values`` (n, k) as an (n_groups, k) array.

    One ``bincount`` per column: O(n k), several times faster than ``np.add.at``.
    """
    return np.column_stack(
        [np.bincount(codes, weights=values[:, j], minlength=n_groups)
         for j in range(values.shape[1])]
    ) if values.shape[1] else np.zeros((n_groups, 0))


def group_means(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Per-group column means of ``values`` (n, k), returned as an (n_groups, k) array."""
    counts = np.bincount(codes, minlength=n_groups).astype(float)
    return group_sums(values, codes, n_groups) / counts[:, None]


def is_balanced_grid(fe_codes: Sequence[np.ndarray]) -> bool:
    """True for two effects whose every pair of levels occurs exactly once (O(n)).

    Codes must be 0..G-1 with every level present (as :func:`pandas.factorize` gives).
    """
    if len(fe_codes) != 2:
        return False
    a, b = fe_codes
    g_a, g_b = int(a.max()) + 1, int(b.max()) + 1
    if a.shape[0] != g_a * g_b:
        return False
    return bool(np.bincount(a * g_b + b, minlength=g_a * g_b).max() == 1)


def _sorted_grid(
    fe_codes: Sequence[np.ndarray], sizes: list[int]
) -> tuple[tuple[int, int], tuple[int, ...]] | None:
    """Rows as a (A, B) grid, and the axes to average over, when the effects allow it.

    Two effects: a balanced grid stored row-major in either order (both axes). One
    effect: groups of equal size stored as consecutive blocks (axis 1) or interleaved in
    a repeating cycle (axis 0). None otherwise.
    """
    n = fe_codes[0].shape[0]
    if len(fe_codes) == 2:
        a, b = fe_codes
        if n != sizes[0] * sizes[1]:
            return None
        rows = np.arange(n)
        if np.array_equal(a * sizes[1] + b, rows):
            return (sizes[0], sizes[1]), (0, 1)
        if np.array_equal(b * sizes[0] + a, rows):
            return (sizes[1], sizes[0]), (0, 1)
        return None
    if len(fe_codes) != 1:
        return None
    (c,), (g,) = fe_codes, sizes
    if n % g:
        return None
    m = n // g
    if c[0] == 0 and c[-1] == g - 1:
        if np.array_equal(c, np.repeat(np.arange(g), m)):
            return (g, m), (1,)
        if np.array_equal(c, np.tile(np.arange(g), m)):
            return (m, g), (0,)
    return None


def demean(
    values: np.ndarray,
    fe_codes: Sequence[np.ndarray],
    *,
    weights: np.ndarray | None = None,
    tol: float = 1e-13,
    max_iter: int = 10_000,
    overwrite: bool = False,
    slopes: Sequence[np.ndarray | None] | None = None,
) -> np.ndarray:
    """Remove fixed effects from the columns of ``values`` (see the module docstring).

    Parameters
    ----------
    values
        (n,) or (n, p) array.
    fe_codes
        One integer code array (0..G-1) per set of fixed effects; empty for none.
    weights
        Optional non-negative frequency weights (rows with weight 0 are ignored): ``n``
        weights, or a ``B x n`` stack demeaned together (one draw per row).
    tol
        Convergence threshold on the largest absolute change of a sweep, relative to the
        scale of each column (its largest absolute value, at least 1).
    max_iter
        Sweeps allowed before :class:`ConvergenceError`.
    overwrite
        Reuse ``values`` (a float64 array) for the result where possible instead of copying.
    slopes
        Optional, one entry per effect: ``None`` for plain group intercepts, or an ``n``
        array :math:`v` for group-specific intercepts *and* slopes on :math:`v` (fixest's
        ``id[t]``: unit-specific linear trends when :math:`v` is time). That effect's step
        of the sweep is the (weighted) within-group regression on :math:`[1, v]`:
        :math:`x - \bar x_g - b_g (v - \bar v_g)`, :math:`b_g = \\sum_{i \\in g} w_i (v_i -
        \bar v_g) x_i / \\sum_{i \\in g} w_i (v_i - \bar v_g)^2` (no slope where :math:`v`
        is constant within the group).

    Returns
    -------
    numpy.ndarray
        (n, p) residuals of ``values`` on all fixed-effect dummies (a new array), or
        (B, n, p) for stacked weights.
    """
    z = np.asarray(values, dtype=float) if overwrite else np.array(values, dtype=float)
    if z.ndim == 1:
        z = z[:, None]
    z = np.ascontiguousarray(z)
    if slopes is not None and any(v is not None for v in slopes):
        w = np.ones(z.shape[0]) if weights is None else np.asarray(weights, dtype=float)
        return _demean_weighted(z, fe_codes, w, tol, max_iter, slopes)
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        if w.ndim == 1 and fe_codes:
            return _demean_one_weight(z, fe_codes, w, tol, max_iter)
        return _demean_weighted(z, fe_codes, w, tol, max_iter)
    if not fe_codes:
        return z
    sizes = [int(c.max()) + 1 for c in fe_codes]
    grid = _sorted_grid(fe_codes, sizes)
    if grid is not None:  # balanced and stored in grid order: means along array axes
        shape, axes = grid
        cube = z.reshape(*shape, z.shape[1])
        if len(axes) == 1:
            cube -= cube.mean(axis=axes[0], keepdims=True)
        else:  # z - mean over axis 0 - mean over axis 1 + grand mean, in place, that order
            m0, m1 = cube.mean(axis=0, keepdims=True), cube.mean(axis=1, keepdims=True)
            grand = cube.mean(axis=(0, 1), keepdims=True)
            cube -= m0
            cube -= m1
            cube += grand
        return z
    if len(fe_codes) == 1:
        z -= group_means(z, fe_codes[0], sizes[0])[fe_codes[0]]
        return z
    if is_balanced_grid(fe_codes):
        a, b = fe_codes
        grand = z.mean(axis=0)
        mean_a = group_means(z, a, sizes[0]) - grand
        z -= mean_a[a]
        z -= group_means(z, b, sizes[1])[b]
        return z
    inv_counts = []
    for codes, size in zip(fe_codes, sizes):
        counts = np.bincount(codes, minlength=size).astype(float)
        inv_counts.append(np.divide(1.0, counts, out=np.zeros_like(counts), where=counts > 0))

    def sweep(x: np.ndarray) -> np.ndarray:
        x = x.copy()
        for codes, size, inv in zip(fe_codes, sizes, inv_counts):
            x -= (group_sums(x, codes, size) * inv[:, None])[codes]
        return x

    def dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->j", u, v)

    scale = np.maximum(np.abs(z).max(axis=0), 1.0)
    return _accelerated(z, sweep, dot, tol * scale, max_iter)


def _accelerated(
    z: np.ndarray,
    sweep: Callable[[np.ndarray], np.ndarray],
    dot: Callable[[np.ndarray, np.ndarray], np.ndarray],
    limit: np.ndarray,
    max_iter: int,
) -> np.ndarray:
    """Irons-Tuck accelerated fixed-point iteration of the linear map ``sweep``.

    ``dot`` gives per-column inner products (shape of ``limit``); convergence when one
    sweep changes no entry of a column by more than that column's ``limit``.
    """
    sweeps = 0

    def converged(new: np.ndarray, old: np.ndarray) -> bool:
        change = np.abs(new - old)
        return bool((change.max(axis=-2) <= limit).all())

    while True:
        x1 = sweep(z)
        sweeps += 1
        if converged(x1, z):
            return x1
        if sweeps >= max_iter:
            break
        x2 = sweep(x1)
        sweeps += 1
        if converged(x2, x1):
            return x2
        if sweeps >= max_iter:
            break
        d1 = x2 - x1
        d2 = d1 - (x1 - z)
        den = dot(d2, d2)
        coef = np.divide(dot(d1, d2), den, out=np.zeros_like(den), where=den > 0)
        z = x2 - coef[..., None, :] * d1
    raise ConvergenceError(
        f"the fixed-effects sweep did not converge in {max_iter} sweeps; the panel may be "
        "very unbalanced or the effects weakly connected (few units link groups of "
        "periods). Check which periods each entity is observed in."
    )


def _demean_one_weight(
    z: np.ndarray,
    fe_codes: Sequence[np.ndarray],
    w: np.ndarray,
    tol: float,
    max_iter: int,
) -> np.ndarray:
    """One vector of weights (``aweights``): the unweighted sweep with weighted group means,
    one ``bincount`` per column and effect (no stacked copy of the data)."""
    sizes = [int(c.max()) + 1 for c in fe_codes]
    inv_w = []
    for codes, size in zip(fe_codes, sizes):
        tot = np.bincount(codes, weights=w, minlength=size)
        inv_w.append(np.divide(1.0, tot, out=np.zeros_like(tot), where=tot > 0))
    wcol = w[:, None]

    def sweep(x: np.ndarray) -> np.ndarray:
        x = x.copy()
        for codes, size, inv in zip(fe_codes, sizes, inv_w):
            x -= (group_sums(x * wcol, codes, size) * inv[:, None])[codes]
        return x

    def dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij,i->j", u, v, w)

    if len(fe_codes) == 1:
        return sweep(z)
    scale = np.maximum(np.abs(z).max(axis=0), 1.0)
    return _accelerated(z, sweep, dot, tol * scale, max_iter)


def _demean_weighted(
    z0: np.ndarray,
    fe_codes: Sequence[np.ndarray],
    weights: np.ndarray,
    tol: float,
    max_iter: int,
    slopes: Sequence[np.ndarray | None] | None = None,
) -> np.ndarray:
    """Weighted (and stacked) branch of :func:`demean`: ``B x n`` or ``n`` weights; also
    every call with group-specific slopes."""
    p = z0.shape[1]
    stacked = weights.ndim == 2
    w = np.atleast_2d(weights)
    n_draws = w.shape[0]
    z = np.repeat(z0[None], n_draws, axis=0)
    if not fe_codes:
        return z if stacked else z[0]
    draw = np.arange(n_draws)[:, None]
    wcol = w[:, :, None]
    groups = []
    slopes = list(slopes) if slopes is not None else [None] * len(fe_codes)
    for codes, v in zip(fe_codes, slopes):
        n_groups = int(codes.max()) + 1
        flat = draw * n_groups + codes
        size = n_draws * n_groups
        tot = np.bincount(flat.ravel(), weights=w.ravel(), minlength=size)
        inv = np.divide(1.0, tot, out=np.zeros_like(tot), where=tot > 0)
        slope = None
        if v is not None:
            v = np.broadcast_to(np.asarray(v, dtype=float), w.shape)
            vbar = np.bincount(flat.ravel(), weights=(w * v).ravel(), minlength=size) * inv
            vc = v - vbar[flat]
            svv = np.bincount(flat.ravel(), weights=(w * vc * vc).ravel(), minlength=size)
            svv0 = np.bincount(flat.ravel(), weights=(w * v * v).ravel(), minlength=size)
            varies = svv > 1e-12 * np.maximum(svv0, 1e-300)
            inv_s = np.divide(1.0, svv, out=np.zeros_like(svv), where=varies)
            slope = (vc[:, :, None], (w * vc)[:, :, None], inv_s.reshape(-1, 1))
        groups.append(((flat[:, :, None] * p + np.arange(p)).ravel(), inv.reshape(-1, 1), flat,
                       slope))

    def sweep(x: np.ndarray) -> np.ndarray:
        x = x.copy()
        for index, inv, flat, slope in groups:
            sums = np.bincount(index, weights=(x * wcol).ravel(), minlength=inv.size * p)
            x -= (sums.reshape(-1, p) * inv)[flat]
            if slope is not None:
                vc, wvc, inv_s = slope
                cross = np.bincount(index, weights=(x * wvc).ravel(), minlength=inv.size * p)
                x -= (cross.reshape(-1, p) * inv_s)[flat] * vc
        return x

    def dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.einsum("bij,bij,bi->bj", u, v, w)

    scale = np.maximum(np.abs(z0).max(axis=0), 1.0)
    out = _accelerated(z, sweep, dot, tol * scale, max_iter)
    return out if stacked else out[0]


class EntityBlocks:
    r"""Within cross-products of entity-reweighted panels from per-entity blocks.

    A resample that draws whole entities (bootstrap) or keeps a subset of them
    (permutation of entity groups) is the panel with entity weights :math:`c_i`, a drawn
    copy counting as a new entity. With :math:`e_i` the rows of entity :math:`i` after
    entity demeaning, :math:`D_i` its time dummies after entity demeaning and
    :math:`G_i = e_i'e_i`, Frisch-Waugh-Lovell gives the cross-products of the resample
    after removing entity and time effects

    .. math:: \tilde Z'\tilde Z = \sum_i c_i G_i - B' A^{+} B, \qquad
              A = \sum_i c_i D_i'D_i, \quad B = \sum_i c_i D_i'e_i ,

    where :math:`D_i'e_i` is :math:`e_i` placed on its periods (zeros elsewhere; the
    entity mean term vanishes because :math:`e_i` sums to zero) and
    :math:`D_i'D_i = \operatorname{diag}(o_i) - o_i o_i'/T_i` for the indicator
    :math:`o_i` of the :math:`T_i` periods entity :math:`i` is observed in. On a balanced
    panel :math:`A = (\sum_i c_i)(I - 11'/T)` and the correction is
    :math:`B'B / \sum_i c_i`; otherwise :math:`A^{+}` is the pseudo-inverse from a
    symmetric eigendecomposition (its null space holds the constant and the periods no
    drawn entity covers, which :math:`B` is orthogonal to). A stack of ``B`` weight
    vectors costs a few matrix products and ``B`` small ``T x T`` decompositions, instead
    of ``B`` demeaning passes over the rows.

    Parameters
    ----------
    values
        ``n x p`` data (raw or already demeaned: entity means are removed here).
    entity
        ``n`` entity codes 0..N-1.
    time
        ``n`` period codes 0..T-1 (one row per entity and period), or None for entity
        effects only.
    """

    def __init__(self, values: np.ndarray, entity: np.ndarray, time: np.ndarray | None) -> None:
        n, p = values.shape
        self.n_entities = int(entity.max()) + 1
        self.p = p
        e = values - group_means(values, entity, self.n_entities)[entity]
        outer = (e[:, :, None] * e[:, None, :]).reshape(n, p * p)
        self.gram = group_sums(outer, entity, self.n_entities)
        self.time = time is not None
        if time is None:
            return
        self.n_periods = t = int(time.max()) + 1
        grid = np.zeros((self.n_entities, t, p))
        grid[entity, time] = e
        self.blocks = grid.reshape(self.n_entities, t * p)
        self.balanced = n == self.n_entities * t
        if not self.balanced:
            obs = np.zeros((self.n_entities, t))
            obs[entity, time] = 1.0
            per = obs.sum(axis=1)
            self.obs = obs
            self.obs_outer = (obs[:, :, None] * obs[:, None, :] / per[:, None, None]).reshape(
                self.n_entities, t * t
            )

    def moments(self, weights: np.ndarray) -> np.ndarray:
        """``B x p x p`` within cross-products for a ``B x N`` stack of entity weights."""
        c = np.atleast_2d(np.asarray(weights, dtype=float))
        b, p = c.shape[0], self.p
        mom = (c @ self.gram).reshape(b, p, p)
        if not self.time:
            return mom
        t = self.n_periods
        sums = (c @ self.blocks).reshape(b, t, p)
        if self.balanced:
            total = c.sum(axis=1)[:, None, None]
            return mom - np.matmul(sums.transpose(0, 2, 1), sums) / total
        a = -(c @ self.obs_outer).reshape(b, t, t)
        a[:, np.arange(t), np.arange(t)] += c @ self.obs
        lam, vec = np.linalg.eigh(a)
        keep = lam > 1e-9 * np.maximum(lam[:, -1:], 1e-300)
        inv = np.divide(1.0, lam, out=np.zeros_like(lam), where=keep)
        proj = np.matmul(vec.transpose(0, 2, 1), sums)
        return mom - np.matmul(proj.transpose(0, 2, 1), proj * inv[:, :, None])
