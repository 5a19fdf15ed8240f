"""The one check of option strings against their ``Literal`` aliases."""

from __future__ import annotations

from typing import Any, get_args

from regiometrics.errors import SpecError


def check_literal(value: Any, alias: Any, what: str) -> Any:
    """Return ``value`` if it is one of the strings of the ``Literal`` ``alias``.

    Raises
    ------
    SpecError
        ``"<what> must be one of 'a', 'b'; 'c' was given."``
    """
    allowed = get_args(alias)
    if not isinstance(value, str) or value not in allowed:
        raise SpecError(f"{what} must be one of {', '.join(map(repr, allowed))}; {value!r} was given.")
    return value
