"""Log-determinants and traces of the spatial filter ``A(rho) = I - rho W``.

Two exact log-determinants, chosen by ``N``:

* ``"eigen"``: ``log|I - rho W| = sum_i log(1 - rho lambda_i)`` (real part) from the eigenvalues
  ``lambda_i`` of ``W``, computed once (dense, ``O(N^3)``); fast for every later ``rho`` and gives
  the exact traces ``tr(A^{-1}) = sum_i 1/(1 - rho lambda_i)``,
  ``tr(A^{-1} W) = sum_i lambda_i/(1 - rho lambda_i)`` the effects need.
* ``"splu"``: a sparse LU factorisation ``A = P L U Q`` (:func:`scipy.sparse.linalg.splu`);
  ``log|A| = sum_i log|U_ii|`` (``L`` has a unit diagonal; ``|A| > 0`` inside the
  parameter space).  For the traces it pairs with Monte Carlo estimates of the power traces
  ``tr(W^j)`` (Hutchinson estimator with Rademacher probes, as in LeSage and Pace 2009,
  ch. 4.3) and the series ``A^{-1} = sum_j rho^j W^j``; ``tr(W)`` and ``tr(W^2)`` are exact.

From ``SYMMETRIC_MIN_N`` units on, a ``W`` that row-standardises a symmetric 0/1 matrix
(contiguity, symmetrised k-nearest neighbours, distance bands) gets its eigenvalues from the
symmetric eigensolver (exact, about three times faster than the general one).

``"auto"`` takes whichever path fits faster, by the crossover measured for a whole two-way
FE SDM fit with its effects (``benchmarks/logdet.py``, ``benchmarks/results/logdet.txt``):
``"eigen"`` up to ``EIGEN_MAX_N`` = 500 units when ``W`` has the symmetric form and up to
``EIGEN_MAX_N_GENERAL`` = 300 when it needs the general eigensolver, ``"splu"`` above. Both
log-determinants are exact, so the estimates do not depend on the choice (to the optimiser's
tolerance); the effects do: ``"eigen"`` gives exact traces, ``"splu"`` Monte Carlo ones
(``effects.exact_traces``). Up to the crossover the exact traces cost nothing extra; beyond it
they cost the ``O(N^3)`` eigendecomposition (at N = 1000 about 2.5 times the whole sparse
fit), which ``logdet="eigen"`` still buys at any N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from regiometrics.errors import SpecError

LogdetMethod = Literal["auto", "eigen", "splu"]
#: ``"auto"`` takes the eigen path up to this N when W has the symmetric form ...
EIGEN_MAX_N = 500
#: ... and up to this N when it needs the general (non-symmetric) eigensolver.
EIGEN_MAX_N_GENERAL = 300
#: From this N on, a row-standardised symmetric 0/1 W takes the symmetric eigensolver, and
#: the exact ``G = A^{-1} W`` of the eigen path comes from a sparse LU of ``A``.
SYMMETRIC_MIN_N = 300
_MAX_ORDER = 200


def check_logdet_method(method: str) -> None:
    """Raise :class:`SpecError` unless ``method`` is one of :data:`LogdetMethod`."""
    allowed = get_args(LogdetMethod)
    if method not in allowed:
        raise SpecError(
            f"logdet method must be one of {list(allowed)}; {method!r} was given. "
            "Use 'eigen' for small N (exact), 'splu' for large sparse W, or 'auto'."
        )


def resolve_method(
    method: LogdetMethod, n: int, *, symmetric: bool = True
) -> Literal["eigen", "splu"]:
    """The concrete method ``"auto"`` stands for at ``n`` units (module docstring).

    ``symmetric``: whether ``W`` has the symmetric form (:func:`has_symmetric_form`), so that
    its eigenvalues come from the symmetric eigensolver.
    """
    check_logdet_method(method)
    if method == "auto":
        limit = EIGEN_MAX_N if symmetric else EIGEN_MAX_N_GENERAL
        return "eigen" if n <= limit else "splu"
    return method  # type: ignore[return-value]


@dataclass(frozen=True)
class SpatialFilter:
    """Log-determinant and filter operations for one weights matrix.

    Parameters
    ----------
    W
        Row-standardised ``(N, N)`` weights as CSR.
    method
        ``"eigen"`` or ``"splu"``.
    eigenvalues
        Eigenvalues of ``W`` (complex) when ``method == "eigen"``.
    bounds
        Open interval of admissible ``rho``: ``(1/lambda_min, 1/lambda_max)`` from the real
        eigenvalues for ``"eigen"``; ``(-1, 1)`` for ``"splu"`` (inside the admissible interval
        of any row-standardised ``W``, whose spectral radius is 1).
    """

    W: sp.csr_matrix = field(repr=False)
    method: Literal["eigen", "splu"]
    eigenvalues: np.ndarray | None = field(default=None, repr=False)
    bounds: tuple[float, float] = (-1.0, 1.0)

    @property
    def n(self) -> int:
        """Number of spatial units."""
        return int(self.W.shape[0])

    def logdet(self, rho: float) -> float:
        """``log|I - rho W|``."""
        if self.method == "eigen":
            assert self.eigenvalues is not None
            return float(np.sum(np.log(1.0 - rho * self.eigenvalues)).real)
        lu = self.factorise(rho)
        return float(np.sum(np.log(np.abs(lu.U.diagonal()))))

    def _a(self, rho: float) -> sp.csr_matrix:
        return (sp.identity(self.n, format="csr") - rho * self.W).tocsr()

    def factorise(self, rho: float) -> Any:
        """Sparse LU of ``A = I - rho W`` without pivoting.

        For ``|rho| < 1`` and a row-standardised ``W`` with zero diagonal, ``A`` is strictly
        diagonally dominant (``1 > |rho| sum_j w_ij``), so elimination needs no pivoting; a
        minimum-degree ordering of ``A + A'`` keeps the fill low.
        """
        return spla.splu(
            self._a(rho).tocsc(),
            permc_spec="MMD_AT_PLUS_A",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )

    def filter_products(self, rho: float) -> FilterProducts:
        """Traces of ``G = W A^{-1}`` and a solver for ``G v``, at one ``rho``.

        ``"eigen"`` forms ``G`` densely (exact).  ``"splu"`` factorises ``A`` once; ``tr(G)`` and
        ``tr(G^2)`` come from the eigenvalue-free series in :class:`TraceSource`, and
        ``tr(G'G) = E||G z||^2`` from Rademacher probes (see :func:`build_traces`).
        """
        if self.method == "eigen":
            if self.n >= SYMMETRIC_MIN_N:  # sparse LU, dense right-hand sides: ~3x faster
                g = self.factorise(rho).solve(self.W.toarray())
            else:
                a = np.eye(self.n) - rho * self.W.toarray()
                g = sla.solve(a, self.W.toarray())  # A^{-1} W = W A^{-1}
            return FilterProducts(
                tr_g=float(np.trace(g)),
                tr_gg=float(np.sum(g * g.T)),
                tr_gtg=float(np.sum(g * g)),
                dense_g=g,
            )
        raise RuntimeError("use build_traces(...).filter_products for the 'splu' method")


@dataclass(frozen=True)
class FilterProducts:
    """``tr(G)``, ``tr(G G)``, ``tr(G'G)`` for ``G = W (I - rho W)^{-1}``, and ``G`` applied."""

    tr_g: float
    tr_gg: float
    tr_gtg: float
    dense_g: np.ndarray | None = field(default=None, repr=False)
    lu: object | None = field(default=None, repr=False)
    W: sp.csr_matrix | None = field(default=None, repr=False)

    def apply(self, v: np.ndarray) -> np.ndarray:
        """``G v`` for ``v`` of shape ``(N, m)``."""
        if self.dense_g is not None:
            return self.dense_g @ v
        assert self.lu is not None and self.W is not None
        return np.asarray(self.W @ self.lu.solve(np.asarray(v, dtype=float)))  # type: ignore[attr-defined]


def _standardised_degrees(W: sp.csr_matrix) -> np.ndarray | None:
    """The row sums ``d`` of a symmetric 0/1 matrix ``C`` with ``W = D^{-1} C``, else None."""
    Wc = W.tocsr()
    if Wc.nnz == 0:
        return None
    row_max = np.asarray(abs(Wc).max(axis=1).todense()).ravel()
    if np.any(row_max <= 0):
        return None
    d = 1.0 / row_max  # row sums of C if C is 0/1
    C = sp.diags(d) @ Wc
    if abs(C - C.T).max() > 1e-12 or abs(C.data - 1.0).max() > 1e-12:
        return None
    return d


def has_symmetric_form(W: sp.csr_matrix) -> bool:
    """Whether the eigen path takes the symmetric eigensolver for ``W`` (see
    :func:`_symmetric_form`; below ``SYMMETRIC_MIN_N`` units it never does, nor needs to)."""
    return W.shape[0] < SYMMETRIC_MIN_N or _standardised_degrees(W) is not None


def _symmetric_form(W: sp.csr_matrix) -> np.ndarray | None:
    r"""Dense symmetric :math:`S = D^{1/2} W D^{-1/2}` when :math:`W = D^{-1} C` is a
    row-standardised symmetric 0/1 matrix :math:`C` (contiguity, k-nearest-neighbour unions,
    distance bands), else None.

    :math:`S = D^{-1/2} C D^{-1/2}` is symmetric and similar to :math:`W`, so it has the same
    (real) eigenvalues, which the symmetric eigensolver finds about three times faster than
    the general one (measured in ``benchmarks/logdet.py``).
    """
    d = _standardised_degrees(W)
    if d is None:
        return None
    half = np.sqrt(d)
    return (sp.diags(half) @ W.tocsr() @ sp.diags(1.0 / half)).toarray()


def make_filter(W: sp.csr_matrix, method: Literal["eigen", "splu"]) -> SpatialFilter:
    """Build a :class:`SpatialFilter`; ``"eigen"`` computes all eigenvalues of ``W`` once."""
    if method == "eigen":
        sym = _symmetric_form(W) if W.shape[0] >= SYMMETRIC_MIN_N else None
        if sym is not None:
            ev = np.linalg.eigvalsh(sym).astype(complex)
        else:
            ev = np.linalg.eigvals(W.toarray()).astype(complex)
        real = ev.real[np.abs(ev.imag) < 1e-10]
        lo = 1.0 / real.min() if real.min() < 0 else -1.0
        hi = 1.0 / real.max()
        eps = 1e-10
        return SpatialFilter(W=W, method="eigen", eigenvalues=ev, bounds=(lo + eps, hi - eps))
    return SpatialFilter(W=W, method="splu", bounds=(-1.0 + 1e-10, 1.0 - 1e-10))


@dataclass(frozen=True)
class TraceSource:
    """Mean traces ``a(rho) = tr(A^{-1})/N`` and ``b(rho) = tr(A^{-1} W)/N`` and derivatives.

    Exact from eigenvalues, or from power traces ``t_j = tr(W^j)/N`` (``j = 0..q+2``) via the
    series ``A^{-1} = sum_j rho^j W^j`` (LeSage and Pace 2009, sec. 4.3):
    ``a = sum_{j<=q} rho^j t_j + t_{q+1} rho^{q+1}/(1-rho)`` and
    ``b = sum_{j<=q} rho^j t_{j+1} + t_{q+2} rho^{q+1}/(1-rho)``; the tail holds the last
    power trace fixed (``t_j`` tends to ``1/N`` for a connected, aperiodic ``W``).
    """

    n: int
    eigenvalues: np.ndarray | None = field(default=None, repr=False)
    power_traces: np.ndarray | None = field(default=None, repr=False)
    probes: int = 0
    seed: int | None = None

    @property
    def exact(self) -> bool:
        """True when the traces come from eigenvalues (no Monte Carlo, no truncation)."""
        return self.eigenvalues is not None

    @property
    def order(self) -> int:
        """Series order ``q`` (0 for exact traces)."""
        return 0 if self.power_traces is None else self.power_traces.size - 3

    def mean_traces(self, rho: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """``(a(rho), b(rho))`` for a scalar or a vector of ``rho``."""
        r = np.atleast_1d(np.asarray(rho, dtype=float))
        if self.eigenvalues is not None:
            a = np.empty_like(r)
            b = np.empty_like(r)
            for sl in _chunks(r.size, self.n):
                inv = 1.0 / (1.0 - np.outer(r[sl], self.eigenvalues))
                a[sl] = inv.mean(axis=1).real
                b[sl] = (inv * self.eigenvalues).mean(axis=1).real
            return a, b
        t, q = self._t(), self.order
        powers = r[:, None] ** np.arange(q + 1)[None, :]
        tail = r ** (q + 1) / (1.0 - r)
        return powers @ t[: q + 1] + t[q + 1] * tail, powers @ t[1 : q + 2] + t[q + 2] * tail

    def mean_trace_derivatives(self, rho: float) -> tuple[float, float]:
        """``(a'(rho), b'(rho))``: ``tr(A^{-1} W A^{-1})/N`` and ``tr((A^{-1} W)^2)/N``."""
        if self.eigenvalues is not None:
            lam = self.eigenvalues
            d = (1.0 - rho * lam) ** 2
            return float(np.mean(lam / d).real), float(np.mean(lam**2 / d).real)
        t, q = self._t(), self.order
        j = np.arange(1, q + 1)
        powers = j * rho ** (j - 1)
        m = q + 1
        tail = (m * rho ** (m - 1) * (1.0 - rho) + rho**m) / (1.0 - rho) ** 2
        return (
            float(powers @ t[1 : q + 1] + t[q + 1] * tail),
            float(powers @ t[2 : q + 2] + t[q + 2] * tail),
        )

    def mean_trace_gg(self, rho: float) -> float:
        """``tr(G^2)/N = sum_j (j+1) rho^j t_{j+2}`` (power-trace series with tail)."""
        t, q = self._t(), self.order
        j = np.arange(q + 1)
        m = q + 1
        tail = ((m + 1) * rho**m * (1.0 - rho) + rho ** (m + 1)) / (1.0 - rho) ** 2
        return float(((j + 1) * rho**j) @ t[2 : q + 3] + t[q + 2] * tail)

    def _t(self) -> np.ndarray:
        assert self.power_traces is not None
        return self.power_traces


def _chunks(size: int, n: int, budget: int = 4_000_000) -> list[slice]:
    step = max(1, budget // max(n, 1))
    return [slice(i, min(i + step, size)) for i in range(0, size, step)]


def series_order(rho_max: float, *, tol: float = 1e-10) -> int:
    """Smallest ``q`` with ``rho_max^{q+1}/(1 - rho_max) <= tol``, capped at 200.

    The bound assumes ``|t_j| <= 1``; beyond the cap the tail term of :class:`TraceSource`
    carries the remainder.
    """
    r = min(abs(rho_max), 0.99)
    if r == 0.0:
        return 2
    q = math.ceil(math.log(tol * (1.0 - r)) / math.log(r)) - 1
    return int(min(max(q, 2), _MAX_ORDER))


def build_traces(filt: SpatialFilter, *, rho_max: float, probes: int, seed: int) -> TraceSource:
    """A :class:`TraceSource` for ``filt``: exact for ``"eigen"``, Monte Carlo for ``"splu"``.

    The Monte Carlo power traces use ``probes`` Rademacher vectors ``z`` drawn from
    ``numpy.random.default_rng(seed)``: ``t_j ~ mean_z z' W^j z / N`` for ``j = 0..q+2``;
    ``t_0 = 1``, ``t_1 = tr(W)/N`` and ``t_2 = sum_ij W_ij W_ji / N`` are exact.  The order
    ``q`` is :func:`series_order` of ``rho_max``.
    """
    if filt.method == "eigen":
        return TraceSource(n=filt.n, eigenvalues=filt.eigenvalues)
    q = series_order(rho_max)
    W = filt.W
    n = filt.n
    rng = np.random.default_rng(seed)
    z = rng.choice(np.array([-1.0, 1.0]), size=(n, probes))
    t = np.empty(q + 3)
    t[0] = 1.0
    v = z
    for j in range(1, q + 3):
        v = W @ v
        t[j] = float(np.sum(z * v)) / (probes * n)
    t[1] = float(W.diagonal().sum()) / n
    t[2] = float(W.multiply(W.T).sum()) / n
    return TraceSource(n=n, power_traces=t, probes=probes, seed=seed)


def sparse_filter_products(
    filt: SpatialFilter, traces: TraceSource, rho: float, *, probes: int, seed: int
) -> FilterProducts:
    """:class:`FilterProducts` for the ``"splu"`` method.

    ``tr(G) = N b(rho)``; ``tr(G^2) = N sum_j (j+1) rho^j t_{j+2}``; ``tr(G'G)`` by the
    Hutchinson estimator ``mean_z ||G z||^2`` over ``probes`` Rademacher vectors (seeded), with
    ``G z = W A^{-1} z`` from one sparse LU of ``A``.
    """
    n = filt.n
    lu = filt.factorise(rho)
    _, b = traces.mean_traces(rho)
    tr_gg = n * traces.mean_trace_gg(rho)
    rng = np.random.default_rng(seed + 1)
    z = rng.choice(np.array([-1.0, 1.0]), size=(n, probes))
    gz = filt.W @ lu.solve(z)
    tr_gtg = float(np.sum(gz * gz)) / probes
    return FilterProducts(tr_g=n * float(b[0]), tr_gg=tr_gg, tr_gtg=tr_gtg, lu=lu, W=filt.W)
