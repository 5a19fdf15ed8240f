r"""Bootstrap confidence intervals from a sample of draws: percentile and bias-corrected
(BC) intervals with Stata's quantile definition (``estat bootstrap``), used by the entity
bootstrap of :mod:`regiometrics.engine.mechanisms.bootstrap` and the mediation kernel."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import scipy.stats as sps
from numpy.typing import ArrayLike

from regiometrics.errors import IdentificationError, SpecError
from regiometrics.options import check_literal

#: Quantile definitions: Stata's ``_pctile`` default, or numpy's linear interpolation.
QuantileMethod = Literal["stata", "linear"]


def percentile_interval(
    draws: ArrayLike,
    *,
    level: float = 0.95,
    quantile_method: QuantileMethod = "stata",
) -> tuple[float, float]:
    r"""Percentile bootstrap interval ``[q_{\alpha/2}, q_{1-\alpha/2}]`` of the draws.

    NaN draws (failed replications) are left out. Quantiles follow ``quantile_method``,
    see :func:`quantiles`.
    """
    x = _finite_draws(draws)
    alpha = alpha_from_level(level)
    lo, hi = quantiles(x, [alpha / 2, 1 - alpha / 2], method=quantile_method)
    return lo, hi


def bc_interval(
    draws: ArrayLike,
    estimate: float,
    *,
    level: float = 0.95,
    quantile_method: QuantileMethod = "stata",
) -> tuple[float, float]:
    r"""Bias-corrected (BC) bootstrap interval.

    With :math:`z_0 = \Phi^{-1}(\#\{\theta^*_b \le \hat\theta\}/B)` the interval is the
    :math:`\Phi(2z_0 - z_{1-\alpha/2})` and :math:`\Phi(2z_0 + z_{1-\alpha/2})`
    quantiles of the draws (Efron 1987; Stata's ``estat bootstrap, bc``). If no draw
    lies on one side of the estimate, the interval runs to the extreme draw.
    """
    x = _finite_draws(draws)
    alpha = alpha_from_level(level)
    z0 = sps.norm.ppf(np.mean(x <= estimate))
    zc = sps.norm.ppf(1 - alpha / 2)
    with np.errstate(invalid="ignore"):
        probs = sps.norm.cdf([2 * z0 - zc, 2 * z0 + zc])
    lo, hi = quantiles(x, probs, method=quantile_method)
    return lo, hi


def quantiles(
    x: np.ndarray, probs: Sequence[float], *, method: QuantileMethod = "stata"
) -> list[float]:
    """Empirical quantiles of ``x``.

    ``"stata"`` is the default definition of Stata's ``_pctile`` (used by ``estat
    bootstrap``): with sorted values ``x_(1..n)`` and ``P = n q``, the quantile is
    ``(x_(P) + x_(P+1)) / 2`` when ``P`` is whole and ``x_(ceil P)`` otherwise; ``P``
    within ``1e-9`` of a whole number counts as whole, so that ``0.025 * 1000`` is 25
    despite rounding in ``1 - 0.95``. ``"linear"`` is numpy's default interpolation.
    """
    check_literal(method, QuantileMethod, "quantile_method")
    if method == "linear":
        return [float(v) for v in np.quantile(x, probs, method="linear")]
    xs = np.sort(x)
    n = xs.size
    out = []
    for q in probs:
        pos = n * q
        whole = round(pos)
        if abs(pos - whole) <= 1e-9 * max(1.0, pos):
            lo, hi = min(max(whole, 1), n), min(whole + 1, n)
            out.append(float((xs[lo - 1] + xs[hi - 1]) / 2))
        else:
            out.append(float(xs[min(max(math.ceil(pos), 1), n) - 1]))
    return out


def _finite_draws(draws: ArrayLike) -> np.ndarray:
    x = np.asarray(draws, dtype=float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        raise IdentificationError(
            f"only {x.size} bootstrap draws could be estimated; a confidence interval needs "
            "at least 2. Check that the model is identified in resamples."
        )
    return x


def alpha_from_level(level: float) -> float:
    """``1 - level``; raises :class:`SpecError` unless ``0 < level < 1``."""
    if not 0 < level < 1:
        raise SpecError(f"confidence level must lie strictly between 0 and 1; got {level!r}.")
    return 1.0 - level
