"""Per-person scores: expected transactions, P(alive), expected value and discounted CLV.

CLV over H months = sum over m = 1..H of
(E[Y(m months)] - E[Y(m - 1 months)]) * E[value per transaction] / (1 + d)^m,
i.e. each month's expected transactions valued at the Gamma-Gamma expectation and
discounted to the as-of date at the monthly rate d (cash flows at the end of each month).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bank_segments.clv.bgnbd import BgNbdParams, expected_transactions, probability_alive
from bank_segments.clv.gamma_gamma import GammaGammaParams, expected_average_value

SCORE_COLUMNS = [
    "expected_transactions_12m",
    "expected_transactions_36m",
    "p_alive",
    "expected_value_per_transaction",
    "clv_12m",
    "clv_36m",
]


def monthly_expected_transactions(
    params: BgNbdParams,
    x: np.ndarray,
    t_x: np.ndarray,
    t: np.ndarray,
    months: int,
    periods_per_month: float,
) -> np.ndarray:
    """Expected transactions in each of the next ``months`` months, shape (persons, months)."""
    x, t_x, t = (np.asarray(v, dtype=float)[:, None] for v in (x, t_x, t))
    horizons = np.arange(1, months + 1, dtype=float)[None, :] * periods_per_month
    cumulative = expected_transactions(params, horizons, x, t_x, t)
    return np.diff(cumulative, axis=1, prepend=0.0)


def discount_factors(months: int, monthly_discount_rate: float) -> np.ndarray:
    """1 / (1 + d)^m for m = 1..months."""
    return (1.0 + monthly_discount_rate) ** -np.arange(1, months + 1, dtype=float)


def score_persons(
    summary: pd.DataFrame,
    bg_nbd: BgNbdParams,
    gamma_gamma: GammaGammaParams,
    *,
    periods_per_month: float,
    monthly_discount_rate: float,
    chunk_size: int = 50_000,
) -> pd.DataFrame:
    """Score every row of an RFM-T summary (columns frequency, recency, t, monetary_value).

    Persons with identical (frequency, recency, t) share their BG/NBD figures, so the
    36 monthly expectations are computed once per distinct triple.
    """
    x = summary["frequency"].to_numpy(dtype=float)
    t_x = summary["recency"].to_numpy(dtype=float)
    t = summary["t"].to_numpy(dtype=float)
    triples, inverse = np.unique(np.column_stack([x, t_x, t]), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    monthly = np.concatenate(
        [
            monthly_expected_transactions(
                bg_nbd, *chunk.T, months=36, periods_per_month=periods_per_month
            )
            for chunk in np.array_split(triples, max(1, -(-len(triples) // chunk_size)))
        ]
    )
    discounts = discount_factors(36, monthly_discount_rate)
    value = expected_average_value(gamma_gamma, x, summary["monetary_value"].to_numpy(float))
    scores = pd.DataFrame(
        {
            "expected_transactions_12m": monthly[:, :12].sum(axis=1)[inverse],
            "expected_transactions_36m": monthly.sum(axis=1)[inverse],
            "p_alive": probability_alive(bg_nbd, *triples.T)[inverse],
            "expected_value_per_transaction": value,
            "clv_12m": (monthly[:, :12] @ discounts[:12])[inverse] * value,
            "clv_36m": (monthly @ discounts)[inverse] * value,
        },
        index=summary.index,
    )
    return pd.concat([summary, scores], axis=1)
