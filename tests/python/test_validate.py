"""The Great Expectations runner fails on a broken mart and names the expectation."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bank_segments import expectations, raw_expectations, validate


@pytest.fixture
def only_persons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        validate, "MART_SUITES", {"dim_persons": expectations.dim_persons}, raising=True
    )


def _warehouse(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.dim_persons (person_id varchar, origin varchar, "
            "is_digital_active boolean, first_relationship_date date, tenure_months integer)"
        )
        for person_id, origin, tenure in rows:
            con.execute(
                "insert into marts.dim_persons values (?, ?, true, date '2024-01-01', ?)",
                [person_id, origin, tenure],
            )
    return path


def test_valid_mart_passes(tmp_path: Path, only_persons: None) -> None:
    db = _warehouse(
        tmp_path / "ok.duckdb",
        [("p1", "digital_client", 3), ("p2", "digital_user", 5), ("p3", "offline_client", 9)],
    )
    assert validate.run(db, tmp_path / "report") == 0
    assert (tmp_path / "report" / "validation.json").exists()


def test_duplicate_key_fails_and_is_named(
    tmp_path: Path, only_persons: None, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _warehouse(
        tmp_path / "bad.duckdb", [("p1", "digital_client", 3), ("p1", "offline_client", 4)]
    )
    assert validate.run(db, None) == 1
    out = capsys.readouterr().out
    assert "FAILED   dim_persons: ExpectColumnValuesToBeUnique(person_id)" in out


def test_warning_does_not_fail(
    tmp_path: Path, only_persons: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # One origin only: the "every origin represented" expectation warns.
    db = _warehouse(tmp_path / "warn.duckdb", [("p1", "digital_client", 3)])
    assert validate.run(db, None) == 0
    assert "warning  dim_persons" in capsys.readouterr().out


def test_missing_mart_is_critical(tmp_path: Path, only_persons: None) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    assert validate.run(db, None) == 1


def test_contract_tables_come_from_the_sources_yaml() -> None:
    tables = raw_expectations.contract_tables()
    assert set(tables) == {
        "core_banking__customers",
        "core_banking__accounts",
        "core_banking__transactions",
        "core_banking__balances",
        "digital__digital_users",
        "digital__app_events",
        "marketing__campaigns",
        "marketing__campaign_contacts",
    }
    assert tables["core_banking__balances"]["business_key"] == ["account_id", "balance_date"]
    assert tables["core_banking__transactions"]["columns"][0] == "transaction_id"


def _raw_transactions(path: Path, amounts: list[str]) -> Path:
    columns = raw_expectations.contract_tables()["core_banking__transactions"]["columns"]
    all_columns = [*columns, *raw_expectations.LOADER_COLUMNS]
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.core_banking__transactions ("
            + ", ".join(f'"{c}" varchar' for c in all_columns)
            + ")"
        )
        for i, amount in enumerate(amounts):
            row = {c: None for c in all_columns}
            row.update(
                transaction_id=f"T{i}",
                account_id="A1",
                booked_at="2025-03-31T23:30:00-02:00",
                value_date="2025-04-01",
                amount=amount,
                direction=" c ",
                status="BOOKED",
                _loaded_at="2025-04-02T06:00:00Z",
            )
            con.execute(
                "insert into raw.core_banking__transactions values ("
                + ", ".join("?" for _ in all_columns)
                + ")",
                [row[c] for c in all_columns],
            )
    return path


def test_raw_feed_with_a_few_bad_amounts_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate, "MART_SUITES", {}, raising=True)
    db = _raw_transactions(tmp_path / "raw_ok.duckdb", ["12.50"] * 39 + ["12,50"])
    assert validate.run(db, None) == 0


def test_raw_feed_where_amounts_do_not_parse_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(validate, "MART_SUITES", {}, raising=True)
    db = _raw_transactions(tmp_path / "raw_bad.duckdb", ["12.50", "1e3", "-5", "abc"] * 5)
    assert validate.run(db, None) == 1
    out = capsys.readouterr().out
    assert "raw.core_banking__transactions: ExpectColumnValuesToMatchRegex(amount)" in out
