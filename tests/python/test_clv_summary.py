"""Frequency / recency / T / monetary value on hand-made histories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bank_segments.clv.summary import build_rfm_summary, period_index


def _transactions(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["person_id", "date", "value"])


def _one(summary: pd.DataFrame, person_id: str) -> pd.Series:
    return summary.set_index("person_id").loc[person_id]


def test_single_purchase_has_no_repeat_and_t_from_first_purchase() -> None:
    summary = build_rfm_summary(
        _transactions([("p1", "2024-01-10", 25.0)]), "2024-01-31", period="day"
    )
    row = _one(summary, "p1")
    assert row["frequency"] == 0
    assert row["recency"] == 0
    assert row["t"] == 21
    assert np.isnan(row["monetary_value"])


def test_several_purchases_in_one_period_count_once_and_values_add_up() -> None:
    history = _transactions(
        [
            ("p1", "2024-01-01", 10.0),  # Monday: week 1, first period
            ("p1", "2024-01-03", 5.0),  # same week
            ("p1", "2024-01-15", 7.0),  # week 3
            ("p1", "2024-01-16", 3.0),  # week 3 again
            ("p1", "2024-01-17", 20.0),  # week 3 again
            ("p1", "2024-01-29", 4.0),  # week 5
        ]
    )
    summary = build_rfm_summary(history, "2024-02-07", period="week")
    row = _one(summary, "p1")
    assert row["frequency"] == 2
    assert row["recency"] == 4
    assert row["t"] == 5
    # repeat periods are worth 30 and 4: the first week (15) is excluded
    assert row["monetary_value"] == pytest.approx(17.0)


def test_purchases_after_the_observation_end_are_ignored() -> None:
    history = _transactions(
        [
            ("p1", "2024-01-05", 10.0),
            ("p1", "2024-02-20", 30.0),
            ("p1", "2024-04-02", 99.0),
            ("p2", "2024-04-01", 50.0),
        ]
    )
    summary = build_rfm_summary(history, "2024-03-31", period="month")
    assert list(summary["person_id"]) == ["p1"]
    row = _one(summary, "p1")
    assert (row["frequency"], row["recency"], row["t"]) == (1, 1, 2)
    assert row["monetary_value"] == pytest.approx(30.0)


def test_day_periods_in_weeks_follow_the_cdnow_convention() -> None:
    history = _transactions(
        [("p1", "1997-01-01", 29.33), ("p1", "1997-01-18", 29.73), ("p1", "1997-08-02", 14.96)]
    )
    summary = build_rfm_summary(history, "1997-09-30", period="day", time_unit="week")
    row = _one(summary, "p1")
    assert row["frequency"] == 2
    assert row["recency"] == pytest.approx(213 / 7)
    assert row["t"] == pytest.approx(272 / 7)
    assert row["monetary_value"] == pytest.approx((29.73 + 14.96) / 2)


def test_births_add_persons_without_transactions() -> None:
    births = pd.Series(
        pd.to_datetime(["2023-11-15", "2024-01-20", "2024-05-01"]), index=["p1", "p2", "p3"]
    )
    summary = build_rfm_summary(
        _transactions([("p1", "2024-01-10", 25.0)]), "2024-03-31", period="month", births=births
    )
    assert sorted(summary["person_id"]) == ["p1", "p2"]
    assert (_one(summary, "p1")["t"], _one(summary, "p2")["t"]) == (2, 2)
    assert _one(summary, "p2")["frequency"] == 0


def test_weeks_start_on_monday() -> None:
    dates = np.array(["2024-01-07", "2024-01-08", "2024-01-14"], dtype="datetime64[D]")
    sunday, monday, next_sunday = period_index(dates, "week")
    assert monday == sunday + 1
    assert next_sunday == monday


def test_unknown_period_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        build_rfm_summary(_transactions([("p1", "2024-01-10", 1.0)]), "2024-02-01", period="year")
