"""Table and figure kinds that report composite indices (002's Tables 2-4 and a means chart)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from regiometrics.spec.base import SpecBase
from regiometrics.spec.literals import FontSize, TypologyHeaderCell, WeightsHeaderCell
from regiometrics.spec.table_base import TableKindBase


class IndexWeightsTableSpec(TableKindBase):
    """002 Table 2: dimension, indicator, direction and weight of each indicator of ``index``.

    ``percent`` prints weights x 100 (the paper's convention); ``rename`` maps indicator,
    sub-dimension and dimension names to labels. With per-year weights there is one weight
    column per year. ``header`` renames header cells (``target``, ``dimension``,
    ``subdimension``, ``indicator``, ``explanation``, ``direction``, ``weight``,
    ``dimension_weight``); ``weight_columns: false`` leaves out the weights (the indicator
    system alone), ``dimension_weight: false`` the dimension-weight column.

    Three-level systems: ``target`` (text) adds a first column naming the whole system on
    its first row (003 Tables 1-2: target / criterion / indicator); indicators with a
    ``subdimension`` get a column between dimension and indicator (002 Table 1: Index I /
    Index II / Index III). ``explanations`` (``{indicator: text}``) adds a wrapped column
    after the indicator (002 Table 1's "Indicator explanation").
    """

    type: Literal["index_weights"]
    index: str
    percent: bool = True
    decimals: int = Field(default=3, ge=0, le=8)
    direction: bool = True
    rename: dict[str, str] = Field(default_factory=dict)
    header: dict[WeightsHeaderCell, str] = Field(default_factory=dict)
    weight_columns: bool = True
    dimension_weight: bool = True
    target: str | None = None
    explanations: dict[str, str] = Field(default_factory=dict)


class IndexValuesTableSpec(TableKindBase):
    """002 Table 3: entities x selected years of a column (an index or any variable), mean row."""

    type: Literal["index_values"]
    column: str
    years: list[int | str] | None = None
    mean_row: bool = True
    mean_label: str = "Mean"
    decimals: int = Field(default=4, ge=0, le=8)
    rename: dict[str, str] = Field(default_factory=dict)
    entity_label: str | None = None


class TypologyTableSpec(TableKindBase):
    """002 Table 4: entities classified by the rank bands of two columns into a k x k typology.

    ``x`` gives the rows of the typology (first criterion), ``y`` the second. ``year`` ranks
    one year; without it each entity's mean over the years is ranked. ``bands`` are rank
    ranges (``[[1, 10], [11, 21], [22, 31]]``; default: near-equal thirds), ``bands_labels``
    one label per band, best first; ``type_names`` maps ``"high/low"`` to a type's name.
    ``header`` renames the header cells (``type``, ``entities``, ``explanation``). The
    entity and explanation columns wrap within the text width (LaTeX ``tabularx``).
    """

    type: Literal["typology"]
    x: str
    y: str
    year: int | str | None = None
    bands: list[list[int]] | None = None
    band_labels: list[str] = Field(default_factory=lambda: ["high", "medium", "low"])
    type_names: dict[str, str] = Field(default_factory=dict)
    rename: dict[str, str] = Field(default_factory=dict)
    empty_types: bool = False
    header: dict[TypologyHeaderCell, str] = Field(default_factory=dict)
    font_size: FontSize | None = "small"

    @field_validator("bands")
    @classmethod
    def _pairs(cls, v: list[list[int]] | None) -> list[list[int]] | None:
        if v is not None and any(len(b) != 2 for b in v):
            raise ValueError("each band is a pair [first rank, last rank], e.g. [[1, 10], [11, 21]]")
        return v

    @model_validator(mode="after")
    def _labels_fit(self) -> TypologyTableSpec:
        if self.bands is not None and len(self.bands) != len(self.band_labels):
            raise ValueError(
                f"{len(self.bands)} bands but {len(self.band_labels)} band_labels; "
                "give one label per band"
            )
        return self


class IndexMeansFigureSpec(SpecBase):
    """A line chart of the yearly means of one or more columns (indices, sub-indices).

    With ``by`` (a group column such as ``region``) and one column, one line per group.
    """

    id: str
    type: Literal["index_means"]
    columns: list[str] = Field(min_length=1)
    by: str | None = None
    rename: dict[str, str] = Field(default_factory=dict)
    title: str | None = None
    ylabel: str = "Mean"
    xlabel: str | None = None

    @model_validator(mode="after")
    def _one_column_by_group(self) -> IndexMeansFigureSpec:
        if self.by is not None and len(self.columns) != 1:
            raise ValueError(f"'by: {self.by}' draws one line per group of a single column; "
                             f"got columns {self.columns}")
        return self
