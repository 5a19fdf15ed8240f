r"""Wild cluster bootstrap t-tests and their inversion, in cluster-level sums.

The algebra follows Roodman, MacKinnon, Nielsen and Webb (2019), "Fast and wild: Bootstrap
inference in Stata using boottest", *Stata Journal* 19(1): no bootstrap sample is refitted;
every bootstrap statistic is a low-dimensional function of a vector of cluster weights
:math:`v \in \mathbb R^G`, and a block of draws is a matrix :math:`V` (G x B) handled by one
matrix product.

**OLS and fixed effects (WCR, WCU).** After the fixed effects are swept out the model is
:math:`y = X\beta + u` (:math:`X` n x k, demeaned). For :math:`H_0: \beta_j = \beta_0` with
:math:`H = (X'X)^{-1}`, :math:`w = XHe_j`, :math:`h = H_{jj}` and OLS residuals
:math:`\hat u`, the restricted residuals are :math:`\tilde u = \hat u + \delta\, w/h` with
:math:`\delta = \hat\beta_j - \beta_0`. The bootstrap sample is
:math:`y^* = X\tilde\beta + \tilde u \circ v_{g(i)}`, refitted with the fixed effects, so

.. math::

    \hat\beta^*_j - \beta_0 = \sum_g v_g\, w_g'\tilde u_g, \qquad
    s^*_h = \sum_g v_g \bigl[ w_h' (M_D(\tilde u\circ 1_g))_h
            - (w_h'X_h) H X_g'\tilde u_g \bigr]

(:math:`s^*_h` the cluster score of the bootstrap coefficient, :math:`M_D` the fixed-effects
sweep; when every absorbed effect is nested in the bootstrap clusters
:math:`M_D(\tilde u\circ 1_g) = \tilde u\circ 1_g`). Both are affine in :math:`\delta`:
numerator :math:`(n_0 + \delta n_1)'v`, scores :math:`(S_0 + \delta S_1)v`, so for a fixed
set of draws the whole bootstrap distribution at any :math:`\beta_0` follows from five
B-vectors, and inverting the test costs O(B) per trial value. The bootstrap t is
:math:`t^* = (\hat\beta^*_j - \beta_0)/\sqrt{c\sum_h s^{*2}_h}` with the small-sample factor
:math:`c` of the original t (which cancels from the p-value). WCU (``impose_null: false``)
is the same with :math:`\beta_0 = \hat\beta_j` in the bootstrap DGP.

**IV (WRE, Davidson and MacKinnon 2010).** One endogenous regressor :math:`y_2`, excluded
instruments :math:`Z_1`, exogenous :math:`X_1` and the fixed effects partialled out
(:math:`\tilde y_1, \tilde y_2, \hat Z`). Under :math:`\beta = \beta_0`:
:math:`\tilde u = \tilde y_1 - \beta_0\tilde y_2`; the reduced form is the OLS regression of
:math:`\tilde y_2` on :math:`[\hat Z, \tilde u]` with coefficients :math:`(\tilde\pi, \cdot)`
and :math:`\tilde v = \tilde y_2 - \hat Z\tilde\pi`; the bootstrap DGP is
:math:`y_2^* = W\tilde\pi + \tilde v\circ v`, :math:`y_1^* = \beta_0 y_2^* + X_1\tilde\gamma
+ \tilde u\circ v`. With :math:`Q = (\hat Z'\hat Z)^{-1}`, :math:`p^* = \hat Z'\tilde y_2^* =
\hat Z'\hat Z\tilde\pi + B v` and :math:`\hat Z'(\tilde y^*_1 - \beta_0\tilde y^*_2) = C v`
(B, C: l x G cluster sums), 2SLS gives :math:`\hat\beta^* - \beta_0 = p^{*\prime}QCv /
p^{*\prime}Qp^*`; the cluster scores :math:`\pi^{*\prime}\hat Z_h'\hat u^*_h` come from
(G, l, G) tensors of cluster cross-sums, so one block of draws costs two matrix products.
WUE (``impose_null: false``) uses :math:`\beta_0 = \hat\beta` in the DGP.

**p-values and intervals.** Symmetric: :math:`p = B^{-1}\#\{|t^*_b| > |t|\}`; equal-tail:
:math:`p = 2\min(B^{-1}\#\{t^*_b < t\}, B^{-1}\#\{t^*_b > t\})`. Bootstrap statistics within
``TIE_RTOL`` of :math:`|t|` count as ties and not as more extreme (with full enumeration the
draws :math:`\pm 1` reproduce :math:`\pm t` exactly). The interval is
:math:`\{\beta_0 : p(\beta_0) \ge \alpha\}`, its ends found by bracketing outwards from
:math:`\hat\beta` and bisecting on :math:`p(\beta_0) - \alpha` with the draws held fixed, as
boottest does.

**Analytic weights and trends.** A WLS fit with weights :math:`w_i` is OLS on rows scaled by
:math:`\sqrt{w_i}` once the effects are swept out with weighted means; the kernels take
the scaled data, and the wild multiplication commutes with the scaling
(:math:`\sqrt{w}\circ(\tilde u\circ v) = (\sqrt{w}\circ\tilde u)\circ v`), as in
boottest. Only the sweep of a bootstrap residual changes: on the scaled data it is
:math:`\sqrt{w}\circ M_D^W(r/\sqrt{w})`, :math:`M_D^W` the weighted sweep (with
group-specific slopes for ``entity[time]``) of the model (:class:`Sweep`). With every effect
nested in the bootstrap clusters it is still the identity on :math:`r\circ 1_g`.

**Draws.** Rademacher with ``draws >= 2**G``: the :math:`2^G` sign vectors, each once
(exact, no randomness). Otherwise ``numpy.random.default_rng(seed)`` fills blocks of
``DRAW_BLOCK`` draws in order (uniforms mapped to Rademacher, Webb's six points, Mammen's
two points; standard normals for ``normal``), so the draws depend on the seed, G and B only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from regiometrics.engine.linear.demean import demean, group_sums
from regiometrics.errors import IdentificationError

#: Draws per block (fixed, so random draws do not depend on memory or batching).
DRAW_BLOCK = 1024
#: Relative tolerance under which |t*| and |t| count as tied (not more extreme).
TIE_RTOL = 1e-9
#: Cluster columns demeaned at a time on the path for effects not nested in the clusters.
_CLUSTER_CHUNK = 64
#: Weight matrices up to this many entries are kept after the first pass (80 MB).
_CACHE_ENTRIES = 10_000_000
#: Show a progress bar when draws x clusters x instruments reaches this.
_PROGRESS_WORK = 50_000_000

_WEBB = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])
_SQRT5 = math.sqrt(5.0)
_MAMMEN_NEG, _MAMMEN_POS = -(_SQRT5 - 1) / 2, (_SQRT5 + 1) / 2
_MAMMEN_P_NEG = (_SQRT5 + 1) / (2 * _SQRT5)


@dataclass(frozen=True)
class WildDraws:
    """The bootstrap weights of one test: blocks of a G x B matrix, regenerated on demand.

    ``draws`` is B (``2**G`` when ``enumerated``).
    """

    kind: str
    n_clusters: int
    draws: int
    seed: int
    enumerated: bool

    def blocks(self, *, progress: bool = False) -> Iterator[np.ndarray]:
        """The weight matrix in column blocks (G x b), identical on every call.

        Matrices of up to ``_CACHE_ENTRIES`` weights are generated once and kept.
        """
        cached = self.__dict__.get("_cached")
        if cached is None and self.n_clusters * self.draws <= _CACHE_ENTRIES:
            cached = np.concatenate(list(self._generate(progress=False)), axis=1)
            self.__dict__["_cached"] = cached  # a cache, not state: the value is fixed by the fields
        if cached is not None:
            for s in range(0, self.draws, DRAW_BLOCK):
                yield cached[:, s:s + DRAW_BLOCK]
            return
        yield from self._generate(progress=progress)

    def _generate(self, *, progress: bool) -> Iterator[np.ndarray]:
        G, B = self.n_clusters, self.draws
        starts = range(0, B, DRAW_BLOCK)
        it = tqdm(starts, desc="wild bootstrap", unit="block", disable=None if progress else True,
                  leave=False)
        if self.enumerated:
            bits = np.arange(G, dtype=np.int64)
            for s in it:
                idx = np.arange(s, min(s + DRAW_BLOCK, B), dtype=np.int64)
                yield 1.0 - 2.0 * ((idx[None, :] >> bits[:, None]) & 1)
            return
        rng = np.random.default_rng(self.seed)
        for s in it:
            b = min(DRAW_BLOCK, B - s)
            if self.kind == "normal":
                yield rng.standard_normal((b, G)).T.copy()
                continue
            u = rng.random((b, G)).T
            if self.kind == "rademacher":
                yield np.where(u < 0.5, -1.0, 1.0)
            elif self.kind == "webb":
                yield _WEBB[np.minimum((u * 6).astype(np.int64), 5)]
            elif self.kind == "mammen":
                yield np.where(u < _MAMMEN_P_NEG, _MAMMEN_NEG, _MAMMEN_POS)
            else:  # pragma: no cover - the spec literal forbids it
                raise ValueError(f"unknown wild bootstrap weights {self.kind!r}")

    def matrix(self) -> np.ndarray:
        """The whole G x B weight matrix (tests, benchmarks)."""
        return np.concatenate(list(self.blocks()), axis=1)


def make_draws(kind: str, n_clusters: int, draws: int, seed: int) -> WildDraws:
    """Weights for ``draws`` replications on ``n_clusters`` clusters.

    Rademacher weights with ``draws >= 2**n_clusters`` enumerate the ``2**G`` sign vectors
    (boottest's rule), so the p-value is exact and does not depend on the seed.
    """
    if n_clusters < 2:
        raise IdentificationError(f"the wild cluster bootstrap needs at least 2 clusters; "
                                  f"the sample has {n_clusters}")
    enumerate_all = kind == "rademacher" and n_clusters < 63 and draws >= 2 ** n_clusters
    return WildDraws(kind=kind, n_clusters=n_clusters, draws=2 ** n_clusters if enumerate_all
                     else draws, seed=seed, enumerated=enumerate_all)


# --------------------------------------------------------------------------- p-values, CIs

def bootstrap_pvalue(t: float, tstar: np.ndarray, kind: str) -> float:
    """Bootstrap p-value of ``t`` against the bootstrap statistics ``tstar``.

    ``kind``: ``symmetric`` (share of ``|t*| > |t|``) or ``equal_tail``
    (``2 min(share t* < t, share t* > t)``); see the module notes on ties.
    """
    tol = TIE_RTOL * max(1.0, abs(t))
    if kind == "symmetric":
        return float(np.mean(np.abs(tstar) > abs(t) + tol))
    lower = float(np.mean(tstar < t - tol))
    upper = float(np.mean(tstar > t + tol))
    return min(1.0, 2.0 * min(lower, upper))


def invert_test(pvalue: Callable[[float], float], estimate: float, se: float,
                alpha: float) -> tuple[float, float]:
    """Ends of ``{beta0 : pvalue(beta0) >= alpha}`` around ``estimate``.

    Brackets outwards in steps that double from ``2 se`` until ``pvalue < alpha`` (at most
    60 doublings; an end not found is infinite), then bisects to ``1e-7 se`` (or until no
    float lies between the bracket's ends, for ends far out).
    """
    if not (se > 0 and math.isfinite(se)):
        return math.nan, math.nan
    ends = []
    for sign in (-1.0, 1.0):
        inner, step, outer = estimate, 2.0 * se, None
        for _ in range(60):
            trial = estimate + sign * step
            if pvalue(trial) < alpha:
                outer = trial
                break
            inner, step = trial, step * 2.0
        if outer is None:
            ends.append(sign * math.inf)
            continue
        while abs(outer - inner) > 1e-7 * se:
            mid = 0.5 * (inner + outer)
            if mid in (inner, outer):  # far ends: no float left between them
                break
            if pvalue(mid) < alpha:
                outer = mid
            else:
                inner = mid
        ends.append(0.5 * (inner + outer))
    return ends[0], ends[1]


# --------------------------------------------------------------------------- cluster algebra

def _gsum(values: np.ndarray, codes: np.ndarray, G: int) -> np.ndarray:
    """Cluster sums of a vector (G,) or of the columns of a matrix (G, m)."""
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=G)
    return group_sums(values, codes, G)


@dataclass(frozen=True)
class Sweep:
    r"""The model's sweep of absorbed effects on (possibly :math:`\sqrt{w}`-scaled) data.

    ``fe_codes`` and ``slopes`` as for :func:`~regiometrics.engine.linear.demean.demean`;
    ``weights`` the analytic weights (the data are then scaled by their roots), or None.
    """

    fe_codes: list[np.ndarray]
    slopes: list[np.ndarray | None] | None = None
    weights: np.ndarray | None = None

    def __call__(self, R: np.ndarray) -> np.ndarray:
        r""":math:`\sqrt{w}\circ M_D^W(R/\sqrt{w})` column by column (plain :math:`M_D R`
        without weights)."""
        if self.weights is None:
            return demean(R, self.fe_codes, slopes=self.slopes)
        root = np.sqrt(self.weights)[:, None]
        return demean(R / root, self.fe_codes, weights=self.weights, slopes=self.slopes) * root


def _cross(F: np.ndarray, r: np.ndarray, codes: np.ndarray, G: int,
           fe_codes: list[np.ndarray] | Sweep, nested: bool) -> np.ndarray:
    r""":math:`T[h, f, g] = \sum_{i \in h} F_{if} (M_D(r \circ 1_g))_i` as (G, m, G).

    ``r`` must be orthogonal to the fixed-effect dummies. With every effect nested in the
    clusters (or none) the sweep leaves :math:`r\circ 1_g` unchanged and T is diagonal in
    (h, g); otherwise the G columns :math:`r\circ 1_g` are swept in chunks (``fe_codes``:
    the effects' codes, or a :class:`Sweep` with trends and weights).
    """
    m = F.shape[1]
    out = np.zeros((G, m, G))
    sweep = fe_codes if isinstance(fe_codes, Sweep) else Sweep(list(fe_codes))
    if nested or not sweep.fe_codes:
        diag = _gsum(F * r[:, None], codes, G)  # (G, m)
        out[np.arange(G), :, np.arange(G)] = diag
        return out
    for start in range(0, G, _CLUSTER_CHUNK):
        block = np.arange(start, min(start + _CLUSTER_CHUNK, G))
        R = np.where(codes[:, None] == block[None, :], r[:, None], 0.0)
        R = sweep(R)
        for f in range(m):
            out[:, f, block] = _gsum(F[:, f:f + 1] * R, codes, G)
    return out


def _check_rank(A: np.ndarray, what: str) -> np.ndarray:
    cond = np.linalg.cond(A)
    if not np.isfinite(cond) or cond > 1e13:
        raise IdentificationError(f"wild bootstrap: {what} is singular (condition {cond:.3g})")
    return np.linalg.inv(A)


# --------------------------------------------------------------------------- OLS / FE

class LinearWildKernel:
    r"""WCR/WCU bootstrap of one OLS coefficient on demeaned data (see the module notes).

    Parameters
    ----------
    X, y
        Regressors (n, k) and dependent variable after the fixed-effects sweep (pooled OLS:
        the raw data with a constant column).
    codes
        Bootstrap cluster codes 0..G-1.
    fe_codes
        The absorbed effects' codes, or a :class:`Sweep` (trends, weights: then ``X`` and
        ``y`` are the :math:`\sqrt{w}`-scaled swept data), for the sweep of bootstrap
        residuals; ``nested``: every effect lies within the bootstrap clusters.
    j
        Column of the tested coefficient.
    small
        Small-sample factor :math:`c` of the cluster variance.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, codes: np.ndarray, *,
                 fe_codes: list[np.ndarray] | Sweep, nested: bool, j: int,
                 small: float) -> None:
        G = int(codes.max()) + 1
        H = _check_rank(X.T @ X, "X'X")
        beta = H @ (X.T @ y)
        uhat = y - X @ beta
        w = X @ H[:, j]
        r = w / H[j, j]
        self.estimate = float(beta[j])
        self.small = small
        self.n_clusters = G
        n0, n1 = _gsum(w * uhat, codes, G), _gsum(w * r, codes, G)
        self.se = math.sqrt(small * float(n0 @ n0))
        Wx = _gsum(w[:, None] * X, codes, G)
        Xu, Xr = _gsum(X * uhat[:, None], codes, G), _gsum(X * r[:, None], codes, G)
        F = w[:, None]
        S0 = _cross(F, uhat, codes, G, fe_codes, nested)[:, 0, :] - Wx @ H @ Xu.T
        S1 = _cross(F, r, codes, G, fe_codes, nested)[:, 0, :] - Wx @ H @ Xr.T
        self._parts = (n0, n1, S0, S1)
        self._summary: tuple[np.ndarray, ...] | None = None

    def t(self, beta0: float) -> float:
        """Cluster-robust t statistic of ``H0: beta_j = beta0``."""
        return (self.estimate - beta0) / self.se

    def prepare(self, draws: WildDraws) -> None:
        """One pass over the draws: the B-vectors the statistic at any beta0 is made of."""
        n0, n1, S0, S1 = self._parts
        a0, a1, q0, q01, q1 = [], [], [], [], []
        progress = draws.draws * draws.n_clusters ** 2 >= _PROGRESS_WORK
        for V in draws.blocks(progress=progress):
            P0, P1 = S0 @ V, S1 @ V
            a0.append(n0 @ V)
            a1.append(n1 @ V)
            q0.append(np.einsum("hb,hb->b", P0, P0))
            q01.append(np.einsum("hb,hb->b", P0, P1))
            q1.append(np.einsum("hb,hb->b", P1, P1))
        self._summary = tuple(np.concatenate(x) for x in (a0, a1, q0, q01, q1))

    def tstar(self, beta0: float) -> np.ndarray:
        """Bootstrap t statistics with the DGP restricted to ``beta_j = beta0``."""
        assert self._summary is not None, "call prepare() first"
        a0, a1, q0, q01, q1 = self._summary
        d = self.estimate - beta0
        var = self.small * (q0 + 2.0 * d * q01 + d * d * q1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (a0 + d * a1) / np.sqrt(var)


# --------------------------------------------------------------------------- IV (WRE)

class IVWildKernel:
    r"""WRE/WUE bootstrap of the coefficient on one endogenous regressor (2SLS).

    Parameters
    ----------
    y1, y2
        Dependent variable and endogenous regressor after the fixed-effects sweep.
    Z1
        Excluded instruments (n, l), swept. ``X1``: exogenous regressors (n, k1), swept (a
        constant column when no effects are absorbed), may have no columns.
    codes, fe_codes, nested, small
        As for :class:`LinearWildKernel`.
    """

    def __init__(self, y1: np.ndarray, y2: np.ndarray, Z1: np.ndarray, X1: np.ndarray,
                 codes: np.ndarray, *, fe_codes: list[np.ndarray] | Sweep, nested: bool,
                 small: float) -> None:
        G = int(codes.max()) + 1
        self.n_clusters, self.small, self._codes = G, small, codes
        if X1.shape[1]:
            G1 = _check_rank(X1.T @ X1, "the exogenous regressors' cross-product")
            def part(a: np.ndarray) -> np.ndarray:
                return a - X1 @ (G1 @ (X1.T @ a))
        else:
            G1 = np.zeros((0, 0))
            def part(a: np.ndarray) -> np.ndarray:
                return a
        y1t, y2t, Zh = part(y1), part(y2), part(Z1)
        self._y1, self._y2, self._Z = y1t, y2t, Zh
        ZZ = Zh.T @ Zh
        self._ZZ, self._Q = ZZ, _check_rank(ZZ, "the partialled instruments' cross-product")
        p0 = Zh.T @ y2t
        pi0 = self._Q @ p0
        den0 = float(p0 @ pi0)
        if not den0 > 0:
            raise IdentificationError("wild bootstrap: the instruments do not explain the "
                                      "endogenous regressor")
        self.estimate = float(pi0 @ (Zh.T @ y1t)) / den0
        uhat = y1t - self.estimate * y2t
        scores = _gsum((Zh @ pi0) * uhat, codes, G)
        self.se = math.sqrt(small * float(scores @ scores)) / den0
        # T_r[h, l, g] for r in (y1, y2, Z_1..Z_l), corrected for the partialled X1.
        ZX = np.stack([_gsum(Zh * X1[:, [k]], codes, G) for k in range(X1.shape[1])], axis=2) \
            if X1.shape[1] else np.zeros((G, Zh.shape[1], 0))
        def tensor(r: np.ndarray) -> np.ndarray:
            T = _cross(Zh, r, codes, G, fe_codes, nested)
            if X1.shape[1]:
                Xr = _gsum(X1 * r[:, None], codes, G)
                T -= np.einsum("hlk,km,gm->hlg", ZX, G1, Xr)
            return T
        self._T1, self._T2 = tensor(y1t), tensor(y2t)
        self._TZ = [tensor(Zh[:, k]) for k in range(Zh.shape[1])]
        self._ZZh = np.stack(
            [_gsum(Zh * Zh[:, [k]], codes, G) for k in range(Zh.shape[1])], axis=2)
        self._draws: WildDraws | None = None

    def t(self, beta0: float) -> float:
        """Cluster-robust t statistic of ``H0: beta = beta0``."""
        return (self.estimate - beta0) / self.se

    def prepare(self, draws: WildDraws) -> None:
        """Keep the draws (each trial value of beta0 passes over them again)."""
        self._draws = draws

    def tstar(self, beta0: float) -> np.ndarray:
        """Bootstrap t statistics of the WRE DGP restricted to ``beta = beta0``."""
        assert self._draws is not None, "call prepare() first"
        codes, G, Zh = self._codes, self.n_clusters, self._Z
        l = Zh.shape[1]
        u = self._y1 - beta0 * self._y2
        coef, *_ = np.linalg.lstsq(np.column_stack([Zh, u]), self._y2, rcond=None)
        pi = coef[:l]
        v = self._y2 - Zh @ pi
        a = self._ZZ @ pi
        Bm = _gsum(Zh * v[:, None], codes, G).T  # (l, G)
        Cm = _gsum(Zh * u[:, None], codes, G).T
        Tu = (self._T1 - beta0 * self._T2).reshape(G * l, G)
        Tv = (self._T2 - sum(p * T for p, T in zip(pi, self._TZ))).reshape(G * l, G)
        base = np.einsum("hlk,k->hl", self._ZZh, pi)[:, :, None]
        out = []
        draws = self._draws
        progress = draws.draws * G * G * l >= _PROGRESS_WORK
        for V in draws.blocks(progress=progress):
            P = a[:, None] + Bm @ V
            Pi = self._Q @ P
            den = np.einsum("lb,lb->b", P, Pi)
            d = np.einsum("lb,lb->b", Pi, Cm @ V) / den
            U = (Tu @ V).reshape(G, l, -1)
            Y2 = base + (Tv @ V).reshape(G, l, -1)
            s = np.einsum("lb,hlb->hb", Pi, U - d[None, None, :] * Y2)
            var = self.small * np.einsum("hb,hb->b", s, s) / den ** 2
            with np.errstate(divide="ignore", invalid="ignore"):
                out.append(d / np.sqrt(var))
        return np.concatenate(out)


# --------------------------------------------------------------------------- driver

@dataclass(frozen=True)
class WildTest:
    """Outcome of one bootstrap test: t statistic, p-value and inverted interval."""

    t_stat: float
    pvalue: float
    ci_low: float
    ci_high: float


def wild_test(kernel: LinearWildKernel | IVWildKernel, draws: WildDraws, *, level: float,
              pvalue: str, impose_null: bool, beta0: float = 0.0) -> WildTest:
    """Test ``H0: beta = beta0`` and invert the test for a ``level`` interval.

    ``impose_null=False`` (WCU/WUE): the bootstrap distribution is computed once with the
    DGP at the estimate and compared with :math:`t(\\beta_0)` for every trial value.
    """
    kernel.prepare(draws)
    if impose_null:
        def pfun(b0: float) -> float:
            return bootstrap_pvalue(kernel.t(b0), kernel.tstar(b0), pvalue)
    else:
        fixed = kernel.tstar(kernel.estimate)
        def pfun(b0: float) -> float:
            return bootstrap_pvalue(kernel.t(b0), fixed, pvalue)
    p = pfun(beta0)
    lo, hi = invert_test(pfun, kernel.estimate, kernel.se, 1.0 - level)
    return WildTest(t_stat=kernel.t(beta0), pvalue=p, ci_low=lo, ci_high=hi)
