"""The exceptions every user-facing error is raised as.

All derive from :class:`RegiometricsError`, so a caller can catch one type.
Messages say what was expected, what was given and how to fix it.
"""

from __future__ import annotations


class RegiometricsError(Exception):
    """Base class of every error regiometrics raises on purpose."""


class SpecError(RegiometricsError):
    """A spec file (or Spec object) is malformed: unknown key, wrong type, bad value.

    The message names the file and the key path (e.g. ``models.m2.vcov.by``).
    """


class DataError(RegiometricsError):
    """The data do not fit the request: missing file, unknown column, duplicates, non-numeric."""


class IdentificationError(RegiometricsError):
    """A model cannot be identified: no variation, too few instruments, all regressors dropped."""


class ConvergenceError(RegiometricsError):
    """An iterative estimator failed to converge."""


class OutputError(RegiometricsError):
    """The outputs cannot be written: ``--out`` is a file or lies under one, an output would
    overwrite an input file, or the folder is not writable."""
