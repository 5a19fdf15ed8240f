"""Uniform, frozen estimation results and their JSON form."""

from regiometrics.results.descriptives import DescriptiveRow, Descriptives
from regiometrics.results.grid import GridResult, GridRow
from regiometrics.results.result import (
    EffectEstimate,
    Result,
    TidyRow,
    WildBootstrap,
    WildBootstrapTerm,
)
from regiometrics.results.serialize import jsonable, result_to_json

__all__ = [
    "DescriptiveRow", "Descriptives", "GridResult", "GridRow", "EffectEstimate", "Result", "TidyRow", "jsonable",
    "result_to_json", "WildBootstrap", "WildBootstrapTerm",
]
