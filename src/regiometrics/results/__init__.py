"""Uniform, frozen estimation results and their JSON form."""

from regiometrics.results.descriptives import DescriptiveRow, Descriptives
from regiometrics.results.grid import GridResult, GridRow
from regiometrics.results.result import (
    TIDY_COLUMNS,
    EffectEstimate,
    Result,
    TidyRow,
    WildBootstrap,
    WildBootstrapTerm,
)
from regiometrics.results.serialize import jsonable, result_to_json

__all__ = [
    "TIDY_COLUMNS",
    "DescriptiveRow",
    "Descriptives",
    "EffectEstimate",
    "GridResult",
    "GridRow",
    "Result",
    "TidyRow",
    "WildBootstrap",
    "WildBootstrapTerm",
    "jsonable",
    "result_to_json",
]
