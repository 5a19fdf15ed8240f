"""Spec objects, the formula parser and the YAML loader."""

from regiometrics.spec.formula import Formula, Term, Variable, parse_formula
from regiometrics.spec.loader import load_spec, model_spec, spec_from_dict
from regiometrics.spec.models import (
    DataSpec,
    DescriptiveSpec,
    HausmanSpec,
    ModelSpec,
    StudySpec,
    TableSpec,
    VcovSpec,
)

__all__ = [
    "DataSpec", "DescriptiveSpec", "Formula", "HausmanSpec", "ModelSpec", "StudySpec",
    "TableSpec", "Term", "Variable", "VcovSpec", "load_spec", "model_spec", "parse_formula",
    "spec_from_dict",
]
