"""Keys shared by table kinds, declared once.

:class:`TableKindBase` holds what every table has (id, caption, formats, LaTeX label, notes)
and the page layout every table takes (``style``, ``language``, ``notes_mode``, ``fit``,
``landscape``, ``font_size``, ``longtable``). :class:`CoefficientTableBase` adds what every
coefficient table has (estimates with a statistic under them): row selection and labels,
indicator rows, statistic rows, stars, what sits under the estimate (``below``), headers
(column titles, numbering, dependent-variable row, column groups) and the order of the row
blocks (``sections``).
"""

from __future__ import annotations

from pydantic import Field, field_validator

from regiometrics.spec.base import SpecBase
from regiometrics.spec.literals import (
    BelowStat,
    ConstantMode,
    ControlsRowMode,
    FitMode,
    FontSize,
    IndicatorRow,
    NotesMode,
    NotesStyle,
    SeRowMode,
    TableFormat,
    TableLanguage,
    TableSection,
    TableStyle,
    WildBootstrapRow,
)

_DEFAULT_FORMATS: list[TableFormat] = ["latex", "markdown"]
_DEFAULT_INDICATORS: list[IndicatorRow] = ["controls", "entity_fe", "time_fe", "absorbed"]


class TableKindBase(SpecBase):
    """``id`` (file name), ``title`` (caption), ``formats``, ``label`` (LaTeX), ``notes``.

    Layout: ``style`` (``booktabs``: a rule between row blocks; ``three_line``: exactly three
    full rules, top, under the header and bottom), ``language`` of the automatic labels and
    notes (``en``, ``zh``), ``notes_mode`` (``append`` the ``notes`` to the automatic notes,
    or ``replace`` them), ``fit`` (``shrink``: a LaTeX table wider than the text is scaled
    down to the text width), ``landscape``, ``font_size``, ``longtable`` (a LaTeX table
    that breaks across pages; default: automatic for tables of more than 40 body rows) and
    ``notes_style`` (``minipage``: notes at the table's width; ``threeparttable``: the
    threeparttable package's notes, which the preamble must load).
    """

    id: str
    title: str | None = None
    formats: list[TableFormat] = Field(default_factory=lambda: _DEFAULT_FORMATS.copy())
    label: str | None = None
    notes: list[str] = Field(default_factory=list)
    notes_mode: NotesMode = "append"
    style: TableStyle = "booktabs"
    language: TableLanguage = "en"
    fit: FitMode = "shrink"
    landscape: bool = False
    font_size: FontSize | None = None
    longtable: bool | None = None
    notes_style: NotesStyle = "minipage"


class ColumnGroupSpec(SpecBase):
    """A title over ``span`` adjacent columns (esttab's ``mgroups``), with a rule under it."""

    title: str
    span: int = Field(default=1, ge=1)


class CoefficientTableBase(TableKindBase):
    """Coefficient tables: ``keep``/``drop``/``rename`` terms, ``indicators`` (YES/NO rows:
    ``controls``, ``entity_fe``, ``time_fe``, ``entity_re``, ``absorbed``; by default
    ``entity_re`` only when a column has random entity effects) and their labels
    (``indicator_labels``, checked against those rows), ``stats`` rows and labels,
    ``decimals`` and ``stars`` thresholds.

    ``below``: what sits in parentheses under an estimate: ``se`` (default), ``t``, ``p`` or
    ``ci`` (the ``ci_level`` interval, in brackets). ``yes_no``: the two words of indicator
    rows (default ``YES``/``NO``, in Chinese ``是``/``否``). ``controls``: the variables the
    Controls row stands for (default: the models' ``controls:``); the row says YES for a
    column whose model has all of them while the table does not show them. ``stats``: the
    statistic rows (default: picked per model type, no empty row). Headers:
    ``column_titles`` (one per column), ``numbers`` (the ``(1) (2) ...`` row),
    ``depvar_row``, ``column_groups`` (``[{title, span}]``), ``stub_label`` (the stub's
    header cell, e.g. ``Variables``, on the ``(1) (2) ...`` row or else the first header
    row). ``sections``: the order of the row blocks (``coefficients``, ``constant``,
    ``indicators``, ``diagnostics``, ``stats``, ``extra``); ``diagnostics`` lists statistics
    (e.g. IV tests) printed as their own block, apart from ``stats`` (003 Table 5 prints
    them before the constant, N and R²). ``controls_row``: ``auto`` (the Controls row only
    when the table hides some controls) or ``always`` (also when the controls' coefficients
    are shown, 003 Table 4).
    ``constant``: ``auto`` (shown, but not for some fixed-effects columns and not for others),
    ``show``, ``hide``. ``se_row``: a per-column standard-error row (``auto``: when the
    columns' estimators differ). ``wild_bootstrap_row``: ``pvalue`` or ``ci`` prints, in
    brackets on a row under each coefficient's standard error, the wild cluster bootstrap
    p-value or interval of the columns that ran one for that term.
    """

    keep: list[str] | None = None
    drop: list[str] = Field(default_factory=list)
    rename: dict[str, str] = Field(default_factory=dict)
    indicators: list[IndicatorRow] = Field(default_factory=lambda: _DEFAULT_INDICATORS.copy())
    indicator_labels: dict[str, str] = Field(default_factory=dict)
    controls: list[str] | None = None
    stats: list[str] | None = None
    stat_labels: dict[str, str] = Field(default_factory=dict)
    decimals: int = Field(default=3, ge=0, le=8)
    stars: list[float] = Field(default_factory=lambda: [0.10, 0.05, 0.01])
    below: BelowStat = "se"
    ci_level: float = Field(default=0.95, gt=0, lt=1)
    yes_no: list[str] | None = None
    column_titles: list[str] | None = None
    numbers: bool = True
    depvar_row: bool = True
    column_groups: list[ColumnGroupSpec] = Field(default_factory=list)
    sections: list[TableSection] | None = None
    diagnostics: list[str] = Field(default_factory=list)
    stub_label: str = ""
    controls_row: ControlsRowMode = "auto"
    constant: ConstantMode = "auto"
    se_row: SeRowMode = "auto"
    wild_bootstrap_row: WildBootstrapRow | None = None

    @field_validator("stars")
    @classmethod
    def _thresholds(cls, v: list[float]) -> list[float]:
        if any(not 0 < t < 1 for t in v) or len(set(v)) != len(v):
            raise ValueError("stars are distinct p-value thresholds between 0 and 1, "
                             "e.g. [0.10, 0.05, 0.01]")
        return v

    @field_validator("yes_no")
    @classmethod
    def _two_words(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(v) != 2:
            raise ValueError("yes_no takes two words, e.g. ['✓', ''] or ['是', '否']")
        return v

    @field_validator("sections")
    @classmethod
    def _no_repeats(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("each section is listed once, e.g. [coefficients, stats, constant]")
        return v
