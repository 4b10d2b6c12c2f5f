"""Gamma-Gamma spend model (Fader & Hardie, "The Gamma-Gamma Model of Monetary Value").

The value of each repeat transaction of a person is Gamma(p, nu); across persons nu is
Gamma(q, gamma). The model is fitted on persons with at least one repeat transaction,
from their number of repeat transactions x and the mean value m_x of those.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from bank_segments.clv._optim import compress, minimise


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma parameters and fit diagnostics."""

    p: float
    q: float
    gamma: float
    log_likelihood: float = float("nan")
    n_persons: int = 0

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}

    @property
    def population_mean(self) -> float:
        """E[M] for a person with no repeat transaction: p * gamma / (q - 1)."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")


def _usable(frequency: np.ndarray, monetary: np.ndarray) -> np.ndarray:
    return (frequency > 0) & np.isfinite(monetary) & (monetary > 0)


def log_likelihood_terms(
    p: float, q: float, gamma: float, x: np.ndarray, m: np.ndarray
) -> np.ndarray:
    """Per-person log density of the mean value m given x (x > 0, m > 0)."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(gamma + m * x)
    )


def _negative_log_likelihood(
    log_params: np.ndarray, x: np.ndarray, m: np.ndarray, w: np.ndarray
) -> tuple[float, np.ndarray]:
    p, q, gamma = np.exp(log_params)
    px = p * x
    log_gmx = np.log(gamma + m * x)
    value = -float(np.sum(w * log_likelihood_terms(p, q, gamma, x, m)))
    psi_pxq = special.digamma(px + q)
    d_p = x * (psi_pxq - special.digamma(px) + np.log(m) + np.log(x) - log_gmx)
    d_q = psi_pxq - special.digamma(q) + np.log(gamma) - log_gmx
    d_gamma = q / gamma - (px + q) / (gamma + m * x)
    grad = np.array([np.sum(w * d) for d in (d_p, d_q, d_gamma)])
    return value, -grad * np.array([p, q, gamma])


def _start(m: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Start at p = 1, q = 3 with the population mean p * gamma / (q - 1) = mean of m."""
    mean = float(np.sum(w * m) / np.sum(w))
    return np.log(np.array([1.0, 3.0, 2.0 * mean]))


def fit_gamma_gamma(frequency: np.ndarray, monetary_value: np.ndarray) -> GammaGammaParams:
    """Maximum-likelihood fit on the persons with x > 0 and a positive mean value."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    usable = _usable(x, m)
    if not np.any(usable):
        raise ValueError("cannot fit Gamma-Gamma: no person with repeat transactions")
    data = compress(x[usable], m[usable])
    cx, cm = data.columns
    result = minimise(
        lambda params: _negative_log_likelihood(params, cx, cm, data.weights),
        _start(cm, data.weights),
    )
    p, q, gamma = np.exp(result.x)
    return GammaGammaParams(
        p=float(p),
        q=float(q),
        gamma=float(gamma),
        log_likelihood=-float(result.fun),
        n_persons=int(usable.sum()),
    )


def expected_average_value(
    params: GammaGammaParams, frequency: np.ndarray, monetary_value: np.ndarray
) -> np.ndarray:
    """E[M | x, m_x] = (q - 1) / (p x + q - 1) * p gamma / (q - 1) + p x / (p x + q - 1) * m_x.

    Persons without a usable repeat value get the population mean p gamma / (q - 1).
    """
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    usable = _usable(x, m)
    x_used = np.where(usable, x, 0.0)
    m_used = np.where(usable, m, 0.0)
    weight = params.p * x_used / (params.p * x_used + params.q - 1)
    return (1 - weight) * params.population_mean + weight * m_used
