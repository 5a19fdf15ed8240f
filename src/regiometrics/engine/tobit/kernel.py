"""Tobit log-likelihoods and their maximisation on plain arrays (pooled and random effects).

Censored regression (Tobin 1958): :math:`y^*_{it} = x_{it}'\\beta + u_i + e_{it}`,
:math:`e_{it} \\sim N(0, \\sigma_e^2)`, observed :math:`y = \\max(L, \\min(R, y^*))`. With
the linear index :math:`m` and :math:`\\sigma` the contribution of one observation is

* left-censored (:math:`y \\le L`): :math:`\\log\\Phi((L - m)/\\sigma)`;
* right-censored (:math:`y \\ge R`): :math:`\\log\\Phi((m - R)/\\sigma)`;
* uncensored: :math:`\\log\\phi((y - m)/\\sigma) - \\log\\sigma`.

Pooled Tobit (Stata ``tobit``, R ``AER::tobit``): :math:`u_i = 0`, parameters
:math:`\\theta = (\\beta, \\log\\sigma)`, maximised by Newton's method (trust region) with the
analytic gradient and Hessian; the observed-information matrix (OIM) is the analytic one.

Random-effects Tobit (Stata ``xttobit``): :math:`u_i \\sim N(0, \\sigma_u^2)` integrated out of
the entity's likelihood by Gauss-Hermite quadrature with nodes :math:`x_q`, weights
:math:`w_q`; non-adaptive:

.. math:: \\ell_i = \\log \\frac{1}{\\sqrt\\pi} \\sum_q w_q \\prod_t
          f(y_{it} \\mid m_{it} + \\sqrt2 \\sigma_u x_q),

or mean-variance adaptive (the default, Stata's ``mvaghermite``): nodes
:math:`\\mu_i + \\sqrt2\\tau_i x_q` around the posterior mean and SD of :math:`u_i`
(see :func:`re_loglik`). Parameters :math:`\\theta = (\\beta, \\log\\sigma_u, \\log\\sigma_e)`,
maximised by BFGS with the analytic gradient, then Newton steps on the Hessian obtained by
central differences of that gradient (the OIM reported).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import log_ndtr, logsumexp

from regiometrics.engine.linear.demean import group_sums
from regiometrics.errors import ConvergenceError

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


@dataclass(frozen=True)
class Censoring:
    """Limits and which observations they censor (``y <= left``, ``y >= right``)."""

    left: float | None
    right: float | None
    lc: np.ndarray
    rc: np.ndarray

    @classmethod
    def of(cls, y: np.ndarray, left: float | None, right: float | None) -> Censoring:
        lc = y <= left if left is not None else np.zeros(y.shape, dtype=bool)
        rc = y >= right if right is not None else np.zeros(y.shape, dtype=bool)
        return cls(left, right, lc, rc)

    @property
    def unc(self) -> np.ndarray:
        return ~(self.lc | self.rc)


@dataclass(frozen=True)
class TobitFit:
    """A maximised Tobit likelihood.

    ``theta`` is ``(beta, log sigma)`` (pooled) or ``(beta, log sigma_u, log sigma_e)``
    (random effects); ``hessian`` the Hessian of the total log-likelihood at ``theta``;
    ``scores`` the per-unit scores (observations when pooled, entities under random effects).
    ``boundary``: the random-effects maximum is at :math:`\\sigma_u = 0` (the pooled fit).
    """

    theta: np.ndarray
    loglik: float
    hessian: np.ndarray
    scores: np.ndarray
    iterations: int
    boundary: bool = False


def _index_terms(
    y: np.ndarray, m: np.ndarray, log_s: float, cens: Censoring, *, second: bool = False
) -> tuple[np.ndarray, ...]:
    """Per-observation log-density and its derivatives w.r.t. the index m and log sigma.

    ``m`` may have more columns than ``y`` (quadrature nodes); ``y`` and the censoring masks
    broadcast along them. Returns ``(l, l_m, l_t)`` and with ``second`` also
    ``(l_mm, l_mt, l_tt)``.
    """
    s = np.exp(log_s)
    shape = m.shape
    yb = np.broadcast_to(y.reshape(-1, *([1] * (m.ndim - 1))), shape)
    lc = np.broadcast_to(cens.lc.reshape(yb.shape[:1] + (1,) * (m.ndim - 1)), shape)
    rc = np.broadcast_to(cens.rc.reshape(yb.shape[:1] + (1,) * (m.ndim - 1)), shape)
    unc = ~(lc | rc)
    # z and the sign of dz/dm for each case
    z = (yb - m) / s
    sign = np.zeros(shape)
    if cens.left is not None:
        z = np.where(lc, (cens.left - m) / s, z)
        sign = np.where(lc, -1.0, sign)
    if cens.right is not None:
        z = np.where(rc, (m - cens.right) / s, z)
        sign = np.where(rc, 1.0, sign)
    log_phi_cdf = log_ndtr(np.where(unc, 0.0, z))
    lam = np.exp(-0.5 * z**2 - _LOG_SQRT_2PI - log_phi_cdf)  # Mills ratio phi/Phi
    lam = np.where(unc, 0.0, lam)
    ll = np.where(unc, -0.5 * z**2 - _LOG_SQRT_2PI - log_s, log_phi_cdf)
    l_m = np.where(unc, z / s, sign * lam / s)
    l_t = np.where(unc, z**2 - 1.0, -lam * z)
    if not second:
        return ll, l_m, l_t
    k = z * (z + lam) - 1.0
    l_mm = np.where(unc, -1.0 / s**2, -lam * (z + lam) / s**2)
    l_mt = np.where(unc, -2.0 * z / s, sign * lam / s * k)
    l_tt = np.where(unc, -2.0 * z**2, -lam * z * k)
    return ll, l_m, l_t, l_mm, l_mt, l_tt


# ------------------------------------------------------------------------------ pooled
def pooled_loglik(
    theta: np.ndarray, y: np.ndarray, X: np.ndarray, cens: Censoring
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Pooled Tobit log-likelihood at ``theta = (beta, log sigma)``.

    Returns the total, the gradient, the Hessian and the per-observation scores (n, k+1).
    """
    beta, log_s = theta[:-1], float(theta[-1])
    ll, l_m, l_t, l_mm, l_mt, l_tt = _index_terms(y, X @ beta, log_s, cens, second=True)
    scores = np.column_stack([X * l_m[:, None], l_t])
    k = X.shape[1]
    H = np.empty((k + 1, k + 1))
    H[:k, :k] = (X * l_mm[:, None]).T @ X
    H[:k, k] = H[k, :k] = X.T @ l_mt
    H[k, k] = l_tt.sum()
    return float(ll.sum()), scores.sum(axis=0), H, scores


def fit_pooled_tobit(
    y: np.ndarray, X: np.ndarray, cens: Censoring, *, name: str = "tobit", maxiter: int = 200
) -> TobitFit:
    """Maximise the pooled Tobit likelihood (``X`` includes the constant column).

    Starts from OLS; Newton trust-region steps with the analytic Hessian.

    Raises
    ------
    ConvergenceError
        When the gradient does not vanish within ``maxiter`` iterations.
    """
    b0, *_ = np.linalg.lstsq(X, y, rcond=None)
    s0 = max(float(np.std(y - X @ b0)), 1e-8 * max(float(np.std(y)), 1.0))
    theta0 = np.append(b0, np.log(s0))

    def neg(theta: np.ndarray) -> tuple[float, np.ndarray]:
        ll, g, _, _ = pooled_loglik(theta, y, X, cens)
        return -ll, -g

    def neg_hess(theta: np.ndarray) -> np.ndarray:
        return -pooled_loglik(theta, y, X, cens)[2]

    res = optimize.minimize(
        neg, theta0, jac=True, hess=neg_hess, method="trust-exact",
        options={"gtol": 1e-9, "maxiter": maxiter},
    )
    ll, g, H, scores = pooled_loglik(res.x, y, X, cens)
    _check_converged(res, g, H, name=name, what="pooled Tobit")
    return TobitFit(res.x, ll, H, scores, int(res.nit))


# ---------------------------------------------------------------------- random effects
def re_loglik(
    theta: np.ndarray,
    y: np.ndarray,
    X: np.ndarray,
    entity: np.ndarray,
    cens: Censoring,
    *,
    points: int = 12,
    adapt: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, np.ndarray, np.ndarray]:
    """Random-effects Tobit log-likelihood at ``theta = (beta, log sigma_u, log sigma_e)``.

    ``entity`` holds codes 0..G-1. Without ``adapt`` the nodes are the non-adaptive
    :math:`u_q = \\sqrt2\\sigma_u x_q`. With ``adapt = (mu, tau)`` (per-entity posterior mean and
    standard deviation of :math:`u_i`, held fixed) the nodes are
    :math:`u_{iq} = \\mu_i + \\sqrt2\\tau_i x_q` and
    :math:`\\ell_i = \\log\\sum_q w_q\\sqrt2\\tau_i e^{x_q^2}\\,\\phi(u_{iq}/\\sigma_u)/\\sigma_u
    \\prod_t f(y_{it}\\mid m_{it} + u_{iq})` (adaptive Gauss-Hermite, Stata's ``mvaghermite``).

    Returns the total, the gradient and the per-entity scores (G, k+2).
    """
    ll_i, _, scores = _re_parts(theta, y, X, entity, cens, points=points, adapt=adapt)
    return float(ll_i.sum()), scores.sum(axis=0), scores


def _re_parts(
    theta: np.ndarray,
    y: np.ndarray,
    X: np.ndarray,
    entity: np.ndarray,
    cens: Censoring,
    *,
    points: int,
    adapt: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-entity log-likelihoods, posterior node weights and per-entity scores."""
    k = X.shape[1]
    beta, log_su, log_se = theta[:k], float(theta[k]), float(theta[k + 1])
    su = np.exp(log_su)
    G = int(entity.max()) + 1
    x, w = np.polynomial.hermite.hermgauss(points)
    if adapt is None:
        u = np.broadcast_to(np.sqrt(2.0) * su * x, (G, points))
        log_w = np.broadcast_to(np.log(w) - 0.5 * np.log(np.pi), (G, points))
    else:
        mu, tau = adapt
        u = mu[:, None] + np.sqrt(2.0) * tau[:, None] * x[None, :]
        log_w = (np.log(w) + x**2)[None, :] + np.log(np.sqrt(2.0) * tau)[:, None] \
            - 0.5 * (u / su) ** 2 - _LOG_SQRT_2PI - log_su
    m = (X @ beta)[:, None] + u[entity]  # (n, Q)
    ll, l_m, l_t = _index_terms(y, m, log_se, cens)
    S = group_sums(ll, entity, G)
    joint = S + log_w
    li = logsumexp(joint, axis=1)  # (G,)
    post_e = np.exp(joint - li[:, None])  # (G, Q) posterior weights of the nodes
    post = post_e[entity]
    if adapt is None:  # u depends on log sigma_u through the nodes
        s_u_obs = (post * l_m * u[entity]).sum(axis=1)
    else:  # through the normal density of u
        s_u_obs = np.zeros(y.shape)
    per_obs = np.column_stack([X * (post * l_m).sum(axis=1)[:, None], s_u_obs,
                               (post * l_t).sum(axis=1)])
    scores = group_sums(per_obs, entity, G)
    if adapt is not None:
        scores[:, k] += (post_e * ((u / su) ** 2 - 1.0)).sum(axis=1)
    return li, post_e, scores


def posterior_moments(
    theta: np.ndarray,
    y: np.ndarray,
    X: np.ndarray,
    entity: np.ndarray,
    cens: Censoring,
    *,
    points: int = 12,
    adapt: tuple[np.ndarray, np.ndarray] | None = None,
    rounds: int = 50,
    tol: float = 1e-10,
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior mean and standard deviation of each :math:`u_i` at ``theta``, by quadrature,
    iterated until the nodes they define stop moving (Stata's mean-variance adaptation)."""
    k = X.shape[1]
    su = float(np.exp(theta[k]))
    x, _ = np.polynomial.hermite.hermgauss(points)
    G = int(entity.max()) + 1
    if adapt is None:
        adapt = (np.zeros(G), np.full(G, su))
    for _ in range(rounds):
        _, post, _ = _re_parts(theta, y, X, entity, cens, points=points, adapt=adapt)
        u = adapt[0][:, None] + np.sqrt(2.0) * adapt[1][:, None] * x[None, :]
        mu = (post * u).sum(axis=1)
        tau = np.sqrt(np.maximum((post * (u - mu[:, None]) ** 2).sum(axis=1), 1e-300))
        tau = np.maximum(tau, 1e-8 * max(su, 1e-300))
        moved = max(np.max(np.abs(mu - adapt[0])), np.max(np.abs(tau - adapt[1])))
        adapt = (mu, tau)
        if moved < tol * max(su, 1.0):
            break
    return adapt


def numeric_hessian(grad: object, theta: np.ndarray, *, step: float = 1e-5) -> np.ndarray:
    """Symmetrised central-difference Jacobian of an analytic gradient ``grad(theta)``."""
    p = theta.size
    H = np.empty((p, p))
    for j in range(p):
        h = step * max(1.0, abs(float(theta[j])))
        e = np.zeros(p)
        e[j] = h
        H[:, j] = (grad(theta + e) - grad(theta - e)) / (2.0 * h)  # type: ignore[operator]
    return 0.5 * (H + H.T)


def fit_re_tobit(
    y: np.ndarray,
    X: np.ndarray,
    entity: np.ndarray,
    cens: Censoring,
    *,
    points: int = 12,
    adaptive: bool = True,
    start: np.ndarray | None = None,
    name: str = "tobit",
    maxiter: int = 500,
) -> TobitFit:
    """Maximise the random-effects Tobit likelihood (``X`` includes the constant column).

    ``start`` is ``(beta, log sigma)`` of the pooled fit; the search starts from
    :math:`\\sigma_u = \\sigma/2`, :math:`\\sigma_e = \\sigma\\sqrt{3}/2`. BFGS with the analytic
    gradient on the non-adaptive likelihood, then Newton steps with the numerical Hessian;
    with ``adaptive`` the nodes are re-centred on each entity's posterior mean and scaled by
    its posterior standard deviation before every Newton step (``mvaghermite``).

    When :math:`\\sigma_u/\\sigma_e` falls below 0.001 without a likelihood gain over the
    pooled fit, the fit is returned with ``boundary=True`` (the maximum is :math:`\\sigma_u = 0`).

    Raises
    ------
    ConvergenceError
        When the gradient does not vanish or the Hessian is not negative definite.
    """
    if start is None:
        start = fit_pooled_tobit(y, X, cens, name=name).theta
    theta0 = np.concatenate([start[:-1], [start[-1] + np.log(0.5), start[-1] + np.log(0.75) / 2]])
    args = (y, X, entity, cens)

    def neg(theta: np.ndarray) -> tuple[float, np.ndarray]:
        ll, g, _ = re_loglik(theta, *args, points=points)
        return -ll, -g

    res = optimize.minimize(neg, theta0, jac=True, method="BFGS",
                            options={"gtol": 1e-6, "maxiter": maxiter})
    theta = res.x
    adapt = posterior_moments(theta, *args, points=points) if adaptive else None
    ll, g, scores = re_loglik(theta, *args, points=points, adapt=adapt)
    H = _re_hessian(theta, args, points, adapt)
    for _ in range(50 if maxiter > 1 else 0):  # Newton steps (re-adapting the nodes)
        try:
            step = _ascent_step(H, g)
        except np.linalg.LinAlgError:
            break
        for _half in range(30):  # step halving on the likelihood with the nodes held
            trial = theta + step
            ll_new = re_loglik(trial, *args, points=points, adapt=adapt)[0]
            if np.isfinite(ll_new) and ll_new >= ll - 1e-10:
                break
            step = step / 2.0
        else:
            break
        theta = trial
        if adaptive:
            adapt = posterior_moments(theta, *args, points=points, adapt=adapt)
        ll, g, scores = re_loglik(theta, *args, points=points, adapt=adapt)
        H = _re_hessian(theta, args, points, adapt)
        if np.max(np.abs(step)) < 1e-9:
            break
    k = X.shape[1]
    if theta[k] - theta[k + 1] < np.log(1e-3) and ll <= pooled_loglik(start, y, X, cens)[0] + 1e-6:
        # sigma_u/sigma_e < 0.001 and no gain over the pooled fit: the maximum is on the
        # boundary sigma_u = 0, where the likelihood is the pooled one
        return TobitFit(theta, ll, H, scores, int(res.nit), boundary=True)
    _check_converged(res, g, H, name=name, what="random-effects Tobit",
                     hint=f"raise 'quadrature' (now {points}), ")
    return TobitFit(theta, ll, H, scores, int(res.nit))


def _ascent_step(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    r"""The Newton step :math:`(-H)^{-1} g`, or where :math:`-H` is not positive definite (far
    from the maximum, or along a flat ridge) the Levenberg-Marquardt step
    :math:`(-H + 2\mu I)^{-1} g` with :math:`\mu = 10^j |\lambda_{min}|` for the smallest
    :math:`j \ge 0` that makes the matrix positive definite: an ascent direction either way, as Stata's ``ml``
    moves when the Hessian is not concave."""
    A = -H
    lam = float(np.linalg.eigvalsh(A)[0])
    if lam > 0:
        return np.linalg.solve(A, g)
    mu = max(abs(lam), 1e-8 * max(1.0, float(np.abs(A).max())))
    for _ in range(20):
        try:
            c = np.linalg.cholesky(A + 2.0 * mu * np.eye(A.shape[0]))
            return np.linalg.solve(c.T, np.linalg.solve(c, g))
        except np.linalg.LinAlgError:
            mu *= 10.0
    raise np.linalg.LinAlgError("no positive definite modification")


def _re_hessian(
    theta: np.ndarray, args: tuple, points: int, adapt: tuple[np.ndarray, np.ndarray] | None
) -> np.ndarray:
    """Numerical Hessian of the random-effects log-likelihood with the nodes held fixed."""
    return numeric_hessian(lambda t: re_loglik(t, *args, points=points, adapt=adapt)[1], theta)


def _check_converged(
    res: optimize.OptimizeResult, g: np.ndarray, H: np.ndarray, *, name: str, what: str,
    hint: str = "",
) -> None:
    """Converged: the scaled gradient ``g' (-H)^{-1} g`` is tiny and ``-H`` positive definite."""
    try:
        np.linalg.cholesky(-H)
        crit = float(g @ np.linalg.solve(-H, g))
    except np.linalg.LinAlgError:
        crit = np.inf
    if not np.isfinite(crit) or crit > 1e-6:
        raise ConvergenceError(
            f"models.{name}: the {what} likelihood did not converge after {res.nit} iterations "
            f"({res.message.strip() if isinstance(res.message, str) else res.message}; scaled "
            f"gradient {crit:.3g}). Try: {hint}rescale the dependent variable and regressors "
            "to similar magnitudes, drop near-collinear regressors, or check that enough "
            "observations are uncensored"
        )
