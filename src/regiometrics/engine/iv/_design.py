"""Input validation for the IV kernels: arrays, names, options -> :class:`Design`.

Every bad-input path raises :class:`~regiometrics.errors.SpecError` (options),
:class:`~regiometrics.errors.DataError` (arrays) or
:class:`~regiometrics.errors.IdentificationError` (the model cannot be estimated), with a
message that names the offending variable and says how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from regiometrics.engine.iv._core import (
    Clusters,
    Design,
    DofSpec,
    SmallSampleConvention,
    VcovType,
    canonical_correlations,
    dependent_columns,
    make_clusters,
    partial_out,
)
from regiometrics.errors import DataError, IdentificationError, SpecError
from regiometrics.options import check_literal

Method = Literal["2sls", "liml", "gmm2s"]
AbsorbedAs = Literal["dofminus", "sdofminus"]


def _names(given: Sequence[str] | None, obj: object, prefix: str, k: int, what: str) -> tuple[str, ...]:
    if given is None and isinstance(obj, pd.DataFrame):
        given = [str(c) for c in obj.columns]
    elif given is None and isinstance(obj, pd.Series) and obj.name is not None:
        given = [str(obj.name)]
    if given is None:
        return tuple(f"{prefix}{i + 1}" for i in range(k))
    names = tuple(str(g) for g in given)
    if len(names) != k:
        raise SpecError(
            f"{what} has {k} column(s) but {len(names)} name(s) were given ({', '.join(names)}); "
            f"pass one name per column."
        )
    return names


def _matrix(obj: object, name: str, n: int | None) -> np.ndarray:
    if obj is None:
        if n is None:
            raise DataError(f"{name} is missing; pass an array with one row per observation.")
        return np.zeros((n, 0))
    try:
        arr = np.asarray(obj, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must be numeric; converting it to floats failed: {exc}") from exc
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise DataError(f"{name} must be 1- or 2-dimensional, got shape {arr.shape}.")
    if n is not None and arr.shape[0] != n:
        raise DataError(
            f"{name} has {arr.shape[0]} rows but y has {n}; all inputs must have one row per "
            f"observation (drop missing rows before calling)."
        )
    return arr


def _check_finite(arr: np.ndarray, what: str, names: tuple[str, ...]) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        row, col = map(int, np.argwhere(bad)[0])
        raise DataError(
            f"{what} column {names[col]!r} has {int(bad[:, col].sum())} missing or infinite "
            f"value(s) (first at row {row}); drop or impute those observations first."
        )


def _check_rank(arr: np.ndarray, names: tuple[str, ...], what: str) -> None:
    dependent = dependent_columns(arr)
    if dependent:
        dropped = [names[i] for i in dependent]
        raise IdentificationError(
            f"{what} are collinear: {', '.join(dropped)} is a linear combination of the others "
            f"(or constant after absorbing fixed effects); remove it from the model."
        )


@dataclass(frozen=True)
class IVInputs:
    """Arrays and options of one IV model after validation (see :func:`build_design`)."""

    design: Design
    dependent: str


def build_design(
    y: object,
    X_exog: object,
    X_endog: object,
    Z: object,
    *,
    vcov: VcovType = "unadjusted",
    clusters: object = None,
    absorbed_df: int = 0,
    absorbed_nested_df: int = 0,
    absorbed_as: AbsorbedAs = "dofminus",
    partialled_df: int = 0,
    small: bool = True,
    ssc: SmallSampleConvention = "fixest",
    dependent: str | None = None,
    exog_names: Sequence[str] | None = None,
    endog_names: Sequence[str] | None = None,
    instrument_names: Sequence[str] | None = None,
) -> IVInputs:
    """Validate the inputs of :func:`fit_iv` and build the shared :class:`Design`.

    Raises :class:`SpecError` for bad options, :class:`DataError` for bad arrays and
    :class:`IdentificationError` when the model is not identified.
    """
    check_literal(vcov, VcovType, "vcov")
    check_literal(ssc, SmallSampleConvention, "ssc")
    check_literal(absorbed_as, AbsorbedAs, "absorbed_as")
    if dependent is None:
        dependent = str(y.name) if isinstance(y, pd.Series) and y.name is not None else "y"
    yv = _matrix(y, "y", None)
    if yv.shape[1] != 1:
        raise DataError(f"y must be a single column, got {yv.shape[1]} columns.")
    n = yv.shape[0]
    x1 = _matrix(X_exog, "X_exog", n)
    x2 = _matrix(X_endog, "X_endog", n)
    z1 = _matrix(Z, "Z", n)
    exn = _names(exog_names, X_exog, "exog", x1.shape[1], "X_exog")
    enn = _names(endog_names, X_endog, "endog", x2.shape[1], "X_endog")
    inn = _names(instrument_names, Z, "instrument", z1.shape[1], "Z")
    _check_finite(yv, "y", (dependent,))
    for arr, what, nm in ((x1, "X_exog", exn), (x2, "X_endog", enn), (z1, "Z", inn)):
        _check_finite(arr, what, nm)
    k2, l1 = x2.shape[1], z1.shape[1]
    if k2 == 0:
        raise IdentificationError(
            "X_endog has no columns; an IV model needs at least one endogenous regressor "
            "(use an OLS/FE model instead)."
        )
    if l1 < k2:
        raise IdentificationError(
            f"the model has {l1} excluded instrument(s) ({', '.join(inn) or 'none'}) for {k2} "
            f"endogenous regressor(s) ({', '.join(enn)}); it needs at least as many excluded "
            f"instruments as endogenous regressors."
        )
    dup = sorted(set(enn) & (set(exn) | set(inn)))
    if dup:
        raise SpecError(f"{', '.join(dup)} is declared both endogenous and exogenous/instrument.")
    if absorbed_df < 0 or absorbed_nested_df < 0 or absorbed_nested_df > absorbed_df:
        raise SpecError(
            f"absorbed_df={absorbed_df} and absorbed_nested_df={absorbed_nested_df} must satisfy "
            f"0 <= absorbed_nested_df <= absorbed_df."
        )
    if partialled_df < 0:
        raise SpecError(f"partialled_df={partialled_df} must be >= 0.")
    absorbed_total = absorbed_df + partialled_df
    _check_rank(np.hstack([z1, x1]), inn + exn, "The instruments (excluded and included)")
    _check_rank(np.hstack([x2, x1]), enn + exn, "The regressors")
    big_l, big_k = l1 + x1.shape[1], k2 + x1.shape[1]
    if n - big_l - absorbed_total <= 0:
        raise IdentificationError(
            f"{n} observations are too few for {big_l} instruments and {absorbed_total} "
            f"absorbed or partialled parameters; the residual degrees of freedom must be "
            f"positive."
        )
    cl: Clusters | None = None
    if vcov == "cluster":
        if clusters is None:
            raise SpecError("vcov='cluster' needs clusters= (one cluster code per observation).")
        raw = np.asarray(clusters)
        if raw.shape[0] != n or raw.ndim not in (1, 2) or (raw.ndim == 2 and raw.shape[1] != 2):
            raise DataError(
                f"clusters must have shape ({n},) or ({n}, 2) for one- or two-way clustering, "
                f"got {raw.shape}."
            )
        cl = make_clusters(raw)
        if any((code < 0).any() for code in cl.codes):
            raise DataError("clusters has missing values; every observation needs a cluster.")
        if cl.n_clusters < 2:
            raise DataError(
                f"clustering needs at least 2 clusters, got {cl.n_clusters}; use vcov='robust'."
            )
    elif clusters is not None:
        raise SpecError(f"clusters= was given but vcov={vcov!r}; set vcov='cluster' to use them.")
    dof = DofSpec(
        n=n,
        dofminus=absorbed_df if absorbed_as == "dofminus" else 0,
        sdofminus=partialled_df + (absorbed_df if absorbed_as == "sdofminus" else 0),
        nested=absorbed_nested_df,
        n_clusters=cl.n_clusters if cl is not None else None,
    )
    if n - big_k - absorbed_total <= 0:
        raise IdentificationError(
            f"{n} observations leave no residual degrees of freedom for {big_k} regressors and "
            f"{absorbed_total} absorbed or partialled parameters."
        )
    yv1 = yv[:, 0]
    design = Design(
        y=yv1,
        x_endog=x2,
        x_exog=x1,
        z_excl=z1,
        endog_names=enn,
        exog_names=exn,
        instrument_names=inn,
        vcov=vcov,
        clusters=cl,
        dof=dof,
        small=small,
        ssc=ssc,
        yt=partial_out(x1, yv1[:, None])[:, 0],
        x2t=partial_out(x1, x2),
        z1t=partial_out(x1, z1),
    )
    if canonical_correlations(design.x2t, design.z1t)[k2 - 1] < 1e-8:
        raise IdentificationError(
            f"the excluded instruments ({', '.join(inn)}) do not identify "
            f"{', '.join(enn)}: after partialling out the exogenous regressors the rank of "
            f"their first-stage coefficient matrix is below {k2} (an endogenous regressor, "
            f"or a combination of them, is uncorrelated with every instrument)."
        )
    return IVInputs(design=design, dependent=dependent)
