"""Fault injection: every kind of bad input, one build, nothing valid lost.

The corpus (`fault_corpus.py`) is the fixture plus file-level faults; it is
built once with dbt and compared with the fixture warehouse built from the
clean files (same as_of_date). Asserted:

- the build finishes (dbt exits 0: warnings allowed, no error);
- nothing valid is lost: every row of every stg model of the clean build is in
  the corpus build, unchanged, and the valid rows injected next to the faults
  reach staging too;
- every bad row is quarantined with its reason (the generator's ground truth,
  a re-delivered bad row once per delivery, and the injected bad lines), and
  nothing else is;
- a re-delivered or out-of-order batch changes nothing.

Every fault kind is checked on its own; the tally `fault kinds tried / handled`
is written to reports/fault_injection.txt, shown at the end of the pytest run.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR
from fault_corpus import Corpus, shared_corpus

STG_MODELS = {
    "customers": ("stg_core_banking__customers", "customer_id"),
    "accounts": ("stg_core_banking__accounts", "account_id"),
    "transactions": ("stg_core_banking__transactions", "transaction_id"),
    "balances": (
        "stg_core_banking__balances",
        "account_id || '|' || cast(balance_date as varchar)",
    ),
    "digital_users": ("stg_digital__digital_users", "digital_user_id"),
    "app_events": ("stg_digital__app_events", "event_id"),
    "campaigns": ("stg_marketing__campaigns", "campaign_id"),
    "campaign_contacts": ("stg_marketing__campaign_contacts", "contact_id"),
}
TALLY_FILE = PROJECT_DIR / "reports" / "fault_injection.txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, fixture_dir: Path, fixture_db: Path) -> Corpus:
    return shared_corpus(tmp_path_factory, fixture_dir, fixture_db)


@pytest.fixture(scope="module")
def con(corpus: Corpus, fixture_db: Path) -> duckdb.DuckDBPyConnection:
    """The corpus warehouse; the clean build's stg models as temp views `clean_<model>`."""
    connection = duckdb.connect(str(corpus.database), read_only=True)
    # the clean views name their own database: attach it under that name
    connection.execute(f"attach '{fixture_db}' as \"{fixture_db.stem}\" (read_only)")
    for model, _ in STG_MODELS.values():
        connection.execute(
            f'create temp view clean_{model} as select * from "{fixture_db.stem}".staging.{model}'
        )
    yield connection
    connection.close()


def _ground_truth(raw_dir: Path) -> list[dict[str, str]]:
    with open(raw_dir / "_ground_truth" / "bad_rows.csv", newline="") as handle:
        return list(csv.DictReader(handle))


# Most stg models are views: each query recomputes them, so results are kept per connection.
_CACHE: dict[tuple[int, str], object] = {}


def _cached(con: duckdb.DuckDBPyConnection, name: str, compute: Callable[[], object]) -> object:
    key = (id(con), name)
    if key not in _CACHE:
        _CACHE[key] = compute()
    return _CACHE[key]


def _quarantine(con: duckdb.DuckDBPyConnection) -> Counter[tuple[str, str, str]]:
    sql = (
        "select table_name, coalesce(business_key, ''), reason_code "
        "from staging.stg_quarantine__rows"
    )
    return _cached(con, "quarantine", lambda: Counter(con.execute(sql).fetchall()))


def _expected_quarantine(corpus: Corpus) -> Counter[tuple[str, str, str]]:
    redelivered = {f.replace("_redelivered", "") for f in corpus.files["duplicate_batch"]}
    expected: Counter[tuple[str, str, str]] = Counter()
    for row in _ground_truth(corpus.raw_dir):
        key = (row["table"], row["business_key"], row["expected_reason_code"])
        # a bad row of the batch delivered twice is quarantined once per delivery
        expected[key] += 2 if row["file_name"] in redelivered else 1
    expected.update(corpus.new_bad_rows)
    return expected


def _compared_columns(con: duckdb.DuckDBPyConnection, model: str) -> str:
    """The columns of a staging model, without `_processed_at` (the time of the run)."""
    columns = con.execute(
        "select column_name from information_schema.columns"
        " where table_catalog = current_database() and table_schema = 'staging'"
        " and table_name = ? order by ordinal_position",
        [model],
    ).fetchall()
    return ", ".join(f'"{name}"' for (name,) in columns if name != "_processed_at")


def _lost_rows(con: duckdb.DuckDBPyConnection, corpus: Corpus, table: str) -> list[tuple]:
    """Rows of the clean stg model that the corpus build does not hold unchanged."""
    model, key = STG_MODELS[table]
    columns = _compared_columns(con, model)
    erased = f"and customer_id <> '{corpus.erased_customer_id}'" if table == "customers" else ""
    sql = (
        f"select {key} from (select {columns} from clean_{model} where true {erased} "
        f"except select {columns} from staging.{model})"
    )
    return _cached(con, f"lost.{table}", lambda: con.execute(sql).fetchall())


def _added_keys(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    model, key = STG_MODELS[table]
    columns = _compared_columns(con, model)
    rows = con.execute(
        f"select {key} from (select {columns} from staging.{model}"
        f" except select {columns} from clean_{model})"
    ).fetchall()
    return {r[0] for r in rows}


def _staging_keys(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    model, key = STG_MODELS[table]
    sql = f"select {key} from staging.{model}"
    return _cached(con, f"keys.{table}", lambda: {r[0] for r in con.execute(sql).fetchall()})


def _load_columns(con: duckdb.DuckDBPyConnection, file_name: str) -> set[tuple[str, bool, bool]]:
    rows = con.execute(
        "select column_name, is_in_contract, is_in_file from raw.load_columns "
        "where file_name = ? and not (is_in_contract and is_in_file)",
        [file_name],
    ).fetchall()
    return set(rows)


# --- per kind: a check returning its problems (empty when handled) -------------------------

Check = Callable[[duckdb.DuckDBPyConnection, Corpus], list[str]]


def _bad_row_kind_check(table: str, kind: str) -> Check:
    def check(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> list[str]:
        quarantine = _quarantine(con)
        problems = []
        rows = [
            r for r in _ground_truth(corpus.raw_dir) if (r["table"], r["kind"]) == (table, kind)
        ]
        for row in rows:
            key = (table, row["business_key"], row["expected_reason_code"])
            if quarantine[key] == 0:
                problems.append(f"{key} not quarantined with its reason")
            if row["has_valid_version"] != "true" and row["business_key"] in _staging_keys(
                con, table
            ):
                problems.append(f"{table} {row['business_key']}: a bad-only key reached staging")
        return problems

    return check


def _new_rows_check(kind: str, drift: set[tuple[str, bool, bool]] | None = None) -> Check:
    """The valid rows of the kind's file reach staging, its bad lines are quarantined."""

    def check(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> list[str]:
        problems = []
        (file_name,) = corpus.files[kind]
        prefix = Path(file_name).stem
        quarantine = _quarantine(con)
        for table, key in corpus.new_valid_rows:
            if _kind_of_key(corpus, key) == kind and key not in _staging_keys(con, table):
                problems.append(f"valid row {table} {key} of {prefix} lost")
        for table, key, reason in corpus.new_bad_rows:
            if _kind_of_key(corpus, key) == kind and quarantine[(table, key, reason)] != 1:
                problems.append(f"bad line {table} {key} not quarantined once as {reason}")
        if drift is not None and not drift <= _load_columns(con, file_name):
            problems.append(f"{file_name}: drift {drift} not recorded in raw.load_columns")
        return problems

    return check


def _kind_of_key(corpus: Corpus, key: str) -> str:
    markers = {
        "TXFAULTMC": "missing_column",
        "TXFAULTXC": "extra_column",
        "TXFAULTENC": "non_utf8_byte",
        "EVFAULTTRUNC": "truncated_last_line",
    }
    return next((kind for marker, kind in markers.items() if key.startswith(marker)), "")


def _empty_file_check(kind: str) -> Check:
    def check(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> list[str]:
        (file_name,) = corpus.files[kind]
        loaded = (
            con.execute(
                "select count(*) from raw.core_banking__transactions where _file_name = ?",
                [file_name],
            ).fetchone()[0]
            + con.execute(
                "select count(*) from raw.digital__app_events where _file_name = ?", [file_name]
            ).fetchone()[0]
        )
        rejects = con.execute(
            "select count(*) from raw.load_rejects where file_name = ?", [file_name]
        ).fetchone()[0]
        recorded = con.execute(
            "select count(*) from raw.load_columns where file_name = ?", [file_name]
        ).fetchone()[0]
        problems = []
        if loaded or rejects:
            problems.append(f"{file_name}: {loaded} rows and {rejects} rejects from an empty file")
        if not recorded:
            problems.append(f"{file_name}: the loader did not record the file")
        return problems

    return check


def _unchanged_check(kind: str) -> Check:
    """The keys of a re-delivered or out-of-order file stand as in the clean build."""

    def check(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> list[str]:
        (file_name,) = corpus.files[kind]
        delivered = corpus.unchanged_keys[kind]
        problems = [] if delivered else [f"{file_name}: no keys delivered"]
        for table in sorted({t for t, _ in delivered}):
            keys = {k for t, k in delivered if t == table}
            added = _added_keys(con, table)
            lost = {r[0] for r in _lost_rows(con, corpus, table)}
            changed = (added | lost) & keys
            if changed:
                problems.append(f"{file_name}: {table} keys changed {sorted(changed)[:5]}")
        loaded = con.execute(
            "select count(*) from raw.load_columns where file_name = ?", [file_name]
        ).fetchone()[0]
        if not loaded:
            problems.append(f"{file_name}: not loaded at all")
        return problems

    return check


def _checks(corpus: Corpus) -> dict[str, Check]:
    checks: dict[str, Check] = {}
    kinds = sorted({(r["table"], r["kind"]) for r in _ground_truth(corpus.raw_dir)})
    for table, kind in kinds:
        checks[f"bad row: {table}.{kind}"] = _bad_row_kind_check(table, kind)
    checks["file: empty_batch_file"] = _empty_file_check("empty_batch_file")
    checks["file: header_only_batch_file"] = _empty_file_check("header_only_batch_file")
    checks["file: missing_column"] = _new_rows_check(
        "missing_column", {("purpose_code", True, False)}
    )
    checks["file: extra_column"] = _new_rows_check(
        "extra_column", {("loyalty_points", False, True)}
    )
    checks["file: truncated_last_line"] = _new_rows_check("truncated_last_line")
    checks["file: non_utf8_byte"] = _new_rows_check("non_utf8_byte")
    checks["file: duplicate_batch"] = _unchanged_check("duplicate_batch")
    checks["file: out_of_order_batch"] = _unchanged_check("out_of_order_batch")
    checks["file: out_of_order_stale_version"] = _unchanged_check("out_of_order_stale_version")
    return checks


# --- tests ---------------------------------------------------------------------------------


# long_running: the corpus build (shared with test_erasure.py) starts while the other
# worker runs a long test, instead of both workers reaching it at once, one waiting on
# the build's lock
@pytest.mark.long_running(order=4)
def test_the_build_finishes(corpus: Corpus) -> None:
    assert corpus.build_returncode == 0, corpus.build_log_tail


def test_nothing_valid_is_lost(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> None:
    for table in STG_MODELS:
        lost = _lost_rows(con, corpus, table)
        assert not lost, f"{table}: rows of the clean build lost or changed: {lost[:5]}"
    expected_new = {k for t, k in corpus.new_valid_rows}
    for table in STG_MODELS:
        added = _added_keys(con, table)
        if table == "customers":
            added -= {corpus.erased_customer_id}
        unexpected = added - expected_new
        assert not unexpected, f"{table}: rows only in the corpus build: {sorted(unexpected)[:5]}"
    for table, key in corpus.new_valid_rows:
        assert key in _staging_keys(con, table), f"{table} {key}: injected valid row lost"


def test_every_bad_row_is_quarantined_with_its_reason(
    con: duckdb.DuckDBPyConnection, corpus: Corpus
) -> None:
    actual = _quarantine(con)
    expected = _expected_quarantine(corpus)
    missing = expected - actual
    unexpected = actual - expected
    assert not missing, f"bad rows not quarantined (as often as delivered): {list(missing)[:5]}"
    assert not unexpected, f"rows quarantined that are not bad rows: {list(unexpected)[:5]}"
    reasons = {reason for _, _, reason in actual}
    contract_reasons = {
        "unreadable_line", "missing_business_key", "missing_required_value",
        "invalid_timestamp", "invalid_date", "invalid_money", "invalid_integer",
        "invalid_boolean", "invalid_code", "orphan_reference",
    }  # fmt: skip
    assert contract_reasons <= reasons, f"reason codes never tried: {contract_reasons - reasons}"


def test_every_fault_kind_is_handled(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> None:
    results = {name: check(con, corpus) for name, check in _checks(corpus).items()}
    handled = [name for name, problems in results.items() if not problems]
    tally = f"fault kinds tried / handled: {len(results)} / {len(handled)}"
    lines = [tally, *(f"  {'ok  ' if not p else 'FAIL'} {n}" for n, p in results.items())]
    TALLY_FILE.parent.mkdir(parents=True, exist_ok=True)
    TALLY_FILE.write_text("\n".join(lines) + "\n")
    problems = [f"{n}: {p}" for n, ps in results.items() for p in ps]
    assert len(handled) == len(results), tally + "\n" + "\n".join(problems[:20])
