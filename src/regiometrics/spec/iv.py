"""Spec rules of instrumental-variable models (``type: iv``).

An IV model names its endogenous regressors and excluded instruments in one bracket of
its formula, ``"ER ~ MEDICAL + EC + [DT ~ IVNQ]"``; every other right-hand term (and every
``controls`` entry) is an included exogenous regressor. ``estimator`` chooses 2SLS (the
default), LIML or two-step efficient GMM. The rules are checked when the spec is loaded,
so a wrong model fails before any data are read.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Self, get_args

from pydantic import model_validator

from regiometrics.spec.formula import parse_formula
from regiometrics.spec.literals import IVEstimator
from regiometrics.spec.model_base import (
    AweightsKeys,
    FixedEffectsKeys,
    FormulaModel,
    SingletonsKeys,
    SubgroupKeys,
    VcovKeys,
    WildBootstrapKeys,
)

#: The ``fit_iv`` method behind each spec ``estimator`` value.
ESTIMATOR_METHODS: dict[str, str] = {"2sls": "2sls", "liml": "liml", "gmm": "gmm2s"}
assert set(ESTIMATOR_METHODS) == set(get_args(IVEstimator))


class IvSpec(FormulaModel, VcovKeys, FixedEffectsKeys, AweightsKeys, SingletonsKeys,
             WildBootstrapKeys, SubgroupKeys):
    """An instrumental-variable model (``type: iv``); ``estimator``: 2sls (default), liml, gmm."""

    absorbing: ClassVar[bool] = True
    refused: ClassVar[dict[str, str]] = {
        "hausman": "'hausman' compares FE with RE and does not apply to type 'iv'; IV models "
                   "report the endogeneity test as stats endog_c / endog_c_p",
    }

    type: Literal["iv"]
    estimator: IVEstimator | None = None

    @model_validator(mode="after")
    def _iv_well_formed(self) -> Self:
        check_iv_model(self)
        if self.wild_bootstrap is not None and self.estimator not in (None, "2sls"):
            raise ValueError("wild_bootstrap of an iv model needs estimator: 2sls (WRE bootstrap)")
        return self


def check_iv_model(model: Any) -> None:
    """Refuse malformed IV models (``model`` an :class:`IvSpec`).

    Raises ``ValueError`` (pydantic adds the file and key path).
    """
    formula = parse_formula(model.formula, where="formula")
    has_iv_part = bool(formula.endogenous or formula.instruments)
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
