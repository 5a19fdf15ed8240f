"""The one Result type every estimator returns.

A Result is a frozen value: it carries every number a table or a test needs
(coefficients, standard errors, p-values, N, fit statistics, diagnostics) and
never calls back into the engine.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats as sps


@dataclass(frozen=True)
class TidyRow:
    """One coefficient row of :meth:`Result.tidy`."""

    term: str
    estimate: float
    std_error: float
    statistic: float
    p_value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class EffectEstimate:
    """A derived effect (LeSage-Pace impact, indirect effect, marginal effect)."""

    estimate: float
    std_error: float
    pvalue: float
    ci_low: float = math.nan
    ci_high: float = math.nan


@dataclass(frozen=True)
class WildBootstrapTerm:
    """Wild cluster bootstrap test of one coefficient (``H0: beta = 0``).

    ``t_stat`` is the cluster-robust t statistic on the bootstrap clusters; ``pvalue`` the
    bootstrap p-value; ``ci_low``/``ci_high`` the interval found by inverting the test.
    """

    t_stat: float
    pvalue: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class WildBootstrap:
    """Wild cluster bootstrap results of a model: per-term tests and the settings used.

    ``method``: ``WCR`` (restricted, OLS/FE), ``WCU`` (unrestricted) or ``WRE`` (IV,
    Davidson-MacKinnon 2010); ``draws``: replications used (``2**G`` when ``enumerated``);
    ``draws_requested``: the spec's ``draws``.
    """

    terms: Mapping[str, WildBootstrapTerm]
    method: str
    cluster: str
    n_clusters: int
    draws: int
    draws_requested: int
    enumerated: bool
    weights: str
    seed: int
    level: float
    pvalue_type: str
    impose_null: bool

    def settings(self) -> dict[str, Any]:
        """The settings as a plain mapping (the results.json keys beside the terms)."""
        return {
            "method": self.method, "cluster": self.cluster, "n_clusters": self.n_clusters,
            "draws": self.draws, "draws_requested": self.draws_requested,
            "enumerated": self.enumerated, "weights": self.weights, "seed": self.seed,
            "level": self.level, "pvalue_type": self.pvalue_type,
            "impose_null": self.impose_null,
        }


@dataclass(frozen=True)
class Result:
    """Result of one model.

    Parameters
    ----------
    model_id, type, dependent
        The model's id and type from the spec, and the dependent variable's name.
    nobs
        Observations used (after listwise deletion).
    params, std_errors, pvalues
        ``{term: value}`` with the formula's own term names (``L.DT``, ``DT:INF``).
    stats
        Model-specific statistics ``{name: number}`` (``r2``, ``adj_r2``, ``r2_within``,
        IV diagnostics, ``loglik`` ...).
    df_resid
        Residual degrees of freedom for t-based inference; ``None`` means normal-based.
    vcov
        Covariance matrix of ``params`` (rows/columns in ``params`` order), or ``None``.
    effects
        Derived effects by kind, e.g. ``{"direct": {"DT": EffectEstimate(...)}}``.
    info
        Descriptive, non-numeric facts: effects absorbed, vcov label, cluster variable,
        dropped terms, notes. Tables may read it for indicator rows and notes.
    components
        Sub-results of composite models (mediation equations, subgroup fits), by name.
    wild_bootstrap
        Wild cluster bootstrap tests (``wild_bootstrap:`` key of the model), or ``None``.
    """

    model_id: str
    type: str
    dependent: str
    nobs: int
    params: Mapping[str, float]
    std_errors: Mapping[str, float]
    pvalues: Mapping[str, float]
    stats: Mapping[str, float] = field(default_factory=dict)
    df_resid: int | None = None
    vcov: np.ndarray | None = field(default=None, repr=False, compare=False)
    effects: Mapping[str, Mapping[str, EffectEstimate]] = field(default_factory=dict)
    info: Mapping[str, Any] = field(default_factory=dict)
    components: Mapping[str, Result] = field(default_factory=dict)
    wild_bootstrap: WildBootstrap | None = None

    @property
    def terms(self) -> list[str]:
        """Term names in estimation order."""
        return list(self.params)

    def tidy(self, *, level: float = 0.95) -> list[TidyRow]:
        """Fixed-column coefficient rows: term, estimate, std_error, statistic, p_value, CI.

        The CI is ``estimate +/- q * std_error`` with ``q`` the t quantile on
        ``df_resid`` degrees of freedom (normal when ``df_resid`` is ``None``).
        """
        alpha = 1.0 - level
        if self.df_resid is None:
            q = float(sps.norm.ppf(1 - alpha / 2))
        else:
            q = float(sps.t.ppf(1 - alpha / 2, self.df_resid))
        rows = []
        for term, est in self.params.items():
            se = float(self.std_errors.get(term, math.nan))
            stat = est / se if se and se > 0 else math.nan
            rows.append(
                TidyRow(
                    term=term,
                    estimate=float(est),
                    std_error=se,
                    statistic=float(stat),
                    p_value=float(self.pvalues.get(term, math.nan)),
                    ci_low=float(est - q * se),
                    ci_high=float(est + q * se),
                )
            )
        return rows
