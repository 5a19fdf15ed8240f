"""The base of every Spec object: frozen, unknown keys forbidden, variants by ``replace``."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict


class SpecBase(BaseModel):
    """Base: frozen, unknown keys forbidden."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied and validated again."""
        data = self.model_dump()
        data.update(changes)
        return type(self).model_validate(data)
