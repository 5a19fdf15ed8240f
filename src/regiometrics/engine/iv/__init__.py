"""Panel IV kernels: 2SLS, LIML and two-step GMM with ivreg2's weak-instrument diagnostics.

Public API: :func:`fit_iv` (estimation + diagnostics + first stages), :class:`IVResult`
(frozen; ``summary()``, ``to_result()``), :func:`anderson_rubin_test` (AR test of any
``beta0``), :func:`kleibergen_paap` (the rk statistic itself) and the Stock-Yogo (2005)
tables (:func:`critical_value`, :func:`stock_yogo_values`).

Fixed effects are absorbed by the caller (demean ``y``, ``X_exog``, ``X_endog`` and ``Z``)
and declared through ``absorbed_df``. Stata equivalents:

=========================================================  =====================================
Stata                                                      ``fit_iv`` options
=========================================================  =====================================
``ivreg2 y x1 (x2 = z)``                                   X_exog with a ``_cons`` column,
                                                           ``small=False``
``ivreg2 ..., small``                                      ``small=True, ssc="ivreg2"``
``xtivreg2 y x1 (x2 = z), fe [small]``                     within-demeaned data, no constant,
                                                           ``absorbed_df`` = number of panels,
                                                           ``absorbed_as="dofminus"``
``ivreghdfe y x1 (x2 = z), absorb(i t) [cluster(i)]``      ``absorbed_df`` = reghdfe's ``df_a``
                                                           (FE nested in the cluster dropped,
                                                           at least 1), ``absorbed_as=
                                                           "sdofminus"``
reghdfe/fixest small-sample convention (project default)   ``small=True, ssc="fixest"``,
                                                           ``absorbed_nested_df`` for nested FE
=========================================================  =====================================

The diagnostics keep ivreg2's definitions and degrees of freedom in every case.
"""

from regiometrics.engine.iv.diagnostics import FirstStage, RankTest, kleibergen_paap
from regiometrics.engine.iv.estimators import IVResult, anderson_rubin_test, fit_iv
from regiometrics.engine.iv.stock_yogo import critical_value, stock_yogo_values

__all__ = [
    "FirstStage",
    "IVResult",
    "RankTest",
    "anderson_rubin_test",
    "critical_value",
    "fit_iv",
    "kleibergen_paap",
    "stock_yogo_values",
]
