"""Uniform, frozen estimation results and their JSON form."""

from regiometrics.results.result import EffectEstimate, Result, TidyRow
from regiometrics.results.serialize import result_to_json

__all__ = ["EffectEstimate", "Result", "TidyRow", "result_to_json"]
