"""Replay segment membership over a range of as_of_dates (`make backfill`).

A replay must give the history that daily runs on those dates would have
given. It runs in two phases:

1. for every date of the range (one per day or per month), the build up to
   `int_segment_inputs_snapshotted` with `as_of_date` set to that date: the
   point-in-time staging and features of that day, stored per date;
2. one run of the segment models with the dbt var `segment_replay_dates`: the
   rules are evaluated for every date in one SQL pass, and the history models
   merge the dates in order, exactly as they merge one date of a daily run.

The raw files are loaded once, by the first invocation; later invocations
pass `load_raw_files: false`.

    python -m bank_segments.backfill --from 2025-01-01 --to 2025-03-31 --step day
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta

INPUTS_SELECTOR = "+int_segment_inputs_snapshotted"
SEGMENTS_SELECTOR = "int_segment_rules_evaluated+ dim_segments"


def replay_dates(start: date, end: date, step: str) -> list[date]:
    """The dates from start to end (inclusive), one per day or one per month.

    With step `month` the dates keep the day of month of `start`, clipped to
    the month's last day (2025-01-31 -> 2025-02-28 -> 2025-03-31).
    """
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    if step == "day":
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]
    if step == "month":
        return list(_month_steps(start, end))
    raise ValueError(f"step must be day or month, not {step!r}")


def _month_steps(start: date, end: date) -> Iterator[date]:
    year, month = start.year, start.month
    while True:
        day = min(start.day, _days_in_month(year, month))
        current = date(year, month, day)
        if current > end:
            return
        yield current
        month += 1
        if month == 13:
            year, month = year + 1, 1


def _days_in_month(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


DbtInvoke = Callable[[list[str]], None]


def dbt_invoker(extra_args: list[str] | None = None) -> DbtInvoke:
    """A function that runs one dbt command in this process and fails loudly."""
    from dbt.cli.main import dbtRunner

    runner = dbtRunner()

    def invoke(args: list[str]) -> None:
        result = runner.invoke([*args, *(extra_args or [])])
        if not result.success:
            raise RuntimeError(
                f"dbt {' '.join(args)} failed: {result.exception or 'see the dbt log'}"
            )

    return invoke


def run_backfill(
    dates: list[date],
    invoke: DbtInvoke,
    inputs_selector: str = INPUTS_SELECTOR,
    segments_selector: str = SEGMENTS_SELECTOR,
    load_raw_files: bool = True,
    before_each: Callable[[date], None] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Replay `dates`; returns the seconds spent per phase."""
    timings = {"inputs": 0.0, "segments": 0.0}
    started = time.perf_counter()
    for position, as_of_date in enumerate(dates):
        if before_each is not None:
            before_each(as_of_date)
        variables = {
            "as_of_date": as_of_date.isoformat(),
            "load_raw_files": load_raw_files and position == 0,
        }
        log(f"backfill: inputs for {as_of_date} ({position + 1}/{len(dates)})")
        invoke(["run", "--select", inputs_selector, "--vars", json.dumps(variables)])
    timings["inputs"] = time.perf_counter() - started

    started = time.perf_counter()
    variables = {
        "as_of_date": dates[-1].isoformat(),
        "load_raw_files": False,
        "segment_replay_dates": [d.isoformat() for d in dates],
    }
    log(f"backfill: segments for {len(dates)} dates in one pass")
    invoke(["run", "--select", *segments_selector.split(), "--vars", json.dumps(variables)])
    timings["segments"] = time.perf_counter() - started
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", required=True, type=date.fromisoformat)
    parser.add_argument("--to", dest="end", required=True, type=date.fromisoformat)
    parser.add_argument("--step", choices=["day", "month"], default="day")
    parser.add_argument(
        "--no-load-raw-files",
        action="store_true",
        help="the raw tables are landed already: skip the file loader on every run",
    )
    args = parser.parse_args(argv)
    dates = replay_dates(args.start, args.end, args.step)
    timings = run_backfill(dates, dbt_invoker(), load_raw_files=not args.no_load_raw_files)
    print(
        f"backfill: {len(dates)} dates, inputs {timings['inputs']:.1f}s, "
        f"segments {timings['segments']:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
