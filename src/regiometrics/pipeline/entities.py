"""Entities of more than one key (region x product, 001): one combined entity column."""

from __future__ import annotations

import pandas as pd

from regiometrics.errors import DataError, SpecError


def composite_entity(frame: pd.DataFrame, keys: list[str], *,
                     source: str) -> tuple[pd.DataFrame, str]:
    """Add the column of a multi-key entity (``region_product`` = ``Heihe/timber``).

    Raises
    ------
    SpecError
        Fewer than two keys, a key the data lack, or a name already taken.
    DataError
        A missing key value (rows listed).
    """
    if len(keys) < 2 or len(set(keys)) != len(keys):
        raise SpecError(f"{source}: data.entity: give one column or two or more distinct "
                        f"columns, e.g. [region, product]; got {keys}")
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        raise SpecError(f"{source}: data.entity: no column(s) {missing} in the data; columns: "
                        f"{', '.join(map(str, frame.columns))}")
    name = "_".join(keys)
    if name in frame.columns:
        raise SpecError(f"{source}: data.entity: the data already have a column {name!r}, the "
                        "name of the combined entity; rename it")
    empty = frame[keys].isna().any(axis=1)
    if empty.any():
        raise DataError(f"{source}: data.entity: missing {'/'.join(keys)} in data rows "
                        f"{[int(i) + 2 for i in frame.index[empty][:10]]} (file line numbers)")
    out = frame.copy()
    out.insert(0, name, frame[keys].astype(str).agg("/".join, axis=1))
    return out, name
