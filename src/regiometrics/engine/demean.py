"""The within transformation: sweeping fixed effects out of a design.

For one set of effects with group codes :math:`g(i)` the transform is exact,
:math:`\\tilde x_i = x_i - \\bar x_{g(i)}`. For two sets (entity and time) it is
the projection onto the orthogonal complement of both dummy spaces, computed by
alternating projections (the method of reghdfe and fixest) until the largest
change is below ``tol``; on a balanced panel the first sweep is already exact:
:math:`\\tilde x_{it} = x_{it} - \\bar x_{i\\cdot} - \\bar x_{\\cdot t} + \\bar x`.
"""

from __future__ import annotations

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


def demean(
    values: np.ndarray,
    fe_codes: list[np.ndarray],
    *,
    tol: float = 1e-13,
    max_iter: int = 10_000,
) -> np.ndarray:
    """Remove fixed effects from the columns of ``values``.

    Parameters
    ----------
    values
        (n, k) array.
    fe_codes
        One integer code array (0..G-1) per set of fixed effects; empty for none.
    tol
        Convergence threshold on the largest absolute change of a sweep,
        relative to the scale of the data.
    max_iter
        Sweeps allowed before :class:`ConvergenceError`.

    Returns
    -------
    numpy.ndarray
        The residuals of ``values`` on all fixed-effect dummies.
    """
    out = np.array(values, dtype=float, copy=True)
    if out.ndim == 1:
        out = out[:, None]
    if not fe_codes:
        return out
    sizes = [int(c.max()) + 1 for c in fe_codes]
    if len(fe_codes) == 1:
        return out - group_means(out, fe_codes[0], sizes[0])[fe_codes[0]]
    scale = max(float(np.abs(out).max()), 1.0)
    for _ in range(max_iter):
        previous = out.copy()
        for codes, size in zip(fe_codes, sizes):
            out -= group_means(out, codes, size)[codes]
        if np.abs(out - previous).max() <= tol * scale:
            return out
    raise ConvergenceError(
        f"the fixed-effects sweep did not converge in {max_iter} iterations; "
        "the panel may be very unbalanced or effects poorly connected"
    )
