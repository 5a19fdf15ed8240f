"""The base of every Spec object: frozen, unknown keys forbidden, variants by ``replace``."""

from __future__ import annotations

from typing import Annotated, Any, Self, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Tag

#: Most random draws (bootstrap replications, permutations, simulation draws) a spec may ask
#: for: beyond it a run takes hours, which is far more likely a typo than a wish.
MAX_DRAWS = 1_000_000


class SpecBase(BaseModel):
    """Base: frozen, unknown keys forbidden."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied and validated again."""
        data = self.model_dump()
        data.update(changes)
        return type(self).model_validate(data)


def tagged_union(kinds: dict[str, type[SpecBase]], default: str | None = None) -> Any:
    """A pydantic union of ``kinds`` chosen by each entry's ``type`` key.

    An entry without ``type`` takes ``default`` (``None``: the key is required). Used for
    tables, figures, measures and weights, so the loader reports all of them one way.
    """
    def kind(value: Any) -> str | None:
        if isinstance(value, dict):
            return value.get("type", default)
        return getattr(value, "type", default)

    members = tuple(Annotated[cls, Tag(name)] for name, cls in kinds.items())
    return Annotated[Union[members], Discriminator(kind)]  # noqa: UP007
