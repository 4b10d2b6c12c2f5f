"""The SQL and frames of bank_segments.clv.pipeline, run on an in-memory DuckDB."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest

from bank_segments.clv import pipeline
from bank_segments.clv.bgnbd import BgNbdParams
from bank_segments.clv.gamma_gamma import GammaGammaParams
from bank_segments.clv.simulate import simulate_summary
from bank_segments.clv.summary import build_rfm_summary

AS_OF = dt.date(2025, 6, 15)


def _transactions(n_persons: int, seed: int) -> pd.DataFrame:
    """Daily value transactions of simulated persons (two per active day, some after AS_OF)."""
    rng = np.random.default_rng(seed)
    summary = simulate_summary(
        BgNbdParams(2.0, 10.0, 0.5, 6.0),
        GammaGammaParams(4.0, 3.0, 2.0),
        np.floor(rng.uniform(200, 900, n_persons)),
        rng,
    )
    end = pd.Timestamp(AS_OF) + pd.Timedelta(days=60)
    rows = []
    for person in summary.itertuples():
        first = end - pd.Timedelta(days=int(person.t))
        days = {0}
        if person.frequency > 0:
            last = int(np.floor(person.recency))
            days |= {last, *rng.integers(1, max(last, 2), size=person.frequency - 1).tolist()}
        for day in days:
            for _ in range(2):
                rows.append(
                    (f"p{person.person_id}", first + pd.Timedelta(days=day), rng.gamma(4.0, 0.5))
                )
    frame = pd.DataFrame(rows, columns=["person_id", "booked_date", "revenue_eur"])
    return frame.assign(booked_date=frame["booked_date"].dt.date)


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    return _transactions(800, seed=5)


def _run(sql: str, transactions: pd.DataFrame) -> pd.DataFrame:
    connection = duckdb.connect()
    connection.register("value_transactions", transactions)
    return connection.sql(sql).df()


def _period_stats(transactions: pd.DataFrame, period, end: dt.date = AS_OF) -> pd.DataFrame:
    cutoff = pipeline.calibration_cutoff(end, 6, period)
    return _run(pipeline.period_stats_sql(period, "value_transactions", cutoff, end), transactions)


def _reference(transactions: pd.DataFrame, end: dt.date, period) -> pd.DataFrame:
    return (
        build_rfm_summary(
            transactions.rename(columns={"booked_date": "date", "revenue_eur": "value"}),
            end,
            period=period,
        )
        .sort_values("person_id")
        .reset_index(drop=True)
    )


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_sql_summary_equals_the_reference_builder(transactions: pd.DataFrame, period) -> None:
    period_stats = _period_stats(transactions, period)
    assert list(period_stats.columns) == pipeline.PERIOD_STATS_COLUMNS
    from_sql = pipeline.summarise(pipeline.stats_to_end(period_stats), None, AS_OF, period)
    pd.testing.assert_frame_equal(
        from_sql.sort_values("person_id").reset_index(drop=True),
        _reference(transactions, AS_OF, period),
        check_dtype=False,
    )


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_the_same_pass_summarises_the_calibration_period(
    transactions: pd.DataFrame, period
) -> None:
    cutoff = pipeline.calibration_cutoff(AS_OF, 6, period)
    calibration = pipeline.stats_to_cutoff(_period_stats(transactions, period))
    from_sql = pipeline.summarise(calibration, None, cutoff, period)
    until_cutoff = transactions[pd.to_datetime(transactions["booked_date"]) <= pd.Timestamp(cutoff)]
    pd.testing.assert_frame_equal(
        from_sql.sort_values("person_id").reset_index(drop=True),
        _reference(until_cutoff, cutoff, period),
        check_dtype=False,
    )


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_a_table_of_value_days_gives_the_same_stats(transactions: pd.DataFrame, period) -> None:
    """The summary reads one row per person and day (two transactions a day here)."""
    days = transactions.groupby(["person_id", "booked_date"], as_index=False)["revenue_eur"].sum()
    assert len(days) < len(transactions)
    cutoff = pipeline.calibration_cutoff(AS_OF, 6, period)
    sql = pipeline.period_stats_sql(
        period, "value_transactions", cutoff, AS_OF, one_row_per_day=True
    )
    from_days = _run(sql, days)
    sort = ["person_id"]
    pd.testing.assert_frame_equal(
        from_days.sort_values(sort).reset_index(drop=True),
        _period_stats(transactions, period).sort_values(sort).reset_index(drop=True),
    )


def test_fit_returns_the_interface_columns(transactions: pd.DataFrame) -> None:
    stats = pipeline.stats_to_end(_period_stats(transactions, "day"))
    summary = pipeline.summarise(stats, None, AS_OF, "day")
    fitted = pipeline.fit(summary, AS_OF, "day")
    assert list(fitted.columns) == pipeline.PARAMETER_COLUMNS
    assert list(zip(fitted["model_name"], fitted["parameter"], strict=True)) == [
        ("bg_nbd", "r"),
        ("bg_nbd", "alpha"),
        ("bg_nbd", "a"),
        ("bg_nbd", "b"),
        ("gamma_gamma", "p"),
        ("gamma_gamma", "q"),
        ("gamma_gamma", "gamma"),
    ]
    assert (fitted["value"] > 0).all()
    assert np.isfinite(fitted["log_likelihood"]).all()
    assert fitted.loc[0, "n_persons"] == len(summary)
    assert set(fitted["time_unit"]) == {"day"}


def test_score_covers_birth_only_persons(transactions: pd.DataFrame) -> None:
    stats = pipeline.stats_to_end(_period_stats(transactions, "week"))
    births = pd.DataFrame(
        {
            "person_id": ["p0", "newcomer", "future"],
            "date": ["2020-01-01", "2025-03-03", "2026-01-01"],
        }
    )
    fitted = pipeline.fit(pipeline.summarise(stats, None, AS_OF, "week"), AS_OF, "week")
    summary = pipeline.summarise(stats, births, AS_OF, "week")
    scored = pipeline.score(summary, fitted, AS_OF, "week", monthly_discount_rate=0.01)
    assert list(scored.columns) == pipeline.SCORED_COLUMNS
    assert scored["person_id"].is_unique
    newcomer = scored.set_index("person_id").loc["newcomer"]
    assert newcomer["frequency"] == 0
    assert newcomer["t"] == 14  # Monday 2025-03-03 .. the week of Sunday 2025-06-15
    assert newcomer["clv_12m_eur"] > 0
    assert "future" not in set(scored["person_id"])
    assert (scored["clv_36m_eur"] >= scored["clv_12m_eur"]).all()


def test_calibration_cutoff_ends_a_complete_period() -> None:
    assert pipeline.calibration_cutoff(AS_OF, 6, "week") == dt.date(2024, 12, 15)  # a Sunday
    assert pipeline.calibration_cutoff(dt.date(2025, 6, 18), 6, "week") == dt.date(2024, 12, 15)
    assert pipeline.calibration_cutoff(AS_OF, 6, "month") == dt.date(2024, 11, 30)
    assert pipeline.calibration_cutoff(AS_OF, 6, "day") == dt.date(2024, 12, 15)


def test_backtest_compares_the_holdout(transactions: pd.DataFrame) -> None:
    cutoff = pipeline.calibration_cutoff(AS_OF, 6, "day")
    period_stats = _period_stats(transactions, "day")
    holdout = pipeline.holdout_activity(period_stats)
    calibration = pipeline.summarise(pipeline.stats_to_cutoff(period_stats), None, cutoff, "day")
    persons = pipeline.backtest(calibration, holdout, AS_OF, cutoff, "day")
    assert persons["holdout_length"].iloc[0] == (AS_OF - cutoff).days
    dates = pd.to_datetime(transactions["booked_date"])
    inside = transactions[(dates > pd.Timestamp(cutoff)) & (dates <= pd.Timestamp(AS_OF))]
    compared = inside[inside["person_id"].isin(persons["person_id"])]
    assert (
        persons["actual_transactions"].sum()
        == compared.groupby("person_id")["booked_date"].nunique().sum()
    )
    assert persons["actual_value_eur"].sum() == pytest.approx(compared["revenue_eur"].sum())
    assert (persons["predicted_transactions"] >= 0).all()
    # on persons that behave as BG/NBD says, the holdout total is forecast closely
    total_error = persons["predicted_transactions"].sum() / persons["actual_transactions"].sum()
    assert abs(total_error - 1) < 0.15


def test_sql_builders_reject_unknown_periods_and_dates() -> None:
    with pytest.raises(ValueError, match="unknown period"):
        pipeline.period_stats_sql("week'); drop table x; --", "t", AS_OF, AS_OF)
    with pytest.raises(ValueError):
        pipeline.period_stats_sql("day", "t", "2025-01-01'; drop table x; --", AS_OF)
    with pytest.raises(ValueError):
        pipeline.period_stats_sql("day", "t", AS_OF, "2025-01-01'; drop table x; --")


def test_observation_end_stops_at_the_latest_known_booking() -> None:
    assert pipeline.observation_end(AS_OF, pd.Timestamp("2025-05-31")) == dt.date(2025, 5, 31)
    assert pipeline.observation_end(AS_OF, pd.Timestamp("2025-07-01")) == AS_OF
    assert pipeline.observation_end(AS_OF, None) == AS_OF
    latest = _run(pipeline.observation_end_sql("value_transactions"), _transactions(5, seed=1))
    assert latest["observation_end"].notna().all()
