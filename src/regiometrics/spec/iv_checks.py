"""Cross-reference checks of IV tables (called from the loader's reference check)."""

from __future__ import annotations

from typing import Any

from regiometrics.errors import SpecError


def check_first_stage_tables(spec: Any, source: str) -> None:
    """A ``first_stage`` table may name only ``type: iv`` models.

    ``spec`` is a :class:`~regiometrics.spec.models.StudySpec` whose table model ids are
    already known to exist.
    """
    types = {m.id: m.type for m in spec.models}
    for table in spec.tables:
        if getattr(table, "type", None) != "first_stage":
            continue
        for model_id in table.models:
            if types[model_id] != "iv":
                raise SpecError(
                    f"{source}: tables.{table.id}.models: {model_id!r} is of type {types[model_id]!r}"
                    "; a first_stage table shows the first stages of type 'iv' models only"
                )
