"""Spec classes of the linear and mechanism model types: ``ols``, ``fe``, ``re``,
``moderation`` and ``mediation`` (IV, Tobit and spatial types live with their features).

Each class takes exactly its type's keys (see :mod:`regiometrics.spec.model_base`).
"""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from regiometrics.spec import mechanisms as _mechanisms
from regiometrics.spec.model_base import (
    AweightsKeys,
    FixedEffectsKeys,
    FormulaModel,
    HausmanKeys,
    ModelSpec,
    ModeratorKeys,
    RandomEffectsKeys,
    SingletonsKeys,
    SubgroupKeys,
    VcovKeys,
    WildBootstrapKeys,
)


class OlsSpec(FormulaModel, VcovKeys, AweightsKeys, HausmanKeys, WildBootstrapKeys,
              ModeratorKeys, SubgroupKeys):
    """Pooled OLS (``type: ols``): no effects."""

    refused: ClassVar[dict[str, str]] = {
        "effects": "type 'ols' is pooled OLS and takes no effects; use type 'fe' for fixed "
                   "effects or type 're' for random effects",
        "singletons": "type 'ols' has no fixed effects, so no singletons to drop; remove "
                      "'singletons'",
    }

    type: Literal["ols"]

    @property
    def effects(self) -> list[str]:
        """Pooled: no fixed effects."""
        return []


class FeSpec(FormulaModel, VcovKeys, FixedEffectsKeys, AweightsKeys, HausmanKeys,
             SingletonsKeys, WildBootstrapKeys, ModeratorKeys, SubgroupKeys):
    """Fixed effects (``type: fe``): ``effects`` (any column, interactions ``a^b``, trends
    ``entity[time]``) and ``absorb`` (further columns whose effects are swept out with
    ``effects``: region and product effects of a region x product panel, 001)."""

    absorbing: ClassVar[bool] = True
    refused: ClassVar[dict[str, str]] = {
        "random": "type 'fe' has fixed effects (effects: [...]); random entity effects are "
                  "type 're' (or random: [entity] of type 'tobit')",
    }

    type: Literal["fe"]
    absorb: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fe_has_effects(self) -> Self:
        if not self.effects and not self.absorb:
            raise ValueError("type 'fe' needs effects, e.g. [entity, time], [entity], any "
                             "column, an interaction 'industry^time' or a trend 'entity[time]'")
        if len(set(self.absorb)) != len(self.absorb):
            raise ValueError(f"absorb lists a column twice: {self.absorb}")
        if self.absorb and self.hausman is not None:
            raise ValueError("hausman compares entity fixed effects with random effects; a "
                             "model with absorb has other fixed effects: drop one of them")
        return self


class ReSpec(FormulaModel, VcovKeys, RandomEffectsKeys, HausmanKeys, SingletonsKeys,
             SubgroupKeys):
    """Random entity effects (``type: re``, Swamy-Arora GLS): ``random: [entity]`` is implied
    and may be written; fixed ``effects`` are refused. ``singletons: drop`` drops entities
    observed once."""

    refused: ClassVar[dict[str, str]] = {
        "effects": "type 're' has random entity effects (random: [entity], implied) and no "
                   "fixed effects; remove 'effects' (effects: [entity] is written random: "
                   "[entity] now), or use type 'fe' for fixed effects",
    }

    type: Literal["re"]
    random: list[str] = Field(default_factory=lambda: ["entity"])

    @model_validator(mode="after")
    def _re_random_entity(self) -> Self:
        if self.random != ["entity"]:
            raise ValueError(f"type 're' has random entity effects: random: [entity] (got "
                             f"{self.random}); use type 'ols' for a pooled model")
        return self

    @property
    def effects(self) -> list[str]:
        """No fixed effects (the entity effects are random)."""
        return []


class ModerationSpec(FormulaModel, VcovKeys, FixedEffectsKeys, HausmanKeys, SingletonsKeys,
                     ModeratorKeys, SubgroupKeys):
    """Marginal effects of ``treatment`` over ``moderator`` (``type: moderation``) from a
    fixed-effects (or, without effects, pooled) regression with their interaction."""

    absorbing: ClassVar[bool] = True
    type: Literal["moderation"]


class MediationSpec(ModelSpec, VcovKeys, FixedEffectsKeys, SingletonsKeys):
    """Baron-Kenny mediation (``type: mediation``): FE equations (any absorbed effects) built
    from ``treatment``, ``mediators``, ``outcome`` and ``controls``, with an entity bootstrap
    (``bootstrap: {reps, seed, resample, ci, level}``) of the indirect effects."""

    absorbing: ClassVar[bool] = True

    refused: ClassVar[dict[str, str]] = {
        "formula": "type 'mediation' builds its equations from treatment, mediators, outcome "
                   "and controls; remove 'formula'",
        "hausman": "type 'mediation' takes no Hausman test; remove 'hausman'",
    }

    type: Literal["mediation"]
    treatment: str | None = None
    mediators: list[str] = Field(default_factory=list)
    outcome: str | None = None
    mode: _mechanisms.MediationMode = "parallel"
    bootstrap: _mechanisms.BootstrapSpec | None = None

    @model_validator(mode="after")
    def _mediation_roles(self) -> Self:
        missing = [f for f in ("treatment", "outcome", "bootstrap") if getattr(self, f) is None]
        if not self.mediators:
            missing.append("mediators")
        if missing:
            raise ValueError(
                f"type 'mediation' needs {', '.join(missing)} (e.g. treatment: DT, "
                "mediators: [IS], outcome: ER, bootstrap: {reps: 1000, seed: 2024})"
            )
        if not self.effects:
            raise ValueError(
                "type 'mediation' absorbs fixed effects in every equation; set effects, e.g. "
                "[entity, time], [entity, time, industry^time] or [entity[time], time]"
            )
        roles: dict[str, list[str | None]] = {
            "the treatment": [self.treatment], "the outcome": [self.outcome],
            "a control": list(self.controls)}
        for mediator in self.mediators:
            for role, names in roles.items():
                if mediator in names:
                    raise ValueError(f"mediator {mediator!r} is also {role}; a mediator must be "
                                     "a variable of its own")
        if self.treatment == self.outcome or self.outcome in self.controls:
            raise ValueError(
                f"the outcome {self.outcome!r} is also the treatment or a control; each role "
                "needs its own variable"
            )
        return self

    def model_columns(self) -> list[str]:
        named = [self.treatment, *self.mediators, self.outcome, *self.controls]
        return [c for c in named if c is not None]
