"""The Great Expectations runner fails on a broken mart and names the expectation."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
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


def test_data_docs_site_is_built(tmp_path: Path, only_persons: None) -> None:
    db = _warehouse(
        tmp_path / "docs.duckdb",
        [("p1", "digital_client", 3), ("p2", "digital_user", 5), ("p1", "offline_client", 9)],
    )
    docs = tmp_path / "gx"
    assert validate.run(db, None, docs) == 1
    index = docs / "data_docs" / "local_site" / "index.html"
    assert index.exists()
    pages = list((docs / "data_docs" / "local_site" / "validations").rglob("*.html"))
    assert [p for p in pages if "dim_persons" in str(p)], "no validation page for dim_persons"
    # a second run replaces the results of the first
    assert validate.run(db, None, docs) == 1
    results = list((docs / "validations").rglob("*.json"))
    assert len(results) == 1


def _segment_warehouse(path: Path, audience_in: int, n_persons: int = 10) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.dim_segments as select * from (values "
            "('investment_ready', true), ('digital_active', false)) as s (segment_id, is_audience)"
        )
        con.execute(
            "create table marts.fct_segment_membership (as_of_date date, person_id varchar, "
            "segment_id varchar, status varchar, criteria varchar)"
        )
        for i in range(n_persons):
            for segment_id, is_in in (
                ("investment_ready", i < audience_in),
                ("digital_active", True),
            ):
                con.execute(
                    "insert into marts.fct_segment_membership values "
                    "(date '2025-06-30', ?, ?, ?, '{}')",
                    [f"p{i}", segment_id, "in" if is_in else "out"],
                )
    return path


@pytest.fixture
def only_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    suites = {
        "dim_segments": expectations.dim_segments,
        "fct_segment_membership": expectations.fct_segment_membership,
    }
    monkeypatch.setattr(validate, "MART_SUITES", suites, raising=True)


def test_audience_share_bound_is_critical_and_names_the_segment(
    tmp_path: Path, only_segments: None, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _segment_warehouse(tmp_path / "broad.duckdb", audience_in=8)
    assert validate.run(db, None) == 1
    out = capsys.readouterr().out
    failed = [line for line in out.splitlines() if line.startswith("  FAILED")]
    assert len(failed) == 1, out
    assert (
        "fct_segment_membership.segment_shares: ExpectColumnValuesToBeBetween(share_in)"
        in (failed[0])
    )
    assert "investment_ready" in failed[0]
    # a segment (not an audience) that holds everybody only warns
    assert "warning  fct_segment_membership.segment_shares" in out
    assert "digital_active" in out


def test_selective_audience_passes(tmp_path: Path, only_segments: None) -> None:
    db = _segment_warehouse(tmp_path / "selective.duckdb", audience_in=2)
    assert validate.run(db, None) == 0


def test_features_hold_every_customer_person_once() -> None:
    specs = expectations.fct_person_features(
        pd.DataFrame(),
        {
            "dim_persons": pd.DataFrame(
                {"person_id": ["p1", "p2", "p3"], "is_prospect": [False, False, True]}
            )
        },
    )
    counts = [s for s in specs if s.expectation == "ExpectTableRowCountToEqual"]
    assert counts and counts[0].kwargs["value"] == 2
    members = [s for s in specs if s.expectation == "ExpectColumnValuesToBeInSet"]
    assert ["p1", "p2"] in [s.kwargs.get("value_set") for s in members]


def test_cashflow_row_count_follows_the_relationship_months() -> None:
    persons = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p3"],
            "first_relationship_date": pd.to_datetime(["2024-11-20", "2025-06-02", "2023-01-01"]),
            "as_of_date": pd.to_datetime(["2025-06-15"] * 3),
        }
    )
    specs = expectations.fct_person_monthly_cashflow(pd.DataFrame(), {"dim_persons": persons})
    counts = [s for s in specs if s.expectation == "ExpectTableRowCountToEqual"]
    # 2024-11 .. 2025-05 = 7 months; none for a relationship begun in the as_of month; 29
    assert counts[0].kwargs["value"] == 7 + 0 + 29
