"""Panel IV kernels: 2SLS, LIML and two-step GMM with ivreg2's weak-instrument diagnostics.

Public API: :func:`fit_iv` (estimation + diagnostics), :class:`IVResult`,
:func:`anderson_rubin_test`, :func:`kleibergen_paap`, and the Stock-Yogo (2005) tables
in :mod:`regiometrics.engine.iv.stock_yogo`.
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
