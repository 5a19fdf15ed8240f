"""The Panel: a DataFrame with a validated entity (and time) index.

Panel operators follow Stata's time-series operators: ``L.x`` is the value of
``x`` for the same entity at time ``t - 1`` *by time value*, so a lag across a
missing year is missing, not the previous row. ``F.x`` leads, ``D.x`` differences
(``D.x = x_t - x_{t-1}``); they combine (``LD.x`` is the lagged difference).
Integer-valued time columns are used as they are; any other time column is
mapped to the rank of its sorted distinct values.

Sample restrictions do not change what an operator sees. As with Stata's ``if``,
``L.x`` in the first year a filter keeps is the value of the year before, if the data
have it: a restricted Panel (:meth:`Panel.filtered`, :meth:`Panel.subset`) keeps the rows
it leaves out in ``outside``, and operators are evaluated on the sample and those rows
together, then read off at the sample's rows. Plain columns are the sample's own.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from regiometrics.data.filter import evaluate_filter
from regiometrics.errors import DataError
from regiometrics.spec.formula import Variable, parse_variable

#: Largest magnitude accepted in a numeric column: beyond it sums of squares overflow.
MAX_ABS_VALUE = 1e100


@dataclass(frozen=True)
class Panel:
    """A validated panel.

    Parameters
    ----------
    frame
        The data, one row per entity-time (or per entity when ``time`` is ``None``).
    entity, time
        Names of the entity and time columns.
    source
        Where the data came from, for messages.
    outside
        Rows of the same data that a sample restriction left out (``None``: none). Panel
        operators read them (a lag in the first kept year is the previous year's value);
        nothing else does. Columns added to the sample later (indices, measures) are
        missing on these rows.
    """

    frame: pd.DataFrame
    entity: str
    time: str | None = None
    source: str = "data"
    outside: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    _time_index: pd.Series = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for role, name in (("entity", self.entity), ("time", self.time)):
            if name is not None and name not in self.frame.columns:
                raise DataError(
                    f"{self.source}: data.{role}: {role} column {name!r} not found{self._closest(name)}"
                )
        frame = self.frame.reset_index(drop=True)
        object.__setattr__(self, "frame", frame)
        if frame[self.entity].isna().any():
            rows = frame.index[frame[self.entity].isna()][:5].tolist()
            raise DataError(f"{self.source}: entity column {self.entity!r} is empty in rows {rows}")
        if self.time is not None:
            if frame[self.time].isna().any():
                rows = frame.index[frame[self.time].isna()][:5].tolist()
                raise DataError(f"{self.source}: time column {self.time!r} is empty in rows {rows}")
            if self._has_duplicate_pairs(frame):
                dup = frame.duplicated([self.entity, self.time], keep=False)
                pairs = (
                    frame.loc[dup, [self.entity, self.time]].drop_duplicates().head(5)
                    .itertuples(index=False, name=None)
                )
                listed = ", ".join(f"({e}, {t})" for e, t in pairs)
                raise DataError(
                    f"{self.source}: {int(dup.sum())} rows share an entity-time pair with another "
                    f"row, e.g. {listed}; each ({self.entity}, {self.time}) must appear once"
                )
        object.__setattr__(self, "_time_index", self._make_time_index(frame))
        if self.outside is not None:
            kept = self.outside.reset_index(drop=True) if len(self.outside) else None
            object.__setattr__(self, "outside", kept)

    def _has_duplicate_pairs(self, frame: pd.DataFrame) -> bool:
        """Whether an (entity, time) pair occurs twice. Integer keys of compact ranges (the
        usual codes and years) are counted by ``bincount`` in O(n); others by pandas."""
        assert self.time is not None
        e, t = frame[self.entity].to_numpy(), frame[self.time].to_numpy()
        if e.dtype.kind in "iu" and t.dtype.kind in "iu" and len(e):
            e_lo, t_lo = int(e.min()), int(t.min())
            span_e, span_t = int(e.max()) - e_lo + 1, int(t.max()) - t_lo + 1
            if span_e * span_t <= 4 * len(e) + 4096:
                key = (e - e_lo).astype(np.intp) * span_t + (t - t_lo).astype(np.intp)
                return bool(np.bincount(key, minlength=span_e * span_t).max() > 1)
        return bool(frame.duplicated([self.entity, self.time]).any())

    def _make_time_index(self, frame: pd.DataFrame) -> pd.Series:
        if self.time is None:
            return pd.Series(np.zeros(len(frame), dtype=np.int64), index=frame.index)
        t = frame[self.time]
        if t.dtype.kind in "iu":
            return t.astype(np.int64)
        if pd.api.types.is_numeric_dtype(t) and np.all(np.mod(t.to_numpy(dtype=float), 1) == 0):
            return t.astype(np.int64)
        ranks = {v: i for i, v in enumerate(sorted(t.unique()))}
        return t.map(ranks).astype(np.int64)

    # ----------------------------------------------------------------- facts
    @property
    def n_entities(self) -> int:
        return int(self.frame[self.entity].nunique())

    @property
    def n_periods(self) -> int:
        return 1 if self.time is None else int(self.frame[self.time].nunique())

    @property
    def is_balanced(self) -> bool:
        return len(self.frame) == self.n_entities * self.n_periods

    def _closest(self, name: str) -> str:
        close = difflib.get_close_matches(name, [str(c) for c in self.frame.columns], n=3, cutoff=0.5)
        return f"; closest columns: {', '.join(close)}" if close else ""

    # ------------------------------------------------------------ selection
    def require(self, names: list[str], *, where: str = "") -> None:
        """Raise a DataError naming any missing column and the closest existing ones."""
        for name in names:
            if name not in self.frame.columns:
                prefix = f"{where}: " if where else ""
                hint = ("; an effect is entity, time, a column, 'a^b' or 'entity[time]'"
                        if where.endswith("effects") else "")
                raise DataError(
                    f"{prefix}unknown variable {name!r}: no such column in {self.source}"
                    f"{self._closest(name)}{hint}"
                )

    def filtered(self, expression: str | None, *, where: str = "data.filter") -> Panel:
        """The rows satisfying ``expression`` (restricted language), as :meth:`subset`."""
        if not expression:
            return self
        mask = evaluate_filter(expression, self.frame, where=where)
        if not mask.any():
            raise DataError(f"{where}: {expression!r} keeps no rows of {self.source}")
        return self.subset(mask.to_numpy())

    def subset(self, keep: np.ndarray) -> Panel:
        """A sample of this panel: the rows where ``keep`` (bool, one per row) is true.

        The rows left out join :attr:`outside`, so panel operators on the sample still read
        them (Stata's ``if``: ``L.x`` is computed on the whole panel, then restricted).
        """
        keep = np.asarray(keep, dtype=bool)
        if keep.all():
            return self
        dropped = self.frame.loc[~keep]
        outside = dropped if self.outside is None else pd.concat(
            [self.outside, dropped], ignore_index=True
        )
        return Panel(self.frame.loc[keep], self.entity, self.time, self.source, outside=outside)

    def with_frame(self, frame: pd.DataFrame) -> Panel:
        """The same sample with new columns (``frame`` has this panel's rows); ``outside`` is
        kept, without the new columns (they exist on the sample only)."""
        return Panel(frame, self.entity, self.time, self.source, outside=self.outside)

    def map_column(self, name: str, fn: Callable[[pd.Series], pd.Series]) -> Panel:
        """Replace numeric column ``name`` by ``fn(column)`` on the sample and on the rows
        outside it alike (e.g. centring by a sample mean), so operators stay consistent."""
        frame = self.frame.assign(**{name: fn(self.numeric(name))})
        outside = self.outside
        if outside is not None and name in outside.columns:
            values = pd.to_numeric(outside[name], errors="coerce").astype(float)
            outside = outside.assign(**{name: fn(values)})
        return Panel(frame, self.entity, self.time, self.source, outside=outside)

    def numeric(self, name: str, *, where: str = "") -> pd.Series:
        """Column ``name`` as float, or a DataError with examples of non-numeric or
        infinite values and the entity-years holding them."""
        self.require([name], where=where)
        col = self.frame[name]
        if pd.api.types.is_bool_dtype(col):
            return col.astype(float)
        if pd.api.types.is_numeric_dtype(col):
            return self._finite(col.astype(float), name, where)
        converted = pd.to_numeric(col, errors="coerce")
        bad = col[converted.isna() & col.notna()]
        if len(bad):
            examples = ", ".join(repr(v) for v in bad.drop_duplicates().head(3))
            rows = self.frame.loc[bad.index[:3], [self.entity] + ([self.time] if self.time else [])]
            at = ", ".join(str(tuple(r)) for r in rows.itertuples(index=False, name=None))
            prefix = f"{where}: " if where else ""
            raise DataError(
                f"{prefix}column {name!r} has non-numeric values ({len(bad)} rows), e.g. {examples} "
                f"at {at}; clean the column or recode it as numbers"
            )
        return self._finite(converted.astype(float), name, where)

    def _finite(self, values: pd.Series, name: str, where: str) -> pd.Series:
        """``values`` unchanged, or a DataError naming the entity-years that hold inf/-inf
        or values so large (beyond :data:`MAX_ABS_VALUE`) that sums of squares overflow."""
        array = values.to_numpy()
        infinite = np.isinf(array)
        keys = [self.entity] + ([self.time] if self.time else [])
        with np.errstate(invalid="ignore"):  # NaN compares False: not huge
            huge = ~infinite & (np.abs(array) > MAX_ABS_VALUE)
        if huge.any():
            row = values.index[huge][0]
            at = ", ".join(str(v) for v in self.frame.loc[row, keys])
            prefix = f"{where}: " if where else ""
            raise DataError(
                f"{prefix}column {name!r} has values too large to estimate with (beyond "
                f"{MAX_ABS_VALUE:.0e} in absolute value) in {int(huge.sum())} row"
                f"{'s' if huge.sum() > 1 else ''}, e.g. {array[huge][0]:.6g} at "
                f"({', '.join(keys)}) = ({at}); rescale the column (thousands, logs)"
            )
        if not infinite.any():
            return values
        rows = self.frame.loc[values.index[infinite][:5], keys]
        at = ", ".join(
            "(" + ", ".join(str(v) for v in r) + ")"
            for r in rows.itertuples(index=False, name=None)
        )
        more = " ..." if infinite.sum() > 5 else ""
        prefix = f"{where}: " if where else ""
        raise DataError(
            f"{prefix}column {name!r} has infinite values (inf or -inf) in {int(infinite.sum())} "
            f"row{'s' if infinite.sum() > 1 else ''}, at ({', '.join(keys)}) = {at}{more}; replace them by missing values or fix "
            "the data (a log of 0 or a division by 0?)"
        )

    def variable(self, var: Variable | str, *, where: str = "") -> pd.Series:
        """Evaluate a (possibly operator-prefixed) variable, aligned to ``frame`` rows."""
        if isinstance(var, str):
            var = parse_variable(var, where=where or "variable")
        if var.factor is not None:
            raise DataError(f"{where}: the factor {var.text!r} has no single numeric value")
        if var.expr is not None:
            expr = var.expr
            with np.errstate(all="ignore"):
                values = expr.evaluate(lambda c: self.numeric(c, where=where))
            base = pd.Series(values, index=self.frame.index, dtype=float)
            base = base.where(np.isfinite(base))  # log(0), sqrt(-1): missing, as Stata
        else:
            base = self.numeric(var.name, where=where)
        if var.is_plain:
            return base.rename(var.text)
        if var.lag == 0 and var.diff == 0:
            return base.rename(var.text)
        if self.time is None:
            raise DataError(
                f"{where}: panel operator in {var.text!r} needs a time column; set data.time"
            )
        if self.outside is not None:
            whole = self._with_outside(list(var.columns)).variable(var, where=where)
            return pd.Series(whole.to_numpy()[: len(self.frame)], index=self.frame.index,
                             name=var.text)
        out = self._shift(base, var.lag) if var.lag else base
        for _ in range(var.diff):
            out = out - self._shift(out, 1)
        return out.rename(var.text)

    def _with_outside(self, names: str | list[str]) -> Panel:
        """Sample rows first, then the rows outside it, with the key columns and ``names``
        (missing outside when a column was added to the sample only)."""
        assert self.outside is not None and self.time is not None
        names = [names] if isinstance(names, str) else names
        keys = [self.entity, self.time]
        columns = list(dict.fromkeys([*keys, *names]))
        inside = self.frame[columns]
        rest = self.outside[[c for c in columns if c in self.outside.columns]]
        rest = rest.assign(**{c: np.nan for c in columns if c not in self.outside.columns})[
            columns]
        return Panel(pd.concat([inside, rest], ignore_index=True), self.entity, self.time,
                     self.source)

    def _shift(self, values: pd.Series, k: int) -> pd.Series:
        """Value at time ``t - k`` of the same entity, by time value (NaN when absent)."""
        keys = pd.MultiIndex.from_arrays([self.frame[self.entity], self._time_index])
        lookup = pd.Series(values.to_numpy(), index=keys)
        wanted = pd.MultiIndex.from_arrays([self.frame[self.entity], self._time_index - k])
        return pd.Series(lookup.reindex(wanted).to_numpy(), index=self.frame.index)

    def time_values(self) -> pd.Series:
        """The time column as the operators read it: integer years, or ranks of the sorted
        distinct values (zeros without a time column)."""
        return self._time_index.copy()

    def codes(self, column: str) -> np.ndarray:
        """Integer codes (0..G-1) of a column, e.g. for clusters or fixed effects."""
        self.require([column])
        return pd.factorize(self.frame[column], sort=True)[0].astype(np.int64)
