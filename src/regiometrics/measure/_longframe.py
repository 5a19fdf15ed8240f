"""Checks shared by the measures that read long (entity x time [x group]) frames.

Every check raises :class:`~regiometrics.errors.DataError` (bad data) or
:class:`~regiometrics.errors.SpecError` (bad option) with a message naming the
function, the column and the offending entity-years, and saying how to fix it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from regiometrics.errors import DataError
from regiometrics.options import check_literal

_MAX_LISTED = 8


def check_option(func: str, name: str, given: Any, alias: Any) -> None:
    """Raise SpecError unless ``given`` is one of the strings of the ``Literal`` ``alias``."""
    check_literal(given, alias, f"{func}: '{name}'")


def require_columns(func: str, df: pd.DataFrame, columns: Iterable[str | None]) -> None:
    """Raise DataError if a named column is absent from ``df``."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"{func}: expected a pandas DataFrame, got {type(df).__name__}.")
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise DataError(
            f"{func}: column(s) {', '.join(repr(c) for c in missing)} not found in the data; "
            f"available columns are {', '.join(repr(c) for c in df.columns)}. "
            "Check the column names passed as options."
        )


def where(df: pd.DataFrame, mask: np.ndarray | pd.Series, keys: Sequence[str | None]) -> str:
    """Format the rows selected by ``mask`` as ``'key1=a, key2=b'`` labels (at most a few)."""
    keys = [k for k in keys if k is not None]
    rows = df.loc[np.asarray(mask, dtype=bool), keys]
    labels = list(
        dict.fromkeys(  # unique, in data order; e.g. "Beijing 2010"
            " ".join(str(v) for v in row) for row in rows.itertuples(index=False, name=None)
        )
    )
    extra = len(labels) - _MAX_LISTED
    text = ", ".join(labels[:_MAX_LISTED])
    if extra > 0:
        text += f" and {extra} more"
    return text


def numeric_column(
    func: str, df: pd.DataFrame, column: str, keys: Sequence[str | None]
) -> np.ndarray:
    """Return ``df[column]`` as float64, raising DataError on non-numeric or missing values."""
    col = df[column]
    if not (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)):
        raise DataError(
            f"{func}: column '{column}' must be numeric, found dtype {col.dtype}. "
            "Convert it (e.g. pd.to_numeric) before computing the measure."
        )
    values = col.to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        raise DataError(
            f"{func}: column '{column}' has missing or infinite values at "
            f"{where(df, bad, keys)}. Drop or fill these rows first."
        )
    return values


def check_positive(
    func: str,
    df: pd.DataFrame,
    column: str,
    values: np.ndarray,
    keys: Sequence[str | None],
    *,
    strict: bool,
    why: str,
) -> None:
    """Raise DataError if ``values`` are not > 0 (``strict``) or not >= 0."""
    bad = values <= 0 if strict else values < 0
    if bad.any():
        need = "strictly positive" if strict else "non-negative"
        raise DataError(
            f"{func}: column '{column}' must be {need} ({why}), but is "
            f"{'non-positive' if strict else 'negative'} at {where(df, bad, keys)}. "
            "Drop these entity-years or transform the variable."
        )


def check_labels(func: str, df: pd.DataFrame, column: str, keys: Sequence[str | None]) -> None:
    """Raise DataError if a label column (entity, time, group) has missing values."""
    bad = df[column].isna().to_numpy()
    if bad.any():
        others = [k for k in keys if k is not None and k != column] or [column]
        raise DataError(
            f"{func}: column '{column}' has missing labels at {where(df, bad, others)}. "
            f"Every row needs a '{column}' value; fill or drop these rows."
        )


def check_unique(func: str, df: pd.DataFrame, keys: Sequence[str | None]) -> None:
    """Raise DataError if ``keys`` do not identify rows uniquely."""
    present = [k for k in keys if k is not None]
    dup = df.duplicated(subset=present, keep=False).to_numpy()
    if dup.any():
        raise DataError(
            f"{func}: rows are not unique by ({', '.join(present)}); duplicated at "
            f"{where(df, dup, present)}. Aggregate or drop the duplicates first."
        )


def time_groups(df: pd.DataFrame, time: str | None) -> list[tuple[Hashable, pd.DataFrame]]:
    """Split ``df`` by ``time`` in sorted order; one ``(None, df)`` pair when ``time`` is None."""
    if time is None:
        return [(None, df)]
    return [(t, part) for t, part in df.groupby(time, sort=True)]


def scalar(value: Any) -> Any:
    """Turn numpy scalars into Python ones so rows serialise cleanly to JSON."""
    if isinstance(value, np.generic):
        return value.item()
    return value
