"""The demo-data generator writes the raw contract, every kind of mess, and a true ground truth.

The fixture is the one `make fixture` builds: 300 persons, seed 7, CSV.
"""

from __future__ import annotations

import csv
import filecmp
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from bank_segments.generate import main
from bank_segments.generator.badrows import KINDS
from bank_segments.generator.reference import COLUMNS, CONTRACT, SOURCE_OF

PERSONS, SEED = 300, 7


def generate(out: Path, fmt: str = "csv", *extra: str) -> Path:
    main(["--persons", str(PERSONS), "--seed", str(SEED), "--out", str(out), "--format", fmt,
          "--quiet", *extra])  # fmt: skip
    return out


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("fixture") / "raw")


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("parquet") / "raw", "parquet")


@pytest.fixture(scope="module")
def db(fixture_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The fixture's raw tables as views (all text, file name kept), plus the ground truth."""
    con = duckdb.connect()
    for (source, table), _ in CONTRACT.items():
        con.sql(
            f"create table {table} as select * from "
            f"read_csv('{fixture_dir}/{source}/{table}/*.csv', "
            "all_varchar = true, header = true, filename = true, ignore_errors = true)"
        )
    for name in ("persons", "salary_transactions", "bad_rows", "mess_counts"):
        con.sql(
            f"create table gt_{name} as select * from "
            f"read_csv('{fixture_dir}/_ground_truth/{name}.csv', all_varchar = true, header = true)"
        )
    con.sql("""
        create view person_customers as
        select person_key, unnest(string_split(customer_ids, ';')) as customer_id
        from gt_persons where customer_ids <> ''
    """)
    con.sql("""
        create view person_accounts as
        select distinct pc.person_key, a.account_id, trim(upper(a.product_code)) as product_code
        from accounts as a inner join person_customers as pc using (customer_id)
    """)
    con.sql("""
        create table tx as
        select *, upper(trim(transaction_code)) as code, lower(trim(status)) as st,
            case when lower(trim(direction)) in ('c', 'credit') then 'credit'
                 when lower(trim(direction)) in ('d', 'debit') then 'debit' end as dir
        from transactions
    """)
    yield con
    con.close()


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.sql(sql).fetchone()[0])


# -- layout and determinism ------------------------------------------------------------------
def test_same_seed_gives_byte_identical_files(fixture_dir: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again")
    first = sorted(p.relative_to(fixture_dir) for p in fixture_dir.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    _, mismatch, errors = filecmp.cmpfiles(
        fixture_dir, again, [str(p) for p in first], shallow=False
    )
    assert mismatch == [] and errors == []


def test_another_seed_gives_other_data(fixture_dir: Path, tmp_path: Path) -> None:
    main(["--persons", str(PERSONS), "--seed", "8", "--out", str(tmp_path / "o"), "--format", "csv",
          "--quiet"])  # fmt: skip
    name = "_ground_truth/salary_transactions.csv"
    assert (fixture_dir / name).read_bytes() != (tmp_path / "o" / name).read_bytes()


@pytest.mark.parametrize(("source", "table"), list(CONTRACT))
def test_csv_headers_are_the_contract_columns_in_order(
    fixture_dir: Path, source: str, table: str
) -> None:
    files = sorted((fixture_dir / source / table).glob("*.csv"))
    assert len(files) >= 2, "several batch files per table"
    for path in files:
        with path.open(newline="", encoding="utf-8") as handle:
            assert tuple(next(csv.reader(handle))) == COLUMNS[table]


@pytest.mark.parametrize(("source", "table"), list(CONTRACT))
def test_parquet_columns_are_contract_strings(parquet_dir: Path, source: str, table: str) -> None:
    for path in sorted((parquet_dir / source / table).glob("*.parquet")):
        schema = pq.read_schema(path)
        assert tuple(schema.names) == COLUMNS[table]
        assert {str(t) for t in schema.types} == {"string"}


def test_batches_have_increasing_loaded_at(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.sql("""
        select filename, min(_loaded_at) as lo, max(_loaded_at) as hi
        from transactions group by all order by filename
    """).fetchall()
    assert len(rows) >= 24 + 7, "a batch per month of history and a batch per recent day"
    assert all(lo == hi for _, lo, hi in rows), "one _loaded_at per batch file"
    loaded = [lo for _, lo, _ in rows]
    assert loaded == sorted(loaded) and len(set(loaded)) == len(loaded)
    assert loaded[-1] == "2026-11-01T02:00:00Z", "default end date 2026-10-31, loaded next day"


def test_parquet_and_csv_hold_the_same_rows(
    db: duckdb.DuckDBPyConnection, parquet_dir: Path
) -> None:
    for (source, table), columns in CONTRACT.items():
        cols = ", ".join(columns)
        parquet = f"read_parquet('{parquet_dir}/{source}/{table}/*.parquet')"
        for left, right in ((table, parquet), (parquet, table)):
            diff = count(db, f"select count(*) from (select {cols} from {left} except all "
                             f"select {cols} from {right})")  # fmt: skip
            assert diff == 0, f"{table}: {diff} rows differ"


def test_days_and_dates_shape_the_batches(tmp_path: Path) -> None:
    out = tmp_path / "short"
    stale = out / "core_banking" / "transactions" / "stale.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("old run")
    (out / "notes.txt").write_text("not the generator's")
    main(["--persons", "40", "--seed", "3", "--out", str(out), "--format", "csv", "--quiet",
          "--start-date", "2024-01-01", "--end-date", "2025-12-31", "--days", "0"])  # fmt: skip
    names = sorted(p.stem for p in (out / "core_banking" / "transactions").glob("*.csv"))
    assert names[0] == "batch_2024-02-01" and names[-1] == "batch_2026-01-01"
    assert len(names) == 24
    assert not stale.exists(), "an earlier run's files are replaced"
    assert (out / "notes.txt").exists(), "other files in the folder are left alone"


# -- ground truth ----------------------------------------------------------------------------
def test_every_bad_row_kind_is_written_and_recorded(db: duckdb.DuckDBPyConnection) -> None:
    recorded = set(db.sql("select table_name_, kind from (select \"table\" as table_name_, kind "
                          "from gt_bad_rows)").fetchall())  # fmt: skip
    expected = {(table, kind) for table, kind, *_ in KINDS} | {
        ("transactions", "truncated_last_line")
    }
    assert expected <= recorded
    reasons = dict(db.sql("select kind || '/' || \"table\", any_value(expected_reason_code) "
                          "from gt_bad_rows group by all").fetchall())  # fmt: skip
    for table, kind, _, _, reason, _ in KINDS:
        assert reasons[f"{kind}/{table}"] == reason
    assert reasons["truncated_last_line/transactions"] == "unreadable_line"


def test_bad_rows_are_in_their_files(fixture_dir: Path) -> None:
    with (fixture_dir / "_ground_truth" / "bad_rows.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        text = (fixture_dir / row["file_name"]).read_text(encoding="utf-8")
        key = row["business_key"].split("|")[0]
        if key:
            assert f'"{key}"' in text, row
        if row["kind"] == "truncated_last_line":
            assert not text.endswith("\n") and text.rsplit("\n", 1)[1].startswith(f'"{key}"')
    later = [r for r in rows if r["has_valid_version"] == "true"]
    assert {r["table"] for r in later} >= {"customers", "accounts", "transactions"}


def test_bad_rows_break_the_contract_as_recorded(db: duckdb.DuckDBPyConnection) -> None:
    def has(table: str, where: str) -> int:
        return count(db, f"select count(*) from {table} where {where}")

    for value in ("abc", "12,50", "-5.00", "1e3", "1.23456"):
        assert has("transactions", f"amount = '{value}'") >= 1
    assert has("transactions", "amount is null") >= 1
    assert has("transactions", "transaction_id is null") >= 1
    assert has("transactions", "direction = 'sideways'") >= 1
    assert has("transactions", "status = 'settled'") >= 2
    assert has("transactions", "booked_at in ('31/02/2025 10:00', 'yesterday')") >= 2
    assert has("transactions", "account_id not in (select account_id from accounts "
                               "where account_id is not null)") >= 1  # fmt: skip
    assert has("balances", "balance_date = '2025-13-01'") >= 1
    assert has("balances", "account_id not in (select account_id from accounts "
                           "where account_id is not null)") >= 1  # fmt: skip
    assert has("customers", "marketing_consent = 'maybe'") >= 2
    assert has("customers", "dependents = 'two'") >= 1
    assert has("customers", "customer_id is null") >= 1
    assert has("customers", "created_at = '31/02/2025 10:00'") >= 1
    assert has("accounts", "opened_at = 'yesterday'") >= 1
    assert has("accounts", "status = 'suspended'") >= 2
    assert has("app_events", "event_at = '31/02/2025 10:00'") >= 1
    assert has("campaign_contacts", "sent_at = 'yesterday'") >= 1
    assert has("campaign_contacts", "is_control = 'perhaps'") >= 1
    assert has("digital_users", "registered_at = 'yesterday'") >= 1
    # Non-critical attributes keep to their value sets.
    assert has("customers", "gender not in ('F', 'M', 'X')") == 0
    assert has("customers", "marital_status not in ('single', 'married', 'divorced', "
                            "'widowed', 'partnered')") == 0  # fmt: skip


def test_bad_rows_stay_well_under_two_percent(db: duckdb.DuckDBPyConnection) -> None:
    bad = dict(db.sql('select "table", count(*) from gt_bad_rows group by all').fetchall())
    for table in COLUMNS:
        total = count(db, f"select count(*) from {table}")
        assert bad.get(table, 0) < 0.02 * total, table


def test_salary_ground_truth_points_at_credits(db: duckdb.DuckDBPyConnection) -> None:
    salary = count(db, "select count(*) from gt_salary_transactions")
    assert salary > 1000
    joined = db.sql("""
        select count(*), count(*) filter (where t.dir = 'credit'),
            count(*) filter (where t.code = 'SALARY' and t.purpose_code = 'SALA'),
            count(*) filter (where t.code = 'TRANSFER_IN' and t.purpose_code is null)
        from gt_salary_transactions as s
        inner join (select distinct transaction_id, dir, code, purpose_code from tx) as t
            using (transaction_id)
    """).fetchone()
    assert joined[0] == salary and joined[1] == salary
    assert joined[2] > 0 and joined[3] > 0, "coded and uncoded salaries"


def test_persons_ground_truth_matches_the_files(db: duckdb.DuckDBPyConnection) -> None:
    assert count(db, "select count(*) from gt_persons") == PERSONS
    missing = count(
        db,
        """
        select count(*) from person_customers
        where customer_id not in (select customer_id from customers where customer_id is not null)
    """,
    )
    assert missing == 0
    traits = db.sql("""
        select count(*) filter (where is_prospect = 'true'),
            count(*) filter (where is_erased = 'true'),
            count(*) filter (where is_investment_ready_intended = 'true'),
            count(distinct investment_ready_near_miss),
            count(distinct origin), count(distinct persona),
            count(*) filter (where record_link = 'chain'),
            count(*) filter (where has_consent = 'true'),
            count(*) filter (where has_consent = 'false')
        from gt_persons
    """).fetchone()
    assert traits[0] > 0 and traits[1] > 0 and traits[2] >= 3
    assert traits[3] == 4, "a near-miss for each investment-ready criterion"
    assert traits[4] == 4 and traits[5] == 11 and traits[6] >= 2
    assert traits[7] > 0 and traits[8] > 0
    erased = count(
        db,
        """
        select count(*) from gt_persons as p inner join person_customers using (person_key)
        inner join customers as c using (customer_id)
        where p.is_erased = 'true' and c.is_deleted = 'true'
    """,
    )
    assert erased > 0


# -- the mess --------------------------------------------------------------------------------
def test_customer_change_data_capture(db: duckdb.DuckDBPyConnection) -> None:
    identical = count(
        db,
        """
        select count(*) from (select customer_id, updated_at from customers
            where customer_id is not null group by all having count(distinct _loaded_at) > 1)
    """,
    )
    stale = count(
        db,
        """
        select count(*) from customers as old inner join customers as new using (customer_id)
        where cast(old.updated_at as timestamptz) < cast(new.updated_at as timestamptz)
            and old._loaded_at > new._loaded_at
    """,
    )
    assert identical > 0 and stale > 0


def test_identifiers_arrive_in_many_formats(db: duckdb.DuckDBPyConnection) -> None:
    def has(where: str) -> int:
        return count(db, f"select count(*) from customers where {where}")

    assert has("national_id like '%-%'") and has("national_id like '%.%'")
    assert has("national_id like '% %'")
    assert has("email <> lower(trim(email))") and has("email <> trim(email)")
    assert has("phone like '+34 %'") and has("phone like '0034%'")
    assert has("phone similar to '[0-9]{3}-[0-9]{3}-[0-9]{3}' and trim(country_code) ilike 'es'")
    assert has("birth_date = '1899-01-01'") and has("birth_date > '2026-10-31'")
    assert has("marketing_consent = 'true'") and has("marketing_consent = 'false'")
    assert has("marketing_consent is null")
    duplicate_ids = count(
        db,
        """
        select count(*) from (
            select upper(regexp_replace(national_id, '[^0-9A-Za-z]', '', 'g')) as nid
            from customers where national_id is not null
            group by 1 having count(distinct customer_id) > 1 and count(distinct national_id) > 1)
    """,
    )
    assert duplicate_ids > 0, "one national id written two ways on two records"


def test_transitive_identity_chain(db: duckdb.DuckDBPyConnection) -> None:
    chains = db.sql(
        "select customer_ids from gt_persons where record_link = 'chain' and is_erased = 'false'"
    ).fetchall()
    assert chains
    ids = chains[0][0].split(";")
    rows = {r[0]: r[1:] for r in db.sql(f"""
        select customer_id, any_value(upper(regexp_replace(national_id, '[^0-9A-Za-z]', '', 'g'))),
            any_value(lower(trim(email))),
            any_value(right(regexp_replace(phone, '[^0-9]', '', 'g'), 9))
        from customers where customer_id in ({", ".join(f"'{i}'" for i in ids)}) group by 1
    """).fetchall()}  # fmt: skip
    a, b, c = (rows[i] for i in ids)
    assert a[1] == b[1] and a[2] != b[2], "A and B share an email"
    assert b[2] == c[2] and b[1] != c[1], "B and C share a phone"
    assert a[0] != c[0] and a[1] != c[1] and a[2] != c[2], "A and C share nothing"


def test_transaction_versions_and_reversals(db: duckdb.DuckDBPyConnection) -> None:
    def pair(first: str, then: str) -> int:
        return count(
            db,
            f"""
            select count(*) from tx as a inner join tx as b using (transaction_id)
            where a.st = '{first}' and b.st = '{then}' and a._loaded_at < b._loaded_at
        """,
        )

    assert pair("pending", "booked") > 0 and pair("pending", "reversed") > 0
    reversal = count(
        db,
        """
        select count(*) from tx as r
        inner join tx as o on r.reversal_of_transaction_id = o.transaction_id
        where r.code = 'REVERSAL' and r.st = 'booked' and o.st = 'booked' and r.dir <> o.dir
    """,
    )
    unknown = count(
        db,
        """
        select count(*) from tx where code = 'REVERSAL' and reversal_of_transaction_id not in
            (select transaction_id from tx where transaction_id is not null)
    """,
    )
    pending = count(db, "select count(*) from tx where code = 'REVERSAL' and st = 'pending'")
    again = count(
        db,
        """
        select count(*) from (select transaction_id, st from tx where transaction_id is not null
            group by all having count(distinct _loaded_at) > 1)
    """,
    )
    assert reversal > 0 and unknown > 0 and pending > 0 and again > 0


def test_codes_directions_and_timestamps_vary(db: duckdb.DuckDBPyConnection) -> None:
    def has(where: str) -> int:
        return count(db, f"select count(*) from transactions where {where}")

    assert has("transaction_code <> upper(trim(transaction_code))")
    assert has("transaction_code <> trim(transaction_code)")
    for value in ("C", "D", "credit", "debit"):
        assert has(f"direction = '{value}'"), value
    assert has("direction not in ('C', 'D', 'credit', 'debit', 'sideways')")
    assert has("booked_at like '%Z'") and has("booked_at like '%+02:00'")
    assert has("booked_at like '%-05:00'") and has("length(booked_at) = 19")
    edge = count(
        db,
        """
        select count(*) from tx where try_cast(booked_at as timestamptz) is not null
            and month(cast(left(booked_at, 10) as date))
                <> month(timezone('UTC', cast(booked_at as timestamptz)))
    """,
    )
    unknown = count(
        db,
        """
        select count(*) from tx where code in ('CHQ_DEPOSIT', 'CRYPTO_BUY', 'BIZUM_IN')
    """,
    )
    late = count(
        db,
        """
        select count(*) from tx where try_cast(booked_at as timestamptz) is not null
            and cast(_loaded_at as timestamptz) - cast(booked_at as timestamptz) > interval 35 days
            and st = 'booked'
    """,
    )
    assert edge > 0 and unknown > 0 and late > 0


def test_internal_and_peer_transfers(db: duckdb.DuckDBPyConnection) -> None:
    internal = count(
        db,
        """
        select count(*) from tx as t
        inner join person_accounts as own using (account_id)
        inner join person_accounts as other on other.account_id = t.counterparty_account_id
        inner join tx as back on back.account_id = t.counterparty_account_id
            and back.counterparty_account_id = t.account_id and back.code = 'TRANSFER_IN'
        where t.code = 'TRANSFER_OUT' and own.person_key = other.person_key
            and own.product_code like 'CURRENT%' and other.product_code = 'SAVINGS_FLEX'
    """,
    )
    peer = count(
        db,
        """
        select count(*) from tx as t
        inner join person_accounts as own using (account_id)
        inner join person_accounts as other on other.account_id = t.counterparty_account_id
        where t.code = 'TRANSFER_OUT' and own.person_key <> other.person_key
    """,
    )
    assert internal > 0 and peer > 0


def test_income_patterns(db: duckdb.DuckDBPyConnection) -> None:
    recurring_other = count(
        db,
        """
        select count(*) from (
            select account_id, counterparty_name, amount from tx
            where code = 'TRANSFER_IN' and dir = 'credit' and counterparty_account_id is null
                and transaction_id not in (select transaction_id from gt_salary_transactions)
            group by all having count(distinct left(booked_at, 7)) >= 6)
    """,
    )
    gig = count(
        db,
        """
        select count(*) from (
            select p.person_key from gt_persons as p inner join person_accounts using (person_key)
            inner join tx using (account_id)
            where p.persona = 'gig_worker' and tx.code = 'TRANSFER_IN'
            group by all having count(distinct tx.counterparty_name) >= 2)
    """,
    )
    loans = count(db, "select count(*) from tx where code = 'LOAN_REPAYMENT'")
    assert recurring_other > 0 and gig > 0 and loans > 0


def test_reference_codes_join_the_seeds(db: duckdb.DuckDBPyConnection) -> None:
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    unknown_products = count(
        db,
        f"""
        select count(*) from accounts where trim(upper(product_code)) not in
            (select product_code from read_csv('{seeds}/product_catalogue.csv'))
    """,
    )
    unknown_mcc = count(
        db,
        f"""
        select count(*) from tx where mcc is not null and mcc not in
            (select cast(mcc as varchar) from read_csv('{seeds}/merchant_categories.csv'))
    """,
    )
    unknown_branch = count(
        db,
        f"""
        select count(*) from customers where home_branch_id not in
            (select branch_id from read_csv('{seeds}/branches.csv'))
    """,
    )
    assert unknown_products == 0 and unknown_mcc == 0 and unknown_branch == 0
    currencies = {r[0] for r in db.sql("select distinct currency from accounts").fetchall()}
    assert {"EUR"} < currencies <= {"EUR", "USD", "GBP", "CHF"}
    statuses = {
        r[0] for r in db.sql("select distinct lower(trim(status)) from accounts").fetchall()
    }
    assert {"active", "dormant", "closed"} <= statuses


def test_balances_cover_month_ends_and_follow_the_flows(db: duckdb.DuckDBPyConnection) -> None:
    gaps = count(
        db,
        """
        with month_ends as (
            select last_day(cast(range as date)) as d
            from range(date '2024-11-01', date '2026-11-01', interval 1 month)),
        open_all_window as (
            select distinct account_id from accounts
            where try_cast(opened_at as timestamptz) < timestamptz '2024-10-01'
                and account_id not in (select account_id from accounts where closed_at is not null)
                and account_id not in (select business_key from gt_bad_rows))
        select count(*) from open_all_window cross join month_ends
        where (account_id, cast(d as varchar))
            not in (select (account_id, balance_date) from balances)
    """,
    )
    assert gaps == 0
    other_days = count(
        db, "select count(*) from balances where day(try_cast(balance_date as date)) = 15"
    )
    assert other_days > 0
    # A savings account's balance moves month over month by exactly its booked flows.
    off = count(db, """
        with savings as (
            select account_id from person_accounts as pa
            inner join gt_persons using (person_key)
            where product_code = 'SAVINGS_FLEX' and is_investment_ready_intended = 'true'),
        valid as (
            select * from tx where st in ('booked', 'pending', 'reversed') and dir is not null
                and regexp_full_match(amount, '[0-9]+(\\.[0-9]{1,4})?')
                and try_cast(booked_at as timestamptz) is not null),
        final as (
            select * from (select *, row_number() over (partition by transaction_id
                order by _loaded_at desc) as rn from valid) where rn = 1 and st = 'booked'),
        flows as (
            select account_id,
                last_day(cast(timezone('UTC', cast(booked_at as timestamptz)) as date)) as d,
                sum(case when dir = 'credit' then 1 else -1 end * cast(amount as decimal(18, 4)))
                    as flow
            from final inner join savings using (account_id) group by all),
        month_end as (
            select account_id, cast(balance_date as date) as d,
                cast(balance as decimal(18, 4)) as balance,
                lag(cast(balance as decimal(18, 4)))
                    over (partition by account_id order by balance_date) as prev
            from balances inner join savings using (account_id)
            where try_cast(balance_date as date) = last_day(try_cast(balance_date as date)))
        select count(*) from month_end left join flows using (account_id, d)
        where prev is not null and balance - prev <> coalesce(flow, 0)
    """)  # fmt: skip
    assert off == 0


def test_digital_users_prospects_events_and_campaigns(db: duckdb.DuckDBPyConnection) -> None:
    matched = count(
        db,
        """
        select count(*) from digital_users as d inner join customers as c
            on lower(trim(d.email)) = lower(trim(c.email))
        where d.customer_id is null
    """,
    )
    prospects = count(db, "select count(*) from gt_persons where origin = 'digital_prospect'")
    duplicates = count(
        db,
        """
        select count(*) from (select event_id from app_events where event_id is not null
            group by 1 having count(*) > 1)
    """,
    )
    unknown = count(
        db,
        """
        select count(*) from app_events where event_name not in ('login', 'view_product',
            'start_application', 'complete_application', 'budget_view', 'savings_goal_created',
            'carbon_footprint_view', 'invest_view', 'support_chat')
    """,
    )
    contacts = db.sql("""
        select count(*) filter (where is_control = 'true'),
            count(*) filter (where is_control = 'true' and converted_at is not null),
            count(*) filter (where opened_at is not null),
            count(*) filter (where clicked_at is not null),
            count(*) filter (where converted_at is not null)
        from campaign_contacts
    """).fetchone()
    assert matched > 0 and prospects > 0 and duplicates > 0 and unknown > 0
    assert all(value > 0 for value in contacts), contacts


def test_source_of_every_table_is_known() -> None:
    assert set(SOURCE_OF.values()) == {"core_banking", "digital", "marketing"}
