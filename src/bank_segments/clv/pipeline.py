"""Frames for the dbt Python models: fit, score and backtest on value-generating periods.

The dbt models run the SQL built here on DuckDB (one row per person comes back, so
the Python side stays small for millions of persons) and hand the frames over, with,
for persons without any value period, a birth date (``person_id``, ``date``). Apart
from the SQL text everything is plain pandas in, pandas out, tested without dbt.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from bank_segments.clv.bgnbd import BgNbdParams, expected_transactions, fit_bg_nbd
from bank_segments.clv.gamma_gamma import (
    GammaGammaParams,
    expected_average_value,
    fit_gamma_gamma,
)
from bank_segments.clv.summary import (
    UNIT_DAYS,
    Unit,
    period_index,
    periods_per_month,
    summary_from_period_stats,
)
from bank_segments.clv.valuation import score_persons

PARAMETER_COLUMNS = [
    "model_name",
    "parameter",
    "value",
    "time_unit",
    "as_of_date",
    "n_persons",
    "log_likelihood",
]
SCORED_COLUMNS = [
    "person_id",
    "as_of_date",
    "frequency",
    "recency",
    "t",
    "monetary_value",
    "expected_transactions_12m",
    "expected_transactions_36m",
    "p_alive",
    "expected_value_per_transaction_eur",
    "clv_12m_eur",
    "clv_36m_eur",
]
PERIOD_STATS_COLUMNS = [
    "person_id",
    "first_period_start_date",
    "last_period_start_date",
    "n_periods",
    "total_value_eur",
    "first_period_value_eur",
    "calibration_first_period_start_date",
    "calibration_last_period_start_date",
    "calibration_n_periods",
    "calibration_total_value_eur",
    "calibration_first_period_value_eur",
    "holdout_n_periods",
    "holdout_value_eur",
]


def _checked(period: str) -> Unit:
    if period not in UNIT_DAYS:
        raise ValueError(f"unknown period {period!r}; expected one of {sorted(UNIT_DAYS)}")
    return period  # type: ignore[return-value]


def period_stats_sql(
    period: Unit,
    relation: str,
    cutoff: dt.date,
    end_date: dt.date,
    *,
    one_row_per_day: bool = False,
) -> str:
    """DuckDB SQL: per person, its value periods up to end_date, in one pass.

    Columns (:data:`PERIOD_STATS_COLUMNS`): person_id; first and last period start,
    number of periods, total value and value of the first period, over the periods up
    to end_date and (prefixed ``calibration_``) over those up to the calibration
    cut-off (NULL dates and 0 periods for a person without any by then); the periods
    and value after the cut-off (``holdout_``). The cut-off must end a complete period
    (:func:`calibration_cutoff`), so that every period lies on one side of it. Reads
    ``relation`` with person_id, booked_date, revenue_eur. ``one_row_per_day`` says
    that the relation holds at most one row per person and day, as the dbt model of
    value days does: daily periods are then its rows as they are, not grouped again
    (a hash table of every person-day, tens of millions at 1,000,000 persons).
    """
    period = _checked(period)
    start = dt.date.fromisoformat(str(cutoff)).isoformat()
    end = dt.date.fromisoformat(str(end_date)).isoformat()
    calibration = f"filter (where period_start <= date '{start}')"
    holdout = f"filter (where period_start > date '{start}')"
    if one_row_per_day and period == "day":
        periods = f"""
            select
                person_id,
                booked_date as period_start,
                cast(revenue_eur as double) as value
            from {relation}
            where booked_date <= date '{end}'"""
    else:
        periods = f"""
            select
                person_id,
                cast(date_trunc('{period}', booked_date) as date) as period_start,
                sum(cast(revenue_eur as double)) as value
            from {relation}
            where booked_date <= date '{end}'
            group by person_id, cast(date_trunc('{period}', booked_date) as date)"""
    return f"""
        with periods as ({periods}
        )
        select
            person_id,
            min(period_start) as first_period_start_date,
            max(period_start) as last_period_start_date,
            count(*) as n_periods,
            sum(value) as total_value_eur,
            arg_min(value, period_start) as first_period_value_eur,
            min(period_start) {calibration} as calibration_first_period_start_date,
            max(period_start) {calibration} as calibration_last_period_start_date,
            count(*) {calibration} as calibration_n_periods,
            sum(value) {calibration} as calibration_total_value_eur,
            arg_min(value, period_start) {calibration} as calibration_first_period_value_eur,
            count(*) {holdout} as holdout_n_periods,
            coalesce(sum(value) {holdout}, 0) as holdout_value_eur
        from periods
        group by person_id
    """


# what summary_from_period_stats reads, from the columns of period_stats_sql
_SUMMARY_STATS = {
    "first_period_start_date": "first_period_start",
    "last_period_start_date": "last_period_start",
    "n_periods": "n_periods",
    "total_value_eur": "total_value",
    "first_period_value_eur": "first_value",
}


def stats_to_end(period_stats: pd.DataFrame) -> pd.DataFrame:
    """The per-person period aggregates up to the observation end, from :func:`period_stats_sql`."""
    return period_stats[["person_id", *_SUMMARY_STATS]].rename(columns=_SUMMARY_STATS)


def stats_to_cutoff(period_stats: pd.DataFrame) -> pd.DataFrame:
    """The aggregates up to the calibration cut-off, of the persons with a period by then."""
    calibration = {f"calibration_{column}": name for column, name in _SUMMARY_STATS.items()}
    active = period_stats[period_stats["calibration_n_periods"] > 0]
    return active[["person_id", *calibration]].rename(columns=calibration).reset_index(drop=True)


def holdout_activity(period_stats: pd.DataFrame) -> pd.DataFrame:
    """Per person with a period after the cut-off: its periods and value there (backtest)."""
    active = period_stats[period_stats["holdout_n_periods"] > 0]
    return active.rename(
        columns={
            "holdout_n_periods": "actual_transactions",
            "holdout_value_eur": "actual_value_eur",
        }
    )[["person_id", "actual_transactions", "actual_value_eur"]].reset_index(drop=True)


def observation_end_sql(relation: str) -> str:
    """DuckDB SQL: the latest booked date among the value transactions (one row)."""
    return f"select max(booked_date) as observation_end from {relation}"


def observation_end(as_of_date: dt.date, latest_booked: object) -> dt.date:
    """The day the data is complete to: as_of_date, or the latest known booking if earlier.

    On a replay of a past as_of_date, bookings loaded after it are not known yet; the
    days between the last known booking and as_of_date are missing data, not silence,
    and must not age every person's recency.
    """
    if latest_booked is None or pd.isna(latest_booked):
        return as_of_date
    return min(as_of_date, pd.Timestamp(latest_booked).date())


def _births(births: pd.DataFrame | None) -> pd.Series | None:
    if births is None or births.empty:
        return None
    return pd.Series(pd.to_datetime(births["date"]).to_numpy(), index=births["person_id"])


def summarise(
    stats: pd.DataFrame,
    births: pd.DataFrame | None,
    observation_end: dt.date,
    period: Unit,
) -> pd.DataFrame:
    """RFM-T summary from :func:`stats_to_end` (or ``_to_cutoff``) rows, plus birth-only persons."""
    return summary_from_period_stats(
        stats, observation_end, period=period, time_unit=period, births=_births(births)
    )


def fit(summary: pd.DataFrame, as_of_date: dt.date, period: Unit) -> pd.DataFrame:
    """Fit BG/NBD on persons with a value period and Gamma-Gamma on repeaters; long frame.

    Pass the summary without birth-only persons: the model describes persons from
    their first value period on.
    """
    bg = fit_bg_nbd(summary["frequency"], summary["recency"], summary["t"])
    gg = fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    rows = [
        ("bg_nbd", name, value, bg.n_persons, bg.log_likelihood)
        for name, value in bg.as_dict().items()
    ] + [
        ("gamma_gamma", name, value, gg.n_persons, gg.log_likelihood)
        for name, value in gg.as_dict().items()
    ]
    frame = pd.DataFrame(rows, columns=["model_name", "parameter", "value", "n_persons", "ll"])
    return frame.assign(time_unit=period, as_of_date=as_of_date, log_likelihood=frame["ll"])[
        PARAMETER_COLUMNS
    ]


def parameters_from_frame(frame: pd.DataFrame) -> tuple[BgNbdParams, GammaGammaParams]:
    """Rebuild the parameter objects from the long frame written by :func:`fit`."""
    values = {(row.model_name, row.parameter): float(row.value) for row in frame.itertuples()}
    bg = BgNbdParams(*(values[("bg_nbd", name)] for name in ("r", "alpha", "a", "b")))
    gg = GammaGammaParams(*(values[("gamma_gamma", name)] for name in ("p", "q", "gamma")))
    return bg, gg


def score(
    summary: pd.DataFrame,
    parameters: pd.DataFrame,
    as_of_date: dt.date,
    period: Unit,
    monthly_discount_rate: float,
) -> pd.DataFrame:
    """One scored row per person of the summary (columns :data:`SCORED_COLUMNS`)."""
    bg, gg = parameters_from_frame(parameters)
    scored = score_persons(
        summary,
        bg,
        gg,
        periods_per_month=periods_per_month(period),
        monthly_discount_rate=monthly_discount_rate,
    )
    scored = scored.rename(
        columns={
            "expected_value_per_transaction": "expected_value_per_transaction_eur",
            "clv_12m": "clv_12m_eur",
            "clv_36m": "clv_36m_eur",
        }
    )
    return scored.assign(as_of_date=as_of_date)[SCORED_COLUMNS]


def calibration_cutoff(as_of_date: dt.date, holdout_months: int, period: Unit) -> dt.date:
    """as_of_date minus the holdout, moved back to the last day of a complete period."""
    start = pd.Timestamp(as_of_date) - pd.DateOffset(months=holdout_months)
    # calibration ends on the last day of the last period complete by `start`
    following = (start + pd.Timedelta(days=1)).to_datetime64()
    index = period_index(np.array([following]), period)
    if period == "month":
        first_day = np.datetime64(int(index[0]), "M").astype("datetime64[D]")
    elif period == "week":
        first_day = np.datetime64(int(index[0]) * 7 - 3, "D")
    else:
        first_day = np.datetime64(int(index[0]), "D")
    return (pd.Timestamp(first_day) - pd.Timedelta(days=1)).date()


def backtest(
    calibration: pd.DataFrame,
    holdout: pd.DataFrame,
    as_of_date: dt.date,
    cutoff: dt.date,
    period: Unit,
    holdout_end: dt.date | None = None,
) -> pd.DataFrame:
    """Per-person holdout comparison: fit on the calibration summary, predict to as_of_date.

    ``calibration`` is the summary at the cut-off (persons with a value period by
    then), ``holdout`` the :func:`holdout_activity` rows over (cutoff, holdout_end]
    (holdout_end defaults to as_of_date). Predicted value is undiscounted (expected
    periods x expected value per period), like the actual value.
    """
    holdout_end = holdout_end or as_of_date
    bg = fit_bg_nbd(calibration["frequency"], calibration["recency"], calibration["t"])
    gg = fit_gamma_gamma(calibration["frequency"], calibration["monetary_value"])
    length = (pd.Timestamp(holdout_end) - pd.Timestamp(cutoff)).days / UNIT_DAYS[period]
    x = calibration["frequency"].to_numpy(float)
    predicted = expected_transactions(
        bg, length, x, calibration["recency"].to_numpy(float), calibration["t"].to_numpy(float)
    )
    per_period_value = expected_average_value(gg, x, calibration["monetary_value"].to_numpy(float))
    persons = calibration.assign(
        predicted_transactions=predicted,
        predicted_value_eur=predicted * per_period_value,
    ).merge(holdout, how="left", on="person_id")
    persons["actual_transactions"] = persons["actual_transactions"].fillna(0).astype(np.int64)
    persons["actual_value_eur"] = persons["actual_value_eur"].fillna(0.0)
    persons = persons.rename(
        columns={
            "frequency": "calibration_frequency",
            "recency": "calibration_recency",
            "t": "calibration_t",
        }
    ).drop(columns="monetary_value")
    return persons.assign(
        as_of_date=as_of_date,
        calibration_end_date=cutoff,
        holdout_length=length,
        time_unit=period,
    )
