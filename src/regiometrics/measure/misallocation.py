r"""Capital and labour misallocation after Hsieh & Klenow (2009), as measured in 003 (eqs. 12-15).

Procedure (003, Sec. 4.2.4 (2); Bai & Liu 2018 for the LSDV step):

1. Estimate a Cobb-Douglas production function with constant returns and province-specific
   capital elasticities by least squares with dummy variables (LSDV),

   .. math::
       \ln(Y_{it}/L_{it}) = \beta_{Ki}\ln(K_{it}/L_{it}) + \mu_i + \lambda_t + \varepsilon_{it},

   and set :math:`\beta_{Li} = 1 - \beta_{Ki}`.
2. Each year, output, capital and labour shares :math:`s_i = Y_i/Y`, :math:`K_i/K`,
   :math:`L_i/L` over the entities in the data, and output-weighted aggregate elasticities
   :math:`\beta_K = \sum_i s_i\beta_{Ki}`, :math:`\beta_L = \sum_i s_i\beta_{Li}`.
3. Relative distortion coefficients
   :math:`\hat\gamma_{Ki} = (K_i/K)/(s_i\beta_{Ki}/\beta_K)`,
   :math:`\hat\gamma_{Li} = (L_i/L)/(s_i\beta_{Li}/\beta_L)`.
4. Misallocation indices :math:`\tau_{Ki} = 1/\hat\gamma_{Ki} - 1`,
   :math:`\tau_{Li} = 1/\hat\gamma_{Li} - 1` and :math:`RM_i = |\tau_{Ki}| + |\tau_{Li}|`
   (Ji et al. 2016); smaller RM means better allocation.

:math:`\tau > 0`: the region uses less of the factor than its efficient share (the factor
is dear there); :math:`\tau < 0`: it uses more. Elasticities outside (0, 1) make the
efficient shares meaningless; a warning names such entities.

The result's ``frame`` has one row per entity-year with columns
``entity, time, output_share, capital_share, labour_share, beta_K, beta_L, beta_K_agg,
beta_L_agg, gamma_K, gamma_L, tau_K, tau_L, RM`` (entity and time keep the caller's names).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from regiometrics.errors import IdentificationError
from regiometrics.measure._longframe import (
    check_labels,
    check_option,
    check_positive,
    check_unique,
    numeric_column,
    require_columns,
)

Slopes = Literal["entity", "common"]

__all__ = ["Misallocation", "Slopes", "misallocation"]


@dataclass(frozen=True)
class Misallocation:
    r"""Result of :func:`misallocation`.

    Attributes
    ----------
    frame
        One row per entity-year: shares, elasticities, distortion coefficients, tau, RM.
    elasticities
        One row per entity: ``beta_K``, ``beta_L`` and the conventional OLS standard error
        of ``beta_K`` (``std_error``, NaN when the fit leaves no residual degrees of freedom).
    nobs, df_resid, r2
        LSDV observations, residual degrees of freedom and R-squared of
        :math:`\ln(Y/L)` on the dummies and slopes.
    """

    frame: pd.DataFrame
    elasticities: pd.DataFrame
    nobs: int
    df_resid: int
    r2: float


def misallocation(
    df: pd.DataFrame,
    *,
    output: str,
    capital: str,
    labour: str,
    entity: str,
    time: str,
    slopes: Slopes = "entity",
    time_effects: bool = True,
) -> Misallocation:
    """Hsieh-Klenow capital and labour misallocation with LSDV elasticities (003, eqs. 12-15).

    Parameters
    ----------
    df
        Province-year panel, one row per entity-year.
    output, capital, labour
        Columns of real GDP, capital stock (perpetual inventory) and employment; all > 0.
    entity, time
        Label columns.
    slopes
        ``"entity"``: a capital elasticity per entity (003, Bai & Liu 2018);
        ``"common"``: one elasticity for all entities.
    time_effects
        Include year dummies :math:`\\lambda_t` (003 does).

    Returns
    -------
    Misallocation
        ``frame`` (entity-year rows, see the module docstring), ``elasticities`` and fit
        statistics.

    Raises
    ------
    DataError
        Missing columns, missing or non-positive values (named by entity-year), duplicates.
    IdentificationError
        An entity with fewer than two years or constant :math:`\\ln(K/L)` (its elasticity is
        not identified), or a rank-deficient design.
    """
    func = "misallocation"
    check_option(func, "slopes", slopes, Slopes)
    require_columns(func, df, [entity, time, output, capital, labour])
    keys = [entity, time]
    for label in keys:
        check_labels(func, df, label, keys)
    check_unique(func, df, keys)
    y, k, l = (numeric_column(func, df, c, keys) for c in (output, capital, labour))
    for col, values in ((output, y), (capital, k), (labour, l)):
        check_positive(func, df, col, values, keys, strict=True, why="logarithms are taken")

    ent_code, entities = pd.factorize(df[entity], sort=True)
    time_code, times = pd.factorize(df[time], sort=True)
    lny, lnk = np.log(y / l), np.log(k / l)
    _check_slopes_identified(func, entity, entities, ent_code, lnk, slopes)

    n, n_ent = len(df), len(entities)
    blocks = [np.eye(n_ent)[ent_code]]  # entity dummies (absorb ln A + mu_i)
    if time_effects and len(times) > 1:
        blocks.append(np.eye(len(times))[time_code][:, 1:])
    if slopes == "entity":
        blocks.append(np.eye(n_ent)[ent_code] * lnk[:, None])
    else:
        blocks.append(lnk[:, None])
    design = np.hstack(blocks)
    rank = np.linalg.matrix_rank(design)
    if rank < design.shape[1]:
        raise IdentificationError(
            f"{func}: the LSDV design has rank {rank} < {design.shape[1]} columns; the "
            f"capital elasticities are not identified (ln({capital}/{labour}) moves with the "
            "entity and year effects). Use slopes='common' or time_effects=False."
        )
    from statsmodels.regression.linear_model import OLS  # heavy: loaded only when used

    fit = OLS(lny, design).fit()
    n_slopes = n_ent if slopes == "entity" else 1
    beta_k = np.asarray(fit.params[-n_slopes:], dtype=float)
    df_resid = int(n - design.shape[1])
    se = np.asarray(fit.bse[-n_slopes:], dtype=float) if df_resid > 0 else np.full(n_slopes, np.nan)
    if slopes == "common":
        beta_k, se = np.repeat(beta_k, n_ent), np.repeat(se, n_ent)
    outside = [str(e) for e, b in zip(entities, beta_k) if not 0 < b < 1]
    if outside:
        warnings.warn(
            f"{func}: estimated capital elasticities outside (0, 1) for {entity} "
            f"{outside[:8]}; their labour elasticity 1 - beta_K is not positive and their "
            "distortion coefficients are not meaningful.",
            RuntimeWarning,
            stacklevel=2,
        )

    frame = _distortions(df[keys].reset_index(drop=True), y, k, l, time_code, beta_k[ent_code])
    elasticities = pd.DataFrame(
        {entity: entities, "beta_K": beta_k, "beta_L": 1.0 - beta_k, "std_error": se}
    )
    ss_tot = float(np.sum((lny - lny.mean()) ** 2))
    r2 = 1.0 - float(np.sum(fit.resid**2)) / ss_tot if ss_tot > 0 else np.nan
    return Misallocation(frame=frame, elasticities=elasticities, nobs=n, df_resid=df_resid, r2=r2)


def _check_slopes_identified(
    func: str, entity: str, entities: pd.Index, code: np.ndarray, lnk: np.ndarray, slopes: str
) -> None:
    if slopes != "entity":
        return
    counts = np.bincount(code, minlength=len(entities))
    spread = np.zeros(len(entities))
    np.maximum.at(spread, code, lnk)
    low = np.full(len(entities), np.inf)
    np.minimum.at(low, code, lnk)
    spread = spread - low
    bad = [str(e) for e, c, s in zip(entities, counts, spread) if c < 2 or s <= 1e-12]
    if bad:
        raise IdentificationError(
            f"{func}: the capital elasticity of {entity} {bad[:8]} is not identified: each "
            "entity needs at least two years with different capital-labour ratios. Drop "
            "these entities or use slopes='common'."
        )


def _distortions(
    keys: pd.DataFrame,
    y: np.ndarray,
    k: np.ndarray,
    l: np.ndarray,
    period: np.ndarray,
    beta_k: np.ndarray,
) -> pd.DataFrame:
    """Per-year shares, aggregate elasticities, gamma, tau and RM (003 eqs. 12-13)."""

    def share(v: np.ndarray) -> np.ndarray:
        return v / np.bincount(period, weights=v)[period]

    s, ks, ls = share(y), share(k), share(l)
    beta_l = 1.0 - beta_k
    agg_k = np.bincount(period, weights=s * beta_k)[period]
    agg_l = np.bincount(period, weights=s * beta_l)[period]
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma_k = ks / (s * beta_k / agg_k)
        gamma_l = ls / (s * beta_l / agg_l)
        tau_k = 1.0 / gamma_k - 1.0
        tau_l = 1.0 / gamma_l - 1.0
    out = keys.copy()
    out["output_share"], out["capital_share"], out["labour_share"] = s, ks, ls
    out["beta_K"], out["beta_L"] = beta_k, beta_l
    out["beta_K_agg"], out["beta_L_agg"] = agg_k, agg_l
    out["gamma_K"], out["gamma_L"] = gamma_k, gamma_l
    out["tau_K"], out["tau_L"] = tau_k, tau_l
    out["RM"] = np.abs(tau_k) + np.abs(tau_l)
    return out
