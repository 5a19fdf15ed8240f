"""The base of every model spec and the groups of keys that several model types share.

Each model type is one spec class (``OlsSpec``, ``FeSpec``, ... in
:data:`regiometrics.spec.models.MODEL_KINDS`), chosen by the entry's ``type`` key. A class
has exactly the keys its type takes: :class:`ModelSpec` holds those of every type (``id``,
``type``, ``label``, ``filter``, ``controls``), :class:`FormulaModel` adds ``formula``, and
the mixins below add one group of keys each (``vcov``; fixed ``effects``; ``random``
effects; subgroups; moderator keys; ``hausman``; ``singletons``; ``aweights``;
``wild_bootstrap``). A key another type takes is refused by the class itself (pydantic's
``extra="forbid"``); the loader names the types that take it, or prints the class's own
explanation from :attr:`ModelSpec.refused`. The loader's ``defaults:`` reach a model only
for keys its class has.

``effects`` are always fixed effects (dummies, swept out); ``random: [entity]`` are random
entity intercepts (types ``re`` and ``tobit``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Self, get_args, get_origin

from pydantic import Field, field_validator, model_validator

from regiometrics.errors import SpecError
from regiometrics.spec import mechanisms as _mechanisms
from regiometrics.spec.base import MAX_DRAWS, SpecBase
from regiometrics.spec.effects import is_entity_time, parse_effects
from regiometrics.spec.formula import Formula, parse_formula, parse_term
from regiometrics.spec.literals import ClusterCorrection, HausmanMethod, VcovType
from regiometrics.spec.wild_bootstrap import WildBootstrapSpec


class VcovSpec(SpecBase):
    """Variance estimator.

    ``type``: unadjusted | robust | cluster. ``by``: one or two columns for clusters
    (``entity`` and ``time`` name the panel's own columns). ``correction``: the small-sample
    convention, ``fixest`` (reghdfe/fixest: G/(G-1)(N-1)/(N-K), fixed effects nested in the
    cluster not counted in K; the default), ``stata_xtreg`` (xtreg, fe: K counts only the
    regressors and the constant) or ``none``. Random effects read it as described in
    :mod:`regiometrics.engine.linear.random_effects` (``stata_xtreg``: ``xtreg, re`` with z-tests).
    """

    type: VcovType = "cluster"
    by: list[str] = Field(default_factory=lambda: ["entity"])
    correction: ClusterCorrection = "fixest"

    @field_validator("by", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check_by(self) -> VcovSpec:
        if self.type == "cluster" and not 1 <= len(self.by) <= 2:
            raise ValueError("cluster 'by' takes one or two columns")
        return self


class HausmanSpec(SpecBase):
    """Hausman test of FE against RE for a model (classic or auxiliary-regression form)."""

    method: HausmanMethod = "classic"


class ModelSpec(SpecBase):
    """One model (one table column): the keys every model type takes.

    ``controls`` are appended to the formula's regressors (or, for ``mediation``, to every
    equation); a table's "Controls" row says YES for models that have them. Subclasses fix
    ``type`` to their own value and add their keys; build one from keyword arguments with
    :func:`regiometrics.spec.model_spec`.
    """

    #: Why a key of other types is refused here, by key (``{type}`` is this model's type);
    #: keys not listed get "type X does not take K (a key of types ...)".
    refused: ClassVar[dict[str, str]] = {}

    id: str
    type: str
    label: str | None = None
    filter: str | None = None
    controls: list[str] = Field(default_factory=list)

    @field_validator("controls")
    @classmethod
    def _controls_parse(cls, v: list[str]) -> list[str]:
        for i, text in enumerate(v):
            try:
                parse_term(text, where=f"[{i}]")
            except SpecError as exc:
                raise ValueError(str(exc)) from None
        return v

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied and validated again.

        A change of ``type`` builds the new type's class and keeps only the keys it takes
        (a ``fe`` model turned ``re`` loses its ``effects``); keys in ``changes`` are always
        applied, so one the new type does not take is refused.
        """
        data = self.model_dump()
        new_type = changes.get("type", self.type)
        if new_type == self.type:
            data.update(changes)
            return type(self).model_validate(data)
        cls = model_classes()[new_type]
        data = {k: v for k, v in data.items() if k in cls.model_fields}
        data.update(changes)
        return cls.model_validate(data)  # type: ignore[return-value]

    @property
    def column_label(self) -> str:
        return self.label if self.label is not None else self.id

    def model_columns(self) -> list[str]:
        """The data columns the model's equations read (formula and controls)."""
        raise NotImplementedError

    def required_columns(self) -> list[str]:
        """The data columns the model reads: its equations', plus subgroup, cluster and
        wild-bootstrap cluster columns."""
        columns = self.model_columns()
        split = getattr(self, "split", None)
        columns += [c for c in (getattr(self, "by", None), split.var if split else None) if c]
        vcov = getattr(self, "vcov", None)
        if vcov is not None and vcov.type == "cluster":
            columns += [c for c in vcov.by if c not in ("entity", "time")]
        wild = getattr(self, "wild_bootstrap", None)
        if wild is not None and wild.cluster not in ("entity", "time"):
            columns.append(wild.cluster)
        return list(dict.fromkeys(columns))


def model_classes() -> dict[str, type[ModelSpec]]:
    """Every defined model spec class by its ``type`` (the subclasses of :class:`ModelSpec`
    whose ``type`` is one literal value), in definition order. The union the loader
    validates is :data:`regiometrics.spec.models.MODEL_KINDS`; this lookup serves
    :meth:`ModelSpec.replace` and messages without importing it."""
    found: dict[str, type[ModelSpec]] = {}
    todo: list[type[ModelSpec]] = [ModelSpec]
    while todo:
        cls = todo.pop(0)
        todo.extend(cls.__subclasses__())
        values = get_args(cls.model_fields["type"].annotation)
        if get_origin(cls.model_fields["type"].annotation) is Literal and len(values) == 1:
            found.setdefault(str(values[0]), cls)
    return found


class FormulaModel(ModelSpec):
    """A model written as one formula (every type but ``mediation``)."""

    formula: str

    @field_validator("formula")
    @classmethod
    def _formula_parses(cls, v: str) -> str:
        try:
            parse_formula(v, where="formula")
        except SpecError as exc:  # pydantic adds the file and the key path
            raise ValueError(str(exc).removeprefix("formula: ")) from None
        return v

    @model_validator(mode="after")
    def _dependent_not_a_regressor(self) -> Self:
        parsed = self.parsed
        alone = [t for t in (*parsed.terms, *parsed.endogenous, *parsed.instruments)
                 if len(t.variables) == 1]
        if any(t.variables[0].text == parsed.dependent.text for t in alone):
            raise ValueError(
                f"the dependent variable {parsed.dependent.text!r} is also a regressor or an "
                "instrument (in formula or controls); remove it from the right-hand side"
            )
        return self

    @model_validator(mode="after")
    def _intercept_kept(self) -> Self:
        """``0``/``-1`` are refused where the estimator would keep the intercept anyway
        (pooled OLS, random effects, Tobit, a pooled moderation model); fixed effects absorb
        it (``-1`` changes nothing, as in fixest), spatial models honour it, IV refuses it."""
        pooled = self.type in ("ols", "re", "tobit") or (
            self.type == "moderation" and not getattr(self, "effects", None))
        if pooled and not self.parsed.intercept:
            raise ValueError(
                f"type {self.type!r} always estimates an intercept; a model without one is not "
                "supported: remove '0' / '-1' from the formula"
            )
        return self

    @model_validator(mode="after")
    def _no_iv_part(self) -> Self:
        if self.type == "iv":
            return self
        formula = parse_formula(self.formula, where="formula")
        if formula.endogenous or formula.instruments:
            raise ValueError(
                f"the formula {self.formula!r} has an IV part '[endogenous ~ instruments]' but "
                f"the model is type {self.type!r}; set type: iv to instrument, or remove the "
                "brackets"
            )
        return self

    @property
    def full_formula(self) -> str:
        """The formula with ``controls`` appended as further regressors."""
        if not self.controls:
            return self.formula
        lhs, rhs = self.formula.split("~", 1)
        return f"{lhs.strip()} ~ {rhs.strip()} + {' + '.join(self.controls)}"

    @property
    def parsed(self) -> Formula:
        """The parsed formula (controls included)."""
        return parse_formula(self.full_formula, where=f"models.{self.id}.formula")

    def model_columns(self) -> list[str]:
        return list(self.parsed.columns())


# ------------------------------------------------------------------ key groups
class VcovKeys(SpecBase):
    """``vcov``: the sandwich of the linear, IV, Tobit and mediation estimators."""

    vcov: VcovSpec = Field(default_factory=VcovSpec)


class FixedEffectsKeys(SpecBase):
    """``effects``: fixed effects (dummies, swept out). Types with ``absorbing`` take any
    column, interactions ``industry^time`` and trends ``entity[time]``; the others take
    ``entity`` and ``time`` only."""

    absorbing: ClassVar[bool] = False

    effects: list[str] = Field(default_factory=list)

    @field_validator("effects")
    @classmethod
    def _effects_parse(cls, v: list[str]) -> list[str]:
        """Each entry parses (``industry^time``); kept in normalised form (``a^b``)."""
        try:
            return [e.text for e in parse_effects(v, where="entry")]
        except SpecError as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _effects_fit_type(self) -> Self:
        kind = getattr(self, "type", "?")
        if not self.absorbing and not is_entity_time(self.effects):
            absorbing = sorted(t for t, c in model_classes().items()
                               if issubclass(c, FixedEffectsKeys) and c.absorbing)
            raise ValueError(
                f"type {kind!r} takes effects entity and time only (got {self.effects}); "
                f"other columns and interactions are absorbed by types {', '.join(absorbing)}"
            )
        return self


class RandomEffectsKeys(SpecBase):
    """``random: [entity]``: random entity intercepts, integrated out (``re``, ``tobit``)."""

    random: list[str] = Field(default_factory=list)

    @field_validator("random", mode="before")
    @classmethod
    def _random_listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("random")
    @classmethod
    def _random_entity_only(cls, v: list[str]) -> list[str]:
        if v not in ([], ["entity"]):
            raise ValueError(f"random effects are entity intercepts: random: [entity] or [] "
                             f"(got {v}); time effects are fixed: effects: [time]")
        return v


class HausmanKeys(SpecBase):
    """``hausman``: the FE-vs-RE test of the model's formula (``true``, ``classic``, ``aux``)."""

    hausman: HausmanSpec | None = None

    @field_validator("hausman", mode="before")
    @classmethod
    def _hausman_shorthand(cls, v: Any) -> Any:
        if v is True:
            return {}
        if v is False:
            return None
        if isinstance(v, str):
            return {"method": v}
        return v


class SingletonsKeys(SpecBase):
    """``singletons: drop`` removes, iteratively, rows alone in a group of an absorbed
    effect before estimation, as Stata's reghdfe does by default (fixest and xtreg keep
    them; the default ``keep`` matches those). Slopes are unchanged; N, K and so the
    standard errors are not."""

    singletons: Literal["keep", "drop"] = "keep"


class AweightsKeys(SpecBase):
    """``aweights``: analytic weights (a column), scaled to sum to N as Stata does."""

    aweights: str | None = None

    @model_validator(mode="after")
    def _aweights_alone(self) -> Self:
        if self.aweights is not None and getattr(self, "hausman", None) is not None:
            raise ValueError("hausman compares unweighted FE and RE fits; drop aweights or hausman")
        return self


class WildBootstrapKeys(SpecBase):
    """``wild_bootstrap``: wild cluster bootstrap tests (WCR for ols/fe, WRE for iv)."""

    wild_bootstrap: WildBootstrapSpec | None = None


class SubgroupKeys(SpecBase):
    """Subgroup fits: ``by: column``, ``split: {var, at, level}`` or ``periods:
    {name: [start, end]}``, with ``equality_terms``, ``permutations`` and ``seed``."""

    by: str | None = None
    split: _mechanisms.SplitSpec | None = None
    periods: dict[str, tuple[float, float]] | None = None
    equality_terms: list[str] | None = None
    permutations: int | None = Field(default=None, ge=1, le=MAX_DRAWS)
    seed: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_subgroup_key(self) -> Self:
        ways = [f for f in ("by", "split", "periods") if getattr(self, f) is not None]
        if len(ways) > 1:
            raise ValueError(f"give one subgroup key, not {' and '.join(ways)}")
        tests = [f for f in ("equality_terms", "permutations", "seed")
                 if getattr(self, f) is not None]
        if not ways and tests:
            raise ValueError("equality_terms, permutations and seed need a subgroup key: "
                             "by, split or periods")
        if ways and getattr(self, "hausman", None) is not None:
            raise ValueError("a Hausman test is not run per subgroup; remove 'hausman'")
        if self.permutations and self.seed is None:
            raise ValueError("a permutation test needs a seed (seed: 2024) so that reruns agree")
        return self


class ModeratorKeys(SpecBase):
    """Marginal effects of ``treatment`` over ``moderator`` (``center``, ``at`` or ``range``):
    type ``moderation``, or ``ols``/``fe`` with these keys."""

    treatment: str | None = None
    moderator: str | None = None
    center: bool = False
    at: list[float | str] | None = None
    range: int | None = Field(default=None, ge=2, le=10_000)

    @model_validator(mode="after")
    def _moderator_keys(self) -> Self:
        given = [k for k in ("moderator", "center", "at", "range")
                 if getattr(self, k) not in (None, False)]
        if getattr(self, "type", None) == "moderation" and (
                self.treatment is None or self.moderator is None):
            raise ValueError(
                "type 'moderation' needs treatment and moderator (both formula variables)")
        if not given:
            return self
        if self.moderator is None or self.treatment is None:
            raise ValueError("marginal effects need both treatment and moderator")
        if self.at is not None and self.range is not None:
            raise ValueError("give either 'at' (moderator values) or 'range' (points), not both")
        bad_at = [a for a in self.at or []
                  if isinstance(a, str) and not _mechanisms.AT_TOKEN.match(a)]
        if bad_at:
            raise ValueError(
                f"'at' values {bad_at} are not moderator values; use numbers, percentiles "
                "p1..p99, mean, min or max"
            )
        return self
