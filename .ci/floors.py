"""Write a pip constraints file pinning every declared dependency to its floor.

Reads pyproject.toml: the runtime dependencies and the extras named on the command line
(default: test). Each requirement must carry a `>=X` floor; it becomes `name==X`, so the
floors CI installs are exactly the ones the project declares and cannot drift from them.

Usage: python3 .ci/floors.py [EXTRA ...] > floors.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*([0-9][0-9A-Za-z.]*)\s*$")


def floors(extras: list[str]) -> list[str]:
    """Return `name==floor` lines for the runtime dependencies and the given extras."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = REQUIREMENT.match(requirement)
        if match is None:
            sys.exit(f"pyproject.toml: {requirement!r} has no plain '>=X' floor; declare one")
        name = match.group(1).lower().replace("_", "-")
        version = match.group(2)
        if pins.setdefault(name, version) != version:
            sys.exit(f"pyproject.toml: {name} has two floors ({pins[name]}, {version})")
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


if __name__ == "__main__":
    print("\n".join(floors(sys.argv[1:] or ["test"])))
