"""History window and load batches.

Every generated row carries a UTC instant (seconds since the epoch) of the business event
it records. The timeline maps that instant to the batch that delivers it: one batch per
calendar month of history, loaded on the first day of the next month, and for the last
`days` days of the window one batch per day, loaded the next morning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DAY = 86_400
LOAD_HOUR = 2  # batches land at 02:00 UTC


def to_epoch(day: dt.date) -> int:
    return int((day - dt.date(1970, 1, 1)).days) * DAY


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Batch:
    name: str  # file stem
    first_day: dt.date  # first business day delivered
    last_day: dt.date  # last business day delivered
    loaded_at: dt.datetime  # UTC


@dataclass(frozen=True)
class Timeline:
    start: dt.date
    end: dt.date
    days: int
    batches: tuple[Batch, ...]
    months: np.ndarray  # datetime64[M] of every history month
    month_starts: np.ndarray  # epoch seconds of the first instant of each month (clipped to start)
    month_ends: np.ndarray  # epoch seconds just after each month (clipped to end + 1 day)
    batch_by_day: np.ndarray  # batch index for each day from start to end

    @property
    def start_ts(self) -> int:
        return to_epoch(self.start)

    @property
    def end_ts(self) -> int:
        """First instant after the window."""
        return to_epoch(self.end) + DAY

    @property
    def n_months(self) -> int:
        return len(self.months)

    def batch_of(self, ts: np.ndarray) -> np.ndarray:
        """Batch index of each instant; instants before the window go to the first batch."""
        day = (np.asarray(ts, dtype=np.int64) - self.start_ts) // DAY
        day = np.clip(day, 0, len(self.batch_by_day) - 1)
        return self.batch_by_day[day]

    def batch_at(self, ts: int) -> int:
        """Batch index of one instant (scalar form of batch_of)."""
        day = (int(ts) - self.start_ts) // DAY
        return int(self.batch_by_day[min(max(day, 0), len(self.batch_by_day) - 1)])

    def later_batch(self, batch: np.ndarray, steps: np.ndarray | int) -> np.ndarray:
        return np.minimum(np.asarray(batch) + steps, len(self.batches) - 1)

    def loaded_at_text(self) -> list[str]:
        return [b.loaded_at.strftime("%Y-%m-%dT%H:%M:%SZ") for b in self.batches]


def build_timeline(start: dt.date, end: dt.date, days: int) -> Timeline:
    if end < start:
        raise ValueError("end date before start date")
    total_days = (end - start).days + 1
    days = max(0, min(days, total_days))
    window_start = end - dt.timedelta(days=days - 1) if days else end + dt.timedelta(days=1)
    batches: list[Batch] = []
    first = start
    while first < window_start:
        next_month = add_months(first, 1)
        last = min(next_month - dt.timedelta(days=1), window_start - dt.timedelta(days=1))
        load_day = min(next_month, window_start)
        batches.append(_batch(first, last, load_day))
        first = last + dt.timedelta(days=1)
    for offset in range(days):
        day = window_start + dt.timedelta(days=offset)
        batches.append(_batch(day, day, day + dt.timedelta(days=1)))
    batch_by_day = np.empty(total_days, dtype=np.int32)
    for index, batch in enumerate(batches):
        lo = (batch.first_day - start).days
        hi = (batch.last_day - start).days + 1
        batch_by_day[lo:hi] = index
    month_list = []
    cursor = month_start(start)
    while cursor <= end:
        month_list.append(cursor)
        cursor = add_months(cursor, 1)
    starts = np.array([max(to_epoch(m), to_epoch(start)) for m in month_list], dtype=np.int64)
    ends = np.array(
        [min(to_epoch(add_months(m, 1)), to_epoch(end) + DAY) for m in month_list], dtype=np.int64
    )
    return Timeline(
        start=start,
        end=end,
        days=days,
        batches=tuple(batches),
        months=np.array([m.isoformat()[:7] for m in month_list], dtype="datetime64[M]"),
        month_starts=starts,
        month_ends=ends,
        batch_by_day=batch_by_day,
    )


def _batch(first: dt.date, last: dt.date, load_day: dt.date) -> Batch:
    loaded = dt.datetime(load_day.year, load_day.month, load_day.day, LOAD_HOUR)
    return Batch(
        name=f"batch_{load_day.isoformat()}", first_day=first, last_day=last, loaded_at=loaded
    )
