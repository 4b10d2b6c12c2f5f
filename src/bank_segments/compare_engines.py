"""Check that the marts built on Spark equal the marts built on DuckDB, row for row.

Both builds run on the same raw files with the same dbt vars (the CLV Python
models skipped on both sides, `clv_sql_fallback: true`), so every mart in the
DuckDB schema `marts` must exist on Spark with the same columns and the same
rows. Rows are sorted by the mart's primary key and compared column by column:

- money (a decimal, or a column ending in `_eur`) to the cent;
- other floating-point values with a small relative tolerance (the engines sum
  in different orders);
- JSON text (the segment criteria) as parsed JSON, numbers with the same
  tolerance, so that key order and number formatting do not count;
- dates and timestamps exactly (both sides are UTC wall clock, no time zone);
- everything else exactly, NULL only equal to NULL.

The DuckDB file is opened read-only. The Spark marts are read through pyspark
from the local session's warehouse (`SPARK_WAREHOUSE_DIR`, as in profiles.yml).
Prints one verdict per mart and exits non-zero on any difference.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

MARTS_SCHEMA = "marts"
MONEY_TOLERANCE = Decimal("0.005")
RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_TOLERANCE = 1e-9
MAX_REPORTED_DIFFERENCES = 5

# Primary keys of the public marts (interface.md); other marts are sorted by
# every column.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "dim_person_customers": ("customer_id",),
    "dim_persons": ("person_id",),
    "fct_person_monthly_cashflow": ("person_id", "month"),
    "fct_person_features": ("person_id", "as_of_date"),
    "dim_segments": ("segment_id",),
    "fct_segment_membership": ("as_of_date", "person_id", "segment_id"),
    "fct_segment_membership_history": ("person_id", "segment_id", "valid_from"),
    "fct_segment_transitions": ("person_id", "segment_id", "transition_date"),
    "fct_segment_summary": ("as_of_date", "segment_id"),
    "fct_audience_exports": ("as_of_date", "segment_id", "person_id"),
    "clv_model_parameters": ("model_name", "parameter"),
}

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    """A mart as read from one engine: column names (lower case) and rows."""

    columns: tuple[str, ...]
    rows: list[Row]


@dataclass
class MartVerdict:
    """The outcome of comparing one mart."""

    name: str
    n_rows: int
    differences: list[str] = field(default_factory=list)

    @property
    def is_equal(self) -> bool:
        return not self.differences

    def line(self) -> str:
        if self.is_equal:
            return f"EQUAL  {self.name} ({self.n_rows} rows)"
        head = "; ".join(self.differences[:MAX_REPORTED_DIFFERENCES])
        more = len(self.differences) - MAX_REPORTED_DIFFERENCES
        suffix = f"; and {more} more" if more > 0 else ""
        return f"DIFFER {self.name}: {head}{suffix}"


def _is_money(column: str, value: Any) -> bool:
    return column.endswith("_eur") or isinstance(value, Decimal)


def _floats_equal(left: float, right: float) -> bool:
    if math.isnan(left) or math.isnan(right):
        return math.isnan(left) and math.isnan(right)
    return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)


def _json_equal(left: Any, right: Any) -> bool:
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            _json_equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return _floats_equal(float(left), float(right))
    return bool(left == right)


def _parse_json(text: str) -> Any:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        raise ValueError("not a JSON object or array")
    return json.loads(stripped)


def values_equal(column: str, left: Any, right: Any) -> bool:
    """True when two values of a column are equal under the rules of the module."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float | Decimal) and isinstance(right, int | float | Decimal):
        if _is_money(column, left) or _is_money(column, right):
            return abs(Decimal(str(left)) - Decimal(str(right))) < MONEY_TOLERANCE
        return _floats_equal(float(left), float(right))
    if isinstance(left, str) and isinstance(right, str):
        if left == right:
            return True
        try:
            return _json_equal(_parse_json(left), _parse_json(right))
        except ValueError:
            return False
    return bool(type(left) is type(right) and left == right)


def _sort_value(value: Any) -> tuple[bool, str]:
    """A sort key that works across types and NULLs (NULLs last)."""
    if isinstance(value, float | Decimal) and not isinstance(value, bool):
        return (value is None, f"{float(value):+.6e}")
    return (value is None, str(value))


def _sorted_rows(table: Table, key: Sequence[str]) -> list[Row]:
    positions = [table.columns.index(column) for column in key]

    def sort_key(row: Row) -> tuple[Any, ...]:
        return tuple(_sort_value(row[i]) for i in positions) + tuple(_sort_value(v) for v in row)

    return sorted(table.rows, key=sort_key)


def compare_tables(
    name: str, left: Table, right: Table, key: Sequence[str] | None = None
) -> MartVerdict:
    """Compare two versions of a mart (left: DuckDB, right: Spark)."""
    verdict = MartVerdict(name=name, n_rows=len(left.rows))
    if set(left.columns) != set(right.columns):
        only_left = sorted(set(left.columns) - set(right.columns))
        only_right = sorted(set(right.columns) - set(left.columns))
        verdict.differences.append(
            f"columns differ (only DuckDB: {only_left}, only Spark: {only_right})"
        )
        return verdict
    if len(left.rows) != len(right.rows):
        verdict.differences.append(f"{len(left.rows)} rows on DuckDB, {len(right.rows)} on Spark")
    sort_columns = tuple(key) if key else left.columns
    right_positions = [right.columns.index(column) for column in left.columns]
    left_sorted = _sorted_rows(left, sort_columns)
    right_sorted = [
        tuple(row[i] for i in right_positions) for row in _sorted_rows(right, sort_columns)
    ]
    key_positions = [left.columns.index(column) for column in sort_columns]
    for left_row, right_row in zip(left_sorted, right_sorted, strict=False):
        for position, column in enumerate(left.columns):
            if not values_equal(column, left_row[position], right_row[position]):
                row_key = ", ".join(f"{left.columns[i]}={left_row[i]!r}" for i in key_positions[:3])
                duckdb_value, spark_value = left_row[position], right_row[position]
                verdict.differences.append(
                    f"[{row_key}] {column}: DuckDB {duckdb_value!r} != Spark {spark_value!r}"
                )
    return verdict


def compare_marts(
    duckdb_tables: dict[str, Table], spark_tables: dict[str, Table]
) -> list[MartVerdict]:
    """Compare every DuckDB mart with its Spark twin."""
    verdicts = []
    for name in sorted(duckdb_tables):
        if name not in spark_tables:
            verdicts.append(MartVerdict(name=name, n_rows=0, differences=["missing on Spark"]))
            continue
        verdicts.append(
            compare_tables(name, duckdb_tables[name], spark_tables[name], PRIMARY_KEYS.get(name))
        )
    return verdicts


def read_duckdb_marts(database: Path) -> dict[str, Table]:
    """Every table of schema `marts` of a DuckDB file, read-only."""
    import duckdb

    tables: dict[str, Table] = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        names = connection.execute(
            "select table_name from information_schema.tables"
            " where table_schema = ? order by table_name",
            [MARTS_SCHEMA],
        ).fetchall()
        for (name,) in names:
            cursor = connection.execute(f'select * from "{MARTS_SCHEMA}"."{name}"')
            columns = tuple(column[0].lower() for column in cursor.description)
            tables[name] = Table(columns=columns, rows=[tuple(row) for row in cursor.fetchall()])
    return tables


def spark_session_config(warehouse_dir: Path) -> dict[str, str]:
    """The local session settings of the `spark` output in profiles.yml."""
    return {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.warehouse.dir": f"{warehouse_dir}/tables",
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={warehouse_dir}/metastore_db;create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse_dir} -Duser.timezone=UTC",
        "spark.ui.enabled": "false",
    }


def read_spark_marts(warehouse_dir: Path, names: Sequence[str]) -> dict[str, Table]:
    """The given marts from the local Spark warehouse (schema `marts`)."""
    # pyspark turns timestamps into naive datetimes of the process time zone.
    os.environ["TZ"] = "UTC"
    time.tzset()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("compare_engines").master("local[2]").enableHiveSupport()
    for setting, value in spark_session_config(warehouse_dir).items():
        builder = builder.config(setting, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        existing = {row.tableName for row in spark.sql(f"show tables in {MARTS_SCHEMA}").collect()}
        tables: dict[str, Table] = {}
        for name in names:
            if name not in existing:
                continue
            frame = spark.table(f"{MARTS_SCHEMA}.{name}")
            columns = tuple(column.lower() for column in frame.columns)
            tables[name] = Table(columns=columns, rows=[tuple(row) for row in frame.collect()])
        return tables
    finally:
        spark.stop()


def run(
    duckdb_path: Path,
    warehouse_dir: Path,
    echo: Callable[[str], None] = print,
) -> int:
    """Compare the two builds; 0 when every mart is equal."""
    duckdb_tables = read_duckdb_marts(duckdb_path)
    if not duckdb_tables:
        echo(f"no marts in {duckdb_path}")
        return 1
    spark_tables = read_spark_marts(warehouse_dir.resolve(), sorted(duckdb_tables))
    verdicts = compare_marts(duckdb_tables, spark_tables)
    for verdict in verdicts:
        echo(verdict.line())
    n_different = sum(not verdict.is_equal for verdict in verdicts)
    echo(f"{len(verdicts) - n_different} of {len(verdicts)} marts equal on DuckDB and Spark")
    return 1 if n_different else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", type=Path, required=True, help="the DuckDB build (read-only)")
    parser.add_argument(
        "--spark-warehouse",
        type=Path,
        default=Path(os.environ.get("SPARK_WAREHOUSE_DIR", "warehouse/spark")),
        help="the local Spark warehouse folder (SPARK_WAREHOUSE_DIR)",
    )
    args = parser.parse_args(argv)
    return run(args.duckdb, args.spark_warehouse)


if __name__ == "__main__":
    sys.exit(main())
