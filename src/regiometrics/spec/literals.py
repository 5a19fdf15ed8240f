"""Allowed option strings, in one place, checked at run time by the same aliases."""

from __future__ import annotations

from typing import Literal, get_args

EffectName = Literal["entity", "time"]
VcovType = Literal["unadjusted", "robust", "cluster"]
ClusterCorrection = Literal["fixest", "stata_xtreg", "none"]
TableFormat = Literal["latex", "markdown", "html", "docx"]
HausmanMethod = Literal["classic", "aux"]
TableStat = Literal["nobs", "r2", "adj_r2", "r2_within", "adj_r2_within", "n_entities", "n_periods"]
IndexMethod = Literal["entropy", "critic", "cv", "equal", "topsis", "pca"]
IndicatorRow = Literal["controls", "entity_fe", "time_fe", "entity_re", "absorbed"]
IVEstimator = Literal["2sls", "liml", "gmm"]
WeightsType = Literal[
    "inverse_distance", "knn", "economic_distance", "nested", "matrix", "adjacency", "contiguity"
]
ContiguityRule = Literal["queen", "rook"]
MoranAlternative = Literal["greater", "less", "two-sided"]
MoranInference = Literal["norm", "rand", "perm"]
MoranBelow = Literal["z", "p", "none"]
EffectsMethod = Literal["simulation", "delta"]
#: Table layout (issue 12): rules, language of automatic text, notes, fit, size, what sits
#: under a coefficient, row-block order, the constant and the standard-error row.
TableStyle = Literal["booktabs", "three_line"]
TableLanguage = Literal["en", "zh"]
NotesMode = Literal["append", "replace"]
NotesStyle = Literal["minipage", "threeparttable"]
FitMode = Literal["shrink", "none"]
FontSize = Literal["normalsize", "small", "footnotesize", "scriptsize", "tiny"]
BelowStat = Literal["se", "t", "p", "ci"]
TableSection = Literal["coefficients", "constant", "indicators", "diagnostics", "stats", "extra"]
ConstantMode = Literal["auto", "show", "hide"]
SeRowMode = Literal["auto", "always", "never"]
SubgroupTestRow = Literal["equality_p", "permutation_p"]
#: Wild cluster bootstrap (issue 17): weight distribution, p-value kind, table row.
WildWeights = Literal["rademacher", "webb", "mammen", "normal"]
WildPvalue = Literal["symmetric", "equal_tail"]
WildBootstrapRow = Literal["pvalue", "ci"]
TheilLayout = Literal["grouped", "beside"]
TheilHeaderCell = Literal[
    "year", "overall", "groups", "decomposition", "within", "between", "theil", "contribution"
]
ControlsRowMode = Literal["auto", "always"]
NationalLine = Literal["sum", "mean", "weighted"]
ChartKind = Literal["bar", "stacked_bar", "area"]
ImbalanceColumn = Literal["index", "change", "national"]
ImbalanceHeaderCell = Literal["year", "index", "change", "national"]
ResilienceHeaderCell = Literal["entity", "resistance", "recovery", "mean"]
PhaseAnchor = Literal["start", "end"]
#: Header cells that a table's ``header`` may rename, per table kind.
WeightsHeaderCell = Literal[
    "target", "dimension", "subdimension", "indicator", "explanation", "direction", "weight",
    "dimension_weight",
]
TypologyHeaderCell = Literal["type", "entities", "explanation"]
DescriptiveHeaderCell = Literal["group", "variable", "n", "mean", "sd", "min", "max"]

VCOV_TYPES: tuple[str, ...] = get_args(VcovType)
TABLE_FORMATS: tuple[str, ...] = get_args(TableFormat)
