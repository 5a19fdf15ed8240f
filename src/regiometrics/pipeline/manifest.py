"""The run manifest: what produced a folder of results, so a reader can tell exactly.

``DIR/manifest.json`` is written with the other outputs of a run (in the same atomic move)
and records

* ``command``: the command line (argument list) that made the run, when known;
* ``spec``: the spec file as the caller named it and its SHA-256;
* ``inputs``: every file the spec reads (the panel, weights files ...), by the path written
  in the spec (relative to the spec file), with its size and SHA-256;
* ``seeds``: every ``seed`` key of the spec with its key path (``models.med.bootstrap.seed``);
* ``python`` and ``packages``: the Python version and the versions of regiometrics and of
  each of its runtime dependencies;
* ``outputs``: the SHA-256 of every other file of the run (results.json, tables, figures).

There is deliberately **no timestamp**, and paths are recorded as the caller and the spec wrote
them (never resolved to absolute ones): the same command on the same inputs with the same
package versions writes a byte-identical manifest, so a manifest can itself be compared or
hashed ("same seed, same bytes"). When a run happened is the file's modification time; where
it happened is not part of what produced the numbers.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
from collections.abc import Iterable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from regiometrics import __version__

#: Spec keys whose string value names an input file (relative to the spec file).
FILE_KEYS = frozenset({"path", "coords"})
#: Side files read with a file of this suffix (a shapefile is several files).
_SIDECARS = {".shp": (".shx", ".dbf", ".prj", ".cpg")}
MANIFEST_VERSION = 1


def sha256_bytes(content: bytes) -> str:
    """Hex SHA-256 of ``content``."""
    return hashlib.sha256(content).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _walk(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str, Any]]:
    """Yield ``(key path, key, value)`` for every mapping entry; list items are named by
    their ``id`` when they have one, else by their position."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (str(key),), str(key), value
            yield from _walk(value, path + (str(key),))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            name = str(item["id"]) if isinstance(item, dict) and "id" in item else str(i)
            yield from _walk(item, path + (name,))


def spec_seeds(spec_dump: dict[str, Any]) -> list[dict[str, Any]]:
    """Every ``seed`` set in the spec, as ``{"key": "models.med.bootstrap.seed", "value": 2024}``.

    The spec is walked as loaded (defaults already inherited by each model), so a seed
    given under ``defaults`` is listed under each model that uses it.
    """
    seeds = []
    for keys, key, value in _walk(spec_dump, ()):
        if key == "seed" and value is not None and not isinstance(value, (dict, list)):
            if keys[0] == "defaults":
                continue  # listed where it takes effect, under models
            seeds.append({"key": ".".join(keys), "value": value})
    return seeds


def spec_input_files(spec_dump: dict[str, Any]) -> list[tuple[str, str]]:
    """``(key path, file as written)`` for every file the spec names, ``data.path`` first."""
    found: list[tuple[str, str]] = []
    for keys, key, value in _walk(spec_dump, ()):
        if key in FILE_KEYS and isinstance(value, str) and keys[0] != "defaults":
            found.append((".".join(keys), value))
    found.sort(key=lambda kv: (kv[0] != "data.path", kv[0]))
    return found


def input_records(spec_dump: dict[str, Any], base_dir: Path) -> list[dict[str, Any]]:
    """Size and SHA-256 of each file the spec reads, resolved against ``base_dir``.

    A shapefile's side files (``.shx``, ``.dbf``, ...) are listed after it when present.
    """
    records: list[dict[str, Any]] = []
    seen: set[Path] = set()
    for key, written in spec_input_files(spec_dump):
        path = Path(written)
        resolved = path if path.is_absolute() else base_dir / path
        files = [(written, resolved)]
        for ext in _SIDECARS.get(resolved.suffix.lower(), ()):
            side = resolved.with_suffix(ext)
            if side.exists():
                files.append((str(Path(written).with_suffix(ext)), side))
        for name, file in files:
            if file.resolve() in seen or not file.is_file():
                continue
            seen.add(file.resolve())
            records.append({"key": key, "path": name, "bytes": file.stat().st_size,
                            "sha256": sha256_file(file)})
    return records


def _metadata_fields(distribution: str) -> dict[str, list[str]] | None:
    """The header fields of an installed distribution's core metadata (``METADATA``, or
    ``PKG-INFO``), keyed by lower-case name; ``None`` when it is not installed.

    Only the header block is read (fields are ``Name: value`` lines up to the first blank
    line, the long description follows it): :mod:`importlib.metadata` parses the whole file
    with the e-mail parser, which for a run's dozen packages costs more than the manifest.
    """
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return None
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    fields: dict[str, list[str]] = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        key, sep, value = line.partition(":")
        if sep and not line[:1].isspace():  # an indented line continues a folded field
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    return fields


def _requirement_names(distribution: str) -> list[str]:
    """Names of the runtime (non-extra) requirements of an installed distribution."""
    fields = _metadata_fields(distribution)
    names: list[str] = []
    for req in (fields or {}).get("requires-dist", []):
        marker = req.split(";", 1)[1] if ";" in req else ""
        if "extra" in marker:
            continue
        name = re.split(r"[\s<>=!~;\[(]", req.strip(), maxsplit=1)[0]
        if name and name not in names:
            names.append(name)
    return names


def package_versions(names: Iterable[str] | None = None) -> dict[str, str | None]:
    """``{package: version}`` for regiometrics and its runtime dependencies (sorted by name;
    ``None`` for a package that is not installed)."""
    wanted = list(names) if names is not None else _requirement_names("regiometrics")
    out: dict[str, str | None] = {"regiometrics": __version__}
    for name in sorted(set(wanted), key=str.lower):
        fields = _metadata_fields(name)
        out[name] = fields["version"][0] if fields and fields.get("version") else None
    return out


def build_manifest(
    spec_dump: dict[str, Any],
    *,
    spec_name: str,
    spec_sha256: str,
    base_dir: Path,
    outputs: dict[str, str | bytes],
    command: Sequence[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest document (a plain dict, ready for ``json.dumps``).

    Parameters
    ----------
    spec_dump
        The loaded spec as plain data (``StudySpec.model_dump()``).
    spec_name
        The spec file as the caller named it (recorded as given, not resolved).
    spec_sha256
        SHA-256 of the spec file's bytes.
    base_dir
        The spec file's folder, against which the spec's relative file paths resolve.
    outputs
        File name -> content of every other output of the run (hashed here).
    command
        The command line, as an argument list; ``None`` when the run came from Python.
    extra
        Further top-level entries (``replication`` for ``regiometrics replicate``).
    """
    doc: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "command": list(command) if command is not None else None,
        "spec": {"path": spec_name, "sha256": spec_sha256},
        "inputs": input_records(spec_dump, base_dir),
        "seeds": spec_seeds(spec_dump),
        "python": platform.python_version(),
        "packages": package_versions(),
        "outputs": {
            name: sha256_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            for name, content in sorted(outputs.items())
        },
    }
    if extra:
        doc.update(extra)
    return doc


def manifest_text(doc: dict[str, Any]) -> str:
    """The manifest as written: indented JSON with a final newline."""
    return json.dumps(doc, indent=2, allow_nan=False) + "\n"
