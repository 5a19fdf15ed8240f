"""Spec rules of instrumental-variable models (``type: iv``).

An IV model names its endogenous regressors and excluded instruments in one bracket of
its formula, ``"ER ~ MEDICAL + EC + [DT ~ IVNQ]"``; every other right-hand term (and every
``controls`` entry) is an included exogenous regressor. ``estimator`` chooses 2SLS (the
default), LIML or two-step efficient GMM. The rules are checked when the spec is loaded,
so a wrong model fails before any data are read.
"""

from __future__ import annotations

from typing import Any, get_args

from regiometrics.spec.formula import parse_formula
from regiometrics.spec.literals import IVEstimator

#: The ``fit_iv`` method behind each spec ``estimator`` value.
ESTIMATOR_METHODS: dict[str, str] = {"2sls": "2sls", "liml": "liml", "gmm": "gmm2s"}
assert set(ESTIMATOR_METHODS) == set(get_args(IVEstimator))


def check_iv_model(model: Any) -> None:
    """Refuse IV-only keys on other model types and malformed IV models.

    ``model`` is a :class:`~regiometrics.spec.models.ModelSpec` (duck-typed to avoid an
    import cycle). Raises ``ValueError`` (pydantic adds the file and key path).
    """
    formula = parse_formula(model.formula, where="formula")
    has_iv_part = bool(formula.endogenous or formula.instruments)
    if model.type != "iv":
        if getattr(model, "estimator", None) is not None:
            raise ValueError(
                f"'estimator' applies to type 'iv' only (this model is type {model.type!r}); "
                "remove it or set type: iv"
            )
        if has_iv_part:
            raise ValueError(
                f"the formula {model.formula!r} has an IV part '[endogenous ~ instruments]' but "
                f"the model is type {model.type!r}; set type: iv to instrument, or remove the "
                "brackets"
            )
        return
    if not has_iv_part:
        raise ValueError(
            f"type 'iv' needs the endogenous regressors and their excluded instruments in "
            f"brackets, e.g. 'y ~ x1 + [x2 ~ z1 + z2]'; got {model.formula!r}"
        )
    endog = [t.name for t in formula.endogenous]
    inst = [t.name for t in formula.instruments]
    if not endog:
        raise ValueError(f"no endogenous regressor before '~' inside the brackets of {model.formula!r}")
    if len(inst) < len(endog):
        raise ValueError(
            f"the model is underidentified: {len(endog)} endogenous regressor(s) "
            f"({', '.join(endog)}) but {len(inst)} excluded instrument(s) "
            f"({', '.join(inst) or 'none'}); an IV model needs at least one excluded "
            "instrument per endogenous regressor"
        )
    exog = [t.name for t in model.parsed.terms]
    for name in endog:
        if name in exog:
            raise ValueError(
                f"{name} is both endogenous (inside the brackets) and an exogenous regressor "
                "(outside them or in controls); list it once, inside the brackets"
            )
    for name in inst:
        if name in exog:
            raise ValueError(
                f"{name} is both an excluded instrument and an included regressor; an included "
                "exogenous regressor instruments itself, so list it outside the brackets only"
            )
        if name in endog:
            raise ValueError(f"{name} cannot instrument itself; it is listed as endogenous")
    if not formula.intercept:
        raise ValueError("IV models always have an intercept (or absorb it with effects); remove '0'/'-1'")
    if model.hausman is not None:
        raise ValueError(
            "'hausman' compares FE with RE and does not apply to type 'iv'; IV models report "
            "the endogeneity test as stats endog_c / endog_c_p"
        )
