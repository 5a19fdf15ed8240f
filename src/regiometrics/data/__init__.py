"""Panel data: readers, validated entity/time index, panel operators, filters, spatial weights."""

from regiometrics.data.filter import evaluate_filter
from regiometrics.data.panel import Panel
from regiometrics.data.readers import read_table

__all__ = ["Panel", "evaluate_filter", "read_table"]
