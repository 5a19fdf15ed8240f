"""Read a panel file by its extension: csv, xlsx/xls, dta, parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from regiometrics.errors import DataError

READERS = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".xls": "excel",
           ".dta": "stata", ".parquet": "parquet", ".pq": "parquet"}


def read_table(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a data file into a DataFrame; the file itself is never modified.

    Raises
    ------
    DataError
        If the file is missing, its extension is unknown, or it cannot be parsed.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(
            f"data file {path} does not exist; data.path is read relative to the spec file"
        )
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise DataError(
            f"data file {path}: unknown extension {path.suffix!r}; "
            f"expected one of {', '.join(sorted(READERS))}"
        )
    if kind == "parquet":
        _require_pyarrow(path)
    if path.stat().st_size == 0:
        raise DataError(f"data file {path} is empty (0 bytes); it needs a header row and data rows")
    try:
        if kind == "csv":
            frame = pd.read_csv(path)
        elif kind == "excel":
            frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet)
        elif kind == "stata":
            frame = pd.read_stata(path, convert_categoricals=False)
        else:
            frame = pd.read_parquet(path)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"data file {path}: byte 0x{exc.object[exc.start]:02x} at position {exc.start} is not "
            "valid UTF-8; save the file as UTF-8"
        ) from None
    except Exception as exc:  # parsing libraries raise many types
        raise DataError(f"data file {path}: could not be read as {kind}: {exc}") from None
    if len(frame) == 0:
        columns = ", ".join(map(str, frame.columns[:8])) + (" ..." if frame.shape[1] > 8 else "")
        raise DataError(
            f"data file {path} has no rows: only a header ({columns or 'no columns'}); "
            "add the data rows"
        )
    return frame


def _require_pyarrow(path: Path) -> None:
    """Fail with the reason and the fix when pyarrow is missing or cannot be imported.

    pandas only says "Unable to find a usable engine"; the usual cause on an older stack is a
    pyarrow wheel built for NumPy 2 beside NumPy 1.x (pyarrow 26 and newer need NumPy 2).
    """
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise DataError(
            f"data file {path}: reading parquet needs pyarrow, which cannot be imported here "
            f"({exc}). With NumPy 1.x install `pip install 'pyarrow>=14,<26'`; with NumPy 2 any "
            f"pyarrow >= 14 works; or save the data as csv."
        ) from None
