"""Inference beyond the sandwich: the wild cluster bootstrap (issue 17)."""

from regiometrics.engine.inference.wild_bootstrap import (
    IVWildKernel,
    LinearWildKernel,
    WildDraws,
    bootstrap_pvalue,
    make_draws,
    wild_test,
)
from regiometrics.engine.inference.wild_model import attach_wild_bootstrap, wild_bootstrap

__all__ = [
    "IVWildKernel", "LinearWildKernel", "WildDraws", "attach_wild_bootstrap",
    "bootstrap_pvalue", "make_draws", "wild_bootstrap", "wild_test",
]
