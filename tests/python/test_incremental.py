"""Incremental builds equal full-refresh builds.

A small bank is generated with its last 30 days delivered as daily batch
files. The warehouse is built once on the history before those days, then
incrementally after each daily batch lands, as a daily schedule would; a
second warehouse is built with `--full-refresh` from all the files at once.
Every model of the incremental chain (base and staging of transactions,
balances and app events, the classified transactions) and the models that
read them must hold the same rows in both, apart from `_processed_at` (the
time of the run that wrote a row). Some daily batches carry corrections of
history (`add_corrections`): a reversal and a status change of transactions
booked months before, a late arrival, an orphan transaction whose account
arrives days later, a person-month that gains its only transaction and loses
it again, and a customer record that merges two persons.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, InProcessDbt, exclusive_lock, run_dbt, session_dir

DAILY_BATCHES = 30
SELECTOR = [
    "+int_person_months_aggregated",
    "+int_app_events_aggregated",
    "+int_account_balances_carried",
    "+int_person_spending_categories_aggregated",
    "+int_income_credits_classified",
    "+int_person_months_spined",
    "+int_person_value_days_aggregated",
]
BUILD = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
VARS = ["--vars", "{clv_sql_fallback: true}"]
LINEAGE_COLUMNS = {"_processed_at"}


def batch_day(path: Path) -> str:
    """The load day of a batch file: batch_2026-10-02[_corrections].csv -> 2026-10-02."""
    return path.name.removeprefix("batch_")[:10]


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_batch(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def account_without_bookings(raw: Path, month: str) -> str:
    """An account of a dormant customer person, open before `month` (YYYY-MM), none
    of whose person's accounts has a transaction booked in that month."""
    _, persons = read_rows(raw / "_ground_truth" / "persons.csv")
    accounts: list[dict[str, str]] = []
    for file in sorted((raw / "core_banking" / "accounts").glob("batch_*.csv")):
        accounts += read_rows(file)[1]
    booked_months: set[tuple[str, str]] = set()
    for file in sorted((raw / "core_banking" / "transactions").glob("batch_*.csv")):
        booked_months |= {(row["account_id"], row["booked_at"][:7]) for row in read_rows(file)[1]}
    for person in persons:
        if person["is_dormant"] != "true" or person["is_prospect"] == "true":
            continue
        customer_ids = set(person["customer_ids"].replace("|", ";").split(";"))
        held = [row for row in accounts if row["customer_id"] in customer_ids]
        if held and all((row["account_id"], month) not in booked_months for row in held):
            opened = [row for row in held if row["opened_at"][:7] < month]
            if opened:
                return opened[0]["account_id"]
    raise AssertionError(f"no dormant person without bookings in {month}")


def add_corrections(raw: Path, daily_days: list[str]) -> None:
    """Daily batches that touch history, on top of the generated ones.

    - day 6: a REVERSAL of a transaction booked months before, a transaction
      booked two months before it arrives, a booked transaction whose new
      version is `reversed`, and a transaction on an account not delivered yet;
      a transaction booked in the month before, the only one of its person in
      that month;
    - day 8: that transaction `reversed` (its person-month is empty again);
    - day 10: that account (the orphan becomes valid);
    - day 13: a customer record sharing the national id of one person and the
      email of another (the two persons merge, with their history).
    """
    transactions_dir = raw / "core_banking" / "transactions"
    history_file = sorted(transactions_dir.glob("batch_*.csv"))[-DAILY_BATCHES - 4]
    header, history = read_rows(history_file)
    booked = [
        row
        for row in history
        if row["status"] == "booked"
        and not row["reversal_of_transaction_id"]
        and row["transaction_code"] != "REVERSAL"
    ]
    reversed_one, moved_status, late_template = booked[0], booked[1], booked[2]

    def loaded_at(day: str) -> str:
        return f"{day}T02:00:00Z"

    def booked_before(day: str, days: int) -> str:
        booked_day = date.fromisoformat(day) - timedelta(days=days)
        return f"{booked_day.isoformat()}T10:00:00Z"

    day = daily_days[5]
    reversal = dict(reversed_one)
    reversal.update(
        transaction_id="TXCORRECTIONREVERSAL",
        booked_at=booked_before(day, 1),
        value_date=booked_before(day, 1)[:10],
        direction="credit" if reversed_one["direction"] == "debit" else "debit",
        transaction_code="REVERSAL",
        reversal_of_transaction_id=reversed_one["transaction_id"],
        _loaded_at=loaded_at(day),
    )
    late = dict(late_template)
    late.update(
        transaction_id="TXCORRECTIONLATE",
        booked_at=booked_before(day, 61),
        value_date=booked_before(day, 61)[:10],
        _loaded_at=loaded_at(day),
    )
    status_change = dict(moved_status)
    status_change.update(status="reversed", _loaded_at=loaded_at(day))
    orphan = dict(late_template)
    orphan.update(
        transaction_id="TXCORRECTIONORPHAN",
        account_id="ACCORRECTION",
        booked_at=booked_before(day, 1),
        value_date=booked_before(day, 1)[:10],
        _loaded_at=loaded_at(day),
    )
    quiet_month = (date.fromisoformat(day).replace(day=1) - timedelta(days=1)).isoformat()[:7]
    lonely = dict(late_template)
    lonely.update(
        transaction_id="TXCORRECTIONLONELY",
        account_id=account_without_bookings(raw, quiet_month),
        # a card payment: no salary, so only its aggregate marks the month
        direction="debit",
        transaction_code="CARD_PURCHASE",
        purpose_code="",
        booked_at=f"{quiet_month}-15T10:00:00Z",
        value_date=f"{quiet_month}-15",
        _loaded_at=loaded_at(day),
    )
    write_batch(
        transactions_dir / f"batch_{day}_corrections.csv",
        header,
        [reversal, late, status_change, orphan, lonely],
    )

    day = daily_days[7]
    cancelled = dict(lonely)
    cancelled.update(status="reversed", _loaded_at=loaded_at(day))
    write_batch(transactions_dir / f"batch_{day}_corrections.csv", header, [cancelled])

    day = daily_days[9]
    accounts_dir = raw / "core_banking" / "accounts"
    header, accounts = [], []
    for file in sorted(accounts_dir.glob("batch_*.csv")):
        header, rows = read_rows(file)
        accounts += rows
    account_id = late_template["account_id"]
    account = dict(next(row for row in accounts if row["account_id"] == account_id))
    account.update(account_id="ACCORRECTION", _loaded_at=loaded_at(day))
    write_batch(accounts_dir / f"batch_{day}_corrections.csv", header, [account])

    day = daily_days[12]
    customers_dir = raw / "core_banking" / "customers"
    header, customers = read_rows(sorted(customers_dir.glob("batch_*.csv"))[0])
    first, second = customers[0], customers[1]
    bridge = dict(first)
    bridge.update(
        customer_id="CUCORRECTIONBRIDGE",
        email=second["email"],
        phone="",
        _loaded_at=loaded_at(day),
    )
    write_batch(customers_dir / f"batch_{day}_corrections.csv", header, [bridge])


def stage_batches(source: Path, target: Path, last_day: str) -> int:
    """Link every raw file loaded on or before `last_day` into `target`."""
    linked = 0
    for file in sorted(source.rglob("batch_*")):
        if "_ground_truth" in file.parts or batch_day(file) > last_day:
            continue
        link = target / file.relative_to(source)
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(file)
            linked += 1
    return linked


def compared_relations(
    connection: duckdb.DuckDBPyConnection, catalog: str
) -> list[tuple[str, str]]:
    return connection.execute(
        """
        select table_schema, table_name
        from information_schema.tables
        where table_catalog = ? and table_schema in ('staging', 'intermediate')
        order by 1, 2
        """,
        [catalog],
    ).fetchall()


def differing_rows(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    """Rows in one build and not the other (a multiset difference, both ways).

    Both warehouses are attached under their file names, which their views
    name as their catalog: `incremental` and `full_refresh`.
    """
    columns = [
        row[0]
        for row in connection.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = 'incremental' and table_schema = ? and table_name = ? "
            "order by ordinal_position",
            [schema, table],
        ).fetchall()
        if row[0] not in LINEAGE_COLUMNS
    ]
    column_list = ", ".join(f'"{column}"' for column in columns)
    left = f'select {column_list} from incremental."{schema}"."{table}"'
    right = f'select {column_list} from full_refresh."{schema}"."{table}"'
    (count,) = connection.execute(
        f"select (select count(*) from ({left} except all {right}))"
        f" + (select count(*) from ({right} except all {left}))"
    ).fetchone()
    return int(count)


def rewritten_share(connection: duckdb.DuckDBPyConnection, table: str) -> float:
    """Share of the rows of an incremental table written by its last run."""
    (share,) = connection.execute(
        "select avg(case when _processed_at = last_run.processed_at then 1 else 0 end)"
        f" from {table}"
        f" cross join (select max(_processed_at) as processed_at from {table}) as last_run"
    ).fetchone()
    return float(share)


@pytest.fixture(scope="module")
def daily_batches(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bank of this module, generated once per session: the xdist workers that run
    its tests share it, so the first one generates it under a lock."""
    raw = session_dir(tmp_path_factory) / "incremental_raw"
    with exclusive_lock(raw.with_name(f"{raw.name}.lock")):
        if not raw.exists():
            # into a folder of its own first: a failed generation leaves no half bank
            partial = raw.with_name(f"{raw.name}.partial")
            shutil.rmtree(partial, ignore_errors=True)
            generate_daily_batches(partial)
            partial.rename(raw)
    return raw


def generate_daily_batches(raw: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bank_segments.generate",
            "--persons",
            "60",
            "--seed",
            "23",
            "--out",
            str(raw),
            "--format",
            "csv",
            "--days",
            str(DAILY_BATCHES),
            "--quiet",
        ],
        cwd=PROJECT_DIR,
        check=True,
    )
    transaction_files = (raw / "core_banking" / "transactions").glob("batch_*.csv")
    days = sorted({batch_day(file) for file in transaction_files})
    add_corrections(raw, days[-DAILY_BATCHES:])


def differing_relations(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The compared relations whose rows differ between the attached `incremental` and
    `full_refresh` warehouses, with the count of differing rows."""
    relations = compared_relations(connection, "incremental")
    assert relations == compared_relations(connection, "full_refresh")
    return {
        f"{schema}.{table}": count
        for schema, table in relations
        if (count := differing_rows(connection, schema, table))
    }


@pytest.mark.long_running(order=1)
def test_thirty_daily_batches_equal_a_full_refresh(
    daily_batches: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transaction_files = (daily_batches / "core_banking" / "transactions").iterdir()
    days = sorted({batch_day(file) for file in transaction_files})
    daily_days = days[-DAILY_BATCHES:]
    landing = tmp_path / "landing"
    incremental_db = tmp_path / "incremental.duckdb"
    select = ["--select", *SELECTOR]

    # history up to the day before the daily batches, then one run per batch, each
    # in this process on one parse of the project (the same SQL as the dbt CLI runs)
    assert stage_batches(daily_batches, landing, days[-DAILY_BATCHES - 1]) > 0
    dbt = InProcessDbt(landing, incremental_db, tmp_path, VARS, monkeypatch)
    dbt.invoke([*BUILD, *select])
    for day in daily_days:
        assert stage_batches(daily_batches, landing, day) > 0, f"no batch files for {day}"
        assert "loaded now" in dbt.invoke([*BUILD, *select])

    full_db = tmp_path / "full_refresh.duckdb"
    run_dbt([*BUILD, *select, *VARS, "--full-refresh"], landing, full_db, tmp_path)

    with duckdb.connect() as connection:
        connection.execute(f"attach '{incremental_db}' (read_only)")
        connection.execute(f"attach '{full_db}' (read_only)")
        # the daily runs were incremental: the last one rewrote a small part
        for table in (
            "incremental.staging.base_core_banking__transactions",
            "incremental.staging.stg_core_banking__transactions",
            "incremental.intermediate.int_transactions_classified",
            # no lookback: the months the last day touched, not the last 90 days
            "incremental.intermediate.int_person_months_aggregated",
            "incremental.intermediate.int_person_value_days_aggregated",
        ):
            assert 0 < rewritten_share(connection, table) < 0.2, table
        # the spine rewrote what changed, not every person-month
        spine = "incremental.intermediate.int_person_months_spined"
        assert 0 < rewritten_share(connection, spine) < 0.5, spine

        # the corrections took effect on the incremental path
        (n_counting,) = connection.execute(
            "select count(*) from incremental.intermediate.int_transactions_classified"
            " where transaction_id in (select reversal_of_transaction_id"
            " from incremental.staging.stg_core_banking__transactions"
            " where transaction_id = 'TXCORRECTIONREVERSAL')"
            " or transaction_id in ('TXCORRECTIONLATE', 'TXCORRECTIONORPHAN')"
        ).fetchone()
        assert n_counting == 2, "the reversed transaction counts, or a correction is missing"
        (n_persons,) = connection.execute(
            "select count(distinct person_id)"
            " from incremental.intermediate.int_customers_consolidated"
            " where customer_id = 'CUCORRECTIONBRIDGE' or customer_id in ("
            "  select customers.customer_id"
            "  from incremental.staging.stg_core_banking__customers as customers"
            "  inner join incremental.staging.stg_core_banking__customers as bridge"
            "   on customers.email_hash = bridge.email_hash"
            "   or customers.national_id_hash = bridge.national_id_hash"
            "  where bridge.customer_id = 'CUCORRECTIONBRIDGE')"
        ).fetchone()
        assert n_persons == 1, "the bridging record did not merge the two persons"

        relations = compared_relations(connection, "incremental")
        assert ("intermediate", "int_transactions_classified") in relations
        differences = differing_relations(connection)
    assert differences == {}


def parquet_copy(source: Path, target: Path) -> int:
    """Every CSV batch file of `source` as a Parquet file of the same name under `target`."""
    copied = 0
    with duckdb.connect() as connection:
        for file in sorted(source.rglob("batch_*.csv*")):
            if "_ground_truth" in file.parts:
                continue
            out = target / file.relative_to(source).parent / (file.name.split(".")[0] + ".parquet")
            out.parent.mkdir(parents=True, exist_ok=True)
            connection.execute(
                f"copy (select * from read_csv('{file}', all_varchar = true, header = true,"
                f" ignore_errors = true)) to '{out}' (format parquet)"
            )
            copied += 1
    return copied


@pytest.mark.long_running(order=5)
def test_parquet_files_are_read_in_place_and_follow_new_changed_and_vanished_files(
    daily_batches: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parquet raw files are read through the raw views: daily runs equal a full refresh,
    and a file rewritten or removed after it was loaded reloads its table."""
    parquet = tmp_path / "parquet"
    assert parquet_copy(daily_batches, parquet) > 0
    transaction_files = (parquet / "core_banking" / "transactions").iterdir()
    days = sorted({batch_day(file) for file in transaction_files})
    landing = tmp_path / "landing"
    incremental_db = tmp_path / "incremental.duckdb"
    select = ["--select", *SELECTOR]

    def differences_to_a_full_refresh(name: str) -> dict[str, int]:
        # attached under their file names, which their views name as their catalog
        full_db = tmp_path / name / "full_refresh.duckdb"
        full_db.parent.mkdir()
        run_dbt([*BUILD, *select, *VARS, "--full-refresh"], landing, full_db, tmp_path)
        with duckdb.connect() as connection:
            connection.execute(f"attach '{incremental_db}' (read_only)")
            connection.execute(f"attach '{full_db}' (read_only)")
            return differing_relations(connection)

    assert stage_batches(parquet, landing, days[-4]) > 0
    dbt = InProcessDbt(landing, incremental_db, tmp_path, VARS, monkeypatch)
    dbt.invoke([*BUILD, *select])
    for day in days[-3:]:
        assert stage_batches(parquet, landing, day) > 0, f"no batch files for {day}"
        dbt.invoke([*BUILD, *select])
    with duckdb.connect(str(incremental_db), read_only=True) as connection:
        (table_type,) = connection.execute(
            "select table_type from information_schema.tables"
            " where table_schema = 'raw' and table_name = 'core_banking__transactions'"
        ).fetchone()
        assert table_type == "VIEW"
        (n_landed,) = connection.execute(
            "select count(*) from raw._landed__core_banking__transactions"
        ).fetchone()
        assert n_landed == 0, "Parquet rows were copied into the database"
        for table in (
            "staging.base_core_banking__transactions",
            "intermediate.int_transactions_classified",
        ):
            assert 0 < rewritten_share(connection, table) < 0.2, table
    assert differences_to_a_full_refresh("before_changes") == {}

    # one transaction file rewritten without its first row, one app events file removed
    transactions = sorted((landing / "core_banking" / "transactions").glob("*.parquet"))[-1]
    with duckdb.connect() as connection:
        (dropped_id,) = connection.execute(
            f"select transaction_id from read_parquet('{transactions}') limit 1"
        ).fetchone()
        rewritten = tmp_path / "rewritten.parquet"
        connection.execute(
            f"copy (select * from read_parquet('{transactions}')"
            f" where transaction_id is distinct from '{dropped_id}') to '{rewritten}'"
            " (format parquet)"
        )
    transactions.unlink()
    rewritten.rename(transactions)
    vanished = sorted((landing / "digital" / "app_events").glob("*.parquet"))[0]
    vanished.unlink()
    messages = dbt.invoke([*BUILD, *select])
    assert "raw.core_banking__transactions is reloaded from all its files" in messages
    assert "raw.digital__app_events is reloaded from all its files" in messages
    with duckdb.connect(str(incremental_db), read_only=True) as connection:
        (n_raw, n_files) = connection.execute(
            "select count(*), count(distinct _file_name) from raw.core_banking__transactions"
        ).fetchone()
        (n_delivered, n_delivered_files) = connection.execute(
            f"select count(*), count(distinct filename) from read_parquet("
            f"'{landing}/core_banking/transactions/*.parquet', filename = true)"
        ).fetchone()
        assert (n_raw, n_files) == (n_delivered, n_delivered_files)
        (n_dropped,) = connection.execute(
            "select count(*) from staging.base_core_banking__transactions"
            f" where transaction_id = '{dropped_id}'"
        ).fetchone()
        (n_vanished,) = connection.execute(
            "select count(*) from staging.base_digital__app_events where _file_name = ?",
            [str(vanished.relative_to(landing))],
        ).fetchone()
    assert (n_dropped, n_vanished) == (0, 0)
    assert differences_to_a_full_refresh("after_changes") == {}


def test_a_changed_fx_rate_recomputes_the_rows_of_its_currency_and_months_only(
    fixture_db: Path, fixture_dir: Path, tmp_path: Path
) -> None:
    """A corrected FX rate in the seed reclassifies the stored rows of the currency-months
    whose resolved rate changed, and no other row; the rates the run classified with are
    kept, so the next run compares them instead of every stored row."""
    # the file name is the catalog the warehouse's views name
    database = tmp_path / fixture_db.name
    shutil.copyfile(fixture_db, database)
    classified = "intermediate.int_transactions_classified"
    kept_rates = "intermediate.int_transactions_classified__fx_rates"
    resolved = "intermediate.int_fx_rates_resolved"
    run = ["run", "--select", "int_fx_rates_resolved", "int_transactions_classified"]
    with duckdb.connect(str(database)) as connection:
        currency, month, rate = connection.execute(
            f"select currency, booked_month, any_value(fx_rate) from {classified}"
            " where currency <> 'EUR' and not is_fx_rate_imputed"
            " group by all order by count(*) desc, 1, 2 limit 1"
        ).fetchone()
        # kept in the copy, next to the models
        connection.execute(
            "create table main.rates_before as"
            f" select currency, rate_month, rate_to_reporting, is_rate_imputed from {resolved}"
        )
        (mark,) = connection.execute(f"select max(_processed_at) from {classified}").fetchone()
        connection.execute(
            "update reference.fx_rates set rate_to_eur = rate_to_eur * 1.25"
            " where currency = ? and date_trunc('month', month) = ?",
            [currency, month],
        )
    run_dbt(run, fixture_dir, database, tmp_path)

    with duckdb.connect(str(database)) as connection:
        now = f"(select currency, rate_month, rate_to_reporting, is_rate_imputed from {resolved})"
        before = "(select * from main.rates_before)"
        connection.execute(
            "create temporary table changed_rates as"
            f" select currency, rate_month from ({now} except {before})"
            f" union select currency, rate_month from ({before} except {now})"
        )
        changed = connection.execute("select currency, rate_month from changed_rates").fetchall()
        assert (currency, month) in changed
        rewritten = connection.execute(
            f"select transaction_id from {classified} where _processed_at > ? order by 1", [mark]
        ).fetchall()
        expected = connection.execute(
            f"select transaction_id from {classified} as c semi join changed_rates as r"
            " on c.currency = r.currency and c.booked_month = r.rate_month order by 1"
        ).fetchall()
        assert rewritten and rewritten == expected
        (n_wrong,) = connection.execute(
            f"select count(*) from {classified} as c join {resolved} as r"
            " on c.currency = r.currency and c.booked_month = r.rate_month"
            " where c.fx_rate <> r.rate_to_reporting"
            " or c.amount_eur <> cast(c.amount * r.rate_to_reporting as decimal(18, 4))"
        ).fetchone()
        assert n_wrong == 0
        (kept,) = connection.execute(
            f"select fx_rate from {kept_rates} where currency = ? and booked_month = ?",
            [currency, month],
        ).fetchone()
        assert kept == pytest.approx(rate * 1.25)
        (mark,) = connection.execute(f"select max(_processed_at) from {classified}").fetchone()

    # without the kept rates (a warehouse built before they were), from the stored rows:
    # nothing changed since, nothing is rewritten, and the rates are kept again
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"drop table {kept_rates}")
    run_dbt(run, fixture_dir, database, tmp_path)
    with duckdb.connect(str(database), read_only=True) as connection:
        (n_rewritten,) = connection.execute(
            f"select count(*) from {classified} where _processed_at > ?", [mark]
        ).fetchone()
        assert n_rewritten == 0
        (n_kept,) = connection.execute(f"select count(*) from {kept_rates}").fetchone()
        (n_resolved,) = connection.execute(f"select count(*) from {resolved}").fetchone()
        assert n_kept == n_resolved


def person_month_differences(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of the monthly aggregates (keys and counts) and of the value days that differ
    from an aggregate of the classified and valued transactions, both ways."""
    pairs = {
        "int_person_months_aggregated": (
            "select person_id, month, n_transactions"
            " from intermediate.int_person_months_aggregated",
            "select person_id, booked_month, count(*)"
            " from intermediate.int_transactions_classified group by all",
        ),
        "int_person_value_days_aggregated": (
            "select person_id, booked_date, booked_month, n_value_transactions, revenue_eur"
            " from intermediate.int_person_value_days_aggregated",
            "select person_id, booked_date, booked_month, count(*),"
            " cast(sum(revenue_eur) as decimal(18, 4))"
            " from intermediate.int_transactions_valued group by all",
        ),
    }
    differences = {}
    for model, (held, expected) in pairs.items():
        (count,) = connection.execute(
            f"select (select count(*) from ({held} except all {expected}))"
            f" + (select count(*) from ({expected} except all {held}))"
        ).fetchone()
        differences[model] = int(count)
    return differences


def test_a_changed_revenue_rate_and_a_replay_rebuild_the_person_month_models(
    fixture_db: Path, fixture_dir: Path, tmp_path: Path
) -> None:
    """The value days are rebuilt in full when a revenue rate changes (the classified
    transactions did not); a run for an earlier as_of_date rebuilds the monthly aggregates
    and the value days up to that date."""
    database = tmp_path / fixture_db.name
    shutil.copyfile(fixture_db, database)
    value_days = "intermediate.int_person_value_days_aggregated"
    rate = "clv_payment_revenue_rate: 0.002"
    with duckdb.connect(str(database), read_only=True) as connection:
        (latest,) = connection.execute(
            "select max(booked_date) from intermediate.int_transactions_classified"
        ).fetchone()
        (revenue_before,) = connection.execute(
            f"select sum(revenue_eur) from {value_days}"
        ).fetchone()

    rebuilt = ["int_transactions_valued", "int_person_value_days_aggregated"]
    run_dbt(["run", "--select", *rebuilt, "--vars", f"{{{rate}}}"], fixture_dir, database, tmp_path)
    with duckdb.connect(str(database), read_only=True) as connection:
        (n_runs, revenue) = connection.execute(
            f"select count(distinct _processed_at), sum(revenue_eur) from {value_days}"
        ).fetchone()
        assert n_runs == 1, "rows computed with the former rates are left"
        assert revenue != revenue_before
        assert person_month_differences(connection) == {
            "int_person_months_aggregated": 0,
            "int_person_value_days_aggregated": 0,
        }

    replay_date = latest - timedelta(days=45)
    replayed = ["+int_person_months_aggregated", "+int_person_value_days_aggregated"]
    replay_vars = f"{{{rate}, as_of_date: '{replay_date.isoformat()}'}}"
    run_dbt(["run", "--select", *replayed, "--vars", replay_vars], fixture_dir, database, tmp_path)
    with duckdb.connect(str(database), read_only=True) as connection:
        (latest_held,) = connection.execute(f"select max(booked_date) from {value_days}").fetchone()
        assert latest_held <= replay_date
        assert person_month_differences(connection) == {
            "int_person_months_aggregated": 0,
            "int_person_value_days_aggregated": 0,
        }
