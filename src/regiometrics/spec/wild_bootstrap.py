"""The ``wild_bootstrap`` key of a model: wild cluster bootstrap tests of single coefficients.

```yaml
wild_bootstrap: {cluster: entity, draws: 9999, weights: rademacher, seed: 1, terms: [DT],
                 level: 0.95, pvalue: symmetric, impose_null: true}
```

The method is in :mod:`regiometrics.engine.inference.wild_bootstrap`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from regiometrics.spec.base import SpecBase
from regiometrics.spec.literals import WildPvalue, WildWeights

#: Keys of ``models.ID.wild_bootstrap`` in results.json that hold settings, not terms.
WILD_SETTING_KEYS = (
    "method", "cluster", "n_clusters", "draws", "draws_requested", "enumerated", "weights",
    "seed", "level", "pvalue_type", "impose_null",
)


class WildBootstrapSpec(SpecBase):
    """Wild cluster bootstrap of the t-tests of ``terms`` (each ``H0: beta = 0``).

    ``cluster``: the bootstrap cluster column (``entity``/``time`` name the panel's own);
    ``draws``: bootstrap replications (with Rademacher weights and ``draws >= 2**G`` every
    one of the ``2**G`` sign vectors is used once instead, as boottest does);
    ``weights``: ``rademacher`` (default), ``webb`` (six-point), ``mammen`` or ``normal``;
    ``seed``: the random seed (numpy ``default_rng``); ``terms``: coefficients to test
    (default: every regressor of an ols/fe model, the endogenous regressor of an iv model);
    ``level``: confidence level of the interval found by inverting the test;
    ``pvalue``: ``symmetric`` (default, ``P(|t*| > |t|)``) or ``equal_tail``;
    ``impose_null``: restricted residuals (WCR/WRE, default) or unrestricted (WCU, ols/fe).
    """

    cluster: str = "entity"
    draws: int = Field(default=9999, ge=19, le=10_000_000)
    weights: WildWeights = "rademacher"
    seed: int = Field(default=1, ge=0)
    terms: list[str] | None = None
    level: float = Field(default=0.95, gt=0, lt=1)
    pvalue: WildPvalue = "symmetric"
    impose_null: bool = True

    @field_validator("terms", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("terms")
    @classmethod
    def _known_setting_names(cls, v: list[str] | None) -> list[str] | None:
        if v is not None:
            if not v:
                raise ValueError("terms: give at least one term, or leave the key out")
            clash = [t for t in v if t in WILD_SETTING_KEYS]
            if clash:
                raise ValueError(f"terms: {clash} are reserved names of the bootstrap settings")
        return v
