"""The DuckDB/Spark mart comparison: equal marts pass, every kind of difference is caught."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from bank_segments import compare_engines
from bank_segments.compare_engines import Table, compare_marts, compare_tables, values_equal

COLUMNS = ("person_id", "month", "net_eur", "churn_risk", "criteria", "updated_at")


def _table(rows: list[tuple[object, ...]], columns: tuple[str, ...] = COLUMNS) -> Table:
    return Table(columns=columns, rows=rows)


def _rows() -> list[tuple[object, ...]]:
    return [
        (
            "p1",
            date(2026, 1, 1),
            Decimal("10.2500"),
            0.25,
            '{"a": {"value": 1.5, "passed": true}}',
            None,
        ),
        ("p1", date(2026, 2, 1), Decimal("-3.1000"), 1 / 3, None, datetime(2026, 2, 3, 4, 5, 6)),
        ("p2", date(2026, 1, 1), Decimal("0.0000"), None, '{"b": null}', datetime(2026, 1, 1)),
    ]


def test_equal_marts_in_another_row_and_column_order_are_equal() -> None:
    spark_columns = tuple(reversed(COLUMNS))
    spark_rows = [tuple(reversed(row)) for row in reversed(_rows())]
    verdict = compare_tables(
        "fct_person_monthly_cashflow",
        _table(_rows()),
        _table(spark_rows, spark_columns),
        ("person_id", "month"),
    )
    assert verdict.is_equal, verdict.differences
    assert verdict.line() == "EQUAL  fct_person_monthly_cashflow (3 rows)"


def test_one_cent_is_a_difference_a_tenth_of_a_cent_is_not() -> None:
    off_by_a_cent = _rows()
    off_by_a_cent[0] = ("p1", date(2026, 1, 1), Decimal("10.2600"), *off_by_a_cent[0][3:])
    verdict = compare_tables("m", _table(_rows()), _table(off_by_a_cent), ("person_id", "month"))
    assert not verdict.is_equal
    assert "net_eur" in verdict.differences[0]
    assert "p1" in verdict.differences[0]

    rounding_noise = _rows()
    rounding_noise[0] = ("p1", date(2026, 1, 1), Decimal("10.2510"), *rounding_noise[0][3:])
    assert compare_tables("m", _table(_rows()), _table(rounding_noise), ("person_id",)).is_equal


def test_money_as_double_on_one_side_compares_to_the_cent() -> None:
    assert values_equal("net_eur", Decimal("10.25"), 10.2500000001)
    assert not values_equal("net_eur", Decimal("10.25"), 10.26)


def test_floats_compare_with_a_small_relative_tolerance() -> None:
    assert values_equal("churn_risk", 1 / 3, 0.3333333333333333 * (1 + 1e-12))
    assert not values_equal("churn_risk", 0.9130434782608697, 0.91304356333)


def test_null_equals_only_null() -> None:
    assert values_equal("churn_risk", None, None)
    assert not values_equal("churn_risk", None, 0.0)
    assert not values_equal("person_id", "", None)
    changed = _rows()
    changed[2] = (
        "p2",
        date(2026, 1, 1),
        Decimal("0.0000"),
        0.0,
        '{"b": null}',
        datetime(2026, 1, 1),
    )
    verdict = compare_tables("m", _table(_rows()), _table(changed), ("person_id", "month"))
    assert [d for d in verdict.differences if "churn_risk" in d]


def test_json_text_compares_as_json() -> None:
    assert values_equal("criteria", '{"a":1,"b":[true,null]}', '{"b": [true, null], "a": 1.0}')
    assert not values_equal("criteria", '{"a":1}', '{"a":2}')
    assert not values_equal("criteria", '{"a":true}', '{"a":1}')
    assert not values_equal("reason", "failed: a; b", "failed: b; a")


def test_booleans_dates_and_timestamps_compare_exactly() -> None:
    assert not values_equal("is_digital_active", True, False)
    assert not values_equal("is_digital_active", True, 1)
    assert not values_equal("month", date(2026, 1, 1), date(2026, 2, 1))
    assert not values_equal("updated_at", datetime(2026, 1, 1, 0, 0, 1), datetime(2026, 1, 1))


def test_missing_rows_columns_and_marts_are_differences() -> None:
    verdict = compare_tables("m", _table(_rows()), _table(_rows()[:2]), ("person_id", "month"))
    assert "3 rows on DuckDB, 2 on Spark" in verdict.differences

    fewer_columns = Table(columns=COLUMNS[:-1], rows=[row[:-1] for row in _rows()])
    verdict = compare_tables("m", _table(_rows()), fewer_columns, ("person_id",))
    assert verdict.differences == ["columns differ (only DuckDB: ['updated_at'], only Spark: [])"]

    verdicts = compare_marts({"dim_persons": _table(_rows())}, {})
    assert verdicts[0].differences == ["missing on Spark"]
    assert verdicts[0].line().startswith("DIFFER dim_persons: missing on Spark")


def test_run_reads_the_duckdb_marts_and_fails_on_a_difference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.dim_persons as "
            "select 'p' || range as person_id, cast(range * 1.5 as decimal(18, 4)) as value_eur "
            "from range(3)"
        )
    duckdb_tables = compare_engines.read_duckdb_marts(database)
    assert duckdb_tables["dim_persons"].columns == ("person_id", "value_eur")

    spark_rows = list(duckdb_tables["dim_persons"].rows)
    monkeypatch.setattr(
        compare_engines,
        "read_spark_marts",
        lambda _warehouse, _names: {"dim_persons": Table(("person_id", "value_eur"), spark_rows)},
    )
    lines: list[str] = []
    assert compare_engines.run(database, tmp_path, lines.append) == 0
    assert lines[-1] == "1 of 1 marts equal on DuckDB and Spark"

    spark_rows[1] = ("p1", Decimal("1.5100"))
    lines.clear()
    assert compare_engines.run(database, tmp_path, lines.append) == 1
    assert lines[0].startswith("DIFFER dim_persons: [person_id='p1'] value_eur")
