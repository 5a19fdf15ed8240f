"""JSON form of results (the results.json contract of DESIGN.md)."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import numpy as np

from regiometrics.results.result import Result


def _num(x: Any) -> Any:
    """Plain-JSON number: NaN and infinities become ``None``; numpy scalars become Python."""
    if isinstance(x, (np.floating, float)):
        x = float(x)
        return None if not math.isfinite(x) else x
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def jsonable(obj: Any) -> Any:
    """Recursively convert mappings, sequences, numpy values to JSON-safe values."""
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    return _num(obj)


def result_to_json(result: Result) -> dict[str, Any]:
    """The results.json record of one model.

    Keys: ``type``, ``dependent``, ``nobs``, ``params``, ``std_errors``, ``pvalues``,
    ``stats``, ``df_resid``, ``info`` and, when present, ``effects``, ``wild_bootstrap``
    (``{term: {t_stat, pvalue, ci_low, ci_high}}`` with the settings beside the terms:
    ``method``, ``cluster``, ``n_clusters``, ``draws``, ``draws_requested``, ``enumerated``,
    ``weights``, ``seed``, ``level``, ``pvalue_type``, ``impose_null``) and ``components``.
    """
    out: dict[str, Any] = {
        "type": result.type,
        "dependent": result.dependent,
        "nobs": int(result.nobs),
        "params": jsonable(dict(result.params)),
        "std_errors": jsonable(dict(result.std_errors)),
        "pvalues": jsonable(dict(result.pvalues)),
        "stats": jsonable(dict(result.stats)),
        "df_resid": result.df_resid,
        "info": jsonable(dict(result.info)),
    }
    if result.effects:
        out["effects"] = {
            kind: {term: jsonable(asdict(e)) for term, e in terms.items()}
            for kind, terms in result.effects.items()
        }
    if result.wild_bootstrap is not None:
        wb = result.wild_bootstrap
        out["wild_bootstrap"] = {
            **{term: jsonable(asdict(test)) for term, test in wb.terms.items()},
            **jsonable(wb.settings()),
        }
    if result.components:
        out["components"] = {k: result_to_json(v) for k, v in result.components.items()}
    return out
