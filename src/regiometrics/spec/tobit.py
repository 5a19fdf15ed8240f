"""Spec keys of the Tobit model type (``type: tobit``): censoring limits and quadrature.

::

    models:
      - id: tob
        type: tobit
        formula: "eff ~ x1 + x2"
        left: 0          # lower limit (default 0); null for none
        right: 1         # upper limit (default none)
        effects: [entity]   # [] pooled (Stata tobit); [entity] random effects (xttobit, re)
        quadrature: 12      # Gauss-Hermite points of the random-effects likelihood

An observation with ``y <= left`` is left-censored, one with ``y >= right`` right-censored.
"""

from __future__ import annotations

from typing import Any

from regiometrics.spec.literals import MODEL_TYPES

#: ModelSpec keys only ``type: tobit`` takes.
TOBIT_MODEL_KEYS: frozenset[str] = frozenset({"left", "right", "quadrature"})
#: Their defaults (a non-Tobit model must leave them so).
TOBIT_DEFAULTS: dict[str, object] = {"left": 0.0, "right": None, "quadrature": 12}
#: ModelSpec keys ``type: tobit`` refuses (no absorbed fixed effects, no Hausman test).
NON_TOBIT_KEYS: frozenset[str] = frozenset({"hausman", "singletons"})


def check_tobit_model_keys(model: Any) -> None:
    """Refuse Tobit keys on other model types and check them on Tobit models.

    Raises ``ValueError`` (pydantic turns it into a spec error with the key path).
    """
    if model.type != "tobit":  # values, not fields set: SpecBase.replace sets every field
        bad = sorted(k for k, default in TOBIT_DEFAULTS.items() if getattr(model, k) != default)
        if bad:
            raise ValueError(
                f"{bad} apply only to type 'tobit' (censoring limits and quadrature points); "
                f"type {model.type!r} does not take them"
            )
        return
    bad = sorted(k for k in NON_TOBIT_KEYS if getattr(model, k) not in (None, "keep"))
    if bad:
        raise ValueError(f"type 'tobit' takes no {bad}; remove them")
    if model.left is None and model.right is None:
        raise ValueError(
            "type 'tobit' needs a censoring limit: 'left' (default 0) and/or 'right'; "
            "both are null"
        )
    if model.left is not None and model.right is not None and model.left >= model.right:
        raise ValueError(
            f"type 'tobit': left ({model.left}) must be below right ({model.right})"
        )
    if model.quadrature < 2:
        raise ValueError(f"type 'tobit': quadrature must be at least 2 points (got {model.quadrature})")
    if model.effects not in ([], ["entity"], ["time"], ["entity", "time"]):
        raise ValueError(
            "type 'tobit' takes effects [] (pooled), [entity] (random effects), [time] "
            f"(pooled with time dummies) or [entity, time]; got {model.effects}"
        )


def tobit_not_inherited(not_inherited: dict[str, set[str]]) -> None:
    """Extend the loader's map of ``defaults`` keys a model type does not inherit.

    Only Tobit models inherit ``left``/``right``/``quadrature``; Tobit models do not inherit
    ``hausman``/``singletons`` nor the IV ``estimator``. They do inherit ``effects`` (a default
    ``[entity, time]`` gives random entity effects plus period dummies) and ``vcov``.
    """
    for model_type in MODEL_TYPES:
        extra = NON_TOBIT_KEYS | {"estimator"} if model_type == "tobit" else TOBIT_MODEL_KEYS
        not_inherited.setdefault(model_type, set()).update(extra)
