"""Per-person frequency / recency / T / monetary summary from transactions.

Definitions (Fader, Hardie & Lee 2005), applied to *periods*: all transactions of a
person in the same period (day, week or month) count as one purchase occasion whose
value is the sum of their values.

- ``frequency``: number of repeat periods, i.e. distinct active periods minus one.
- ``recency``: time from the first to the last active period (0 when frequency = 0).
- ``t``: time from the first active period to the period of the observation end.
- ``monetary_value``: mean value of the repeat periods (the first period excluded);
  NaN when frequency = 0.

Times are measured between period starts and expressed in ``time_unit``
(``day``, ``week`` = 7 days, ``month`` = 365.25 / 12 days; month periods are counted
as whole calendar months). Transactions after the observation end are ignored.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

Unit = Literal["day", "week", "month"]

DAYS_PER_MONTH = 365.25 / 12
UNIT_DAYS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": DAYS_PER_MONTH}
SUMMARY_COLUMNS = ["person_id", "frequency", "recency", "t", "monetary_value"]

_EPOCH = np.datetime64("1970-01-01", "D")


def _check_unit(unit: str) -> None:
    if unit not in UNIT_DAYS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(UNIT_DAYS)}")


def period_index(dates: np.ndarray, period: Unit) -> np.ndarray:
    """Integer index of the period holding each date (weeks start on Monday)."""
    _check_unit(period)
    days = (np.asarray(dates, dtype="datetime64[D]") - _EPOCH).astype(np.int64)
    if period == "day":
        return days
    if period == "week":
        # 1970-01-01 is a Thursday: shift by 3 days so that weeks start on Monday.
        return np.floor_divide(days + 3, 7)
    months = np.asarray(dates, dtype="datetime64[M]").astype(np.int64)
    return months


def periods_per_month(time_unit: Unit) -> float:
    """How many time units make one (average) calendar month."""
    _check_unit(time_unit)
    return DAYS_PER_MONTH / UNIT_DAYS[time_unit]


def _index_to_time(index_delta: np.ndarray, period: Unit, time_unit: Unit) -> np.ndarray:
    """Convert a difference of period indexes into the time unit."""
    if period == "month" and time_unit == "month":
        return index_delta.astype(float)
    return index_delta * UNIT_DAYS[period] / UNIT_DAYS[time_unit]


def build_rfm_summary(
    transactions: pd.DataFrame,
    observation_end: str | np.datetime64 | pd.Timestamp,
    *,
    period: Unit = "day",
    time_unit: Unit | None = None,
    person_col: str = "person_id",
    date_col: str = "date",
    value_col: str | None = "value",
    births: pd.Series | None = None,
) -> pd.DataFrame:
    """Summarise transactions into one row per person (see the module docstring).

    ``births`` (optional, person id -> date) adds persons who have no transaction up
    to the observation end: they get frequency 0, recency 0 and ``t`` measured from
    the period of their birth date (births after the observation end are dropped).
    """
    _check_unit(period)
    time_unit = time_unit or period
    _check_unit(time_unit)
    end_index = int(period_index(np.array([np.datetime64(observation_end, "D")]), period)[0])

    dates = pd.to_datetime(transactions[date_col]).to_numpy(dtype="datetime64[D]")
    keep = dates <= np.datetime64(observation_end, "D")
    frame = pd.DataFrame(
        {
            "person_id": transactions[person_col].to_numpy()[keep],
            "period": period_index(dates[keep], period),
            "value": (
                transactions[value_col].to_numpy(dtype=float)[keep]
                if value_col is not None
                else np.zeros(int(keep.sum()))
            ),
        }
    )
    per_period = frame.groupby(["person_id", "period"], sort=True)["value"].sum().reset_index()
    per_person = per_period.groupby("person_id", sort=False).agg(
        first_period=("period", "min"),
        last_period=("period", "max"),
        n_periods=("period", "size"),
        total_value=("value", "sum"),
        first_value=("value", "first"),
    )
    frequency = per_person["n_periods"].to_numpy() - 1
    repeat_value = per_person["total_value"].to_numpy() - per_person["first_value"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_value / np.maximum(frequency, 1), np.nan)
    first = per_person["first_period"].to_numpy()
    summary = pd.DataFrame(
        {
            "person_id": per_person.index.to_numpy(),
            "frequency": frequency.astype(np.int64),
            "recency": _index_to_time(
                per_person["last_period"].to_numpy() - first, period, time_unit
            ),
            "t": _index_to_time(end_index - first, period, time_unit),
            "monetary_value": monetary,
        }
    )
    if births is not None:
        summary = pd.concat([summary, _birth_rows(births, summary, end_index, period, time_unit)])
    return summary.reset_index(drop=True)[SUMMARY_COLUMNS]


def _birth_rows(
    births: pd.Series, summary: pd.DataFrame, end_index: int, period: Unit, time_unit: Unit
) -> pd.DataFrame:
    """Rows for persons known only by a birth date (no transaction yet)."""
    missing = births[~births.index.isin(summary["person_id"])].dropna()
    birth_index = period_index(pd.to_datetime(missing).to_numpy(dtype="datetime64[D]"), period)
    keep = birth_index <= end_index
    return pd.DataFrame(
        {
            "person_id": missing.index.to_numpy()[keep],
            "frequency": np.zeros(int(keep.sum()), dtype=np.int64),
            "recency": np.zeros(int(keep.sum())),
            "t": _index_to_time(end_index - birth_index[keep], period, time_unit),
            "monetary_value": np.full(int(keep.sum()), np.nan),
        }
    )


def summary_from_period_stats(
    stats: pd.DataFrame,
    observation_end: str | np.datetime64 | pd.Timestamp,
    *,
    period: Unit,
    time_unit: Unit | None = None,
    births: pd.Series | None = None,
) -> pd.DataFrame:
    """The summary of :func:`build_rfm_summary` from per-person period aggregates.

    ``stats`` holds one row per person with ``person_id``, ``first_period_start``,
    ``last_period_start``, ``n_periods``, ``total_value`` and ``first_value`` (value
    of the first period), all over periods up to the observation end: a database
    computes them in one pass, so that only one row per person reaches Python.
    """
    _check_unit(period)
    time_unit = time_unit or period
    _check_unit(time_unit)
    end_index = int(period_index(np.array([np.datetime64(observation_end, "D")]), period)[0])
    first = period_index(pd.to_datetime(stats["first_period_start"]).to_numpy(), period)
    last = period_index(pd.to_datetime(stats["last_period_start"]).to_numpy(), period)
    frequency = stats["n_periods"].to_numpy(dtype=np.int64) - 1
    repeat_value = stats["total_value"].to_numpy(float) - stats["first_value"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, repeat_value / np.maximum(frequency, 1), np.nan)
    summary = pd.DataFrame(
        {
            "person_id": stats["person_id"].to_numpy(),
            "frequency": frequency,
            "recency": _index_to_time(last - first, period, time_unit),
            "t": _index_to_time(end_index - first, period, time_unit),
            "monetary_value": monetary,
        }
    )
    if births is not None:
        summary = pd.concat([summary, _birth_rows(births, summary, end_index, period, time_unit)])
    return summary.reset_index(drop=True)[SUMMARY_COLUMNS]
