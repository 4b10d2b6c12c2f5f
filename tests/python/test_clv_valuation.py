"""Discounted CLV from the monthly expected transactions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bank_segments.clv.bgnbd import BgNbdParams, expected_transactions
from bank_segments.clv.gamma_gamma import GammaGammaParams, expected_average_value
from bank_segments.clv.summary import periods_per_month
from bank_segments.clv.valuation import discount_factors, score_persons

BG = BgNbdParams(r=0.9, alpha=2.0, a=0.6, b=4.0)
GG = GammaGammaParams(p=4.0, q=3.5, gamma=20.0)
WEEKS = periods_per_month("week")


def _summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d"],
            "frequency": [0, 12, 12, 40],
            "recency": [0.0, 50.0, 10.0, 60.0],
            "t": [20.0, 52.0, 52.0, 61.0],
            "monetary_value": [np.nan, 30.0, 30.0, 5.0],
        }
    )


def test_without_discount_clv_is_expected_transactions_times_value() -> None:
    scored = score_persons(_summary(), BG, GG, periods_per_month=WEEKS, monthly_discount_rate=0.0)
    summary = _summary()
    value = expected_average_value(GG, summary["frequency"], summary["monetary_value"])
    for months, column in ((12, "12m"), (36, "36m")):
        expected = expected_transactions(
            BG, months * WEEKS, summary["frequency"], summary["recency"], summary["t"]
        )
        assert scored[f"expected_transactions_{column}"].to_numpy() == pytest.approx(expected)
        assert scored[f"clv_{column}"].to_numpy() == pytest.approx(expected * value)


def test_discounting_lowers_clv_by_less_than_the_last_month_factor() -> None:
    plain = score_persons(_summary(), BG, GG, periods_per_month=WEEKS, monthly_discount_rate=0.0)
    discounted = score_persons(
        _summary(), BG, GG, periods_per_month=WEEKS, monthly_discount_rate=0.01
    )
    ratio = discounted["clv_36m"] / plain["clv_36m"]
    assert np.all((ratio < 1.0 / 1.01) & (ratio > 1.01**-36))


def test_recent_activity_is_worth_more_than_old_activity() -> None:
    scored = score_persons(_summary(), BG, GG, periods_per_month=WEEKS, monthly_discount_rate=0.01)
    recent, lapsed = scored.iloc[1], scored.iloc[2]
    assert recent["p_alive"] > lapsed["p_alive"]
    assert recent["clv_12m"] > lapsed["clv_12m"]
    assert scored.iloc[0]["expected_value_per_transaction"] == pytest.approx(GG.population_mean)
    assert np.all(scored["clv_36m"] > scored["clv_12m"])


def test_chunked_scoring_equals_one_pass() -> None:
    whole = score_persons(_summary(), BG, GG, periods_per_month=WEEKS, monthly_discount_rate=0.01)
    chunked = score_persons(
        _summary(), BG, GG, periods_per_month=WEEKS, monthly_discount_rate=0.01, chunk_size=1
    )
    pd.testing.assert_frame_equal(whole, chunked)


def test_discount_factors() -> None:
    assert discount_factors(3, 0.01) == pytest.approx([1 / 1.01, 1 / 1.01**2, 1 / 1.01**3])
