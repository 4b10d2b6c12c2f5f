"""Draw synthetic (frequency, recency, T, mean value) from known BG/NBD and Gamma-Gamma."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bank_segments.clv.bgnbd import BgNbdParams
from bank_segments.clv.gamma_gamma import GammaGammaParams


def simulate_summary(
    bg_nbd: BgNbdParams,
    gamma_gamma: GammaGammaParams,
    t: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One row per person observed for ``t`` time units after a first purchase at 0.

    Each person buys at Poisson rate lambda ~ Gamma(r, 1 / alpha) and drops out after
    each repeat purchase with probability p ~ Beta(a, b); repeat values are
    Gamma(p_gg, nu) with nu ~ Gamma(q, 1 / gamma).
    """
    t = np.asarray(t, dtype=float)
    n = t.size
    rate = rng.gamma(bg_nbd.r, 1.0 / bg_nbd.alpha, n)
    dropout = rng.beta(bg_nbd.a, bg_nbd.b, n)
    arrivals = rng.poisson(rate * t)
    repeats_before_dropout = rng.geometric(dropout)
    x = np.minimum(arrivals, repeats_before_dropout)
    # the x-th of `arrivals` uniform arrival times in (0, T) is T * Beta(x, arrivals - x + 1)
    recency = np.where(x > 0, t * rng.beta(np.maximum(x, 1), np.maximum(arrivals - x + 1, 1)), 0.0)
    nu = rng.gamma(gamma_gamma.q, 1.0 / gamma_gamma.gamma, n)
    # the mean of x Gamma(p, nu) values is Gamma(p x, x nu)
    shape = gamma_gamma.p * np.maximum(x, 1)
    mean_value = rng.gamma(shape, 1.0 / (np.maximum(x, 1) * nu))
    return pd.DataFrame(
        {
            "person_id": np.arange(n),
            "frequency": x.astype(np.int64),
            "recency": recency,
            "t": t,
            "monetary_value": np.where(x > 0, mean_value, np.nan),
        }
    )
