"""Audience exports (Parquet files) and the backfill date spine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from bank_segments.backfill import replay_dates
from bank_segments.export_audiences import export_audiences


@pytest.fixture
def marts_db(tmp_path: Path) -> Path:
    database = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create schema marts")
    con.execute(
        "create table marts.dim_segments as select * from (values "
        "('investment_ready', true), ('green_investment_ready', true), ('value_tier_a', false)"
        ") as t(segment_id, is_audience)"
    )
    con.execute(
        "create table marts.fct_segment_membership as "
        "select cast('2025-06-30' as date) as as_of_date, 'p1' as person_id"
    )
    con.execute(
        "create table marts.fct_audience_exports as select * from (values "
        "(cast('2025-06-30' as date), 'investment_ready', 1, 'INVEST_FUND', 'p2', 'exited'), "
        "(cast('2025-06-30' as date), 'investment_ready', 1, 'INVEST_FUND', 'p1', 'entered'), "
        "(cast('2025-06-29' as date), 'investment_ready', 1, 'INVEST_FUND', 'p9', 'entered')"
        ") as t(as_of_date, segment_id, segment_version, product_code, person_id, transition)"
    )
    con.close()
    return database


def test_one_file_per_audience_and_run_date(marts_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    written = export_audiences(marts_db, out)
    assert sorted(p.relative_to(out).as_posix() for p in written) == [
        "green_investment_ready/2025-06-30.parquet",
        "investment_ready/2025-06-30.parquet",
    ]
    exported = out / "investment_ready" / "2025-06-30.parquet"
    rows = duckdb.sql(f"select person_id, transition from read_parquet('{exported}')").fetchall()
    assert rows == [("p1", "entered"), ("p2", "exited")]
    empty = duckdb.sql(
        f"select count(*) from read_parquet('{out}/green_investment_ready/2025-06-30.parquet')"
    ).fetchone()
    assert empty == (0,)


def test_export_is_idempotent(marts_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    first = {p: p.read_bytes() for p in export_audiences(marts_db, out)}
    second = {p: p.read_bytes() for p in export_audiences(marts_db, out)}
    assert first == second
    assert not list(out.rglob("*.tmp"))


def test_replay_dates_by_day_and_month() -> None:
    assert replay_dates(date(2025, 1, 30), date(2025, 2, 2), "day") == [
        date(2025, 1, 30),
        date(2025, 1, 31),
        date(2025, 2, 1),
        date(2025, 2, 2),
    ]
    assert replay_dates(date(2025, 1, 31), date(2025, 4, 30), "month") == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
    ]
    with pytest.raises(ValueError):
        replay_dates(date(2025, 2, 1), date(2025, 1, 1), "day")
    with pytest.raises(ValueError):
        replay_dates(date(2025, 1, 1), date(2025, 2, 1), "week")
