"""Point in time: features built for an earlier as_of_date on the full data equal those built
on the data as it stood on that date.

The fixture's raw files are copied into a temporary RAW_DATA_DIR keeping only the rows loaded
on or before the cutoff date (and, for transactions, booked on or before it). Both raw folders
are built with `dbt build` (seeds and models) up to fct_person_features for that as_of_date in
warehouses of their own; the two feature marts (and the monthly cashflow) must match row for
row. The CLV columns come from the CLV models' SQL stand-in here (NULL), so the fit is not part
of this comparison.
"""

from __future__ import annotations

import math
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import exclusive_lock, run_dbt, session_dir

# Far enough back that the cutoff lands mid-month, months before the end of the fixture.
DAYS_BEFORE_LATEST = 138
SELECTED = ["+fct_person_features", "+fct_person_monthly_cashflow"]
# The CLV fit has its own replay test; its SQL stand-in keeps this build fast.
CLV_OFF = "clv_sql_fallback: true"


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    return con


def _utc_date(column: str) -> str:
    return f"cast(try_cast({column} as timestamptz) as date)"


def latest_booked_date(raw_dir: Path) -> date:
    """The latest booking date among the fixture's transaction files."""
    pattern = str(raw_dir / "core_banking" / "transactions" / "*.csv")
    with _connect() as con:
        row = con.execute(
            f"select max({_utc_date('booked_at')}) from read_csv(?, all_varchar = true, "
            "header = true, delim = ',', quote = '\"', escape = '\"', ignore_errors = true, "
            "union_by_name = true)",
            [pattern],
        ).fetchone()
    assert row and row[0], "the fixture holds no transactions"
    return row[0]


def truncate_raw(source: Path, target: Path, cutoff: date) -> int:
    """Copy every raw CSV keeping the rows known on `cutoff`; returns the rows kept."""
    kept = 0
    with _connect() as con:
        for csv_file in sorted(source.glob("*/*/*.csv")):
            if csv_file.parts[-3].startswith("_"):
                continue
            table = csv_file.parent.name
            known = f"{_utc_date('_loaded_at')} <= date '{cutoff}'"
            if table == "transactions":
                known += f" and coalesce({_utc_date('booked_at')} <= date '{cutoff}', true)"
            out = target / csv_file.relative_to(source)
            out.parent.mkdir(parents=True, exist_ok=True)
            # the loader's dialect; lines it cannot read are dropped here (the full
            # build quarantines them: they reach no feature either way)
            relation = con.sql(
                f"select * from read_csv('{csv_file}', all_varchar = true, header = true, "
                "delim = ',', quote = '\"', escape = '\"', ignore_errors = true) "
                f"where {known}"
            )
            kept += len(relation)
            relation.write_csv(str(out))
    return kept


def build(raw_dir: Path, work: Path, as_of: date) -> Path:
    database = work / "warehouse.duckdb"
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    # the seeds and models upstream of the marts, in one invocation (one parse)
    run_dbt(
        [
            "build",
            "--select",
            *SELECTED,
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
            "--vars",
            f"{{as_of_date: '{as_of}', {CLV_OFF}}}",
        ],
        raw_dir,
        database,
        work,
    )
    return database


def read_mart(database: Path, table: str, key: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(f"select * from marts.{table} order by {key}").df()


def assert_same_rows(left: pd.DataFrame, right: pd.DataFrame) -> None:
    assert list(left.columns) == list(right.columns)
    assert len(left) == len(right), f"{len(left)} rows vs {len(right)}"
    for column in left.columns:
        for row, (a, b) in enumerate(zip(left[column], right[column], strict=True)):
            if pd.isna(a) and pd.isna(b):
                continue
            if isinstance(a, float) or isinstance(b, float):
                assert math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9), (
                    f"{column} row {row}: {a} != {b}"
                )
            else:
                assert a == b, f"{column} row {row}: {a!r} != {b!r}"


@pytest.fixture(scope="module")
def two_builds(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The full and the truncated build, once per test session: the xdist workers share
    them under a lock, so the two tests below may run on different workers."""
    if not (fixture_dir / "core_banking").exists():
        pytest.fail(f"no fixture raw data in {fixture_dir}: run `make fixture` first")
    root = session_dir(tmp_path_factory) / "point_in_time"
    full_work, truncated_work = root / "full", root / "truncated"
    with exclusive_lock(root / ".lock"):
        done = root / "built"
        if not done.exists():
            as_of = latest_booked_date(fixture_dir) - timedelta(days=DAYS_BEFORE_LATEST)
            truncated_dir = root / "raw_truncated"
            # a fresh start after a build of another worker that failed half-way
            for folder in (truncated_dir, full_work, truncated_work):
                shutil.rmtree(folder, ignore_errors=True)
            assert truncate_raw(fixture_dir, truncated_dir, as_of) > 0
            build(fixture_dir, full_work, as_of)
            build(truncated_dir, truncated_work, as_of)
            done.touch()
    return full_work / "warehouse.duckdb", truncated_work / "warehouse.duckdb"


# long_running: the builds start early; the cashflow test reuses them
@pytest.mark.long_running(order=2)
def test_features_replay_equals_a_run_on_that_date(two_builds: tuple[Path, Path]) -> None:
    full, truncated = two_builds
    left = read_mart(full, "fct_person_features", "person_id")
    right = read_mart(truncated, "fct_person_features", "person_id")
    assert len(left) > 0
    assert_same_rows(left, right)


def test_monthly_cashflow_replay_equals_a_run_on_that_date(two_builds: tuple[Path, Path]) -> None:
    full, truncated = two_builds
    left = read_mart(full, "fct_person_monthly_cashflow", "person_id, month")
    right = read_mart(truncated, "fct_person_monthly_cashflow", "person_id, month")
    assert len(left) > 0
    assert_same_rows(left, right)


def test_truncation_drops_what_was_not_known(tmp_path: Path) -> None:
    source = tmp_path / "raw"
    files = source / "core_banking" / "transactions"
    files.mkdir(parents=True)
    (files / "batch.csv").write_text(
        "transaction_id,booked_at,_loaded_at\n"
        "KEEP,2025-06-14T23:30:00-02:00,2025-06-15T01:00:00Z\n"  # booked 06-15 01:30 UTC
        "LATE_BOOKED,2025-06-16T00:00:00Z,2025-06-15T01:00:00Z\n"  # booked after the cutoff
        "LATE_LOADED,2025-06-10T10:00:00Z,2025-06-16T00:00:00Z\n"  # loaded after the cutoff
    )
    target = tmp_path / "truncated"
    assert truncate_raw(source, target, date(2025, 6, 15)) == 1
    kept = (target / "core_banking" / "transactions" / "batch.csv").read_text()
    assert "KEEP" in kept and "LATE_BOOKED" not in kept and "LATE_LOADED" not in kept
