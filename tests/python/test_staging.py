"""Staging on raw data with known bad rows: quarantine, point in time, keys, privacy.

Two raw data sets:

- `tests/raw_contract_cases`: written by hand to the raw contract, one
  example of every bad-row kind and messy case, with `expected_quarantine.csv`;
  built here with `dbt seed` and `dbt build --select staging` in its own
  warehouse under pytest's temporary directory.
  A Parquet batch (extra column, missing column, one bad row) is added at test
  time. The quarantine share bounds are lifted for it (vars): the set is mostly
  bad rows on purpose.
- the generator's fixture (`python -m bank_segments.generate --persons 300 --seed 7`)
  in the shared fixture warehouse (see conftest), checked against its
  `_ground_truth/bad_rows.csv`; that build uses the default quarantine bounds.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, exclusive_lock, run_dbt, session_dir

CASES_DIR = PROJECT_DIR / "tests" / "raw_contract_cases"

# table -> (source, stg model, business key expression over the stg model)
TABLES: dict[str, tuple[str, str, str]] = {
    "customers": ("core_banking", "stg_core_banking__customers", "customer_id"),
    "accounts": ("core_banking", "stg_core_banking__accounts", "account_id"),
    "transactions": ("core_banking", "stg_core_banking__transactions", "transaction_id"),
    "balances": (
        "core_banking",
        "stg_core_banking__balances",
        "account_id || '|' || cast(balance_date as varchar)",
    ),
    "digital_users": ("digital", "stg_digital__digital_users", "digital_user_id"),
    "app_events": ("digital", "stg_digital__app_events", "event_id"),
    "campaigns": ("marketing", "stg_marketing__campaigns", "campaign_id"),
    "campaign_contacts": ("marketing", "stg_marketing__campaign_contacts", "contact_id"),
}
RAW_KEY = {
    "customers": "customer_id",
    "accounts": "account_id",
    "transactions": "transaction_id",
    "balances": "coalesce(trim(account_id), '') || '|' || coalesce(trim(balance_date), '')",
    "digital_users": "digital_user_id",
    "app_events": "event_id",
    "campaigns": "campaign_id",
    "campaign_contacts": "contact_id",
}
# Raw columns whose values are personal data and must never reach a stg model.
# (Counterparty names are often companies that also appear as merchants; they
# leave staging only as counterparty_key, which the column list guarantees.)
PERSONAL_COLUMNS = {
    "customers": ["national_id", "email", "phone", "full_name"],
    "digital_users": ["email"],
}


@dataclass(frozen=True)
class Build:
    raw_dir: Path
    database: Path


def _build_staging(raw_dir: Path, work_dir: Path, variables: dict[str, object]) -> Build:
    database = work_dir / "warehouse.duckdb"
    # the seeds and staging in one invocation (one parse); buildable: not the
    # tests that also read models downstream of staging
    args = [
        "build",
        "--select",
        "staging",
        "resource_type:seed",
        "--indirect-selection",
        "buildable",
    ]
    args += ["--vars", json.dumps(variables)]
    run_dbt(args, raw_dir, database, work_dir)
    return Build(raw_dir, database)


def _shared_build(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Build]
) -> Iterator[Build]:
    """Builds once per test session, shared by the xdist workers under a lock."""
    root = session_dir(tmp_path_factory) / name
    with exclusive_lock(root / ".lock"):
        done = root / "built"
        if not done.exists():
            build = make(root)
            done.write_text(json.dumps([str(build.raw_dir), str(build.database)]))
        raw_dir, database = json.loads(done.read_text())
    yield Build(Path(raw_dir), Path(database))


PARQUET_BATCHES = {
    # file name: rows (the first two share names and types: one load statement)
    "campaigns_2025-04-15.parquet": [
        "('2025-04-15T01:00:00Z', 'K005', 'Parquet batch', 'GREEN_FUND', 'In_App', 'x', "
        "'2025-04-14T08:00:00+02:00')",
    ],
    "campaigns_2025-04-16.parquet": [
        "('2025-04-16T01:00:00Z', 'K006', 'Bad channel', null, 'fax', 'y', '2025-04-14T08:00:00Z')",
        "('2025-04-16T01:00:00Z', 'K007', 'Second row', null, 'email', null, "
        "'2025-04-15T08:00:00Z')",
    ],
    # extra_note typed as a number here: read on its own, not with the two above
    "campaigns_2025-04-17.parquet": [
        "('2025-04-17T01:00:00Z', 'K008', 'Typed note', null, 'sms', 42, '2025-04-16T08:00:00Z')",
    ],
}


def _add_parquet_batch(raw_dir: Path) -> None:
    """Parquet batches next to the CSV ones: columns in another order, an extra
    column, contract column `ended_at` missing, one bad channel."""
    for file_name, rows in PARQUET_BATCHES.items():
        target = raw_dir / "marketing" / "campaigns" / file_name
        duckdb.sql(
            f"""
            copy (
                select * from (values {", ".join(rows)})
                    as batch (_loaded_at, campaign_id, campaign_name, product_code, channel,
                              extra_note, started_at)
            ) to '{target}' (format parquet)
            """
        )


@pytest.fixture(scope="session")
def cases_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    def make(root: Path) -> Build:
        raw_dir = root / "raw"
        shutil.copytree(CASES_DIR, raw_dir, ignore=shutil.ignore_patterns("expected_*.csv"))
        _add_parquet_batch(raw_dir)
        lifted = {"quarantine_warn_share": 1, "quarantine_error_share": 1}
        return _build_staging(raw_dir, root, lifted)

    yield from _shared_build(tmp_path_factory, "stg_contract_cases", make)


@pytest.fixture(scope="session")
def generated_build(fixture_db: Path, fixture_dir: Path) -> Build:
    """The generator's fixture and its full build (conftest: `make fixture-build`
    generates it with `bank_segments.generate --persons 300 --seed 7` and builds
    it with the default quarantine bounds, unless `make test` already did)."""
    return Build(fixture_dir, fixture_db)


def _expected_cases() -> list[tuple[str, str, str]]:
    with open(CASES_DIR / "expected_quarantine.csv", newline="") as handle:
        rows = [
            (r["table_name"], r["business_key"], r["reason_code"]) for r in csv.DictReader(handle)
        ]
    # the Parquet batches added at test time
    return [*rows, ("campaigns", "K006", "invalid_code")]


def _expected_generated(raw_dir: Path) -> list[tuple[str, str, str, bool]]:
    with open(raw_dir / "_ground_truth" / "bad_rows.csv", newline="") as handle:
        return [
            (
                r["table"],
                r["business_key"],
                r["expected_reason_code"],
                r["has_valid_version"] == "true",
            )
            for r in csv.DictReader(handle)
        ]


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute(
        "select table_name, coalesce(business_key, ''), reason_code "
        "from staging.stg_quarantine__rows"
    ).fetchall()


def _staging_keys(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    _, model, key = TABLES[table]
    return [row[0] for row in con.execute(f"select {key} from staging.{model}").fetchall()]


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchone()


def _raw_rows(raw_dir: Path, table: str, columns: list[str]) -> list[tuple]:
    """Readable rows of the raw files, read independently of the project's loader."""
    source = TABLES[table][0]
    folder = raw_dir / source / table
    files = sorted(str(p) for p in folder.glob("*.csv*")) + sorted(
        str(p) for p in folder.glob("*.parquet")
    )
    rows: list[tuple] = []
    con = duckdb.connect()
    for file in files:
        if file.endswith(".parquet"):
            relation = f"read_parquet('{file}')"
        else:
            relation = (
                f"read_csv('{file}', all_varchar = true, header = true, ignore_errors = true)"
            )
        available = {c[0] for c in con.execute(f"describe select * from {relation}").fetchall()}
        # a key expression (balances) is kept as is; a missing column reads NULL
        select = ", ".join((c if c in available or "||" in c else "null") for c in columns)
        rows += con.execute(f"select {select} from {relation}").fetchall()
    return rows


def _utc_date(text: str | None) -> date | None:
    if not text:
        return None
    value = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).date()


def _assert_quarantine_matches(actual: list[tuple[str, str, str]], expected: list) -> None:
    actual_sorted = sorted(actual)
    expected_sorted = sorted((t, k, r) for t, k, r, *_ in expected)
    missing = [row for row in expected_sorted if row not in actual_sorted]
    unexpected = [row for row in actual_sorted if row not in expected_sorted]
    assert not missing, f"expected bad rows not quarantined as expected: {missing}"
    assert not unexpected, f"rows quarantined that are not expected bad rows: {unexpected}"


def _assert_keys_unique(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        keys = _staging_keys(con, table)
        assert keys, f"{table}: staging is empty"
        duplicates = [k for k, n in Counter(keys).items() if n > 1]
        assert not duplicates, f"{table}: duplicate keys in staging {duplicates[:5]}"
        assert None not in keys, f"{table}: NULL key in staging"


def _assert_bad_only_keys_absent(
    con: duckdb.DuckDBPyConnection, bad_only: dict[str, set[str]]
) -> None:
    for table, keys in bad_only.items():
        leaked = keys & set(_staging_keys(con, table))
        assert not leaked, f"{table}: keys with only bad versions reached staging: {leaked}"


def _assert_no_valid_row_lost(
    con: duckdb.DuckDBPyConnection, build: Build, bad_only: dict[str, set[str]]
) -> None:
    (as_of,) = con.execute("select as_of_date from staging.stg_run__as_of_dates").fetchone()
    for table in TABLES:
        rows = _raw_rows(build.raw_dir, table, [RAW_KEY[table], "_loaded_at"])
        first_load: dict[str, date] = {}
        for key, loaded_at in rows:
            key = (key or "").strip()
            try:
                loaded = _utc_date(loaded_at)
            except ValueError:
                continue
            if key and loaded and (key not in first_load or loaded < first_load[key]):
                first_load[key] = loaded
        expected = {
            k for k, d in first_load.items() if d <= as_of and k not in bad_only.get(table, set())
        }
        lost = expected - set(_staging_keys(con, table))
        assert not lost, f"{table}: valid rows known on {as_of} missing from staging: {lost}"


def _personal_values(raw_dir: Path) -> set[str]:
    values: set[str] = set()
    for table, columns in PERSONAL_COLUMNS.items():
        for row in _raw_rows(raw_dir, table, columns):
            for value in row:
                if value is None or len(value.strip()) < 6:
                    continue
                text = value.strip()
                values |= {text, text.lower(), text.upper(), " ".join(text.upper().split())}
                compact = re.sub(r"[^0-9A-Za-z+]", "", text)
                if len(compact) >= 6:
                    values |= {compact, compact.upper()}
    return values


def _assert_no_personal_data(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    personal = _personal_values(raw_dir)
    assert personal, "the raw data set holds no personal values to look for"
    columns = con.execute(
        """
        select table_name, column_name from information_schema.columns
        where table_schema = 'staging' and table_name like 'stg_%'
            and table_name <> 'stg_quarantine__rows' and data_type like 'VARCHAR%'
        """
    ).fetchall()
    for table, column in columns:
        values = {
            row[0]
            for row in con.execute(f'select distinct "{column}" from staging.{table}').fetchall()
            if row[0] is not None
        }
        leaked = values & personal
        assert not leaked, f"{table}.{column} holds raw personal data: {sorted(leaked)[:3]}"


# --- hand-made contract cases -------------------------------------------------------------


def test_cases_bad_rows_quarantined_with_their_reason(cases_build: Build) -> None:
    with duckdb.connect(str(cases_build.database), read_only=True) as con:
        _assert_quarantine_matches(_quarantine(con), _expected_cases())


def test_cases_staging_keeps_every_valid_row_once(cases_build: Build) -> None:
    expected = _expected_cases()
    with duckdb.connect(str(cases_build.database), read_only=True) as con:
        (as_of,) = con.execute("select as_of_date from staging.stg_run__as_of_dates").fetchone()
        # latest booked date among valid booked rows: T022, booked 2025-04-30 10:00+02:00
        assert as_of == date(2025, 4, 30)
        # C012 has a valid earlier version: its later bad version is quarantined, not dropped
        multi_version = {("customers", "C012")}
        bad_only: dict[str, set[str]] = {}
        for table, key, _ in expected:
            if (table, key) not in multi_version:
                bad_only.setdefault(table, set()).add(key)
        _assert_keys_unique(con)
        _assert_bad_only_keys_absent(con, bad_only)
        _assert_no_valid_row_lost(con, cases_build, bad_only)


def test_cases_versions_time_zones_and_normalisation(cases_build: Build) -> None:
    customers = "staging.stg_core_banking__customers"
    transactions = "staging.stg_core_banking__transactions"
    with duckdb.connect(str(cases_build.database), read_only=True) as con:
        # the latest valid version stands; a stale re-delivery does not overwrite it
        sql = f"select postal_code from {customers} where customer_id = "
        assert _one(con, sql + "'C004'") == ("08002",)
        assert _one(con, sql + "'C012'") == ("28010",)
        # pending, then booked: booked
        sql = f"select status, booked_at from {transactions} where transaction_id = 'T003'"
        assert _one(con, sql) == ("booked", datetime(2025, 4, 9, 9))
        # the latest account version and balance delivery win
        sql = "select status from staging.stg_core_banking__accounts where account_id = 'A001'"
        assert _one(con, sql) == ("dormant",)
        sql = "select balance from staging.stg_core_banking__balances where account_id = 'A001'"
        assert _one(con, sql + " and balance_date = '2025-03-31'")[0] == 1250
        # UTC: 2025-03-31T23:30:00-02:00 is 2025-04-01 01:30:00
        sql = f"select booked_at, booked_date, direction from {transactions} where transaction_id"
        assert _one(con, sql + " = 'T001'") == (
            datetime(2025, 4, 1, 1, 30),
            date(2025, 4, 1),
            "credit",
        )
        # loaded the day after as_of_date: not yet known
        sql = f"select count(*) from {transactions} where transaction_id = 'T024'"
        assert _one(con, sql) == (0,)
        # names normalised, mcc padded, unknown codes kept, unknown values unknown
        sql = f"select merchant_name, mcc from {transactions} where transaction_id = 'T029'"
        assert _one(con, sql) == ("CAFÉ OLÉ", "0742")
        sql = f"select transaction_code from {transactions} where transaction_id = 'T007'"
        assert _one(con, sql) == ("MYSTERY_CODE",)
        sql = f"select gender, marital_status, birth_date from {customers} where customer_id = "
        assert _one(con, sql + "'C002'") == (None, None, None)
        # one person, two records: the same phone written two ways hashes once
        sql = f"select customer_id, phone_hash from {customers}"
        phone_hash = dict(con.execute(sql).fetchall())
        assert phone_hash["C001"] is not None
        assert phone_hash["C001"] == phone_hash["C002"]
        assert phone_hash["C014"] is None  # unknown country: no calling code, no hash
        sql = "select email_hash from staging.stg_digital__digital_users where digital_user_id"
        assert (
            _one(con, sql + " = 'D001'")[0]
            == _one(con, f"select email_hash from {customers} where customer_id = 'C001'")[0]
        )
        # the Parquet batch: mapped by name, a missing column is NULL, drift is recorded
        sql = "select channel, ended_at, started_at from staging.stg_marketing__campaigns"
        assert _one(con, sql + " where campaign_id = 'K005'") == (
            "in_app",
            None,
            datetime(2025, 4, 14, 6),
        )
        sql = (
            "select column_name, is_in_contract, is_in_file from raw.load_columns"
            " where not (is_in_contract and is_in_file)"
        )
        drift = set(con.execute(sql).fetchall())
        assert {("loyalty_tier", False, True), ("occupation", True, False)} <= drift
        assert {("extra_note", False, True), ("ended_at", True, False)} <= drift


def test_cases_parquet_rows_keep_their_file_and_line(cases_build: Build) -> None:
    expected = sorted(
        (f"marketing/campaigns/{file_name}", line, row.split("'")[3])
        for file_name, rows in PARQUET_BATCHES.items()
        for line, row in enumerate(rows, start=1)
    )
    with duckdb.connect(str(cases_build.database), read_only=True) as con:
        loaded = con.execute(
            "select _file_name, _file_row_number, campaign_id from raw.marketing__campaigns "
            "where _file_name like '%.parquet' order by all"
        ).fetchall()
        booked = con.execute(
            "select file_name from raw.load_files where file_name like '%.parquet' order by 1"
        ).fetchall()
    assert loaded == expected
    assert booked == [(f"marketing/campaigns/{name}",) for name in sorted(PARQUET_BATCHES)]


def test_cases_unreadable_lines_keep_the_rest_of_the_file(cases_build: Build) -> None:
    with duckdb.connect(str(cases_build.database), read_only=True) as con:
        rejects = con.execute(
            "select business_key, error_type from raw.load_rejects order by business_key"
        ).fetchall()
        assert rejects == [
            ("T025", "MISSING COLUMNS"),
            ("T026", "TOO MANY COLUMNS"),
            ("T027", "INVALID ENCODING"),
        ]
        # the valid line after the Latin-1 one, and the multi-line quoted field, load
        known = con.execute(
            "select transaction_id from staging.stg_core_banking__transactions "
            "where transaction_id in ('T028', 'T030')"
        ).fetchall()
        assert sorted(known) == [("T028",), ("T030",)]
        unreadable = con.execute(
            "select count(*) from staging.stg_quarantine__rows "
            "where reason_code = 'unreadable_line' and _loaded_at is not null"
        ).fetchone()
        assert unreadable == (3,)


def test_cases_no_personal_data_in_staging(cases_build: Build) -> None:
    with duckdb.connect(str(cases_build.database), read_only=True) as con:
        _assert_no_personal_data(con, cases_build.raw_dir)


# --- the generator's fixture ----------------------------------------------------------------


def test_generated_bad_rows_match_the_ground_truth(generated_build: Build) -> None:
    expected = _expected_generated(generated_build.raw_dir)
    assert expected, "the generator wrote no bad rows"
    with duckdb.connect(str(generated_build.database), read_only=True) as con:
        _assert_quarantine_matches(_quarantine(con), expected)
        bad_only: dict[str, set[str]] = {}
        for table, key, _, has_valid_version in expected:
            if not has_valid_version:
                bad_only.setdefault(table, set()).add(key)
        for table in TABLES:
            with_valid = {k for t, k, _, has_valid in expected if has_valid and t == table}
            lost = with_valid - set(_staging_keys(con, table))
            assert not lost, f"{table}: the valid version of a key with a bad one is lost: {lost}"
        _assert_keys_unique(con)
        _assert_bad_only_keys_absent(con, bad_only)
        _assert_no_valid_row_lost(con, generated_build, bad_only)
        _assert_no_personal_data(con, generated_build.raw_dir)
