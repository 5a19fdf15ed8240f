"""File names a spec writes and reads.

Outputs are named after ids (``<table id>.tex``, ``<figure id>.pdf`` ...), so an id that is
used as a file name must be a *plain name*: a letter, digit or ``_`` first, then letters,
digits, ``_``, ``-`` or ``.``; no path separators, nothing that could leave the output
folder (``../escaped``, ``/tmp/x``, ``sub/t1``) or hide a file (``.t1``). Letters may be any
Unicode letters.

The files a spec reads (data, coordinates, matrices, adjacency lists, polygons) are listed
by :func:`input_files`, so a run can refuse to overwrite any of them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from regiometrics.errors import SpecError

#: The rule, as error messages state it.
PLAIN_NAME_RULE = "use letters, digits, '_', '-', '.' only, no path separators"
_PLAIN_NAME = re.compile(r"\w[\w.\-]*")
_MAX_LENGTH = 120
#: Files that travel with a shapefile and are read with it.
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix")


def is_plain_name(name: object) -> bool:
    """Whether ``name`` can be used as (the stem of) a file name inside the output folder."""
    return (isinstance(name, str) and len(name) <= _MAX_LENGTH
            and _PLAIN_NAME.fullmatch(name) is not None)


def check_output_ids(spec: Any, source: str) -> None:
    """Refuse table, figure and descriptives ids that are not plain names.

    Raises
    ------
    SpecError
        ``spec.yaml: tables[0].id: '../escaped' is not a plain name; use letters, ...``
    """
    for block in ("tables", "figures", "descriptives"):
        for i, entry in enumerate(getattr(spec, block)):
            if not is_plain_name(entry.id):
                long = len(entry.id) > _MAX_LENGTH
                too_long = f" (at most {_MAX_LENGTH} characters)" if long else ""
                raise SpecError(
                    f"{source}: {block}[{i}].id: {entry.id!r} is not a plain name{too_long}; "
                    f"{PLAIN_NAME_RULE}; the id names the output files ({entry.id}.tex ...)"
                )


def input_files(spec: Any, base_dir: Path) -> dict[Path, str]:
    """Every file the spec reads, resolved, mapped to the key path that names it.

    ``data.path``, and the ``coords`` / ``path`` files of every weights matrix (with the
    companion files of a shapefile). Relative paths are taken from ``base_dir``, the spec
    file's folder, as the readers do.
    """
    named: list[tuple[str, str]] = [("data.path", spec.data.path)]
    for name, weights in spec.weights.items():
        for key in ("coords", "path"):
            value = getattr(weights, key, None)
            if isinstance(value, str):
                named.append((f"weights.{name}.{key}", value))
    out: dict[Path, str] = {}
    for key, text in named:
        path = Path(text)
        path = (path if path.is_absolute() else base_dir / path).resolve()
        out.setdefault(path, key)
        if path.suffix.lower() == ".shp":
            for ext in _SHAPEFILE_PARTS:
                out.setdefault(path.with_suffix(ext), key)
    return out
