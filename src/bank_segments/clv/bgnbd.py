"""BG/NBD model (Fader, Hardie & Lee 2005): likelihood, fit and per-person predictions.

Every quantity is computed in log space. The conditional expectation needs
2F1(r + x, b + x; a + b + x - 1; z) with z = t / (alpha + T + t); its first two
parameters grow with the person's frequency, which makes the direct series overflow
for active persons. Euler's transformation
2F1(A, B; C; z) = (1 - z)^(C - A - B) 2F1(C - A, C - B; C; z)
turns it into 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z), whose upper parameters do
not depend on x, and folds the power term ((alpha + T) / (alpha + T + t))^(r + x) into
(1 - z)^(a - 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from bank_segments.clv._optim import compress, minimise

# a = 1 makes the closed form 0 / 0; its limit is approached within this distance.
_A_NEAR_ONE = 1e-7


@dataclass(frozen=True)
class BgNbdParams:
    """Fitted BG/NBD parameters and fit diagnostics."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")
    n_persons: int = 0

    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


def _arrays(*values: np.ndarray | float) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(v, dtype=float) for v in values)


def log_likelihood_terms(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, t_x: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """Per-person log-likelihood (equation 6 of the paper), in log space."""
    x, t_x, t = _arrays(x, t_x, t)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + t)
    has_repeat = x > 0
    a3 = np.where(
        has_repeat,
        special.betaln(a + 1, np.maximum(b + x - 1, 1e-300))
        - special.betaln(a, b)
        - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return a1 + np.logaddexp(a2, a3)


def _negative_log_likelihood(
    log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, t: np.ndarray, w: np.ndarray
) -> tuple[float, np.ndarray]:
    """Weighted negative log-likelihood and its gradient in the log-parameters."""
    r, alpha, a, b = np.exp(log_params)
    has_repeat = x > 0
    bxm1 = np.maximum(b + x - 1, 1e-300)
    log_at, log_atx = np.log(alpha + t), np.log(alpha + t_x)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * log_at
    a3 = np.where(
        has_repeat,
        special.betaln(a + 1, bxm1) - special.betaln(a, b) - (r + x) * log_atx,
        -np.inf,
    )
    mix = np.logaddexp(a2, a3)
    value = -float(np.sum(w * (a1 + mix)))
    w2, w3 = np.exp(a2 - mix), np.exp(a3 - mix)

    psi_ab, psi_abx = special.digamma(a + b), special.digamma(a + b + x)
    d_r = special.digamma(r + x) - special.digamma(r) + np.log(alpha) - w2 * log_at - w3 * log_atx
    d_alpha = r / alpha - w2 * (r + x) / (alpha + t) - w3 * (r + x) / (alpha + t_x)
    d_a = w2 * (psi_ab - psi_abx) + w3 * (
        special.digamma(a + 1) - special.digamma(a) + psi_ab - psi_abx
    )
    d_b = w2 * (special.digamma(b + x) - psi_abx - special.digamma(b) + psi_ab) + np.where(
        has_repeat,
        w3 * (special.digamma(bxm1) - psi_abx - special.digamma(b) + psi_ab),
        0.0,
    )
    grad = np.array([np.sum(w * d) for d in (d_r, d_alpha, d_a, d_b)])
    return value, -grad * np.array([r, alpha, a, b])


def _start(x: np.ndarray, t: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Starting values: r = 1 with alpha matching the mean purchase rate; a = 1, b = 3."""
    rate = float(np.sum(w * x) / max(np.sum(w * np.maximum(t, 1e-9)), 1e-9))
    alpha = 1.0 / max(rate, 1e-6)
    return np.log(np.array([1.0, alpha, 1.0, 3.0]))


def fit_bg_nbd(frequency: np.ndarray, recency: np.ndarray, t: np.ndarray) -> BgNbdParams:
    """Maximum-likelihood fit of BG/NBD on the persons' (x, t_x, T)."""
    x, t_x, big_t = _arrays(frequency, recency, t)
    if x.size == 0:
        raise ValueError("cannot fit BG/NBD on zero persons")
    data = compress(x, t_x, big_t)
    cx, ctx, ct = data.columns
    result = minimise(
        lambda p: _negative_log_likelihood(p, cx, ctx, ct, data.weights),
        _start(cx, ct, data.weights),
    )
    r, alpha, a, b = np.exp(result.x)
    return BgNbdParams(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=-float(result.fun),
        n_persons=int(x.size),
    )


def log_alive_odds_inverse(params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, t: np.ndarray):
    """log of a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x); -inf when x = 0."""
    x, t_x, t = _arrays(x, t_x, t)
    has_repeat = x > 0
    safe = np.maximum(params.b + x - 1, 1e-300)
    return np.where(
        has_repeat,
        np.log(params.a)
        - np.log(safe)
        + (params.r + x) * (np.log(params.alpha + t) - np.log(params.alpha + t_x)),
        -np.inf,
    )


def probability_alive(
    params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """P(alive | x, t_x, T) (equation 13); 1 for persons without repeat activity."""
    return special.expit(-log_alive_odds_inverse(params, x, t_x, t))


def _a_away_from_one(a: float) -> float:
    return a + _A_NEAR_ONE if abs(a - 1.0) < _A_NEAR_ONE else a


def _hyp2f1_series(
    a: np.ndarray, b: np.ndarray, c: np.ndarray, z: np.ndarray, max_terms: int = 5000
) -> np.ndarray:
    """The Gauss series summed term by term; NaN where it has not converged."""
    term = np.ones_like(z)
    total = np.ones_like(z)
    done = np.zeros(z.shape, dtype=bool)
    for k in range(max_terms):
        term = term * (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total = np.where(done, total, total + term)
        done |= np.abs(term) <= 1e-17 * np.abs(total)
        if done.all():
            break
    return np.where(done, total, np.nan)


def _hyp2f1(a: np.ndarray, b: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """scipy's 2F1 with two fallbacks where it returns no number: c nudged by 1e-9 (an
    integer c - a - b), then the plain series (huge |a| against a small z, which occurs
    when a fit runs to a limit model)."""
    value = special.hyp2f1(a, b, c, z)
    bad = ~np.isfinite(value)
    if np.any(bad):
        a, b, c, z = (np.array(v, dtype=float) for v in np.broadcast_arrays(a, b, c, z))
        value = np.array(value, copy=True)
        value[bad] = special.hyp2f1(a[bad], b[bad], c[bad] * (1 + 1e-9) + 1e-9, z[bad])
        bad = ~np.isfinite(value)
        if np.any(bad):
            value[bad] = _hyp2f1_series(a[bad], b[bad], c[bad], z[bad])
    return value


def _bracket(params: BgNbdParams, x: np.ndarray, t_total: np.ndarray, horizon: np.ndarray):
    """(a + b + x - 1) / (a - 1) * [1 - G],  G = ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; c; z).

    G itself stays moderate, but the 2F1 of a given representation may not:
    1. Euler: G = (1 - z)^(a - 1) 2F1(a+b-1-r, a-1; c; z), written as
       -expm1(...) - (1 - z)^(a - 1) (2F1 - 1) to keep precision near a = 1 and the sign
       when c < 0; its 2F1 overflows when a is large (about (1 - z)^(1 - a));
    2. Pfaff: G = 2F1(r+x, a-1; c; -t / (alpha + T)), no prefactor at all; used where the
       Euler form gives no finite number (large a, the limit models of flat fits).
    """
    a = _a_away_from_one(params.a)
    r, alpha, b = params.r, params.alpha, params.b
    x, t_total, horizon = np.broadcast_arrays(*_arrays(x, t_total, horizon))
    c = a + b + x - 1
    log1m_z = np.log(alpha + t_total) - np.log(alpha + t_total + horizon)
    z = -np.expm1(log1m_z)
    power = (a - 1) * log1m_z
    with np.errstate(over="ignore", invalid="ignore"):
        hyp = _hyp2f1(a + b - 1 - r, a - 1, c, z)
        inner = -np.expm1(power) - np.exp(power) * (hyp - 1)
    bad = ~np.isfinite(inner)
    if np.any(bad):
        w = -horizon[bad] / (alpha + t_total[bad])
        inner = np.array(inner, copy=True)
        inner[bad] = 1 - _hyp2f1(r + x[bad], a - 1, c[bad], w)
    return c / (a - 1) * inner


def expected_transactions(
    params: BgNbdParams, horizon: float | np.ndarray, x: np.ndarray, t_x: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """E[Y(horizon) | x, t_x, T]: expected transactions in the next ``horizon`` time units."""
    x, t_x, t, horizon = _arrays(x, t_x, t, horizon)
    x, t_x, t, horizon = np.broadcast_arrays(x, t_x, t, horizon)
    p_alive = probability_alive(params, x, t_x, t)
    out = p_alive * _bracket(params, x, t, horizon)
    return np.where(horizon > 0, out, 0.0)


def expected_transactions_new(params: BgNbdParams, horizon: float | np.ndarray) -> np.ndarray:
    """E[X(t)] for a person just acquired (the unconditional expectation, equation 9)."""
    horizon = np.asarray(horizon, dtype=float)
    return expected_transactions(params, horizon, 0.0, 0.0, 0.0)
