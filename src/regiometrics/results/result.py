"""The one Result type every estimator returns.

A Result is a frozen value: it carries every number a table or a test needs
(coefficients, standard errors, p-values, N, fit statistics, diagnostics) and
never calls back into the engine. Its numbers read as pandas objects named by
term (``params``, ``std_errors``, ``pvalues``, ``tstats`` are Series, ``cov`` and
``conf_int()`` DataFrames), and :meth:`Result.summary` prints a Stata-like table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from regiometrics.results.summary import render_summary, summary_html

#: Columns of :meth:`Result.tidy`, in order.
TIDY_COLUMNS: tuple[str, ...] = (
    "term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"
)


@dataclass(frozen=True)
class TidyRow:
    """One coefficient row of :meth:`Result.tidy_rows`."""

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


def _term_series(values: Mapping[str, float] | pd.Series, name: str) -> pd.Series:
    """``{term: value}`` as a float Series indexed by term (order kept)."""
    if isinstance(values, pd.Series):
        out = values.astype(float).copy()
    else:
        out = pd.Series(
            [float(v) if v is not None else math.nan for v in values.values()],
            index=pd.Index([str(k) for k in values], dtype=object),
            dtype=float,
        )
    out.index.name = "term"
    out.name = name
    return out


@dataclass(frozen=True, eq=False)
class Result:
    """Result of one model.

    Parameters
    ----------
    model_id, type, dependent
        The model's id and type from the spec, and the dependent variable's name.
    nobs
        Observations used (after listwise deletion).
    params, std_errors, pvalues
        ``{term: value}`` with the formula's own term names (``L.DT``, ``DT:INF``); stored
        and read as float :class:`pandas.Series` indexed by term, in estimation order.
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

    Notes
    -----
    Equality is identity (a Result holds arrays and Series); compare numbers with
    ``result.params.equals(other.params)`` and the like.
    """

    model_id: str
    type: str
    dependent: str
    nobs: int
    params: pd.Series
    std_errors: pd.Series
    pvalues: pd.Series
    stats: Mapping[str, float] = field(default_factory=dict)
    df_resid: int | None = None
    vcov: np.ndarray | None = field(default=None, repr=False, compare=False)
    effects: Mapping[str, Mapping[str, EffectEstimate]] = field(default_factory=dict)
    info: Mapping[str, Any] = field(default_factory=dict)
    components: Mapping[str, Result] = field(default_factory=dict)
    wild_bootstrap: WildBootstrap | None = None

    def __post_init__(self) -> None:
        for name in ("params", "std_errors", "pvalues"):
            object.__setattr__(self, name, _term_series(getattr(self, name), name))

    # ------------------------------------------------------------ pandas views
    @property
    def terms(self) -> list[str]:
        """Term names in estimation order."""
        return list(self.params.index)

    @property
    def tstats(self) -> pd.Series:
        """``params / std_errors`` (NaN where the standard error is zero or missing)."""
        se = self.std_errors.reindex(self.params.index)
        out = self.params / se.where(se > 0)
        out.name = "tstats"
        return out

    @property
    def cov(self) -> pd.DataFrame | None:
        """Covariance matrix of ``params`` as a DataFrame indexed by term (``None`` if the
        estimator keeps none)."""
        if self.vcov is None:
            return None
        v = np.asarray(self.vcov, dtype=float)
        if v.shape != (len(self.params), len(self.params)):
            return None
        return pd.DataFrame(v, index=self.params.index.copy(), columns=self.params.index.copy())

    def critical_value(self, level: float = 0.95) -> float:
        """Two-sided critical value of the model's reference distribution at ``level``.

        :math:`q = t_{1-\\alpha/2}(\\mathrm{df\\_resid})`, or the standard normal
        quantile when ``df_resid`` is ``None`` (the distribution the p-values use).
        """
        if not 0.0 < level < 1.0:
            from regiometrics.errors import SpecError

            raise SpecError(f"conf_int: level must be between 0 and 1, got {level!r}")
        alpha = 1.0 - level
        if self.df_resid is None:
            return float(sps.norm.ppf(1 - alpha / 2))
        return float(sps.t.ppf(1 - alpha / 2, self.df_resid))

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals ``estimate -/+ q * std_error`` (columns ``lower``, ``upper``).

        ``q`` is :meth:`critical_value` (t on ``df_resid`` or normal, as the p-values).
        """
        q = self.critical_value(level)
        se = self.std_errors.reindex(self.params.index)
        return pd.DataFrame({"lower": self.params - q * se, "upper": self.params + q * se})

    def tidy_rows(self, *, level: float = 0.95) -> list[TidyRow]:
        """Fixed-column coefficient rows: term, estimate, std_error, statistic, p_value, CI.

        The CI is ``estimate +/- q * std_error`` with ``q`` the t quantile on
        ``df_resid`` degrees of freedom (normal when ``df_resid`` is ``None``).
        """
        q = self.critical_value(level)
        rows = []
        for term, est in self.params.items():
            est = float(est)
            se = float(self.std_errors.get(term, math.nan))
            stat = est / se if se and se > 0 else math.nan
            rows.append(
                TidyRow(
                    term=str(term),
                    estimate=est,
                    std_error=se,
                    statistic=float(stat),
                    p_value=float(self.pvalues.get(term, math.nan)),
                    ci_low=float(est - q * se),
                    ci_high=float(est + q * se),
                )
            )
        return rows

    def tidy(self, *, level: float = 0.95) -> pd.DataFrame:
        """Coefficients as a DataFrame with the fixed columns of :data:`TIDY_COLUMNS`
        (term, estimate, std_error, statistic, p_value, ci_low, ci_high)."""
        rows = [tuple(getattr(r, c) for c in TIDY_COLUMNS) for r in self.tidy_rows(level=level)]
        return pd.DataFrame(rows, columns=list(TIDY_COLUMNS))

    @property
    def diagnostics(self) -> pd.Series:
        """The model's statistics (fit, IV diagnostics, log-likelihood, tests) as a Series."""
        out = pd.Series({k: (math.nan if v is None else v) for k, v in self.stats.items()},
                        dtype=object if any(isinstance(v, str) for v in self.stats.values())
                        else float, name="diagnostics")
        out.index.name = "statistic"
        return out

    @property
    def effects_frame(self) -> pd.DataFrame:
        """Derived effects (spatial direct/indirect/total, mediation indirect/Sobel, marginal
        effects) as a DataFrame indexed by (kind, term) with columns estimate, std_error,
        p_value, ci_low, ci_high; empty when the model has none."""
        rows = [(kind, str(term), e.estimate, e.std_error, e.pvalue, e.ci_low, e.ci_high)
                for kind, terms in self.effects.items() for term, e in terms.items()]
        frame = pd.DataFrame(rows, columns=["kind", "term", "estimate", "std_error", "p_value",
                                            "ci_low", "ci_high"])
        return frame.set_index(["kind", "term"])

    @property
    def auxiliary(self) -> pd.DataFrame:
        """Auxiliary parameters reported with a standard error in ``stats`` (``name`` and
        ``name_se``: Tobit's ``sigma_u``, ``sigma_e``, ``rho``) as a DataFrame with columns
        estimate, std_error; empty when the model has none."""
        rows = [(k, float(v), float(self.stats[f"{k}_se"])) for k, v in self.stats.items()
                if f"{k}_se" in self.stats and isinstance(v, (int, float))]
        return pd.DataFrame(rows, columns=["name", "estimate", "std_error"]).set_index("name")

    # ------------------------------------------------------------ printing
    def summary(self, *, level: float = 0.95) -> str:
        """A Stata-like text table: header (model, N, statistics), the coefficient block
        (coef., std. err., t or z, P>|t|, confidence interval), then auxiliary parameters
        and derived effects when present."""
        return render_summary(self, level=level)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return summary_html(self)
