"""Spec objects of the spatial features: ``weights:``, ``moran:``, spatial model keys,
the ``moran`` and ``spatial_effects`` table kinds and the ``moran_scatter`` figure kind.

``weights:`` maps a name to one matrix, chosen by its ``type``::

    weights:
      Wgeo:  {type: inverse_distance, coords: data/coords.csv, power: 1}
      Wecon: {type: economic_distance, variable: lgsp}
      Wfile: {type: matrix, path: data/w.csv}

File paths are relative to the spec file. Every matrix is row-standardised unless
``row_standardize: false`` (spatial panel models need row-standardised weights).

``moran:`` lists global Moran's I runs::

    moran:
      - {id: mi, variables: [lgsp, lpcap], weights: [Wgeo, Wecon]}

The default ``alternative`` is ``greater`` (H1: positive spatial autocorrelation). The seed
paper 003 (Table 9) asks whether the provinces show "significant spatial positive
correlation" and its stars rest on one-sided tests of that hypothesis: Stata's ``spatgsa``
(the command behind such tables) prints 1-tail p-values by default, and R's
``spdep::moran.test`` defaults to ``alternative = "greater"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from pydantic import Field, field_validator, model_validator

from regiometrics.spec.base import MAX_DRAWS, SpecBase, tagged_union
from regiometrics.spec.literals import (
    ContiguityRule,
    EffectsMethod,
    MoranAlternative,
    MoranBelow,
    MoranInference,
    TableFormat,
)
from regiometrics.spec.model_base import (
    FixedEffectsKeys,
    FormulaModel,
    HausmanKeys,
    RandomEffectsKeys,
    SubgroupKeys,
)
from regiometrics.spec.table_base import TableKindBase


# ---------------------------------------------------------------- weights
class _WeightsBase(SpecBase):
    row_standardize: bool = True


class _CoordsMixin(SpecBase):
    coords: str
    entity: str | None = None
    lon: str = "lon"
    lat: str = "lat"


class InverseDistanceWeightsSpec(_WeightsBase, _CoordsMixin):
    """``w_ij = d_ij^-power`` (great-circle km) from a coordinates file.

    ``coords``: csv/xlsx with one row per entity: the entity id column (``entity``,
    default the panel's entity column name), ``lon`` and ``lat`` in degrees.
    ``cutoff``: keep pairs with ``d_ij <= cutoff`` km (sparse).
    """

    type: Literal["inverse_distance"]
    power: float = Field(default=1.0, gt=0)
    cutoff: float | None = Field(default=None, gt=0)


class KnnWeightsSpec(_WeightsBase, _CoordsMixin):
    """Binary k-nearest neighbours by great-circle distance."""

    type: Literal["knn"]
    k: int = Field(ge=1)


class EconomicDistanceWeightsSpec(_WeightsBase):
    """``w_ij = 1/|g_i - g_j|``, ``g_i`` the mean of panel column ``variable`` over all periods."""

    type: Literal["economic_distance"]
    variable: str


class NestedWeightsSpec(_WeightsBase, _CoordsMixin):
    """Nested geographic-economic weights ``d_ij^-power / |g_i - g_j|`` (raw product)."""

    type: Literal["nested"]
    variable: str
    power: float = Field(default=1.0, gt=0)
    cutoff: float | None = Field(default=None, gt=0)


class MatrixWeightsSpec(_WeightsBase):
    """An N x N matrix file (csv/xlsx): first row and first column hold the entity names."""

    type: Literal["matrix"]
    path: str
    sheet: str | int = 0


class AdjacencyWeightsSpec(_WeightsBase):
    """An adjacency list (csv/xlsx), one neighbour pair per row."""

    type: Literal["adjacency"]
    path: str
    source: str = "from"
    target: str = "to"
    weight: str | None = None
    symmetric: bool = True


class ContiguityWeightsSpec(_WeightsBase):
    """Queen or rook contiguity of polygons (shapefile/GeoJSON); ``id_column`` names entities."""

    type: Literal["contiguity"]
    path: str
    id_column: str
    rule: ContiguityRule = "queen"


#: Weights kinds by their ``type`` key.
WEIGHTS_KINDS: dict[str, type[SpecBase]] = {
    "inverse_distance": InverseDistanceWeightsSpec,
    "knn": KnnWeightsSpec,
    "economic_distance": EconomicDistanceWeightsSpec,
    "nested": NestedWeightsSpec,
    "matrix": MatrixWeightsSpec,
    "adjacency": AdjacencyWeightsSpec,
    "contiguity": ContiguityWeightsSpec,
}


if TYPE_CHECKING:
    AnyWeightsSpec = _WeightsBase
else:
    AnyWeightsSpec = tagged_union(WEIGHTS_KINDS)


# ------------------------------------------------------------------ Moran
class MoranSpec(SpecBase):
    """Global Moran's I of ``variables`` under each of ``weights`` in every period.

    ``permutations`` random permutations (0: none) drawn from a numpy Generator seeded by
    ``seed``; ``alternative`` the direction of the p-values (default ``greater``, see the
    module docstring).
    """

    id: str
    variables: list[str] = Field(min_length=1)
    weights: list[str] = Field(min_length=1)
    permutations: int = Field(default=999, ge=0, le=MAX_DRAWS)
    seed: int = Field(default=0, ge=0)
    alternative: MoranAlternative = "greater"

    @field_validator("variables", "weights", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("variables", "weights")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        repeated = sorted({x for x in v if v.count(x) > 1})
        if repeated:
            raise ValueError(f"{', '.join(map(repr, repeated))} listed more than once; "
                             "list each once")
        return v


# --------------------------------------------------------- spatial models
class EffectsInferenceSpec(SpecBase):
    """How the LeSage-Pace effects get standard errors.

    ``simulation`` (default): ``draws`` parameter vectors from the estimated asymptotic
    normal distribution, seeded by ``seed``; ``delta``: the delta method.
    """

    method: EffectsMethod = "simulation"
    draws: int = Field(default=1000, ge=2, le=MAX_DRAWS)
    seed: int = Field(default=0, ge=0)


_ML_COVARIANCE = ("type {type!r} is estimated by maximum likelihood with the inverse-information "
                  "covariance and takes no {key!r}; remove it")


class SpatialModelSpec(FormulaModel, FixedEffectsKeys, SubgroupKeys):
    """A spatial panel model (``sar``, ``sem``, ``sdm``, ``sdem``): ML with entity and/or
    time fixed effects (``effects``), ``weights`` the name of a matrix of the top-level
    ``weights:`` block; ``lee_yu`` bias correction, ``effects_inference`` of the
    LeSage-Pace effects, ``spatial_tests`` (LM tests and Wald/LR tests of the nested models).
    """

    refused: ClassVar[dict[str, str]] = {
        "vcov": _ML_COVARIANCE,
        "hausman": "type {type!r} has no random-effects counterpart, so no 'hausman' test "
                   "(available for sar and sdm); remove it",
        "singletons": "type {type!r} needs a balanced panel and takes no 'singletons'; remove it",
        "random": "random effects of spatial models are available for sar and sdm, not type "
                  "{type!r}; remove 'random' and use effects: [entity] for entity fixed effects",
    }

    weights: str | None = None
    lee_yu: bool = False
    effects_inference: EffectsInferenceSpec | None = None
    spatial_tests: bool = False

    @model_validator(mode="after")
    def _needs_weights(self) -> Self:
        if self.weights is None:
            raise ValueError(
                f"type {self.type!r} is a spatial model and needs 'weights': the name of a "
                "matrix declared under the top-level 'weights:' block"
            )
        return self


class SpatialLagModelSpec(SpatialModelSpec, RandomEffectsKeys, HausmanKeys):
    """The lag models (SAR, SDM) also take ``random: [entity]`` (entity random intercepts
    instead of fixed effects, with a constant; Elhorst's ML) and, on an entity or two-way
    fixed-effects model, ``hausman: true`` (FE against that RE counterpart; xsmle's
    ``hausman`` coefficients, classical variance; see
    :mod:`regiometrics.engine.spatial.re_model`).
    """

    refused: ClassVar[dict[str, str]] = {
        k: v for k, v in SpatialModelSpec.refused.items() if k not in ("hausman", "random")
    }

    @model_validator(mode="after")
    def _random_and_hausman(self) -> Self:
        if self.random:
            if self.effects:
                raise ValueError(
                    f"random: [entity] replaces the fixed effects; this model also has effects "
                    f"{self.effects}: set effects: [] (period effects are not available with "
                    "random effects)"
                )
            bad = [k for k in ("lee_yu", "spatial_tests", "hausman")
                   if getattr(self, k) not in (None, False)]
            if bad:
                raise ValueError(
                    f"{bad} apply to fixed-effects spatial models, not to random: [entity]; "
                    "remove them (hausman goes on the FE model and fits this RE counterpart)"
                )
        if self.hausman is not None:
            if "entity" not in self.effects:
                raise ValueError(
                    f"hausman compares entity fixed effects with entity random effects; this "
                    f"model's effects are {self.effects}: add entity to effects"
                )
            if self.hausman.method != "classic":
                raise ValueError(
                    f"spatial models take hausman: true (classic); method "
                    f"{self.hausman.method!r} is for linear models"
                )
        return self


class SarSpec(SpatialLagModelSpec):
    """Spatial lag: ``y = rho W y + X beta + e``."""

    type: Literal["sar"]


class SemSpec(SpatialModelSpec):
    """Spatial error: ``y = X beta + u``, ``u = lambda W u + e``."""

    type: Literal["sem"]


class SdmSpec(SpatialLagModelSpec):
    """Spatial Durbin: ``y = rho W y + X beta + W X theta + e``."""

    type: Literal["sdm"]


class SdemSpec(SpatialModelSpec):
    """Spatial Durbin error: ``y = X beta + W X theta + u``, ``u = lambda W u + e``."""

    type: Literal["sdem"]


#: The spatial model classes by type.
SPATIAL_MODEL_KINDS: dict[str, type[SpatialModelSpec]] = {
    "sar": SarSpec, "sem": SemSpec, "sdm": SdmSpec, "sdem": SdemSpec,
}
SPATIAL_MODEL_TYPES: tuple[str, ...] = tuple(SPATIAL_MODEL_KINDS)


# ------------------------------------------------------------ table kinds
def _both_formats() -> list[TableFormat]:
    return ["latex", "markdown"]


class MoranTableSpec(TableKindBase):
    """Table 9 layout of paper 003: rows are periods, column groups weights, columns variables.

    Cells: Moran's I with stars from the ``inference`` p-value (``norm``, ``rand`` or
    ``perm``); ``below``: ``z`` (the z-value of ``norm``, or of ``rand`` when ``inference`` is
    ``rand`` or ``perm``) or ``p`` in parentheses under I, or ``none``.
    """

    type: Literal["moran"]
    moran: str
    variables: list[str] | None = None
    weights: list[str] | None = None
    times: list[int | str] | None = None
    inference: MoranInference = "rand"
    below: MoranBelow = "z"
    rename: dict[str, str] = Field(default_factory=dict)
    time_label: str | None = None   # default: "Year" (年份 in Chinese)
    decimals: int = Field(default=3, ge=0, le=8)
    stars: list[float] = Field(default_factory=lambda: [0.10, 0.05, 0.01])


class SpatialEffectsTableSpec(TableKindBase):
    """Table 10 layout of paper 003: per model (weights matrix) direct, indirect, total effects.

    ``terms`` chooses and orders regressors (default all); ``group_labels`` maps a model id to
    its column-group title (default the model's label, else its weights name); ``rows`` are the
    rows under the effects: ``entity_fe``, ``time_fe``, ``rho`` (rho or lambda with its SE),
    ``loglik``, ``nobs`` and any other statistic name of the models' ``stats`` (a row no
    model reports is refused; by default ``entity_re`` follows ``time_fe`` when a model has
    random entity effects). ``row_labels`` keys must name such rows. ``yes_no`` gives the
    words of the fixed-effect rows.
    """

    type: Literal["spatial_effects"]
    models: list[str] = Field(min_length=1)
    terms: list[str] | None = None
    rename: dict[str, str] = Field(default_factory=dict)
    group_labels: dict[str, str] = Field(default_factory=dict)
    rows: list[str] = Field(
        default_factory=lambda: ["entity_fe", "time_fe", "rho", "loglik", "nobs"]
    )
    row_labels: dict[str, str] = Field(default_factory=dict)
    yes_no: list[str] | None = Field(default=None, min_length=2, max_length=2)
    decimals: int = Field(default=3, ge=0, le=8)
    stars: list[float] = Field(default_factory=lambda: [0.10, 0.05, 0.01])


# ----------------------------------------------------------- figure kinds
class MoranScatterFigureSpec(SpecBase):
    """A Moran scatter plot of ``variable`` in period ``time`` under weights ``weights``."""

    id: str
    type: Literal["moran_scatter"]
    variable: str
    weights: str
    time: int | str
    title: str | None = None
    label_points: bool = True


def _unknown(where: str, what: str, name: str, known: list[str], hint: Any) -> str:
    listed = ", ".join(known) if known else "none"
    return f"{where}: unknown {what} {name!r}; {what} defined: {listed}" + hint(name, known)


def check_spatial_references(spec: Any, source: str, did_you_mean: Any) -> None:
    """Cross-references of the spatial blocks: weights names, Moran ids, spatial models.

    Raises :class:`~regiometrics.errors.SpecError` naming the file and the key path.
    """
    from regiometrics.errors import SpecError

    weights = list(spec.weights)
    for model in spec.models:
        if isinstance(model, SpatialModelSpec) and model.weights not in weights:
            raise SpecError(_unknown(f"{source}: models.{model.id}.weights", "weights",
                                     str(model.weights), weights, did_you_mean))
    moran_ids = [m.id for m in spec.moran]
    dupes = sorted({i for i in moran_ids if moran_ids.count(i) > 1})
    if dupes:
        raise SpecError(f"{source}: moran: duplicate ids {dupes}; each id must be unique")
    for entry in spec.moran:
        for name in entry.weights:
            if name not in weights:
                raise SpecError(_unknown(f"{source}: moran.{entry.id}.weights", "weights",
                                         name, weights, did_you_mean))
    types = {m.id: m.type for m in spec.models}
    for table in spec.tables:
        where = f"{source}: tables.{table.id}"
        if table.type == "moran":
            if table.moran not in moran_ids:
                raise SpecError(_unknown(f"{where}.moran", "moran", table.moran, moran_ids,
                                         did_you_mean))
            entry = spec.moran[moran_ids.index(table.moran)]
            for key in ("variables", "weights"):
                allowed = getattr(entry, key)
                for name in getattr(table, key) or []:
                    if name not in allowed:
                        raise SpecError(
                            f"{where}.{key}: {name!r} is not among moran.{entry.id}.{key} "
                            f"({', '.join(allowed)})"
                        )
        if table.type == "spatial_effects":
            for model_id in table.models:
                if types.get(model_id) not in SPATIAL_MODEL_TYPES:
                    raise SpecError(
                        f"{where}.models: {model_id!r} is of type {types.get(model_id)!r}; a "
                        f"spatial_effects table shows spatial models ({', '.join(SPATIAL_MODEL_TYPES)})"
                    )
    for fig in spec.figures:
        if fig.type == "moran_scatter" and fig.weights not in weights:
            raise SpecError(_unknown(f"{source}: figures.{fig.id}.weights", "weights",
                                     fig.weights, weights, did_you_mean))
