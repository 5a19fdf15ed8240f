"""The Tobit model type (``type: tobit``): censoring limits, random effects, quadrature.

::

    models:
      - id: tob
        type: tobit
        formula: "eff ~ x1 + x2"
        left: 0             # lower limit (default 0); null for none
        right: 1            # upper limit (default none)
        random: [entity]    # [] pooled (Stata tobit, the default); [entity] random effects
                            # (xttobit, re)
        effects: [time]     # period dummies (fixed time effects); the default []
        quadrature: 12      # Gauss-Hermite points of the random-effects likelihood

An observation with ``y <= left`` is left-censored, one with ``y >= right`` right-censored.
There is no fixed-effects Tobit: entity dummies in a nonlinear model are inconsistent with
few periods (the incidental parameters problem), so ``effects: [entity]`` is refused with a
pointer to ``random: [entity]``.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from regiometrics.spec.model_base import (
    FixedEffectsKeys,
    FormulaModel,
    RandomEffectsKeys,
    SubgroupKeys,
    VcovKeys,
)


class TobitSpec(FormulaModel, VcovKeys, FixedEffectsKeys, RandomEffectsKeys, SubgroupKeys):
    """Pooled or random-effects Tobit (see the module docstring)."""

    refused: ClassVar[dict[str, str]] = {
        "hausman": "type 'tobit' takes no 'hausman' (it compares linear FE and RE fits); "
                   "remove it",
        "singletons": "type 'tobit' absorbs no fixed effects, so no singletons to drop; "
                      "remove 'singletons'",
    }

    type: Literal["tobit"]
    left: float | None = 0.0
    right: float | None = None
    quadrature: int = Field(default=12, ge=1, le=195)  # Stata xttobit intpoints() max

    @model_validator(mode="after")
    def _tobit_limits(self) -> Self:
        if "entity" in self.effects:
            rest = ", ".join(e for e in self.effects if e != "entity")
            raise ValueError(
                "type 'tobit' has no fixed-effects estimator (entity dummies in a Tobit are "
                "inconsistent with few periods: the incidental parameters problem); for the "
                f"random-effects Tobit write random: [entity] and effects: [{rest}]"
            )
        if self.left is None and self.right is None:
            raise ValueError(
                "type 'tobit' needs a censoring limit: 'left' (default 0) and/or 'right'; "
                "both are null"
            )
        if self.left is not None and self.right is not None and self.left >= self.right:
            raise ValueError(
                f"type 'tobit': left ({self.left}) must be below right ({self.right})"
            )
        if self.quadrature < 2:
            raise ValueError(
                f"type 'tobit': quadrature must be at least 2 points (got {self.quadrature})")
        return self
