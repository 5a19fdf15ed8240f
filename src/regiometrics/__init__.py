"""regiometrics: a panel-econometrics workbench for regional studies.

The Python API (:func:`fit`, :func:`run`, :func:`etable`) and the error classes are
imported on first use, so ``import regiometrics`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

# Names resolved by ``__getattr__`` (not imported here: the package root stays cheap and
# outside the layer contracts).
_LAZY = {
    "fit": "regiometrics.api",
    "run": "regiometrics.api",
    "etable": "regiometrics.api",
    "Study": "regiometrics.api",
    "Result": "regiometrics.results",
    "RegiometricsError": "regiometrics.errors",
    "SpecError": "regiometrics.errors",
    "DataError": "regiometrics.errors",
    "IdentificationError": "regiometrics.errors",
    "ConvergenceError": "regiometrics.errors",
}

__all__ = [
    "ConvergenceError", "DataError", "IdentificationError", "RegiometricsError", "Result",
    "SpecError", "Study", "__version__", "etable", "fit", "run",
]
assert set(__all__) == {"__version__", *_LAZY}


def __getattr__(name: str) -> Any:
    """Import the public names on first access (PEP 562)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'regiometrics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
